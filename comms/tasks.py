"""Celery tasks: thin wake-ups. The rows they act on carry the truth, so a lost or repeated task
delays work or repeats a no-op, never loses or doubles it."""

from celery import shared_task

from comms.outbox import deliver
from comms.tick import describe, run_tick


@shared_task(name="comms.tasks.tick", ignore_result=True)
def tick():
    return describe(run_tick())


@shared_task(name="comms.tasks.send_message", ignore_result=True)
def send_message(message_id):
    return deliver(message_id)
