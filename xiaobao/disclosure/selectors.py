"""Reads of the public complaint database: search, facets, trends and per-institution statistics.

Everything here reads only the projection (PublicComplaint) and public reference data, and returns
plain rows (dicts of numbers, dates and strings), so pages, the API, exports and the quarterly
publications share one set of figures. Counts come back exact; `public_count()` applies the
small-number rule wherever a figure is shown to the public.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, models
from django.db.models import CharField, Count, Q, QuerySet, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, TruncDay, TruncMonth, TruncQuarter, TruncWeek, TruncYear
from django.utils import timezone

from xiaobao.complaints.selectors import category_descendant_ids
from xiaobao.disclosure import search
from xiaobao.disclosure.models import DisclosureSettings, PublicBuild, PublicComplaint, PublicMonth, PublicMonthDays
from xiaobao.disclosure.rules import disclosure_settings
from xiaobao.registry.models import Category, Institution, Region
from xiaobao.registry.selectors import size_figures_for

Response = PublicComplaint.Response
Outcome = PublicComplaint.Outcome

INTERVALS = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth, "quarter": TruncQuarter, "year": TruncYear}
SORTS = ("created_date_desc", "created_date_asc", "relevance_desc")
TREND_LENSES = ("overview", "product", "company", "region")
# Satisfied on the government's five levels (国办发〔2019〕51号): 满意 (4) and 非常满意 (5).
SATISFIED_FROM = 4


@dataclass
class PublicFilters:
    """The public search's filters, named as in the API (CFPB's names where they fit)."""

    search_term: str = ""
    search_field: str = search.FIELD_ALL
    date_received_min: date | None = None
    date_received_max: date | None = None
    company: list[str] = field(default_factory=list)
    business: list[str] = field(default_factory=list)
    cause: list[str] = field(default_factory=list)
    region: list[str] = field(default_factory=list)
    channel: list[str] = field(default_factory=list)
    submitted_via: list[str] = field(default_factory=list)
    outcome: list[str] = field(default_factory=list)
    company_response: list[str] = field(default_factory=list)
    timely: bool | None = None
    has_narrative: bool | None = None


def _category_ids(codes: list[str], dimension: str) -> list[int]:
    ids: list[int] = []
    for category in Category.objects.filter(code__in=codes, dimension=dimension):
        ids.extend(category_descendant_ids(category))
    return ids or [0]


def _business_q(codes: list[str]) -> Q:
    """A top-level business category is the projection's indexed product column; a lower one its subtree."""
    found = list(Category.objects.filter(code__in=codes, dimension=Category.Dimension.BUSINESS))
    tops = [c.pk for c in found if c.parent_id is None]
    below = [pk for c in found if c.parent_id is not None for pk in category_descendant_ids(c)]
    if not found:
        return Q(pk__in=[])
    return (Q(product_id__in=tops) if tops else Q(pk__in=[])) | (Q(business_id__in=below) if below else Q(pk__in=[]))


def _filter_q(f: PublicFilters, skip: str = "") -> Q:
    q = Q()
    if f.date_received_min:
        q &= Q(date_received__gte=f.date_received_min)
    if f.date_received_max:
        q &= Q(date_received__lte=f.date_received_max)
    if f.company and skip != "company":
        q &= Q(institution_name__in=f.company) | Q(group__name__in=f.company)
    if f.business and skip != "business":
        q &= _business_q(f.business)
    if f.cause and skip != "cause":
        q &= Q(cause_id__in=_category_ids(f.cause, Category.Dimension.CAUSE))
    if f.channel and skip != "channel":
        q &= Q(channel_id__in=_category_ids(f.channel, Category.Dimension.CHANNEL))
    if f.region and skip != "region":
        q &= Q(region_code__in=f.region) | Q(prefecture_code__in=f.region)
    if f.submitted_via and skip != "submitted_via":
        q &= Q(submitted_via__in=f.submitted_via)
    if f.outcome and skip != "outcome":
        q &= Q(outcome__in=f.outcome)
    if f.company_response and skip != "company_response":
        q &= Q(response__in=f.company_response)
    if f.timely is not None and skip != "timely":
        q &= Q(timely=f.timely)
    if f.has_narrative is not None and skip != "has_narrative":
        q &= Q(has_narrative=f.has_narrative)
    return q


