"""The self-assessment pages: workspace, field form, autosave, submit, withdraw."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from evidence.models import EvidenceFile, EvidenceLink
from scoring import services
from scoring.enums import AssessmentStatus, Method, Stage
from scoring.models import Exemption, LeafScore
from tests.factories import (
    RoleKind,
    make_assessment,
    make_group,
    make_node,
    make_period,
    make_small_tree,
    make_unit,
    make_user,
)

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Users are created per test; the production hasher would dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db, _fast_passwords):
    group = make_group()
    period = make_period(
        groups=[group], self_assessment_deadline=timezone.now() + timedelta(days=3)
    )
    nodes = make_small_tree(period, [group])
    unit = make_unit(group, name="Sở Tư pháp")
    other_unit = make_unit(group, name="Sở Xây dựng")
    return SimpleNamespace(
        period=period,
        nodes=nodes,
        assessment=make_assessment(period, unit),
        other_assessment=make_assessment(period, other_unit),
        staff=make_user(RoleKind.AGENCY_STAFF, unit),
        head=make_user(RoleKind.AGENCY_HEAD, unit),
        other_staff=make_user(RoleKind.AGENCY_STAFF, other_unit),
        other_head=make_user(RoleKind.AGENCY_HEAD, other_unit),
        appraiser=make_user(RoleKind.APPRAISER, unit, year=period.year, expertise=["1", "2"]),
        secretariat=make_user(RoleKind.SECRETARIAT),
    )


def urls(w, assessment=None):
    a = (assessment or w.assessment).id
    return {
        "workspace": reverse("workspace", args=[a]),
        "field_form": reverse("field_form", args=[a, "2"]),
        "submit": reverse("assessment_submit", args=[a]),
    }


def post_urls(w, assessment=None):
    a = (assessment or w.assessment).id
    return {
        "leaf_save": reverse("leaf_save", args=[a, w.nodes["2.1"].id]),
        "submit": reverse("assessment_submit", args=[a]),
        "withdraw": reverse("assessment_withdraw", args=[a]),
    }


def save_leaf(client, w, code, data, **extra):
    url = reverse("leaf_save", args=[w.assessment.id, w.nodes[code].id])
    return client.post(url, data, **HX, **extra)


def score_everything(w):
    for code, inputs in [
        ("1.1", {"answer": "true"}),
        ("1.2", {"level": "on_time"}),
        ("2.1", {"value": "1"}),
        ("2.2", {"numerator": "95", "denominator": "100"}),
        ("2.3", {"sipas": "90"}),
        ("2.4", {"count": "2"}),
    ]:
        services.self_score_set(
            actor=w.staff,
            assessment=w.assessment,
            criterion=w.nodes[code],
            inputs=inputs,
            explanation="Có hồ sơ lưu",
        )


# --- access ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff", "head"])
def test_pages_own_unit_ok(client, world, who):
    client.force_login(getattr(world, who))
    for name, url in urls(world).items():
        response = client.get(url)
        assert response.status_code == 200, name


@pytest.mark.parametrize("who", ["other_staff", "other_head", "appraiser", "secretariat"])
def test_pages_not_own_unit_404(client, world, who):
    client.force_login(getattr(world, who))
    for name, url in urls(world).items():
        assert client.get(url).status_code == 404, name
    for name, url in post_urls(world).items():
        response = client.post(url, {"value": "1", "confirm": "1"}, **HX)
        assert response.status_code == 404, name
    assert not LeafScore.objects.exists()
    world.assessment.refresh_from_db()
    assert world.assessment.status == AssessmentStatus.DRAFT


def test_pages_missing_assessment_404(client, world):
    client.force_login(world.staff)
    assert client.get(reverse("workspace", args=[999999])).status_code == 404
    assert client.get(reverse("field_form", args=[world.assessment.id, "9"])).status_code == 404
    url = reverse("leaf_save", args=[world.assessment.id, 999999])
    assert client.post(url, {"value": "1"}, **HX).status_code == 404


def test_pages_anonymous_redirected_to_login(client, world):
    login = reverse("login")
    for url in [*urls(world).values(), *post_urls(world).values()]:
        response = client.post(url) if url in post_urls(world).values() else client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(login)


def test_leaf_save_from_other_units_dossier_404(client, world):
    client.force_login(world.staff)
    url = reverse("leaf_save", args=[world.other_assessment.id, world.nodes["2.1"].id])
    assert client.post(url, {"value": "1"}, **HX).status_code == 404


# --- pages -------------------------------------------------------------------------------


def test_home_links_to_workspace(client, world):
    client.force_login(world.head)
    body = client.get(reverse("home")).content.decode()
    assert reverse("workspace", args=[world.assessment.id]) in body
    assert reverse("assessment_submit", args=[world.assessment.id]) in body


def test_workspace_shows_progress_and_running_total(client, world):
    client.force_login(world.staff)
    services.self_score_set(
        actor=world.staff,
        assessment=world.assessment,
        criterion=world.nodes["1.1"],
        inputs={"answer": "true"},
        explanation="",
    )
    body = client.get(urls(world)["workspace"]).content.decode()
    assert 'id="running-total"' in body
    assert "20,00%" in body  # 2 of 10 points
    assert "1/2" in body  # field 1: one of two leaves scored
    assert "Yếu" in body


def test_field_form_renders_inputs_per_method(client, world):
    client.force_login(world.staff)
    body = client.get(reverse("field_form", args=[world.assessment.id, "1"])).content.decode()
    assert 'type="radio" name="answer" value="true"' in body
    assert '<select name="level">' in body
    assert "Trễ hạn (1,00 điểm)" in body
    assert 'hx-trigger="change delay:600ms, input changed delay:800ms"' in body
    body = client.get(urls(world)["field_form"]).content.decode()
    for name in ("value", "numerator", "denominator", "sipas", "count"):
        assert f'name="{name}"' in body
    assert "htmx.min.js" in body and "workspace.js" in body
    assert 'id="evidence-' in body  # the evidence block under each leaf


# --- autosave ----------------------------------------------------------------------------


def test_leaf_save_returns_status_and_running_total(client, world):
    client.force_login(world.staff)
    response = save_leaf(
        client,
        world,
        "2.2",
        {
            "numerator": "90",
            "denominator": "100",
            "explanation": "Theo báo cáo TTHC",
            "version": "0",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="leaf-{}-status"'.format(world.nodes["2.2"].id) in body
    assert 'data-saved="1"' in body
    assert "Đã lưu (phiên bản 1)" in body
    assert 'id="running-total" class="card running-total" hx-swap-oob="true"' in body
    assert "18,90%" in body  # 1.89 of 10
    stored = LeafScore.objects.get(criterion=world.nodes["2.2"], stage=Stage.SELF)
    assert (stored.value, stored.explanation) == (Decimal("1.89"), "Theo báo cáo TTHC")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"value": "3"}, "Điểm 3,00 vượt quá điểm tối đa 1,00."),
        ({"value": "0,3"}, "Điểm phải chấm theo bước 0,25 điểm."),
        ({"value": "mười"}, "Điểm “mười” không phải là một số hợp lệ."),
    ],
)
def test_leaf_save_bad_input_message_and_nothing_saved(client, world, data, message):
    client.force_login(world.staff)
    response = save_leaf(client, world, "2.1", {**data, "explanation": "x", "version": "0"})
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert 'data-error="1"' in body
    assert not LeafScore.objects.exists()


def test_leaf_save_stale_version_message(client, world):
    client.force_login(world.staff)
    save_leaf(client, world, "2.1", {"value": "0.5", "version": "0"})
    save_leaf(client, world, "2.1", {"value": "0.75", "version": "1"})
    response = save_leaf(client, world, "2.1", {"value": "1", "version": "1"})
    body = response.content.decode()
    assert "vừa được thay đổi ở nơi khác (phiên bản 2)" in body
    assert 'name="version" value="1"' in body
    assert LeafScore.objects.get().value == Decimal("0.75")


def test_leaf_save_exemption_needs_reason(client, world):
    client.force_login(world.staff)
    response = save_leaf(client, world, "2.2", {"action": "exempt", "reason": ""})
    assert "Vui lòng nêu lý do đề nghị giảm trừ" in response.content.decode()
    assert response["HX-Retarget"] == f"#leaf-{world.nodes['2.2'].id}-status"
    assert not Exemption.objects.exists()


def test_leaf_save_exemption_redraws_row(client, world):
    client.force_login(world.staff)
    response = save_leaf(client, world, "2.2", {"action": "exempt", "reason": "Không có TTHC"})
    body = response.content.decode()
    assert f'id="leaf-{world.nodes["2.2"].id}"' in body
    assert "Rút đề nghị giảm trừ" in body
    assert Exemption.objects.get().stage == Stage.SELF
    response = save_leaf(client, world, "2.2", {"action": "unexempt"})
    assert not Exemption.objects.exists()


def test_leaf_save_without_htmx_redirects_to_form(client, world):
    client.force_login(world.staff)
    url = reverse("leaf_save", args=[world.assessment.id, world.nodes["2.1"].id])
    response = client.post(url, {"value": "0.5", "version": "0"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"/linh-vuc/2/#leaf-{world.nodes['2.1'].id}")


# --- submit / withdraw -------------------------------------------------------------------


def test_submit_page_lists_missing_leaves(client, world):
    client.force_login(world.head)
    body = client.get(urls(world)["submit"]).content.decode()
    assert 'id="missing-unscored"' in body
    assert f"#leaf-{world.nodes['2.3'].id}" in body
    assert 'name="confirm"' in body


def test_submit_page_staff_cannot_submit(client, world):
    score_everything(world)
    client.force_login(world.staff)
    body = client.get(urls(world)["submit"]).content.decode()
    assert 'name="confirm"' not in body
    assert client.post(urls(world)["submit"], {"confirm": "1"}).status_code == 403


def test_submit_post_incomplete_shows_message(client, world):
    client.force_login(world.head)
    response = client.post(urls(world)["submit"], {"confirm": "1"})
    assert response.status_code == 400
    assert "Các tiêu chí chưa chấm điểm: 1.1, 1.2" in response.content.decode()


def test_submit_then_read_only_then_withdraw(client, world):
    score_everything(world)
    client.force_login(world.head)
    response = client.post(urls(world)["submit"], {"confirm": "1"})
    assert response.status_code == 302
    world.assessment.refresh_from_db()
    assert world.assessment.status == AssessmentStatus.SUBMITTED

    body = client.get(urls(world)["field_form"]).content.decode()
    assert "hx-post" not in body.split('id="field-form"')[1].split("</section>")[0]
    assert "disabled" in body
    assert "Đã nộp" in body
    response = save_leaf(client, world, "2.1", {"value": "0.5", "version": "1"})
    assert "Hồ sơ không còn ở trạng thái được chỉnh sửa." in response.content.decode()
    assert LeafScore.objects.get(criterion=world.nodes["2.1"]).value == Decimal("1.00")

    body = client.get(urls(world)["workspace"]).content.decode()
    assert "Rút hồ sơ về để chỉnh sửa" in body
    response = client.post(post_urls(world)["withdraw"])
    assert response.status_code == 302
    world.assessment.refresh_from_db()
    assert world.assessment.status == AssessmentStatus.DRAFT


def test_withdraw_after_deadline_refused_with_message(client, world):
    score_everything(world)
    services.assessment_submit(actor=world.head, assessment=world.assessment, confirm=True)
    world.period.self_assessment_deadline = timezone.now() - timedelta(minutes=5)
    world.period.save()
    client.force_login(world.head)
    response = client.post(post_urls(world)["withdraw"], follow=True)
    assert "không thể rút hồ sơ về để sửa" in response.content.decode()
    world.assessment.refresh_from_db()
    assert world.assessment.status == AssessmentStatus.SUBMITTED


# --- query counts ------------------------------------------------------------------------


def _dossier_with_field_of(n_leaves: int):
    group = make_group()
    period = make_period(year=2000 + n_leaves, groups=[group])
    field = make_node(period, "1", "Lĩnh vực")
    criterion = make_node(period, "1.1", "Tiêu chí", field)
    unit = make_unit(group)
    assessment = make_assessment(period, unit)
    staff = make_user(RoleKind.AGENCY_STAFF, unit)
    methods = [Method.YES_NO, Method.MANUAL, Method.RATIO, Method.COUNT]
    for i in range(1, n_leaves + 1):
        method = methods[i % len(methods)]
        params = {"step": "0.25", "threshold": "95", "per_item": "0.5"}
        leaf = make_node(
            period,
            f"1.1.{i}",
            f"Tiêu chí thành phần {i}",
            criterion,
            method=method,
            params=params,
            maxima={group: "1"},
        )
        inputs = {
            Method.YES_NO: {"answer": "true"},
            Method.MANUAL: {"value": "0.5"},
            Method.RATIO: {"numerator": "9", "denominator": "10"},
            Method.COUNT: {"count": "1"},
        }[method]
        services.self_score_set(
            actor=staff,
            assessment=assessment,
            criterion=leaf,
            inputs=inputs,
            explanation="Giải trình",
        )
        digest = hashlib.sha256(f"{period.year}-{i}".encode()).hexdigest()
        file = EvidenceFile.objects.create(
            assessment=assessment,
            storage_key=f"q/{digest}",
            original_name=f"{i}.pdf",
            kind="pdf",
            content_type="application/pdf",
            size=10,
            sha256=digest,
        )
        EvidenceLink.objects.create(file=file, criterion=leaf)
    return staff, assessment


def _queries(client, user, url) -> int:
    client.force_login(user)
    client.get(url)  # warm caches (session, content types)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", ["workspace", "field_form"])
def test_pages_query_count_does_not_grow_with_leaves(
    client, db, _fast_passwords, django_assert_num_queries, page
):
    small_staff, small = _dossier_with_field_of(3)
    big_staff, big = _dossier_with_field_of(12)

    def url(assessment):
        args = [assessment.id] + (["1"] if page == "field_form" else [])
        return reverse(page, args=args)

    expected = _queries(client, small_staff, url(small))
    client.force_login(big_staff)
    client.get(url(big))
    with django_assert_num_queries(expected):
        response = client.get(url(big))
    assert response.status_code == 200
    body = response.content.decode()
    assert "1.1.12" in body or page == "workspace"
