"""django-celery-beat runs the tick every minute; the schedule lives in the database from migrate on."""

from django.db import migrations


def schedule_tick(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(
        name="Autopilot tick",
        defaults={"task": "comms.tasks.tick", "interval": every_minute, "description": "Act on what has come due."},
    )


def unschedule_tick(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name="Autopilot tick").delete()


class Migration(migrations.Migration):
    dependencies = [("comms", "0003_deadline_update_message_deadline_update_and_more"), ("django_celery_beat", "0019_alter_periodictasks_options")]
    operations = [migrations.RunPython(schedule_tick, unschedule_tick)]