def public_complaints(filters: PublicFilters | None = None, *, skip: str = "") -> QuerySet[PublicComplaint]:
    """The projection's rows matching the filters (all but `skip`, which facet counts leave out)."""
    f = filters or PublicFilters()
    qs = PublicComplaint.objects.filter(_filter_q(f, skip))
    if f.search_term.strip():
        condition = search.match(f.search_term, f.search_field)
        qs = qs.filter(condition) if condition is not None else qs.none()
    return qs


@dataclass
class SearchPage:
    rows: list[PublicComplaint]
    total: int
    page: int
    size: int
    tokens: list[str]


def public_search(
    filters: PublicFilters, *, sort: str = "created_date_desc", page: int = 1, size: int = 25
) -> SearchPage:
    qs = public_complaints(filters).select_related("business", "product", "cause", "channel", "group")
    order: list[Any] = ["-date_received", "-id"]
    if sort == "created_date_asc":
        order = ["date_received", "id"]
    elif sort == "relevance_desc" and filters.search_term.strip():
        ranked = search.relevance(filters.search_term, filters.search_field)
        if ranked is not None:
            order = [ranked, "-id"]
    total = qs.count()
    rows = list(qs.order_by(*order)[(page - 1) * size : page * size])
    tokens = search.query_tokens(filters.search_term) if filters.search_field != search.FIELD_COMPANY else []
    return SearchPage(rows=rows, total=total, page=page, size=size, tokens=tokens)


def ordered_for_export(filters: PublicFilters) -> QuerySet[PublicComplaint]:
    return (
        public_complaints(filters)
        .select_related("business", "product", "cause", "channel", "group")
        .order_by("-date_received", "-id")
    )


# ---------------------------------------------------------------------------------------------
# Facets: for each filter, the counts of its values under all the other filters (CFPB's aggregations)


def _category_labels() -> dict[int, tuple[str, str]]:
    return {c.pk: (c.code, c.label) for c in Category.objects.all()}


def facets(filters: PublicFilters, *, limit: int = 30) -> dict[str, list[dict[str, Any]]]:
    cats = _category_labels()
    out: dict[str, list[dict[str, Any]]] = {}

    def grouped(name: str, column: str) -> list[tuple[Any, int]]:
        rows = public_complaints(filters, skip=name).values_list(column).annotate(n=Count("id")).order_by("-n", column)
        return [(key, n) for key, n in rows[:limit] if key not in (None, "")]

    for name, column in (("business", "product_id"), ("cause", "cause_id"), ("channel", "channel_id")):
        out[name] = [{"key": cats[k][0], "label": cats[k][1], "count": n} for k, n in grouped(name, column)]
    # By the indexed group column, named afterwards: grouping by the name would join every matching row.
    groups = grouped("company", "group_id")
    names = dict(Institution.objects.filter(pk__in=[k for k, _n in groups]).values_list("pk", "name"))
    out["company"] = [{"key": names[k], "label": names[k], "count": n} for k, n in groups]
    regions = _region_names()
    out["region"] = [{"key": k, "label": regions.get(k, k), "count": n} for k, n in grouped("region", "region_code")]
    via = dict(_via_choices())
    out["submitted_via"] = [
        {"key": k, "label": str(via.get(k, k)), "count": n} for k, n in grouped("submitted_via", "submitted_via")
    ]
    outcomes = dict(Outcome.choices)
    out["outcome"] = [{"key": k, "label": str(outcomes[k]), "count": n} for k, n in grouped("outcome", "outcome")]
    responses = dict(Response.choices)
    out["company_response"] = [
        {"key": k, "label": str(responses[k]), "count": n} for k, n in grouped("company_response", "response")
    ]
    out["timely"] = [
        {"key": "true" if k else "false", "label": str(_yes_no(k)), "count": n} for k, n in grouped("timely", "timely")
    ]
    out["has_narrative"] = [
        {"key": "true" if k else "false", "label": str(_yes_no(k)), "count": n}
        for k, n in grouped("has_narrative", "has_narrative")
    ]
    return out


def _region_names() -> dict[str, str]:
    """The published region codes' names (the build copies them from the registry)."""
    return dict(Region.objects.values_list("code", "name"))


def _via_choices() -> list[tuple[str, Any]]:
    from xiaobao.complaints.models import Complaint

    return Complaint.Via.choices


def _yes_no(value: bool) -> Any:
    from django.utils.translation import gettext_lazy as _

    return _("是") if value else _("否")


