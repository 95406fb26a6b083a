"""Reads of the public complaint database: search, facets, trends and per-institution statistics.

Everything here reads only the projection (PublicComplaint) and public reference data, and returns
plain rows (dicts of numbers, dates and strings), so pages, the API, exports and the quarterly
publications share one set of figures. Counts come back exact; `public_count()` applies the
small-number rule wherever a figure is shown to the public.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Avg, CharField, Count, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncDay, TruncMonth, TruncQuarter, TruncWeek, TruncYear
from django.utils import timezone

from xiaobao.complaints.selectors import category_descendant_ids
from xiaobao.disclosure import search
from xiaobao.disclosure.models import DisclosureSettings, PublicBuild, PublicComplaint
from xiaobao.disclosure.rules import disclosure_settings
from xiaobao.registry.models import Category, Institution
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
    out["company"] = [{"key": k, "label": k, "count": n} for k, n in grouped("company", "group__name")]
    regions = dict(PublicComplaint.objects.values_list("region_code", "region_name").distinct())
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
    qs = public_complaints(filters)
    if lens == "overview":
        rows = qs.annotate(period=_period(interval)).values("period").annotate(count=Count("id")).order_by("period")
        return [{"period": _as_date(r["period"]), "count": r["count"]} for r in rows]
    column = {"product": "product_id", "company": "group__name", "region": "region_code"}[lens]
    leaders = [k for k, _n in qs.values_list(column).annotate(n=Count("id")).order_by("-n", column)[:top]]
    labels: dict[Any, str] = {}
    if lens == "product":
        labels = {pk: label for pk, (_code, label) in _category_labels().items()}
        codes = dict(Category.objects.filter(pk__in=leaders).values_list("pk", "code"))
    elif lens == "region":
        labels = dict(PublicComplaint.objects.values_list("region_code", "region_name").distinct())
    rows = (
        qs.filter(**{f"{column}__in": leaders})
        .annotate(period=_period(interval))
        .values("period", column)
        .annotate(count=Count("id"))
        .order_by("period", column)
    )
    out = []
    for r in rows:
        key = r[column]
        out.append(
            {
                "period": _as_date(r["period"]),
                "key": codes.get(key, key) if lens == "product" else key,
                "label": labels.get(key, key),
                "count": r["count"],
            }
        )
    return out


def _as_date(value: date | datetime | str) -> date:
    if isinstance(value, str):
        return date.fromisoformat(value)
    return value.date() if isinstance(value, datetime) else value


_COLUMN = '"disclosure_publiccomplaint"."date_received"'
# SQLite has no date_trunc: Django's Trunc calls a Python function for every row there, which the
# built-in date functions beat by an order of magnitude. PostgreSQL's date_trunc is native already.
_SQLITE_PERIODS = {
    "day": f"date({_COLUMN})",
    "week": f"date({_COLUMN}, '-' || ((CAST(strftime('%%w', {_COLUMN}) AS INTEGER) + 6) %% 7) || ' days')",
    "month": f"strftime('%%Y-%%m-01', {_COLUMN})",
    "quarter": f"printf('%%04d-%%02d-01', CAST(strftime('%%Y', {_COLUMN}) AS INTEGER), "
    f"((CAST(strftime('%%m', {_COLUMN}) AS INTEGER) - 1) / 3) * 3 + 1)",
    "year": f"strftime('%%Y-01-01', {_COLUMN})",
}


def _period(interval: str) -> Any:
    """The first day of the period (ISO week from Monday) each complaint was received in."""
    if connection.vendor == "sqlite":
        return RawSQL(_SQLITE_PERIODS[interval], [], output_field=CharField())  # noqa: S611 (fixed SQL above)
    return INTERVALS[interval]("date_received")


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
    qs = public_complaints(f)
    rows = list(
        qs.values("group_id")
        .annotate(
            complaints=Count("id"),
            timely_yes=Count("id", filter=Q(timely=True)),
            timely_known=Count("id", filter=Q(timely__isnull=False)),
            answered=Count("id", filter=~Q(outcome="")),
            upheld=Count("id", filter=Q(outcome__in=[Outcome.UPHELD, Outcome.PARTLY])),
            surveyed=Count("id", filter=Q(satisfaction__isnull=False)),
            satisfied=Count("id", filter=Q(satisfaction__gte=SATISFIED_FROM)),
            satisfaction_avg=Avg("satisfaction"),
            reviews=Count("id", filter=Q(review_requested=True)),
            mediations=Count("id", filter=Q(mediation=True)),
        )
        .filter(complaints__gte=max(minimum, 1))
    )
    groups = [r["group_id"] for r in rows]
    histograms: dict[int, list[tuple[int, int]]] = {}
    for gid, days, n in (
        qs.filter(group_id__in=groups, days_to_answer__isnull=False)
        .values_list("group_id", "days_to_answer")
        .annotate(n=Count("id"))
        .order_by("group_id", "days_to_answer")
    ):
        histograms.setdefault(gid, []).append((days, n))
    sizes = institution_size_figures(groups, (f.date_received_max or timezone.localdate()).year)
    names = dict(Institution.objects.filter(pk__in=groups).values_list("pk", "name"))
    out = []
    for r in rows:
        size = sizes.get(r["group_id"], SizeFigures())
        n = r["complaints"]
        avg = r["satisfaction_avg"]
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
