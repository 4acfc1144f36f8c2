"""The evidence-reading step of `make bench` (province scale): time to the card and memory.

- `reading_text_p95_s`: text-layer PDFs (1, 3 and 5 pages) and DOCX, stored and read by the
  tasks' own code (`evidence_reading_run`, in this process), 24 readings; target ≤ 1 s.
- `reading_scan1_p95_s`: a 1-page scan (image-only PDF at 200 dpi, turned 1–1.5°, and a
  JPEG), 10 readings: the first pass, then the OCR task; target ≤ 6 s.
- `reading_scan50_s`, `reading_scan50_peak_mb`: a 50-page scan read in a fresh process whose
  process tree (Python and its Tesseract children) is sampled every 25 ms; ≤ 15 s, ≤ 400 MB.
- `reading_upload_p95_ms`, `reading_files_per_min`: 20 users upload 100 files at once (70
  text PDF/DOCX, 30 one-page scans) to gunicorn three times: with reading off
  (`reading_upload_before_*`: the uploads as before this step), with reading on and no
  worker running (`reading_upload_alone_*`: the queueing alone), then while one Celery
  worker (one process by default, niced) reads them from Redis; the uploads answer before the reading (p95 ≤
  500 ms); the bench waits for the queue to drain and prints files read per minute and the
  time to the card under that load. Needs CELERY_BROKER_URL (Redis); without it this part
  is skipped, said so.

Files are made by the test corpus builder (tests/evidence/corpus.py), each one different
(its number), so none is a duplicate of another.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TEXT_RUNS = 24
SCAN_RUNS = 10
LOAD_USERS = 20
LOAD_FILES = 100
LOAD_SCANS = 30
# One reading process on this 2-core machine leaves a core to the pages (BENCH_READING_WORKERS)
WORKER_PROCESSES = int(os.environ.get("BENCH_READING_WORKERS", "1"))
READ_ONE = """
import json, os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings")
import django
django.setup()
from evidence.reading import read_document
started = time.perf_counter()
reading = read_document(sys.argv[1])
print(json.dumps({"seconds": time.perf_counter() - started, "pages": reading.pages,
                  "pages_read": [p + 1 for p in reading.pages_read],
                  "number": (reading.document.number if reading.document else None)}))