# ---------------------------------------------------------------------------------------------
# Trends


def trends(
    *, interval: str, filters: PublicFilters | None = None, lens: str = "overview", top: int = 5
) -> list[dict[str, Any]]:
    """Complaints per period (day, week, month, quarter, year): rows of {"period", "count"}, and with a
    lens ("product", "company", "region") rows of {"period", "key", "label", "count"} for its top values."""
    f = filters or PublicFilters()
    # Day and week periods cut across months, and regions are not in the monthly totals.
    sources = _sources(f) if interval in ("month", "quarter", "year") and lens != "region" else _rows_only(f)
    if lens == "overview":
        counts: Counter[Any] = Counter()
        for qs, count in sources:
            for period, n in qs.annotate(period=period_of(interval, qs.model)).values_list("period").annotate(n=count):
                counts[as_date(period)] += n
        return [{"period": p, "count": counts[p]} for p in sorted(counts)]
    column = {"product": "product_id", "company": "group__name", "region": "region_code"}[lens]
    totals: Counter[Any] = Counter()
    for qs, count in sources:
        totals.update(dict(qs.values_list(column).annotate(n=count)))
    leaders = [k for k, _n in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]
    labels: dict[Any, str] = {}
    codes: dict[Any, str] = {}
    if lens == "product":
        labels = {pk: label for pk, (_code, label) in _category_labels().items()}
        codes = dict(Category.objects.filter(pk__in=leaders).values_list("pk", "code"))
    elif lens == "region":
        labels = _region_names()
    counts = Counter()
    for qs, count in sources:
        rows = (
            qs.filter(**{f"{column}__in": leaders})
            .annotate(period=period_of(interval, qs.model))
            .values_list("period", column)
            .annotate(n=count)
        )
        for period, key, n in rows:
            counts[(as_date(period), key)] += n
    return [
        {"period": period, "key": codes.get(key, key), "label": labels.get(key, key), "count": counts[(period, key)]}
        for period, key in sorted(counts)
    ]


def as_date(value: date | datetime | str) -> date:
    if isinstance(value, str):
        return date.fromisoformat(value)
    return value.date() if isinstance(value, datetime) else value


# SQLite has no date_trunc: Django's Trunc calls a Python function for every row there, which the
# built-in date functions beat by an order of magnitude. PostgreSQL's date_trunc is native already.
_SQLITE_PERIODS = {
    "day": "date({c})",
    "week": "date({c}, '-' || ((CAST(strftime('%%w', {c}) AS INTEGER) + 6) %% 7) || ' days')",
    "month": "strftime('%%Y-%%m-01', {c})",
    "quarter": "printf('%%04d-%%02d-01', CAST(strftime('%%Y', {c}) AS INTEGER), "
    "((CAST(strftime('%%m', {c}) AS INTEGER) - 1) / 3) * 3 + 1)",
    "year": "strftime('%%Y-01-01', {c})",
}
# The date each model's periods are counted by.
_DATE_FIELD = {PublicComplaint: "date_received", PublicMonth: "month"}


def period_of(interval: str, model: type[models.Model] = PublicComplaint) -> Any:
    """The first day of the period (ISO week from Monday) each row's date falls in."""
    field_name = _DATE_FIELD[model]
    if connection.vendor == "sqlite":
        column = f'"{model._meta.db_table}"."{field_name}"'
        # Fixed SQL: the templates above and the model's own table and column names.
        return RawSQL(_SQLITE_PERIODS[interval].format(c=column), [], output_field=CharField())  # noqa: S611
    return INTERVALS[interval](field_name)


# ---------------------------------------------------------------------------------------------
# Where figures come from: the monthly totals for whole months, the projection's rows for the rest

# What institution statistics count, over the projection's rows; the monthly totals store each one
# summed (services.public_month_rebuild), so both sources give the same figures. Rows are counted by
# their (never empty) date rather than their id, so that the date_stats index covers the whole query on
# PostgreSQL too, whose indexes do not carry the id as SQLite's carry the rowid.
MEASURES: dict[str, Any] = {
    "complaints": Count("date_received"),
    "timely_yes": Count("date_received", filter=Q(timely=True)),
    "timely_known": Count("date_received", filter=Q(timely__isnull=False)),
    "answered": Count("date_received", filter=~Q(outcome="")),
    "upheld": Count("date_received", filter=Q(outcome__in=[Outcome.UPHELD, Outcome.PARTLY])),
    "surveyed": Count("date_received", filter=Q(satisfaction__isnull=False)),
    "satisfied": Count("date_received", filter=Q(satisfaction__gte=SATISFIED_FROM)),
    "satisfaction_sum": Coalesce(Sum("satisfaction"), 0),
    "reviews": Count("date_received", filter=Q(review_requested=True)),
    "mediations": Count("date_received", filter=Q(mediation=True)),
}
Source = tuple[QuerySet[Any], Any]


