"""Hostile input: script in every free-text field rendered back, fuzzed import parsers and
number parsing, files whose name lies about their content."""

import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from evidence.services import evidence_upload
from scoring import engine, services, unit_changes
from scoring.enums import Phase, Stage
from scoring.models import Period
from scoring.results_io import HEADER, ResultsImportError, results_file_read, results_import
from tests import factories as f
from tests.evidence.files import pdf_bytes
from units.models import Group, Unit

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    'javascript:alert(1)//<a href="javascript:alert(1)">x</a>',
]
RAW_MARKERS = ["<script>alert(1)", "<img src=x onerror", "<svg onload", '<a href="javascript:']


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CLAMD_SOCKET = ""
    settings.CLAMD_HOST = ""


def _assert_no_raw(html: str, where: str):
    for marker in RAW_MARKERS:
        assert marker not in html, f"{where}: unescaped {marker!r}"


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS)
def test_script_in_free_text_is_escaped_on_every_page(client, payload):
    group = f.make_group(name=f"Khối {payload}")
    period = f.make_period(2024, Phase.SELF_ASSESSMENT, groups=[group])
    nodes = f.make_small_tree(period, [group])
    hostile_leaf = f.make_node(
        period,
        "1.3",
        f"Tiêu chí {payload}",
        nodes["1"],
        method="manual",
        params={"step": "0.25"},
        maxima={group: "1"},
    )
    unit = f.make_unit(group, name=f"Sở {payload}")
    assessment = f.make_assessment(period, unit)
    staff = f.make_user(f.RoleKind.AGENCY_STAFF, unit)
    services.self_score_set(
        actor=staff,
        assessment=assessment,
        criterion=nodes["2.1"],
        inputs={"value": "0.5"},
        explanation=f"Giải trình {payload}",
    )
    services.self_exemption_claim(
        actor=staff, assessment=assessment, criterion=nodes["2.4"], reason=f"Lý do {payload}"
    )
    evidence_upload(
        actor=staff,
        assessment=assessment,
        criterion=nodes["2.1"],
        uploaded_file=SimpleUploadedFile(f"{payload}.pdf", pdf_bytes()),
    )
    evidence_upload(
        actor=staff,
        assessment=assessment,
        criterion=hostile_leaf,
        uploaded_file=SimpleUploadedFile(f"a{payload}.pdf.exe", pdf_bytes("x")),
    )

    client.force_login(staff)
    pages = {
        "workspace": f"/ho-so/{assessment.id}/",
        "field 1": f"/ho-so/{assessment.id}/linh-vuc/1/",
        "field 2": f"/ho-so/{assessment.id}/linh-vuc/2/",
    }
    for where, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, where
        _assert_no_raw(response.content.decode(), where)
    field2 = client.get(pages["field 2"]).content.decode()
    assert escape(f"Giải trình {payload}") in field2  # shown, as text
    assert escape(f"Lý do {payload}") in field2
    # The autosave answer (htmx partial) echoes the explanation back.
    partial = client.post(
        f"/ho-so/{assessment.id}/tieu-chi/{nodes['2.1'].id}/luu/",
        {"value": "0.75", "explanation": f"Lần hai {payload}", "version": "1"},
        headers={"HX-Request": "true"},
    )
    assert partial.status_code == 200
    _assert_no_raw(partial.content.decode(), "leaf save partial")


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS)
def test_script_in_imported_unit_and_group_names_is_escaped_on_the_ranking(client, payload):
    rows = [
        {
            "group_code": "so",
            "group_name": f"Khối {payload}",
            "unit_code": f"X{n}",
            "unit_name": f"Sở {n} {payload}",
            "standard_score": "100",
            "appraised_score": str(80 + n),
            "index": str(80 + n),
            "band": "",
        }
        for n in range(3)
    ]
    results_import(year=2019, rows=rows)
    for url in ("/xep-hang/", "/xep-hang/2019/", "/api/v1/periods/2019/results/"):
        response = client.get(url)
        assert response.status_code in (200, 302), url
        if response.status_code == 200 and "json" not in response["Content-Type"]:
            _assert_no_raw(response.content.decode(), url)
    api = client.get("/api/v1/periods/2019/results/")
    if api.status_code == 200:
        assert api["Content-Type"].startswith("application/json")


