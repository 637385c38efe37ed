"""Each person on the team reads the dashboard in their own language: chosen on "Your settings"
or by an admin, remembered at sign-in, English until chosen. Before sign-in the browser decides."""

import pytest
from django.urls import reverse

from projects.models import MemberSettings
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-team-password"


def sign_in(client, user, **headers):
    """Through the sign-in form, as a person does: the language is remembered there."""
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD}, **headers)
    assert response.status_code == 302, response.content.decode()[:500]


@pytest.fixture
def member():
    user = UserFactory(username="jonas", email="jonas@agency.example")
    user.set_password(PASSWORD)
    user.save()
    return user


def test_the_sign_in_page_follows_the_browser(client):
    german = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9,en;q=0.5")

    assert german["Content-Language"] == "de"
    assert "Benutzername" in german.content.decode()  # Django's own form label, in German
    assert "Username" in client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-GB").content.decode()


def test_a_member_who_chose_german_reads_the_dashboard_in_german_whatever_the_browser(client, member):
    MemberSettings.objects.create(user=member, language="de")
    sign_in(client, member, HTTP_ACCEPT_LANGUAGE="en-GB")

    page = client.get(reverse("dashboard:portfolio"), HTTP_ACCEPT_LANGUAGE="en-GB")

    assert page["Content-Language"] == "de"
    assert '<html lang="de">' in page.content.decode()
    assert "Ihre Einstellungen" in page.content.decode()


def test_a_member_who_chose_nothing_reads_english_even_with_a_german_browser(client, member):
    sign_in(client, member, HTTP_ACCEPT_LANGUAGE="de")

    page = client.get(reverse("dashboard:portfolio"), HTTP_ACCEPT_LANGUAGE="de")

    assert page["Content-Language"] == "en-gb"
    assert "Your settings" in page.content.decode()


def test_a_member_changes_their_language_and_the_next_page_follows(client, member):
    sign_in(client, member)
    url = reverse("dashboard:member_settings")

    response = client.post(url, {"language": "fr"}, follow=True)

    assert MemberSettings.objects.get(user=member).language == "fr"
    assert response["Content-Language"] == "fr"
    assert "Enregistré\u00a0: vos pages sont désormais dans cette langue." in response.content.decode()
    assert 'value="fr" selected' in response.content.decode()


def test_a_language_we_do_not_ship_is_refused_beside_the_field_and_nothing_changes(client, member):
    MemberSettings.objects.create(user=member, language="es")
    sign_in(client, member)

    response = client.post(reverse("dashboard:member_settings"), {"language": "xx"})

    assert response.status_code == 400
    assert "field-error" in response.content.decode()
    assert MemberSettings.objects.get(user=member).language == "es"
    assert client.get(reverse("dashboard:portfolio"))["Content-Language"] == "es"


def test_an_admin_sets_a_members_language_which_holds_from_their_next_sign_in(client, member):
    admin = UserFactory(username="ada", is_staff=True, is_superuser=True)
    client.force_login(admin)
    url = reverse("admin:auth_user_change", args=[member.pk])
    form = client.get(url).context["adminform"].form
    data = {
        **{name: value for name, value in form.initial.items() if value is not None and name != "password"},
        "date_joined_0": form.initial["date_joined"].strftime("%Y-%m-%d"),
        "date_joined_1": form.initial["date_joined"].strftime("%H:%M:%S"),
        "member_settings-TOTAL_FORMS": "1",
        "member_settings-INITIAL_FORMS": "0",
        "member_settings-MIN_NUM_FORMS": "0",
        "member_settings-MAX_NUM_FORMS": "1",
        "member_settings-0-language": "es",
    }
    data.pop("date_joined", None)
    data.pop("last_login", None)
    data.pop("groups", None)
    data.pop("user_permissions", None)

    response = client.post(url, data)

    assert response.status_code == 302, response.context["errors"] if response.context else response
    assert MemberSettings.objects.get(user=member).language == "es"
    client.logout()
    sign_in(client, member)
    assert client.get(reverse("dashboard:portfolio"))["Content-Language"] == "es"


def test_the_search_form_and_its_refusals_follow_the_members_language(client, member):
    MemberSettings.objects.create(user=member, language="de")
    sign_in(client, member)

    page = client.get(reverse("dashboard:search"), {"q": "migration", "week": "2"})

    assert "Woche des Projekts" in page.content.decode()
    assert "Wählen Sie ein Projekt: Seine Wochen zählen ab seinem Startdatum." in page.content.decode()
