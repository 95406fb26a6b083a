"""suitability: pre-sale suitability checks over HTTP to a real server process, against its ceiling.

On SQLite (WAL, a fresh var directory) this builds the schema and reference data, puts 40 products on
a bank's shelf (R1–R5, wealth management and agency-sold funds), issues the bank's sales system a token,
starts gunicorn, and lets 16 concurrent clients first hammer GET /healthz (the framework's ceiling on this
machine) and then POST /api/v1/suitability/check with a fixed mix of customers (every level, ages 25–80,
fresh and expired assessments, with and without a recording reference, some insisting). Every answer is
checked against the rules computed beforehand by the same pure function the server runs, and every check
acknowledged with a check_id must be stored once.

Run as a script, it is the part that runs inside the benchmark's Django process: --prepare builds the
shelf, the token and the expected answers; --verify counts the recorded checks.
"""

import argparse
import asyncio
import itertools
import json
import os
import random
import shutil
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from common import PYTHON, check, machine, peak_rss_kib
from intake import (
    CLIENTS,
    THREADS,
    WARMUP_SECONDS,
    Outcome,
    Server,
    _env,
    _manage,
    _phase,
    _subprocess,
)

SECONDS = {"small": 10.0}
DEFAULT_SECONDS = 30.0
TARGET_RATIO = 0.50
CHECK_URL = "/api/v1/suitability/check"
REQUESTS = 4_000  # distinct request bodies, taken in turn
PRODUCTS = 40
COLUMNS = ["phase", "s", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "wrong answers", "check/ceiling"]


def _in_django(env: dict[str, str], scratch: Path, *args: str) -> dict[str, Any]:
    """This script's --prepare or --verify, run inside Django with the benchmark's settings."""
    out = scratch / f"{args[0].lstrip('-')}.json"
    _subprocess([PYTHON, str(Path(__file__).resolve()), *args, "--out", str(out)], env, scratch)
    return json.loads(out.read_text())


def run(size: str, out_dir: Path) -> dict[str, Any]:
    seconds = SECONDS.get(size, DEFAULT_SECONDS)
    workers = 2 * (os.cpu_count() or 1)
    scratch = (out_dir / "suitability-sqlite").resolve()
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    (scratch / "static").mkdir()
    # Plain http on the loopback, as behind a TLS-terminating proxy: no redirect to https.
    env = {**_env("sqlite", scratch), "XIAOBAO_SSL_REDIRECT": "0"}
    _manage(env, scratch, "migrate", "--no-input")
    _manage(env, scratch, "load_reference")
    prepared = _in_django(env, scratch, "--prepare")
    server = Server(env, scratch / "gunicorn.log", workers=workers, threads=THREADS)
    server.start()
    try:
        figures = asyncio.run(_drive(server, prepared["token"], prepared["requests"], seconds=seconds))
        figures["server_peak_rss_mib"] = round(server.peak_rss_kib() / 1024, 1)
    finally:
        stopped = server.stop()
    figures["shutdown"] = stopped
    ids_path = scratch / "check_ids.json"
    ids_path.write_text(json.dumps(figures.pop("check_ids")))
    verify = _in_django(env, scratch, "--verify", str(ids_path))
    ceiling, checks_phase = figures["ceiling"], figures["check"]
    ratio = checks_phase["rps"] / ceiling["rps"] if ceiling["rps"] else 0.0
    rows = []
    for phase in (ceiling, checks_phase):
        lat = phase["latency_ms"]
        rows.append(
            [phase["name"], phase["seconds"], phase["requests"], phase["rps"], lat["p50"], lat["p95"], lat["p99"],
             phase["errors"], figures["wrong"] if phase is checks_phase else None,
             round(ratio, 3) if phase is checks_phase else None]
        )  # fmt: skip
    errors = sum(p["errors"] for p in (ceiling, checks_phase, figures["warmup"]["ceiling"], figures["warmup"]["check"]))
    m = machine()
    return {
        "title": f"suitability: {CLIENTS} clients, {seconds:.0f} s per phase, SQLite, "
        f"gunicorn {workers} gthread workers × {THREADS} threads",
        "columns": COLUMNS,
        "rows": rows,
        "checks": [
            check("check / ceiling", round(ratio, 3), f"≥ {TARGET_RATIO:.2f}", ratio >= TARGET_RATIO),
            check("errors (warm-up included)", errors, "0", errors == 0),
            check("answers differing from the rules", figures["wrong"], "0", figures["wrong"] == 0),
            check(
                "checks recorded = acknowledged",
                f"{verify['found']} / {verify['acknowledged']}",
                "equal",
                verify["found"] == verify["acknowledged"] == verify["rows"],
            ),
        ],
        "notes": [
            f"allowed {figures['allowed']}, refused {figures['refused']} of {figures['acknowledged']} answers; "
            f"server peak RSS {figures['server_peak_rss_mib']} MiB, client {round(peak_rss_kib() / 1024, 1)} MiB",
            f"machine: {m['cores']} cores, {m['memory_mib']:,} MiB, load average {m['load_average']}, {m['cpu']}",
        ],
        "machine": m,
        "results": {**figures, "verify": verify},
    }


