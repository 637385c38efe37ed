"""Fixtures for the engines' tests."""

import pytest

from config.celery import app


def use_broker(url):
    """Point the app at another broker for reading and writing (those two settings outrank the
    CELERY_BROKER_URL that CI sets). Celery caches its connection and producer pools on first use
    and has no public way to drop them short of deregistering the app."""
    previous = app.conf.broker_write_url if app.conf.get("broker_write_url") else None
    app.conf.broker_read_url = app.conf.broker_write_url = url
    app._pool = None
    app.amqp._producer_pool = None
    return previous


@pytest.fixture
def woken():
    """Tasks go to an in-memory broker instead of running inline; calling the fixture takes what
    was published and returns the message ids woken, in order."""
    app.conf.task_always_eager = False
    previous = use_broker("memory://")

    def drain():
        ids = []
        with app.connection_for_read() as broker:
            queue = broker.SimpleQueue(app.conf.task_default_queue)
            while True:
                try:
                    task = queue.get(block=False)
                except queue.Empty:
                    return ids
                (chunk,), _, _ = task.payload
                ids.extend(chunk)
                task.ack()

    drain()
    yield drain
    drain()
    use_broker(previous)
    app.conf.task_always_eager = True
