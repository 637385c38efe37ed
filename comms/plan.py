"""Services on a project's communication plan: its channel rules start as the org's defaults."""

from django.db import transaction

from .models import CadencePolicy, ChannelRule


def copy_default_channel_rules(project):
    """Give the project the default channel for every message type it has no rule for yet.

    Types the project already has (set on the admin's add page, say) are kept as they are.
    """
    existing = set(project.channel_rules.values_list("message_type", flat=True))
    ChannelRule.objects.bulk_create(
        ChannelRule(project=project, message_type=rule.message_type, channel=rule.channel, note=rule.note)
        for rule in ChannelRule.objects.filter(project__isnull=True)
        if rule.message_type not in existing
    )


@transaction.atomic
def set_channels(project, channels):
    """The lead's channel rules for a project: `channels` maps message type → channel, one each."""
    for message_type, channel in channels.items():
        ChannelRule.objects.update_or_create(
            project=project, message_type=message_type, defaults={"channel": channel}
        )


@transaction.atomic
def set_cadence(project, *, phase, interval_days, business_days_only):
    """Override how often the client hears from us in one phase (the rest of the default stays)."""
    default = CadencePolicy.for_project(project, phase)
    CadencePolicy.objects.update_or_create(
        project=project,
        phase=phase,
        defaults={
            "interval_days": interval_days,
            "business_days_only": business_days_only,
            "update_kind": default.update_kind,
            "quiet_after_business_days": default.quiet_after_business_days,
        },
    )
