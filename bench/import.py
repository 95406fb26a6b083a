"""Bulk import of historical complaints: `manage.py import_complaints` on a CSV in the CFPB public
layout and in the platform's template, on SQLite and on PostgreSQL, against the engine's own bulk
loader of the same file into a bare table (the raw rate): the sqlite3 shell's `.import`, and
PostgreSQL's COPY (through psql's \\copy). On SQLite the ratio is of CPU time, the steadier figure;
on PostgreSQL the server does much of the work outside the measured process, so wall time.

Each import runs in its own process on a fresh database, so its peak RSS is the importer's alone;
flat memory means the peak at 1M rows is about the peak at 100k. The answers are checked: the rows
imported must be the rows written, and a second run of the same file must import none.
"""

import csv
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from common import PYTHON, ROOT, SEED, check

ROWS = {"small": 5_000, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}
TARGET_RATIO = 0.30
SQLITE3 = shutil.which("sqlite3")
PSQL = shutil.which("psql")
DATABASES = ("sqlite", "postgresql")
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_NAME = "xiaobao_bench_import"

CFPB_HEADER = [
    "Date received", "Product", "Sub-product", "Issue", "Sub-issue", "Consumer complaint narrative",
    "Company public response", "Company", "State", "ZIP code", "Tags", "Consumer consent provided?",
    "Submitted via", "Date sent to company", "Company response to consumer", "Timely response?",
    "Consumer disputed?", "Complaint ID",
]  # fmt: skip
TEMPLATE_HEADER = [
    "来源编号", "收到日期", "被投诉机构", "业务类别", "投诉原因", "投诉事项", "投诉内容", "同意公开", "投诉渠道",
    "转办日期", "答复日期", "处理结果", "处理意见",
]  # fmt: skip
STATES = ["CA", "TX", "FL", "NY", "GA", "IL", "PA", "OH", "NC", "MI"]
RESPONSES = [
    ("Closed with explanation", 0.78),
    ("Closed with non-monetary relief", 0.12),
    ("Closed with monetary relief", 0.06),
    ("Untimely response", 0.02),
    ("Closed", 0.02),
]
NARRATIVE_WORDS = [
    "account",
    "payment",
    "fee",
    "interest",
    "charged",
    "refund",
    "called",
    "letter",
    "bank",
    "card",
    "late",
    "report",
    "debt",
]


def _cfpb_rows(n: int) -> Any:
    from xiaobao.complaints.import_mappings import CFPB_ISSUES, CFPB_PRODUCTS

    rng = random.Random(SEED)
    # ~3,000 companies, as in the CFPB's own data; a few names come in two casings, as there.
    companies = [f"Company {i:04d} Financial, Inc." for i in range(3000)]
    products = [p for p, _code in CFPB_PRODUCTS]
    issues = [i for i, _code in CFPB_ISSUES] + ["An issue the mapping lacks"]
    responses, weights = zip(*RESPONSES, strict=True)
    start = date(2023, 1, 1)
    for i in range(n):
        received = start + timedelta(days=rng.randrange(730))
        sent = received + timedelta(days=rng.choice((0, 0, 1, 2, 5)))
        company = companies[min(int(rng.paretovariate(1.2)) - 1, 2999)]
        if rng.random() < 0.05:
            company = company.upper()
        us_dates = i % 2 == 1  # half the rows in the US date format
        fmt = "%m/%d/%Y" if us_dates else "%Y-%m-%d"
        consent = rng.random() < 0.3
        narrative = " ".join(rng.choices(NARRATIVE_WORDS, k=40)) + "\nSecond line." if consent else ""
        yield [
            received.strftime(fmt), rng.choice(products), "", rng.choice(issues), "", narrative, "",
            company, rng.choice(STATES), "", "Older American" if rng.random() < 0.1 else "",
            "Consent provided" if consent else "Consent not provided", "Web", sent.strftime(fmt),
            rng.choices(responses, weights)[0], "Yes" if rng.random() < 0.97 else "No", "N/A", str(1_000_000 + i),
        ]  # fmt: skip


