"""The projection build: private complaints in, the public record out.

Incremental: each public row carries a fingerprint of everything it was built from (the source
fields, the coarse region, the scrubber's version), so a nightly run scrubs and writes only the
complaints that changed, and deletes the rows of complaints that are no longer publishable (for
example withdrawn). Withdrawn consent changes the fingerprint, so the narrative goes on the next run.
"""

import gzip
import hashlib
import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.utils import translation

from xiaobao.complaints import selectors as complaint_selectors
from xiaobao.complaints.models import Complaint, Deadline
from xiaobao.core import time as core_time
from xiaobao.disclosure.models import (
    DisclosureSettings,
    PublicBuild,
    PublicComplaint,
    PublicMonth,
    PublicMonthDays,
)
from xiaobao.disclosure.rules import disclosure_settings
from xiaobao.disclosure.selectors import MEASURES, as_date, period_of
from xiaobao.lib.export import write_csv
from xiaobao.lib.scrub import Scrubbed, scrub_many, search_tokens, warm_up
from xiaobao.registry.models import Category, Institution, Region

logger = logging.getLogger("xiaobao.disclosure")

# Bump when the scrubber or the projection's shape changes: every row is then rebuilt once.
PROJECTION_VERSION = "2026-11-27.1"
BATCH = 2000
# A batch with this many consented texts is scrubbed by worker processes (see _Scrubber).
PARALLEL_FROM = 400
FULL_DATA_NAME = "complaints.csv.gz"

Response = PublicComplaint.Response
Status = Complaint.Status


class _Reference:
    """Regions, institutions and categories, loaded once per build, with their search tokens cached."""

    def __init__(self, rules: DisclosureSettings) -> None:
        self.regions = {code: (name, level, parent) for code, name, level, parent in Region.objects.values_list(
            "code", "name", "level", "parent_id")}  # fmt: skip
        counts = complaint_selectors.publishable_count_by_region()
        self.coarse: dict[str | None, tuple[str, str, str]] = {None: ("", "", "")}
        for code in self.regions:
            self.coarse[code] = self._coarsen(code, counts.get(code, 0), rules.county_min_complaints)
        institutions = {pk: (name, parent) for pk, name, parent in Institution.objects.values_list(
            "pk", "name", "parent_id")}  # fmt: skip
        self.institutions: dict[int, tuple[str, int]] = {}
        for pk, (name, _parent) in institutions.items():
            root = pk
            while institutions[root][1] is not None:
                root = institutions[root][1]
            self.institutions[pk] = (name, root)
        categories = {
            pk: (name, parent) for pk, name, parent in Category.objects.values_list("pk", "name", "parent_id")
        }
        self.top: dict[int, int] = {}
        self.category_words: dict[int, str] = {}
        for pk in categories:
            node, names = pk, []
            while True:
                names.append(categories[node][0])
                if categories[node][1] is None:
                    break
                node = categories[node][1]
            self.top[pk] = node
            self.category_words[pk] = " ".join(search_tokens(" ".join(names)))
        self.institution_words = {
            pk: " ".join(search_tokens(f"{name} {institutions[root][0]}"))
            for pk, (name, root) in self.institutions.items()
        }

    def _coarsen(self, code: str, count: int, county_min: int) -> tuple[str, str, str]:
        """(published code, its name, its prefecture): a county only where it has enough complaints."""
        name, level, parent = self.regions[code]
        if level == Region.Level.COUNTY and count < county_min and parent in self.regions:
            code, name = parent, self.regions[parent][0]
            level = self.regions[parent][1]
        prefecture = code if level == Region.Level.PREFECTURE else (code[:4] + "00" if level > 1 else "")
        return code, name, prefecture


def _response(row: dict[str, Any]) -> str:
    if row["status"] == Status.MEDIATION:
        return Response.MEDIATION
    outcome = row["outcome"]
    if not outcome or row["status"] in (Status.WITH_INSTITUTION, Status.RETURNED):
        return Response.IN_PROGRESS
    if outcome == Complaint.Outcome.NOT_UPHELD:
        return Response.EXPLANATION
    return Response.MONETARY if row["remedy_amount"] else Response.NON_MONETARY


