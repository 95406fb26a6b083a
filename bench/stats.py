"""stats: per-institution normalised statistics and monthly trends over the public projection.

Measured: the selectors publications and the public API call (institution_stats for the whole period
and for one year, trends by month overall and by product). Baseline in the same run: DuckDB computing
the same figures over the same rows (loaded into DuckDB beforehand; the load is not timed).
Checks: per-institution counts, timely shares and medians equal DuckDB's; monthly counts equal.
"""

import argparse
import csv
import json
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from _public import COUNTS, inside, prepare
from common import check, latency_ms, machine, peak_rss_kib

TARGET_RATIO = 3.0
REPEATS = {"small": 5, "10k": 5, "100k": 5, "1m": 3}
DATABASES = ("sqlite", "postgresql")
COLUMNS = ["database", "query", "project p50 ms", "DuckDB p50 ms", "ratio"]


def run(size: str, out_dir: Path) -> dict[str, Any]:
    rows: list[list[Any]] = []
    checks: list[dict[str, Any]] = []
    notes: list[str] = []
    results: dict[str, Any] = {}
    for db in _databases():
        scratch, env, _built = prepare(db, size, out_dir)
        r = inside(env, scratch, "--measure", str(REPEATS[size]), script=Path(__file__).resolve())
        results[db] = r
        ratios = []
        for name, q in r["queries"].items():
            ratio = q["project"]["p50"] / q["duckdb"]["p50"] if q["duckdb"]["p50"] else float("inf")
            ratios.append(ratio)
            rows.append([db, name, q["project"]["p50"], q["duckdb"]["p50"], round(ratio, 2)])
        total_project = sum(q["project"]["p50"] for q in r["queries"].values())
        total_duck = sum(q["duckdb"]["p50"] for q in r["queries"].values())
        overall = total_project / total_duck if total_duck else float("inf")
        rows.append([db, "all (sum of p50)", round(total_project, 1), round(total_duck, 1), round(overall, 2)])
        checks += [
            check(
                f"{db}: project / DuckDB (sum of p50)", round(overall, 2), f"≤ {TARGET_RATIO}", overall <= TARGET_RATIO
            ),
            check(f"{db}: figures equal DuckDB's", r["mismatches"] or "none", "none", not r["mismatches"]),
        ]
        notes.append(
            f"{db}: {r['rows']:,} public rows, {r['institutions']} institutions listed (≥ 30 complaints); "
            f"DuckDB load {r['duckdb_load_s']} s (not timed in the ratio); peak RSS {r['peak_rss_mib']} MiB"
        )
    m = machine()
    notes.append(f"machine: {m['cores']} cores, {m['memory_mib']:,} MiB, load average {m['load_average']}, {m['cpu']}")
    return {
        "title": f"stats: {COUNTS[size]:,} complaints, project selectors vs DuckDB, {REPEATS[size]} runs each",
        "columns": COLUMNS,
        "rows": rows,
        "checks": checks,
        "notes": notes,
        "machine": m,
        "results": results,
    }


def _databases() -> tuple[str, ...]:
    chosen = os.environ.get("BENCH_DATABASES")
    return tuple(chosen.split(",")) if chosen else DATABASES


def _timed(fn: Any, repeats: int) -> tuple[Any, dict[str, float]]:
    times, result = [], None
    for _i in range(repeats):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return result, latency_ms(times)


DUCK_STATS = """
SELECT group_id, count(*) AS complaints,
       count(*) FILTER (WHERE timely) AS timely_yes, count(timely) AS timely_known,
       count(*) FILTER (WHERE outcome IN ('upheld', 'partly')) AS upheld,
       count(*) FILTER (WHERE outcome <> '') AS answered,
       median(days_to_answer) AS median_days, avg(satisfaction) AS satisfaction_avg,
       count(*) FILTER (WHERE review_requested) AS reviews, count(*) FILTER (WHERE mediation) AS mediations
FROM t WHERE date_received BETWEEN ? AND ? GROUP BY group_id HAVING count(*) >= 30
"""
DUCK_TREND = "SELECT date_trunc('month', date_received) AS m, count(*) FROM t GROUP BY m ORDER BY m"
DUCK_TREND_PRODUCT = """
WITH top AS (SELECT product_id FROM t GROUP BY product_id ORDER BY count(*) DESC LIMIT 5)
SELECT date_trunc('month', date_received) AS m, product_id, count(*) FROM t
WHERE product_id IN (SELECT product_id FROM top) GROUP BY m, product_id ORDER BY m, product_id
"""


