"""The official documents where people get them: who may have which document in which phase
(the same 404 for "not yours"), building in the background, numbering, the province's
details, the unit's dossier bundle, the report_document command, and the print set-up of
every workbook."""

from __future__ import annotations

import datetime as dt
import io
import tracemalloc
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from reports.enums import DocumentTarget, FileFormat, JobStatus, ReportKind
from reports.models import DocumentIssue, DocumentSettings, ReportFile
from reports.rules import BUNDLE
from reports.services import report_file_build
from scoring.enums import AssessmentStatus, Phase, Stage
from scoring.models import Assessment, LeafScore, Period
from tests.evidence.files import pdf_bytes
from tests.factories import RoleKind, make_user

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def login(client):
    def as_role(kind, unit=None, year=None):
        user = make_user(kind, unit=unit, year=year)
        client.force_login(user)
        return user

    return as_role


def _phase(period, phase):
    Period.objects.filter(pk=period.pk).update(phase=phase)
    period.refresh_from_db()


def _flag(year_data, code="SO-YT", leaf="1.2"):
    assessment = Assessment.objects.get(period=year_data["period"], unit__code=code)
    return LeafScore.objects.create(
        assessment=assessment,
        criterion=year_data["nodes"][leaf],
        stage=Stage.ROUND1,
        value=1,
        comment="Thiếu báo cáo quý IV",
        supplement_requested=True,
    )


# --- who may have which document, in which phase --------------------------------------------


PHASES = [Phase.ROUND1, Phase.ROUND1_CLOSED, Phase.SUPPLEMENT, Phase.COUNCIL, Phase.PUBLISHED]


@pytest.mark.parametrize("phase", PHASES)
def test_agency_gets_its_letter_from_the_supplement_phase_and_notice_once_published(
    published_year, phase
):
    period, unit, other = (
        published_year["period"],
        published_year["units"]["SO-YT"],
        published_year["units"]["SO-TP"],
    )
    _phase(period, phase)
    staff = make_user(RoleKind.AGENCY_STAFF, unit)
    may = lambda kind, target_unit=unit: staff.has_perm(  # noqa: E731 — a short local helper
        "reports.view_document", DocumentTarget(period, kind, target_unit)
    )
    letter_open = phase in (Phase.SUPPLEMENT, Phase.COUNCIL, Phase.PUBLISHED)
    published = phase == Phase.PUBLISHED
    assert may(ReportKind.SUPPLEMENT_REQUEST) is letter_open
    assert may(ReportKind.UNIT_NOTICE) is published
    assert may(ReportKind.YEAR_REPORT, None) is published
    assert may(ReportKind.DECISION, None) is published
    assert staff.has_perm("reports.download_bundle", DocumentTarget(period, BUNDLE, unit)) is (
        published
    )
    # never another unit's
    assert not may(ReportKind.SUPPLEMENT_REQUEST, other)
    assert not may(ReportKind.UNIT_NOTICE, other)
    assert not staff.has_perm("reports.download_bundle", DocumentTarget(period, BUNDLE, other))


@pytest.mark.parametrize("kind", [RoleKind.SECRETARIAT, RoleKind.LEADERSHIP, RoleKind.COUNCIL])
def test_province_staff_of_the_year_only(published_year, kind):
    period, unit = published_year["period"], published_year["units"]["SO-YT"]
    _phase(period, Phase.ROUND2)
    of_year = make_user(kind, year=2024)
    other_year = make_user(kind, year=2023)
    target = DocumentTarget(period, ReportKind.UNIT_NOTICE, unit)
    assert of_year.has_perm("reports.view_document", target)
    assert not other_year.has_perm("reports.view_document", target)
    assert of_year.has_perm("reports.issue_document", period) is (kind == RoleKind.SECRETARIAT)
    assert not other_year.has_perm("reports.issue_document", period)


def test_appraiser_gets_no_document_before_publication(published_year):
    period = published_year["period"]
    _phase(period, Phase.COUNCIL)
    appraiser = make_user(RoleKind.APPRAISER, published_year["units"]["SO-TP"], year=2024)
    assert not appraiser.has_perm(
        "reports.view_document", DocumentTarget(period, ReportKind.YEAR_REPORT)
    )


