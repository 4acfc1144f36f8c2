"""What a leaf expects of its evidence: its `params["evidence"]` in the criteria set.

    {"evidence": {"issued_from": "01/01/N", "issued_by": "31/12/N-1",
                  "doc_types": ["Kế hoạch"], "own_issuer": true}}

- `issued_from`, `issued_by`: the window the document's date must fall in, as `DD/MM/N`
  (N: the assessment year; `N-1` the year before, `N+1` the year after) or a fixed
  `DD/MM/YYYY`. Without either, a document is expected to be dated in the assessment year.
- `doc_types`: the document types that count (in words, as in `inspect_evidence`).
- `own_issuer`: true — the unit itself must be the issuer; false — any issuer (no "another
  unit" warning); absent — a warning only when another unit of the province is the issuer.

The spreadsheet carries them in its `params` column (scoring.criteria_io checks them with
`evidence_rules_errors` at import). Pure: no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from .reading.header import DOC_TYPES, fold

KEY = "evidence"
_DATE_RULE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(?:N\s*([+-]\s*\d)?|(\d{4}))\s*$", re.IGNORECASE)
_TYPES_BY_FOLD = {fold(name): name for name in DOC_TYPES.values()}


@dataclass(frozen=True)
class DateRule:
    day: int
    month: int
    offset: int | None  # years from the assessment year (N-1 → -1); None: a fixed year
    year: int | None

    def resolve(self, year: int) -> date:
        return date(self.year if self.offset is None else year + self.offset, self.month, self.day)

    def text(self, year: int) -> str:
        return self.resolve(year).strftime("%d/%m/%Y")


@dataclass(frozen=True)
class EvidenceRules:
    issued_from: DateRule | None = None
    issued_by: DateRule | None = None
    doc_types: tuple[str, ...] = ()
    own_issuer: bool | None = None

    @property
    def has_date_rule(self) -> bool:
        return self.issued_from is not None or self.issued_by is not None


def _date_rule(value) -> DateRule | None:
    if not isinstance(value, str):
        return None
    match = _DATE_RULE.match(value)
    if not match:
        return None
    day, month = int(match.group(1)), int(match.group(2))
    offset = int(match.group(3).replace(" ", "")) if match.group(3) else 0
    year = int(match.group(4)) if match.group(4) else None
    rule = DateRule(day, month, None if year else offset, year)
    try:
        rule.resolve(2024)  # a leap year: 29/02 is allowed
    except ValueError:
        return None
    return rule


def _doc_type(value) -> str | None:
    if not isinstance(value, str):
        return None
    return _TYPES_BY_FOLD.get(fold(value.strip().upper()))


def evidence_rules(params) -> EvidenceRules:
    """The rules of a leaf (lenient: what cannot be understood is left out)."""
    raw = params.get(KEY) if isinstance(params, dict) else None
    if not isinstance(raw, dict):
        return EvidenceRules()
    types = raw.get("doc_types") or []
    if isinstance(types, str):
        types = [types]
    own = raw.get("own_issuer")
    return EvidenceRules(
        issued_from=_date_rule(raw.get("issued_from")),
        issued_by=_date_rule(raw.get("issued_by")),
        doc_types=tuple(t for t in (_doc_type(v) for v in types) if t),
        own_issuer=own if isinstance(own, bool) else None,
    )


def evidence_rules_errors(params) -> list[str]:
    """Vietnamese messages for every part of `params["evidence"]` that cannot be used."""
    if not isinstance(params, dict) or KEY not in params:
        return []
    raw = params[KEY]
    if not isinstance(raw, dict):
        return [_('"evidence" phải là một đối tượng JSON, ví dụ {"issued_by": "31/12/N-1"}.')]
    errors = []
    known = {"issued_from", "issued_by", "doc_types", "own_issuer"}
    for key in sorted(set(raw) - known):
        errors.append(
            _("khóa “%(key)s” của evidence không dùng được (dùng: %(ok)s).")
            % {"key": key, "ok": ", ".join(sorted(known))}
        )
    for key in ("issued_from", "issued_by"):
        if key in raw and _date_rule(raw[key]) is None:
            errors.append(
                _("%(key)s “%(value)s” không phải ngày dạng DD/MM/N, DD/MM/N-1 hoặc DD/MM/YYYY.")
                % {"key": key, "value": raw[key]}
            )
    types = raw.get("doc_types", [])
    if isinstance(types, str):
        types = [types]
    if not isinstance(types, list):
        errors.append(_('doc_types phải là danh sách loại văn bản, ví dụ ["Kế hoạch"].'))
    else:
        for value in types:
            if _doc_type(value) is None:
                errors.append(
                    _("loại văn bản “%(value)s” không có trong danh mục (ví dụ: %(ok)s).")
                    % {"value": value, "ok": "Kế hoạch, Báo cáo, Quyết định, Công văn"}
                )
    if "own_issuer" in raw and not isinstance(raw["own_issuer"], bool):
        errors.append(_("own_issuer chỉ nhận true hoặc false."))
    return errors