async def _drive(server: Server, token: str, requests: list[dict[str, Any]], *, seconds: float) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    turn = itertools.count()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    tally = {"wrong": 0, "allowed": 0, "refused": 0}
    wrong_samples: list[str] = []

    async def health(client: httpx.AsyncClient) -> Outcome:
        response = await client.get("/healthz")
        if response.status_code == 200 and response.json() == {"status": "ok"}:
            return "200", "", ""
        return str(response.status_code), "", response.text[:300]

    async def ask(client: httpx.AsyncClient) -> Outcome:
        item = requests[next(turn) % len(requests)]
        response = await client.post(CHECK_URL, content=json.dumps(item["body"]).encode(), headers=headers)
        if response.status_code != 200:
            return str(response.status_code), "", response.text[:300]
        answer = response.json()
        got = [answer["allowed"], [r["code"] for r in answer["reasons"]]]
        if got != item["expected"]:
            tally["wrong"] += 1
            if len(wrong_samples) < 5:
                wrong_samples.append(f"{item['body']} → {got}, expected {item['expected']}")
        tally["allowed" if answer["allowed"] else "refused"] += 1
        return "200", answer["check_id"], ""

    async with httpx.AsyncClient(base_url=server.url, limits=limits, timeout=60.0, trust_env=False) as client:
        warm_ceiling = await _phase("ceiling warm-up", client, health, server, WARMUP_SECONDS)
        ceiling = await _phase("ceiling", client, health, server, seconds)
        warm_check = await _phase("check warm-up", client, ask, server, WARMUP_SECONDS)
        checked = await _phase("check", client, ask, server, seconds)
    ids = warm_check.pop("numbers") + checked.pop("numbers")
    for phase in (warm_ceiling, ceiling):
        phase.pop("numbers")
    return {
        "warmup": {"ceiling": warm_ceiling, "check": warm_check},
        "ceiling": ceiling,
        "check": checked,
        "check_ids": ids,
        "acknowledged": len(ids),
        "wrong_samples": wrong_samples,
        **tally,
    }


# ---------------------------------------------------------------------------------------------
# Inside the benchmark's Django process


def _prepare() -> dict[str, Any]:
    from xiaobao.accounts.models import User
    from xiaobao.accounts.tokens import api_token_issue
    from xiaobao.core.time import today
    from xiaobao.products.models import Product
    from xiaobao.products.services import product_create, suitability_verdict
    from xiaobao.registry.models import Category, Institution

    bank = Institution.objects.get(name="中国工商银行股份有限公司吉林省分行")
    clerk = User.objects.create_user("bench-sales", password=None, role=User.Role.INSTITUTION, institution=bank)
    wealth, fund = Category.objects.get(code="B05-01"), Category.objects.get(code="B06-02")
    products = [
        product_create(
            by=clerk,
            institution=bank,
            risk_grade=1 + i % 5,
            code=f"B-{i:03d}",
            name=f"压测产品{i:03d}",
            business=wealth if i % 2 else fund,
            risk_disclosure="产品有风险，投资须谨慎。",
            on_sale_from=today() - timedelta(days=30),
            yield_basis=Product.YieldBasis.FLOATING,
        )
        for i in range(PRODUCTS)
    ]
    rng = random.Random(20261208)
    requests = []
    for _i in range(REQUESTS):
        product = rng.choice(products)
        body = {
            "product": product.code,
            "customer_level": f"C{rng.randint(1, 5)}",
            "assessed_on": (today() - timedelta(days=rng.choice([3, 90, 300, 364, 366, 500]))).isoformat(),
            "customer_age": rng.randint(25, 80),
            "channel": rng.choice(["counter", "mobile", "online"]),
            "recording_ref": rng.choice(["", f"SL-{rng.randint(1, 10**6):06d}"]),
            "customer_insists": rng.random() < 0.2,
        }
        verdict = suitability_verdict(
            product=product,
            customer_level=int(body["customer_level"][1:]),
            assessed_on=date.fromisoformat(body["assessed_on"]),
            customer_age=body["customer_age"],
            recording_ref=body["recording_ref"],
            customer_insists=body["customer_insists"],
        )
        requests.append({"body": body, "expected": [verdict.allowed, list(verdict.codes)]})
    return {"token": api_token_issue(user=clerk, name="bench")[1], "requests": requests}


def _verify(ids_path: Path) -> dict[str, Any]:
    from xiaobao.products.models import SuitabilityCheck

    ids = sorted(set(json.loads(ids_path.read_text())))
    found = 0
    for i in range(0, len(ids), 500):
        found += SuitabilityCheck.objects.filter(check_id__in=ids[i : i + 500]).count()
    return {"rows": SuitabilityCheck.objects.count(), "acknowledged": len(ids), "found": found}


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