def _rows_only(f: PublicFilters) -> list[Source]:
    # COUNT(*), not COUNT(id): PostgreSQL can then answer from an index that lacks the id (index-only).
    return [(public_complaints(f), Count("*"))]


def _sources(f: PublicFilters, *, days: bool = False) -> list[Source]:
    """The querysets a question's counts add up from, each with its count expression: the monthly
    totals (or, with `days`, their days-to-answer histogram) for the whole months of the date range,
    and the projection for the days at either end. A filter other than the dates needs the rows."""
    if f != PublicFilters(date_received_min=f.date_received_min, date_received_max=f.date_received_max):
        return _rows_only(f)
    low, high = f.date_received_min, f.date_received_max
    first = low if low is None or low.day == 1 else _next_month(low)  # the first whole month's first day
    last = (
        high
        if high is None or _next_month(high) - timedelta(days=1) == high
        else high.replace(day=1) - timedelta(days=1)
    )
    if first is not None and last is not None and first > last:
        return _rows_only(f)  # no whole month inside
    monthly = (PublicMonthDays if days else PublicMonth).objects.all()
    if first is not None:
        monthly = monthly.filter(month__gte=first)
    if last is not None:
        monthly = monthly.filter(month__lte=last)
    sources: list[Source] = [(monthly, Sum("complaints"))]
    if low is not None and first is not None and first != low:
        sources += _rows_only(PublicFilters(date_received_min=low, date_received_max=first - timedelta(days=1)))
    if high is not None and last is not None and last != high:
        sources += _rows_only(PublicFilters(date_received_min=last + timedelta(days=1), date_received_max=high))
    return sources


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


# ---------------------------------------------------------------------------------------------
# Per-institution statistics


@dataclass(frozen=True)
class SizeFigures:
    personal_customers: int | None = None
    outlets: int | None = None
    deposits_yuan: Decimal | None = None


def institution_size_figures(ids: list[int], year: int) -> dict[int, SizeFigures]:
    """What each institution is normalised by: its reported size figures for the year (or its latest
    earlier year's), as the registry keeps them. The one place disclosure reads size figures."""
    return {
        pk: SizeFigures(personal_customers=f.personal_customers, outlets=f.outlets, deposits_yuan=f.deposits)
        for pk, f in size_figures_for(ids, year).items()
    }


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _per(count: int, base: int | Decimal | None, unit: int) -> float | None:
    return round(count * unit / float(base), 4) if base else None


def _median(histogram: list[tuple[int, int]]) -> float | None:
    """The median of values given as (value, how many), sorted by value."""
    total = sum(n for _v, n in histogram)
    if not total:
        return None
    lower, upper = (total - 1) // 2, total // 2
    seen, low_value = 0, None
    for value, n in histogram:
        if low_value is None and seen + n > lower:
            low_value = value
        if seen + n > upper:
            assert low_value is not None  # lower <= upper: found at this value or before
            return (low_value + value) / 2
        seen += n
    return None


