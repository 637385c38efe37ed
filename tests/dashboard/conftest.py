import pytest

from tests.factories import UserFactory


@pytest.fixture
def lead(client):
    """A lead signed in to the dashboard."""
    user = UserFactory(username="lena", email="lena@agency.example")
    client.force_login(user)
    return user
