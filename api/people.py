"""People: the active team members, read-only, so an integration can find the user ids a new
project's `owner`, `lead` and `team` take."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from .errors import ERROR
from .filters import Filters
from .projects import team_members


class PersonSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(
        source="get_full_name", read_only=True, help_text="First and last name; empty if not given."
    )
    # Django lets a user's email be empty, which `format: email` would not allow.
    email = serializers.CharField(read_only=True, help_text="Where the team's notices go; may be empty.")
    is_admin = serializers.BooleanField(
        source="is_superuser", read_only=True, help_text="Sees every project and may name any client."
    )

    class Meta:
        model = get_user_model()
        fields = ["id", "username", "full_name", "email", "is_admin"]
        read_only_fields = fields
        extra_kwargs = {"username": {"help_text": "What they sign in with."}}


class PersonFilter(Filters):
    q = filters.CharFilter(method="matching", label="Words each found in the username, name or email.")

    class Meta:
        model = get_user_model()
        fields = ["q"]

    def matching(self, people, name, value):
        # Word by word, so "lena smith" matches the first name in one field and the last in another.
        for word in value.split():
            people = people.filter(
                Q(username__icontains=word)
                | Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
            )
        return people


@extend_schema_view(
    retrieve=extend_schema(
        responses={
            200: PersonSerializer,
            404: OpenApiResponse(ERROR, description="No such active team member."),
        }
    )
)
class PersonViewSet(viewsets.ReadOnlyModelViewSet):
    """Active team members, whatever their projects: anyone signed in may look them up, as the
    dashboard lets a lead pick a project's people among them."""

    # The same people a new project's owner, lead and team are chosen from.
    queryset = team_members()
    serializer_class = PersonSerializer
    filterset_class = PersonFilter
    ordering_fields = ["username"]
    ordering = ["username"]
