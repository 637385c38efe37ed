"""The defaults of PRODUCT.md: one channel per message type, and a cadence per phase."""

from django.db import migrations

CHANNELS = {
    "quick_question": ("chat", "Quick questions go to chat."),
    "decision": ("email", "Decisions and approvals are written down by email."),
    "task_update": ("project_board", "Task updates live on the project board."),
    "status_update": ("email", "Status updates are emailed."),
    "meeting_recap": ("email", "A call or meeting is recapped in writing by email."),
    "urgent_escalation": ("escalation_path", "Urgent matters follow the escalation path."),
}

# phase: (interval, business days only, update kind, live call every N days, quiet after N business days)
CADENCE = {
    "discovery": (2, True, "discovery_summary", 7, 3),  # every 2–3 days, plus a live call a week
    "build": (7, False, "build_status", None, 5),  # a weekly structured status email
    "qa": (1, True, "qa_note", None, 2),  # a short note every business day
    "delivery": (1, True, "delivery_checklist", None, 2),  # daily checklist in the final week
    "support": (14, False, "post_launch_checkin", None, 10),  # every two weeks after launch
}


def create_defaults(apps, schema_editor):
    ChannelRule = apps.get_model("comms", "ChannelRule")
    CadencePolicy = apps.get_model("comms", "CadencePolicy")
    for message_type, (channel, note) in CHANNELS.items():
        ChannelRule.objects.get_or_create(
            project=None, message_type=message_type, defaults={"channel": channel, "note": note}
        )
    # The weekly live call of discovery was a number nothing acted on; 0015 removed the field.
    for phase, (interval, business_only, kind, _call_every, quiet_after) in CADENCE.items():
        CadencePolicy.objects.get_or_create(
            project=None,
            phase=phase,
            defaults={
                "interval_days": interval,
                "business_days_only": business_only,
                "update_kind": kind,
                "quiet_after_business_days": quiet_after,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("comms", "0001_initial")]
    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
