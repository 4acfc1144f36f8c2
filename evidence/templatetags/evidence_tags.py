"""Vietnamese display of file sizes (512 B, 12,3 KB, 1,2 MB) and the card of a file."""

from decimal import ROUND_HALF_UP, Decimal

from django import template

from evidence.selectors import evidence_cards

register = template.Library()

_ONE_PLACE = Decimal("0.1")


@register.filter
def vn_filesize(value) -> str:
    """A file size with a decimal comma (a display of bytes, not a score: one place)."""
    if value in (None, ""):
        return ""
    size = int(value)
    if size < 1024:
        return f"{size} B"
    for unit, factor in (("KB", 1024), ("MB", 1024**2), ("GB", 1024**3)):
        amount = (Decimal(size) / factor).quantize(_ONE_PLACE, rounding=ROUND_HALF_UP)
        if amount < 1024 or unit == "GB":
            return f"{amount}".replace(".", ",") + f" {unit}"
    return ""


@register.inclusion_tag("evidence/_card.html", takes_context=True)
def evidence_card(context, evidence_file, criterion=None):
    """The card of `evidence_file` (on the leaf `criterion`, with that criterion's checks).

    The cards of the whole dossier are read once per request (evidence.selectors
    .evidence_cards, a fixed number of queries) and kept on the request, so a page with
    many files costs no more queries than a page with one."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    assessment = context.get("assessment")
    if assessment is None or assessment.pk != evidence_file.assessment_id:
        assessment = evidence_file.assessment
    holder = request if request is not None else assessment
    cache = getattr(holder, "_evidence_cards", None)
    if cache is None:
        cache = {}
        holder._evidence_cards = cache
    cards = cache.get(assessment.pk)
    if cards is None:
        cards = cache[assessment.pk] = evidence_cards(actor=user, assessment=assessment)
    card = cards.get(evidence_file.pk, getattr(criterion, "pk", None))
    return {
        "card": card,
        "criterion": criterion if card is not None and card.criterion is not None else None,
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
