"""The API's one exception handler (scoring.api_errors): the domain's errors as answers.

The endpoints' own tests (test_api*.py) pin the answers end to end; here each mapping once.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from rest_framework.exceptions import NotAuthenticated

from scoring.api_errors import api_exception_handler
from scoring.engine import ScoringInputError
from scoring.services import DraftClosedError, StaleVersionError


def _answer(exc):
    response = api_exception_handler(exc, {})
    return response.status_code, response.data


def test_the_handler_is_the_apis():
    assert settings.REST_FRAMEWORK["EXCEPTION_HANDLER"] == (
        "scoring.api_errors.api_exception_handler"
    )


def test_refusal_and_missing_row_are_not_found():
    not_found = _answer(PermissionDenied())
    assert not_found[0] == 404 and set(not_found[1]) == {"detail"}
    assert _answer(ObjectDoesNotExist()) == not_found


def test_a_closed_draft_says_why_to_its_own_unit():
    assert _answer(DraftClosedError("Đã quá hạn tự đánh giá.")) == (
        400,
        {"error": "Đã quá hạn tự đánh giá."},
    )


def test_refused_input_is_400_with_every_message():
    assert _answer(ValidationError(["Thiếu nhận xét.", "Sai vòng."])) == (
        400,
        {"error": "Thiếu nhận xét. Sai vòng."},
    )
    assert _answer(ScoringInputError("Số không hợp lệ.")) == (400, {"error": "Số không hợp lệ."})


def test_stale_version_is_409_with_the_current_value():
    status, data = _answer(StaleVersionError(None))
    assert status == 409 and data["current"] is None and "phiên bản 0" in data["error"]


@pytest.mark.django_db
def test_stale_version_carries_the_stored_score():
    from scoring.models import LeafScore
    from tests.factories import make_assessment, make_group, make_period, make_small_tree, make_unit

    group = make_group()
    period = make_period(2024, groups=[group])
    nodes = make_small_tree(period, [group])
    leaf = next(n for n in nodes.values() if n.is_leaf)
    assessment = make_assessment(period, make_unit(group))
    score = LeafScore.objects.create(
        assessment=assessment, criterion=leaf, stage="self", inputs={"value": "1"}, version=3
    )
    status, data = _answer(StaleVersionError(score))
    assert status == 409 and data["current"]["version"] == 3


def test_everything_else_is_drfs_answer():
    assert _answer(NotAuthenticated())[0] in (401, 403)
    assert api_exception_handler(RuntimeError("x"), {}) is None  # a server error stays one