# --- fuzzing the parsers -----------------------------------------------------------------

cell = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            "93,43%",
            "1e400",
            "NaN",
            "-0",
            "Infinity",
            "١٢٣",
            "9" * 40,
            "tốt",
            "KHÁ",
            "  yếu ",
            "0x10",
        ]
    ),
)


@pytest.mark.django_db
@pytest.mark.parametrize("huge", ["1e30", "9" * 40])
def test_results_import_huge_number_is_a_row_error(huge):
    row = {
        "group_code": "so",
        "group_name": "Khối sở",
        "unit_code": "A",
        "unit_name": "Sở A",
        "standard_score": "100",
        "appraised_score": "90",
        "index": huge,
        "band": "",
    }
    with pytest.raises(ResultsImportError):
        results_import(year=2018, rows=[row])


@hsettings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.fixed_dictionaries({key: cell for key in HEADER}), min_size=1, max_size=5))
@pytest.mark.django_db
def test_results_import_arbitrary_rows_raise_only_the_import_error(rows):
    from django.db import transaction

    try:
        with transaction.atomic():
            results_import(year=2018, rows=rows)
            transaction.set_rollback(True)
    except ResultsImportError as error:
        assert error.args  # every refusal carries its messages


@hsettings(max_examples=150, deadline=None)
@given(st.binary(max_size=400) | st.text(max_size=400).map(lambda t: t.encode("utf-8")))
def test_results_file_read_arbitrary_bytes_raise_only_the_import_error(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload"
        path.write_bytes(data)
        try:
            rows = results_file_read(path)
        except ResultsImportError:
            return
        assert isinstance(rows, list)


UNIT_CHANGE_CELL = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["A", "B", "A;B", "mean", "none", "so", "", ";", "A;A"]),
)


@hsettings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(
        st.fixed_dictionaries({key: UNIT_CHANGE_CELL for key in unit_changes.HEADER}),
        min_size=1,
        max_size=5,
    )
)
@pytest.mark.django_db
def test_unit_changes_import_arbitrary_rows_raise_only_the_import_error(rows):
    from django.db import transaction

    group = f.make_group("so") if not Group.objects.filter(code="so").exists() else None
    for code in ("A", "B"):
        if not Unit.objects.filter(code=code).exists():
            f.make_unit(group or Group.objects.get(code="so"), code)
    Period.objects.get_or_create(year=2025)
    try:
        with transaction.atomic():
            unit_changes.unit_changes_import(actor=None, year=2025, rows=rows)
            transaction.set_rollback(True)
    except unit_changes.UnitChangesError as error:
        assert error.errors  # every refusal carries its messages


@hsettings(max_examples=150, deadline=None)
@given(st.binary(max_size=400) | st.text(max_size=400).map(lambda t: t.encode("utf-8")))
def test_unit_changes_file_read_arbitrary_bytes_raise_only_the_import_error(data):
    try:
        rows = unit_changes.unit_changes_file_read(data)
    except unit_changes.UnitChangesError:
        return
    assert isinstance(rows, list)


@hsettings(max_examples=400, deadline=None)
@given(
    st.one_of(
        st.text(max_size=30),
        st.integers(),
        st.floats(allow_nan=True),
        st.none(),
        st.booleans(),
        st.lists(st.integers(), max_size=2),
        st.decimals(allow_nan=True, allow_infinity=True),
    )
)
def test_to_decimal_arbitrary_values_raise_only_the_scoring_input_error(value):
    try:
        result = engine.to_decimal(value, label="Điểm")
    except engine.ScoringInputError:
        return
    assert isinstance(result, Decimal) and result.is_finite()


