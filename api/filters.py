"""What every list filters on besides its own fields: a `since`/`until` range on the resource's
natural timestamp (when it was made, raised, changed, or is due)."""

from django_filters import rest_framework as filters


def since_until(field_name, filter_class=filters.IsoDateTimeFilter):
    return (
        filter_class(field_name=field_name, lookup_expr="gte", label=f"Only from this {field_name} on."),
        filter_class(field_name=field_name, lookup_expr="lte", label=f"Only up to this {field_name}."),
    )
