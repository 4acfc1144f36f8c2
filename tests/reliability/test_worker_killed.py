"""A Celery worker SIGKILLed in the middle of the index job: the task is re-delivered to a new
worker (late acknowledgement, Redis visibility timeout) and the stored results are identical
to an uninterrupted run. Runs where CELERY_BROKER_URL is set and the database is PostgreSQL.
"""

import os
import signal
import socket
import time
import uuid

import psycopg2
import pytest
from celery.result import AsyncResult
from django.conf import settings
from django.db import connection

from parindex.celery import app as celery_app
from scoring.enums import Phase, Stage
from scoring.models import Result
from scoring.sealing import results_hash
from scoring.services import results_compute
from tests import factories as f
from tests.workers import worker_start, worker_stop

VISIBILITY_TIMEOUT = 3

pytestmark = [pytest.mark.celery_worker]


def _start(broker: str, name: str, queue: str):
    # Redelivery within seconds: a short visibility timeout, checked every second.
    return worker_start(
        broker=broker,
        name=name,
        queue=queue,
        env={
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        },
    )


def _raw_connection():
    db = settings.DATABASES["default"]
    return psycopg2.connect(
        dbname=db["NAME"],
        user=db["USER"],
        password=db["PASSWORD"] or None,
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
    )


def _lock_waiters(cursor, except_pid: int) -> list[int]:
    cursor.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock' AND pid <> %s",
        [except_pid],
    )
    return [pid for (pid,) in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_index_job_survives_a_worker_killed_mid_task():
    broker = os.environ.get("CELERY_BROKER_URL")
    if not broker:
        if os.environ.get("REQUIRE_SERVICES"):
            pytest.fail("REQUIRE_SERVICES is set but CELERY_BROKER_URL is not")
        pytest.skip("CELERY_BROKER_URL not set: the real-worker test runs in CI against Redis")
    if connection.vendor != "postgresql":
        pytest.skip("a worker process cannot share SQLite's in-memory test database")
    from scoring.tasks import results_compute_task

    celery_app.conf.task_always_eager = False
    group, other = f.make_group(), f.make_group()
    period = f.make_period(2025, Phase.ROUND2, groups=[group, other])
    nodes = f.make_small_tree(period, [group, other])
    for n in range(12):
        assessment = f.make_assessment(period, f.make_unit(group if n % 2 else other))
        f.set_score(assessment, nodes["1.1"], "2" if n % 3 else "0")
        f.set_score(assessment, nodes["1.2"], str(n % 3))
        f.set_score(assessment, nodes["2.1"], "0.25")
    uninterrupted = results_compute(period=period, stage=Stage.FINAL)
    Result.objects.filter(period=period).delete()
    connection.close()  # the worker must not wait on a lock of ours, only the blocker's

    celery_app.control.purge()
    tag = uuid.uuid4().hex[:6]
    # A queue of its own: messages other runs left unacknowledged cannot get in the way.
    queue = f"reliability-{tag}"
    first = _start(broker, f"killed-{tag}@{socket.gethostname()}", queue)
    second = None
    # The index job begins by locking the period row; a blocker holds that lock, so the job
    # is certainly in progress (received, unacknowledged) when its worker is killed.
    blocker = _raw_connection()
    blocker.cursor().execute("SELECT id FROM scoring_period WHERE id = %s FOR UPDATE", [period.pk])
    admin = _raw_connection()
    admin.autocommit = True
    try:
        sent = results_compute_task.apply_async((period.id, Stage.FINAL), queue=queue)
        with admin.cursor() as cursor:
            deadline = time.monotonic() + 30
            while not _lock_waiters(cursor, blocker.get_backend_pid()):
                assert time.monotonic() < deadline, "the worker never started the job"
                time.sleep(0.1)
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
            # The dead worker's backend would still wait on the lock: end it like the server
            # does when it notices the client is gone.
            for pid in _lock_waiters(cursor, blocker.get_backend_pid()):
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        blocker.rollback()
        assert not Result.objects.filter(period=period).exists()  # nothing half-stored

        second = _start(broker, f"restarted-{tag}@{socket.gethostname()}", queue)
        redelivered = AsyncResult(sent.id, app=celery_app).get(timeout=90)
    finally:
        blocker.close()
        admin.close()
        worker_stop(first)
        if second is not None:
            worker_stop(second)

    assert redelivered == uninterrupted
    assert results_hash(period=period, stage=Stage.FINAL) == uninterrupted
    assert Result.objects.filter(period=period, stage=Stage.FINAL).count() == 12
