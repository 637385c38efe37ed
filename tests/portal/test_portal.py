"""The client's read-only portal: personal links, isolation between clients, expiry and revocation."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from comms.models import Update
from projects.models import Contact
from projects.portal_access import link_token
from tests.factories import ContactFactory, UserFactory, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def mia():
    project = make_project(name="Fleet dashboard")
    contact = ContactFactory(client=project.client, name="Mia Thompson", kind=Contact.Kind.EXECUTIVE)
    project.contacts.add(contact)
    now = timezone.now()
    Update.objects.create(
        project=project,
        kind="build_status",
        subject="Week 3",
        technical_body="Detail for engineers.",
        executive_body="Status: GREEN — on track.",
        status_line="Build is on track.",
        rag="green",
        state="sent",
        send_by=now,
        created_at=now,
        sent_at=now,
    )
    Update.objects.create(
        project=project,
        kind="build_status",
        subject="Internal draft",
        technical_body="Not yet reviewed.",
        executive_body="-",
        status_line="draft",
        rag="red",
        send_by=now,
        created_at=now,
    )
    return contact


def open_link(client, contact):
    return client.get(reverse("portal:open_link", args=[link_token(contact)]))


def test_a_personal_link_opens_the_contacts_projects_and_their_status(client, mia):
    assert open_link(client, mia).status_code == 302
    home = client.get(reverse("portal:home"))
    assert "Fleet dashboard" in home.content.decode()
    project = mia.projects.get()
    page = client.get(reverse("portal:project", args=[project.pk])).content.decode()
    assert "Build is on track." in page and "Status: GREEN" in page  # the executive's version
    assert "Internal draft" not in page and "Not yet reviewed" not in page  # nothing internal


def test_another_clients_project_is_not_found(client, mia):
    open_link(client, mia)
    other = make_project(name="Someone else's")
    assert client.get(reverse("portal:project", args=[other.pk])).status_code == 404


def test_a_tampered_or_expired_link_asks_for_a_new_one(client, mia):
    token = link_token(mia)
    tampered = client.get(reverse("portal:open_link", args=[token[:-2] + "xx"]))
    assert (
        tampered.status_code == 403
        and "This link has expired — request a new one" in tampered.content.decode()
    )
    with time_machine.travel(timezone.now() + dt.timedelta(days=15), tick=False):
        expired = client.get(reverse("portal:open_link", args=[token]))
    assert expired.status_code == 403


def test_revoking_access_kills_every_link_and_session_even_if_access_is_given_back(client, mia):
    token = link_token(mia)
    open_link(client, mia)
    Contact.objects.filter(pk=mia.pk).update(portal_access=False, portal_revoked_at=timezone.now())
    assert client.get(reverse("portal:home")).status_code == 403
    Contact.objects.filter(pk=mia.pk).update(portal_access=True)
    assert client.get(reverse("portal:open_link", args=[token])).status_code == 403
    assert open_link(client, mia).status_code == 302  # a link issued after that works


def test_a_team_session_does_not_open_the_portal_and_a_portal_visit_opens_no_team_page(client, mia):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse("portal:home")).status_code == 403
    client.logout()
    open_link(client, mia)
    assert client.get(reverse("dashboard:portfolio")).status_code == 302  # to the team sign-in
    assert client.get(reverse("admin:index")).status_code == 302


def test_signing_out_ends_the_portal_visit(client, mia):
    open_link(client, mia)
    client.post(reverse("portal:sign_out"))
    assert client.get(reverse("portal:home")).status_code == 403


def test_every_update_email_carries_the_contacts_own_portal_link(client, mia):
    from comms.autopilot import send_update
    from comms.lifecycle import log_decision

    project = mia.projects.get()
    log_decision(project, summary="Two stages", made_in="call", made_at=timezone.now(), by=project.owner)
    messages = send_update(
        Update.objects.get(kind="decision_confirmation"), by=project.owner, now=timezone.now()
    )
    link = messages[0].body_text.split("Your project status, any time: ")[1].split()[0]
    assert link.startswith("http://127.0.0.1:8000/portal/link/")
    assert client.get(link.removeprefix("http://127.0.0.1:8000")).status_code == 302
    assert "Fleet dashboard" in client.get(reverse("portal:home")).content.decode()


@pytest.fixture
def fresh_limits():
    from django.core.cache import cache

    cache.clear()


def test_asking_for_a_link_answers_the_same_for_known_and_unknown_addresses(
    client, mia, fresh_limits, django_capture_on_commit_callbacks
):
    from comms.models import Message

    with django_capture_on_commit_callbacks(execute=True):  # the job each request queues runs
        known = client.post(reverse("portal:request_link"), {"email": mia.email.upper()})
        unknown = client.post(reverse("portal:request_link"), {"email": "nobody@nowhere.example"})
    assert known.status_code == unknown.status_code == 200
    assert same_page(known) == same_page(unknown)
    sent = Message.objects.get(kind="portal_link")
    assert sent.to_email == mia.email


def test_a_requested_link_works_once_and_for_15_minutes(
    client, mia, fresh_limits, django_capture_on_commit_callbacks
):
    from comms.models import Message

    with django_capture_on_commit_callbacks(execute=True):  # the job the request queues runs
        client.post(reverse("portal:request_link"), {"email": mia.email})
    link = Message.objects.get(kind="portal_link").body_text.split("http://127.0.0.1:8000")[1].split()[0]
    assert client.get(link).status_code == 302
    assert client.get(link).status_code == 403  # single use
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portal:request_link"), {"email": mia.email})
    late = (
        Message.objects.filter(kind="portal_link")
        .order_by("-pk")
        .first()
        .body_text.split("http://127.0.0.1:8000")[1]
        .split()[0]
    )
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16), tick=False):
        assert client.get(late).status_code == 403


def test_too_many_requests_get_429_with_a_clear_message(client, mia, fresh_limits):
    for _ in range(3):
        assert client.post(reverse("portal:request_link"), {"email": mia.email}).status_code == 200
    limited = client.post(reverse("portal:request_link"), {"email": mia.email})
    assert limited.status_code == 429 and "Too many requests" in limited.content.decode()


def test_a_malformed_address_gets_a_field_error(client, fresh_limits):
    response = client.post(reverse("portal:request_link"), {"email": "not-an-address"})
    assert response.status_code == 400 and "Enter a valid email address." in response.content.decode()


def same_page(response):
    """The page without what always differs (the CSRF token and the address typed in)."""
    import re

    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return re.sub(r'name="email"[^>]*>', "", text)


def test_the_calendar_feed_lists_checkins_and_promised_dates_and_dies_with_revocation(client, mia):
    import icalendar

    from comms.lifecycle import record_launch
    from projects.models import Commitment

    project = mia.projects.get()
    record_launch(project, at=dt.datetime(2026, 4, 20, 10, 0, tzinfo=dt.UTC), by=project.owner)
    Commitment.objects.create(
        project=project, description="Hand over the admin guide", due_on=dt.date(2026, 5, 4)
    )
    open_link(client, mia)
    page = client.get(reverse("portal:project", args=[project.pk]))
    assert "Check-in, day 7 after launch" in page.content.decode()
    feed_url = page.context["calendar_url"]
    client.cookies.clear()  # a calendar app carries no cookie
    feed = icalendar.Calendar.from_ical(client.get(feed_url).content)
    summaries = sorted(str(event["summary"]) for event in feed.walk("VEVENT"))
    assert summaries == [
        "Fleet dashboard: Check-in, day 30 after launch",
        "Fleet dashboard: Check-in, day 7 after launch",
        "Fleet dashboard: promised — Hand over the admin guide",
    ]
    Contact.objects.filter(pk=mia.pk).update(portal_access=False, portal_revoked_at=timezone.now())
    assert client.get(feed_url).status_code == 404


def test_whose_move_says_what_we_owe_and_what_we_wait_for(client, mia):
    from comms.lifecycle import log_decision
    from projects.models import Commitment

    project = mia.projects.get()
    log_decision(
        project,
        summary="Pick the launch date",
        made_in="email",
        made_at=timezone.now(),
        by=project.owner,
        awaiting_client=True,
    )
    Commitment.objects.create(
        project=project,
        description="Go live",
        due_on=dt.date(2026, 5, 4),
        waiting_for="DNS access",
        waiting_since=timezone.now(),
    )
    open_link(client, mia)
    page = client.get(reverse("portal:project", args=[project.pk])).content.decode()
    assert "A decision: Pick the launch date" in page
    assert "DNS access (for “Go live”)" in page


def test_an_issue_waiting_on_the_client_is_shown_with_its_pause_and_internal_ones_are_not(client, mia):
    from escalations import services

    project = mia.projects.get()
    now = timezone.now()
    shared = services.raise_escalation(
        project,
        category="scope_change",
        severity="minor",
        title="Extra reports",
        description="d",
        now=now,
        internal=False,
    )
    services.wait_on_client(shared, by=project.owner, what="Your choice between option A and B", now=now)
    hidden = services.raise_escalation(
        project,
        category="dispute",
        severity="minor",
        title="Internal worry",
        description="d",
        now=now,
        internal=True,
    )
    services.wait_on_client(hidden, by=project.owner, what="Something internal", now=now)
    open_link(client, mia)
    page = client.get(reverse("portal:project", args=[project.pk])).content.decode()
    assert "Your choice between option A and B (to resolve “Extra reports”; our clock is paused since" in page
    assert "Internal worry" not in page and "Something internal" not in page


def promises_page(client, contact, promised_on, now):
    from projects.models import Commitment

    project = contact.projects.get()
    Commitment.objects.get_or_create(project=project, description="Send the test plan", due_on=promised_on)
    with time_machine.travel(now, tick=False):
        open_link(client, contact)
        return client.get(reverse("portal:project", args=[project.pk])).content.decode()


def test_a_promise_is_marked_overdue_once_its_date_has_passed_where_the_client_is(client, mia):
    # Mia's client is in Sydney: Monday 23:00 there is 12:00 UTC, Tuesday 01:00 is 14:00 UTC.
    monday = dt.date(2026, 3, 9)
    late_monday = promises_page(client, mia, monday, dt.datetime(2026, 3, 9, 12, 0, tzinfo=dt.UTC))
    assert "due Mon 9 Mar" in late_monday and "<strong>overdue</strong>" not in late_monday
    early_tuesday = promises_page(client, mia, monday, dt.datetime(2026, 3, 9, 14, 0, tzinfo=dt.UTC))
    assert "due Mon 9 Mar <strong>overdue</strong>" in early_tuesday


def test_a_closed_projects_promises_are_never_marked_overdue(client, mia):
    from projects.models import Phase

    mia.projects.update(phase=Phase.CLOSED)
    page = promises_page(client, mia, dt.date(2026, 3, 2), dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC))
    assert "Send the test plan" in page and "due Mon 2 Mar" in page
    assert "<strong>overdue</strong>" not in page


def test_a_decision_made_by_email_shows_like_a_confirmed_one_and_an_unconfirmed_call_does_not(client, mia):
    from comms.lifecycle import log_decision

    project = mia.projects.get()
    now = timezone.now()
    log_decision(project, summary="Invoices go monthly", made_in="email", made_at=now, by=project.owner)
    log_decision(project, summary="Launch in two stages", made_in="call", made_at=now, by=project.owner)
    open_link(client, mia)
    page = client.get(reverse("portal:project", args=[project.pk])).content.decode()
    assert "Invoices go monthly" in page
    assert "Launch in two stages" not in page  # its written confirmation has not gone out yet