def _template_rows(n: int, institutions: list[str], business: list[str], causes: list[str]) -> Any:
    rng = random.Random(SEED + 1)
    start = date(2023, 1, 1)
    outcomes = ["支持诉求", "部分支持", "不支持", ""]
    for i in range(n):
        received = start + timedelta(days=rng.randrange(730))
        sent = received + timedelta(days=rng.choice((1, 2, 3)))
        answered = sent + timedelta(days=rng.randrange(1, 20))
        yield [
            f"H-{i:08d}", received.isoformat(), rng.choice(institutions), rng.choice(business), rng.choice(causes),
            "信用卡年费未经同意被扣收", "办理时承诺免年费，但账单扣收年费600元。" if rng.random() < 0.5 else "",
            "是" if rng.random() < 0.3 else "否", "电话", sent.isoformat(), answered.isoformat(), rng.choice(outcomes),
            "经核实，已向客户解释并退还年费。",
        ]  # fmt: skip


def _write_csv(path: Path, header: list[str], rows: Any) -> int:
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def _env(scratch: Path, db: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(
        DEBUG="0",
        XIAOBAO_VAR_DIR=str(scratch),
        LOG_LEVEL="WARNING",
        PYTHONDONTWRITEBYTECODE="1",
        DATABASE_URL=f"{PG_SERVER}/{PG_NAME}" if db == "postgresql" else f"sqlite:///{scratch / 'xiaobao.sqlite3'}",
    )
    return env


def _pg(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _databases() -> tuple[str, ...]:
    chosen = os.environ.get("BENCH_DATABASES")
    return tuple(chosen.split(",")) if chosen else DATABASES


def _timed(cmd: list[str], env: dict[str, str] | None, log: Path, stdin: str | None = None) -> tuple[float, int, float]:
    """Wall seconds, the command's peak RSS in KiB and its CPU seconds (user + system).

    CPU seconds are the steadier figure on a shared machine: other people's work slows the wall
    clock of both the import and its baseline, but not the CPU time each of them needs."""
    started = time.monotonic()
    with log.open("a") as f:
        f.write(f"$ {' '.join(cmd)}\n")
        f.flush()
        # A fresh helper process per measurement, so RUSAGE_CHILDREN holds this command's peak alone.
        probe = (
            "import resource,subprocess,sys,json;"
            "r=subprocess.run(sys.argv[1:]).returncode;"
            "u=resource.getrusage(resource.RUSAGE_CHILDREN);"
            "print(json.dumps([r,u.ru_maxrss,u.ru_utime+u.ru_stime]),file=sys.stderr)"
        )
        done = subprocess.run(
            [sys.executable, "-c", probe, *cmd],
            cwd=ROOT,
            env=env,
            input=stdin,
            stdout=f,
            stderr=subprocess.PIPE,
            text=True,
        )
    seconds = time.monotonic() - started
    code, rss, cpu = json.loads(done.stderr.strip().splitlines()[-1])
    if code:
        raise RuntimeError(f"{cmd[:4]} failed, see {log}:\n{log.read_text()[-2000:]}")
    return seconds, rss, cpu


def _raw_rate(path: Path, scratch: Path, columns: int, log: Path) -> tuple[float, float, str]:
    db = scratch / "raw.sqlite3"
    db.unlink(missing_ok=True)
    cols = ", ".join(f"c{i} TEXT" for i in range(columns))
    if SQLITE3:
        script = f"CREATE TABLE raw ({cols});\n.import --csv --skip 1 {path} raw\n"
        seconds, _rss, cpu = _timed([SQLITE3, str(db)], None, log, stdin=script)
        return seconds, cpu, "sqlite3 .import"
    import sqlite3

    started = time.monotonic()
    conn = sqlite3.connect(db)
    conn.execute(f"CREATE TABLE raw ({cols})")
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        conn.executemany(f"INSERT INTO raw VALUES ({', '.join('?' * columns)})", reader)  # noqa: S608 - a fixed count of placeholders
    conn.commit()
    conn.close()
    seconds = time.monotonic() - started
    return seconds, seconds, "Python sqlite3 executemany (no sqlite3 CLI)"


def _copy_rate(path: Path, columns: int, log: Path) -> tuple[float, float, str]:
    """PostgreSQL's own loader: COPY of the same CSV into a bare table of TEXT columns."""
    cols = ", ".join(f"c{i} TEXT" for i in range(columns))
    _pg(f"DROP DATABASE IF EXISTS {PG_NAME}_raw WITH (FORCE)")
    _pg(f"CREATE DATABASE {PG_NAME}_raw")
    script = f"CREATE TABLE raw ({cols});\n\\copy raw FROM '{path}' WITH (FORMAT csv, HEADER true)\n"
    seconds, _rss, cpu = _timed(
        [PSQL, "-q", "-v", "ON_ERROR_STOP=1", f"{PG_SERVER}/{PG_NAME}_raw"], None, log, stdin=script
    )
    _pg(f"DROP DATABASE IF EXISTS {PG_NAME}_raw WITH (FORCE)")
    return seconds, cpu, "PostgreSQL COPY (psql \\copy)"


def _count_imported(env: dict[str, str], scratch: Path, source: str) -> int:
    out = scratch / "count.json"
    code = (
        "import django,json,sys;django.setup();"
        "from xiaobao.complaints.models import Complaint;"
        f"json.dump(Complaint.objects.filter(source={source!r}).count(),open({str(out)!r},'w'))"
    )
    subprocess.run([PYTHON, "-c", code], cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"}, check=True)
    return json.loads(out.read_text())


def _template_reference(env: dict[str, str], scratch: Path) -> tuple[list[str], list[str], list[str]]:
    out = scratch / "ref.json"
    code = (
        "import django,json;django.setup();"
        "from xiaobao.registry.models import Category, Institution;"
        "json.dump([list(Institution.objects.values_list('name',flat=True)),"
        "list(Category.objects.filter(dimension='business',level=2).values_list('code',flat=True)),"
        "list(Category.objects.filter(dimension='cause').values_list('code',flat=True))],"
        f"open({str(out)!r},'w'),ensure_ascii=False)"
    )
    subprocess.run([PYTHON, "-c", code], cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"}, check=True)
    return tuple(json.loads(out.read_text()))  # type: ignore[return-value]


def run(size: str, out_dir: Path) -> dict[str, Any]:
    n = ROWS[size]
    # The second run proves idempotence; at 1M it would double a long run to prove what 100k proved.
    rerun = size != "1m"
    rows, checks, details, baselines = [], [], {}, {}
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        scratch = Path(tmp)
        log = scratch / "setup.log"
        files: dict[str, Path] = {}
        for db in _databases():
            env = _env(scratch, db)
            # One migrated database with the reference data, copied fresh for each import.
            if db == "postgresql":
                _pg(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
                _pg(f"DROP DATABASE IF EXISTS {PG_NAME}_pristine WITH (FORCE)")
                _pg(f"CREATE DATABASE {PG_NAME}_pristine")
                pristine_env = {**env, "DATABASE_URL": f"{PG_SERVER}/{PG_NAME}_pristine"}
            else:
                pristine_env = env
            _timed([PYTHON, "manage.py", "migrate", "--no-input", "-v0"], pristine_env, log)
            _timed([PYTHON, "manage.py", "load_reference", "--no-calendar"], pristine_env, log)
            pristine = scratch / "pristine.sqlite3"
            if db == "sqlite":
                shutil.copy(scratch / "xiaobao.sqlite3", pristine)
            institutions, business, causes = _template_reference(pristine_env, scratch)
            # Django's start-up is in every command's figures: measured once, taken out of the rates.
            startup_seconds, _rss, startup_cpu = _timed([PYTHON, "manage.py", "check", "-v0"], pristine_env, log)
            for profile, header, generate, args in (
                ("cfpb", CFPB_HEADER, _cfpb_rows, (n,)),
                ("xiaobao", TEMPLATE_HEADER, _template_rows, (n, institutions, business, causes)),
            ):
                path = scratch / f"{profile}.csv"
                if profile not in files:  # the same file for both databases
                    _write_csv(path, header, generate(*args))
                    files[profile] = path
                written = sum(1 for _line in csv.reader(path.open(encoding="utf-8-sig", newline=""))) - 1
                megabytes = path.stat().st_size / 1e6
                if db == "postgresql":
                    raw_seconds, raw_cpu, baseline = _copy_rate(path, len(header), log)
                    _pg(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
                    _pg(f"CREATE DATABASE {PG_NAME} TEMPLATE {PG_NAME}_pristine")
                else:
                    raw_seconds, raw_cpu, baseline = _raw_rate(path, scratch, len(header), log)
                    shutil.copy(pristine, scratch / "xiaobao.sqlite3")
                    for suffix in ("-wal", "-shm"):
                        (scratch / f"xiaobao.sqlite3{suffix}").unlink(missing_ok=True)
                baselines[db] = baseline
                cmd = [PYTHON, "manage.py", "import_complaints", str(path), "--format", profile, "--no-progress"]
                seconds, rss_kib, cpu = _timed(cmd, env, log)
                imported = _count_imported(env, scratch, profile)
                again_seconds, again = None, None
                if rerun:
                    again_seconds, _rss, _cpu = _timed(cmd, env, log)
                    again = _count_imported(env, scratch, profile)
                rate = written / max(seconds - startup_seconds, 1e-3)
                cpu_rate = written / max(cpu - startup_cpu, 1e-3)
                raw, raw_cpu_rate = written / raw_seconds, written / max(raw_cpu, 1e-3)
                # SQLite works inside the measured process, so its CPU time is all of the work; a
                # PostgreSQL server works outside it, so there only the wall clock tells.
                ratio = rate / raw if db == "postgresql" else cpu_rate / raw_cpu_rate
                rows.append(
                    [
                        db,
                        profile,
                        f"{written:,}",
                        f"{megabytes:,.0f} MB",
                        f"{rate:,.0f}",
                        f"{raw:,.0f}",
                        f"{rate / raw:.1%}",
                        f"{cpu_rate:,.0f}" if db == "sqlite" else "—",
                        f"{raw_cpu_rate:,.0f}" if db == "sqlite" else "—",
                        f"{cpu_rate / raw_cpu_rate:.1%}" if db == "sqlite" else "—",
                        f"{rss_kib / 1024:,.0f} MiB",
                        f"{again_seconds:.1f} s" if again_seconds is not None else "—",
                    ]
                )
                details[f"{db}:{profile}"] = {
                    "rows": written,
                    "file_bytes": path.stat().st_size,
                    "import_seconds": round(seconds, 2),
                    "import_cpu_seconds": round(cpu, 2),
                    "startup_seconds": round(startup_seconds, 2),
                    "startup_cpu_seconds": round(startup_cpu, 2),
                    "rows_per_second": round(rate),
                    "rows_per_cpu_second": round(cpu_rate),
                    "raw": baseline,
                    "raw_seconds": round(raw_seconds, 2),
                    "raw_cpu_seconds": round(raw_cpu, 2),
                    "raw_rows_per_second": round(raw),
                    "raw_rows_per_cpu_second": round(raw_cpu_rate),
                    "ratio_wall": round(rate / raw, 4),
                    "ratio_cpu": round(cpu_rate / raw_cpu_rate, 4),
                    "peak_rss_kib": rss_kib,
                    "rerun_seconds": round(again_seconds, 2) if again_seconds is not None else None,
                    "imported": imported,
                    "after_rerun": again,
                }
                # A long run prints each profile's figures as soon as they are in.
                print(f"  {db} {profile}: {json.dumps(details[f'{db}:{profile}'])}", flush=True)
                checks.append(
                    check(f"{db} {profile}: rows imported = rows written", imported, f"{written}", imported == written)
                )
                if rerun:
                    checks.append(
                        check(f"{db} {profile}: a second run adds nothing", again, f"{written}", again == written)
                    )
                checks.append(
                    check(
                        f"{db} {profile}: import / raw rate ({'wall' if db == 'postgresql' else 'CPU'})",
                        f"{ratio:.1%}",
                        f"≥ {TARGET_RATIO:.0%}",
                        ratio >= TARGET_RATIO,
                    )
                )
            if db == "postgresql":
                _pg(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
                _pg(f"DROP DATABASE IF EXISTS {PG_NAME}_pristine WITH (FORCE)")
    return {
        "title": f"import: {n:,} rows per file, {os.cpu_count()} cores",
        "columns": [
            "database",
            "profile",
            "rows",
            "file",
            "rows/s",
            "raw rows/s",
            "ratio",
            "rows/CPU-s",
            "raw rows/CPU-s",
            "CPU ratio",
            "peak RSS",
            "re-run",
        ],
        "rows": rows,
        "checks": checks,
        "notes": [
            *(
                f"{db} raw rate: {b} of the same CSV into a bare table of TEXT columns (no index, no validation)"
                for db, b in baselines.items()
            ),
            "rates exclude Django's start-up (measured alone per database)",
            "peak RSS: the import process's high-water mark (ru_maxrss); compare sizes for flatness",
            "re-run: the same file again, nothing to add (skipped at 1m; 100k proves it)",
        ],
        "details": details,
    }


if __name__ == "__main__":
    print("run through bench/run.py: make bench NAME=import SIZE=100k", file=sys.stderr)
    sys.exit(2)
