"""The web measurements of `make bench` (province scale): the scoring form, the ranking report
as XLSX and PDF, 50 concurrent users against gunicorn, and a 200 MB evidence upload.

`bench.measure.run_scale` runs the steps returned by `steps(scale)` after the index job. Each
step prepares what it needs in the bench database (a scratch period for the form, published
years for the report, agency staff users with a known password for the load test) and removes
its users and scratch rows again, so the generated data stays reusable (`--reuse`).
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from django.db import connection, transaction

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
USER_PREFIX = "bench-"
PASSWORD = "bench-Chi-so-CCHC-2025"  # noqa: S105 — synthetic users of the bench database only
LOAD_USERS = 50
LOAD_SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "60"))  # shorter while developing
FORM_REQUESTS = 20
FORM_SIZES = {"1": 20, "2": 100}  # field code of the scratch period → leaves under it
UPLOAD_MB = 200


def steps(scale: str) -> list:
    """The web measurements make sense at province scale (one portal per province)."""
    if scale != "province":
        return []
    return [
        ("form", measure_form),
        ("report", measure_report),
        ("documents", measure_documents),
        ("load", measure_load),
        ("upload", measure_upload),
    ]


# --- bench users ------------------------------------------------------------------------


def users_remove() -> None:
    """Every bench user and their roles (roles protect the units the generator wipes)."""
    from units.models import User

    User.objects.filter(username__startswith=USER_PREFIX).delete()


def _staff_users(units, *, prefix: str) -> list:
    """One agency staff user per unit, all with PASSWORD (hashed once, not once per user)."""
    from django.contrib.auth.hashers import make_password

    from units.enums import RoleKind
    from units.models import Role, User

    password_hash = make_password(PASSWORD)
    users = User.objects.bulk_create(
        User(
            username=f"{USER_PREFIX}{prefix}-{unit.code}",
            password=password_hash,
            full_name=f"Chuyên viên {unit.name}",
        )
        for unit in units
    )
    Role.objects.bulk_create(
        Role(user=user, kind=RoleKind.AGENCY_STAFF, unit=unit)
        for user, unit in zip(users, units, strict=True)
    )
    return users


def _latest_period_in_self_assessment():
    """The latest period, put in phase self_assessment (staff may save) for the web steps."""
    from scoring.enums import AssessmentStatus, Phase
    from scoring.models import Assessment, Period

    period = Period.objects.order_by("-year").first()
    previous_phase = period.phase
    period.phase = Phase.SELF_ASSESSMENT
    period.self_assessment_deadline = None
    period.self_assessment_closed = False
    period.save(update_fields=["phase", "self_assessment_deadline", "self_assessment_closed"])
    Assessment.objects.filter(period=period).update(status=AssessmentStatus.DRAFT)
    return period, previous_phase


def _restore_phase(period, phase: str) -> None:
    period.phase = phase
    period.save(update_fields=["phase"])


# --- 1. the scoring form at 20 and 100 leaves --------------------------------------------

SCRATCH_YEAR = 2000  # before the generated years: never "current", never published


@transaction.atomic
def _scratch_period(unit):
    """A period with field 1 of 20 leaves and field 2 of 100 leaves, every leaf self-scored
    with an explanation, and the unit's assessment in it."""
    from scoring.enums import Method, NodeLevel, Phase, Stage
    from scoring.models import Assessment, Criterion, CriterionMax, LeafScore, Period, PeriodGroup

    Period.objects.filter(year=SCRATCH_YEAR).delete()
    period = Period.objects.create(
        year=SCRATCH_YEAR, name="Bench: biểu mẫu 20 / 100 tiêu chí", phase=Phase.SELF_ASSESSMENT
    )
    PeriodGroup.objects.create(period=period, group=unit.group, bonus_cap=Decimal("5"))
    order = 0
    leaves_by_field: dict[str, list] = {}
    for field_code, count in FORM_SIZES.items():
        order += 1
        field_node = Criterion.objects.create(
            period=period,
            code=field_code,
            is_leaf=False,
            level=NodeLevel.FIELD,
            order=order,
            name=f"Lĩnh vực {field_code}",
        )
        per_criterion = 10 if count >= 100 else 5
        leaves = []
        for c in range(count // per_criterion):
            order += 1
            parent = Criterion.objects.create(
                period=period,
                code=f"{field_code}.{c + 1}",
                parent=field_node,
                is_leaf=False,
                level=NodeLevel.CRITERION,
                order=order,
                name=f"Tiêu chí {field_code}.{c + 1}",
            )
            for s in range(per_criterion):
                order += 1
                leaves.append(
                    Criterion(
                        period=period,
                        code=f"{field_code}.{c + 1}.{s + 1}",
                        parent=parent,
                        level=NodeLevel.SUB,
                        is_leaf=True,
                        method=Method.MANUAL,
                        params={"step": "0.25"},
                        order=order,
                        name=f"Tiêu chí thành phần {field_code}.{c + 1}.{s + 1}",
                        guidance="Chấm theo mức độ hoàn thành, bước 0,25 điểm.",
                    )
                )
        leaves_by_field[field_code] = Criterion.objects.bulk_create(leaves)
    all_leaves = [leaf for leaves in leaves_by_field.values() for leaf in leaves]
    CriterionMax.objects.bulk_create(
        CriterionMax(criterion=leaf, group=unit.group, max_score=Decimal("1"))
        for leaf in all_leaves
    )
    assessment = Assessment.objects.create(period=period, unit=unit)
    LeafScore.objects.bulk_create(
        LeafScore(
            assessment=assessment,
            criterion=leaf,
            stage=Stage.SELF,
            value=Decimal("0.75"),
            inputs={"value": "0.75"},
            explanation="Đã ban hành kế hoạch và báo cáo đúng hạn.",
        )
        for leaf in all_leaves
    )
    return assessment, leaves_by_field


def measure_form(scale: str) -> dict:
    """Queries and server time of the agency scoring form (test Client, in-process)."""
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.urls import reverse

    from scoring.models import Period
    from units.models import Unit

    users_remove()
    unit = Unit.objects.order_by("group__order", "order", "code").first()
    (user,) = _staff_users([unit], prefix="form")
    assessment, leaves_by_field = _scratch_period(unit)
    out: dict = {}
    try:
        with override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False):
            client = Client()
            client.force_login(user)
            for field_code, count in FORM_SIZES.items():
                url = reverse("field_form", args=[assessment.id, field_code])
                for _ in range(2):  # warm-up: templates compiled, caches filled
                    response = client.get(url)
                    if response.status_code != 200:
                        raise RuntimeError(f"{url}: HTTP {response.status_code}")
                page = response.content.decode()
                missing = [
                    leaf.code
                    for leaf in leaves_by_field[field_code]
                    if f'id="leaf-{leaf.id}"' not in page
                ]
                if missing:
                    raise RuntimeError(f"{url}: leaves not on the page: {missing[:5]}")
                with CaptureQueriesContext(connection) as queries:
                    client.get(url)
                # Counted now: the next request's request_started signal clears the log.
                query_count = len(queries.captured_queries)
                timings = []
                for _ in range(FORM_REQUESTS):
                    started = time.perf_counter()
                    client.get(url)
                    timings.append((time.perf_counter() - started) * 1000)
                out[f"form_queries_{count}"] = query_count
                out[f"form_p50_ms_{count}"] = round(statistics.median(timings), 1)
        out["form_p50_ms"] = out[f"form_p50_ms_{max(FORM_SIZES.values())}"]
    finally:
        Period.objects.filter(year=SCRATCH_YEAR).delete()
        users_remove()
    return out