# --- the page, building, downloading ---------------------------------------------------------


def test_documents_page_for_the_secretariat_lists_every_unit(client, login, published_year):
    _flag(published_year)
    login(RoleKind.SECRETARIAT)
    response = client.get(reverse("reports:documents", args=[2024]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Báo cáo chỉ số và xếp hạng CCHC (văn bản)" in body
    assert body.count('action="/bao-cao/2024/don-vi/') == 2 * 6 + 2 * 1  # notices, 1 letter
    assert reverse("reports:unit_bundle", args=[2024, "SO-YT"]) in body
    assert "Cấp số, ngày văn bản" in body


def test_documents_page_for_an_agency_shows_its_own_unit_only(client, login, published_year):
    login(RoleKind.AGENCY_STAFF, published_year["units"]["SO-YT"])
    body = client.get(reverse("reports:documents", args=[2024])).content.decode()
    assert "Sở Y tế" in body and "Sở Tư pháp" not in body
    assert "Cấp số" not in body
    _phase(published_year["period"], Phase.ROUND2)
    assert client.get(reverse("reports:documents", args=[2024])).status_code == 404


def test_documents_page_queries_do_not_grow_with_units(
    client, login, published_year, django_assert_max_num_queries
):
    login(RoleKind.SECRETARIAT)
    url = reverse("reports:documents", args=[2024])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as six:
        client.get(url)
    Assessment.objects.filter(period=published_year["period"], unit__code="SO-TP").delete()
    from scoring.models import Result

    Result.objects.filter(period=published_year["period"], unit__code="SO-TP").delete()
    with CaptureQueriesContext(connection) as five:
        client.get(url)
    assert len(six) == len(five)


def test_build_notice_in_background_then_download_until_reopened(
    client, login, published_year, django_capture_on_commit_callbacks
):
    unit = published_year["units"]["SO-YT"]
    login(RoleKind.AGENCY_HEAD, unit)
    url = reverse("reports:unit_document_build", args=[2024, "SO-YT", ReportKind.UNIT_NOTICE])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"format": "docx"})
    report_file = ReportFile.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "reports:file", args=[report_file.pk]
    )
    assert (report_file.kind, report_file.params) == (ReportKind.UNIT_NOTICE, {"unit": "SO-YT"})
    report_file.refresh_from_db()
    assert report_file.status == JobStatus.DONE
    status = client.get(reverse("reports:file_status", args=[report_file.pk])).json()
    assert status["download_url"] == reverse("reports:file_download", args=[report_file.pk])
    download = client.get(status["download_url"])
    assert download.status_code == 200 and download["Content-Type"] == DOCX_TYPE
    content = b"".join(download.streaming_content)
    assert content[:2] == b"PK"
    from docx import Document

    assert "Kết quả Chỉ số cải cách hành chính năm 2024 của Sở Y tế" in "\n".join(
        p.text for p in Document(io.BytesIO(content)).paragraphs
    )
    # another unit's notice: refused like a missing page
    other = reverse("reports:unit_document_build", args=[2024, "SO-TP", ReportKind.UNIT_NOTICE])
    assert client.post(other, {"format": "docx"}).status_code == 404
    # the year reopened: the built file is no longer the unit's to download
    _phase(published_year["period"], Phase.ROUND2)
    assert client.get(reverse("reports:file_download", args=[report_file.pk])).status_code == 404
    assert client.post(url, {"format": "docx"}).status_code == 404
    assert ReportFile.objects.count() == 1


def test_build_refuses_unknown_format_and_kind(client, login, published_year):
    login(RoleKind.SECRETARIAT)
    assert (
        client.post(
            reverse("reports:document_build", args=[2024, ReportKind.YEAR_REPORT]),
            {"format": "xlsx"},
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("reports:document_build", args=[2024, ReportKind.UNIT_NOTICE])
        ).status_code
        == 404
    )
    assert ReportFile.objects.count() == 0


