"""An escalation of a category or severity the procedure does not know is refused with the field
named, stores nothing and tells nobody; the review keeps reading the escalations already raised."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from comms.models import Message
from escalations import services
from escalations.models import Escalation, EscalationEvent
from tests.factories import make_project

pytestmark = pytest.mark.django_db

REVIEW = "/admin/escalations/escalation/review/"


@pytest.fixture
def project():
    return make_project(name="Fleet dashboard")


def raise_(project, **fields):
    return services.raise_escalation(
        project,
        **{
            "category": "technical_failure",
            "severity": "critical",
            "title": "Checkout is down",
            "description": "500s since 21:40.",
            "by": project.owner,
            "now": timezone.now(),
            **fields,
        },
    )


@pytest.mark.parametrize("field", ["category", "severity"])
def test_an_unknown_category_or_severity_is_refused_naming_the_field_and_stores_nothing(project, field):
    messages_before = Message.objects.count()

    with pytest.raises(ValidationError) as refused:
        raise_(project, **{field: "meteor_strike"})

    assert list(refused.value.message_dict) == [field]
    assert "meteor_strike" in refused.value.message_dict[field][0]
    assert not Escalation.objects.exists()
    assert not EscalationEvent.objects.exists()
    assert Message.objects.count() == messages_before


def test_the_api_answers_an_unknown_category_with_a_400_naming_it(project):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=project.owner).key}")

    response = api.post(
        "/api/escalations/",
        {
            "project": project.pk,
            "category": "meteor_strike",
            "severity": "critical",
            "title": "Checkout is down",
            "description": "500s since 21:40.",
        },
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["category"]
    assert not Escalation.objects.exists()


def test_the_review_still_renders_after_an_unknown_category_was_refused(admin_client, project):
    raise_(project, category="dispute")
    with pytest.raises(ValidationError):
        raise_(project, category="meteor_strike")

    page = admin_client.get(REVIEW)

    assert page.status_code == 200
    assert "Dispute or complaint" in page.content.decode()
