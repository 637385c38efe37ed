"""The portal's Celery task: the "send me a link" page queues it for every address typed, known or
not, so the page's answer takes the same time either way; the lookup and the mail happen here."""

import datetime as dt

from celery import shared_task

from portal.links import send_sign_in_link


@shared_task(name="portal.tasks.mail_sign_in_link", ignore_result=True)
def mail_sign_in_link(email, asked_at):
    # The moment of asking, not of running: a repeated delivery makes the same dedupe keys, which
    # the outbox refuses, so the link is not mailed twice.
    send_sign_in_link(email, now=dt.datetime.fromisoformat(asked_at))
