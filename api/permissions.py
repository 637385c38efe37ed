"""Who sees what through the API: the dashboard's rule (`Project.objects.visible_to`) applied to
every queryset and every reference in a request body, so another lead's object answers 404 (or, in
a body, 'does not exist'), never a 403 that admits it is there."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from projects.models import Client, Contact, Project


def visible_projects(user):
    """The user's projects as a plain subquery (no DISTINCT to carry into joins and orderings)."""
    return Project.objects.filter(pk__in=Project.objects.visible_to(user).values("pk"))


def visible_clients(user):
    return Client.objects.filter(projects__in=visible_projects(user)).distinct()


class ProjectScoped:
    """Viewset mixin: only the rows of projects the requesting user may see."""

    def get_queryset(self):
        return super().get_queryset().filter(project__in=visible_projects(self.request.user))


@extend_schema_field(OpenApiTypes.INT)  # a project id, also where no model field names it
class VisibleProjectField(serializers.PrimaryKeyRelatedField):
    """A project the requesting user may see; any other id reads as unknown."""

    def get_queryset(self):
        return visible_projects(self.context["request"].user)


class VisibleClientField(serializers.PrimaryKeyRelatedField):
    """Admins may name any client; a lead the clients of the projects they work on."""

    def get_queryset(self):
        user = self.context["request"].user
        return Client.objects.all() if user.is_superuser else visible_clients(user)


class VisibleContactField(serializers.PrimaryKeyRelatedField):
    """A contact of a client whose projects the user may see."""

    def get_queryset(self):
        user = self.context["request"].user
        contacts = Contact.objects.all()
        return contacts if user.is_superuser else contacts.filter(client__in=visible_clients(user))