"""


def steps(scale: str) -> list:
    if scale != "province":
        return []
    return [("reading", measure_reading)]


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _corpus():
    sys.path.insert(0, str(ROOT))
    from tests.evidence import corpus

    return corpus


def _variant(c, key: str, number: int):
    return c.Doc(**{**c.DOCS[key].__dict__, "number": str(number), "key": f"{key}-{number}"})


def measure_reading(scale: str) -> dict:
    from evidence.reading import tesseract_problem

    problem = tesseract_problem()
    if problem:
        raise RuntimeError(f"OCR unavailable: {problem}")
    import logging

    for name in ("weasyprint", "fontTools", "evidence", "evidence.reading"):
        logging.getLogger(name).setLevel(logging.WARNING)
    out: dict = {}
    workdir = Path(tempfile.mkdtemp(prefix="parindex-bench-reading-"))
    try:
        out.update(_in_process(workdir))
        out.update(_scan50(workdir))
        if os.environ.get("CELERY_BROKER_URL"):
            out.update(_under_load(workdir))
        else:
            out["reading_load_skipped"] = "CELERY_BROKER_URL not set (needs Redis and a worker)"
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return out


# --- time to the card, one file at a time ----------------------------------------------


def _in_process(workdir: Path) -> dict:
    """Store files with the upload service, then time the task's work on each."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import override_settings

    from bench.measure_web import (
        _evidence_remove,
        _latest_period_in_self_assessment,
        _restore_phase,
        _staff_users,
        users_remove,
    )
    from evidence.models import EvidenceReading
    from evidence.services import evidence_reading_run, evidence_upload
    from parindex.celery import app as celery_app
    from scoring.models import Assessment, Criterion

    c = _corpus()
    users_remove()
    period, previous_phase = _latest_period_in_self_assessment()
    try:
        with override_settings(MEDIA_ROOT=str(workdir / "media"), EVIDENCE_READING=False):
            assessment = Assessment.objects.filter(period=period).select_related("unit").first()
            leaf = Criterion.objects.filter(period=period, is_leaf=True, kind="scored").first()
            (user,) = _staff_users([assessment.unit], prefix="reading")
            texts = []
            for index in range(TEXT_RUNS):
                pages = (1, 3, 5)[index % 3]
                doc = c.Doc(**{**c.long_doc(pages).__dict__, "number": str(1000 + index)})
                name, data = (
                    (f"kh-{index}.docx", c.doc_docx(doc))
                    if index % 4 == 3
                    else (f"kh-{index}.pdf", c.doc_pdf(doc))
                )
                texts.append((name, data))
            scans = []
            for index in range(SCAN_RUNS):
                doc = _variant(c, "kh-stp-2024", 2000 + index)
                page = c.render_pages(c.doc_pdf(doc), dpi=200)[0]
                image = c.scanned(page, angle=1.5 if index % 2 else -1.0, seed=index)
                if index % 2:
                    scans.append((f"scan-{index}.jpg", c.jpeg(image)))
                else:
                    scans.append((f"scan-{index}.pdf", c.image_pdf([image], dpi=200)))

            def timed(files):
                seconds, numbers = [], []
                for name, data in files:
                    stored = evidence_upload(
                        actor=user,
                        assessment=assessment,
                        criterion=leaf,
                        uploaded_file=SimpleUploadedFile(name, data),
                    ).file
                    started = time.perf_counter()
                    evidence_reading_run(file_id=stored.pk)
                    seconds.append(time.perf_counter() - started)
                    reading = EvidenceReading.objects.get(file=stored)
                    numbers.append((reading.fields or {}).get("number"))
                return seconds, numbers

            # The task chain in this process (read, then OCR for a scan), as a worker runs it.
            eager = celery_app.conf.task_always_eager
            celery_app.conf.task_always_eager = True
            try:
                text_s, text_numbers = timed(texts)
                scan_s, scan_numbers = timed(scans)
            finally:
                celery_app.conf.task_always_eager = eager
    finally:
        _evidence_remove(period)
        _restore_phase(period, previous_phase)
        users_remove()
    return {
        "reading_text_p95_s": round(_p95(text_s), 3),
        "reading_text_p50_s": round(statistics.median(text_s), 3),
        "reading_text_files": len(text_s),
        "reading_text_read": sum(1 for n in text_numbers if n),
        "reading_scan1_p95_s": round(_p95(scan_s), 2),
        "reading_scan1_p50_s": round(statistics.median(scan_s), 2),
        "reading_scan1_files": len(scan_s),
        "reading_scan1_read": sum(1 for n in scan_numbers if n),
    }


# --- a 50-page scan, in a process of its own ----------------------------------------------


