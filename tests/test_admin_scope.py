"""Django admin is for organisation admins (superusers) only: a lead, staff or not and whatever model
permissions they hold, is refused every admin page and works in the dashboard instead."""

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from escalations.models import Category, Escalation, Severity
from projects.models import Project
from tests.factories import UserFactory, make_project

pytestmark = pytest.mark.django_db

REGISTERED = sorted((model._meta.app_label, model._meta.model_name) for model in admin.site._registry)
REFUSAL = "Django admin is for organisation admins"
REVIEW = "/admin/escalations/escalation/review/"


def assert_refused(response):
    assert response.status_code == 403
    page = response.content.decode()
    assert REFUSAL in page
    assert f'href="{reverse("dashboard:portfolio")}"' in page


@pytest.fixture
def project():
    return make_project(name="Fleet dashboard")


@pytest.fixture
def recurring_dispute(project):
    """Another client's problem, raised twice this month: the review lists it as recurring."""
    now = timezone.now()
    for hours in (1, 2):
        Escalation.objects.create(
            project=project,
            category=Category.DISPUTE,
            severity=Severity.MINOR,
            title="Invoice query",
            description="They query March.",
            first_responder=project.owner,
            raised_at=now - dt.timedelta(hours=hours),
            acknowledge_by=now + dt.timedelta(hours=4),
            resolve_by=now + dt.timedelta(days=3),
            targets={},
            path={},
        )
    return project.client


@pytest.fixture
def staff_lead_with_every_permission(client):
    lead = UserFactory(username="lena", is_staff=True)
    lead.user_permissions.set(Permission.objects.all())
    client.force_login(lead)
    return lead


@pytest.mark.parametrize(("app_label", "model_name"), REGISTERED)
def test_a_staff_lead_with_every_permission_is_refused_each_model_page(
    client, staff_lead_with_every_permission, app_label, model_name
):
    assert_refused(client.get(reverse(f"admin:{app_label}_{model_name}_changelist")))
    assert_refused(client.get(reverse(f"admin:{app_label}_{model_name}_add")))


def test_a_staff_lead_is_refused_the_index_a_record_its_history_lookups_and_autocomplete(
    client, staff_lead_with_every_permission, project
):
    for url in (
        reverse("admin:index"),
        reverse("admin:app_list", args=["projects"]),
        reverse("admin:projects_project_change", args=[project.pk]),
        reverse("admin:projects_project_history", args=[project.pk]),
        reverse("admin:projects_project_delete", args=[project.pk]),
        reverse("admin:projects_project_changelist") + "?_to_field=id&_popup=1",
        reverse("admin:autocomplete") + "?app_label=escalations&model_name=tier&field_name=project&term=Fl",
        reverse("admin:password_change"),
        "/admin/no/such/page/",
    ):
        assert_refused(client.get(url))


def test_a_staff_lead_cannot_delete_through_an_admin_action_or_the_delete_page(
    client, staff_lead_with_every_permission, project
):
    assert_refused(
        client.post(
            reverse("admin:projects_project_changelist"),
            {"action": "delete_selected", "_selected_action": [project.pk], "post": "yes"},
        )
    )
    assert_refused(client.post(reverse("admin:projects_project_delete", args=[project.pk]), {"post": "yes"}))
    assert Project.objects.filter(pk=project.pk).exists()


def test_a_staff_user_without_permissions_cannot_read_the_escalation_review(client, recurring_dispute):
    client.force_login(UserFactory(username="temp", is_staff=True))

    response = client.get(REVIEW)

    assert_refused(response)
    assert recurring_dispute.name not in response.content.decode()


def test_the_review_itself_asks_for_the_permission_to_view_escalations(recurring_dispute):
    """Whatever the site lets in, the report of every client's escalations needs that permission."""
    review_view = admin.site._registry[Escalation].review_view
    request = RequestFactory().get(REVIEW)
    request.user = UserFactory(username="temp", is_staff=True)

    with pytest.raises(PermissionDenied):
        review_view(request)

    request.user.user_permissions.add(Permission.objects.get(codename="view_escalation"))
    request.user = type(request.user).objects.get(pk=request.user.pk)  # drop the cached permissions
    assert review_view(request).status_code == 200


def test_an_organisation_admin_reads_the_review_with_the_recurring_problems(admin_client, recurring_dispute):
    page = admin_client.get(REVIEW)

    assert page.status_code == 200
    assert f"** {recurring_dispute.name}: Dispute or complaint ×2" in page.content.decode()


@pytest.mark.parametrize("is_staff", [False, True], ids=["lead", "staff lead"])
def test_a_lead_signing_in_for_admin_lands_on_a_page_pointing_to_the_dashboard(client, is_staff):
    lena = UserFactory(username="lena", is_staff=is_staff)
    lena.set_password("lead-password")
    lena.save()

    sign_in = client.get(reverse("admin:index"), follow=True)
    assert sign_in.redirect_chain[-1][0].startswith(reverse("login"))
    after = client.post(
        reverse("login"),
        {"username": "lena", "password": "lead-password", "next": "/admin/"},
        follow=True,
    )

    assert after.redirect_chain == [("/admin/", 302)]
    assert_refused(after)
    assert_refused(client.get(reverse("admin:index"), follow=True))


def test_a_visitor_who_is_not_signed_in_is_sent_to_the_sign_in_page(client):
    response = client.get(reverse("admin:projects_project_changelist"), follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
