"""The API's docs page: Swagger UI under the site's strict Content-Security-Policy, with no
exception to it. The split view serves the page's start-up script as a file of its own; the
template here replaces drf-spectacular's inline <style> with a stylesheet."""

from django.contrib.auth.views import redirect_to_login
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.exceptions import NotAuthenticated


class DocsView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"

    def handle_exception(self, exc):
        # A person opening the page is sent to sign in, and back here after.
        if isinstance(exc, NotAuthenticated):
            return redirect_to_login(self.request.get_full_path())
        return super().handle_exception(exc)
