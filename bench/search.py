"""search: a fixed mix of public searches through the public API, against the raw engine and LIKE.

The mix (210 queries, seeded): Chinese keywords; keywords with filters; filters only; keywords with
facet counts; monthly trends. Each goes through GET /api/v1/public/complaints/ (or .../trends/)
with Django's test client inside one process (full request, middleware, serialisation; no socket).
Baselines in the same run: the same question straight on the engine in SQL (SQLite FTS5 or
PostgreSQL tsvector: the count and the first page), and a naive LIKE scan for the keyword queries.
Checks: every API answer is 200 and its count equals the engine's.
"""

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

from _public import COUNTS, inside, prepare
from common import SEED, check, latency_ms, machine, peak_rss_kib

TARGET_P95_MS = 100.0
TARGET_RATIO = 2.0
DATABASES = ("sqlite", "postgresql")
WORDS = ("信用卡", "年费", "盗刷", "催收", "理财", "贷款", "提前还款", "违约金", "保险", "理赔", "手续费", "冻结",
         "征信", "利率", "分期", "积分", "额度", "客服", "网点", "退保", "保本", "利息", "冒用", "到账")  # fmt: skip
MIX = (("keyword", 50), ("keyword+filters", 50), ("filters", 50), ("keyword+facets", 30), ("trend", 30))
COLUMNS = ["database", "kind", "queries", "API p50", "API p95", "engine p50", "engine p95", "LIKE p50", "API/engine"]


def run(size: str, out_dir: Path) -> dict[str, Any]:
    rows: list[list[Any]] = []
    checks: list[dict[str, Any]] = []
    notes: list[str] = []
    results: dict[str, Any] = {}
    for db in _databases():
        scratch, env, _built = prepare(db, size, out_dir)
        r = inside(env, scratch, "--measure", db, script=Path(__file__).resolve())
        results[db] = r
        for kind, k in r["kinds"].items():
            rows.append(
                [db, kind, k["queries"], k["api"]["p50"], k["api"]["p95"], k["engine"]["p50"], k["engine"]["p95"],
                 k["like"]["p50"] if k.get("like") else None, round(k["api"]["p50"] / k["engine"]["p50"], 2)]
            )  # fmt: skip
        api, engine = r["all"]["api"], r["all"]["engine"]
        ratio = api["p95"] / engine["p95"] if engine["p95"] else float("inf")
        rows.append([db, "all", r["all"]["queries"], api["p50"], api["p95"], engine["p50"], engine["p95"], None,
                     round(ratio, 2)])  # fmt: skip
        checks += [
            check(f"{db}: API p95 ms", api["p95"], f"≤ {TARGET_P95_MS:.0f}", api["p95"] <= TARGET_P95_MS),
            check(f"{db}: API p95 / engine p95", round(ratio, 2), f"≤ {TARGET_RATIO}", ratio <= TARGET_RATIO),
            check(f"{db}: answers = engine's counts", f"{len(r['wrong'])} differ", "0 differ", not r["wrong"]),
        ]
        notes.append(f"{db}: {r['rows']:,} public rows; peak RSS {r['peak_rss_mib']} MiB; wrong: {r['wrong'][:3]}")
    m = machine()
    notes.append(f"machine: {m['cores']} cores, {m['memory_mib']:,} MiB, load average {m['load_average']}, {m['cpu']}")
    return {
        "title": f"search: {sum(n for _k, n in MIX)} public queries over {COUNTS[size]:,} complaints (ms)",
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


def _mix(products: list[tuple[str, int]], regions: list[str], first: Any, last: Any) -> list[dict[str, Any]]:
    rng = random.Random(SEED)
    span = (last - first).days
    queries = []
    for kind, n in MIX:
        for _i in range(n):
            params: dict[str, Any] = {"no_aggs": "true"}
            if kind.startswith("keyword"):
                params["search_term"] = rng.choice(WORDS)
            if kind in ("keyword+filters", "filters", "trend"):
                choice = rng.random()
                if choice < 0.4:
                    params["business"] = rng.choice(products)[0]
                elif choice < 0.7:
                    params["region"] = rng.choice(regions)
                else:
                    params["timely"] = rng.choice(("true", "false"))
                low = first.toordinal() + rng.randrange(max(span - 90, 1))
                params["date_received_min"] = type(first).fromordinal(low).isoformat()
                params["date_received_max"] = type(first).fromordinal(low + rng.randrange(30, 365)).isoformat()
            if kind == "keyword+facets":
                params.pop("no_aggs")
            if kind == "trend":
                params.pop("no_aggs")
                params["interval"] = "month"
            queries.append({"kind": kind, "params": params})
    return queries


def _engine_sql(db: str, params: dict[str, Any], products: dict[str, int]) -> tuple[str, list[Any]]:
    """The WHERE clause of a query, straight in the engine's SQL."""
    from xiaobao.disclosure.search import _fts5_query, _tsquery, query_terms

    where, args = ["1=1"], []
    if "search_term" in params:
        tokens = query_terms(params["search_term"])
        if db == "sqlite":
            where.append(
                "id IN (SELECT rowid FROM disclosure_publiccomplaint_fts WHERE disclosure_publiccomplaint_fts MATCH %s)"
            )
            args.append(_fts5_query(tokens, "all"))
        else:
            where.append("search_vector @@ to_tsquery('simple', %s)")
            args.append(_tsquery(tokens, "all"))
    if "business" in params:
        where.append("product_id = %s")
        args.append(products[params["business"]])
    if "region" in params:
        where.append("(region_code = %s OR prefecture_code = %s)")
        args += [params["region"], params["region"]]
    if "timely" in params:
        where.append("timely = %s")
        args.append(params["timely"] == "true")
    if "date_received_min" in params:
        where.append("date_received BETWEEN %s AND %s")
        args += [params["date_received_min"], params["date_received_max"]]
    return " AND ".join(where), args


def _engine(db: str, q: dict[str, Any], products: dict[str, int]) -> int:
    from django.db import connection

    where, args = _engine_sql(db, q["params"], products)
    table = "disclosure_publiccomplaint"
    with connection.cursor() as cursor:
        if q["kind"] == "trend":
            month = "strftime('%%Y-%%m', date_received)" if db == "sqlite" else "date_trunc('month', date_received)"
            cursor.execute(f"SELECT {month}, count(*) FROM {table} WHERE {where} GROUP BY 1 ORDER BY 1", args)  # noqa: S608
            return sum(n for _m, n in cursor.fetchall())
        cursor.execute(f"SELECT count(*) FROM {table} WHERE {where}", args)  # noqa: S608
        total = cursor.fetchone()[0]
        cursor.execute(f"SELECT * FROM {table} WHERE {where} ORDER BY date_received DESC, id DESC LIMIT 25", args)  # noqa: S608
        cursor.fetchall()
        if q["kind"] == "keyword+facets":
            for column in ("product_id", "cause_id", "channel_id", "region_code", "submitted_via", "outcome",
                           "response", "timely", "has_narrative", "group_id"):  # fmt: skip
                cursor.execute(f"SELECT {column}, count(*) FROM {table} WHERE {where} GROUP BY 1", args)  # noqa: S608
                cursor.fetchall()
        return total


def _like(q: dict[str, Any]) -> None:
    from django.db import connection

    word = f"%{q['params']['search_term']}%"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM disclosure_publiccomplaint WHERE narrative LIKE %s OR summary LIKE %s "
            "OR institution_name LIKE %s",
            [word, word, word],
        )
        cursor.fetchone()


