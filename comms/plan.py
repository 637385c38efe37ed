"""Services on a project's communication plan: its channel rules start as the org's defaults."""

from .models import ChannelRule


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
