"""What every list filters on: the resource's own fields, read strictly (a value the schema does not
allow is a 400, never silently no filter), and a `since`/`until` range on its natural timestamp."""

from django import forms
from django.db import models
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

BIGGEST_ID = 2**63 - 1  # a bigint primary key


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": BIGGEST_ID})
class IdFilter(filters.NumberFilter):
    """A related row by id, without looking it up: an id the user may not see simply matches
    nothing, so a filter never tells whether someone else's object exists."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=BIGGEST_ID, **kwargs)


@extend_schema_field(OpenApiTypes.BOOL)
class YesNoFilter(filters.TypedChoiceFilter):
    """`true` or `false`; anything else is refused rather than read as no filter."""

    def __init__(self, *args, **kwargs):
        super().__init__(
            *args,
            choices=[("true", "true"), ("false", "false")],
            coerce=lambda value: value == "true",
            **kwargs,
        )


class Filters(filters.FilterSet):
    FILTER_DEFAULTS = {
        **filters.FilterSet.FILTER_DEFAULTS,
        models.ForeignKey: {"filter_class": IdFilter},
        models.ManyToManyField: {"filter_class": IdFilter},
        models.BooleanField: {"filter_class": YesNoFilter},
    }


def since_until(field_name, filter_class=filters.IsoDateTimeFilter):
    return (
        filter_class(field_name=field_name, lookup_expr="gte", label=f"Only from this {field_name} on."),
        filter_class(field_name=field_name, lookup_expr="lte", label=f"Only up to this {field_name}."),
    )
