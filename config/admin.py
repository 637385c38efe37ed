"""Django admin is the organisation admins' room: superusers configure the org and read every
client's record there. Leads work in the dashboard, which shows them their own projects only."""

from functools import wraps

from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers


class OrganisationAdminSite(admin.AdminSite):
    site_header = "Client communication portal"
    site_title = "Portal admin"
    index_title = "Organisation settings and records"

    def has_permission(self, request):
        """Staff status and model permissions open nothing here: admin lists every client's data
        without the dashboard's visibility rules, so only organisation admins may enter."""
        return super().has_permission(request) and request.user.is_superuser

    def admin_view(self, view, cacheable=False):
        """A signed-in person who may not enter is told so where they stand, not sent to the shared
        sign-in page, which would only send them back here."""
        guarded = super().admin_view(view, cacheable)

        @wraps(guarded)
        def refusing_the_signed_in(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                refusal = TemplateResponse(request, "admin/refused.html", status=403)
                add_never_cache_headers(refusal)
                return refusal
            return guarded(request, *args, **kwargs)

        return refusing_the_signed_in