def test_report_file_build_of_a_document_twice_same_state(
    published_year, django_capture_on_commit_callbacks
):
    from reports.services import report_file_request

    with django_capture_on_commit_callbacks(execute=True):
        report_file = report_file_request(
            actor=None,
            kind=ReportKind.YEAR_REPORT,
            file_format=FileFormat.PDF,
            period=published_year["period"],
        )
    report_file.refresh_from_db()
    assert report_file.status == JobStatus.DONE
    with default_storage.open(report_file.file_key, "rb") as handle:
        assert handle.read(4) == b"%PDF"
    again = report_file_build(report_file_id=report_file.pk)
    assert (again.status, again.file_key) == (JobStatus.DONE, report_file.file_key)


# --- numbering -----------------------------------------------------------------------------


def test_issue_number_and_date_then_the_document_carries_them(
    client, login, published_year, django_capture_on_commit_callbacks
):
    secretariat = login(RoleKind.SECRETARIAT)
    url = reverse("reports:document_issue", args=[2024, ReportKind.YEAR_REPORT])
    response = client.post(url, {"report-number": "7", "report-issued_on": "2025-02-03"})
    assert response.status_code == 302
    issue = DocumentIssue.objects.get()
    assert (issue.number, issue.symbol, issue.issued_on, issue.issued_by) == (
        7,
        "BC-SNV",
        dt.date(2025, 2, 3),
        secretariat,
    )
    from reports.official.builders import official_document

    document = official_document(ReportKind.YEAR_REPORT, published_year["period"])
    assert document.header.number_line == "Số: 07/BC-SNV"
    assert document.header.place_date.endswith("ngày 03 tháng 02 năm 2025")
    assert not document.header.draft


def test_issue_refuses_a_number_taken_this_year_and_saves_nothing(client, login, published_year):
    login(RoleKind.SECRETARIAT)
    url = reverse("reports:document_issue", args=[2024, ReportKind.UNIT_NOTICE])

    def issue(code, number, day):
        data = {
            "unit_notice-unit": code,
            "unit_notice-number": number,
            "unit_notice-issued_on": day,
        }
        response = client.post(url, data, follow=True)
        return [str(m) for m in response.context["messages"]]

    assert issue("SO-YT", "3", "2025-02-03") == ["Đã cấp số cho 1 văn bản: 03/TB-SNV (03/02/2025)."]
    assert issue("SO-TP", "3", "2025-03-01") == [
        "Số 03/TB-SNV đã cấp cho văn bản khác trong năm 2025."
    ]
    assert DocumentIssue.objects.count() == 1
    # the same unit's notice renumbered keeps its own number free; a new year starts again
    assert issue("SO-YT", "3", "2025-02-04")[0].startswith("Đã cấp số")
    assert issue("SO-TP", "3", "2026-01-02")[0].startswith("Đã cấp số")
    assert DocumentIssue.objects.count() == 3


def test_issue_numbers_every_unit_in_order_and_refuses_a_clash(client, login, published_year):
    login(RoleKind.SECRETARIAT)
    url = reverse("reports:document_issue", args=[2024, ReportKind.UNIT_NOTICE])
    data = {
        "unit_notice-unit": "__all__",
        "unit_notice-number": "10",
        "unit_notice-issued_on": "2025-02-03",
    }
    assert client.post(url, data, follow=True).status_code == 200
    issues = list(DocumentIssue.objects.order_by("number"))
    assert [i.number for i in issues] == list(range(10, 16))
    assert len({i.unit_id for i in issues}) == 6
    # one unit renumbered onto another's number in the same year: refused, nothing saved
    taken = next(i for i in issues if i.unit.code == "SO-TP").number
    clash = {
        "unit_notice-unit": "SO-YT",
        "unit_notice-number": str(taken),
        "unit_notice-issued_on": "2025-05-05",
    }
    response = client.post(url, clash, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        f"Số {taken}/TB-SNV đã cấp cho văn bản khác trong năm 2025."
    ]
    assert DocumentIssue.objects.count() == 6