# --- 2. the ranking report as XLSX and PDF -----------------------------------------------


def _published_years(count: int = 3) -> list:
    """The `count` years before the latest, with final results computed and published."""
    from scoring.enums import Phase, Stage
    from scoring.models import Period
    from scoring.services import results_compute

    periods = list(Period.objects.order_by("-year")[1 : count + 1])
    periods.reverse()
    for period in periods:
        results_compute(period=period, stage=Stage.FINAL, force=True)
        period.phase = Phase.PUBLISHED
        period.save(update_fields=["phase"])
    return periods


def measure_report(scale: str) -> dict:
    """The published report (tables + charts) built as the report task builds it."""
    from reports.documents import province_document
    from reports.enums import ReportKind
    from reports.exports import document_pdf, document_xlsx

    period = _published_years()[-1]
    logging.getLogger("weasyprint").setLevel(logging.WARNING)  # one line per page otherwise
    # WeasyPrint's import is paid once per worker process, not per report.
    import weasyprint  # noqa: F401

    started = time.perf_counter()
    xlsx = document_xlsx(province_document(ReportKind.PUBLISHED, period))
    xlsx_s = time.perf_counter() - started
    started = time.perf_counter()
    pdf = document_pdf(province_document(ReportKind.PUBLISHED, period))
    pdf_s = time.perf_counter() - started
    return {
        "xlsx_s": round(xlsx_s, 2),
        "pdf_s": round(pdf_s, 2),
        "report_year": period.year,
        "report_xlsx_kb": len(xlsx) // 1024,
        "report_pdf_kb": len(pdf) // 1024,
    }


