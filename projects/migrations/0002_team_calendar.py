"""The team's org-wide business calendar, so a fresh install can compute deadlines at once."""

import datetime

from django.db import migrations


def create_defaults(apps, schema_editor):
    BusinessCalendar = apps.get_model("projects", "BusinessCalendar")
    if not BusinessCalendar.objects.filter(is_team_default=True).exists():
        BusinessCalendar.objects.create(
            name="Team calendar",
            time_zone="Europe/London",
            workdays="01234",
            opens_at=datetime.time(9),
            closes_at=datetime.time(17),
            holiday_country="GB",
            holiday_subdivision="ENG",
            is_team_default=True,
        )


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]
    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