def measure(repeats: int) -> dict[str, Any]:
    import duckdb

    from xiaobao.disclosure import selectors
    from xiaobao.disclosure.models import PublicComplaint
    from xiaobao.disclosure.services import public_rebuild

    if not PublicComplaint.objects.exists():
        public_rebuild()
    columns = ["group_id", "product_id", "date_received", "timely", "outcome", "days_to_answer", "satisfaction",
               "review_requested", "mediation"]  # fmt: skip
    started = time.perf_counter()
    duck = duckdb.connect()
    duck.execute(
        "CREATE TABLE t (group_id BIGINT, product_id BIGINT, date_received DATE, timely BOOLEAN, outcome VARCHAR, "
        "days_to_answer INTEGER, satisfaction SMALLINT, review_requested BOOLEAN, mediation BOOLEAN)"
    )
    # Through a CSV file: DuckDB reads one in seconds, where inserting a million tuples took minutes.
    with tempfile.NamedTemporaryFile("w", suffix=".csv", newline="") as f:
        writer = csv.writer(f)
        for row in PublicComplaint.objects.values_list(*columns).iterator(chunk_size=20_000):
            writer.writerow([r"\N" if v is None else v for v in row])
        f.flush()
        duck.execute(
            "INSERT INTO t SELECT * FROM read_csv(?, header=false, nullstr='\\N', columns={"
            "'group_id': 'BIGINT', 'product_id': 'BIGINT', 'date_received': 'DATE', 'timely': 'BOOLEAN', "
            "'outcome': 'VARCHAR', 'days_to_answer': 'INTEGER', 'satisfaction': 'SMALLINT', "
            "'review_requested': 'BOOLEAN', 'mediation': 'BOOLEAN'})",
            [f.name],
        )
    load_s = round(time.perf_counter() - started, 1)

    first, last = (
        PublicComplaint.objects.order_by("date_received").values_list("date_received", flat=True)[:1][0],
        (PublicComplaint.objects.order_by("-date_received").values_list("date_received", flat=True)[:1][0]),
    )
    year_start = date(last.year, 1, 1)
    queries: dict[str, Any] = {}
    mismatches: list[str] = []

    def stats_pair(name: str, start: date, end: date) -> None:
        ours, t_ours = _timed(lambda: selectors.institution_stats(start=start, end=end), repeats)
        theirs, t_duck = _timed(lambda: duck.execute(DUCK_STATS, [start, end]).fetchall(), repeats)
        queries[name] = {"project": t_ours, "duckdb": t_duck}
        by_group = {r[0]: r for r in theirs}
        if len(ours) != len(theirs):
            mismatches.append(f"{name}: {len(ours)} institutions, DuckDB {len(theirs)}")
        for row in ours:
            d = by_group.get(row["institution_id"])
            if (
                d is None
                or d[1] != row["complaints"]
                or row["median_days_to_answer"] != (float(d[6]) if d[6] is not None else None)
            ):
                mismatches.append(f"{name}: institution {row['institution_id']}")
                break

    stats_pair("institutions, whole period", first, last)
    stats_pair("institutions, latest year", year_start, last)
    # Mid-month to mid-month: the monthly totals answer the months between, the rows the days at either end.
    stats_pair("institutions, 15 Mar to 14 Nov", date(last.year, 3, 15), date(last.year, 11, 14))
    ours, t_ours = _timed(lambda: selectors.trends(interval="month"), repeats)
    theirs, t_duck = _timed(lambda: duck.execute(DUCK_TREND).fetchall(), repeats)
    queries["trend by month"] = {"project": t_ours, "duckdb": t_duck}
    if [r["count"] for r in ours] != [r[1] for r in theirs]:
        mismatches.append("trend by month")
    ours, t_ours = _timed(lambda: selectors.trends(interval="month", lens="product"), repeats)
    theirs, t_duck = _timed(lambda: duck.execute(DUCK_TREND_PRODUCT).fetchall(), repeats)
    queries["trend by month × product (top 5)"] = {"project": t_ours, "duckdb": t_duck}
    if sum(r["count"] for r in ours) != sum(r[2] for r in theirs):
        mismatches.append("trend by product")
    return {
        "rows": PublicComplaint.objects.count(),
        "institutions": len(selectors.institution_stats(start=first, end=last)),
        "duckdb_load_s": load_s,
        "queries": queries,
        "mismatches": mismatches,
        "peak_rss_mib": round(peak_rss_kib() / 1024, 1),
    }


def _main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measure", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    args.out.write_text(json.dumps(measure(args.measure), ensure_ascii=False, default=str))


if __name__ == "__main__":
    sys.exit(_main())