# --- 2b. the official documents and a unit's bundle -----------------------------------------

BUNDLE_SIZES = (20, 200)  # evidence files in the bundle, 100 KB each
BUNDLE_FILE_KB = 100


def _latest_published():
    from scoring.enums import Phase
    from scoring.models import Period

    period = Period.objects.filter(phase=Phase.PUBLISHED).order_by("-year").first()
    return period or _published_years()[-1]


def _bundle_peak(assessment, count: int, actor) -> tuple[float, float]:
    """Peak traced memory (MB) and seconds to stream the bundle with `count` evidence files."""
    import tracemalloc

    from django.utils import timezone

    from evidence.models import EvidenceFile
    from reports.bundle import bundle_stream

    EvidenceFile.objects.filter(assessment=assessment).update(removed_at=None)
    keep = list(
        EvidenceFile.objects.filter(assessment=assessment)
        .order_by("id")[:count]
        .values_list("id", flat=True)
    )
    EvidenceFile.objects.filter(assessment=assessment).exclude(pk__in=keep).update(
        removed_at=timezone.now()
    )
    list(bundle_stream(actor=actor, assessment=assessment, show_names=True))  # warm-up
    tracemalloc.start()
    started = time.perf_counter()
    size = 0
    for chunk in bundle_stream(actor=actor, assessment=assessment, show_names=True):
        size += len(chunk)
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    if size < count * BUNDLE_FILE_KB * 1024:
        raise RuntimeError(f"bundle of {count} files is only {size} bytes")
    return peak / 2**20, seconds


def measure_documents(scale: str) -> dict:
    """The year's report as DOCX and PDF (data, narrative, tables, charts) at province scale,
    as the background task builds it; and a unit's dossier bundle streamed with 20 and 200
    evidence files (memory must stay flat)."""
    import hashlib

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.test import override_settings

    from evidence.models import EvidenceFile
    from reports.enums import ReportKind
    from reports.official.builders import official_document
    from reports.official.docx import docx_bytes
    from reports.official.pdf import pdf_bytes
    from scoring.models import Assessment
    from units.models import User

    period = _latest_published()
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    import weasyprint  # noqa: F401 — paid once per worker process

    docx_bytes(official_document(ReportKind.YEAR_REPORT, period))  # warm-up (imports, fonts)
    started = time.perf_counter()
    docx = docx_bytes(official_document(ReportKind.YEAR_REPORT, period))
    docx_s = time.perf_counter() - started
    started = time.perf_counter()
    pdf = pdf_bytes(official_document(ReportKind.YEAR_REPORT, period))
    pdf_s = time.perf_counter() - started
    assessment = Assessment.objects.filter(period=period).select_related("unit", "period").first()
    started = time.perf_counter()
    docx_bytes(official_document(ReportKind.UNIT_NOTICE, period, assessment.unit))
    notice_s = time.perf_counter() - started

    media = Path(tempfile.mkdtemp(prefix="parindex-bench-bundle-"))
    actor = User.objects.create(username=f"{USER_PREFIX}bundle")
    try:
        with override_settings(MEDIA_ROOT=str(media)):
            rows = []
            for n in range(max(BUNDLE_SIZES)):
                content = os.urandom(BUNDLE_FILE_KB * 1024)  # incompressible, as a PDF scan
                key = default_storage.save(
                    f"bench/{assessment.pk}/{n:04d}.pdf", ContentFile(content)
                )
                rows.append(
                    EvidenceFile(
                        assessment=assessment,
                        storage_key=key,
                        original_name=f"van-ban-{n:04d}.pdf",
                        kind="pdf",
                        content_type="application/pdf",
                        size=len(content),
                        sha256=hashlib.sha256(content).hexdigest(),
                    )
                )
            EvidenceFile.objects.bulk_create(rows)
            _secretariat_role(actor)
            peaks = {count: _bundle_peak(assessment, count, actor) for count in BUNDLE_SIZES}
    finally:
        EvidenceFile.objects.filter(storage_key__startswith=f"bench/{assessment.pk}/").delete()
        User.objects.filter(pk=actor.pk).delete()
        shutil.rmtree(media, ignore_errors=True)
    few, many = (peaks[c] for c in BUNDLE_SIZES)
    return {
        "doc_docx_s": round(docx_s, 2),
        "doc_pdf_s": round(pdf_s, 2),
        "doc_notice_docx_s": round(notice_s, 2),
        "doc_year": period.year,
        "doc_docx_kb": len(docx) // 1024,
        "doc_pdf_kb": len(pdf) // 1024,
        f"bundle_{BUNDLE_SIZES[0]}_peak_mb": round(few[0], 2),
        f"bundle_{BUNDLE_SIZES[1]}_peak_mb": round(many[0], 2),
        f"bundle_{BUNDLE_SIZES[1]}_s": round(many[1], 2),
        "bundle_mem_ratio": round(many[0] / few[0], 2) if few[0] else None,
    }


