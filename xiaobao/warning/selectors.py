"""Reads for early warning: complaint counts per period in one grouped query, and what screens list."""

import calendar
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import CharField, Count, F, Func, Q, QuerySet
from django.db.models.functions import Substr
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from xiaobao.complaints.models import Complaint
from xiaobao.registry.models import Institution
from xiaobao.warning.models import Alert, Granularity

if TYPE_CHECKING:
    from django.db.models.sql.compiler import _AsSqlType

# How far back the same period lies a year earlier; days have no year-ago correction (the weekday
# rhythm is already in the share rule, and a year of daily series would cost more than it tells).
YEAR_LAG: dict[str, int] = {Granularity.DAY: 0, Granularity.WEEK: 52, Granularity.MONTH: 12}


class LocalPeriod(Func):
    """The first local day of a timestamp's day, week (Monday) or month, as 'YYYY-MM-DD' text.

    Computed by the database's own date functions: Django's Trunc on SQLite calls back into Python
    for every row, which is what a scan over a million complaints cannot afford. China keeps one
    UTC offset all year (no daylight saving since 1991), so SQLite's fixed offset is exact.
    """

    output_field = CharField()

    def __init__(self, expression: Any, granularity: str) -> None:
        super().__init__(expression)
        self.granularity = granularity

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> "_AsSqlType":
        sql, params = compiler.compile(self.source_expressions[0])
        unit = {"day": "day", "week": "week", "month": "month"}[self.granularity]
        return f"to_char(date_trunc('{unit}', {sql} AT TIME ZONE %s), 'YYYY-MM-DD')", (*params, settings.TIME_ZONE)

    def as_sqlite(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any) -> "_AsSqlType":
        sql, params = compiler.compile(self.source_expressions[0])
        offset = datetime.now(ZoneInfo(settings.TIME_ZONE)).utcoffset() or timedelta(0)
        shift = f"{int(offset.total_seconds()):+d} seconds"
        match self.granularity:
            case "day":
                return f"date({sql}, '{shift}')", params
            case "week":
                return f"date({sql}, '{shift}', '-6 days', 'weekday 1')", params
            case _:
                return f"strftime('%%Y-%%m-01', {sql}, '{shift}')", params


def period_start(day: date, granularity: str) -> date:
    if granularity == Granularity.WEEK:
        return day - timedelta(days=day.weekday())
    if granularity == Granularity.MONTH:
        return day.replace(day=1)
    return day


def period_end(start: date, granularity: str) -> date:
    if granularity == Granularity.WEEK:
        return start + timedelta(days=6)
    if granularity == Granularity.MONTH:
        return start.replace(day=calendar.monthrange(start.year, start.month)[1])
    return start


