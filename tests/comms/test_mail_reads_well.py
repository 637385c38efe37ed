"""Mail reads well: a time says which zone it is in, on either side of a daylight-saving change,
and counts read as words ("1 of 1 scoped item", nothing when nothing was scoped)."""

import datetime as dt
from zoneinfo import ZoneInfo

from comms.drafts import DecisionFact, decision_confirmation, delivery_checklist, delivery_summary
from tests.comms.test_drafts import promise, record

LONDON = ZoneInfo("Europe/London")


def confirmation_at(instant):
    decision = DecisionFact("Reports go out as PDF.", instant.astimezone(LONDON), "call", ("Dana Fox",))
    return decision_confirmation(record(), decision).technical


def test_a_decision_confirmation_gives_the_time_of_the_call_with_its_zone_across_the_clock_change():
    # London leaves summer time at 02:00 BST on Sunday 25 October 2026.
    summer = confirmation_at(dt.datetime(2026, 10, 24, 8, 0, tzinfo=dt.UTC))
    winter = confirmation_at(dt.datetime(2026, 10, 26, 8, 0, tzinfo=dt.UTC))

    assert "what we agreed on a call on Sat 24 Oct 09:00 London:" in summer
    assert "what we agreed on a call on Mon 26 Oct 08:00 London:" in winter


def test_a_delivery_checklist_with_nothing_scoped_does_not_count_nought_of_nought():
    draft = delivery_checklist(record(commitments=(promise("Extra report", in_scope=False),)))

    assert "0 of 0" not in draft.technical + draft.executive
    assert "No scoped items were recorded." in draft.technical


def test_one_scoped_item_is_counted_in_the_singular():
    draft = delivery_summary(record(commitments=(promise("The map", status="done"),)))

    assert "1 of 1 scoped item delivered." in draft.technical
