"""warning: a full early-warning scan over 24 months of complaints, against one grouped count query.

The scan judges every institution, category, cause and region series and their combinations by day,
week and month, looks for emerging topics and scores the watch list (manage.py warning_scan does the
same). The baseline, in the same run on the same rows, is one grouped count query: complaints per
institution × category × region, fetched in full. Target: the full scan in ≤ 10 s at 1M on 2 cores.

The data (seeded, the shares and rhythm of the demo generator) is written once per size with
bulk inserts into var/bench/warning-<size>/ and reused while its row count matches. One anomaly of
known size is planted: an extra burst of complaints about one mid-sized institution on the last day;
the scan must find it (a fast scan that misses it fails).
"""

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

from common import PYTHON, ROOT, SEED, check, machine, peak_rss_kib

ROWS = {"small": 20_000, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}
REPEATS = {"small": 3, "10k": 5, "100k": 5, "1m": 3}
END = date(2025, 12, 31)
BURST = 0.004  # the planted burst: 0.4% of the data set on one day, about three days' worth for the whole province
TARGET_SECONDS = 10.0


def run(size: str, out_dir: Path) -> dict[str, Any]:
    scratch = out_dir / f"warning-{size}"
    scratch.mkdir(parents=True, exist_ok=True)
    result_path = scratch / "result.json"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(XIAOBAO_VAR_DIR=str(scratch), DATABASE_URL=f"sqlite:///{scratch / 'xiaobao.sqlite3'}", DEBUG="0")
    subprocess.run(
        [PYTHON, str(Path(__file__)), "--worker", "--size", size, "--out", str(result_path)],
        env=env,
        cwd=ROOT,
        check=True,
    )
    r = json.loads(result_path.read_text())
    scan, base = r["scan_seconds"], r["baseline_seconds"]
    series_only = r["series_seconds"]
    p50 = statistics.median(scan)
    rows = [
        ("baseline: one grouped count", len(base), statistics.median(base), max(base), 1.0),
        ("scan: series only", len(series_only), statistics.median(series_only), max(series_only), None),
        ("scan: full (series, topics, risk)", len(scan), p50, max(scan), None),
    ]
    rows = [(n, k, m, mx, round(m / statistics.median(base), 1)) for n, k, m, mx, _r in rows]
    checks = [
        check("rows in the data set", r["rows"], f"= {r['expected_rows']}", r["rows"] == r["expected_rows"]),
        check(
            "grouped counts add up to the rows",
            r["baseline_sum"],
            f"= {r['rows']}",
            r["baseline_sum"] == r["rows"],
        ),
        check(
            "monthly series totals add up to the rows",
            r["month_total"],
            f"= {r['rows']}",
            r["month_total"] == r["rows"],
        ),
        check("planted burst found", r["burst_found"], "True", r["burst_found"]),
    ]
    if size == "1m":
        checks.append(check("full scan p50 (s)", round(p50, 2), f"≤ {TARGET_SECONDS}", p50 <= TARGET_SECONDS))
    return {
        "title": f"warning ({r['rows']:,} complaints, SQLite, {machine()['cores']} cores)",
        "columns": ["what", "runs", "median s", "max s", "× baseline"],
        "rows": rows,
        "checks": checks,
        "notes": [
            f"series tested per scan: {r['series']}; alerts found: {r['alerts']} (planted: {r['burst_key']})",
            f"data build: {r['build_seconds']:.0f} s (reused when present); worker peak RSS {r['peak_rss_mib']} MiB",
        ],
        **{k: v for k, v in r.items() if k != "rows"},
        "complaints": r["rows"],
    }


# ---------------------------------------------------------------------------------------------
# Inside the benchmark's Django process


