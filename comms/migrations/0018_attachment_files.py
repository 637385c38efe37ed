"""Attachments of client mail become rows with their files. Mail received before keeps the names and
sizes it had (in the old `Message.attachments` list), as rows without a file."""

import django.db.models.deletion
from django.db import migrations, models

import comms.models


def names_to_rows(apps, schema_editor):
    Attachment = apps.get_model("comms", "Attachment")
    Message = apps.get_model("comms", "Message")
    rows = [
        Attachment(
            message_id=message_id,
            position=position,
            name=str(listed.get("name") or "unnamed")[:255],
            size=int(listed.get("size") or 0),
        )
        for message_id, attachments in Message.objects.exclude(attachments=[]).values_list(
            "pk", "attachments"
        )
        for position, listed in enumerate(attachments, start=1)
    ]
    Attachment.objects.bulk_create(rows, batch_size=1000)


def rows_to_names(apps, schema_editor):
    Attachment = apps.get_model("comms", "Attachment")
    Message = apps.get_model("comms", "Message")
    listed = {}
    for message_id, name, size in Attachment.objects.order_by("message_id", "position").values_list(
        "message_id", "name", "size"
    ):
        listed.setdefault(message_id, []).append({"name": name, "size": size})
    for message_id, attachments in listed.items():
        Message.objects.filter(pk=message_id).update(attachments=attachments)


class Migration(migrations.Migration):
    dependencies = [
        ("comms", "0017_single_line_update_subject"),
    ]

    operations = [
        migrations.CreateModel(
            name="Attachment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "position",
                    models.PositiveSmallIntegerField(
                        help_text="Its place among the mail's attachments, from 1."
                    ),
                ),
                ("name", models.CharField(help_text="The file name the client gave it.", max_length=255)),
                ("content_type", models.CharField(blank=True, max_length=100)),
                ("size", models.PositiveBigIntegerField(help_text="In bytes.")),
                (
                    "file",
                    models.FileField(
                        blank=True,
                        help_text="Empty for mail received before files were kept: only its name and size are known.",
                        max_length=300,
                        upload_to=comms.models.attachment_path,
                    ),
                ),
                (
                    # Named "+" until the old list of the same name is gone.
                    "message",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="comms.message"
                    ),
                ),
            ],
            options={
                "ordering": ["message_id", "position"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("message", "position"), name="one_attachment_per_position"
                    )
                ],
            },
        ),
        migrations.RunPython(names_to_rows, rows_to_names),
        migrations.RemoveField(model_name="message", name="attachments"),
        migrations.AlterField(
            model_name="attachment",
            name="message",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="attachments", to="comms.message"
            ),
        ),
        migrations.AddField(
            model_name="message",
            name="from_new_person",
            field=models.BooleanField(
                default=False,
                help_text="Client mail to the project's reply address from someone who is not (yet) one of the "
                "client's contacts: the lead may add them.",
            ),
        ),
        migrations.AddField(
            model_name="message",
            name="original_subject",
            field=models.TextField(
                blank=True,
                help_text="Client mail whose subject arrived with line breaks or NULs (`subject` has it on one "
                "line): the subject as it came, escaped as in a JSON string.",
            ),
        ),
    ]
