"""Schemathesis fuzzing of API v1 through the WSGI app: no input makes the server fail (5xx).

Authenticated as a secretariat user by token; a few examples per operation to stay fast.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from parindex.services import api_token_issue
from parindex.wsgi import application
from tests.factories import RoleKind, make_user

# The schema served by the app itself (generating it needs no database).
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@pytest.fixture
def secretariat_token(world):
    """A secretariat token; the WSGI app must not close the test's transaction.

    Like Django's test client, keep the connection open across the fuzzed requests (the
    request signals would otherwise close it, e.g. with CONN_MAX_AGE on PostgreSQL).
    """
    _token, key = api_token_issue(user=make_user(RoleKind.SECRETARIAT))
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield key
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=10, deadline=None, suppress_health_check=list(HealthCheck)
)  # the db fixture is shared on purpose
def test_api_no_server_error(case, secretariat_token):
    case.call_and_validate(
        headers={"Authorization": f"Token {secretariat_token}"}, checks=[not_a_server_error]
    )