def test_issue_refused_to_everyone_but_the_secretariat(client, login, published_year):
    for kind in (RoleKind.COUNCIL, RoleKind.LEADERSHIP, RoleKind.APPRAISER):
        login(kind, published_year["units"]["SO-TP"] if kind == RoleKind.APPRAISER else None)
        url = reverse("reports:document_issue", args=[2024, ReportKind.YEAR_REPORT])
        response = client.post(url, {"report-number": "1", "report-issued_on": "2025-01-10"})
        assert response.status_code == 404
    login(RoleKind.AGENCY_HEAD, published_year["units"]["SO-YT"])
    assert client.post(url, {"report-number": "1"}).status_code == 404
    assert DocumentIssue.objects.count() == 0


def test_issue_bad_input_is_told_and_saves_nothing(client, login, published_year):
    login(RoleKind.SECRETARIAT)
    url = reverse("reports:document_issue", args=[2024, ReportKind.YEAR_REPORT])
    response = client.post(
        url, {"report-number": "0", "report-issued_on": "2023-12-01"}, follow=True
    )
    messages = [str(m) for m in response.context["messages"]]
    assert messages and DocumentIssue.objects.count() == 0
    response = client.post(
        url, {"report-number": "4", "report-issued_on": "2023-12-01"}, follow=True
    )
    assert "Ngày ban hành phải từ năm 2024 trở đi." in [
        str(m) for m in response.context["messages"]
    ]
    assert DocumentIssue.objects.count() == 0


# --- the province's details ------------------------------------------------------------------


def test_settings_saved_as_a_new_row_and_printed(client, login, published_year):
    secretariat = login(RoleKind.SECRETARIAT)
    url = reverse("reports:document_settings")
    page = client.get(url)
    assert page.status_code == 200
    data = {**page.context["form"].initial}
    data.pop("id", None)
    data.update(province_name="tỉnh Sông Lam", signer_name="Phan Văn Minh")
    data = {
        k: ("" if v is None else v) for k, v in data.items() if k not in ("saved_by", "saved_at")
    }
    assert client.post(url, data).status_code == 302
    client.post(url, {**data, "signer_name": "Hồ Thị Lan"})
    rows = list(DocumentSettings.objects.order_by("saved_at", "id"))
    assert [r.signer_name for r in rows] == ["Phan Văn Minh", "Hồ Thị Lan"]
    assert rows[-1].saved_by == secretariat
    from reports.official.builders import official_document

    document = official_document(ReportKind.YEAR_REPORT, published_year["period"])
    assert document.subject.endswith("trên địa bàn tỉnh Sông Lam")
    assert document.signer.name == "Hồ Thị Lan"
    # a blank required field: told, nothing saved
    response = client.post(url, {**data, "issuer_name": ""})
    assert response.status_code == 400
    assert DocumentSettings.objects.count() == 2


def test_settings_page_is_the_secretariats(client, login, published_year):
    for kind in (RoleKind.COUNCIL, RoleKind.LEADERSHIP):
        login(kind)
        assert client.get(reverse("reports:document_settings")).status_code == 404
    login(RoleKind.AGENCY_HEAD, published_year["units"]["SO-YT"])
    assert client.post(reverse("reports:document_settings"), {}).status_code == 404
    assert DocumentSettings.objects.count() == 0


# --- the unit's dossier bundle ----------------------------------------------------------------


def _upload(published_year, unit_code, names, padding: int = 0):
    from evidence.services import evidence_upload

    period = published_year["period"]
    assessment = Assessment.objects.get(period=period, unit__code=unit_code)
    _phase(period, Phase.SELF_ASSESSMENT)
    Assessment.objects.filter(pk=assessment.pk).update(status=AssessmentStatus.DRAFT)
    assessment.refresh_from_db()
    head = make_user(RoleKind.AGENCY_HEAD, assessment.unit)
    uploaded = [
        evidence_upload(
            actor=head,
            assessment=assessment,
            criterion=published_year["nodes"]["1.1"],
            uploaded_file=SimpleUploadedFile(name, pdf_bytes(name) + b"%" * padding),
        ).file
        for name in names
    ]
    Assessment.objects.filter(pk=assessment.pk).update(status=AssessmentStatus.SUBMITTED)
    _phase(period, Phase.PUBLISHED)
    return uploaded


