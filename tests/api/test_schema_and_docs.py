"""The OpenAPI schema and its docs page: served to signed-in users, the same schema the fuzz test
uses, and a docs page that needs nothing the strict Content-Security-Policy forbids."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from rest_framework.test import APIClient

from .test_fuzz import served_schema

pytestmark = pytest.mark.django_db


def test_the_served_schema_is_the_one_the_fuzz_test_reads(api):
    response = api.get(reverse("api:schema"), {"format": "json"})

    assert response.status_code == 200
    assert response.json() == served_schema()


def test_the_schema_describes_every_resource_and_its_errors(api):
    schema = served_schema()

    assert schema["openapi"].startswith("3.")
    assert {path.split("/")[2] for path in schema["paths"]} >= {
        "projects",
        "contacts",
        "phases",
        "commitments",
        "decisions",
        "updates",
        "messages",
        "escalations",
        "people",
    }
    close = schema["paths"]["/api/escalations/{id}/close/"]["post"]
    assert close["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/CloseRequest"
    }
    assert set(close["responses"]) == {"200", "400", "401", "403", "404", "409"}
    assert schema["components"]["securitySchemes"]["tokenAuth"]["in"] == "header"


def test_the_docs_page_sends_a_stranger_to_sign_in():
    response = APIClient().get(reverse("api:docs"))

    assert response.status_code == 302
    assert response.headers["Location"] == f"{reverse('login')}?next=/api/docs/"


def test_the_docs_page_has_no_inline_script_or_style(lead, client):
    client.force_login(lead)

    response = client.get(reverse("api:docs"))
    page = response.content.decode()

    assert response.status_code == 200
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert all(" src=" in tag for tag in re.findall(r"<script\b[^>]*>", page))
    assert "<style" not in page
    assert "style=" not in page


def test_the_docs_start_up_script_is_served_as_a_file(lead, client):
    client.force_login(lead)

    response = client.get(reverse("api:docs"), {"script": ""})

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in response.content.decode()


def test_swagger_ui_is_vendored():
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert finders.find("api/swagger_ui.css")


def test_an_unknown_api_path_is_a_json_404(api):
    response = api.get("/api/commitments/0.5/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
