"""The Celery app: configured from Django settings (CELERY_*), tasks autodiscovered per app."""

import gc
import os

from celery import Celery
from celery.signals import worker_init, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Young objects collected every 10,000 allocations instead of 700.
YOUNG_COLLECTION_THRESHOLD = 10_000


def settle_worker_process():
    """Once a worker process has started: the objects it made to start (Django, the apps, the
    tasks), kept for its whole life, are set aside from the garbage collector, and young objects
    are collected less often. A tick's batch makes hundreds of thousands of short-lived objects
    with reference cycles (a prefetched row's cache points back at the row); with the defaults the
    collector kept re-scanning everything alive, about 40% of a tick's CPU (bench/tick.py)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, *gc.get_threshold()[1:])


@worker_init.connect
@worker_process_init.connect
def _settle(**_):
    settle_worker_process()
