"""The data the public-database benchmarks (publish, search, stats) share: complaints in every state,
bulk-inserted, in a scratch database per engine and size that the three benchmarks reuse.

The rows come from the demo data set's seeded generator, so every build of a size is the same. About a
third of the narratives carry the complainant's name and phone, a tenth an ID number, as real
ones do, so the scrubber has real work and the benchmark can check that none of it is published.

Run as a script, it is the part inside the benchmark's Django process (see --help).
"""

import argparse
import json
import os
import random
import shutil
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from common import PYTHON, ROOT, SEED, generated_complaints, peak_rss_kib
from intake import _env, _manage, _pg, _subprocess

COUNTS = {"small": 5_000, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}
PG_PREFIX = "xiaobao_bench_public"
BATCH = 5_000
# How a complaint's life ends up, in shares of all complaints (most are closed after two years).
STATES = (
    ("closed", 0.62),
    ("answered", 0.12),
    ("with_institution", 0.10),
    ("under_review", 0.05),
    ("mediation", 0.03),
    ("submitted", 0.04),
    ("not_accepted", 0.02),
    ("withdrawn", 0.02),
)
OUTCOMES = (("upheld", 0.3), ("partly", 0.25), ("not_upheld", 0.45))


def scratch_for(db: str, size: str, out_dir: Path) -> tuple[Path, dict[str, str]]:
    scratch = (out_dir / f"public-{db}-{size}").resolve()
    env = _env(db, scratch)
    if db == "postgresql":
        env["DATABASE_URL"] = env["DATABASE_URL"].rsplit("/", 1)[0] + f"/{PG_PREFIX}_{size}"
    return scratch, env