def _build(n: int) -> float:
    """Write n generated complaints plus the planted burst with bulk inserts; returns seconds taken."""
    from django.db import connection, transaction
    from django.utils import timezone

    from xiaobao.complaints.models import Complaint
    from xiaobao.lib.crypto import encrypt
    from xiaobao.registry.models import Category, DeadlineRuleSet, Institution
    from xiaobao.registry.selectors import supervision_line_for

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from common import generated_complaints, generator_reference

    started = time.monotonic()
    Complaint.objects.all().delete()
    reference = generator_reference(END)
    institutions = {i.uscc: i for i in Institution.objects.select_related("region", "type")}
    categories = dict(Category.objects.values_list("code", "pk"))
    authorities = {}
    for uscc, inst in institutions.items():
        line = supervision_line_for(institution=inst, on=END)
        if line is not None:
            authorities[uscc] = line.authority_id
    rule_set = DeadlineRuleSet.objects.order_by("valid_from").first().pk
    # The scan reads none of the personal fields: one ciphertext stands for every complainant.
    name, phone = encrypt("压测"), encrypt("13800000000")
    fields = [
        "number",
        "status",
        "submitted_via",
        "received_at",
        "rule_set_id",
        "idempotency_key",
        "guest_code_hash",
        "complainant_name",
        "id_number",
        "phone",
        "email",
        "address",
        "identity_hash",
        "region_id",
        "institution_id",
        "authority_id",
        "channel_id",
        "business_id",
        "cause_id",
        "summary",
        "narrative",
        "consent_publish",
        "level",
        "remedies_open",
        "decision",
        "remedy",
        "outcome",
        "feedback",
        "review_result",
        "is_imported",
    ]
    table = Complaint._meta.db_table
    # Table and column names come from the model, never from input.
    sql = f"INSERT INTO {table} ({', '.join(fields)}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
    tz = timezone.get_current_timezone()

    def row(i: int, c: dict[str, Any]) -> tuple[Any, ...]:
        received = connection.ops.adapt_datetimefield_value(c["received_at"].replace(tzinfo=tz))
        return (
            f"BW-{i:08d}",
            "closed",
            "web",
            received,
            rule_set,
            "",
            "",
            name,
            "",
            phone,
            "",
            "",
            "",
            c["region"],
            institutions[c["institution"]].pk,
            authorities[c["institution"]],
            categories.get(c["channel"]) if c["channel"] else None,
            categories[c["business"]],
            categories.get(c["cause"]) if c["cause"] else None,
            c["summary"],
            c["narrative"],
            False,
            "ordinary",
            "[]",
            "",
            "",
            "",
            "",
            "",
            False,
        )

    batch: list[tuple[Any, ...]] = []
    i = 0
    burst_n = max(20, int(n * BURST))
    burst_inst = _burst_institution(reference)
    usual = generated_complaints(n, reference=reference)
    # The burst's complaints come from a stream of their own, so the usual n are the same with or without it.
    burst = generated_complaints(burst_n, seed=SEED + 1, reference=reference)
    with connection.cursor() as cursor:
        for c in itertools.chain(usual, burst):
            if i >= n:
                # The planted burst: this institution, the last day, its usual mix of categories.
                c["institution"] = burst_inst
                c["received_at"] = datetime.combine(END, c["received_at"].time())
            batch.append(row(i, c))
            i += 1
            if len(batch) == 5000:
                with transaction.atomic():
                    cursor.executemany(sql, batch)
                batch = []
        if batch:
            with transaction.atomic():
                cursor.executemany(sql, batch)
    (Path(os.environ["XIAOBAO_VAR_DIR"]) / "burst.json").write_text(json.dumps({"institution": burst_inst}))
    return time.monotonic() - started


def _burst_institution(reference: Any) -> str:
    """A mid-sized institution: the median head office by customers, so the burst is neither lost nor obvious."""
    from xiaobao.registry.selectors import size_figures_for

    heads = sorted({reference.heads[pk] for pk in reference.institutions})
    sizes = size_figures_for(heads, END.year)

    def customers(pk: int) -> tuple[int, str]:
        figure = sizes.get(pk)
        return (figure.personal_customers if figure and figure.personal_customers else 100_000), reference.institutions[
            pk
        ].uscc

    return reference.institutions[sorted(heads, key=customers)[len(heads) // 2]].uscc


def _worker(size: str, out: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Count

    from xiaobao.complaints.models import Complaint, Notification
    from xiaobao.registry.models import Institution
    from xiaobao.registry.services import reference_load
    from xiaobao.warning import selectors
    from xiaobao.warning.models import Alert, ScanRun
    from xiaobao.warning.services import scan_run

    call_command("migrate", verbosity=0)
    reference_load()
    n = ROWS[size]
    expected = n + max(20, int(n * BURST))
    build = 0.0
    if Complaint.objects.count() != expected:
        build = _build(n)
    rows = Complaint.objects.count()
    burst_uscc = json.loads((Path(os.environ["XIAOBAO_VAR_DIR"]) / "burst.json").read_text())["institution"]
    burst_name = Institution.objects.get(uscc=burst_uscc).name

    def clear() -> None:
        Alert.objects.all().delete()
        ScanRun.objects.all().delete()
        Notification.objects.all().delete()

    def timed(fn: Any) -> float:
        started = time.perf_counter()
        fn()
        return time.perf_counter() - started

    baseline_sum = 0

    def baseline() -> None:
        nonlocal baseline_sum
        counts = list(
            Complaint.objects.values_list("institution_id", "business_id", "region_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        baseline_sum = sum(c[3] for c in counts)

    found: dict[str, Any] = {}

    def full() -> None:
        found["result"] = scan_run(as_of=END)

    def series() -> None:
        found["series"] = scan_run(as_of=END, topics=False, risk_index=False)

    repeats = REPEATS[size]
    baseline_s, series_s, scan_s = [], [], []
    timed(baseline)  # warm the page cache once, for both sides alike
    for _ in range(repeats):
        baseline_s.append(timed(baseline))
        clear()
        series_s.append(timed(series))
        clear()
        scan_s.append(timed(full))
    alerts = found["result"].alerts
    month = selectors.complaint_counts(
        granularity="month", first=date(END.year - 2, END.month, 1), current=END.replace(day=1), heads={}
    )
    result = {
        "rows": rows,
        "expected_rows": expected,
        "build_seconds": build,
        "baseline_seconds": baseline_s,
        "series_seconds": series_s,
        "scan_seconds": scan_s,
        "baseline_sum": baseline_sum,
        "month_total": sum(month.totals),
        "series": found["result"].run.series,
        "alerts": len(alerts),
        "burst_key": burst_name,
        "burst_found": any(
            a.dimension == "institution" and a.key == burst_name and a.period_start == END for a in alerts
        ),
        "alerts_sample": [
            {"dimension": a.dimension, "granularity": a.granularity, "key": a.key, "observed": a.observed}
            for a in alerts[:20]
        ],
        "peak_rss_mib": peak_rss_kib() // 1024,
    }
    out.write_text(json.dumps(result, ensure_ascii=False, default=str))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", action="store_true")
    parser.add_argument("--size", default="small")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.worker:
        _worker(args.size, args.out)
    else:
        print("run through bench/run.py: .venv/bin/python bench/run.py --name warning --size 100k")
