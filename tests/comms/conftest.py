"""Fixtures for the engines' tests."""

import pytest
from django.utils import timezone

from config.celery import app
from tests.comms.fake_slack import FakeSlack
from tests.comms.fake_trello import FakeTrello

SLACK_TOKEN = "xoxb-test-token"
SLACK_CHANNEL = "C0HARBOUR"


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


@pytest.fixture
def slack(settings):
    """Slack's Web API, faked, with the organisation's bot token and one channel."""
    with FakeSlack(token=SLACK_TOKEN) as fake:
        settings.SLACK_BOT_TOKEN = SLACK_TOKEN
        settings.SLACK_API_URL = fake.url
        settings.CHANNEL_REQUEST_TIMEOUT = 1.0  # seconds: a late answer is a read timeout
        fake.add_channel(SLACK_CHANNEL)
        yield fake


@pytest.fixture
def trello_clock():
    """When the fake board says its comments were made."""
    return timezone.now


@pytest.fixture
def trello(settings, trello_clock):
    """Trello's API, faked, as the organisation's board provider."""
    with FakeTrello(clock=trello_clock) as fake:
        settings.TRELLO_API_URL = fake.url
        settings.TRELLO_API_KEY, settings.TRELLO_API_TOKEN = fake.key, fake.token
        settings.BOARD_PROVIDER = "trello"
        settings.CHANNEL_REQUEST_TIMEOUT = 5
        yield fake


@pytest.fixture
def board(trello):
    return trello.board(labels=("Client decision", "Bug"))