def _timely(row: dict[str, Any], today: Any, deadline: Deadline) -> bool | None:
    # An imported record keeps the timeliness its source system recorded (Complaint.is_timely reads it too).
    if row["timely_as_recorded"] is not None:
        return row["timely_as_recorded"]
    if row["answer_due"] is None:
        return None
    # The deadline engine's own rule (Deadline.met), on one unsaved row given each complaint's values.
    deadline.due_date, deadline.closed_at = row["answer_due"], row["answer_closed_at"]
    if deadline.closed_at is None:
        return False if deadline.is_overdue(today) else None
    return deadline.met()


def _fingerprint(row: dict[str, Any], coarse: tuple[str, str, str], timely: bool | None) -> str:
    parts = (
        PROJECTION_VERSION, row["number"], row["status"], row["submitted_via"], row["received_at"], row["sent_at"],
        row["answered_at"], row["closed_at"], row["institution_id"], row["business_id"], row["cause_id"],
        row["channel_id"], coarse, row["outcome"], row["remedy_amount"], row["feedback"], row["consent_publish"],
        row["summary"], row["narrative"] if row["consent_publish"] else "", timely, row["survey_score"],
    )  # fmt: skip
    return hashlib.md5(repr(parts).encode(), usedforsecurity=False).hexdigest()


# The projection's columns in insert order (every concrete field but the primary key).
# A concrete field always has a column (only a virtual one has none).
COLUMNS = tuple(cast(str, f.column) for f in PublicComplaint._meta.concrete_fields if not f.primary_key)
# Summary and narrative are scrubbed in one pass (one segmentation); this line break parts them again.
_PART = "\n\u2029\n"


def _scrub_job(row: dict[str, Any], name: str | None) -> tuple[str, list[str]]:
    """What the scrubber gets of a consented complaint: summary and narrative in one text (one
    segmentation), and the complainant's own names."""
    return f"{row['summary']}{_PART}{row['narrative']}", [name] if name else []


def _project(row: dict[str, Any], ref: _Reference, both: Scrubbed | None, now: Any, tz: ZoneInfo) -> tuple[Any, ...]:
    """One public row as the values of COLUMNS, ready for a bulk insert; `both` is its scrubbed
    summary and narrative, None without consent."""
    adapt = connection.ops.adapt_datefield_value

    def day(value: datetime | None) -> Any:
        return value.astimezone(tz).date() if value else None

    region_code, region_name, prefecture = row["coarse"]
    institution_name, group = ref.institutions[row["institution_id"]]
    context = [ref.institution_words[row["institution_id"]], ref.category_words[row["business_id"]]]
    if row["cause_id"]:
        context.append(ref.category_words[row["cause_id"]])
    if row["channel_id"]:
        context.append(ref.category_words[row["channel_id"]])
    summary = narrative = narrative_tokens = ""
    if both is not None:
        summary, _sep, narrative = both.text.partition(_PART)
        # The summary's words are few and also describe the complaint: they go with the narrative's.
        narrative_tokens = " ".join(both.tokens)
    received, answered = day(row["received_at"]), day(row["answered_at"])
    values = {
        "source_id": row["pk"],
        "number": row["number"],
        "fingerprint": row["fingerprint"],
        "date_received": adapt(received),
        "date_sent": adapt(day(row["sent_at"])),
        "date_answered": adapt(answered),
        "date_closed": adapt(day(row["closed_at"])),
        "institution_id": row["institution_id"],
        "group_id": group,
        "institution_name": institution_name,
        "business_id": row["business_id"],
        "product_id": ref.top[row["business_id"]],
        "cause_id": row["cause_id"],
        "channel_id": row["channel_id"],
        "submitted_via": row["submitted_via"],
        "region_code": region_code,
        "region_name": region_name,
        "prefecture_code": prefecture,
        "response": _response(row),
        "outcome": row["outcome"] or "",
        "timely": row["timely"],
        "days_to_answer": (answered - received).days if answered else None,
        "review_requested": row["feedback"] == Complaint.Feedback.REVIEW or row["status"] == Status.UNDER_REVIEW,
        "mediation": row["feedback"] == Complaint.Feedback.MEDIATION or row["status"] == Status.MEDIATION,
        "satisfaction": row["survey_score"],
        "summary": summary[:200],
        "narrative": narrative,
        "has_narrative": bool(narrative),
        "narrative_tokens": narrative_tokens,
        "context_tokens": " ".join(w for w in context if w),
        "built_at": now,
    }
    return tuple(values[c] for c in COLUMNS)


