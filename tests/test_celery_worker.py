"""The index job on a real Celery worker over Redis (runs where CELERY_BROKER_URL is set).

The worker is a separate process started here, pointed at the test database, so it sees only
committed data (hence transactional_db) — the same situation as in production.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from parindex.celery import app as celery_app
from scoring.enums import Phase, Stage
from scoring.models import Result
from tests import factories as f

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [pytest.mark.celery_worker]


def _require_broker_and_postgres():
    broker = os.environ.get("CELERY_BROKER_URL")
    if not broker:
        if os.environ.get("REQUIRE_SERVICES"):
            pytest.fail("REQUIRE_SERVICES is set but CELERY_BROKER_URL is not")
        pytest.skip("CELERY_BROKER_URL not set: the real-worker test runs in CI against Redis")
    if connection.vendor != "postgresql":
        pytest.skip("a worker process cannot share SQLite's in-memory test database")
    return broker


@pytest.fixture
def worker():
    broker = _require_broker_and_postgres()
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": broker,
        "DJANGO_SETTINGS_MODULE": "parindex.settings",
    }
    celery_app.control.purge()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "parindex",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"ci-test-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"worker exited: {process.stdout.read()}")
            if celery_app.control.ping(timeout=1):
                break
        else:
            pytest.fail("the Celery worker did not answer within 60 s")
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.mark.django_db(transaction=True)
def test_index_job_runs_on_a_real_worker_and_is_idempotent(worker):
    from scoring.tasks import results_compute_task

    celery_app.conf.task_always_eager = False
    group = f.make_group("so")
    period = f.make_period(2025, Phase.ROUND2, groups=[group])
    nodes = f.make_small_tree(period, [group])
    for value in ["2", "1"]:
        unit = f.make_unit(group)
        assessment = f.make_assessment(period, unit)
        f.set_score(assessment, nodes["1.1"], value)
        f.set_score(assessment, nodes["1.2"], "2")

    first = results_compute_task.delay(period.id, Stage.FINAL).get(timeout=60)
    second = results_compute_task.delay(period.id, Stage.FINAL).get(timeout=60)

    assert first == second and len(first) == 64
    results = Result.objects.filter(period=period, stage=Stage.FINAL).order_by("rank_in_group")
    assert [r.rank_in_group for r in results] == [1, 2]
    assert [str(r.appraised_score) for r in results] == ["4.00", "3.00"]