def institution_stats(
    *,
    start: date | None = None,
    end: date | None = None,
    filters: PublicFilters | None = None,
    min_complaints: int | None = None,
    order: str = "complaints",
    top: int | None = None,
) -> list[dict[str, Any]]:
    """One row per institution (head of its tree in the registry) with enough complaints in the period.

    Figures: complaints; per 10,000 personal customers, per 100 outlets, per 10 billion 元 of deposits
    (where the size figure is known); share answered on time; upheld rate (fully or partly, among
    answered); median calendar days to the answer; satisfaction (average score and share satisfied,
    among surveyed); shares that asked for review and that went to mediation; ranks by count and by
    complaints per customer (1 = most complaints). `order` is "complaints" or "per_customers".
    """
    f = filters or PublicFilters()
    if start or end:
        f = PublicFilters(**{**f.__dict__, "date_received_min": start or f.date_received_min,
                             "date_received_max": end or f.date_received_max})  # fmt: skip
    rules = disclosure_settings()
    minimum = rules.institution_min_complaints if min_complaints is None else min_complaints
    totals: dict[int, Counter[str]] = {}
    for qs, _count in _sources(f):
        monthly = qs.model is PublicMonth
        aggregates = {name: Sum(name) if monthly else measure for name, measure in MEASURES.items()}
        for row in qs.values("group_id").annotate(**aggregates):
            totals.setdefault(row.pop("group_id"), Counter()).update(row)
    rows = [{"group_id": g, **t} for g, t in totals.items() if t["complaints"] >= max(minimum, 1)]
    groups = [r["group_id"] for r in rows]
    days: dict[int, Counter[int]] = {}
    listed = set(groups)
    for qs, count in _sources(f, days=True):
        if qs.model is PublicComplaint:
            qs = qs.filter(days_to_answer__isnull=False)
        # Institutions below the threshold are dropped here, not in SQL: a list of ids would steer the
        # database to the (group, date) index instead of the one that covers the whole query.
        for gid, n_days, n in qs.values_list("group_id", "days_to_answer").annotate(n=count):
            if gid in listed:
                days.setdefault(gid, Counter())[n_days] += n
    histograms = {gid: sorted(counter.items()) for gid, counter in days.items()}
    sizes = institution_size_figures(groups, (f.date_received_max or timezone.localdate()).year)
    names = dict(Institution.objects.filter(pk__in=groups).values_list("pk", "name"))
    out: list[dict[str, Any]] = []
    for r in rows:
        size = sizes.get(r["group_id"], SizeFigures())
        n = r["complaints"]
        avg = r["satisfaction_sum"] / r["surveyed"] if r["surveyed"] else None
        out.append(
            {
                "institution_id": r["group_id"],
                "institution": names.get(r["group_id"], ""),
                "complaints": n,
                "personal_customers": size.personal_customers,
                "outlets": size.outlets,
                "deposits_yuan": size.deposits_yuan,
                "per_10k_customers": _per(n, size.personal_customers, 10_000),
                "per_100_outlets": _per(n, size.outlets, 100),
                "per_10bn_deposits": _per(n, size.deposits_yuan, 10_000_000_000),
                "timely_share": _ratio(r["timely_yes"], r["timely_known"]),
                "upheld_rate": _ratio(r["upheld"], r["answered"]),
                "median_days_to_answer": _median(histograms.get(r["group_id"], [])),
                "satisfaction_avg": round(avg, 2) if avg is not None else None,
                "satisfied_share": _ratio(r["satisfied"], r["surveyed"]),
                "review_rate": _ratio(r["reviews"], n),
                "mediation_rate": _ratio(r["mediations"], n),
            }
        )
    by_count = sorted(out, key=lambda x: (-x["complaints"], x["institution"]))
    for rank, row in enumerate(by_count, start=1):
        row["rank_complaints"] = rank
    by_customers = sorted(
        (x for x in out if x["per_10k_customers"] is not None),
        key=lambda x: (-x["per_10k_customers"], x["institution"]),
    )
    for row in out:
        row["rank_per_customers"] = None
    for rank, row in enumerate(by_customers, start=1):
        row["rank_per_customers"] = rank
    if order == "per_customers":
        result = by_customers + [x for x in by_count if x["per_10k_customers"] is None]
    else:
        result = by_count
    return result[:top] if top else result


# ---------------------------------------------------------------------------------------------
# Presentation rules shared by pages, API, exports and publications


def public_count(n: int | None, rules: DisclosureSettings | None = None) -> int | str | None:
    """A count as the public may see it: under the threshold (10 by default) it reads "<10"."""
    if n is None:
        return None
    rules = rules or disclosure_settings()
    return f"<{rules.small_count_below}" if 0 < n < rules.small_count_below else n


def data_last_updated() -> datetime | None:
    """When the public data last finished building: shown on every public page."""
    build = PublicBuild.objects.filter(finished_at__isnull=False).order_by("-finished_at").first()
    return build.finished_at if build else None


def public_complaint(number: str) -> PublicComplaint:
    """One published complaint by its number; DoesNotExist for anything not in the projection."""
    return PublicComplaint.objects.select_related("business", "product", "cause", "channel", "group").get(number=number)