def _insert(rows: list[tuple[Any, ...]]) -> None:
    """Plain executemany: the ORM's bulk_create spends more time preparing values than the insert takes."""
    table = connection.ops.quote_name(PublicComplaint._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in COLUMNS)
    values = ", ".join(["%s"] * len(COLUMNS))
    # Identifiers from the model's own metadata, values as parameters: nothing from outside is spliced in.
    with connection.cursor() as cursor:
        if connection.vendor != "sqlite":
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({values})", rows)  # noqa: S608
            return
        # FTS5 writes out its pending terms at the end of every statement, so rows inserted one statement
        # each (executemany) made one index segment per row, and the build half as fast. The batch goes
        # to a bare temporary table first, then into the projection in one statement (triggers and all).
        cursor.execute("DROP TABLE IF EXISTS temp.public_batch")
        cursor.execute(f"CREATE TEMP TABLE public_batch AS SELECT {columns} FROM {table} WHERE 0")  # noqa: S608
        cursor.executemany(f"INSERT INTO temp.public_batch ({columns}) VALUES ({values})", rows)  # noqa: S608
        cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM temp.public_batch")  # noqa: S608
        cursor.execute("DROP TABLE temp.public_batch")


def public_rebuild(*, full: bool = False, progress: Callable[[int], None] | None = None) -> PublicBuild:
    """Bring the public projection up to date with the complaints; `full` rebuilds every row.

    Each batch is its own transaction, so the public pages keep answering during a long build and a
    crash loses at most one batch (the next run picks it up: its fingerprints will not match).
    """
    rules = disclosure_settings()
    build = PublicBuild.objects.create(started_at=core_time.now(), full=full)
    ref = _Reference(rules)
    tz = ZoneInfo(settings.TIME_ZONE)
    today = core_time.today()
    scratch_deadline = Deadline()
    after = 0
    seen = 0
    # Batch n is scrubbed (by worker processes, when there are many texts) while batch n-1 is written.
    waiting: tuple[list[dict[str, Any]], set[int], Callable[[], list[Scrubbed]]] | None = None
    with _Scrubber() as scrubber:
        while True:
            rows = complaint_selectors.publication_batch(after_pk=after, limit=BATCH)
            if not rows:
                break
            after = rows[-1]["pk"]
            seen += len(rows)
            existing = set()
            changed = []
            fingerprints = dict(
                PublicComplaint.objects.filter(source_id__gte=rows[0]["pk"], source_id__lte=after).values_list(
                    "source_id", "fingerprint"
                )
            )
            for row in rows:
                row["coarse"] = ref.coarse.get(row["region_id"], ("", "", ""))
                row["timely"] = _timely(row, today, scratch_deadline)
                row["fingerprint"] = _fingerprint(row, row["coarse"], row["timely"])
                # A full build rewrites every row in place, so the public pages never see an empty table.
                if full or fingerprints.get(row["pk"]) != row["fingerprint"]:
                    changed.append(row)
                    if row["pk"] in fingerprints:
                        existing.add(row["pk"])
            build.unchanged += len(rows) - len(changed)
            consented = [r for r in changed if r["consent_publish"]]
            names = complaint_selectors.publication_names(r["pk"] for r in consented)
            texts = scrubber.submit([_scrub_job(r, names.get(r["pk"])) for r in consented])
            if waiting:
                build.written += _write(*waiting, ref, tz)
            waiting = (changed, existing, texts)
            if progress:
                progress(seen)
        if waiting:
            build.written += _write(*waiting, ref, tz)
    build.removed = _remove_unpublishable()
    public_month_rebuild()
    build.complaints = seen
    build.finished_at = core_time.now()
    build.save()
    logger.info("public projection built: %s complaints, %s written, %s removed", seen, build.written, build.removed)
    return build


