"""The checks of a read file against its dossier and criterion: each a warning, never a
refusal. Real uploads of real documents, read by the task."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from evidence.selectors import evidence_cards
from tests.evidence import corpus as c

PLAN_2024 = c.DOCS["kh-stp-2024"]  # Sở Tư pháp's plan for 2025, issued 27/12/2024


def _doc(base: str, **changes) -> c.Doc:
    return c.Doc(**{**c.DOCS[base].__dict__, **changes})


def _codes(world, evidence_file, leaf=None) -> list[str]:
    cards = evidence_cards(actor=world.staff, assessment=world.assessment)
    card = cards.get(evidence_file.pk, leaf.pk if leaf else None)
    return [w["code"] for w in card.warnings]


@pytest.fixture
def up(reading_world, django_capture_on_commit_callbacks):
    def upload(content, name, leaf=None, **kw):
        return reading_world.upload(
            content, name, leaf, capture=django_capture_on_commit_callbacks, **kw
        )

    return upload


def test_plan_of_the_year_before_on_a_leaf_without_rules_is_outside_the_year(reading_world, up):
    w = reading_world
    evidence_file = up(PLAN_2024, "ke-hoach.pdf", w.free_leaf)
    assert _codes(w, evidence_file, w.free_leaf) == ["unsigned", "outside_year"]
    card = evidence_cards(actor=w.staff, assessment=w.assessment).get(
        evidence_file.pk, w.free_leaf.pk
    )
    assert card.summary == "Số 156/KH-STP · 27/12/2024 · Sở Tư pháp · không có chữ ký số"
    assert card.warning_texts[-1] == "Văn bản ban hành ngày 27/12/2024, ngoài năm đánh giá 2025."
    # The file on its own (no leaf): only the file's and the dossier's warnings.
    assert _codes(w, evidence_file) == ["unsigned"]


def test_plan_issued_in_the_window_the_criterion_states_is_fine(reading_world, up):
    w = reading_world
    evidence_file = up(PLAN_2024, "ke-hoach.pdf", w.plan_leaf)
    assert _codes(w, evidence_file, w.plan_leaf) == ["unsigned"]


def test_plan_issued_late_for_the_criterion(reading_world, up):
    w = reading_world
    late = _doc("kh-stp-2024", key="late", issued=date(2025, 1, 7), number="3")
    evidence_file = up(late, "ke-hoach.docx", w.plan_leaf)
    assert _codes(w, evidence_file, w.plan_leaf) == ["unsigned", "issued_too_late"]
    card = evidence_cards(actor=w.staff, assessment=w.assessment).get(
        evidence_file.pk, w.plan_leaf.pk
    )
    assert card.warning_texts[-1] == (
        "Tiêu chí 1.2 yêu cầu văn bản ban hành chậm nhất ngày 31/12/2024; "
        "văn bản ban hành ngày 07/01/2025."
    )


def test_plan_issued_too_early_for_the_criterion(reading_world, up):
    w = reading_world
    early = _doc("kh-stp-2024", key="early", issued=date(2023, 12, 20), number="90")
    evidence_file = up(early, "ke-hoach.docx", w.plan_leaf)
    assert "issued_too_early" in _codes(w, evidence_file, w.plan_leaf)


def test_wrong_type_and_another_units_document(reading_world, up):
    w = reading_world
    report = _doc(
        "bc-stp",
        key="bc-snv",
        issuer_lines=("SỞ NỘI VỤ",),
        symbol="BC-SNV",
        issued=date(2024, 12, 1),
    )
    evidence_file = up(report, "bao-cao.odt", w.plan_leaf)
    assert _codes(w, evidence_file, w.plan_leaf) == ["unsigned", "wrong_type", "not_own_issuer"]
    texts = (
        evidence_cards(actor=w.staff, assessment=w.assessment)
        .get(evidence_file.pk, w.plan_leaf.pk)
        .warning_texts
    )
    assert texts[1] == "Tiêu chí 1.2 cần kế hoạch; tệp này là báo cáo."
    assert texts[2] == (
        "Tiêu chí 1.2 cần văn bản do chính đơn vị ban hành; văn bản này do Sở Nội vụ ban hành."
    )
    # On a leaf without rules: another registered unit's document is still said.
    from evidence.services import evidence_link

    evidence_link(actor=w.staff, evidence_file=evidence_file, criterion=w.free_leaf)
    assert "other_unit_issuer" in _codes(w, evidence_file, w.free_leaf)


def test_draft_is_reported(reading_world, up):
    w = reading_world
    evidence_file = up(c.DOCS["kh-stp-draft"], "du-thao.pdf", w.free_leaf)
    codes = _codes(w, evidence_file, w.free_leaf)
    assert codes[:1] == ["draft"] and "no_number" not in codes
    card = evidence_cards(actor=w.staff, assessment=w.assessment).get(evidence_file.pk)
    assert card.summary == "Dự thảo …/KH-STP · Sở Tư pháp · không có chữ ký số"


def test_document_dated_after_the_dossier_deadline(reading_world, up):
    w = reading_world
    after = _doc("bc-stp", key="after", issued=date(2025, 12, 20))
    evidence_file = up(after, "bao-cao.pdf", w.free_leaf)
    assert _codes(w, evidence_file) == ["unsigned"]
    # The deadline was 15/12/2025 (the card is checked when shown, against the deadline now).
    type(w.period).objects.filter(pk=w.period.pk).update(
        self_assessment_deadline=datetime(2025, 12, 15, 17, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    )
    w.assessment = type(w.assessment).objects.select_related("period").get(pk=w.assessment.pk)
    assert _codes(w, evidence_file) == ["unsigned", "after_deadline"]


def test_same_number_on_two_files_with_different_content(reading_world, up):
    w = reading_world
    pdf = up(PLAN_2024, "ke-hoach.pdf", w.free_leaf)
    docx = up(PLAN_2024, "ke-hoach.docx", w.free_leaf)
    other = up(c.DOCS["bc-stp"], "bao-cao.pdf", w.free_leaf)
    assert "same_number" in _codes(w, pdf) and "same_number" in _codes(w, docx)
    assert "same_number" not in _codes(w, other)
    texts = evidence_cards(actor=w.staff, assessment=w.assessment).get(pdf.pk).warning_texts
    assert (
        "Số, ký hiệu 156/KH-STP của Sở Tư pháp trùng với một tệp khác có nội dung khác "
        "(ke-hoach.docx)." in texts
    )


def test_same_number_in_another_units_dossier_names_no_file(reading_world, up):
    w = reading_world
    mine = up(PLAN_2024, "ke-hoach.pdf", w.free_leaf)
    up(PLAN_2024, "kh.docx", w.free_leaf, actor=w.other_staff, assessment=w.other_assessment)
    texts = evidence_cards(actor=w.staff, assessment=w.assessment).get(mine.pk).warning_texts
    assert "Số, ký hiệu 156/KH-STP của Sở Tư pháp trùng với một tệp khác có nội dung khác." in texts


def test_same_file_in_two_units_dossiers(reading_world, up):
    w = reading_world
    mine = up(PLAN_2024, "ke-hoach.pdf", w.free_leaf)
    theirs = up(
        PLAN_2024, "cua-ho.pdf", w.free_leaf, actor=w.other_staff, assessment=w.other_assessment
    )
    assert "same_file_other_unit" in _codes(w, mine)
    assert "same_number" not in _codes(w, mine)  # the same content is one document
    other_cards = evidence_cards(actor=w.other_staff, assessment=w.other_assessment)
    assert "same_file_other_unit" in [x["code"] for x in other_cards.get(theirs.pk).warnings]


def test_correction_changes_the_checks(reading_world, up):
    from evidence.services import evidence_reading_correct

    w = reading_world
    evidence_file = up(PLAN_2024, "ke-hoach.pdf", w.free_leaf)
    assert "outside_year" in _codes(w, evidence_file, w.free_leaf)
    evidence_reading_correct(
        actor=w.staff, evidence_file=evidence_file, changes={"issued_on": "05/01/2025"}
    )
    assert "outside_year" not in _codes(w, evidence_file, w.free_leaf)


def test_signature_problems_are_warnings(reading_world, up, corpus, settings):
    w = reading_world
    settings.EVIDENCE_TRUST_ROOTS = str(corpus.roots)
    cases = {
        "signed-valid.pdf": [],
        "signed-twice.pdf": [],
        "signed-bytes-altered.pdf": ["signature_broken"],
        "signed-then-page-added.pdf": ["signature_modified"],
        "signed-untrusted.pdf": ["signature_untrusted"],
        "signed-expired.pdf": ["signature_expired"],
    }
    for name, expected in cases.items():
        data = corpus.by_name[name].path(corpus.folder).read_bytes()
        evidence_file = up(data, name, w.plan_leaf)
        codes = [
            x for x in _codes(w, evidence_file) if x.startswith("signature") or x == "unsigned"
        ]
        assert codes == expected, name
    card = evidence_cards(actor=w.staff, assessment=w.assessment)
    labels = {x.file.original_name: x.signature_label for x in card.all()}
    assert labels["signed-valid.pdf"] == "chữ ký số hợp lệ"
    assert labels["signed-twice.pdf"] == "2 chữ ký số hợp lệ"
    assert labels["signed-bytes-altered.pdf"] == "chữ ký số không còn nguyên vẹn"
    assert labels["signed-untrusted.pdf"] == "chữ ký số chưa hợp lệ"


def test_cards_query_count_does_not_grow_with_files(reading_world, up, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    w = reading_world
    up(PLAN_2024, "a.pdf", w.free_leaf)
    w.staff._par_roles = None
    with CaptureQueriesContext(connection) as one:
        evidence_cards(actor=w.staff, assessment=w.assessment)
    up(PLAN_2024, "b.docx", w.plan_leaf)
    up(c.DOCS["bc-stp"], "c.odt", w.free_leaf)
    w.staff._par_roles = None
    with django_assert_num_queries(len(one.captured_queries)):
        cards = evidence_cards(actor=w.staff, assessment=w.assessment)
    assert len(cards) == 3
