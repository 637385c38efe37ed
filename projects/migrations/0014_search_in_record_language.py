from django.db import migrations

from projects.fulltext import StemInRecordLanguage


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0013_languages"),
        ("comms", "0012_search_vector"),
        ("escalations", "0004_search_vector"),
    ]

    operations = [
        StemInRecordLanguage("comms", "message", ["subject"], ["body_text"], contact_column="contact_id"),
        StemInRecordLanguage("comms", "update", ["subject", "status_line"], ["technical_body"]),
        StemInRecordLanguage("projects", "commitment", ["description"], ["waiting_for", "recovery_plan"]),
        StemInRecordLanguage("projects", "decision", ["summary"], []),
        StemInRecordLanguage(
            "escalations",
            "escalation",
            ["title"],
            [
                "description",
                "documentation",
                "resolution",
                "post_mortem_what",
                "post_mortem_why",
                "post_mortem_prevention",
            ],
        ),
    ]
