"""The outbox's kill run: a real Celery worker sends queued mail through Anymail's real Postmark
and Mailgun backends to local fake providers and is SIGKILLed mid-send again and again (some
answers also come after the client's timeout, some connections are reset after the provider read
the message); then every row is let finish and the fake counts the copies it took of each.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/delivery.py [--messages 40] [--kills 10] [--provider postmark mailgun]

It works in its own database (DATABASE_URL's database name + "_bench", created if missing) and
prints, per provider, each figure next to its target. The run itself is tests/comms/kill_run.py,
the same one the end-to-end test (tests/comms/test_delivery_kill_e2e.py) asserts on.
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

from benchdb import use_bench_database

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--messages", type=int, default=40, help="rows queued per provider (default 40)")
parser.add_argument("--kills", type=int, default=10, help="SIGKILLs of the worker mid-send (default 10)")
parser.add_argument("--provider", nargs="+", choices=["postmark", "mailgun"], default=["postmark", "mailgun"])
parser.add_argument("--timeout", type=float, default=600, help="seconds before a run is called unfinished")
options = parser.parse_args()

broker = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL") or ""
if not broker.startswith("redis"):
    sys.exit("Set REDIS_URL (or CELERY_BROKER_URL) to a Redis the worker can use as its broker.")

use_bench_database()
# Print the figures, not this process's log (the worker logs to a file of its own).
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from tests.comms.kill_run import kill_run  # noqa: E402

call_command("migrate", verbosity=0)


def line(label, value, target=""):
    print(f"  {label:<34} {value:>10}   {target}")


failed = False
for provider in options.provider:
    log = Path(tempfile.mkstemp(prefix=f"delivery-{provider}-", suffix=".log")[1])
    figures, worker = kill_run(
        provider,
        messages=options.messages,
        kills=options.kills,
        database_url=os.environ["DATABASE_URL"],
        broker_url=broker,
        log_path=log,
        timeout=options.timeout,
    )
    print(f"{provider}: {figures.kills} kills mid-send, {figures.late_answers} answers after the client's "
          f"timeout, {figures.resets} resets after the provider read the message; {figures.seconds:.0f} s")  # fmt: skip
    line("sent / due", f"{figures.sent}/{figures.due}", f"target {figures.due}/{figures.due}")
    line("duplicates (extra copies taken)", figures.duplicates, "target 0")
    line("lost (never reached the provider)", figures.lost, "target 0")
    line("failed", figures.failed, "target 0")
    line("lease expiries", figures.lease_expiries, f"one per kill: {figures.kills}")
    line("reconciles (provider searches)", figures.reconciles, "each unknown outcome asked about")
    line("blind resends", figures.blind_resends, "target 0 (both providers can be asked)")
    if not figures.finished:
        line("finished", "no", f"within {options.timeout:.0f} s; worker log: {log}")
    failed |= not figures.finished or figures.duplicates or figures.lost or figures.sent != figures.due
sys.exit(1 if failed else 0)
