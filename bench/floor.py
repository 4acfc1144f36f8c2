"""The floor: the index job's outputs computed and written by plain set-based SQL.

Per-unit standard and appraised scores (bonus capped per group, deductions, exemptions of the
leaf, its criterion or its field), index, rank within group (window function) and per-field /
per-criterion sums and sub-indexes, in one transaction. It is the reference the real job
(`scoring.services.results_compute`) is measured against; it skips everything the job does
beyond that (band rules, hashes, JSON details), so the ratio is an upper bound on overhead.
Written for a 3-level tree (field → criterion → sub-criterion), which is what the bench builds.
"""

from __future__ import annotations

import time

from django.db import connection, transaction

UNIT_TABLE = "bench_floor_unit"
NODE_TABLE = "bench_floor_node"

CREATE = [
    f"CREATE TABLE IF NOT EXISTS {UNIT_TABLE} (period_id bigint, assessment_id bigint, "
    "group_id bigint, standard numeric(9,2), appraised numeric(9,2), idx numeric(9,2), "
    "rank_in_group integer, group_size integer)",
    f"CREATE TABLE IF NOT EXISTS {NODE_TABLE} (period_id bigint, assessment_id bigint, "
    "node_id bigint, standard numeric(9,2), score numeric(9,2), idx numeric(9,2))",
]

LEAVES = """
SELECT a.id AS assessment_id, a.group_id AS group_id, c.kind AS kind, m.max_score AS max_score,
       COALESCE(ls.value, 0) AS value, c.parent_id AS crit_id, p.parent_id AS field_id
FROM scoring_assessment a
JOIN scoring_criterion c ON c.period_id = a.period_id AND c.is_leaf
JOIN scoring_criterionmax m ON m.criterion_id = c.id AND m.group_id = a.group_id
LEFT JOIN scoring_criterion p ON p.id = c.parent_id
LEFT JOIN scoring_leafscore ls
       ON ls.assessment_id = a.id AND ls.criterion_id = c.id AND ls.stage = %(stage)s
WHERE a.period_id = %(period)s
  AND NOT EXISTS (
      SELECT 1 FROM scoring_exemption e
      WHERE e.assessment_id = a.id AND e.stage = %(stage)s
        AND (e.criterion_id = c.id OR e.criterion_id = c.parent_id
             OR e.criterion_id = p.parent_id))
"""

UNITS = f"""
INSERT INTO {UNIT_TABLE}
    (period_id, assessment_id, group_id, standard, appraised, idx, rank_in_group, group_size)
WITH leaf AS ({LEAVES}),
sums AS (
    SELECT assessment_id, group_id,
           SUM(CASE WHEN kind = 'scored' THEN max_score ELSE 0 END) AS standard,
           SUM(CASE WHEN kind = 'scored' THEN value ELSE 0 END) AS scored,
           SUM(CASE WHEN kind = 'bonus' THEN value ELSE 0 END) AS bonus,
           SUM(CASE WHEN kind = 'deduction' THEN value ELSE 0 END) AS deductions
    FROM leaf GROUP BY assessment_id, group_id
),
appraised AS (
    SELECT s.assessment_id, s.group_id, s.standard,
           ROUND(s.scored + CASE WHEN s.bonus < pg.bonus_cap THEN s.bonus ELSE pg.bonus_cap END
                 - s.deductions, 2) AS appraised
    FROM sums s
    JOIN scoring_periodgroup pg ON pg.group_id = s.group_id AND pg.period_id = %(period)s
),
indexed AS (
    SELECT assessment_id, group_id, standard, appraised,
           CASE WHEN standard > 0 THEN
               CASE WHEN ROUND(appraised * 100.0 / standard, 2) > 100 THEN 100
                    ELSE ROUND(appraised * 100.0 / standard, 2) END
           END AS idx
    FROM appraised
)
SELECT %(period)s, assessment_id, group_id, standard, appraised, idx,
       RANK() OVER (PARTITION BY group_id ORDER BY idx DESC),
       COUNT(*) OVER (PARTITION BY group_id)
FROM indexed
"""

NODES = f"""
INSERT INTO {NODE_TABLE} (period_id, assessment_id, node_id, standard, score, idx)
WITH leaf AS ({LEAVES}),
per_node AS (
    SELECT assessment_id, crit_id AS node_id, max_score, value FROM leaf WHERE kind = 'scored'
    UNION ALL
    SELECT assessment_id, field_id AS node_id, max_score, value FROM leaf
    WHERE kind = 'scored' AND field_id IS NOT NULL
)
SELECT %(period)s, assessment_id, node_id, SUM(max_score), SUM(value),
       CASE WHEN SUM(max_score) > 0 THEN ROUND(SUM(value) * 100.0 / SUM(max_score), 2) END
FROM per_node GROUP BY assessment_id, node_id
"""


def floor_compute(*, period_id: int, stage: str = "final") -> float:
    """Run the floor for one period and stage; returns the seconds it took."""
    params = {"period": period_id, "stage": stage}
    with connection.cursor() as cursor:
        for statement in CREATE:
            cursor.execute(statement)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {UNIT_TABLE} WHERE period_id = %(period)s", params)
        cursor.execute(f"DELETE FROM {NODE_TABLE} WHERE period_id = %(period)s", params)
        cursor.execute(UNITS, params)
        cursor.execute(NODES, params)
    return time.perf_counter() - started


def floor_rows(*, period_id: int) -> dict[int, tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT assessment_id, standard, appraised, idx, rank_in_group FROM {UNIT_TABLE} "
            "WHERE period_id = %s",
            [period_id],
        )
        return {row[0]: row[1:] for row in cursor.fetchall()}
