"""Done when: a real Celery worker on PostgreSQL and Redis, SIGKILLed again and again while it
sends through Anymail's real Postmark and Mailgun backends (with answers that come after the
client's timeout, and connections reset after the provider read the message), delivers every
message exactly once."""

import os

import pytest
from django.db import connection

from tests.comms.kill_run import kill_run

# One test with a real worker at a time, whatever the number of test processes: each starts and
# stops worker processes and waits on them.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("real-celery-worker")]

KILLS = 10
MESSAGES = 40


def broker_url():
    return os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL") or ""


@pytest.fixture
def database_url():
    if connection.vendor != "postgresql" or not broker_url().startswith("redis"):
        if os.environ.get("CI"):
            pytest.fail("CI must run the kill run on PostgreSQL and Redis.")
        pytest.skip("needs DATABASE_URL on PostgreSQL and REDIS_URL (CI sets both)")
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.mark.parametrize("provider", ["postmark", "mailgun"])
def test_a_worker_killed_mid_send_again_and_again_neither_doubles_nor_loses_mail(
    provider, database_url, tmp_path
):
    figures, worker = kill_run(
        provider,
        messages=MESSAGES,
        kills=KILLS,
        database_url=database_url,
        broker_url=broker_url(),
        log_path=tmp_path / "worker.log",
    )

    assert figures.finished, f"the run did not finish: {figures}\n{worker.log_tail()}"
    assert figures.kills == KILLS and figures.lease_expiries >= KILLS
    assert figures.late_answers and figures.resets, "the faults were not exercised"
    assert (figures.duplicates, figures.lost) == (0, 0), f"{figures}\n{worker.log_tail()}"
    assert (figures.sent, figures.blind_resends) == (MESSAGES, 0)
