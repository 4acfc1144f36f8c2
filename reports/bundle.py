"""A unit's dossier bundle: one ZIP streamed to the browser, memory flat in the number and
size of its files.

Inside: `00-muc-luc.xlsx` (the index sheet: every file with its number, date and issuer),
`01-diem-cac-vong.csv` (the scores at every stage the requester may see), `02-nhan-xet.csv`
(the appraisal comments visible to the unit, and its supplements), `03-nhat-ky.csv` (the
audit trail of its items) and `tai-lieu/…` (the evidence files, copied 64 KiB at a time).
The ZIP is written to a sink the generator empties after every chunk, so at most one chunk
is held in memory whatever the bundle's size.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from appraisal.selectors import assessment_audit, supplements_of
from evidence.models import EvidenceFile
from evidence.selectors import evidence_criterion_codes, evidence_document_fields
from parindex.spreadsheets import workbook_print_setup
from parindex.tabular_safe import csv_writer, xlsx_value
from scoring import engine
from scoring.enums import Stage
from scoring.models import Assessment, Criterion, CriterionMax, LeafScore
from scoring.rules import visible_stages
from units.enums import UNIT_ROLES
from units.models import Role

CHUNK = 64 * 1024
STAGE_COLUMNS = {
    Stage.SELF: gettext_lazy("Tự đánh giá"),
    Stage.ROUND1: gettext_lazy("Thẩm định lần 1"),
    Stage.FINAL: gettext_lazy("Thẩm định lần 2 (chính thức)"),
}


@dataclass(frozen=True)
class DocumentFacts:
    """What an evidence file is, as an administrative document: number and symbol, date,
    issuer — and where these came from."""

    number: str
    date: str
    issuer: str
    source: str


def evidence_document_facts(files: Iterable, *, unit) -> dict[int, DocumentFacts]:
    """Number and symbol, date and issuer of each evidence file, as the evidence reading found
    them in the document (with people's corrections); for a file not read (yet), or that is
    no administrative document, the file's name stands for it, the upload date for its date,
    the unit for its issuer — and the source column says which."""
    files = list(files)
    read = evidence_document_fields(file_ids=[f.pk for f in files])
    out = {}
    for f in files:
        fields, corrected = read.get(f.pk, (None, False))
        if fields:
            number = "/".join(v for v in (fields.get("number"), fields.get("symbol")) if v)
            issued = fields.get("issued_on") or ""
            if len(issued) == 10:  # YYYY-MM-DD
                issued = f"{issued[8:10]}/{issued[5:7]}/{issued[0:4]}"
            out[f.pk] = DocumentFacts(
                number=number,
                date=issued,
                issuer=fields.get("issuer") or "",
                source=_("đọc từ văn bản, có chỉnh sửa của người dùng")
                if corrected
                else _("đọc từ văn bản"),
            )
        else:
            out[f.pk] = DocumentFacts(
                number="",
                date=f"{timezone.localtime(f.uploaded_at):%d/%m/%Y}",
                issuer=unit.name,
                source=_("tên tệp, ngày tải lên (không phải văn bản hành chính)")
                if f.pk in read
                else _("tên tệp, ngày tải lên (chưa đọc nội dung văn bản)"),
            )
    return out


class _Sink:
    """A write-only file for zipfile (no seek/tell: it writes data descriptors)."""

    def __init__(self):
        self._parts: list[bytes] = []

    def write(self, data) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def _csv(rows: Iterable[list]) -> bytes:
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\r\n")  # user text never becomes a formula
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _safe_name(name: str) -> str:
    name = re.sub(r"[\\/:*?\"<>|\x00-\x1f]+", "_", name).strip(" .") or "tep"
    return name[:120]


def _number(value):
    """A score as a number cell (2 decimals), or empty."""
    return None if value is None else engine.q2(value)


def _scores_csv(assessment: Assessment, stages: list[str]) -> tuple[bytes, bytes]:
    """The scores sheet (a row per applicable leaf, a column per visible stage) and the
    comments sheet (visible stages' comments, then the unit's supplements)."""
    maxima = dict(
        CriterionMax.objects.filter(
            criterion__period_id=assessment.period_id, group_id=assessment.group_id
        ).values_list("criterion_id", "max_score")
    )
    leaves = list(
        Criterion.objects.filter(period_id=assessment.period_id, is_leaf=True, pk__in=maxima)
        .order_by("order", "code")
        .only("id", "code", "name")
    )
    scores: dict[tuple[str, int], LeafScore] = {
        (s.stage, s.criterion_id): s
        for s in LeafScore.objects.filter(assessment=assessment, stage__in=stages).only(
            "stage", "criterion_id", "value", "explanation", "comment"
        )
    }
    header = [_("Mã"), _("Tiêu chí"), _("Điểm tối đa"), *[str(STAGE_COLUMNS[s]) for s in stages]]
    header.append(_("Giải trình của đơn vị"))
    rows, comments = [header], [[_("Vòng"), _("Mã"), _("Tiêu chí"), _("Nhận xét")]]
    for leaf in leaves:
        line = [leaf.code, leaf.name, _number(maxima[leaf.pk])]
        for stage in stages:
            score = scores.get((stage, leaf.pk))
            line.append(_number(score.value) if score else "")
        own = scores.get((Stage.SELF, leaf.pk))
        line.append(own.explanation if own else "")
        rows.append(line)
        for stage in stages:
            score = scores.get((stage, leaf.pk))
            if stage != Stage.SELF and score is not None and score.comment:
                comments.append([str(STAGE_COLUMNS[stage]), leaf.code, leaf.name, score.comment])
    for supplement in supplements_of(assessment=assessment):
        comments.append(
            [
                _("Giải trình bổ sung"),
                supplement.criterion.code,
                supplement.criterion.name,
                supplement.explanation,
            ]
        )
    return _csv(rows), _csv(comments)


def _audit_csv(assessment: Assessment, *, show_names: bool) -> bytes:
    """The dossier's audit rows; an agency sees who only for its own people."""
    own_people = set(
        Role.objects.filter(unit_id=assessment.unit_id, kind__in=UNIT_ROLES).values_list(
            "user_id", flat=True
        )
    )
    rows = [
        [
            _("Thời điểm"),
            _("Mã"),
            _("Vòng"),
            _("Thao tác"),
            _("Người thực hiện"),
            _("Giá trị cũ"),
            _("Giá trị mới"),
            _("Lý do"),
        ]
    ]
    for entry in assessment_audit(assessment=assessment):
        if entry.actor is None:
            who = ""
        elif show_names or entry.actor_id in own_people:
            who = str(entry.actor)
        else:
            who = _("Sở Nội vụ / Tổ giúp việc")
        rows.append(
            [
                f"{timezone.localtime(entry.at):%d/%m/%Y %H:%M}",
                entry.criterion.code if entry.criterion else "",
                entry.get_stage_display() if entry.stage else "",
                entry.get_action_display(),
                who,
                json.dumps(entry.old_value, ensure_ascii=False) if entry.old_value else "",
                json.dumps(entry.new_value, ensure_ascii=False) if entry.new_value else "",
                entry.reason,
            ]
        )
    return _csv(rows)


INDEX_HEADER = (
    gettext_lazy("STT"),
    gettext_lazy("Tệp trong gói"),
    gettext_lazy("Loại"),
    gettext_lazy("Tên tài liệu"),
    gettext_lazy("Số, ký hiệu"),
    gettext_lazy("Ngày"),
    gettext_lazy("Cơ quan ban hành"),
    gettext_lazy("Tiêu chí"),
    gettext_lazy("Dung lượng (byte)"),
    gettext_lazy("SHA-256"),
    gettext_lazy("Nguồn thông tin số, ngày, cơ quan ban hành"),
)
INDEX_WIDTHS = (5, 40, 18, 40, 16, 12, 30, 16, 14, 20, 30)


def _index_xlsx(title: str, rows: Iterable[list]) -> bytes:
    """The index sheet, written row by row (openpyxl's write-only mode keeps no cells)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Mục lục"))
    for position, width in enumerate(INDEX_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = width
    sheet.freeze_panes = "A3"
    workbook_print_setup(workbook, title=title)

    def bold(value, size=11):
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = Font(bold=True, size=size)
        return cell

    sheet.append([bold(title, 13)])
    sheet.append([bold(str(label)) for label in INDEX_HEADER])
    for row in rows:
        sheet.append([xlsx_value(WriteOnlyCell(sheet), value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _chunks(queryset, size: int = 200):
    """Model rows in lists of `size`, read with a server-side cursor (never all at once)."""
    batch = []
    for row in queryset.iterator(chunk_size=size):
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def bundle_filename(assessment: Assessment) -> str:
    return f"ho-so-{assessment.period.year}-{assessment.unit.code}.zip"


def _evidence_name(position: int, evidence_file) -> str:
    return f"tai-lieu/{position:03d}-{_safe_name(evidence_file.original_name)}"


def bundle_stream(*, actor, assessment: Assessment, show_names: bool) -> Iterator[bytes]:
    """The ZIP, chunk by chunk. The caller has checked reports.download_bundle.

    The evidence files are read from the database in batches and copied 64 KiB at a time;
    the index sheet, which lists them, is written last (its name sorts it first) from a second
    pass over the same files. What stays in memory per file is its id and the ZIP's own
    directory entry.
    """
    stages = visible_stages(actor, assessment)
    scores, comments = _scores_csv(assessment, stages)
    generated = [
        ("01-diem-cac-vong.csv", _("Bảng điểm các vòng"), scores),
        ("02-nhan-xet.csv", _("Nhận xét thẩm định, giải trình bổ sung"), comments),
        ("03-nhat-ky.csv", _("Nhật ký thay đổi"), _audit_csv(assessment, show_names=show_names)),
    ]
    files = (
        EvidenceFile.objects.filter(assessment=assessment, removed_at__isnull=True)
        .order_by("uploaded_at", "id")
        .only("id", "storage_key", "original_name", "size", "sha256", "uploaded_at")
    )
    sink = _Sink()
    streamed: list[int] = []
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, _label, content in generated:
            archive.writestr(name, content)
            yield sink.take()
        for batch in _chunks(files):
            for evidence_file in batch:
                streamed.append(evidence_file.pk)
                name = _evidence_name(len(streamed), evidence_file)
                moment = timezone.localtime(evidence_file.uploaded_at).timetuple()[:6]
                info = zipfile.ZipInfo(name, date_time=moment)
                info.compress_type = zipfile.ZIP_STORED  # PDF and images are compressed already
                with (
                    default_storage.open(evidence_file.storage_key, "rb") as source,
                    archive.open(info, mode="w", force_zip64=True) as target,
                ):
                    while chunk := source.read(CHUNK):
                        target.write(chunk)
                        yield sink.take()
                yield sink.take()
        title = _("Hồ sơ Chỉ số CCHC năm %(y)s — %(u)s") % {
            "y": assessment.period.year,
            "u": assessment.unit.name,
        }
        archive.writestr(
            "00-muc-luc.xlsx",
            _index_xlsx(title, _index_rows(generated, files.filter(pk__in=streamed), assessment)),
        )
        del streamed
        yield sink.take()
    yield sink.take()


def _index_rows(generated, files, assessment) -> Iterator[list]:
    """One row per file of the bundle: the generated sheets, then each evidence file with
    its number, date and issuer (evidence_document_facts) and the leaves it backs."""
    for position, (name, label, content) in enumerate(generated, start=1):
        yield [position, name, label, label, "", "", "", "", len(content), "", ""]
    position = 0
    for batch in _chunks(files):
        codes = evidence_criterion_codes(files=batch)
        facts = evidence_document_facts(batch, unit=assessment.unit)
        for evidence_file in batch:
            position += 1
            fact = facts.get(evidence_file.pk)
            yield [
                len(generated) + position,
                _evidence_name(position, evidence_file),
                _("Tài liệu kiểm chứng"),
                evidence_file.original_name,
                fact.number if fact else "",
                fact.date if fact else "",
                fact.issuer if fact else "",
                ", ".join(codes.get(evidence_file.pk, [])),
                evidence_file.size,
                evidence_file.sha256,
                fact.source if fact else "",
            ]
