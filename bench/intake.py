"""intake: complaints filed over HTTP to a real server process, against the same server's ceiling.

For SQLite (WAL, a fresh var directory) and then PostgreSQL (a scratch database), this builds the
schema and the reference data, starts gunicorn, and lets 16 concurrent clients first hammer
GET /healthz (no database: the framework's ceiling on this machine) and then file complaints through
POST /api/v1/complaints/, each with its own Idempotency-Key. Every 201 is an acknowledgement; after
the server has shut down, every acknowledged number must be in the database and nothing else.

Server: gunicorn gthread workers, 2 per core with 4 threads each (16 request slots for 16 clients).
Threads keep connections alive as a load balancer does (sync workers close every connection, so the
ceiling would measure TCP set-up), and a thread waiting on the database does not stall its process.

Run as a script, it is the part that runs inside the benchmark's Django process: --prepare creates
the consumer and its token and prints the reference data; --verify checks acknowledged numbers.
"""

import argparse
import asyncio
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import traceback
from collections import Counter
from collections.abc import Awaitable, Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import httpx
from common import (
    PYTHON,
    ROOT,
    check,
    children_of,
    cpu_seconds,
    free_port,
    generated_complaints,
    latency_ms,
    machine,
    own_cpu_seconds,
    peak_rss_kib,
)

CLIENTS = 16
SECONDS = {"small": 10.0}  # every other size runs the contract's 30 s
DEFAULT_SECONDS = 30.0
WARMUP_SECONDS = 2.0  # first requests import lazily loaded modules and open connections: not measured
THREADS = 4
DATABASES = ("sqlite", "postgresql")
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_NAME = "xiaobao_bench"
TARGET_RATIO = 0.60
COMPLAINTS_URL = "/api/v1/complaints/"
CONSUMER = "bench-consumer"
# More than a 30 s phase files at the rates measured so far (about 90 a second), so none is filed twice.
PAYLOADS = 6_000
CONSUMERS = 200  # distinct complainants, each with an API token
VERSIONED = ("django", "gunicorn", "djangorestframework", "httpx", "psycopg")
COLUMNS = [
    "database",
    "phase",
    "s",
    "requests",
    "req/s",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "errors",
    "acked",
    "intake/ceiling",
]

# A request's outcome: (status as text, acknowledged complaint number or "", error detail or "").
Outcome = tuple[str, str, str]


def run(size: str, out_dir: Path) -> dict[str, Any]:
    seconds = SECONDS.get(size, DEFAULT_SECONDS)
    workers = 2 * (os.cpu_count() or 1)
    results: dict[str, dict[str, Any]] = {}
    for db in DATABASES:
        try:
            results[db] = _bench_database(db, out_dir=out_dir, seconds=seconds, workers=workers)
        except Exception as exc:
            traceback.print_exc()
            results[db] = {"error": f"{type(exc).__name__}: {exc}"}

    rows: list[list[Any]] = []
    checks: list[dict[str, Any]] = []
    notes: list[str] = []
    for db, r in results.items():
        if "error" in r:
            rows.append([db, "not run", None, None, None, None, None, None, None, None, None])
            checks.append(check(f"{db}: ran", r["error"], "completes", False))
            continue
        ceiling, intake, verify = r["ceiling"], r["intake"], r["verify"]
        ratio = intake["rps"] / ceiling["rps"] if ceiling["rps"] else 0.0
        r["ratio"] = round(ratio, 3)
        for phase in (ceiling, intake):
            lat = phase["latency_ms"]
            rows.append(
                [db, phase["name"], phase["seconds"], phase["requests"], phase["rps"], lat["p50"], lat["p95"],
                 lat["p99"], phase["errors"], phase["acknowledged"], round(ratio, 3) if phase is intake else None]
            )  # fmt: skip
        errors = sum(p["errors"] for p in (ceiling, intake, r["warmup"]["ceiling"], r["warmup"]["intake"]))
        acked = r["acknowledged_total"]
        checks += [
            check(f"{db}: intake / ceiling", round(ratio, 3), f"≥ {TARGET_RATIO:.2f}", ratio >= TARGET_RATIO),
            check(f"{db}: errors (warm-up included)", errors, "0", errors == 0),
            check(f"{db}: acknowledged but not stored", verify["missing_count"], "0", verify["missing_count"] == 0),
            check(
                f"{db}: rows stored = acknowledged",
                f"{verify['rows']} / {acked}",
                "equal",
                verify["rows"] == acked and r["acknowledged_unique"] == acked,
            ),
        ]
        notes.append(
            f"{db}: server peak RSS {r['server_peak_rss_mib']} MiB (VmHWM summed over master + "
            f"{r['workers_seen']} workers; shared pages count once per process), "
            f"client {r['client_peak_rss_mib']} MiB; "
            f"CPU seconds server/client: ceiling {ceiling['cpu_server_s']}/{ceiling['cpu_client_s']}, "
            f"intake {intake['cpu_server_s']}/{intake['cpu_client_s']}; "
            f"flagged as possible duplicates: {verify['duplicates_flagged']}; shutdown {r['shutdown']['how']}"
        )
    m = machine()
    notes.append(f"machine: {m['cores']} cores, {m['memory_mib']:,} MiB, load average {m['load_average']}, {m['cpu']}")
    return {
        "title": f"intake: {CLIENTS} clients, {seconds:.0f} s per phase, "
        f"gunicorn {workers} gthread workers × {THREADS} threads",
        "columns": COLUMNS,
        "rows": rows,
        "checks": checks,
        "notes": notes,
        "config": {
            "clients": CLIENTS,
            "seconds": seconds,
            "warmup_seconds": WARMUP_SECONDS,
            "server": f"gunicorn config.wsgi:application --worker-class gthread "
            f"--workers {workers} --threads {THREADS}",
            "versions": {
                pkg: version(pkg) for pkg in ("django", "gunicorn", "djangorestframework", "httpx", "psycopg")
            },
            "ceiling": "GET /healthz",
            "intake": f"POST {COMPLAINTS_URL} (Bearer token, one Idempotency-Key per request)",
        },
        "machine": m,
        "results": results,
    }


