"""The measurements of `make bench`. Each returns its keys of latest.json, or a skip reason."""

from __future__ import annotations

import time
from decimal import Decimal

from bench import floor, generate

KEYS = [
    "index_job_s",
    "index_floor_s",
    "index_ratio",
    "form_queries_20",
    "form_queries_100",
    "form_p50_ms",
    "xlsx_s",
    "pdf_s",
    "doc_docx_s",
    "doc_pdf_s",
    "bundle_mem_ratio",
    "load_p50_ms",
    "load_p95_ms",
    "load_errors",
    "upload_peak_mb",
    "reading_text_p95_s",
    "reading_scan1_p95_s",
    "reading_scan50_s",
    "reading_scan50_peak_mb",
    "reading_upload_p95_ms",
    "reading_files_per_min",
]
TARGETS = {
    "national": {"index_ratio": 3, "index_job_s": 5},
    "province": {
        "index_job_s": 1,
        "form_queries_100": 25,
        "xlsx_s": 2,
        "pdf_s": 10,
        "doc_docx_s": 3,
        "doc_pdf_s": 10,
        "bundle_mem_ratio": 1.5,
        "load_p95_ms": 500,
        "load_errors": 0,
        "upload_peak_mb": 64,
        "reading_text_p95_s": 1,
        "reading_scan1_p95_s": 6,
        "reading_scan50_s": 15,
        "reading_scan50_peak_mb": 400,
        "reading_upload_p95_ms": 500,
    },
}


def measure_index(scale: str) -> dict:
    from scoring.enums import Stage
    from scoring.models import Assessment, Period, Result
    from scoring.services import results_compute

    period = Period.objects.order_by("-year").first()
    # Warm-up run (first-touch caches), then the measured run: the job recomputing the
    # whole year's final stage from the stored scores.
    results_compute(period=period, stage=Stage.FINAL)
    started = time.perf_counter()
    job_hash = results_compute(period=period, stage=Stage.FINAL)
    job_s = time.perf_counter() - started
    floor.floor_compute(period_id=period.id)
    floor_s = floor.floor_compute(period_id=period.id)
    # The floor must compute the same numbers, else the comparison means nothing.
    expected = floor.floor_rows(period_id=period.id)
    mismatches = 0
    by_assessment = dict(
        Result.objects.filter(period=period, stage=Stage.FINAL).values_list("unit_id", "index")
    )
    unit_of = dict(Assessment.objects.filter(period=period).values_list("id", "unit_id"))
    for assessment_id, (_standard, _appraised, idx, _rank) in expected.items():
        job_index = by_assessment.get(unit_of[assessment_id])
        if idx is None or job_index is None:
            mismatches += int((idx is None) != (job_index is None))
        elif Decimal(str(idx)).quantize(Decimal("0.01")) != job_index:
            mismatches += 1
    return {
        "index_job_s": round(job_s, 3),
        "index_floor_s": round(floor_s, 3),
        "index_ratio": round(job_s / floor_s, 2) if floor_s else None,
        "index_units": len(expected),
        "index_floor_mismatches": mismatches,
        "index_hash": job_hash,
    }


def run_scale(scale: str, *, skip: set[str], reuse: bool = False) -> dict:
    result: dict = {}
    info = generate.existing(scale) if reuse else None
    if info is None:
        info = generate.generate(scale)
    else:
        print("  reusing the data already generated at this scale")
    result.update({f"data_{k}": v for k, v in info.items()})
    print(f"  data: {info}")
    steps = [("index", measure_index)]
    from bench import measure_web

    steps += measure_web.steps(scale)
    from bench import measure_reading

    steps += measure_reading.steps(scale)
    for name, step in steps:
        if name in skip:
            result[f"{name}_skipped"] = "skipped by --skip"
            continue
        try:
            values = step(scale)
        except Exception as error:  # noqa: BLE001 — one failed measurement must not hide the rest
            result[f"{name}_error"] = f"{type(error).__name__}: {error}"
            print(f"  {name}: ERROR {error}")
            continue
        result.update(values)
        print(f"  {name}: {values}")
    return result


def print_table(out: dict) -> None:
    print()
    print(f"{'scale':<10} {'measure':<18} {'value':>12} {'target':>10}  ok")
    for scale in ("province", "national"):
        if scale not in out:
            continue
        for key in KEYS:
            if key not in out[scale]:
                continue
            value = out[scale][key]
            target = TARGETS.get(scale, {}).get(key)
            ok = "" if target is None or value is None else ("yes" if value <= target else "NO")
            print(f"{scale:<10} {key:<18} {value!s:>12} {target!s:>10}  {ok}")