def measure(db: str) -> dict[str, Any]:
    from django.test import Client

    from xiaobao.disclosure.models import PublicComplaint
    from xiaobao.disclosure.services import public_rebuild
    from xiaobao.registry.models import Category

    if not PublicComplaint.objects.exists():
        public_rebuild()
    dates = PublicComplaint.objects.order_by("date_received").values_list("date_received", flat=True)
    first, last = (
        dates[:1][0],
        PublicComplaint.objects.order_by("-date_received").values_list("date_received", flat=True)[:1][0],
    )
    product_ids = sorted(set(PublicComplaint.objects.values_list("product_id", flat=True).distinct()))
    products = dict(Category.objects.filter(pk__in=product_ids).values_list("code", "pk"))
    regions = sorted({c for c in PublicComplaint.objects.values_list("prefecture_code", flat=True).distinct() if c})
    queries = _mix(sorted(products.items()), regions, first, last)
    client = Client(HTTP_HOST="127.0.0.1")  # the benchmark's settings allow only this host
    client.get("/api/v1/public/complaints/", {"search_term": "信用卡"})  # warm-up: jieba's dictionary
    wrong: list[str] = []
    by_kind: dict[str, dict[str, list[float]]] = {}
    for q in queries:
        url = "/api/v1/public/complaints/trends/" if q["kind"] == "trend" else "/api/v1/public/complaints/"
        started = time.perf_counter()
        response = client.get(url, q["params"])
        api_s = time.perf_counter() - started
        started = time.perf_counter()
        expected = _engine(db, q, products)
        engine_s = time.perf_counter() - started
        like_s = None
        if "search_term" in q["params"]:
            started = time.perf_counter()
            _like(q)
            like_s = time.perf_counter() - started
        times = by_kind.setdefault(q["kind"], {"api": [], "engine": [], "like": []})
        times["api"].append(api_s)
        times["engine"].append(engine_s)
        if like_s is not None:
            times["like"].append(like_s)
        if response.status_code != 200:
            wrong.append(f"{q['params']}: HTTP {response.status_code}")
            continue
        body = response.json()
        got = (
            sum(r["count"] if isinstance(r["count"], int) else 0 for r in body["rows"])
            if q["kind"] == "trend"
            else body["count"]
        )
        # Trend counts under 10 are shown as "<10": compare only when nothing was suppressed.
        suppressed = q["kind"] == "trend" and any(not isinstance(r["count"], int) for r in body["rows"])
        if got != expected and not suppressed:
            wrong.append(f"{q['params']}: {got} != {expected}")
    kinds = {
        kind: {
            "queries": len(t["api"]),
            "api": latency_ms(t["api"]),
            "engine": latency_ms(t["engine"]),
            "like": latency_ms(t["like"]) if t["like"] else None,
        }
        for kind, t in by_kind.items()
    }
    every = {k: [x for t in by_kind.values() for x in t[k]] for k in ("api", "engine")}
    return {
        "rows": PublicComplaint.objects.count(),
        "kinds": kinds,
        "all": {"queries": len(queries), "api": latency_ms(every["api"]), "engine": latency_ms(every["engine"])},
        "wrong": wrong,
        "peak_rss_mib": round(peak_rss_kib() / 1024, 1),
    }


def _main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measure", required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    args.out.write_text(json.dumps(measure(args.measure), ensure_ascii=False, default=str))


if __name__ == "__main__":
    sys.exit(_main())
