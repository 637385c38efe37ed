"""An update can show something: a screenshot or mockup kept in storage, or a link. Added on the
draft from the project page, carried inline in the email, shown on the portal to the client's
people only once sent; a build update with nothing to show is flagged before it goes."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from comms.autopilot import draft_now, send_update
from comms.models import Message, UpdateVisual
from comms.obligations import Due
from comms.outbox import as_email
from projects.models import Contact
from projects.portal_access import link_token
from tests.factories import ContactFactory, UserFactory, make_project

pytestmark = pytest.mark.django_db


def png(name="booking.png"):
    image = io.BytesIO()
    Image.new("RGB", (40, 20), "#2a6").save(image, "PNG")
    return SimpleUploadedFile(name, image.getvalue(), content_type="image/png")


@pytest.fixture
def lead(client):
    user = UserFactory(username="lena", email="lena@agency.example")
    client.force_login(user)
    return user


@pytest.fixture
def project(lead):
    project = make_project(owner=lead, name="Booking app")
    project.contacts.add(
        ContactFactory(client=project.client, name="Mia", email="mia@hf.example", kind=Contact.Kind.TECHNICAL)
    )
    return project


@pytest.fixture
def draft(project):
    return draft_now(project, "build_status", now=timezone.now(), send_by=Due(timezone.now(), "due now"))


def add(client, project, draft, **fields):
    return client.post(
        reverse("dashboard:add_visual", args=[project.pk, draft.pk]),
        {f"visual-{draft.pk}-{name}": value for name, value in fields.items()},
    )


def test_a_screenshot_added_to_a_draft_is_kept_and_silences_the_nothing_to_show_finding(
    client, project, draft
):
    before = client.get(reverse("dashboard:project", args=[project.pk])).content.decode()
    assert "Nothing to show: add a screenshot, a mockup or a staging link." in before

    response = add(client, project, draft, image=png(), caption="The new booking form")

    assert response.status_code == 302
    visual = draft.visuals.get()
    assert visual.caption == "The new booking form" and visual.image.name.endswith(".png")
    page = client.get(response.url).content.decode()
    assert "Nothing to show" not in page
    assert client.get(reverse("dashboard:visual", args=[visual.pk])).status_code == 200


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"caption": "Both", "link": "https://preview.example/"}, "Give an image or a link, not both."),
        ({"caption": "Neither"}, "Give an image or a link, not both."),
        ({"caption": "Not a picture", "image": "text"}, "Upload a valid image."),
    ],
)
def test_both_neither_or_a_file_that_is_not_an_image_is_refused(client, project, draft, fields, problem):
    if fields.get("image") == "text":
        fields["image"] = SimpleUploadedFile("notes.png", b"just words", content_type="image/png")
    elif fields.get("link"):
        fields["image"] = png()

    response = add(client, project, draft, **fields)

    assert response.status_code == 400
    assert problem in response.content.decode()
    assert not UpdateVisual.objects.exists()


def test_the_email_carries_the_image_inline_and_the_link_and_the_portal_shows_them(
    client, lead, project, draft
):
    add(client, project, draft, image=png(), caption="The new booking form")
    add(client, project, draft, link="https://preview.example/booking", caption="Try it")
    image = draft.visuals.get(caption="The new booking form")

    send_update(draft, by=lead, now=timezone.now())

    message = Message.objects.get(update=draft, to_email="mia@hf.example")
    assert f'src="cid:{image.content_id}"' in message.body_html
    assert "[Image: The new booking form]" in message.body_text
    assert "Try it: https://preview.example/booking" in message.body_text
    inline = [part for part in as_email(message).attachments if not isinstance(part, tuple)]
    assert [part["Content-ID"] for part in inline] == [f"<{image.content_id}>"]

    mia = project.contacts.get()
    client.logout()
    client.get(reverse("portal:open_link", args=[link_token(mia)]))
    portal = client.get(reverse("portal:project", args=[project.pk])).content.decode()
    assert reverse("portal:visual", args=[image.pk]) in portal and "https://preview.example/booking" in portal
    assert client.get(reverse("portal:visual", args=[image.pk])).status_code == 200


def test_a_drafts_image_or_another_clients_is_not_shown_on_the_portal(client, project, draft):
    add(client, project, draft, image=png(), caption="Not sent yet")
    visual = draft.visuals.get()
    stranger = ContactFactory(email="someone@elsewhere.example")
    make_project(client=stranger.client).contacts.add(stranger)

    mia = project.contacts.get()
    client.logout()
    client.get(reverse("portal:open_link", args=[link_token(mia)]))
    assert client.get(reverse("portal:visual", args=[visual.pk])).status_code == 404
    client.get(reverse("portal:open_link", args=[link_token(stranger)]))
    assert client.get(reverse("portal:visual", args=[visual.pk])).status_code == 404


def test_a_sent_update_takes_no_more_visuals(client, lead, project, draft):
    send_update(draft, by=lead, now=timezone.now())

    response = add(client, project, draft, link="https://preview.example/", caption="Late")

    assert response.status_code == 404
    assert not draft.visuals.exists()


def test_the_service_refuses_a_visual_on_an_update_sent_meanwhile(lead, draft):
    from django.core.exceptions import ValidationError

    from comms.visuals import add_visual

    send_update(draft, by=lead, now=timezone.now())
    with pytest.raises(ValidationError, match="no longer a draft"):
        add_visual(draft, caption="Late", link="https://preview.example/", now=timezone.now())


def test_a_build_with_nothing_visual_sent_for_a_week_is_amber_on_the_portfolio(client, lead, project, draft):
    from dashboard.portfolio import health_of, with_health_facts
    from projects.models import Phase, Project

    now = timezone.now()
    Project.objects.filter(pk=project.pk).update(phase=Phase.BUILD, kickoff_at=now - dt.timedelta(days=9))

    def reasons():
        facts = with_health_facts(Project.objects.filter(pk=project.pk), now=timezone.now()).get()
        return health_of(facts, now=timezone.now()).reasons

    assert "nothing visual shown to the client for 9 days" in reasons()
    add(client, project, draft, link="https://preview.example/booking", caption="Try it")
    send_update(draft, by=lead, now=timezone.now())
    assert not any(reason.startswith("nothing visual") for reason in reasons())
