"""Admin list columns every room's admin shares: an instant written the one way, with its zone."""

from django.contrib import admin
from django.utils import timezone

from projects.dates import moment


def instant_column(field, description):
    """A sortable list column showing `field` as "Tue 24 Nov 09:00 UTC", in the admin's zone."""

    @admin.display(description=description, ordering=field)
    def column(obj):
        instant = getattr(obj, field)
        return moment(instant, timezone.get_current_timezone()) if instant else "—"

    column.__name__ = f"{field}_shown"
    return column
