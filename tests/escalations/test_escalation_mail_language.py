"""The mail an escalation sends the team is in each recipient's own language; what the escalation
says (its title, description, documentation) and the deadline explanations stay as written."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comms.models import Message
from comms.tick import run_tick
from escalations import services
from escalations.models import Category, Tier
from projects.models import MemberSettings
from tests.factories import UserFactory, make_project

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def london(*args):
    return dt.datetime(*args, tzinfo=LONDON)


def member(username, language=None):
    person = UserFactory(username=username, email=f"{username}@agency.example")
    if language:
        MemberSettings.objects.create(user=person, language=language)
    return person


@pytest.fixture
def project():
    project = make_project()
    MemberSettings.objects.create(user=project.lead, language="de")
    MemberSettings.objects.create(user=project.owner, language="fr")
    Tier.objects.get(project=None, level=1).members.add(member("ann"))
    Tier.objects.get(project=None, level=2).members.add(member("jonas", "de"), member("sam"))
    Tier.objects.get(project=None, level=3).members.add(member("chloe", "fr"), member("eve"))
    return project


def raise_(project, severity="critical", at=None):
    return services.raise_escalation(
        project,
        category="technical_failure",
        severity=severity,
        title="Checkout is down",
        description="500s since 21:40.",
        documentation="Status page: https://status.example/1",
        by=project.owner,
        now=at or london(2026, 3, 10, 22, 0),
    )


def mail_to(email, **filters):
    return Message.objects.filter(kind="escalation", to_email=email, **filters).order_by("pk").last()


def test_each_first_responder_reads_the_new_escalation_in_their_own_language(project):
    raise_(project)
    german, french = mail_to(project.lead.email), mail_to(project.owner.email)
    english = mail_to("ann@agency.example")
    assert german.subject == "Eskalation für Sie: Checkout is down"
    assert german.body_text.startswith("Kritisch: technischer Fehler oder Ausfall bei ")
    assert "\nBestätigen: due " in german.body_text and "\nLösen: due " in german.body_text
    assert french.subject == "Escalade pour vous\u00a0: Checkout is down"
    assert (
        "\nAccuser réception\u00a0: due " in french.body_text and "\nRésoudre\u00a0: due " in french.body_text
    )
    assert english.subject == "Escalation for you: Checkout is down"
    assert english.body_text.startswith(
        f"Critical technical failure or downtime on {project}.\nAcknowledge due "
    )
    for notice in (german, french, english):
        # The escalation's own words and the deadline's explanation, as written.
        assert notice.body_text.endswith("\n\n500s since 21:40.\n\nStatus page: https://status.example/1")
        assert ": 1 hours, day and night, after " in notice.body_text


def test_the_tier_above_reads_that_nobody_acknowledged_in_their_own_language(project):
    escalation = raise_(project)
    run_tick(london(2026, 3, 10, 23, 0))
    german, english = mail_to("jonas@agency.example"), mail_to("sam@agency.example")
    assert german.subject == "An Sie eskaliert (L2): Checkout is down"
    assert german.body_text.startswith("Nicht bis Tue 10 Mar 23:00 London bestätigt.\n\nBestätigen: due ")
    assert english.subject == "Escalated to you (L2): Checkout is down"
    assert english.body_text.startswith("Not acknowledged by Tue 10 Mar 23:00 London.\n\nAcknowledge due ")
    # The timeline keeps the tick's reason in the words it was recorded in.
    assert (
        escalation.events.get(kind="moved_up").note == "To L2: Not acknowledged by Tue 10 Mar 23:00 London."
    )


def test_a_reason_someone_gave_for_moving_up_is_told_as_they_wrote_it(project):
    escalation = raise_(project)
    services.move_up(
        escalation, by=project.owner, reason="Needs a decision on refunds.", now=london(2026, 3, 10, 22, 5)
    )
    german = mail_to("jonas@agency.example")
    assert german.subject == "An Sie eskaliert (L2): Checkout is down"
    assert german.body_text.startswith("Needs a decision on refunds.\n\nBestätigen: due ")


def test_the_top_tier_is_reminded_and_told_of_a_missed_resolve_target_in_their_own_language(project):
    escalation = raise_(project)
    run_tick(london(2026, 3, 10, 23, 0))
    run_tick(london(2026, 3, 11, 0, 0))
    run_tick(london(2026, 3, 11, 1, 0))
    french, english = mail_to("chloe@agency.example"), mail_to("eve@agency.example")
    assert french.subject == "Toujours sans accusé de réception\u00a0: Checkout is down"
    assert french.body_text == (
        "Cette escalade est au niveau le plus haut et personne n’en a accusé réception."
    )
    assert english.subject == "Still not acknowledged: Checkout is down"
    assert english.body_text == "This escalation is at the top tier and nobody has acknowledged it."
    services.acknowledge(escalation, by=project.owner, now=london(2026, 3, 11, 1, 30))
    run_tick(london(2026, 3, 11, 22, 0))
    french = mail_to("chloe@agency.example", subject__contains="résolue")
    assert french.subject == "Non résolue à temps\u00a0: Checkout is down"
    assert french.body_text == "Le délai de résolution (Wed 11 Mar 22:00 London) est dépassé au niveau L3."
    english = mail_to("eve@agency.example", subject__startswith="Not resolved")
    assert english.body_text == "The resolve target (Wed 11 Mar 22:00 London) has passed at L3."


def test_each_persons_language_costs_no_query_of_its_own(project):
    def queries_to_raise():
        with CaptureQueriesContext(connection) as queries:
            raise_(project)
        return len(queries)

    queries_to_raise()  # what is read once per process (cached) is read here
    alone = queries_to_raise()
    Tier.objects.get(project=None, level=1).members.add(member("lena", "de"), member("lucie", "fr"))
    assert queries_to_raise() == alone


def test_every_category_has_its_words_for_the_raised_mail():
    assert set(services.CATEGORY_IN_SENTENCE) == set(Category.values)
