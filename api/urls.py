"""/api/: one route per resource, its actions as POST sub-routes; the OpenAPI schema and its docs."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from .commitments import CommitmentViewSet
from .comms import MessageViewSet, UpdateViewSet
from .decisions import DecisionViewSet
from .docs import DocsView
from .errors import not_found
from .escalations import EscalationViewSet
from .people import PersonViewSet
from .projects import ContactViewSet, PhaseChangeViewSet, ProjectViewSet
from .satisfaction import SatisfactionViewSet
from .search import SearchView


class IdRouter(DefaultRouter):
    """Object ids are whole numbers the database can hold (up to 18 digits): any other id is the
    JSON 404 at the end, never a database error."""

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        return rf"(?P<{lookup_prefix}pk>[0-9]{{1,18}})"


router = IdRouter()
router.register("projects", ProjectViewSet, basename="project")
router.register("contacts", ContactViewSet, basename="contact")
router.register("phases", PhaseChangeViewSet, basename="phase")
router.register("commitments", CommitmentViewSet, basename="commitment")
router.register("decisions", DecisionViewSet, basename="decision")
router.register("updates", UpdateViewSet, basename="update")
router.register("messages", MessageViewSet, basename="message")
router.register("escalations", EscalationViewSet, basename="escalation")
router.register("people", PersonViewSet, basename="person")
router.register("satisfaction", SatisfactionViewSet, basename="satisfaction")

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
    path("search/", SearchView.as_view(), name="search"),
    path("", include(router.urls)),
    # Anything else under /api/ answers as the API does, in JSON, not with the site's HTML 404.
    re_path(r"", not_found),
]