# ---------------------------------------------------------------------------------------------
# One database


def _bench_database(db: str, *, out_dir: Path, seconds: float, workers: int) -> dict[str, Any]:
    scratch = (out_dir / f"intake-{db}").resolve()
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    (scratch / "static").mkdir()  # STATIC_ROOT: WhiteNoise warns at start-up in every worker when it is missing
    env = _env(db, scratch)
    if db == "postgresql":
        _pg(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
        _pg(f"CREATE DATABASE {PG_NAME}")
    try:
        _manage(env, scratch, "migrate", "--no-input")
        _manage(env, scratch, "load_reference")
        prepared = _in_django(env, scratch, "--prepare")
        payloads = prepared["payloads"]
        server = Server(env, scratch / "gunicorn.log", workers=workers, threads=THREADS)
        server.start()
        try:
            figures = asyncio.run(_drive(server, prepared["tokens"], payloads, seconds=seconds, db=db))
            figures["server_peak_rss_mib"] = round(server.peak_rss_kib() / 1024, 1)
            figures["workers_seen"] = len(server.pids()) - 1
        finally:
            figures_shutdown = server.stop()
        figures["shutdown"] = figures_shutdown
        figures["client_peak_rss_mib"] = round(peak_rss_kib() / 1024, 1)
        acked_path = scratch / "acknowledged.json"
        acked_path.write_text(json.dumps(figures.pop("numbers")))
        figures["verify"] = _in_django(env, scratch, "--verify", str(acked_path))
        return figures
    finally:
        if db == "postgresql":
            _pg(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")


def _env(db: str, scratch: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(
        DEBUG="0",
        XIAOBAO_RATELIMIT="0",
        XIAOBAO_SECURE_COOKIES="0",
        ALLOWED_HOSTS="127.0.0.1",
        XIAOBAO_VAR_DIR=str(scratch),
        LOG_LEVEL="WARNING",
        PYTHONDONTWRITEBYTECODE="1",
        # Named even for SQLite, so a developer's .env cannot point the benchmark at another database.
        DATABASE_URL=f"{PG_SERVER}/{PG_NAME}" if db == "postgresql" else f"sqlite:///{scratch / 'xiaobao.sqlite3'}",
    )
    if os.environ.get("DJANGO_SETTINGS_MODULE"):
        env["DJANGO_SETTINGS_MODULE"] = os.environ["DJANGO_SETTINGS_MODULE"]
    return env


def _pg(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _manage(env: dict[str, str], scratch: Path, *args: str) -> None:
    _subprocess([PYTHON, "manage.py", *args], env, scratch)


def _in_django(env: dict[str, str], scratch: Path, *args: str) -> dict[str, Any]:
    out = scratch / f"{args[0].lstrip('-')}.json"
    _subprocess([PYTHON, str(Path(__file__).resolve()), *args, "--out", str(out)], env, scratch)
    return json.loads(out.read_text())


def _subprocess(cmd: list[str], env: dict[str, str], scratch: Path) -> None:
    log = scratch / "setup.log"
    with log.open("a") as f:
        f.write(f"$ {' '.join(cmd)}\n")
        f.flush()
        done = subprocess.run(cmd, cwd=ROOT, env=env, stdout=f, stderr=subprocess.STDOUT, check=False)
    if done.returncode:
        tail = log.read_text()[-3000:]
        raise RuntimeError(f"{' '.join(cmd[1:3])} failed ({done.returncode}):\n{tail}")


# ---------------------------------------------------------------------------------------------
# The server


class Server:
    """gunicorn in its own process group, so nothing it started outlives the benchmark."""

    def __init__(self, env: dict[str, str], log: Path, *, workers: int, threads: int) -> None:
        self.env, self.log_path, self.workers, self.threads = env, log, workers, threads
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 90.0) -> None:
        cmd = [
            PYTHON, "-m", "gunicorn", "config.wsgi:application",
            "--bind", f"127.0.0.1:{self.port}",
            "--worker-class", "gthread", "--workers", str(self.workers), "--threads", str(self.threads),
            "--timeout", "120", "--graceful-timeout", "30", "--keep-alive", "30",
            "--log-level", "warning", "--error-logfile", "-",
        ]  # fmt: skip
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                cmd, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        with httpx.Client(base_url=self.url, trust_env=False, timeout=2.0) as client:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"gunicorn exited ({self.proc.returncode}):\n{self._log_tail()}")
                try:
                    up = client.get("/healthz").status_code == 200
                except httpx.HTTPError:
                    up = False
                if up and len(self.pids()) > self.workers:
                    return
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer /healthz within {timeout:.0f} s:\n{self._log_tail()}")

    def pids(self) -> list[int]:
        if self.proc is None or self.proc.poll() is not None:
            return []
        return [self.proc.pid, *children_of(self.proc.pid)]

    def cpu_seconds(self) -> float:
        return sum(cpu_seconds(pid) for pid in self.pids())

    def peak_rss_kib(self) -> int:
        return sum(peak_rss_kib(pid) for pid in self.pids())

    def stop(self) -> dict[str, Any]:
        """SIGTERM lets workers finish the requests in hand; SIGKILL only if that takes too long."""
        if self.proc is None or self.proc.poll() is not None:
            return {"how": "already stopped", "returncode": None if self.proc is None else self.proc.returncode}
        started = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=45)
            how = "clean (SIGTERM)"
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            code = self.proc.wait()
            how = "killed after 45 s"
        return {"how": how, "returncode": code, "seconds": round(time.monotonic() - started, 2)}

    def _log_tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]


