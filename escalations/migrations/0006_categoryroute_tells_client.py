"""Whether the client is told about an escalation is part of its category's route: failures and
disputes tell the client; budget overruns, scope changes and unanswered mail stay internal."""

from django.db import migrations, models

TELLS_CLIENT = {
    "scope_change": False,
    "budget_overrun": False,
    "technical_failure": True,
    "dispute": True,
    "unanswered_mail": False,
}


def create_defaults(apps, schema_editor):
    CategoryRoute = apps.get_model("escalations", "CategoryRoute")
    for category, tells_client in TELLS_CLIENT.items():
        CategoryRoute.objects.filter(category=category).update(tells_client=tells_client)


class Migration(migrations.Migration):
    dependencies = [("escalations", "0005_search_dates")]
    operations = [
        migrations.AddField(
            model_name="categoryroute",
            name="tells_client",
            field=models.BooleanField(
                default=False,
                help_text="The client is told when an escalation of this category is raised and resolved, "
                "unless the lead raising it says otherwise.",
                verbose_name="tell the client by default",
            ),
        ),
        migrations.RunPython(create_defaults, migrations.RunPython.noop),
    ]