def shift_period(start: date, granularity: str, n: int) -> date:
    """The start of the period n periods after (negative: before) the one starting on start."""
    if granularity == Granularity.DAY:
        return start + timedelta(days=n)
    if granularity == Granularity.WEEK:
        return start + timedelta(weeks=n)
    months = start.year * 12 + start.month - 1 + n
    return date(months // 12, months % 12 + 1, 1)


def current_period(as_of: date, granularity: str) -> date:
    """The last complete period on as_of: the day itself, the week or month that ended on or before it."""
    start = period_start(as_of, granularity)
    if period_end(start, granularity) <= as_of:
        return start
    return shift_period(start, granularity, -1)


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass
class Counts:
    """Complaint counts per series and period for one granularity; periods are oldest first."""

    granularity: str
    periods: list[date]
    totals: list[int]
    series: dict[tuple[Any, ...], list[int]] = field(default_factory=dict)


def head_offices() -> dict[int, int]:
    """Every institution's head office: complaints about a branch count for the whole institution."""
    parent = dict(Institution.objects.values_list("pk", "parent_id"))
    heads = {}
    for pk in parent:
        node = pk
        while parent.get(node):
            node = parent[node]
        heads[pk] = node
    return heads


def complaint_counts(*, granularity: str, first: date, current: date, heads: dict[int, int]) -> Counts:
    """One grouped count over the complaints received from period `first` to the end of `current`,
    rolled up into every series: institution (head office), business category, cause, the
    complainant's prefecture, institution × business and business × prefecture."""
    periods = []
    p = first
    while p <= current:
        periods.append(p)
        p = shift_period(p, granularity, 1)
    index = {p.isoformat(): i for i, p in enumerate(periods)}
    size = len(periods)
    totals = [0] * size
    # One dict per kind of series, updated inline: this loop runs once per grouped row, up to hundreds
    # of thousands of times per scan, so it avoids building keys or calling helpers.
    inst: dict[Any, list[int]] = {}
    biz: dict[Any, list[int]] = {}
    inst_biz: dict[Any, list[int]] = {}
    cause: dict[Any, list[int]] = {}
    region: dict[Any, list[int]] = {}
    biz_region: dict[Any, list[int]] = {}

    query = (
        Complaint.objects.filter(
            received_at__gte=local_midnight(first),
            received_at__lt=local_midnight(period_end(current, granularity) + timedelta(days=1)),
        )
        .annotate(period=LocalPeriod(F("received_at"), granularity), prefecture=Substr("region_id", 1, 4))
        .values_list("period", "institution_id", "business_id", "cause_id", "prefecture")
        .annotate(n=Count("id"))
        .order_by()
    ).query
    # The grouped rows straight from the cursor: the ORM's per-row converters would cost more than the
    # query itself at a million complaints, and these columns need none.
    sql, params = query.sql_with_params()
    with connections[router.db_for_read(Complaint)].cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(50_000):
            for period, institution_id, business_id, cause_id, prefecture, n in chunk:
                i = index.get(period)
                if i is None:
                    continue
                totals[i] += n
                head = heads.get(institution_id, institution_id)
                if (row := inst.get(head)) is None:
                    row = inst[head] = [0] * size
                row[i] += n
                if (row := biz.get(business_id)) is None:
                    row = biz[business_id] = [0] * size
                row[i] += n
                if (row := inst_biz.get((head, business_id))) is None:
                    row = inst_biz[head, business_id] = [0] * size
                row[i] += n
                if cause_id is not None:
                    if (row := cause.get(cause_id)) is None:
                        row = cause[cause_id] = [0] * size
                    row[i] += n
                if prefecture:
                    if (row := region.get(prefecture)) is None:
                        row = region[prefecture] = [0] * size
                    row[i] += n
                    if (row := biz_region.get((business_id, prefecture))) is None:
                        row = biz_region[business_id, prefecture] = [0] * size
                    row[i] += n
    series: dict[tuple[Any, ...], list[int]] = {}
    series.update((("institution", k), v) for k, v in inst.items())
    series.update((("business", k), v) for k, v in biz.items())
    series.update((("institution_business", *k), v) for k, v in inst_biz.items())
    series.update((("cause", k), v) for k, v in cause.items())
    series.update((("region", k + "00"), v) for k, v in region.items())
    series.update((("business_region", b, p + "00"), v) for (b, p), v in biz_region.items())
    return Counts(granularity=granularity, periods=periods, totals=totals, series=series)


def series_filter(dimension: str, ids: tuple[Any, ...], heads: dict[int, int]) -> Q:
    """The complaints a series counts, as a filter."""
    parts = dict(zip(dimension.split("_"), ids, strict=True))
    q = Q()
    if "institution" in parts:
        q &= Q(institution_id__in=[pk for pk, head in heads.items() if head == parts["institution"]])
    if "business" in parts:
        q &= Q(business_id=parts["business"])
    if "cause" in parts:
        q &= Q(cause_id=parts["cause"])
    if "region" in parts:
        q &= Q(region__code__startswith=str(parts["region"])[:4])
    return q


def series_complaints(*, q: Q, start: date, end: date) -> QuerySet[Complaint]:
    return Complaint.objects.filter(
        q, received_at__gte=local_midnight(start), received_at__lt=local_midnight(end + timedelta(days=1))
    )


def majority_authority(complaints: QuerySet[Complaint]) -> int | None:
    """The authority most of these complaints went to: the regulator the series is mostly about."""
    row = complaints.values("authority_id").annotate(n=Count("id")).order_by("-n", "authority_id").first()
    return row["authority_id"] if row else None


def complaint_texts(
    complaints: QuerySet[Complaint], *, limit: int, since: datetime | None = None
) -> Iterator[dict[str, Any]]:
    for c in complaints.order_by("-received_at").values("number", "summary", "received_at")[:limit]:
        yield {
            "number": c["number"],
            "summary": c["summary"],
            "received_at": timezone.localtime(c["received_at"]).strftime("%Y-%m-%d %H:%M"),
        }


# ---------------------------------------------------------------------------------------------
# Screens


def alert_counts_by_level(alerts: QuerySet[Alert]) -> dict[str, int]:
    return dict(Counter(alerts.values_list("level", flat=True)))


def review_table(alerts: QuerySet[Alert]) -> list[dict[str, Any]]:
    """For the thresholds' review: how the closed alerts of each dimension and period turned out."""
    rows = (
        alerts.filter(status__in=Alert.CLOSED_STATUSES)
        .values("kind", "dimension", "granularity")
        .annotate(
            confirmed=Count("id", filter=Q(status=Alert.Status.CONFIRMED)),
            false_positive=Count("id", filter=Q(status=Alert.Status.FALSE_POSITIVE)),
        )
        .order_by("kind", "dimension", "granularity")
    )
    labels = dict(Alert.Dimension.choices)
    grains = dict(Granularity.choices)
    out = []
    for r in rows:
        closed = r["confirmed"] + r["false_positive"]
        out.append(
            {
                "dimension": labels.get(r["dimension"], r["dimension"]),
                "granularity": grains.get(r["granularity"], ""),
                "confirmed": r["confirmed"],
                "false_positive": r["false_positive"],
                "precision": round(100 * r["confirmed"] / closed) if closed else None,
            }
        )
    return out