def prepare(db: str, size: str, out_dir: Path) -> tuple[Path, dict[str, str], dict[str, Any]]:
    """The scratch database with the complaints of this size, built once and then reused."""
    scratch, env = scratch_for(db, size, out_dir)
    marker = scratch / "built.json"
    if marker.exists():
        _manage(env, scratch, "migrate", "--no-input")  # the code may have moved on since the build
        return scratch, env, json.loads(marker.read_text())
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    (scratch / "static").mkdir()
    if db == "postgresql":
        name = env["DATABASE_URL"].rsplit("/", 1)[1]
        _pg(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        _pg(f"CREATE DATABASE {name}")
    _manage(env, scratch, "migrate", "--no-input")
    _manage(env, scratch, "load_reference")
    built = inside(env, scratch, "--seed", size)
    marker.write_text(json.dumps(built))
    return scratch, env, built


def inside(env: dict[str, str], scratch: Path, *args: str, script: Path | None = None) -> dict[str, Any]:
    """Run a bench script's --flag inside a Django process on the scratch database; its JSON back."""
    out = scratch / f"{args[0].lstrip('-')}.json"
    _subprocess([PYTHON, str(script or Path(__file__).resolve()), *args, "--out", str(out)], env, scratch)
    return json.loads(out.read_text())


def _pick(rng: random.Random, table: tuple[tuple[str, float], ...]) -> str:
    x = rng.random()
    for value, share in table:
        x -= share
        if x < 0:
            return value
    return table[-1][0]


def seed(size: str) -> dict[str, Any]:
    """Bulk-insert the complaints with their answer deadlines and surveys (no services: speed)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from xiaobao.complaints.models import Complaint, Deadline, Survey
    from xiaobao.registry.models import Category, Institution, Region
    from xiaobao.registry.selectors import rule_set_for, supervision_line_for

    started = time.perf_counter()
    count = COUNTS[size]
    generated = generated_complaints(count)
    rng = random.Random(SEED + 1)
    institutions = {i.uscc: i for i in Institution.objects.select_related("region", "type")}
    today = timezone.localdate()
    lines = {u: supervision_line_for(institution=i, on=today) for u, i in institutions.items()}
    categories = dict(Category.objects.values_list("code", "pk"))
    regions = set(Region.objects.values_list("code", flat=True))
    rule_set = rule_set_for(today)
    tz = timezone.get_current_timezone()
    secrets: list[str] = []
    written = 0
    while written < count:
        complaints, plans = [], []
        for _i in range(min(BATCH, count - written)):
            c = next(generated)
            written += 1
            received = c["received_at"].replace(tzinfo=tz)
            narrative = c["narrative"]
            if rng.random() < 0.33:
                narrative += f"联系人{c['complainant_name']}，电话{c['phone']}。"
                if len(secrets) < 2000:
                    secrets += [c["complainant_name"], c["phone"]]
            if c["id_number"] and rng.random() < 0.15:
                narrative += f"本人身份证号{c['id_number']}。"
                if len(secrets) < 2000:
                    secrets.append(c["id_number"])
            state = _pick(rng, STATES)
            line = lines[c["institution"]]
            obj = Complaint(
                number=f"JL-{received:%Y%m%d}-{written:07d}",
                status=state,
                submitted_via=rng.choice(("web", "web", "web", "phone", "api", "letter")),
                received_at=received,
                rule_set=rule_set,
                complainant_name=c["complainant_name"],
                phone=c["phone"],
                id_number=c["id_number"],
                region_id=c["region"] if c["region"] in regions else None,
                institution=institutions[c["institution"]],
                authority_id=line.authority_id,
                supervision_line=line,
                channel_id=categories.get(c["channel"]),
                business_id=categories[c["business"]],
                cause_id=categories.get(c["cause"]),
                amount=c["amount"],
                summary=c["summary"],
                narrative=narrative,
                consent_publish=c["consent_publish"],
            )
            plan: dict[str, Any] = {}
            if state not in ("submitted", "not_accepted"):
                obj.accepted_at = obj.sent_at = received + timedelta(hours=rng.randint(2, 70))
                plan["due"] = obj.sent_at.date() + timedelta(days=15)
            if state in ("closed", "answered", "under_review", "mediation"):
                days = min(int(rng.expovariate(1 / 9)) + 1, 60)
                obj.answered_at = obj.sent_at + timedelta(days=days)
                obj.outcome = _pick(rng, OUTCOMES)
                if obj.outcome != "not_upheld" and rng.random() < 0.5:
                    obj.remedy_amount = c["amount"]
                obj.feedback = {"under_review": "review", "mediation": "mediation"}.get(state, "satisfied")
            if state in ("closed", "mediation", "withdrawn"):
                obj.closed_at = (obj.answered_at or received) + timedelta(days=rng.randint(0, 20))
                if state == "closed" and rng.random() < 0.35:
                    plan["score"] = rng.choice((5, 5, 4, 4, 4, 3, 2, 1))
            complaints.append(obj)
            plans.append(plan)
        with transaction.atomic():
            Complaint.objects.bulk_create(complaints, batch_size=1000)
            deadlines, surveys = [], []
            for obj, plan in zip(complaints, plans, strict=True):
                if "due" in plan:
                    deadlines.append(
                        Deadline(
                            complaint_id=obj.pk,
                            kind="answer",
                            party="institution",
                            opened_at=obj.sent_at,
                            start_date=obj.sent_at.date(),
                            due_date=plan["due"],
                            closed_at=obj.answered_at,
                        )
                    )
                if "score" in plan:
                    surveys.append(Survey(complaint_id=obj.pk, score=plan["score"], at=obj.closed_at))
            Deadline.objects.bulk_create(deadlines, batch_size=1000)
            Survey.objects.bulk_create(surveys, batch_size=1000)
    if connection.vendor == "postgresql":
        # What autovacuum does soon after a bulk load; without statistics the planner guesses badly.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "complaints": Complaint.objects.count(),
        "seconds": round(time.perf_counter() - started, 1),
        "secrets": secrets,
        "peak_rss_mib": round(peak_rss_kib() / 1024, 1),
    }


def _main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", choices=list(COUNTS))
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    args.out.write_text(json.dumps(seed(args.seed), ensure_ascii=False, default=str))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(_main())