# ---------------------------------------------------------------------------------------------
# The clients


async def _drive(
    server: Server, tokens: list[str], payloads: list[dict[str, Any]], *, seconds: float, db: str
) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    keys = itertools.count(1)
    headers = {"Content-Type": "application/json", "Accept": "application/json"}

    async def health(client: httpx.AsyncClient) -> Outcome:
        response = await client.get("/healthz")
        if response.status_code == 200 and response.json() == {"status": "ok"}:
            return "200", "", ""
        return str(response.status_code), "", response.text[:300]

    async def submit(client: httpx.AsyncClient) -> Outcome:
        n = next(keys)
        payload = {k: v for k, v in payloads[n % len(payloads)].items() if k != "received_at" and v not in ("", None)}
        body = json.dumps(payload, ensure_ascii=False).encode()
        auth = {"Authorization": f"Bearer {tokens[n % len(tokens)]}", "Idempotency-Key": f"bench-{db}-{n:08d}"}
        response = await client.post(COMPLAINTS_URL, content=body, headers={**headers, **auth})
        if response.status_code == 201:
            number = response.json().get("number", "")
            if number:
                return "201", number, ""
        return str(response.status_code), "", response.text[:300]

    async with httpx.AsyncClient(base_url=server.url, limits=limits, timeout=60.0, trust_env=False) as client:
        warm_ceiling = await _phase("ceiling warm-up", client, health, server, WARMUP_SECONDS)
        ceiling = await _phase("ceiling", client, health, server, seconds)
        warm_intake = await _phase("intake warm-up", client, submit, server, WARMUP_SECONDS)
        intake = await _phase("intake", client, submit, server, seconds)
    numbers = warm_intake.pop("numbers") + intake.pop("numbers")
    for phase in (warm_ceiling, ceiling):
        phase.pop("numbers")
    return {
        "warmup": {"ceiling": warm_ceiling, "intake": warm_intake},
        "ceiling": ceiling,
        "intake": intake,
        "numbers": numbers,
        "acknowledged_total": len(numbers),
        "acknowledged_unique": len(set(numbers)),
    }


