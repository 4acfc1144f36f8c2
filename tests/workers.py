"""Real Celery workers for the tests that need one: a separate process on the test database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from parindex.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent


def test_database_url() -> str:
    """The PostgreSQL test database as a DATABASE_URL, for a process started by a test."""
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


def worker_start(
    *, broker: str, name: str, queue: str | None = None, env: dict | None = None
) -> subprocess.Popen:
    """Start `celery worker` (solo pool) named `name`; returns once it answers a ping."""
    command = [
        sys.executable, "-m", "celery", "-A", "parindex", "worker", "--pool=solo",
        "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat",
        "-n", name,
    ]  # fmt: skip
    if queue:
        command += ["-Q", queue]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": test_database_url(),
            "CELERY_BROKER_URL": broker,
            "DJANGO_SETTINGS_MODULE": "parindex.settings",
            **(env or {}),
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"worker {name} exited with {process.returncode}")
        if celery_app.control.ping(destination=[name], timeout=1):
            return process
    process.kill()
    pytest.fail(f"the Celery worker {name} did not answer within 60 s")


def worker_stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