def test_bundle_zip_holds_index_scores_comments_audit_and_evidence(client, login, published_year):
    files = _upload(published_year, "SO-YT", ["ke-hoach-cchc.pdf", "bao-cao-quy-3.pdf"])
    from appraisal.services import audit_record
    from evidence.enums import ReadingState
    from evidence.models import EvidenceReading, ReadingCorrection

    # The second file was read as a document, and a person corrected its number.
    reading, _ = EvidenceReading.objects.update_or_create(
        file=files[1],
        defaults={
            "state": ReadingState.DONE,
            "is_document": True,
            "fields": {"number": "27", "symbol": "BC-SYT", "issued_on": "2024-10-05"}
            | {"issuer": "SỞ Y TẾ"},
        },
    )
    ReadingCorrection.objects.create(
        reading=reading, field="number", old_value="27", value="28", corrected_by=None
    )

    assessment = files[0].assessment
    appraiser = make_user(RoleKind.APPRAISER, published_year["units"]["SO-TP"])
    audit_record(
        period=assessment.period,
        actor=appraiser,
        action="score",
        assessment=assessment,
        criterion=published_year["nodes"]["1.2"],
        stage=Stage.FINAL,
        old={"value": "2.00"},
        new={"value": "1.00"},
    )
    login(RoleKind.AGENCY_STAFF, assessment.unit)
    response = client.get(reverse("reports:unit_bundle", args=[2024, "SO-YT"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="ho-so-2024-SO-YT.zip"'
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = sorted(archive.namelist())
    assert archive.namelist()[-1] == "00-muc-luc.xlsx"  # written last, listed first
    assert names == [
        "00-muc-luc.xlsx",
        "01-diem-cac-vong.csv",
        "02-nhan-xet.csv",
        "03-nhat-ky.csv",
        "tai-lieu/001-ke-hoach-cchc.pdf",
        "tai-lieu/002-bao-cao-quy-3.pdf",
    ]
    assert archive.read("tai-lieu/001-ke-hoach-cchc.pdf") == pdf_bytes("ke-hoach-cchc.pdf")
    sheet = load_workbook(io.BytesIO(archive.read("00-muc-luc.xlsx"))).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [row[1] for row in rows] == names[1:]
    evidence_row = rows[3]
    assert evidence_row[3] == "ke-hoach-cchc.pdf"
    from django.utils import timezone

    assert evidence_row[5] == f"{timezone.localtime(files[0].uploaded_at):%d/%m/%Y}"
    assert evidence_row[6] == "Sở Y tế" and evidence_row[7] == "1.1"
    assert evidence_row[9] == files[0].sha256
    assert evidence_row[10] == "tên tệp, ngày tải lên (chưa đọc nội dung văn bản)"
    read_row = rows[4]  # the document's own number, date and issuer, with the correction
    assert read_row[3:7] == ("bao-cao-quy-3.pdf", "28/BC-SYT", "05/10/2024", "SỞ Y TẾ")
    assert read_row[10] == "đọc từ văn bản, có chỉnh sửa của người dùng"
    scores = archive.read("01-diem-cac-vong.csv").decode("utf-8-sig").splitlines()
    assert scores[0].split(",")[:6] == [
        "Mã",
        "Tiêu chí",
        "Điểm tối đa",
        "Tự đánh giá",
        "Thẩm định lần 1",
        "Thẩm định lần 2 (chính thức)",
    ]
    comments = archive.read("02-nhan-xet.csv").decode("utf-8-sig")
    assert "Báo cáo quý III nộp trễ hạn" in comments
    audit = archive.read("03-nhat-ky.csv").decode("utf-8-sig")
    assert "Sở Nội vụ / Tổ giúp việc" in audit and appraiser.username not in audit
    # another unit's bundle, and the own one once the year is reopened: refused
    assert client.get(reverse("reports:unit_bundle", args=[2024, "SO-TP"])).status_code == 404
    _phase(published_year["period"], Phase.ROUND2)
    assert client.get(reverse("reports:unit_bundle", args=[2024, "SO-YT"])).status_code == 404


def test_bundle_streams_with_memory_flat_in_the_number_of_files(published_year, settings):
    from reports.bundle import bundle_stream

    # 30 files of 200 KB: a bundle built in memory would hold 6 MB, a streamed one a chunk
    files = _upload(
        published_year, "SO-TP", [f"tai-lieu-{n:02d}.pdf" for n in range(30)], padding=200_000
    )
    assessment = files[0].assessment
    secretariat = make_user(RoleKind.SECRETARIAT)

    def peak(count: int) -> int:
        from evidence.models import EvidenceFile

        EvidenceFile.objects.filter(assessment=assessment).update(removed_at=None)
        keep = [f.pk for f in files[:count]]
        EvidenceFile.objects.filter(assessment=assessment).exclude(pk__in=keep).update(
            removed_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
        )
        tracemalloc.start()
        largest = 0
        for chunk in bundle_stream(actor=secretariat, assessment=assessment, show_names=True):
            largest = max(largest, len(chunk))
        _current, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert largest <= 256 * 1024
        return top

    peak(3)  # warm-up: first imports and caches are not the bundle's
    few, many = peak(3), peak(30)
    assert many < few * 1.5 + 256 * 1024


# --- the command -------------------------------------------------------------------------------


def test_command_writes_each_kind(published_year, tmp_path):
    _flag(published_year)
    out = {}
    for kind, unit in (
        ("report", None),
        ("decision", None),
        ("unit-notice", "SO-YT"),
        ("supplement-request", "SO-YT"),
    ):
        path = tmp_path / f"{kind}.docx"
        args = ["--year", "2024", "--kind", kind, "--out", str(path)]
        if unit:
            args += ["--unit", unit]
        call_command("report_document", *args, stdout=io.StringIO())
        out[kind] = path.read_bytes()
    assert all(content[:2] == b"PK" for content in out.values())  # Word when no format
    pdf = tmp_path / "bao-cao.pdf"
    call_command(
        "report_document",
        "--year=2024",
        "--kind=report",
        "--format=pdf",
        f"--out={pdf}",
        stdout=io.StringIO(),
    )
    assert pdf.read_bytes()[:4] == b"%PDF"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "2024", "--kind", "unit-notice"], "cần --unit"),
        (["--year", "2024", "--kind", "supplement-request", "--unit", "KHONG"], "Không có đơn vị"),
        (["--year", "2024", "--kind", "report", "--unit", "SO-YT"], "không dùng --unit"),
        (["--year", "1999", "--kind", "report"], "Không có kỳ đánh giá năm 1999"),
        (["--year", "2024", "--kind", "bien-ban"], "invalid choice"),
        (["--year", "2024", "--kind", "report", "--format", "xlsx"], "invalid choice"),
    ],
)
def test_command_refuses_bad_arguments(published_year, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("report_document", *args, "--out", str(tmp_path / "x.docx"))
    assert not (tmp_path / "x.docx").exists()


# --- XLSX print set-up ---------------------------------------------------------------------------


def _print_setup(content: bytes) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(content))
    return [
        (
            sheet.page_setup.orientation,
            str(sheet.page_setup.paperSize),
            sheet.page_setup.fitToWidth,
            sheet.page_setup.fitToHeight,
            sheet.sheet_properties.pageSetUpPr.fitToPage,
            sheet.print_title_rows,
            bool(sheet.oddHeader.center.text),
            sheet.oddFooter.center.text,
        )
        for sheet in workbook.worksheets
    ]


def test_every_workbook_prints_a4_landscape_fitted_with_titles(published_year):
    from reports.documents import province_document
    from reports.exports import document_xlsx
    from scoring.criteria_io import criteria_export

    report = _print_setup(
        document_xlsx(province_document(ReportKind.PUBLISHED, published_year["period"]))
    )
    assert len(report) == 6  # Bảng 1–5 and the charts' sheet
    for setup in report:
        assert setup[:5] == ("landscape", "9", 1, 0, True)
        assert setup[6] and setup[7] == "Trang &P / &N"
    assert [s[5] for s in report[:5]] == ["$1:$3"] * 5
    criteria = _print_setup(criteria_export(period=published_year["period"]))
    assert [s[:6] for s in criteria] == [("landscape", "9", 1, 0, True, "$1:$1")] * 2