def _scan50(workdir: Path) -> dict:
    import psutil

    c = _corpus()
    pdf = c.doc_pdf(c.long_doc(50))
    pages = c.render_pages(pdf, dpi=200)
    path = workdir / "ke-hoach-50-trang-scan.pdf"
    path.write_bytes(
        c.image_pdf([c.scanned(p, angle=1.2, seed=i) for i, p in enumerate(pages)], dpi=200)
    )
    del pages
    process = subprocess.Popen(
        [sys.executable, "-c", READ_ONE, str(path)],
        cwd=ROOT,
        env={**os.environ, "DJANGO_LOG_LEVEL": "WARNING"},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    watched = psutil.Process(process.pid)
    peak = 0.0
    while process.poll() is None:
        total = 0
        try:
            for proc in [watched, *watched.children(recursive=True)]:
                total += proc.memory_info().rss
        except psutil.Error:
            pass
        peak = max(peak, total / 2**20)
        time.sleep(0.025)
    result = json.loads(process.stdout.read().decode() or "{}")
    return {
        "reading_scan50_s": round(result.get("seconds", -1), 2),
        "reading_scan50_peak_mb": round(peak, 1),
        "reading_scan50_pages": result.get("pages"),
        "reading_scan50_pages_read": result.get("pages_read"),
        "reading_scan50_file_mb": round(path.stat().st_size / 2**20, 1),
    }


# --- 100 uploads by 20 users while a worker drains the queue ---------------------------


def _worker(workdir: Path, env: dict) -> subprocess.Popen:
    """A Celery worker of WORKER_PROCESSES processes, niced: background reading yields the
    CPU to pages (what the README advises for production)."""
    log = open(workdir / "worker.log", "ab")  # noqa: SIM115 — closed with the process
    nice = shutil.which("nice")
    return subprocess.Popen(
        [
            *([nice, "-n", "10"] if nice else []),
            sys.executable,
            "-m",
            "celery",
            "-A",
            "parindex",
            "worker",
            "--concurrency",
            "2",
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"bench-reading-{uuid.uuid4().hex[:6]}@%h",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _load_files(c) -> list[tuple[str, str, bytes, str]]:
    """100 different files: 30 one-page scans (JPEG), 35 text PDFs, 35 DOCX."""
    files = []
    for index in range(LOAD_FILES):
        if index % 10 in (1, 4, 7):
            doc = _variant(c, "kh-stp-2024", 3000 + index)
            image = c.scanned(c.render_pages(c.doc_pdf(doc), dpi=200)[0], angle=1.0, seed=index)
            files.append((f"scan-{index}.jpg", "image/jpeg", c.jpeg(image), "scan"))
        elif index % 2:
            doc = _variant(c, "bc-stp", 3000 + index)
            files.append((f"bc-{index}.docx", "application/octet-stream", c.doc_docx(doc), "text"))
        else:
            doc = _variant(c, "kh-snv", 3000 + index)
            files.append((f"kh-{index}.pdf", "application/pdf", c.doc_pdf(doc), "text"))
    return files


def _burst(host_port, sessions, assessments, leaf, files) -> tuple[list, dict, list]:
    """Every user uploads their share of `files` one after the other, all users at once."""
    import http.client

    latencies: list[float] = []
    sent_at: dict[str, float] = {}
    errors: list[str] = []
    lock = threading.Lock()

    def user_uploads(slot: int):
        cookie, token = sessions[slot]
        assessment = assessments[slot]
        for index in range(slot, len(files), len(sessions)):
            name, content_type, data, _kind = files[index]
            boundary = f"----bench-{uuid.uuid4().hex}"
            body = (
                (
                    f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                    f'filename="{name}"\r\nContent-Type: {content_type}\r\n\r\n'
                ).encode()
                + data
                + f"\r\n--{boundary}--\r\n".encode()
            )
            started = time.perf_counter()
            conn = http.client.HTTPConnection(*host_port, timeout=120)
            conn.request(
                "POST",
                f"/tai-lieu/ho-so/{assessment.id}/tieu-chi/{leaf.id}/tai-len/",
                body=body,
                headers={
                    "Content-Type": f"multipart/form-data; boundary={boundary}",
                    "Cookie": cookie,
                    "X-CSRFToken": token,
                    "Accept": "application/json",
                },
            )
            response = conn.getresponse()
            answer = response.read()
            conn.close()
            with lock:
                latencies.append(time.perf_counter() - started)
                sent_at[name] = time.perf_counter()
                if response.status != 201:
                    errors.append(f"{name}: HTTP {response.status} {answer[:120]!r}")

    threads = [threading.Thread(target=user_uploads, args=(s,)) for s in range(len(sessions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, sent_at, errors


def _under_load(workdir: Path) -> dict:
    """The same burst of 100 uploads twice: with no worker (the uploads alone, "before"),
    then while a worker reads them; the second time the bench waits for the queue."""
    import psutil

    from bench.measure_web import (
        _evidence_remove,
        _latest_period_in_self_assessment,
        _login,
        _restore_phase,
        _staff_users,
        gunicorn,
        users_remove,
    )
    from evidence.enums import ReadingState
    from evidence.models import EvidenceReading
    from parindex.celery import app as celery_app
    from scoring.models import Assessment, Criterion

    c = _corpus()
    users_remove()
    period, previous_phase = _latest_period_in_self_assessment()
    worker = None
    try:
        assessments = list(
            Assessment.objects.filter(period=period).select_related("unit")[:LOAD_USERS]
        )
        leaf = Criterion.objects.filter(period=period, is_leaf=True, kind="scored").first()
        users = _staff_users([a.unit for a in assessments], prefix="reading-load")
        files = _load_files(c)
        kinds = {f[0]: f[3] for f in files}
        celery_app.control.purge()
        warm = [
            (f"warm-{i}.pdf", "application/pdf", c.doc_pdf(_variant(c, "kh-snv", 9000 + i)), "")
            for i in range(2 * LOAD_USERS)
        ]

        def warmed(host_port):
            """Sessions of the users, every gunicorn worker warmed up, no file left."""
            sessions = [_login(host_port, user.username) for user in users]
            _burst(host_port, sessions, assessments, leaf, warm)
            celery_app.control.purge()
            _evidence_remove(period)
            return sessions

        # Before: the same portal without reading (what uploads cost before this step).
        with gunicorn(workdir=workdir, extra_env={"EVIDENCE_READING": "false"}) as (_s, host):
            host_port = ("127.0.0.1", int(host.rsplit(":", 1)[1]))
            sessions = warmed(host_port)
            before, _sent, before_errors = _burst(host_port, sessions, assessments, leaf, files)
            _evidence_remove(period)
        with gunicorn(workdir=workdir) as (_server, host):
            host_port = ("127.0.0.1", int(host.rsplit(":", 1)[1]))
            sessions = warmed(host_port)
            alone, _sent, alone_errors = _burst(host_port, sessions, assessments, leaf, files)
            celery_app.control.purge()
            _evidence_remove(period)
            worker = _worker(
                workdir,
                {
                    **os.environ,
                    "DJANGO_MEDIA_ROOT": str(workdir / "media"),
                    "DJANGO_LOG_LEVEL": "WARNING",
                    "DJANGO_DEBUG": "false",
                    "DJANGO_SECURE_SSL_REDIRECT": "false",
                },
            )
            # The worker warmed up too (its first reading imports the readers, OCR included),
            # as a worker that has been running for a while is.
            first = [warm[0], files[1]]
            _burst(host_port, sessions[:1], assessments[:1], leaf, first)
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and (
                EvidenceReading.objects.filter(
                    file__assessment__period=period,
                    state__in=[ReadingState.DONE, ReadingState.FAILED],
                ).count()
                < len(first)
            ):
                time.sleep(0.2)
            _evidence_remove(period)
            watched = psutil.Process(worker.pid)
            peak_worker = 0.0
            stop = threading.Event()

            def sample():
                nonlocal peak_worker
                while not stop.is_set():
                    try:
                        rss = sum(
                            p.memory_info().rss
                            for p in [watched, *watched.children(recursive=True)]
                        )
                        peak_worker = max(peak_worker, rss / 2**20)
                    except psutil.Error:
                        pass
                    stop.wait(0.1)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            began = time.perf_counter()
            latencies, sent_at, errors = _burst(host_port, sessions, assessments, leaf, files)
            uploads_done = time.perf_counter() - began
            done_at: dict[str, float] = {}
            deadline = time.monotonic() + 600
            while len(done_at) < LOAD_FILES and time.monotonic() < deadline:
                rows = EvidenceReading.objects.filter(
                    file__assessment__period=period,
                    state__in=[ReadingState.DONE, ReadingState.FAILED],
                ).values_list("file__original_name", flat=True)
                now = time.perf_counter()
                for name in rows:
                    done_at.setdefault(name, now)
                time.sleep(0.2)
            drained = time.perf_counter() - began
            stop.set()
            sampler.join()
            failed = EvidenceReading.objects.filter(
                file__assessment__period=period, state=ReadingState.FAILED
            ).count()
        to_card: dict[str, list] = {"text": [], "scan": []}
        for name, finished in done_at.items():
            if name in sent_at:
                to_card[kinds[name]].append(finished - sent_at[name])
        return {
            # Other work on the machine (the 1-minute load average when the bursts ended).
            "reading_machine_load": round(os.getloadavg()[0], 1),
            "reading_upload_p95_ms": round(_p95(latencies) * 1000),
            "reading_upload_p50_ms": round(statistics.median(latencies) * 1000),
            "reading_upload_alone_p95_ms": round(_p95(alone) * 1000),
            "reading_upload_alone_p50_ms": round(statistics.median(alone) * 1000),
            "reading_upload_before_p95_ms": round(_p95(before) * 1000),
            "reading_upload_before_p50_ms": round(statistics.median(before) * 1000),
            "reading_upload_errors": len(errors) + len(alone_errors) + len(before_errors),
            "reading_uploads_s": round(uploads_done, 1),
            "reading_drained_s": round(drained, 1),
            "reading_files_read": len(done_at),
            "reading_files_failed": failed,
            "reading_files_per_min": round(len(done_at) / drained * 60, 1),
            "reading_load_text_card_p95_s": (
                round(_p95(to_card["text"]), 1) if to_card["text"] else None
            ),
            "reading_load_scan_card_p95_s": (
                round(_p95(to_card["scan"]), 1) if to_card["scan"] else None
            ),
            "reading_worker_peak_mb": round(peak_worker, 1),
        }
    finally:
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
        celery_app.control.purge()
        _evidence_remove(period)
        _restore_phase(period, previous_phase)
        users_remove()
