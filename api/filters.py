"""What every list filters on: the resource's own fields, read strictly (a value the schema does not
allow is a 400, never silently no filter), and a `since`/`until` range on its natural timestamp."""

import datetime as dt

from django import forms
from django.db import models
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
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


class InstantField(IsoDateTimeField):
    """An ISO 8601 instant, read in UTC: PostgreSQL refuses offsets past ±15:59 that ISO allows."""

    def to_python(self, value):
        instant = super().to_python(value)
        if instant is None:
            return None
        try:
            return instant.astimezone(dt.UTC)
        except OverflowError:
            raise forms.ValidationError("This instant is out of range.", code="overflow") from None


class InstantFilter(filters.IsoDateTimeFilter):
    field_class = InstantField


def since_until(field_name, filter_class=InstantFilter):
    return (
        filter_class(field_name=field_name, lookup_expr="gte", label=f"Only from this {field_name} on."),
        filter_class(field_name=field_name, lookup_expr="lte", label=f"Only up to this {field_name}."),
    )
