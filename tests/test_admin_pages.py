"""Every admin page renders for an admin, over the demo world (built once for the module, since it
replays twelve weeks through the tick, and rolled back after)."""

import io

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from projects.models import Project

pytestmark = pytest.mark.django_db

REGISTERED = sorted((model._meta.app_label, model._meta.model_name) for model in admin.site._registry)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.mark.parametrize(("app_label", "model_name"), REGISTERED)
def test_every_changelist_and_add_page_renders_for_an_admin(admin_client, seeded, app_label, model_name):
    changelist = admin_client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    assert changelist.status_code == 200
    add = admin_client.get(reverse(f"admin:{app_label}_{model_name}_add"))
    assert add.status_code in (200, 403)  # 403 only where adding is not allowed (phase history)


def test_every_project_change_page_renders_with_its_plan_inline(admin_client, seeded):
    for project in Project.objects.all():
        page = admin_client.get(reverse("admin:projects_project_change", args=[project.pk]))
        assert page.status_code == 200
        assert "Channel rules" in page.content.decode()


def sign_in_for_admin(client, username, password):
    return client.post(
        reverse("login"), {"username": username, "password": password, "next": "/admin/"}, follow=True
    )


def test_the_demo_admin_enters_admin_and_the_demo_lead_is_sent_to_the_dashboard(client, seeded):
    admitted = sign_in_for_admin(client, "admin", "admin-demo-2026")
    assert admitted.redirect_chain == [("/admin/", 302)]
    assert admitted.status_code == 200
    assert "Organisation settings and records" in admitted.content.decode()
    refused = sign_in_for_admin(client, "lena", "lead-demo-2026")
    assert refused.redirect_chain == [("/admin/", 302)]
    assert refused.status_code == 403
    assert f'href="{reverse("dashboard:portfolio")}"' in refused.content.decode()
