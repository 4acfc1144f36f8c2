"""A small server-side SVG bar chart, for PDFs (no JavaScript) and the report pages.

Horizontal grouped bars: one row per category (long unit names fit on the left), one bar per
series, a zero line so negative values (year-over-year deltas) extend to the left.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from html import escape
from io import BytesIO

from PIL import Image, ImageDraw, ImageFont

from scoring import engine

from .documents import BarChart

COLOURS = ["#9aa5b1", "#a50e0e", "#2a62b8", "#1b7f3b"]
LABEL_WIDTH = 260
VALUE_WIDTH = 70
BAR_HEIGHT = 12
GAP = 8
# Past this many bars, value labels give way to a scale: the numbers are in the tables, and
# WeasyPrint lays out every <text> (a 170-commune group would carry 340 labels).
MAX_VALUE_LABELS = 80
TICKS = 5


def _label(value: Decimal, percent: bool) -> str:
    return engine.vn_percent(value) if percent else engine.vn_number(value)


LABEL_LIMIT = 42


def _cut_end(name: str, limit: int) -> str:
    if len(name) <= limit:
        return name
    cut = name[: limit - 1].rstrip()
    space = cut.rfind(" ")
    if space > limit * 0.6:  # end on a word when that keeps most of the room
        cut = cut[:space]
    return cut.rstrip(" ,;-–") + "…"


def _cut_middle(name: str, limit: int) -> str:
    """The beginning and the end, where names of one kind differ ("UBND xã …")."""
    room = limit - 3  # the " … " between them
    head = name[: room // 2]
    if " " in head[len(head) // 2 :]:  # end the beginning on a word
        head = head[: head.rfind(" ")]
    tail = name[-(room - len(head)) :]
    if " " in tail[: len(tail) // 2]:  # start the end on a word
        tail = tail[tail.find(" ") + 1 :]
    return head.rstrip() + " … " + tail.lstrip()


def short_labels(names: Sequence[str], limit: int = LABEL_LIMIT) -> list[str]:
    """Chart labels of at most `limit` characters that never make two names look alike.

    A name that fits is kept; a longer one is cut at a word with "…". Where two different
    names would be cut to the same text, each keeps its beginning and its end instead, and
    where even that collides, the whole name is shown. The full name goes in the label's
    tooltip (SVG <title>, Chart.js tooltip).
    """
    names = [str(name) for name in names]
    labels = [_cut_end(name, limit) for name in names]
    for shorten in (_cut_middle, lambda name, _limit: name):
        owners: dict[str, set[str]] = defaultdict(set)
        for name, label in zip(names, labels, strict=True):
            owners[label].add(name)
        clashing = {label for label, who in owners.items() if len(who) > 1}
        if not clashing:
            break
        labels = [
            shorten(name, limit) if label in clashing and label != name else label
            for name, label in zip(names, labels, strict=True)
        ]
    return labels


def _value_range(chart: BarChart) -> tuple[Decimal, Decimal]:
    """The low end of the axis (0 or the most negative value) and its span (percent charts
    reach 100): the same scale for the SVG and the PNG."""
    values = [v for _, series in chart.series for v in series if v is not None]
    low = min([Decimal(0), *values])
    high = max([Decimal(0), *values])
    if chart.percent:
        high = max(high, Decimal(100))
    return low, (high - low) or Decimal(1)


def _bars(chart: BarChart, row: int, x_of, zero: float):
    """(series position, value, left x, right x) of each bar of a category that has a value."""
    for position, (_name, series) in enumerate(chart.series):
        value = series[row] if row < len(series) else None
        if value is None:
            continue
        x_value = x_of(value)
        yield position, value, min(zero, x_value), max(zero, x_value)


def svg_bar_chart(chart: BarChart, *, width: int = 720, category_labels: bool = True) -> str:
    """The chart as an <svg> element (a string safe to embed in HTML).

    `category_labels=False` leaves the names out (the official documents do so past
    PNG_MAX_CATEGORY_LABELS bars, as png_bar_chart does: the names are in the tables)."""
    low, span = _value_range(chart)
    label_width = LABEL_WIDTH if category_labels else 20
    # Room for the value labels of negative bars, left of the plot.
    pad = VALUE_WIDTH if low < 0 else 0
    plot = width - label_width - VALUE_WIDTH - pad
    row_height = len(chart.series) * BAR_HEIGHT + GAP
    legend_height = 18
    top = 24 + legend_height
    height = top + max(1, len(chart.categories)) * row_height + 10

    def x_of(value: Decimal) -> float:
        return label_width + pad + float((Decimal(value) - low) / span) * plot

    zero = x_of(Decimal(0))
    show_values = sum(len(series) for _, series in chart.series) <= MAX_VALUE_LABELS
    plot_bottom = height - 8
    if not show_values:
        height += 14  # the scale's labels, under the plot
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="Noto Sans, DejaVu Sans, sans-serif" '
        f'font-size="10" role="img" aria-label="{escape(chart.title)}">',
        f'<text x="0" y="14" font-size="12" font-weight="bold">{escape(chart.title)}</text>',
    ]
    for position, (name, _series) in enumerate(chart.series):
        x = label_width + position * 120
        colour = COLOURS[position % len(COLOURS)]
        parts.append(f'<rect x="{x}" y="24" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14}" y="33">{escape(str(name))}</text>')
    labels = short_labels(chart.categories)
    for row, category in enumerate(chart.categories):
        y = top + row * row_height
        if category_labels:
            label, full = labels[row], str(category)
            tooltip = f"<title>{escape(full)}</title>" if label != full else ""
            parts.append(
                f'<text x="{label_width - 6}" y="{y + row_height / 2 + 2:.1f}" '
                f'text-anchor="end">{tooltip}{escape(label)}</text>'
            )
        for position, value, left, right in _bars(chart, row, x_of, zero):
            bar_y = y + position * BAR_HEIGHT
            colour = COLOURS[position % len(COLOURS)]
            parts.append(
                f'<rect x="{left:.1f}" y="{bar_y}" width="{max(right - left, 0.5):.1f}" '
                f'height="{BAR_HEIGHT - 2}" fill="{colour}"/>'
            )
            if show_values:
                anchor_x = right + 3 if value >= 0 else left - 3
                anchor = "start" if value >= 0 else "end"
                parts.append(
                    f'<text x="{anchor_x:.1f}" y="{bar_y + BAR_HEIGHT - 3}" '
                    f'text-anchor="{anchor}" font-size="9">'
                    f"{escape(_label(value, chart.percent))}</text>"
                )
    if not show_values:
        for tick in range(TICKS + 1):
            value = low + span * tick / TICKS
            x = x_of(value)
            parts.append(
                f'<line x1="{x:.1f}" y1="{top - 2}" x2="{x:.1f}" y2="{plot_bottom:.1f}" '
                f'stroke="#d9d9de" stroke-width="0.5"/>'
                f'<text x="{x:.1f}" y="{height - 3}" text-anchor="middle" font-size="9">'
                f"{escape(_label(engine.q2(value), chart.percent))}</text>"
            )
    parts.append(
        f'<line x1="{zero:.1f}" y1="{top - 2}" x2="{zero:.1f}" y2="{plot_bottom:.1f}" '
        f'stroke="#1d1d1f" stroke-width="0.8"/>'
    )
    parts.append("</svg>")
    return "".join(parts)


# --- the same chart as a PNG (Word documents) ----------------------------------------------

PNG_WIDTH = 1200  # pixels for a 16 cm wide picture: about 190 dpi
PNG_FONTS = (
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)
PNG_BOLD_FONTS = (
    "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
)
# Past this many categories the bars get thin and the names give way to the tables.
PNG_MAX_CATEGORY_LABELS = 60


def _png_font(size: int, *, bold: bool = False):
    for path in PNG_BOLD_FONTS if bold else PNG_FONTS:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size)


def _hex(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def png_bar_chart(chart: BarChart) -> bytes:
    """The chart drawn with Pillow as svg_bar_chart draws it (same data, same colours, same
    layout: grouped horizontal bars, a zero line, values or a scale): for Word documents,
    which do not take SVG reliably. Sizes are given for a 1600-pixel canvas and scaled to
    PNG_WIDTH."""

    def px(n: float) -> int:
        return round(n * PNG_WIDTH / 1600)

    low, span = _value_range(chart)
    many = len(chart.categories) > PNG_MAX_CATEGORY_LABELS
    bar = px(8 if many else 26)
    gap = px(3 if many else 14)
    label_width = px(40 if many else 560)
    value_width = px(150)
    pad = value_width if low < 0 else 0
    plot = PNG_WIDTH - label_width - value_width - pad
    row_height = len(chart.series) * bar + gap
    font, small, title_font = _png_font(px(28)), _png_font(px(24)), _png_font(px(32), bold=True)
    top = px(110)
    show_values = sum(len(series) for _, series in chart.series) <= MAX_VALUE_LABELS
    height = top + max(1, len(chart.categories)) * row_height + px(60 if not show_values else 20)
    image = Image.new("RGB", (PNG_WIDTH, height), "white")
    draw = ImageDraw.Draw(image)

    def x_of(value: Decimal) -> float:
        return label_width + pad + float((Decimal(value) - low) / span) * plot

    draw.text((0, px(8)), chart.title, fill="black", font=title_font)
    for position, (name, _series) in enumerate(chart.series):
        x = label_width + pad + position * px(260)
        colour = _hex(COLOURS[position % len(COLOURS)])
        draw.rectangle([x, px(62), x + px(24), px(86)], fill=colour)
        draw.text((x + px(34), px(58)), str(name), fill="black", font=font)
    zero = x_of(Decimal(0))
    plot_bottom = top + len(chart.categories) * row_height
    labels = short_labels(chart.categories, 36)
    for row, _category in enumerate(chart.categories):
        y = top + row * row_height
        if not many:
            draw.text(
                (label_width - px(12), y + row_height / 2 - gap / 2),
                labels[row],
                fill="black",
                font=font,
                anchor="rm",
            )
        for position, value, left, right in _bars(chart, row, x_of, zero):
            bar_y = y + position * bar
            colour = _hex(COLOURS[position % len(COLOURS)])
            draw.rectangle([left, bar_y, max(right, left + 1), bar_y + bar - px(3)], fill=colour)
            if show_values:
                anchor_x = right + px(8) if value >= 0 else left - px(8)
                draw.text(
                    (anchor_x, bar_y + (bar - px(3)) / 2),
                    _label(value, chart.percent),
                    fill="black",
                    font=small,
                    anchor="lm" if value >= 0 else "rm",
                )
    if not show_values:
        for tick in range(TICKS + 1):
            value = low + span * tick / TICKS
            x = x_of(value)
            draw.line([x, top - px(4), x, plot_bottom], fill=(217, 217, 222), width=1)
            draw.text(
                (x, plot_bottom + px(8)),
                _label(engine.q2(value), chart.percent),
                fill="black",
                font=small,
                anchor="mt",
            )
    draw.line([zero, top - px(4), zero, plot_bottom], fill=(29, 29, 31), width=2)
    out = BytesIO()
    image.save(out, format="PNG", compress_level=1)  # fast: the .docx is zipped anyway
    return out.getvalue()
