"""The escalation defaults of PRODUCT.md: three tiers, targets per severity, a route per category."""

from django.db import migrations

TIERS = [
    # level, name, include owner, include lead, include account owner
    (1, "First responders (owner, project manager)", True, True, False),
    (2, "Senior staff / department head", False, False, True),
    (3, "Executive / legal", False, False, False),
]

TARGETS = {
    "critical": (1, "hours", 24, "hours"),
    "moderate": (4, "business_hours", 3, "business_days"),
    "minor": (1, "business_days", 5, "business_days"),
}

ROUTES = {
    "scope_change": ("lead", "Scope changes go to the project lead."),
    "budget_overrun": ("account_owner", "Budget overruns go to the client's account owner."),
    "technical_failure": ("lead", "Failures and downtime go to the project lead."),
    "dispute": ("account_owner", "Disputes and complaints go to the account owner."),
    "unanswered_mail": ("owner", "Unanswered client mail goes back to the project's owner."),
}


def create_defaults(apps, schema_editor):
    Tier = apps.get_model("escalations", "Tier")
    SeverityTarget = apps.get_model("escalations", "SeverityTarget")
    CategoryRoute = apps.get_model("escalations", "CategoryRoute")
    for level, name, owner, lead, account_owner in TIERS:
        Tier.objects.get_or_create(
            project=None,
            level=level,
            defaults={"name": name, "include_owner": owner, "include_lead": lead,
                      "include_account_owner": account_owner},
        )
    for severity, (ack, ack_unit, resolve, resolve_unit) in TARGETS.items():
        SeverityTarget.objects.get_or_create(
            severity=severity,
            defaults={"acknowledge_within": ack, "acknowledge_unit": ack_unit,
                      "resolve_within": resolve, "resolve_unit": resolve_unit},
        )
    for category, (responder, description) in ROUTES.items():
        CategoryRoute.objects.get_or_create(
            category=category, defaults={"first_responder": responder, "description": description}
        )


class Migration(migrations.Migration):
    dependencies = [("escalations", "0001_initial")]
    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
