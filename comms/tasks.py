"""Celery tasks: thin wake-ups. The rows they act on carry the truth, so a lost or repeated task
delays work or repeats a no-op, never loses or doubles it."""

import logging

from celery import shared_task

from comms.outbox import deliver
from comms.stemming import stem_again
from comms.tick import describe, run_tick

logger = logging.getLogger(__name__)


@shared_task(name="comms.tasks.tick", ignore_result=True)
def tick():
    return describe(run_tick())


@shared_task(name="comms.tasks.send_messages", ignore_result=True)
def send_messages(message_ids):
    for message_id in message_ids:
        try:
            deliver(message_id)
        except Exception:
            # The row is still due (or leased, and freed when the lease ends): the sweep wakes it
            # again, and the rest of the chunk need not wait for that.
            logger.exception("Message %s: sending raised; the sweep will wake it again.", message_id)


@shared_task(name="comms.tasks.stem_record_again", ignore_result=True)
def stem_record_again(client_id=None):
    return stem_again(client_id)
