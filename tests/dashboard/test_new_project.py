"""The New project page and the kickoff on the project page: a lead creates a project for a client
they work with, which waits for its kickoff call; logging the call drafts the kickoff summary, once,
and never for a call that has not happened yet."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from comms.models import Deadline, Update
from projects.models import Contact, Project
from tests.factories import ClientFactory, ContactFactory, UserFactory, make_project

pytestmark = pytest.mark.django_db


def utc(*args):
    return dt.datetime(*args, tzinfo=dt.UTC)


@pytest.fixture
def harbour(lead):
    """A client the lead works with: they own one of its projects."""
    project = make_project(owner=lead, name="Fleet dashboard", client=ClientFactory(name="Harbour & Finch"))
    ContactFactory(client=project.client, name="Jack Nguyen", kind=Contact.Kind.TECHNICAL)
    return project.client


@pytest.fixture
def someone_elses_client(db):
    project = make_project(name="Statement archive", client=ClientFactory(name="Northwind Bank"))
    ContactFactory(client=project.client, name="Ana Silva")
    return project.client


def new_project(client_account, person, **overrides):
    return {
        "client": client_account.pk,
        "name": "Ferry booking",
        "scope": "Book a ferry seat from the phone.",
        "owner": person.pk,
        "lead": person.pk,
        "starts_on": "2026-05-04",
        "target_delivery_on": "2026-08-28",
        "target_launch_on": "2026-09-07",
        **overrides,
    }


def create(client, data):
    return client.post(reverse("dashboard:new_project"), data)


def portfolio_row(client, name):
    page = client.get(reverse("dashboard:portfolio")).content.decode()
    [row] = [row for row in page.split("<tr")[1:] if f">{name}</a>" in row]
    return row


# --- Creating ------------------------------------------------------------------------------------


def test_a_lead_creates_a_project_for_a_client_they_work_with_and_it_waits_for_its_kickoff(
    client, lead, harbour
):
    jack = harbour.contacts.get()

    response = create(client, new_project(harbour, lead, contacts=[jack.pk]))

    project = Project.objects.get(name="Ferry booking")
    assert response.status_code == 302
    assert response.url == reverse("dashboard:project", args=[project.pk])
    page = client.get(response.url).content.decode()
    assert "Project created. Log the kickoff call when it has happened" in page
    assert "Kickoff not logged" in page
    assert "No drafts wait for you." in page
    assert list(project.contacts.all()) == [jack]
    assert (project.owner, project.lead, project.kickoff_at) == (lead, lead, None)
    assert not project.updates.exists()
    assert not Deadline.objects.filter(project=project, kind="cadence_update").exists()
    assert "kickoff not logged" in portfolio_row(client, "Ferry booking")


def test_a_lead_creates_a_project_for_a_client_whose_account_they_own(client, lead):
    their_account = ClientFactory(name="Kite & Co", account_owner=lead)

    response = create(client, new_project(their_account, lead))

    assert response.status_code == 302
    assert Project.objects.filter(client=their_account, name="Ferry booking").exists()


def test_a_lead_cannot_pick_another_leads_client(client, lead, harbour, someone_elses_client):
    offered = client.get(reverse("dashboard:new_project")).content.decode()

    response = create(client, new_project(someone_elses_client, lead))

    assert "Harbour &amp; Finch" in offered and "Northwind Bank" not in offered
    assert response.status_code == 400
    assert response.context["form"].errors["client"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert not Project.objects.filter(name="Ferry booking").exists()


def test_a_contact_of_another_client_is_refused(client, lead, harbour):
    elsewhere = make_project(owner=lead, name="Loyalty app", client=ClientFactory(name="Kite & Co"))
    ana = ContactFactory(client=elsewhere.client, name="Ana Silva")

    response = create(client, new_project(harbour, lead, contacts=[ana.pk]))

    assert response.status_code == 400
    assert response.context["form"].errors["contacts"] == ["Not contacts of Harbour & Finch: Ana Silva."]
    assert "Not contacts of Harbour &amp; Finch: Ana Silva." in response.content.decode()
    assert not Project.objects.filter(name="Ferry booking").exists()


def test_a_contact_of_a_client_the_lead_does_not_work_with_is_not_offered(
    client, lead, harbour, someone_elses_client
):
    stranger = someone_elses_client.contacts.get()

    response = create(client, new_project(harbour, lead, contacts=[stranger.pk]))

    assert response.status_code == 400
    assert "contacts" in response.context["form"].errors
    assert "Ana Silva" not in response.content.decode()
    assert not Project.objects.filter(name="Ferry booking").exists()


def test_a_lead_must_name_themselves_on_the_project(client, lead, harbour):
    colleague = UserFactory(username="omar")

    response = create(client, new_project(harbour, colleague))

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "Name yourself as owner, lead or team member: you would not see the project otherwise."
    ]
    assert not Project.objects.filter(name="Ferry booking").exists()


def test_an_admin_may_pick_any_client_and_name_anyone(client, someone_elses_client):
    client.force_login(UserFactory(username="root", is_superuser=True))
    lena = UserFactory(username="lena")

    response = create(client, new_project(someone_elses_client, lena))

    assert response.status_code == 302
    project = Project.objects.get(name="Ferry booking")
    assert (project.client, project.owner) == (someone_elses_client, lena)


# --- The kickoff ---------------------------------------------------------------------------------


@pytest.fixture
def waiting(lead, harbour):
    """A project created on the page, waiting for its kickoff call."""
    project = make_project(owner=lead, name="Ferry booking", client=harbour)
    project.contacts.set(harbour.contacts.all())
    return project


def log_kickoff(client, project, held_at):
    return client.post(reverse("dashboard:log_kickoff", args=[project.pk]), {"held_at": held_at})


def open_kickoff_summaries(project):
    return project.updates.filter(kind="kickoff_summary", state__in=Update.OPEN_STATES)


def test_logging_the_kickoff_on_the_project_page_drafts_the_summary_for_review(client, waiting):
    with time_machine.travel(utc(2026, 6, 5, 15), tick=False):  # a Friday afternoon
        response = log_kickoff(client, waiting, "2026-06-05T10:00")  # read in London, summer time
        page = client.get(response.url).content.decode()

    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.kickoff_at == utc(2026, 6, 5, 9)
    [summary] = open_kickoff_summaries(waiting)
    assert "Kickoff logged: the kickoff summary is drafted for your review" in page
    assert "Kickoff not logged" not in page
    assert "kickoff call Fri 5 Jun 10:00 London" in page
    assert f'id="draft-{summary.pk}"' in page and summary.subject in page
    assert "Owed by Mon 8 Jun 10:00 London." in page  # one business day after the Friday call


def test_a_second_kickoff_is_refused_with_a_message(client, waiting):
    with time_machine.travel(utc(2026, 6, 5, 15), tick=False):
        log_kickoff(client, waiting, "2026-06-05T10:00")
        again = log_kickoff(client, waiting, "2026-06-05T11:00")

    assert again.status_code == 400
    assert "The kickoff call is already logged (Fri 5 Jun 10:00 London)." in again.content.decode()
    waiting.refresh_from_db()
    assert waiting.kickoff_at == utc(2026, 6, 5, 9)
    assert waiting.updates.filter(kind="kickoff_summary").count() == 1


def test_a_kickoff_in_the_future_is_refused(client, waiting):
    with time_machine.travel(utc(2026, 6, 5, 15), tick=False):
        response = log_kickoff(client, waiting, "2026-06-08T10:00")

    assert response.status_code == 400
    page = response.content.decode()
    assert "The kickoff call is in the future: log it once it has happened." in page
    assert "Kickoff not logged" in page
    waiting.refresh_from_db()
    assert waiting.kickoff_at is None
    assert not waiting.updates.exists()


def test_another_leads_project_cannot_be_kicked_off(client, lead, someone_elses_client):
    theirs = someone_elses_client.projects.get()

    with time_machine.travel(utc(2026, 6, 5, 15), tick=False):
        response = log_kickoff(client, theirs, "2026-06-05T10:00")

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.kickoff_at is None
