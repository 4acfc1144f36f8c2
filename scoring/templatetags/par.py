"""Vietnamese display of scores, indexes, bands and dates."""

from django import template
from django.utils import timezone

from scoring import engine, rules
from scoring.enums import Band

register = template.Library()


@register.filter
def vn_number(value):
    return engine.vn_number(value)


@register.filter
def vn_percent(value):
    return engine.vn_percent(value)


@register.filter
def band_label(value):
    try:
        return Band(value).label
    except ValueError:
        return ""


@register.filter
def vn_date(value):
    if not value:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localtime(value)
    return value.strftime("%d/%m/%Y")


@register.filter
def vn_datetime(value):
    if not value:
        return ""
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y")


@register.filter
def unit_deadline(assessment, name):
    """The unit's own deadline `name` (a Period field), its extension included."""
    return rules.unit_deadline(assessment, name)


@register.filter
def extension_in_force(assessment, name):
    """The unit's extension of deadline `name` when it is later than the year's, or None."""
    return rules.extension_in_force(assessment, name)
