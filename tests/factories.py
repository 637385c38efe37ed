"""Factories for test data: each builds a valid row with the fewest decisions left to the test."""

import datetime

import factory
from django.contrib.auth import get_user_model

from comms.lifecycle import create_project
from comms.models import Message
from projects.models import BusinessCalendar, Client, Contact, Project


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@agency.example")


class CalendarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessCalendar

    name = factory.Sequence(lambda n: f"Sydney office {n}")
    time_zone = "Australia/Sydney"
    workdays = "01234"
    opens_at = datetime.time(9)
    closes_at = datetime.time(17)
    holiday_country = "AU"
    holiday_subdivision = "NSW"


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    name = factory.Sequence(lambda n: f"Client {n}")
    calendar = factory.SubFactory(CalendarFactory)
    shared_window_starts = datetime.time(9)
    shared_window_ends = datetime.time(11)
    account_owner = factory.SubFactory(UserFactory)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    client = factory.SubFactory(ClientFactory)
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"contact{n}@client.example")
    kind = Contact.Kind.TECHNICAL


def project_fields(**overrides):
    """Valid keyword arguments for `create_project`, with new people and a new client."""
    fields = {
        "client": ClientFactory(),
        "name": "Booking app",
        "scope": "A booking app for ferry passengers.",
        "owner": UserFactory(),
        "lead": UserFactory(),
        "starts_on": datetime.date(2026, 3, 2),
        "target_delivery_on": datetime.date(2026, 6, 26),
        "target_launch_on": datetime.date(2026, 7, 6),
    }
    fields.update(overrides)
    return fields


def make_project(**overrides) -> Project:
    return create_project(**project_fields(**overrides))


def with_readers_of_three_languages(project) -> Project:
    """The project's contacts: Jack reads the main language, Jonas German and Chloé French."""
    project.contacts.set(
        [
            ContactFactory(client=project.client, name="Jack Nguyen", email="jack@client.example"),
            ContactFactory(
                client=project.client, name="Jonas Weber", email="jonas@client.example", language="de"
            ),
            ContactFactory(
                client=project.client, name="Chloé Martin", email="chloe@client.example", language="fr"
            ),
        ]
    )
    return project


def make_client_mail(project, subject, body="", *, at, **fields) -> Message:
    """Mail the client sent to the project, as the inbound webhook stores it."""
    return Message.objects.create(
        project=project,
        direction=Message.Direction.IN,
        kind="client_mail",
        from_email="jack@hf.example",
        to_email="team@agency.example",
        subject=subject,
        body_text=body,
        state=Message.State.RECEIVED,
        dedupe_key=f"in-{Message.objects.count()}-{subject}",
        created_at=at,
        **fields,
    )
