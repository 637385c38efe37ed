"""Whether the client hears of an escalation: each category's route says so by default, the lead
raising it may say otherwise, admin may change the route, and unanswered mail never tells."""

import datetime as dt

import pytest
from django.urls import reverse

from comms.inbound import store_client_mail
from comms.models import Message
from comms.tick import run_tick
from escalations import services
from escalations.models import CategoryRoute, Escalation
from projects.models import Contact
from tests.factories import ContactFactory, make_project

NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=dt.UTC)  # a Tuesday, inside London and Sydney hours


@pytest.fixture
def project(db):
    project = make_project()
    project.contacts.add(
        ContactFactory(client=project.client, email="dana@cobalt.example", kind=Contact.Kind.TECHNICAL)
    )
    return project


def raise_(project, category, **extra):
    return services.raise_escalation(
        project,
        category=category,
        severity="moderate",
        title="Something to escalate",
        description="What happened.",
        by=project.owner,
        now=NOW,
        **extra,
    )


def client_mail():
    sent = Message.objects.filter(to_email="dana@cobalt.example").order_by("pk")
    return list(sent.values_list("subject", flat=True))


EXPECTED_DEFAULTS = {
    "scope_change": False,
    "budget_overrun": False,
    "technical_failure": True,
    "dispute": True,
    "unanswered_mail": False,
}


def test_the_default_routes_tell_the_client_of_failures_and_disputes_only(db):
    assert dict(CategoryRoute.objects.values_list("category", "tells_client")) == EXPECTED_DEFAULTS


def test_the_defaults_put_back_after_a_flush_tell_the_client_the_same(org_defaults):
    assert dict(CategoryRoute.objects.values_list("category", "tells_client")) == EXPECTED_DEFAULTS


def test_a_budget_overrun_raised_and_resolved_with_the_defaults_is_not_told_to_the_client(project):
    escalation = raise_(project, "budget_overrun")
    services.resolve(escalation, by=project.owner, resolution="Extra budget agreed", now=NOW)

    assert escalation.internal
    assert client_mail() == []


def test_a_technical_failure_raised_and_resolved_with_the_defaults_is_told_to_the_client(project):
    escalation = raise_(project, "technical_failure")
    services.resolve(escalation, by=project.owner, resolution="Rolled back", now=NOW)

    assert client_mail() == ["We are on it: Something to escalate", "Resolved: Something to escalate"]


def test_the_lead_may_tell_the_client_of_a_budget_overrun_and_keep_a_dispute_internal(project):
    raise_(project, "budget_overrun", internal=False)
    raise_(project, "dispute", internal=True)

    assert Escalation.objects.get(category="dispute").internal
    assert client_mail() == ["We are on it: Something to escalate"]


def change_route_in_admin(admin_client, category, *, tells_client):
    route = CategoryRoute.objects.get(category=category)
    fields = {
        "category": category,
        "first_responder": route.first_responder,
        "description": route.description,
    }
    response = admin_client.post(
        reverse("admin:escalations_categoryroute_change", args=[route.pk]),
        {**fields, "tells_client": "on"} if tells_client else fields,
    )
    assert response.status_code == 302


def test_admin_changes_a_categorys_default_and_the_next_raise_follows_it(admin_client, project):
    change_route_in_admin(admin_client, "budget_overrun", tells_client=True)
    change_route_in_admin(admin_client, "dispute", tells_client=False)

    raise_(project, "budget_overrun")
    raise_(project, "dispute")

    assert Escalation.objects.get(category="dispute").internal
    assert client_mail() == ["We are on it: Something to escalate"]


def test_unanswered_client_mail_is_never_told_to_the_client_even_if_its_route_says_so(project):
    CategoryRoute.objects.filter(category="unanswered_mail").update(tells_client=True)
    mail = store_client_mail(
        esp_name="Postmark",
        provider_id="<demo@cobalt.example>",
        sender="dana@cobalt.example",
        recipients=[f"reply+{project.reply_token}@portal.localhost"],
        subject="Can we move the demo?",
        text="Thursday does not work for us.",
        attachments=[],
        headers=[],
        received_at=NOW,
    )
    run_tick(mail.respond_by)

    assert Escalation.objects.get().internal
    assert client_mail() == []


def test_each_contact_hears_of_the_escalation_in_their_own_language(project):
    project.contacts.add(
        ContactFactory(client=project.client, email="lena@cobalt.example", language="de"),
        ContactFactory(client=project.client, email="chloe@cobalt.example", language="fr"),
    )

    raise_(project, "technical_failure")

    def told(address):
        return Message.objects.values_list("subject", "body_text").get(to_email=address)

    assert told("dana@cobalt.example")[0] == "We are on it: Something to escalate"
    subject, body = told("lena@cobalt.example")
    assert subject == "Wir kümmern uns darum: Something to escalate"  # the team's title, as written
    assert "Wir bearbeiten ein Problem bei Booking app" in body and "What happened." in body
    subject, body = told("chloe@cobalt.example")
    assert subject == "Nous nous en occupons\u00a0: Something to escalate"
    assert "s’en occupe. Nous vous écrirons de nouveau" in body
