"""The record stemmed again when a language changes. Each row is stemmed in its contact's, else its
client's, else the organisation's language when it is written (`record_search_config`), and keeps
those stems; so when one of those languages changes, the rows it covers are stemmed again in the
background, and a German contact's older mail is found by German word forms too."""

import logging

from celery import current_app
from django.db import connection, transaction
from django.db.models import F

from comms.search import SOURCES
from projects.models import Client, Contact, OrganisationSettings

logger = logging.getLogger(__name__)

TASK = "comms.tasks.stem_record_again"


def stem_again(client_id=None):
    """Rows stemmed again per kind of entry, for one client's projects or all; nothing on SQLite,
    where search matches substrings."""
    if connection.vendor != "postgresql":
        return {}
    counts = {}
    for source in SOURCES.values():
        rows = source.model.objects.all()
        if client_id is not None:
            rows = rows.filter(project__client_id=client_id)
        column = source.title[0]
        # Writing a title column as it is fires the row's trigger, which stems it anew.
        counts[source.kind] = rows.update(**{column: F(column)})
    return counts


def restem_when_language_changes(sender, instance, raw=False, update_fields=None, **kwargs):
    """pre_save of a contact, a client or the organisation's settings, whichever face saves it."""
    if raw or instance.pk is None or connection.vendor != "postgresql":
        return
    if update_fields is not None and "language" not in update_fields:
        return  # a bounce, a portal grant: one column, not the language
    stored = sender.objects.filter(pk=instance.pk).values_list("language", flat=True).first()
    if stored is None or stored == instance.language:
        return
    client_id = None if sender is OrganisationSettings else getattr(instance, "client_id", instance.pk)
    transaction.on_commit(lambda: wake(client_id))


def wake(client_id):
    try:
        current_app.tasks[TASK].delay(client_id)
    except Exception:
        logger.warning(
            "Could not queue stemming client %s again; `manage.py restem_record` does it.",
            client_id,
            exc_info=True,
        )


WATCHED = (Contact, Client, OrganisationSettings)