def _secretariat_role(user) -> None:
    from units.enums import RoleKind
    from units.models import Role

    Role.objects.create(user=user, kind=RoleKind.SECRETARIAT)


# --- gunicorn on loopback ----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(*, workdir: Path, extra_env: dict | None = None):
    """gunicorn serving the bench database on 127.0.0.1 (production settings, plain http)."""
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),
        "DJANGO_LOG_LEVEL": "WARNING",
        **(extra_env or {}),
    }
    log = open(workdir / "gunicorn.log", "ab")  # noqa: SIM115 — closed below
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "parindex.wsgi",
            "-w",
            "4",
            "--threads",
            "4",
            "-b",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "--graceful-timeout",
            "5",
            # Idle connections outlive a user's think time (1–3 s), as behind a reverse proxy;
            # with the default 2 s a request races the server closing the socket (HTTP 0).
            "--keep-alive",
            "10",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {workdir / 'gunicorn.log'}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/dang-nhap/")
                status = conn.getresponse().status
                conn.close()
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not answer within 60 s")
            time.sleep(0.3)
        yield process, f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


# --- 3. 50 concurrent agency users --------------------------------------------------------


def _load_plan(period) -> dict:
    """50 staff users of 50 units spread over the groups, each with the leaves to save."""
    from scoring.models import Assessment, Criterion

    assessments = list(
        Assessment.objects.filter(period=period)
        .select_related("unit")
        .order_by("unit__group__order", "unit__order")
    )
    step = max(1, len(assessments) // LOAD_USERS)
    chosen = assessments[::step][:LOAD_USERS]
    users = _staff_users([a.unit for a in chosen], prefix="load")
    leaves = list(
        Criterion.objects.filter(
            period=period, is_leaf=True, kind="scored", method="manual"
        ).values_list("id", flat=True)
    )
    fields = sorted(
        Criterion.objects.filter(period=period, parent__isnull=True, kind="scored").values_list(
            "code", flat=True
        )
    )
    return {
        "password": PASSWORD,
        "seconds": LOAD_SECONDS,
        "users": [
            {"username": user.username, "assessment_id": assessment.id}
            for user, assessment in zip(users, chosen, strict=True)
        ],
        "leaves": leaves,
        "fields": fields,
    }


def _locust_stats(csv_prefix: Path) -> dict:
    """The Aggregated row of locust's stats CSV, and each request name's p95."""
    import csv

    with open(f"{csv_prefix}_stats.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_name = {row["Name"]: row for row in rows}
    total = by_name["Aggregated"]
    return {
        "load_p50_ms": float(total["50%"]),
        "load_p95_ms": float(total["95%"]),
        "load_requests": int(total["Request Count"]),
        "load_rps": round(float(total["Requests/s"]), 1),
        "load_failures": int(total["Failure Count"]),
        "load_p95_by_page_ms": {
            row["Name"]: float(row["95%"])
            for row in rows
            if row["Name"] != "Aggregated" and row["95%"] != "N/A"
        },
    }


def _locust_failures(csv_prefix: Path) -> dict:
    """The most frequent failures, so a red load_errors says what went wrong."""
    import csv

    path = Path(f"{csv_prefix}_failures.csv")
    if not path.exists():
        return {}
    with open(path, newline="") as handle:
        counts: dict[str, int] = {}
        for row in csv.DictReader(handle):
            key = f"{row['Method']} {row['Name']}: {row['Error'][:120]}"
            counts[key] = counts.get(key, 0) + int(row["Occurrences"])
    return dict(sorted(counts.items(), key=lambda item: -item[1])[:5])


def measure_load(scale: str) -> dict:
    """50 users for 60 s (after all have logged in) against gunicorn; locust headless."""
    users_remove()
    period, previous_phase = _latest_period_in_self_assessment()
    workdir = Path(tempfile.mkdtemp(prefix="parindex-bench-load-"))
    try:
        plan = _load_plan(period)
        (workdir / "plan.json").write_text(json.dumps(plan))
        with gunicorn(workdir=workdir) as (_process, host):
            csv_prefix = workdir / "locust"
            command = [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "-u",
                str(LOAD_USERS),
                "-r",
                "25",
                "-t",
                f"{LOAD_SECONDS + 120}s",
                "--host",
                host,
                "--csv",
                str(csv_prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ]
            env = {
                **os.environ,
                "BENCH_LOAD_PLAN": str(workdir / "plan.json"),
                "BENCH_LOAD_SIDE": str(workdir / "side.json"),
            }
            with open(workdir / "locust.log", "wb") as log:
                subprocess.run(
                    command,
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    timeout=LOAD_SECONDS + 240,
                    check=False,
                )
        out = _locust_stats(csv_prefix)
        out["load_failure_kinds"] = _locust_failures(csv_prefix)
        side_path = workdir / "side.json"
        side = json.loads(side_path.read_text()) if side_path.exists() else {}
        if not side.get("measured"):
            raise RuntimeError(f"locust did not reach the measured phase; see {workdir}")
        out["load_login_failures"] = side.get("login_failures", 0)
        out["load_login_p50_ms"] = side.get("login_p50_ms")
        out["load_errors"] = out.pop("load_failures") + out["load_login_failures"]
        out["load_users"] = LOAD_USERS
        out["load_seconds"] = LOAD_SECONDS
        shutil.rmtree(workdir, ignore_errors=True)
        return out
    finally:
        _restore_phase(period, previous_phase)
        users_remove()


# --- 4. a 200 MB evidence upload: the server's peak memory growth -------------------------


def _padded_pdf(path: Path, megabytes: int) -> int:
    """A PDF header, one stream object of `megabytes` MB of padding, and a trailer."""
    chunk = b"0123456789abcdef" * 4096  # 64 KiB
    with open(path, "wb") as handle:
        handle.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length ")
        length = megabytes * 1024 * 1024
        handle.write(f"{length} >>\nstream\n".encode())
        for _ in range(length // len(chunk)):
            handle.write(chunk)
        handle.write(b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
    return path.stat().st_size


def _login(host_port: tuple[str, int], username: str) -> tuple[str, str]:
    """Log in through the login form; returns the cookie header and the CSRF token."""
    from http.cookies import SimpleCookie
    from urllib.parse import urlencode

    cookies: dict[str, str] = {}

    def request(method, path, body=None, headers=None):
        conn = http.client.HTTPConnection(*host_port, timeout=60)
        cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
        conn.request(method, path, body=body, headers={**(headers or {}), "Cookie": cookie})
        response = conn.getresponse()
        response.read()
        for header in response.msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                cookies[name] = morsel.value
        conn.close()
        return response

    request("GET", "/dang-nhap/")
    body = urlencode(
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": cookies["csrftoken"]}
    )
    response = request(
        "POST", "/dang-nhap/", body, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    if response.status != 302 or "sessionid" not in cookies:
        raise RuntimeError(f"login of {username} failed: HTTP {response.status}")
    return "; ".join(f"{k}={v}" for k, v in cookies.items()), cookies["csrftoken"]


def _rss_mb(process) -> float:
    total = 0
    for proc in [process, *process.children(recursive=True)]:
        try:
            total += proc.memory_info().rss
        except Exception:  # noqa: BLE001, S112 — a worker may be restarting; skip that sample
            continue
    return total / 2**20


def measure_upload(scale: str) -> dict:
    """Stream a 200 MB PDF from disk to the evidence upload of a running gunicorn while
    sampling the RSS of its processes every 50 ms."""
    import psutil

    from scoring.models import Assessment, Criterion

    users_remove()
    period, previous_phase = _latest_period_in_self_assessment()
    workdir = Path(tempfile.mkdtemp(prefix="parindex-bench-upload-"))
    try:
        assessment = Assessment.objects.filter(period=period).select_related("unit").first()
        criterion = Criterion.objects.filter(period=period, is_leaf=True, kind="scored").first()
        (user,) = _staff_users([assessment.unit], prefix="upload")
        pdf = workdir / "minh-chung-200mb.pdf"
        size = _padded_pdf(pdf, UPLOAD_MB)
        # The upload path alone: its reading is measured by the reading step (bench/
        # measure_reading.py); without a broker it would run inside this request.
        with gunicorn(
            workdir=workdir,
            extra_env={"EVIDENCE_MAX_UPLOAD_MB": "256", "EVIDENCE_READING": "false"},
        ) as (
            process,
            host,
        ):
            host_port = ("127.0.0.1", int(host.rsplit(":", 1)[1]))
            cookie, token = _login(host_port, user.username)
            server = psutil.Process(process.pid)
            time.sleep(1.0)  # let the workers settle after the login request
            baseline = _rss_mb(server)
            peak = baseline
            stop = threading.Event()

            def sample():
                nonlocal peak
                while not stop.is_set():
                    peak = max(peak, _rss_mb(server))
                    stop.wait(0.05)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            boundary = "----parindex-bench-upload"
            head = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"'
                f"\r\n\r\n{token}\r\n--{boundary}\r\nContent-Disposition: form-data; "
                f'name="file"; filename="{pdf.name}"\r\nContent-Type: application/pdf'
                "\r\n\r\n"
            ).encode()
            tail = f"\r\n--{boundary}--\r\n".encode()
            started = time.perf_counter()
            conn = http.client.HTTPConnection(*host_port, timeout=600)
            conn.putrequest(
                "POST", f"/tai-lieu/ho-so/{assessment.id}/tieu-chi/{criterion.id}/tai-len/"
            )
            conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
            conn.putheader("Content-Length", str(len(head) + size + len(tail)))
            conn.putheader("Cookie", cookie)
            conn.putheader("X-CSRFToken", token)
            conn.endheaders()
            conn.send(head)
            with open(pdf, "rb") as handle:  # streamed from disk, 1 MiB at a time
                while chunk := handle.read(2**20):
                    conn.send(chunk)
            conn.send(tail)
            response = conn.getresponse()
            answer = response.read()
            conn.close()
            upload_s = time.perf_counter() - started
            time.sleep(0.5)
            stop.set()
            sampler.join()
        if response.status not in (200, 201):
            raise RuntimeError(f"upload refused: HTTP {response.status} {answer[:300]!r}")
        payload = json.loads(answer)
        if not payload.get("files"):
            raise RuntimeError(f"upload not stored: {payload}")
        return {
            "upload_peak_mb": round(peak - baseline, 1),
            "upload_baseline_mb": round(baseline, 1),
            "upload_s": round(upload_s, 2),
            "upload_file_mb": round(size / 2**20, 1),
        }
    finally:
        _evidence_remove(period)
        _restore_phase(period, previous_phase)
        users_remove()
        shutil.rmtree(workdir, ignore_errors=True)


def _evidence_remove(period) -> None:
    from evidence.models import EvidenceFile, EvidenceLink

    EvidenceLink.objects.filter(file__assessment__period=period).delete()
    EvidenceFile.objects.filter(assessment__period=period).delete()