@hsettings(max_examples=300, deadline=None)
@given(
    st.sampled_from(
        ["yes_no", "levels", "manual", "ratio", "survey", "count", "deduction", "bonus"]
    ),
    st.dictionaries(
        st.sampled_from(["answer", "level", "value", "numerator", "denominator", "sipas", "count"]),
        st.one_of(st.text(max_size=10), st.integers(), st.booleans()),
        max_size=3,
    ),
)
def test_leaf_points_arbitrary_inputs_raise_only_the_scoring_input_error(method, inputs):
    params = {
        "step": "0.25",
        "threshold": "95",
        "full_at": "90",
        "per_item": "0.5",
        "levels": [{"key": "on_time", "fraction": "1"}, {"key": "late", "fraction": "0.5"}],
    }
    try:
        points = engine.leaf_points(method, params, Decimal("2"), inputs)
    except engine.ScoringInputError:
        return
    assert isinstance(points, Decimal)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bao-cao.pdf.exe", b"MZ\x90\x00\x03\x00\x00\x00 an executable"),
        ("bao-cao.pdf", b"<html><script>alert(1)</script></html>"),
        ("hinh.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("../../../../etc/passwd.pdf", b"root:x:0:0:root:/root:/bin/bash\n"),
    ],
    ids=["exe-named-pdf-exe", "html-named-pdf", "svg-named-png", "traversal-text"],
)
def test_upload_whose_content_is_not_an_allowed_document_is_refused(name, content):
    group = f.make_group()
    period = f.make_period(2024, Phase.SELF_ASSESSMENT, groups=[group])
    nodes = f.make_small_tree(period, [group])
    unit = f.make_unit(group)
    assessment = f.make_assessment(period, unit)
    staff = f.make_user(f.RoleKind.AGENCY_STAFF, unit)
    with pytest.raises(ValidationError):
        evidence_upload(
            actor=staff,
            assessment=assessment,
            criterion=nodes["1.1"],
            uploaded_file=SimpleUploadedFile(name, content),
        )
    from evidence.models import EvidenceFile

    assert not EvidenceFile.objects.exists()
    assert Period.objects.get(pk=period.pk).phase == Phase.SELF_ASSESSMENT
    assert Stage.SELF


@pytest.mark.parametrize("method", ["manual", "bonus"])
def test_leaf_points_huge_value_is_a_scoring_input_error(method):
    with pytest.raises(engine.ScoringInputError):
        engine.leaf_points(method, {"step": "0.25"}, Decimal("2"), {"value": "1e30"})


def _postgres_only():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite stores NUL characters; PostgreSQL refuses them")


@pytest.mark.django_db
def test_results_import_nul_character_is_a_row_error():
    _postgres_only()
    row = {
        "group_code": "so",
        "group_name": "Khối sở",
        "unit_code": "A",
        "unit_name": "Sở\x00A",
        "standard_score": "100",
        "appraised_score": "90",
        "index": "90",
        "band": "",
    }
    with pytest.raises(ResultsImportError):
        results_import(year=2018, rows=[row])


@pytest.mark.django_db
def test_leaf_save_nul_character_in_explanation_is_not_a_server_error():
    _postgres_only()
    from django.test import Client

    group = f.make_group()
    period = f.make_period(2024, Phase.SELF_ASSESSMENT, groups=[group])
    nodes = f.make_small_tree(period, [group])
    unit = f.make_unit(group)
    assessment = f.make_assessment(period, unit)
    client = Client(raise_request_exception=False)
    client.force_login(f.make_user(f.RoleKind.AGENCY_STAFF, unit))
    response = client.post(
        f"/ho-so/{assessment.id}/tieu-chi/{nodes['2.1'].id}/luu/",
        {"value": "0.5", "explanation": "Giải\x00trình", "version": "0"},
    )
    assert response.status_code < 500


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["form", "json"])
def test_nul_character_in_form_or_json_body_is_refused_before_the_view(encoding):
    from django.test import Client

    group = f.make_group()
    period = f.make_period(2024, Phase.SELF_ASSESSMENT, groups=[group])
    nodes = f.make_small_tree(period, [group])
    unit = f.make_unit(group)
    assessment = f.make_assessment(period, unit)
    client = Client()
    client.force_login(f.make_user(f.RoleKind.AGENCY_STAFF, unit))
    if encoding == "form":
        response = client.post(
            f"/ho-so/{assessment.id}/tieu-chi/{nodes['2.1'].id}/luu/",
            "value=0.5&explanation=Gi%E1%BA%A3i%00tr%C3%ACnh&version=0",
            content_type="application/x-www-form-urlencoded",
        )
    else:
        response = client.put(
            f"/api/v1/assessments/{assessment.id}/scores/2.1/self/",
            '{"inputs": {"value": "0.5"}, "explanation": "Gi\\u0000i", "version": 0}',
            content_type="application/json",
        )
    assert response.status_code == 400
    assert "NUL" in response.json()["error"]
    assert not assessment.scores.exists()
