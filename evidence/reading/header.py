"""The fields of an administrative document (Decree 30/2020 layout), parsed from its lines.

Top left: the parent body and the issuer (capitals), "Số: 28/KH-SNV", for a công văn the
"V/v …" subject; top right: the national name and motto, "Hòa Bình Xanh, ngày 05 tháng 01
năm 2025"; centred: the type (KẾ HOẠCH) and the subject; bottom right: the signing block
(KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC … Nguyễn Văn An). Lines carry their position (lines.py), so the
columns are told apart whatever order a text layer or OCR gives them in.

Matching is done on a folded copy of each line (capitals, no tone marks, đ → D) of the same
length, so OCR's accent slips do not hide a keyword and every span maps back to the printed
text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date

from .lines import Line, clean

# --- folding ------------------------------------------------------------------------------


def _fold_char(ch: str) -> str:
    if ch in "đĐÐð":
        return "D"
    base = unicodedata.normalize("NFD", ch)[0]
    return base.upper() if len(base.upper()) == 1 else base


def fold(text: str) -> str:
    """Capitals without tone marks, one character for one (spans map back to `text`)."""
    return "".join(_fold_char(ch) for ch in text)


def _letters(text: str) -> list[str]:
    return [ch for ch in text if ch.isalpha()]


def is_upper(text: str) -> bool:
    letters = _letters(text)
    return len(letters) >= 2 and sum(ch.isupper() for ch in letters) >= 0.85 * len(letters)


def is_rule(text: str) -> bool:
    """A drawn rule (the short line under the issuer or the motto), however OCR renders it."""
    return not any(ch.isalnum() for ch in text)


# --- vocabulary ---------------------------------------------------------------------------

# Types in capitals as printed (folded) → the type in words.
DOC_TYPES = {
    fold(name.upper()): name
    for name in (
        "Kế hoạch",
        "Báo cáo",
        "Quyết định",
        "Thông báo",
        "Tờ trình",
        "Hướng dẫn",
        "Chương trình",
        "Chỉ thị",
        "Kết luận",
        "Nghị quyết",
        "Biên bản",
        "Quy chế",
        "Quy định",
        "Thông cáo",
        "Phương án",
        "Đề án",
        "Dự án",
        "Công điện",
        "Giấy mời",
        "Giấy giới thiệu",
        "Giấy ủy quyền",
        "Bản ghi nhớ",
        "Bản thỏa thuận",
        "Hợp đồng",
        "Nghị định",
        "Thông tư",
        "Công văn",
    )
}
LETTER = "Công văn"
# The type abbreviation of a symbol (28/KH-SNV) → the type in words.
TYPE_ABBREVIATIONS = {
    "KH": "Kế hoạch",
    "BC": "Báo cáo",
    "QĐ": "Quyết định",
    "TB": "Thông báo",
    "TTR": "Tờ trình",
    "HD": "Hướng dẫn",
    "CTR": "Chương trình",
    "CT": "Chỉ thị",
    "KL": "Kết luận",
    "NQ": "Nghị quyết",
    "BB": "Biên bản",
    "QC": "Quy chế",
    "PA": "Phương án",
    "ĐA": "Đề án",
    "CĐ": "Công điện",
    "GM": "Giấy mời",
    "GGT": "Giấy giới thiệu",
    "GUQ": "Giấy ủy quyền",
    "HĐ": "Hợp đồng",
}
# A line of the issuer's block that starts one of these is the start of a body's name.
_BODY_WORDS = tuple(
    fold(word)
    for word in (
        "UBND ",
        "ỦY BAN ",
        "UỶ BAN ",
        "HĐND ",
        "HỘI ĐỒNG ",
        "SỞ ",
        "BAN ",
        "BQL ",
        "PHÒNG ",
        "VĂN PHÒNG",
        "THANH TRA",
        "TRUNG TÂM ",
        "CHI CỤC ",
        "CỤC ",
        "TỔNG CỤC ",
        "TRƯỜNG ",
        "BỆNH VIỆN ",
        "ĐÀI ",
        "KHO BẠC ",
        "CÔNG AN ",
        "BẢO HIỂM ",
        "BỘ ",
        "VIỆN ",
        "CÔNG TY ",
        "TỈNH ỦY",
        "ĐẢNG ỦY",
        "TÒA ÁN ",
        "VIỆN KIỂM SÁT ",
        "CHI NHÁNH ",
        "NGÂN HÀNG ",
        "HẢI QUAN ",
        "TRẠM ",
        "ĐOÀN ",
        "HỘI ",
        "QUỸ ",
    )
)
_COLLECTIVE = {fold("ỦY BAN NHÂN DÂN"), fold("UỶ BAN NHÂN DÂN"), fold("HỘI ĐỒNG NHÂN DÂN")}
_MOTTO_NAME = re.compile(r"C\W*O\W*N\W*G\s*H\W*O\W*A\s*X\W*A\s*H\W*O\W*I")
_MOTTO_NAME_TAIL = re.compile(r"CHU\s*NGHIA\s*VIET\s*NAM")
_MOTTO = re.compile(r"DOC\s*LAP\s*[-–—~.,]*\s*TU\s*DO")
_NUMBER = re.compile(r"^\W{0,3}S[O0]\s*[:;.,]?\s*(?=\S*/|[.…_\s]*/)")
_NUMBER_BODY = re.compile(
    r"^(?P<num>[0-9]{0,6})[\s.…_]*/\s*(?:(?P<year>(?:19|20)[0-9]{2})\s*/\s*)?(?P<sym>[^\s,;:]+)"
)
_DATE = re.compile(
    r"NGAY\s*(?P<d>[0-9]{1,2})?[\s.…_]*THANG\s*(?P<m>[0-9]{1,2})?[\s.…_]*NAM\s*"
    r"(?P<y>(?:19|20)[0-9]{2})"
)
_SUBJECT = re.compile(r"^\W{0,2}V\s*/\s*V\b\.?\s*[:.]?\s*")
_DRAFT = re.compile(r"^\W*DU\s*THAO\W*$")
_ADDRESSEE = re.compile(r"^\W*KINH\s*GUI")
_BODY_START = re.compile(
    r"^\W*(CAN CU|THUC HIEN|THEO |NHAM |DE |TREN CO SO|DIEU [0-9]|PHAN |CHUONG [IVX0-9]|"
    r"[IVX]+\.|[0-9]+\.|KINH GUI|NOI NHAN)"
)
_SIGNATURE_NOTE = re.compile(r"^\W*(DA KY|KY,|KY TEN|KY BOI|KY NGAY|\(KY)")


@dataclass
class DocumentFields:
    number: str | None = None
    symbol: str | None = None
    issued_on: date | None = None
    place: str | None = None
    issuer: str | None = None
    parent_issuer: str | None = None
    doc_type: str | None = None
    title: str | None = None
    signer: str | None = None
    signer_title: str | None = None
    is_draft: bool = False
    found: set = field(default_factory=set)  # which parts of the layout were seen

    def as_json(self) -> dict:
        return {
            "number": self.number,
            "symbol": self.symbol,
            "issued_on": self.issued_on.isoformat() if self.issued_on else None,
            "place": self.place,
            "issuer": self.issuer,
            "parent_issuer": self.parent_issuer,
            "doc_type": self.doc_type,
            "title": self.title,
            "signer": self.signer,
            "signer_title": self.signer_title,
        }

    @property
    def header_complete(self) -> bool:
        return bool(self.issuer and self.doc_type and (self.issued_on or self.is_draft))

    @property
    def signing_complete(self) -> bool:
        return bool(self.signer and self.signer_title)


# --- geometry -----------------------------------------------------------------------------


def to_content(lines: list[Line]) -> list[Line]:
    """Positions relative to the text area of each page (margins differ between documents;
    a title is centred on the text area, not on the sheet)."""
    out: list[Line] = []
    for page in sorted({line.page for line in lines}):
        on_page = [line for line in lines if line.page == page]
        if all(line.content for line in on_page):
            out.extend(on_page)
            continue
        wordy = [line for line in on_page if len(_letters(line.text)) >= 8] or on_page
        starts = sorted(line.x0 for line in wordy)
        ends = sorted(line.x1 for line in wordy)
        left = starts[min(2, len(starts) - 1)] if len(starts) > 6 else starts[0]
        right = ends[-min(3, len(ends))] if len(ends) > 6 else ends[-1]
        span = max(right - left, 0.2)
        for line in on_page:
            out.append(
                replace(
                    line,
                    x0=(line.x0 - left) / span,
                    x1=(line.x1 - left) / span,
                    content=True,
                )
            )
    return sorted(out, key=lambda line: (line.page, line.top, line.x0))


def _is_left(line: Line) -> bool:
    return line.center < 0.45 and line.x1 < 0.62


def _is_right(line: Line) -> bool:
    return line.center > 0.55 and line.x0 > 0.35


def _is_centered(line: Line) -> bool:
    if line.centered is not None:
        return line.centered
    # Justified body text reaches both margins; a centred line stops short of them.
    return abs(line.center - 0.5) < 0.07 and line.x0 > 0.015 and line.x1 < 0.985


def _spacing(lines: list[Line]) -> float:
    """The usual distance between consecutive lines of body text (the page's line pitch),
    from the wide lines only: the columns of the header and signing block interleave."""
    wide = sorted((line for line in lines if line.width > 0.6), key=lambda line: line.top)
    steps = sorted(
        b.top - a.top
        for a, b in zip(wide, wide[1:], strict=False)
        if 0.0005 <= b.top - a.top < 0.06
    )
    if lines and lines[0].flow:
        return 0.001  # one paragraph
    if not steps:
        return 0.022
    return steps[len(steps) // 2]


# --- the parser ---------------------------------------------------------------------------


def _split_motto(lines: list[Line]) -> list[Line]:
    """OCR sometimes joins the issuer's line with the national name; cut it off again."""
    out = []
    for line in lines:
        folded = fold(line.text)
        match = _MOTTO_NAME.search(folded) or _MOTTO.search(folded)
        if match and match.start() > 3:
            head = clean(line.text[: match.start()])
            tail = clean(line.text[match.start() :])
            cut = line.x0 + (line.x1 - line.x0) * match.start() / max(len(line.text), 1)
            if head:
                out.append(replace(line, text=head, x1=cut))
            out.append(replace(line, text=tail, x0=cut))
        else:
            out.append(line)
    return out


_NUMBER_LABEL = re.compile(r"^\W{0,3}S[O0]\s*[:;.,]?\s*$")


def _join_number(lines: list[Line]) -> list[Line]:
    """A draft's "Số:" and its "/KH-STP" are far apart on the line (the blank left for the
    number): join them again."""
    out = list(lines)
    for line in lines:
        if line.flow or not _NUMBER_LABEL.match(fold(line.text)) or line not in out:
            continue
        partner = min(
            (
                other
                for other in out
                if other is not line
                and other.x0 > line.x1
                and abs(other.top - line.top) < 0.012
                and re.match(r"^[\s.…_]*/", other.text)
            ),
            key=lambda other: other.x0,
            default=None,
        )
        if partner is not None:
            out.remove(partner)
            out[out.index(line)] = replace(line, text=f"{line.text} {partner.text}", x1=partner.x1)
    return out


def _join_date(lines: list[Line]) -> list[Line]:
    """A draft's "ngày      tháng      năm 2025" falls apart at its blanks: join it again."""
    out = list(lines)
    for line in lines:
        if line.flow or line not in out or "NGAY" not in fold(line.text) or _date(line.text):
            continue
        row = sorted(
            (
                other
                for other in out
                if other is not line and other.x0 > line.x1 and abs(other.top - line.top) < 0.012
            ),
            key=lambda other: other.x0,
        )
        joined, used = line, []
        for other in row:
            joined = replace(joined, text=f"{joined.text} {other.text}", x1=other.x1)
            used.append(other)
            if _date(joined.text):
                for part in used:
                    out.remove(part)
                out[out.index(line)] = joined
                break
    return out


def _is_motto(line: Line) -> bool:
    folded = fold(line.text)
    return bool(
        _MOTTO_NAME.search(folded)
        or _MOTTO_NAME_TAIL.search(folded)
        or _MOTTO.search(folded)
        or "HANH PHUC" in folded
    )


def _date(text: str) -> tuple[date | None, str | None, bool] | None:
    """(date, place, found): a 'Place, ngày 05 tháng 01 năm 2025' line, else None."""
    folded = fold(text)
    match = _DATE.search(folded)
    if not match:
        return None
    place = clean(text[: match.start()]).rstrip(",;. ") or None
    day, month, year = match.group("d"), match.group("m"), match.group("y")
    issued = None
    if day and month:
        try:
            issued = date(int(year), int(month), int(day))
        except ValueError:
            issued = None
    return issued, place, True


def _number(text: str) -> tuple[str | None, str | None] | None:
    folded = fold(text)
    prefix = _NUMBER.match(folded)
    if not prefix:
        return None
    rest = text[prefix.end() :].strip()
    rest = rest.replace("–", "-").replace("—", "-").replace("Ð", "Đ")
    match = _NUMBER_BODY.match(rest)
    if not match:
        return None
    number = match.group("num") or None
    symbol = match.group("sym").strip(".-") or None
    return number, symbol


def _starts_body(text: str) -> bool:
    folded = fold(text) + " "
    return folded.startswith(_BODY_WORDS)


def _issuer(block: list[str]) -> tuple[str | None, str | None]:
    """(issuer, parent) from the lines above the number: the issuer starts at the last line
    that begins a body's name and does not continue the line before it."""
    block = [text for text in block if not is_rule(text)]
    if not block:
        return None, None

    def continues(index: int) -> bool:
        if index == 0:
            return False
        before = block[index - 1].rstrip()
        return fold(before) in _COLLECTIVE or before.endswith((" VÀ", ",", "-", "&", " VA"))

    starts = [i for i, text in enumerate(block) if _starts_body(text) and not continues(i)]
    start = starts[-1] if starts else (1 if len(block) > 1 else 0)
    issuer = clean(" ".join(block[start:]))
    parent = clean(" ".join(block[:start])) or None
    return issuer or None, parent


def _looks_like_name(text: str) -> bool:
    """A person's name as signed: 2–6 words, each a capital then small letters."""
    words = text.split()
    return 2 <= len(words) <= 6 and all(
        word.isalpha() and word[0].isupper() and (len(word) == 1 or word[1:].islower())
        for word in words
    )


def parse_header(lines: list[Line], fields: DocumentFields) -> None:
    """Number, date, issuer, type and subject from the first page read."""
    if not lines:
        return
    first = min(line.page for line in lines)
    page = _join_date(_join_number(_split_motto([line for line in lines if line.page == first])))
    spacing = _spacing(page)
    type_line = next((line for line in page if _type_of(line)), None)
    # The header is above the type line (or, without one, among the first lines).
    head = [
        line
        for line in (page[:18] if type_line is None else page)
        if type_line is None or line.top < type_line.top - spacing * 0.3
    ]
    number_line = next(
        (line for line in head if _number(line.text) is not None and not _is_right(line)), None
    )
    date_line = next((line for line in head if _date(line.text)), None)
    if any(_is_motto(line) for line in head):
        fields.found.add("motto")
    if type_line is not None:
        fields.doc_type = _type_of(type_line)
        fields.found.add("type")
    if number_line is not None:
        fields.number, fields.symbol = _number(number_line.text)
        fields.found.add("number")
        if fields.number is None:
            fields.is_draft = True
    if date_line is not None:
        fields.issued_on, fields.place, _found = _date(date_line.text)
        fields.found.add("date")
    if any(_DRAFT.match(fold(line.text)) for line in page):
        fields.is_draft = True

    # The issuer: the left block above the number (or above the type when no number).
    limit = number_line.top if number_line is not None else (type_line.top if type_line else 0)
    block = [
        clean(line.text.replace("_", " "))
        for line in page
        if line.top < limit - spacing * 0.3
        and _is_left(line)
        and not _is_motto(line)
        and not _date(line.text)
        and not _DRAFT.match(fold(line.text))
    ]
    fields.issuer, fields.parent_issuer = _issuer(block)
    if fields.issuer:
        fields.found.add("issuer")

    # The subject: a công văn's "V/v" lines under the number, else the lines under the type.
    subject = _letter_subject(page, number_line, spacing)
    if subject is not None:
        fields.title = subject
        fields.found.add("subject")
        if type_line is None:
            fields.doc_type = LETTER
    elif type_line is not None:
        fields.title = _title_under(page, type_line, spacing)
    if fields.doc_type is None and fields.symbol:
        fields.doc_type = _type_from_symbol(fields.symbol)


def _type_of(line: Line) -> str | None:
    """The type in words when the line is a centred type name in capitals (KẾ HOẠCH)."""
    if not is_upper(line.text) or _is_left(line) or _is_right(line):
        return None
    return DOC_TYPES.get(re.sub(r"[^A-Z ]", "", fold(line.text)).strip())


def _type_from_symbol(symbol: str) -> str | None:
    head = symbol.split("-")[0].upper()
    return TYPE_ABBREVIATIONS.get(head)


def _letter_subject(page: list[Line], number_line: Line | None, spacing: float) -> str | None:
    if number_line is None:
        return None
    below = [
        line
        for line in page
        if line.top > number_line.top + spacing * 0.3
        and line.top < number_line.top + spacing * 9
        and not _is_right(line)
    ]
    start = next((line for line in below if _SUBJECT.match(fold(line.text))), None)
    if start is None:
        return None
    parts = [start.text[_SUBJECT.match(fold(start.text)).end() :]]
    last = start
    for line in below[below.index(start) + 1 :]:
        folded = fold(line.text)
        if (
            line.top - last.top > spacing * 1.6
            or _ADDRESSEE.match(folded)
            or is_rule(line.text)
            or _is_motto(line)
            or not _is_left(line)
        ):
            break
        parts.append(line.text)
        last = line
    return clean(" ".join(parts)) or None


def _title_under(page: list[Line], type_line: Line, spacing: float) -> str | None:
    """The subject under the type: the next line, and the centred lines that follow it."""
    parts, last = [], type_line
    for line in page:
        if line.top <= type_line.top or line is type_line:
            continue
        folded = fold(line.text)
        if (
            line.top - last.top > spacing * 1.7
            or is_rule(line.text)
            or (parts and not _is_centered(line))
            or (is_upper(line.text) and parts)
            or _BODY_START.match(folded)
        ):
            break
        if is_upper(line.text) and not parts and len(_letters(line.text)) > 40:
            break
        parts.append(line.text)
        last = line
    return clean(" ".join(parts)) or None


def parse_signing(lines: list[Line], fields: DocumentFields, *, below: float = 0.0) -> None:
    """The signing block of a page: the title lines in capitals above the signer's name, in
    the right column, after the body (`below`: where the header of that page ended)."""
    if not lines:
        return
    candidates = [
        line for line in lines if line.top > below and _is_right(line) and not _is_motto(line)
    ]
    spacing = _spacing(sorted(lines, key=lambda line: line.top))
    for index in range(len(candidates) - 1, -1, -1):
        name = candidates[index]
        if not _looks_like_name(name.text):
            continue
        titles: list[Line] = []
        for line in reversed(candidates[:index]):
            folded = fold(line.text)
            if len(_letters(line.text)) < 2:
                continue  # a speck, a stamp's edge
            if _SIGNATURE_NOTE.match(folded) or (not titles and not is_upper(line.text)):
                if titles:
                    break
                continue
            if not is_upper(line.text):
                break
            if titles and titles[-1].top - line.top > spacing * 1.8:
                break
            titles.append(line)
        if titles:
            titles.reverse()
            fields.signer = clean(name.text)
            fields.signer_title = " / ".join(clean(line.text) for line in titles)
            fields.found.add("signing")
            return


def header_end(lines: list[Line]) -> float:
    """Where the header and subject of the first page end (the signing block is below)."""
    if not lines:
        return 0.0
    first = min(line.page for line in lines)
    page = [line for line in lines if line.page == first]
    marks = [
        line.top
        for line in page
        if _number(line.text) is not None or _date(line.text) or _is_motto(line)
    ]
    return max(marks) if marks else 0.0


def is_document(fields: DocumentFields) -> bool:
    """An administrative document shows at least its number or its date line, or the
    national name together with a type."""
    found = fields.found
    return "number" in found or "date" in found or {"motto", "type"} <= found
