"""Django's admin app, with the organisation's admin site as the default `admin.site`."""

from django.contrib.admin.apps import AdminConfig


class OrganisationAdminConfig(AdminConfig):
    default_site = "config.admin.OrganisationAdminSite"
