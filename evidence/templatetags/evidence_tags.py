"""Vietnamese display of file sizes: 512 B, 12,3 KB, 1,2 MB."""

from decimal import ROUND_HALF_UP, Decimal

from django import template

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
