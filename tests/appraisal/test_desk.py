"""The appraiser's desk: the queue (progress, filters, what waits at the top, query counts at
10 and 200 items), keeping the unit's own score, done in bulk and its refusals, saving a
leaf without a reload, the next cross-check."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from appraisal import desk, progress, services
from appraisal.models import Assignment, CrossCheck, Supplement, WorkingNote
from evidence.enums import ReadingState
from evidence.models import EvidenceFile, EvidenceLink, EvidenceReading
from scoring.enums import AssessmentStatus, AuditAction, Phase, Stage
from scoring.models import AuditEntry, LeafScore, Period
from tests.evidence.files import pdf_bytes
from tests.factories import (
    RoleKind,
    make_assessment,
    make_assignment,
    make_group,
    make_period,
    make_small_tree,
    make_unit,
    make_user,
    set_score,
)

from .conftest import build_cycle

SELF = {
    "1.1": ("2", {"answer": True}),
    "1.2": ("2", {"level": "on_time"}),
    "2.1": ("1", {"value": "1"}),
    "2.2": ("2", {"numerator": "96", "denominator": "100"}),
    "2.3": ("2", {"sipas": "90"}),
    "2.4": ("1", {"count": "2"}),
}


def queue_url(year: int, **params) -> str:
    from urllib.parse import urlencode

    url = reverse("appraisal_queue", args=[year])
    return f"{url}?{urlencode(params)}" if params else url


# --- a year of many items, for the query counts -----------------------------------------------


def desk_year(units: int, *, phase: str = Phase.ROUND2):
    """`units` units × fields 1 and 2 given to one appraiser (2 items per unit), each dossier
    with its self, round-1 and final scores, a flagged leaf answered in the supplement
    window, an evidence file with a warning, a note and an open cross-check: every table
    the queue reads has rows for every item."""
    group = make_group("so")
    period = make_period(2024, phase, [group])
    nodes = make_small_tree(period, [group])
    home = make_unit(group, "HOME", "Sở Nội vụ")
    appraiser = make_user(RoleKind.APPRAISER, home, 2024, "tham_dinh", ["1", "2"])
    checker_home = make_unit(group, "CHK", "Sở Tài chính")
    make_user(RoleKind.APPRAISER, checker_home, 2024, "tham_dinh_2", ["1", "2"])
    make_user(RoleKind.SECRETARIAT, year=2024, username="thu_ky")
    add_units(period, appraiser, nodes, 0, units)
    return period, appraiser, nodes


def add_units(period, appraiser, nodes, start: int, count: int) -> int:
    """Units start … start + count − 1 of desk_year's shape; returns the appraiser's items."""
    secretariat = make_user(RoleKind.SECRETARIAT, year=period.year)
    scores = []
    for n in range(start, start + count):
        unit = make_unit(nodes["1.1"].maxima.first().group, f"U{n:03d}", f"Đơn vị {n:03d}")
        a = make_assessment(period, unit, status=AssessmentStatus.SUBMITTED, is_late=n % 3 == 0)
        for code, (value, inputs) in SELF.items():
            for stage in (Stage.SELF, Stage.ROUND1, Stage.FINAL):
                scores.append(
                    LeafScore(
                        assessment=a,
                        criterion=nodes[code],
                        stage=stage,
                        value=value,
                        inputs=inputs,
                        supplement_requested=stage == Stage.ROUND1 and code == "2.1",
                    )
                )
        for code in ("1", "2"):
            make_assignment(period, code, unit, appraiser)
        Supplement.objects.create(
            assessment=a, criterion=nodes["2.1"], explanation="Bổ sung báo cáo rà soát"
        )
        content = pdf_bytes(f"Ke hoach {n}")
        file = EvidenceFile.objects.create(
            assessment=a,
            storage_key=default_storage.save(f"evidence/2024/desk-{n}", ContentFile(content)),
            original_name="ke-hoach.pdf",
            kind="pdf",
            content_type="application/pdf",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            stage=Stage.SELF,
        )
        EvidenceLink.objects.create(file=file, criterion=nodes["1.1"])
        EvidenceReading.objects.create(
            file=file,
            state=ReadingState.DONE,
            text_source="text",
            is_document=True,
            fields={"number": f"{n}", "symbol": "KH-UBND", "issued_on": "2019-01-10"},
        )
        WorkingNote.objects.create(
            assessment=a, criterion=nodes["1.1"], stage=Stage.FINAL, author=secretariat
        )
        CrossCheck.objects.create(
            assessment=a,
            criterion=nodes["2.2"],
            stage=Stage.FINAL,
            requested_at=timezone.now(),
            checker=appraiser,
        )
    LeafScore.objects.bulk_create(scores)
    return Assignment.objects.filter(appraiser=appraiser).count()


def _queue_queries(client, user, year) -> tuple[int, str]:
    client.force_login(user)
    url = queue_url(year)
    client.get(url)  # the session and roles warmed
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(url)
    assert page.status_code == 200
    return len(ctx.captured_queries), page.content.decode()


def test_queue_queries_flat_at_10_and_200_items(client, db, django_assert_num_queries):
    period, appraiser, _nodes = desk_year(5)  # 10 items
    ten, page = _queue_queries(client, appraiser, period.year)
    assert page.count('class="queue-item') == 10
    assert 'id="count-supplements">5<' in page and 'id="count-cross-checks">5<' in page
    more = add_units(period, appraiser, _nodes, 5, 95)  # 200 items
    assert Assignment.objects.filter(appraiser=appraiser).count() == 200 == more
    client.force_login(appraiser)
    with django_assert_num_queries(ten):
        page = client.get(queue_url(period.year))
    text = page.content.decode()
    assert text.count('class="queue-item') == 200
    assert 'id="count-supplements">100<' in text and 'id="count-cross-checks">100<' in text


# --- what the queue counts --------------------------------------------------------------------


def test_queue_counts_warnings_notes_supplements_and_dossier_status(db):
    period, appraiser, nodes = desk_year(3)
    rows = {
        (r.unit.code, r.field.code): r for r in progress.queue_rows(actor=appraiser, period=period)
    }
    field1, field2 = rows[("U000", "1")], rows[("U000", "2")]
    assert field1.warnings >= 1 and field2.warnings == 0  # the file backs 1.1 (dated 2019)
    assert field1.notes == 1 and field2.notes == 0
    assert field2.supplements == 1 and field1.supplements == 0
    assert field1.leaves == 2 and field1.scored == 2 and field1.unscored == []
    assert field1.dossier_key == "late" and rows[("U001", "1")].dossier_key == "submitted"
    # The appraiser looks at the answered leaf in round 2: no longer waiting.
    services.appraisal_score_set(
        actor=appraiser,
        assessment=field2.assignment.unit.assessments.get(),
        criterion=nodes["2.1"],
        stage=Stage.FINAL,
        inputs={"value": "0,75"},
        comment="Bổ sung chưa đủ kết quả rà soát",
    )
    again = {
        (r.unit.code, r.field.code): r for r in progress.queue_rows(actor=appraiser, period=period)
    }
    assert again[("U000", "2")].supplements == 0 and again[("U000", "2")].reviewed == 1
    assert again[("U001", "2")].supplements == 1


def test_queue_counts_no_notes_of_ones_own_home_unit(db):
    cycle = build_cycle()
    WorkingNote.objects.create(
        assessment=cycle.assessment,
        criterion=cycle.nodes["1.1"],
        stage=Stage.ROUND1,
        author=cycle.secretariat,
    )
    (home_item,) = [
        r
        for r in progress.queue_rows(actor=cycle.home, period=cycle.period)
        if r.unit == cycle.unit
    ]
    assert home_item.notes == 0  # the member's own home unit: the group's notes are not theirs
    (row,) = progress.item_progress(
        period=cycle.period, assignments=Assignment.objects.filter(pk=cycle.field1_home.pk)
    ).rows
    assert row.notes == 1  # the secretariat's view counts it


def test_queue_filters_search_and_sort(client, db):
    cycle = build_cycle()
    other_group = make_group("xa", "Khối xã")
    commune = make_unit(other_group, "XA1", "UBND xã Hòa Lạc")
    make_assessment(cycle.period, commune)  # not submitted
    make_assignment(cycle.period, "1", commune, cycle.away)
    make_assignment(cycle.period, "2", cycle.other, cycle.away)
    client.force_login(cycle.away)
    year = cycle.period.year

    def items(**params):
        page = client.get(queue_url(year, **params)).content.decode()
        return sorted(
            part.split('"')[0] for part in page.split('data-item="')[1:] if "queue-item" in part
        )

    assert items() == ["SOTC-2", "SOTP-2", "XA1-1"]
    assert items(**{"don-vi": "SOTP"}) == ["SOTP-2"]
    assert items(**{"linh-vuc": "2"}) == ["SOTC-2", "SOTP-2"]
    assert items(khoi="xa") == ["XA1-1"]
    assert items(**{"ho-so": "not_submitted"}) == ["XA1-1"]
    assert items(q="hòa lạc") == ["XA1-1"]
    assert items(q="tài chính") == ["SOTC-2"]
    # (No leaf of the tree applies to the commune's group: nothing to score there.)
    assert items(**{"trang-thai": "unscored"}) == ["SOTC-2", "SOTP-2"]
    assert items(**{"trang-thai": "done"}) == []
    services.appraisal_score_set(
        actor=cycle.away,
        assessment=cycle.assessment,
        criterion=cycle.nodes["2.1"],
        stage=Stage.ROUND1,
        inputs={"value": "1"},
    )
    desk.items_complete(
        actor=cycle.away,
        period=cycle.period,
        assignment_ids=[cycle.field2_home.pk],
        reason="Các tiêu chí còn lại đơn vị không có số liệu",
    )
    assert items(**{"trang-thai": "done"}) == ["SOTP-2"]
    assert items(**{"trang-thai": "open"}) == ["SOTC-2", "XA1-1"]
    # Sorted by progress: the least done unit first (the done one last).
    page = client.get(queue_url(year, **{"sap-xep": "progress"})).content.decode()
    order = [part.split('"')[0] for part in page.split('data-unit="')[1:]]
    assert order[-1] == "SOTP"
    page = client.get(queue_url(year, **{"sap-xep": "name"})).content.decode()
    assert [part.split('"')[0] for part in page.split('data-unit="')[1:]] == [
        "SOTC",
        "SOTP",
        "XA1",
    ]


# --- keeping the unit's own score ------------------------------------------------------------


@pytest.fixture
def round1(db):
    cycle = build_cycle(Phase.SELF_ASSESSMENT)
    set_score(
        cycle.assessment, cycle.nodes["1.2"], "2", stage=Stage.SELF, inputs={"level": "on_time"}
    )
    services.phase_move(actor=cycle.secretariat, period=cycle.period, to_phase=Phase.ROUND1)
    cycle.period.refresh_from_db()
    cycle.assessment.refresh_from_db()
    return cycle


def _round1(cycle, code):
    return LeafScore.objects.get(
        assessment=cycle.assessment, criterion=cycle.nodes[code], stage=Stage.ROUND1
    )


def test_keep_unchanged_accepts_each_unchanged_leaf_once(round1):
    c = round1
    away = c.away  # field 2 of SOTP: 2.1 prefilled from the unit's own
    outcome = desk.self_scores_keep_unchanged(
        actor=away, assessment=c.assessment, field_node=c.nodes["2"], stage=Stage.ROUND1
    )
    assert outcome.kept == ["2.1"]
    assert outcome.unscored == ["2.2", "2.3", "2.4"]  # the unit gave them no score
    accepted = AuditEntry.objects.filter(action=AuditAction.ACCEPT)
    assert [(e.criterion.code, e.actor, e.new_value["value"]) for e in accepted] == [
        ("2.1", away, "1.00")
    ]
    assert _round1(c, "2.1").updated_by == away
    again = desk.self_scores_keep_unchanged(
        actor=away, assessment=c.assessment, field_node=c.nodes["2"], stage=Stage.ROUND1
    )
    assert again.kept == [] and again.already == ["2.1"]
    assert AuditEntry.objects.filter(action=AuditAction.ACCEPT).count() == 1


def test_keep_unchanged_leaves_a_changed_leaf_alone(round1):
    c = round1
    services.appraisal_score_set(
        actor=c.home,
        assessment=c.assessment,
        criterion=c.nodes["1.2"],
        stage=Stage.ROUND1,
        inputs={"level": "late"},
        comment="Báo cáo quý III trễ hạn",
    )
    outcome = desk.self_scores_keep_unchanged(
        actor=c.home, assessment=c.assessment, field_node=c.nodes["1"], stage=Stage.ROUND1
    )
    assert outcome.kept == ["1.1"] and outcome.changed == ["1.2"]
    assert _round1(c, "1.2").value == 1  # still the appraiser's
    # The member's own home unit: the kept value waits for a cross-check like any other.
    assert _round1(c, "1.1").provisional
    assert CrossCheck.objects.filter(criterion=c.nodes["1.1"], checker=c.away).exists()


def test_keep_one_leaf_back_to_the_units_score(round1):
    c = round1
    services.appraisal_score_set(
        actor=c.home,
        assessment=c.assessment,
        criterion=c.nodes["1.2"],
        stage=Stage.ROUND1,
        inputs={"level": "late"},
        comment="Trễ hạn",
    )
    version = _round1(c, "1.2").version
    with pytest.raises(services.StaleVersionError):
        desk.self_score_keep(
            actor=c.home,
            assessment=c.assessment,
            criterion=c.nodes["1.2"],
            stage=Stage.ROUND1,
            expected_version=version - 1,
        )
    kept = desk.self_score_keep(
        actor=c.home,
        assessment=c.assessment,
        criterion=c.nodes["1.2"],
        stage=Stage.ROUND1,
        expected_version=version,
    )
    assert kept.value == 2 and kept.inputs == {"level": "on_time"}
    entry = AuditEntry.objects.filter(action=AuditAction.ACCEPT).get()
    assert entry.old_value["value"] == "1.00" and entry.new_value["value"] == "2.00"


def test_keep_refused_without_a_self_score_and_for_others(round1):
    c = round1
    with pytest.raises(ValidationError) as refused:
        desk.self_score_keep(
            actor=c.away, assessment=c.assessment, criterion=c.nodes["2.2"], stage=Stage.ROUND1
        )
    assert "chưa tự chấm tiêu chí 2.2" in refused.value.messages[0]
    with pytest.raises(PermissionDenied):  # field 1 is not the away member's
        desk.self_score_keep(
            actor=c.away, assessment=c.assessment, criterion=c.nodes["1.1"], stage=Stage.ROUND1
        )
    with pytest.raises(PermissionDenied):
        desk.self_scores_keep_unchanged(
            actor=c.staff, assessment=c.assessment, field_node=c.nodes["1"], stage=Stage.ROUND1
        )
    assert not AuditEntry.objects.filter(action=AuditAction.ACCEPT).exists()


# --- done, one or several -------------------------------------------------------------------


def test_done_in_bulk_refuses_unscored_with_the_list_then_takes_a_reason(round1, client):
    c = round1
    theirs = [c.field1_home.pk, c.field1_other.pk]  # SOTP × 1 scored; SOTC × 1: 1.2 not
    with pytest.raises(desk.UnscoredItemsError) as refused:
        desk.items_complete(actor=c.home, period=c.period, assignment_ids=theirs)
    assert [(a.unit.code, codes) for a, codes in refused.value.items] == [("SOTC", ["1.2"])]
    assert "SOTC × 1: 1.2" in refused.value.messages[0]
    assert not Assignment.objects.filter(round1_done_at__isnull=False).exists()  # none taken
    done = desk.items_complete(
        actor=c.home, period=c.period, assignment_ids=theirs, reason="Đơn vị không báo cáo"
    )
    assert all(a.round1_done_at for a in done)
    forced = AuditEntry.objects.get(action=AuditAction.ASSIGNMENT, new_value__unscored=["1.2"])
    assert forced.reason == "Đơn vị không báo cáo" and forced.new_value["unit"] == "SOTC"
    plain = AuditEntry.objects.get(action=AuditAction.ASSIGNMENT, new_value__unit="SOTP")
    assert plain.reason == "" and "unscored" not in plain.new_value
    # Again: already done, nothing new.
    desk.items_complete(actor=c.home, period=c.period, assignment_ids=theirs)
    assert AuditEntry.objects.filter(action=AuditAction.ASSIGNMENT).count() == 2


def test_done_in_bulk_refusals(round1):
    c = round1
    with pytest.raises(PermissionDenied):  # not theirs
        desk.items_complete(actor=c.away, period=c.period, assignment_ids=[c.field1_home.pk])
    with pytest.raises(ValidationError):
        desk.items_complete(actor=c.away, period=c.period, assignment_ids=[])
    Period.objects.filter(pk=c.period.pk).update(phase=Phase.ROUND1_CLOSED)
    c.period.refresh_from_db()
    with pytest.raises(ValidationError) as closed:
        desk.items_complete(actor=c.away, period=c.period, assignment_ids=[c.field2_home.pk])
    assert "không có vòng thẩm định đang mở" in closed.value.messages[0]
    assert not Assignment.objects.filter(round1_done_at__isnull=False).exists()


def test_done_from_the_queue_page_asks_for_the_reason(round1, client):
    c = round1
    client.force_login(c.home)
    url = reverse("appraisal_queue_done", args=[c.period.year])
    ids = [str(c.field1_home.pk), str(c.field1_other.pk)]
    page = client.post(url, {"assignment": ids, "hang-doi": "don-vi=SOTC"})
    text = page.content.decode()
    assert page.status_code == 200 and 'id="unscored-confirm"' in text
    assert "SOTC × 1: 1.2" in text and text.count('name="assignment" value="') >= 2
    assert not Assignment.objects.filter(round1_done_at__isnull=False).exists()
    # A reason without the confirmation tick is not taken either.
    client.post(url, {"assignment": ids, "reason": "Không có số liệu"})
    assert not Assignment.objects.filter(round1_done_at__isnull=False).exists()
    answer = client.post(
        url,
        {"assignment": ids, "confirm": "on", "reason": "Không có số liệu", "hang-doi": "q=SOTC"},
    )
    assert answer.status_code == 302 and answer["Location"].endswith("/hang-doi/?q=SOTC")
    assert Assignment.objects.filter(round1_done_at__isnull=False).count() == 2


def test_field_page_done_form_lists_unscored(round1, client):
    c = round1
    client.force_login(c.away)
    page = client.get(reverse("appraisal_field", args=[c.assessment.pk, "2"])).content.decode()
    assert 'id="unscored"' in page and "2.2, 2.3, 2.4" in page
    done = reverse("appraisal_assignment_done", args=[c.field2_home.pk])
    client.post(done, {"next": "/"})
    c.field2_home.refresh_from_db()
    assert c.field2_home.round1_done_at is None
    answer = client.post(done, {"confirm": "on", "reason": "Không phát sinh", "next": "/"})
    assert answer["Location"] == "/"
    c.field2_home.refresh_from_db()
    assert c.field2_home.round1_done_at is not None


# --- an item's page ------------------------------------------------------------------------


def test_field_page_shows_guidance_method_and_neighbours(round1, client):
    c = round1
    c.nodes["1.1"].guidance = "Có kế hoạch ban hành trước 31/12: điểm tối đa"
    c.nodes["1.1"].save(update_fields=["guidance"])
    client.force_login(c.home)
    page = client.get(reverse("appraisal_field", args=[c.assessment.pk, "1"])).content.decode()
    assert "Có kế hoạch ban hành trước 31/12" in page and "Có / Không" in page
    assert 'id="keys"' in page and "<kbd>j</kbd>" in page
    # The member's items in the queue's order: SOTC × 1, then SOTP × 1.
    assert 'rel="prev"' in page and f"/ho-so/{c.other_assessment.pk}/linh-vuc/1/" in page
    assert 'rel="next"' not in page
    # Filtered to one unit, the item has no neighbour.
    page = client.get(
        reverse("appraisal_field", args=[c.assessment.pk, "1"]) + "?hang-doi=don-vi%3DSOTP"
    ).content.decode()
    assert 'rel="prev"' not in page and "/hang-doi/?don-vi=SOTP" in page


def test_leaf_saved_without_a_reload(round1, client):
    c = round1
    client.force_login(c.away)
    url = reverse("appraisal_leaf_save", args=[c.assessment.pk, c.nodes["2.1"].pk])
    htmx = {"HTTP_HX_REQUEST": "true"}
    saved = client.post(url, {"value": "0,5", "comment": "Thiếu kết quả", "version": "1"}, **htmx)
    text = saved.content.decode()
    assert saved.status_code == 200 and text.lstrip().startswith("<section")
    assert f'id="leaf-{c.nodes["2.1"].pk}"' in text and "2.1: đã lưu." in text
    assert 'class="leaf-saved"' in text and "0,50" in text
    refused = client.post(url, {"value": "0,75", "version": "2"}, **htmx)
    assert refused.status_code == 400 and "cần ghi nhận xét" in refused.content.decode()
    stale = client.post(url, {"value": "0,75", "comment": "Một phần", "version": "1"}, **htmx)
    body = stale.content.decode()
    assert stale.status_code == 409 and "Điểm hiện tại: 0,50" in body and "comment=Một phần" in body
    kept = client.post(url, {"action": "keep", "version": "2"}, **htmx)
    assert kept.status_code == 200 and "đã giữ điểm tự chấm (1,00)" in kept.content.decode()
    assert _round1(c, "2.1").value == 1


# --- the cross-check: the next one opens -----------------------------------------------------


def test_after_a_cross_check_decision_the_next_opens(round1, client):
    c = round1
    for code in ("1.1", "1.2"):  # kept by the member of the unit's own agency: checked
        desk.self_score_keep(
            actor=c.home, assessment=c.assessment, criterion=c.nodes[code], stage=Stage.ROUND1
        )
    first, second = CrossCheck.objects.order_by("requested_at", "id")
    client.force_login(c.away)
    version = _round1(c, first.criterion.code).version
    answer = client.post(
        reverse("appraisal_cross_check", args=[first.pk]),
        {"decision": "confirmed", "version": str(version)},
    )
    assert answer["Location"] == reverse("appraisal_cross_check", args=[second.pk])
    page = client.get(answer["Location"]).content.decode()
    assert "Mục tiếp theo" in page
    version = _round1(c, second.criterion.code).version
    last = client.post(
        reverse("appraisal_cross_check", args=[second.pk]),
        {"decision": "confirmed", "version": str(version)},
    )
    assert last["Location"] == reverse("appraisal_queue", args=[c.period.year])


def test_overdue_items_once_the_round_end_passed(db):
    cycle = build_cycle()
    Period.objects.filter(pk=cycle.period.pk).update(round1_end=timezone.now() - timedelta(hours=1))
    cycle.period.refresh_from_db()
    rows = progress.item_progress(
        period=cycle.period, assignments=Assignment.objects.filter(period=cycle.period)
    ).rows
    assert all(r.overdue for r in rows)
    later = progress.item_progress(
        period=cycle.period,
        assignments=Assignment.objects.filter(period=cycle.period),
        now=timezone.now() - timedelta(days=1),
    ).rows
    assert not any(r.overdue for r in later)


def test_supplement_answers_wait_from_the_window_to_round2_done(db):
    period, appraiser, nodes = desk_year(2, phase=Phase.SUPPLEMENT)
    waiting = progress.item_progress(
        period=period, assignments=Assignment.objects.filter(appraiser=appraiser), viewer=appraiser
    ).supplements
    assert [(s.unit.code, s.code) for s in waiting] == [("U000", "2.1"), ("U001", "2.1")]
    Period.objects.filter(pk=period.pk).update(phase=Phase.ROUND2)
    period.refresh_from_db()
    Assignment.objects.filter(unit__code="U001", field__code="2").update(
        final_done_at=timezone.now()
    )
    waiting = progress.item_progress(
        period=period, assignments=Assignment.objects.filter(appraiser=appraiser), viewer=appraiser
    ).supplements
    assert [(s.unit.code, s.code) for s in waiting] == [("U000", "2.1")]
    Period.objects.filter(pk=period.pk).update(phase=Phase.ROUND1)  # requests not sent yet
    period.refresh_from_db()
    assert not progress.item_progress(
        period=period, assignments=Assignment.objects.filter(appraiser=appraiser), viewer=appraiser
    ).supplements
