"""`make bench`: generate synthetic data at two scales and measure, in one run.

Runs on PostgreSQL when DATABASE_URL is set (in a separate database `parindex_bench` on the
same server, created if missing, so no real data is touched), on SQLite otherwise (a file under
bench/). Writes bench/results/latest.json and prints a table.

    python -m bench                      # both scales, every measurement
    python -m bench --scales province    # one scale
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
# A separate database on the server of DATABASE_URL (BENCH_DATABASE names another one).
BENCH_DB = os.environ.get("BENCH_DATABASE", "parindex_bench")


def _prepare_database() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg2

        parsed = urlparse(url)
        conn = psycopg2.connect(url)
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{BENCH_DB}"')
        conn.close()
        os.environ["DATABASE_URL"] = urlunparse(parsed._replace(path=f"/{BENCH_DB}"))
        return "postgresql"
    os.environ.pop("DATABASE_URL", None)
    os.environ["SQLITE_PATH"] = str(ROOT / "bench" / "bench.sqlite3")
    return "sqlite"


def _machine() -> str:
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        memory = 0
    return (
        f"{os.cpu_count()} cores, {memory:.0f} GiB, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--scales", default="province,national")
    parser.add_argument("--skip", default="", help="comma-separated measurements to skip")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep data already generated at a scale instead of regenerating",
    )
    args = parser.parse_args(argv)
    database = _prepare_database()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings")
    # Production-like: no per-query debug bookkeeping while measuring.
    os.environ.setdefault("DJANGO_DEBUG", "false")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
    import django

    django.setup()
    from django.core.management import call_command

    from bench import measure

    call_command("migrate", verbosity=0, interactive=False)
    print(
        f"database: {database}"
        + (
            ""
            if database == "postgresql"
            else " (DATABASE_URL not set: SQLite; targets are for PostgreSQL)"
        )
    )
    out = {
        "database": database,
        "machine": _machine(),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    skip = {s for s in args.skip.split(",") if s}
    for scale in [s for s in args.scales.split(",") if s]:
        print(f"== {scale}")
        out[scale] = measure.run_scale(scale, skip=skip, reuse=args.reuse)
    RESULTS.mkdir(parents=True, exist_ok=True)
    latest = RESULTS / "latest.json"
    if latest.exists():
        # A run of one scale keeps the other scale's figures from the run before (marked).
        before = json.loads(latest.read_text())
        for scale in ("province", "national"):
            if scale not in out and isinstance(before.get(scale), dict):
                out[scale] = {
                    **before[scale],
                    "measured_at": before[scale].get("measured_at") or before.get("measured_at"),
                }
            elif skip and isinstance(before.get(scale), dict):
                # Steps skipped this time keep their figures from the run before (marked).
                kept = {
                    key: value
                    for key, value in before[scale].items()
                    if key not in out[scale]
                    and not key.endswith("_skipped")
                    and key not in ("kept_from_before", "kept_measured_at")
                }
                if kept:
                    out[scale] = {
                        **kept,
                        **{k: v for k, v in out[scale].items() if not k.endswith("_skipped")},
                        "kept_from_before": sorted(kept),
                        "kept_measured_at": before[scale].get("measured_at")
                        or before.get("measured_at"),
                    }
    latest.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    measure.print_table(out)
    print(f"written: {RESULTS / 'latest.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
