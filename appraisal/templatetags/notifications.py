"""The bell in the header: the signed-in user's unread notifications."""

from django import template

from appraisal.notifications import unread_count

register = template.Library()


@register.simple_tag
def unread_notifications(user) -> int:
    return unread_count(actor=user)
