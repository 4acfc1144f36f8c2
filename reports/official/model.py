"""The document model: plain data a renderer walks top to bottom.

Tables and charts are reports.documents' own `Table` and `BarChart` (the data annex's), so an
official report shows the very tables the XLSX and PDF annexes show.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from reports.documents import BarChart, Table

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
DRAFT_MARK = "DỰ THẢO"
BLANK = "\u00a0" * 5  # the blank a draft leaves for the number, day and month


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    placeholder: bool = False  # text for the drafter to replace (highlighted)


@dataclass
class Heading:
    text: str
    level: int = 1  # 1: "I. …" (bold capitals), 2: "1. …" (bold), 3: "a) …" (bold italic)


@dataclass
class Paragraph:
    runs: list[Run]
    align: str = "justify"  # justify | center | left | right
    indent: bool = True  # first-line indent of body text

    @classmethod
    def text(cls, text: str, **kw) -> Paragraph:
        return cls([Run(text)], **kw)

    @classmethod
    def placeholder(cls, text: str) -> Paragraph:
        return cls([Run(text, italic=True, placeholder=True)])

    @property
    def plain(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass
class BulletList:
    items: list[str]


@dataclass
class TableBlock:
    table: Table
    numbered_sections: bool = True  # section titles as "I. …", "II. …"


@dataclass
class ChartBlock:
    chart: BarChart


@dataclass
class PageBreak:
    pass


Block = Heading | Paragraph | BulletList | TableBlock | ChartBlock | PageBreak


@dataclass
class Header:
    """The two header blocks of Decree 30, side by side."""

    parent: str  # the issuer's parent body ("UBND TỈNH HÒA BÌNH XANH"; empty for none)
    issuer: str  # bold, with a short rule under it ("SỞ NỘI VỤ")
    number_line: str  # "Số: 341/BC-SNV" — a draft "Số:      /BC-SNV"
    place_date: str  # italic, under the motto
    excerpt: str = ""  # a letter's "V/v …" under its number
    draft: bool = True


@dataclass
class Signer:
    lines: list[str]  # authority and title, bold capitals ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")
    name: str


@dataclass
class Annex:
    title: str  # "PHỤ LỤC"
    subtitle: str
    note: str  # "(Kèm theo Quyết định số …)"
    blocks: list[Block] = field(default_factory=list)


@dataclass
class OfficialDocument:
    kind: str
    header: Header
    type_name: str  # "BÁO CÁO", "QUYẾT ĐỊNH", "THÔNG BÁO"; a letter has none
    subject: str  # trích yếu, bold under the type
    blocks: list[Block]
    recipients: list[str]  # "Nơi nhận:" lines, the last one "Lưu: VT, …"
    signer: Signer
    addressee: str = ""  # "Kính gửi: …"
    authority: str = ""  # a decision's issuing authority line before its grounds
    annexes: list[Annex] = field(default_factory=list)
    filename: str = "van-ban"

    @property
    def title(self) -> str:
        return f"{self.type_name} {self.subject}".strip() if self.type_name else self.subject


# --- the header's texts --------------------------------------------------------------------


def number_text(number: int | None, symbol: str) -> str:
    """`Số: 05/BC-SNV` (numbers below 10 with a leading zero); a draft leaves the number blank."""
    if number is None:
        return f"Số:{BLANK}/{symbol}"
    return f"Số: {number:02d}/{symbol}"


def vn_day_month(day: dt.date) -> tuple[str, str]:
    """Day and month as a document writes them: days below 10 and the months 1 and 2 with a
    leading zero (ngày 05 tháng 01, ngày 09 tháng 3)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{day.day:02d}", month


def place_date_text(place: str, day: dt.date | None, year: int) -> str:
    """`Hòa Bình Xanh, ngày 21 tháng 02 năm 2020`; a draft leaves day and month blank."""
    if day is None:
        return f"{place}, ngày{BLANK}tháng{BLANK}năm {year}"
    d, m = vn_day_month(day)
    return f"{place}, ngày {d} tháng {m} năm {day.year}"


def long_date(day: dt.date) -> str:
    """`ngày 21 tháng 01 năm 2020`, for the body (an annex's "kèm theo" line)."""
    d, m = vn_day_month(day)
    return f"ngày {d} tháng {m} năm {day.year}"


def short_date(day: dt.date | dt.datetime | None) -> str:
    """`21/01/2020` (a datetime in local time)."""
    if day is None:
        return ""
    if isinstance(day, dt.datetime):
        day = timezone.localtime(day).date()
    return f"{day:%d/%m/%Y}"


def recipients_lines(text: str, archive: str) -> list[str]:
    """The settings' recipients (one a line) then the archive line ("Lưu: VT, CCHC.")."""
    lines = [line.strip().lstrip("-").strip() for line in (text or "").splitlines()]
    return [line for line in lines if line] + [archive]
