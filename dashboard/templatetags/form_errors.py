"""Where the eye goes when a form comes back refused: to its first error, whether the page was
loaded whole (the browser honours `autofocus`) or the section was swapped in by htmx (which
honours it too)."""

from django import template

register = template.Library()

FORM_WIDE = "__all__"


@register.filter
def first_error(form):
    """The name of the form's first field with an error, or FORM_WIDE when the form-wide error
    is shown first (it sits above the fields); empty when the form has none."""
    if not form.is_bound or not form.errors:
        return ""
    if form.non_field_errors():
        return FORM_WIDE
    return next((field.name for field in form.visible_fields() if field.errors), "")


@register.filter
def focused(field):
    return field.as_widget(attrs={"autofocus": True})


@register.simple_tag
def lazy_key(*parts):
    """The name of a folded form on the project page ("contact-12"): it is rendered only when it
    is asked for by that name (`?open=`, loaded by htmx when the fold opens) or comes back refused,
    so the page does not pay for every form it might show."""
    return "-".join(str(part) for part in parts)