async def _phase(
    name: str,
    client: httpx.AsyncClient,
    send: Callable[[httpx.AsyncClient], Awaitable[Outcome]],
    server: Server,
    seconds: float,
) -> dict[str, Any]:
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    numbers: list[str] = []
    samples: list[str] = []
    deadline = time.perf_counter() + seconds

    async def one_client() -> None:
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            try:
                status, number, detail = await send(client)
            except Exception as exc:  # a refused or dropped connection is an error to count, not a crash
                status, number, detail = type(exc).__name__, "", str(exc)[:300]
            latencies.append(time.perf_counter() - t0)
            statuses[status] += 1
            if number:
                numbers.append(number)
            if detail and len(samples) < 5:
                samples.append(f"{status}: {detail}")

    server_cpu, client_cpu, started = server.cpu_seconds(), own_cpu_seconds(), time.perf_counter()
    await asyncio.gather(*(one_client() for _i in range(CLIENTS)))
    elapsed = time.perf_counter() - started
    ok = statuses["201"] + statuses["200"]
    return {
        "name": name,
        "seconds": round(elapsed, 2),
        "requests": len(latencies),
        "rps": round(len(latencies) / elapsed, 1),
        "latency_ms": latency_ms(latencies),
        "errors": len(latencies) - ok,
        "acknowledged": len(numbers),
        "statuses": dict(statuses),
        "error_samples": samples,
        "cpu_server_s": round(server.cpu_seconds() - server_cpu, 1),
        "cpu_client_s": round(own_cpu_seconds() - client_cpu, 1),
        "numbers": numbers,
    }


# ---------------------------------------------------------------------------------------------
# Inside the benchmark's Django process


def _prepare() -> dict[str, Any]:
    from xiaobao.accounts.models import User
    from xiaobao.accounts.tokens import api_token_issue

    # Many complainants, as in real traffic: one account filing thousands of similar complaints would
    # make the duplicate check compare every new one with its 20 latest, which real intake never does.
    tokens = []
    for i in range(CONSUMERS):
        user = User.objects.create_user(
            f"{CONSUMER}-{i:03d}", password=None, role=User.Role.CONSUMER, display_name=f"压测用户{i:03d}"
        )
        tokens.append(api_token_issue(user=user, name="bench")[1])
    # Complaints to file, made here where the reference data is at hand; the clients take them in turn.
    return {"tokens": tokens, "payloads": list(generated_complaints(PAYLOADS))}


def _verify(numbers_path: Path) -> dict[str, Any]:
    from xiaobao.complaints.models import Complaint

    numbers = sorted(set(json.loads(numbers_path.read_text())))
    found: set[str] = set()
    for i in range(0, len(numbers), 500):
        chunk = numbers[i : i + 500]
        found.update(Complaint.objects.filter(number__in=chunk).values_list("number", flat=True))
    missing = [n for n in numbers if n not in found]
    return {
        "rows": Complaint.objects.count(),
        "acknowledged_unique": len(numbers),
        "found": len(found),
        "missing_count": len(missing),
        "missing_sample": missing[:10],
        "duplicates_flagged": Complaint.objects.exclude(duplicate_of=None).count(),
    }


def _main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prepare", action="store_true")
    parser.add_argument("--verify", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    result = _prepare() if args.prepare else _verify(args.verify)
    args.out.write_text(json.dumps(result, ensure_ascii=False, default=str))


if __name__ == "__main__":
    sys.exit(_main())