def _write(
    changed: list[dict[str, Any]],
    existing: set[int],
    texts: Callable[[], list[Scrubbed]],
    ref: _Reference,
    tz: ZoneInfo,
) -> int:
    """Replace the public rows of one batch's changed complaints, in one transaction."""
    if not changed:
        return 0
    scrubbed = iter(texts())
    now = connection.ops.adapt_datetimefield_value(core_time.now())
    values = [_project(r, ref, next(scrubbed) if r["consent_publish"] else None, now, tz) for r in changed]
    with transaction.atomic():
        PublicComplaint.objects.filter(source_id__in=existing).delete()
        _insert(values)
    return len(values)


class _Scrubber:
    """Scrubs a batch's texts in the background: in worker processes, one per core, once a batch
    has enough texts to be worth sending (a full build), else in this process when asked for.

    jieba's segmentation is pure Python and holds the GIL, so only processes use more than one core.
    Workers are spawned fresh and import only xiaobao.lib.scrub: nothing of Django, no database
    connection, no personal data but the texts and names they are sent."""

    def __init__(self) -> None:
        self.workers = max(int(settings.PUBLIC_BUILD_WORKERS), 1)
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> "_Scrubber":
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool:
            self.pool.shutdown(cancel_futures=True)

    def submit(self, jobs: list[tuple[str, list[str]]]) -> Callable[[], list[Scrubbed]]:
        if self.workers == 1 or len(jobs) < PARALLEL_FROM:
            return lambda: scrub_many(jobs)
        if self.pool is None:
            self.pool = ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("spawn"), initializer=warm_up
            )
        size = -(-len(jobs) // self.workers)
        futures = [self.pool.submit(scrub_many, jobs[i : i + size]) for i in range(0, len(jobs), size)]
        return lambda: [s for f in futures for s in f.result()]


def public_month_rebuild() -> None:
    """Rewrite the monthly totals from the projection, in one transaction so readers see the old or
    the new. One grouped pass over the rows; the totals are a few thousand rows even at a million."""
    by_product = (
        PublicComplaint.objects.annotate(m=period_of("month"))
        .values_list("m", "group_id", "product_id")
        .annotate(**MEASURES)
        .order_by()
    )
    by_days = (
        PublicComplaint.objects.filter(days_to_answer__isnull=False)
        .annotate(m=period_of("month"))
        .values_list("m", "group_id", "days_to_answer")
        .annotate(n=Count("id"))
        .order_by()
    )
    names = list(MEASURES)
    with transaction.atomic():
        PublicMonth.objects.all().delete()
        PublicMonthDays.objects.all().delete()
        PublicMonth.objects.bulk_create(
            (
                PublicMonth(month=as_date(m), group_id=g, product_id=p, **dict(zip(names, measures, strict=True)))
                for m, g, p, *measures in by_product.iterator(chunk_size=5000)
            ),
            batch_size=2000,
        )
        PublicMonthDays.objects.bulk_create(
            (
                PublicMonthDays(month=as_date(m), group_id=g, days_to_answer=d, complaints=n)
                for m, g, d, n in by_days.iterator(chunk_size=5000)
            ),
            batch_size=2000,
        )


def _remove_unpublishable() -> int:
    """Rows whose complaint is gone or no longer publishable (withdrawn, say)."""
    publishable = set(complaint_selectors.publishable_pks().iterator(chunk_size=10_000))
    stale = [sid for sid in PublicComplaint.objects.values_list("source_id", flat=True).iterator(chunk_size=10_000)
             if sid not in publishable]  # fmt: skip
    removed = 0
    for i in range(0, len(stale), 500):
        removed += PublicComplaint.objects.filter(source_id__in=stale[i : i + 500]).delete()[0]
    return removed


def full_data_path() -> Path:
    return Path(settings.VAR_DIR) / "public" / FULL_DATA_NAME


def full_data_write() -> int:
    """Every published complaint in one gzipped CSV (UTF-8 with BOM, Excel opens it), for users who
    need more than an export's row cap. Written beside and then renamed, so a download never sees
    half a file. Returns the number of rows."""
    from xiaobao.disclosure.exports import public_columns

    path = full_data_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    rows = PublicComplaint.objects.select_related("business", "product", "cause", "channel", "group").order_by("pk")
    with translation.override(settings.LANGUAGE_CODE), gzip.open(tmp, "wt", encoding="utf-8", newline="") as f:
        count = write_csv(f, rows=rows.iterator(chunk_size=5000), columns=public_columns())
    os.replace(tmp, path)
    return count
