"""Checks of a read file against its dossier and the criterion it backs (warnings, never
refusals), and the fields in force (the reading with people's corrections laid over it).

Pure functions over plain data and model instances already loaded; evidence.selectors
gathers what they need in a fixed number of queries (`evidence_cards`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .criterion_rules import EvidenceRules
from .enums import ReadingField
from .reading.header import fold
from .reading.reader import file_warnings
from .reading.warnings import warning

FIELD_NAMES = tuple(ReadingField.values)
_NOT_WORD = re.compile(r"[^A-Z0-9 ]+")


# --- the fields in force ------------------------------------------------------------------


def effective_fields(reading, corrections) -> tuple[dict | None, dict[str, list]]:
    """(fields in force or None when not a document, corrections per field, oldest first).

    A correction makes a file a document even when the reading found none (a person typed
    its number and date)."""
    by_field: dict[str, list] = {}
    for correction in corrections:
        by_field.setdefault(correction.field, []).append(correction)
    if reading is None:
        return None, by_field
    base = dict(reading.fields or {}) if reading.is_document else None
    if by_field:
        base = {name: (base or {}).get(name) for name in FIELD_NAMES}
        for name, items in by_field.items():
            base[name] = items[-1].value or None
    return base, by_field


def effective_draft(reading, fields: dict | None, corrected: dict) -> bool:
    """A draft stays one until a person gives it a number."""
    if reading is None or not reading.is_draft:
        return False
    return not ("number" in corrected and (fields or {}).get("number"))


def issued_on(fields: dict | None) -> date | None:
    value = (fields or {}).get("issued_on")
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def number_key(fields: dict | None) -> str:
    """issuer | number | symbol | year (folded): one document of one issuer in one year."""
    if not fields or not fields.get("number") or not fields.get("issuer"):
        return ""
    day = issued_on(fields)
    parts = [
        unit_key(fields["issuer"]),
        fields["number"].lstrip("0") or "0",
        fold(fields.get("symbol") or ""),
        str(day.year) if day else "",
    ]
    return "|".join(parts)[:300]


def unit_key(name: str) -> str:
    """A name compared across spellings: capitals without marks, UBND for Ủy ban nhân dân."""
    text = " ".join(_NOT_WORD.sub(" ", fold(name or "")).split())
    text = re.sub(r"\bUY BAN NHAN DAN\b", "UBND", text)
    return re.sub(r"\bHOI DONG NHAN DAN\b", "HDND", text)


def issuer_unit(issuer: str | None, units: dict[str, object]) -> object | None:
    """The unit of the province that `issuer` names (units: unit_key(name) → unit)."""
    if not issuer:
        return None
    key = unit_key(issuer)
    if key in units:
        return units[key]
    for suffix in (" TINH", " THANH PHO"):  # "CỤC THUẾ TỈNH HÒA BÌNH XANH" ↔ "Cục Thuế tỉnh"
        for unit_name, unit in units.items():
            if unit_name.endswith(suffix) and key.startswith(unit_name + " "):
                return unit
    return None


# --- checks -------------------------------------------------------------------------------


@dataclass
class FileFacts:
    """What the checks know of one file."""

    file_id: int
    kind: str
    stage: str
    text_source: str
    fields: dict | None
    is_draft: bool
    signatures: list
    issuer_unit_id: int | None = None
    issuer_display: str | None = None
    same_number_elsewhere: bool = False
    same_number_name: str = ""  # the other file's name when it is in the same dossier
    same_file_other_unit: bool = False


@dataclass
class DossierFacts:
    year: int
    unit_id: int
    deadlines: dict = field(default_factory=dict)  # file stage → the dossier's deadline (date)


def file_own_warnings(facts: FileFacts) -> list[dict]:
    return file_warnings(
        kind=facts.kind,
        text_source=facts.text_source,
        document=facts.fields,
        is_draft=facts.is_draft,
        signatures=facts.signatures,
    )


def dossier_warnings(facts: FileFacts, dossier: DossierFacts) -> list[dict]:
    """The file against its dossier: dated after the deadline, the same number and symbol
    of the same issuer on a file with other content, the same file in another unit's."""
    out = []
    day = issued_on(facts.fields)
    deadline = dossier.deadlines.get(facts.stage)
    if day and deadline and day > deadline:
        out.append(warning("after_deadline", date=_vn(day), deadline=_vn(deadline)))
    if facts.same_number_elsewhere and facts.fields:
        reference = "/".join(
            p for p in (facts.fields.get("number"), facts.fields.get("symbol")) if p
        )
        where = f" ({facts.same_number_name})" if facts.same_number_name else ""
        out.append(
            warning(
                "same_number",
                reference=reference,
                issuer=facts.issuer_display or facts.fields.get("issuer") or "",
                where=where,
            )
        )
    if facts.same_file_other_unit:
        out.append(warning("same_file_other_unit"))
    return out


def criterion_warnings(
    facts: FileFacts, rules: EvidenceRules, *, code: str, dossier: DossierFacts
) -> list[dict]:
    """The file against what the criterion expects: its date window (the assessment year
    when it states none), the document types, the issuer."""
    fields = facts.fields
    if fields is None:
        return []
    out = []
    day = issued_on(fields)
    year = dossier.year
    if day is not None:
        if rules.has_date_rule:
            if rules.issued_by and day > rules.issued_by.resolve(year):
                limit = rules.issued_by.text(year)
                out.append(warning("issued_too_late", leaf=code, limit=limit, date=_vn(day)))
            if rules.issued_from and day < rules.issued_from.resolve(year):
                limit = rules.issued_from.text(year)
                out.append(warning("issued_too_early", leaf=code, limit=limit, date=_vn(day)))
        elif day.year != year:
            out.append(warning("outside_year", date=_vn(day), year=year))
    doc_type = fields.get("doc_type")
    if rules.doc_types and doc_type and fold(doc_type) not in {fold(t) for t in rules.doc_types}:
        out.append(
            warning(
                "wrong_type",
                leaf=code,
                expected=" hoặc ".join(t.lower() for t in rules.doc_types),
                doc_type=doc_type.lower(),
            )
        )
    issuer = facts.issuer_display or fields.get("issuer")
    if rules.own_issuer is True:
        if issuer and facts.issuer_unit_id != dossier.unit_id:
            out.append(warning("not_own_issuer", leaf=code, issuer=issuer))
    elif rules.own_issuer is None:
        if facts.issuer_unit_id is not None and facts.issuer_unit_id != dossier.unit_id:
            out.append(warning("other_unit_issuer", issuer=issuer))
    return out


def _vn(day: date) -> str:
    return day.strftime("%d/%m/%Y")
