"""publish: building the public projection (scrub + coarse fields + search tokens) from the complaints.

Baseline in the same run: reading the same rows through the same selector without building anything.
Measured: the first build into an empty projection, then an incremental run with nothing changed.
Checks: one public row per publishable complaint, and none of the names, phones and ID numbers the
data put into narratives appears in anything published.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from _public import COUNTS, inside, prepare
from common import check, machine, peak_rss_kib

TARGET_ROWS_PER_S = 20_000
DATABASES = ("sqlite", "postgresql")
COLUMNS = ["database", "phase", "rows", "seconds", "rows/s", "vs read"]


def run(size: str, out_dir: Path) -> dict[str, Any]:
    rows: list[list[Any]] = []
    checks: list[dict[str, Any]] = []
    notes: list[str] = []
    results: dict[str, Any] = {}
    for db in _databases():
        scratch, env, built = prepare(db, size, out_dir)
        secrets = scratch / "secrets.json"
        secrets.write_text(json.dumps(built["secrets"], ensure_ascii=False))
        r = inside(env, scratch, "--measure", str(secrets), script=Path(__file__).resolve())
        results[db] = {"seed": {k: v for k, v in built.items() if k != "secrets"}, **r}
        read = r["read"]["rows"] / r["read"]["seconds"]
        for phase in ("read", "first_build", "incremental"):
            p = r[phase]
            rate = p["rows"] / p["seconds"] if p["seconds"] else 0.0
            rows.append([db, phase, p["rows"], round(p["seconds"], 2), round(rate), round(rate / read, 3)])
        first = r["first_build"]["rows"] / r["first_build"]["seconds"]
        checks += [
            check(f"{db}: first build rows/s", round(first), f"≥ {TARGET_ROWS_PER_S:,}", first >= TARGET_ROWS_PER_S),
            check(
                f"{db}: public rows = publishable complaints",
                f"{r['public_rows']} / {r['publishable']}",
                "equal",
                r["public_rows"] == r["publishable"],
            ),
            check(f"{db}: personal data published", r["leaks"], "0", r["leaks"] == 0),
        ]
        notes.append(
            f"{db}: {built['complaints']:,} complaints bulk-inserted in {built['seconds']} s; "
            f"{r['narratives']:,} narratives published and scrubbed; {r['secrets_checked']} planted names, phones "
            f"and ID numbers looked for; peak RSS {r['peak_rss_mib']} MiB"
        )
    m = machine()
    notes.append(f"machine: {m['cores']} cores, {m['memory_mib']:,} MiB, load average {m['load_average']}, {m['cpu']}")
    return {
        "title": f"publish: public projection of {COUNTS[size]:,} complaints",
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


def measure(secrets_path: Path) -> dict[str, Any]:
    from xiaobao.complaints import selectors as complaint_selectors
    from xiaobao.disclosure.models import PublicComplaint
    from xiaobao.disclosure.services import public_rebuild

    # Baseline: the same reads, nothing built.
    started, after, n = time.perf_counter(), 0, 0
    while batch := complaint_selectors.publication_batch(after_pk=after, limit=2000):
        after, n = batch[-1]["pk"], n + len(batch)
    read = {"rows": n, "seconds": time.perf_counter() - started}

    PublicComplaint.objects.all().delete()
    started = time.perf_counter()
    build = public_rebuild()
    first = {"rows": build.complaints, "seconds": time.perf_counter() - started, "written": build.written}
    started = time.perf_counter()
    again = public_rebuild()
    incremental = {"rows": again.complaints, "seconds": time.perf_counter() - started, "written": again.written}

    secrets = sorted({s for s in json.loads(secrets_path.read_text()) if len(s) >= 2})
    # One pass over everything published (a LIKE scan per secret took minutes at a million rows).
    leaks = 0
    narratives = PublicComplaint.objects.filter(has_narrative=True)
    for summary, narrative, tokens in narratives.values_list("summary", "narrative", "narrative_tokens").iterator(
        chunk_size=10_000
    ):
        text = f"{summary}\n{narrative}\n{tokens}"
        leaks += sum(1 for secret in secrets if secret in text)
    return {
        "read": read,
        "first_build": first,
        "incremental": incremental,
        "public_rows": PublicComplaint.objects.count(),
        "publishable": complaint_selectors.publishable_pks().count(),
        "narratives": narratives.count(),
        "secrets_checked": len(secrets),
        "leaks": leaks,
        "peak_rss_mib": round(peak_rss_kib() / 1024, 1),
    }


def _main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measure", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    args.out.write_text(json.dumps(measure(args.measure), ensure_ascii=False, default=str))


if __name__ == "__main__":
    sys.exit(_main())
