"""Open data: a published year's results as CSV, the same content as export_results."""

from __future__ import annotations

import csv
import io

UNIT_COLUMNS = [
    "unit_code",
    "unit_name",
    "group_code",
    "standard_score",
    "appraised_score",
    "index",
    "band",
    "rank_in_group",
    "group_size",
    "previous_index",
    "delta",
    "previous_band",
]


def results_csv(report: dict) -> str:
    """One row per unit, the keys of results_report's `units` as the header (UTF-8)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["year", *UNIT_COLUMNS])
    for unit in report["units"]:
        writer.writerow(
            [report["year"], *("" if unit[c] is None else unit[c] for c in UNIT_COLUMNS)]
        )
    return buffer.getvalue()
