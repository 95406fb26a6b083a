"""The figures of a disclosure report, read from the public projection only (never from complaints).

`publication_figures` returns a JSON-ready snapshot: a list of headline figures and a list of tables,
each with column headings and rows whose counts already follow the small-number rules (fewer than 10
shows as "<10"; an institution is ranked only with enough complaints). Charts are drawn from the tables,
so the picture and the table can never disagree.
"""

from datetime import date
from typing import Any

from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaobao.disclosure.models import PublicComplaint
from xiaobao.disclosure.selectors import (
    SATISFIED_FROM,
    PublicFilters,
    data_last_updated,
    disclosure_settings,
    facets,
    institution_stats,
    public_complaints,
    public_count,
    trends,
)
from xiaobao.disputes.selectors import mediation_stats
from xiaobao.registry.models import Region
from xiaobao.registry.selectors import penalties_for


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def _share(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


def _summary(qs: Any) -> list[dict[str, Any]]:
    totals = qs.aggregate(
        complaints=Count("id"),
        timely_yes=Count("id", filter=Q(timely=True)),
        timely_known=Count("id", filter=Q(timely__isnull=False)),
        answered=Count("id", filter=~Q(outcome="")),
        upheld=Count("id", filter=Q(outcome__in=[PublicComplaint.Outcome.UPHELD, PublicComplaint.Outcome.PARTLY])),
        surveyed=Count("id", filter=Q(satisfaction__isnull=False)),
        satisfied=Count("id", filter=Q(satisfaction__gte=SATISFIED_FROM)),
        satisfaction=Avg("satisfaction"),
        reviews=Count("id", filter=Q(review_requested=True)),
        mediations=Count("id", filter=Q(mediation=True)),
        institutions=Count("group_id", distinct=True),
    )
    n = totals["complaints"]
    return [
        {"key": "complaints", "label": _("投诉总量（件）"), "value": public_count(n)},
        {"key": "institutions", "label": _("涉及机构（家）"), "value": totals["institutions"]},
        {"key": "timely", "label": _("按时答复率（%）"), "value": _share(totals["timely_yes"], totals["timely_known"])},
        {"key": "upheld", "label": _("诉求支持率（%）"), "value": _share(totals["upheld"], totals["answered"])},
        {"key": "satisfied", "label": _("满意率（%）"), "value": _share(totals["satisfied"], totals["surveyed"])},
        {
            "key": "satisfaction",
            "label": _("满意度平均分（5 分制）"),
            "value": round(totals["satisfaction"], 2) if totals["satisfaction"] is not None else None,
        },
        {"key": "reviews", "label": _("申请核查率（%）"), "value": _share(totals["reviews"], n)},
        {"key": "mediations", "label": _("转入调解率（%）"), "value": _share(totals["mediations"], n)},
    ]


def _by_prefecture(qs: Any) -> list[list[Any]]:
    names = dict(Region.objects.filter(level=Region.Level.PREFECTURE).values_list("code", "name"))
    rows = qs.exclude(prefecture_code="").values_list("prefecture_code").annotate(n=Count("id")).order_by("-n")
    return [[names.get(code, code), public_count(n)] for code, n in rows]


def _mediation(start: date, end: date) -> dict[str, Any]:
    """Mediation by body (§15 多元化解), from the disputes app's figures for requests filed in the period."""
    return {
        "key": "mediation",
        "title": _("调解组织办理情况"),
        "columns": [
            _("调解组织"),
            _("调解申请（件）"),
            _("机构同意调解率（%）"),
            _("调解成功率（%）"),
            _("办理用时中位数（天）"),
            _("已履行金额（元）"),
        ],
        "rows": [
            [
                s.name,
                public_count(s.applications),
                _percent(s.acceptance_rate),
                _percent(s.success_rate),
                s.median_days,
                float(s.amount_recovered),
            ]
            for s in mediation_stats(start=start, end=end, by="body")
        ],
    }


def _penalties(start: date, end: date) -> dict[str, Any]:
    """Administrative penalties decided in the period, published alongside the complaints (§15)."""
    return {
        "key": "penalties",
        "title": _("行政处罚信息"),
        "columns": [
            _("被处罚机构"),
            _("处罚日期"),
            _("决定书文号"),
            _("处罚种类"),
            _("罚没金额（元）"),
            _("作出决定机关"),
        ],
        "rows": [
            [
                p.institution.name,
                p.decided_on.isoformat(),
                p.decision_number,
                p.get_penalty_type_display(),
                float(p.amount) if p.amount is not None else None,
                p.authority.name,
            ]
            for p in penalties_for(start=start, end=end)
        ],
    }


def publication_figures(*, start: date, end: date) -> dict[str, Any]:
    filters = PublicFilters(date_received_min=start, date_received_max=end)
    qs = public_complaints(filters)
    rules = disclosure_settings()
    institutions = institution_stats(start=start, end=end)
    tables = [
        {
            "key": "by_month",
            "title": _("各月投诉量"),
            "columns": [_("月份"), _("投诉量（件）")],
            "rows": [
                [f"{r['period']:%Y-%m}", public_count(r["count"])] for r in trends(interval="month", filters=filters)
            ],
        },
        {
            "key": "by_business",
            "title": _("按业务类别"),
            "columns": [_("业务类别"), _("投诉量（件）")],
            "rows": [[r["label"], public_count(r["count"])] for r in facets(filters, limit=50)["business"]],
        },
        {
            "key": "by_cause",
            "title": _("按投诉原因"),
            "columns": [_("投诉原因"), _("投诉量（件）")],
            "rows": [[r["label"], public_count(r["count"])] for r in facets(filters, limit=50)["cause"]],
        },
        {
            "key": "by_region",
            "title": _("按地区（市州）"),
            "columns": [_("市州"), _("投诉量（件）")],
            "rows": _by_prefecture(qs),
        },
        {
            "key": "institutions",
            "title": _("机构投诉情况（投诉量不少于 %(n)s 件的机构）") % {"n": rules.institution_min_complaints},
            "columns": [
                _("排名"),
                _("机构"),
                _("投诉量（件）"),
                _("每万名个人客户投诉量"),
                _("每百个网点投诉量"),
                _("按时答复率（%）"),
                _("诉求支持率（%）"),
                _("答复用时中位数（天）"),
                _("满意率（%）"),
                _("申请核查率（%）"),
                _("转入调解率（%）"),
            ],
            "rows": [
                [
                    r["rank_complaints"],
                    r["institution"],
                    public_count(r["complaints"]),
                    r["per_10k_customers"],
                    r["per_100_outlets"],
                    _percent(r["timely_share"]),
                    _percent(r["upheld_rate"]),
                    r["median_days_to_answer"],
                    _percent(r["satisfied_share"]),
                    _percent(r["review_rate"]),
                    _percent(r["mediation_rate"]),
                ]
                for r in institutions
            ],
        },
    ]
    tables += [_mediation(start, end), _penalties(start, end)]
    as_of = data_last_updated()
    return {
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "data_as_of": as_of.isoformat() if as_of else None,
        "computed_at": timezone.now().isoformat(),
        "summary": _summary(qs),
        "tables": tables,
    }


def chart_options(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """ECharts options for the report page, each drawn from one of the report's tables."""
    tables = {t["key"]: t for t in figures.get("tables", [])}
    charts = []

    def numbers(rows: list[list[Any]], column: int) -> list[Any]:
        # A suppressed count ("<10") has no exact height: draw it as empty, the table says "<10".
        return [v if isinstance(v, int | float) else None for v in (r[column] for r in rows)]

    if rows := tables.get("by_month", {}).get("rows"):
        charts.append(
            {
                "id": "chart-by-month",
                "table": "by_month",
                "label": tables["by_month"]["title"],
                "option": {
                    "tooltip": {"trigger": "axis"},
                    "xAxis": {"type": "category", "data": [r[0] for r in rows]},
                    "yAxis": {"type": "value", "minInterval": 1},
                    "series": [{"type": "line", "name": tables["by_month"]["columns"][1], "data": numbers(rows, 1)}],
                },
            }
        )
    if rows := tables.get("by_business", {}).get("rows"):
        top = rows[:10][::-1]
        charts.append(
            {
                "id": "chart-by-business",
                "table": "by_business",
                "label": tables["by_business"]["title"],
                "option": {
                    "tooltip": {"trigger": "axis"},
                    "grid": {"left": 8, "right": 24, "containLabel": True},
                    "xAxis": {"type": "value", "minInterval": 1},
                    "yAxis": {"type": "category", "data": [r[0] for r in top]},
                    "series": [{"type": "bar", "name": tables["by_business"]["columns"][1], "data": numbers(top, 1)}],
                },
            }
        )
    if rows := tables.get("by_region", {}).get("rows"):
        values = numbers(rows, 1)
        charts.append(
            {
                "id": "chart-by-region",
                "table": "by_region",
                "label": tables["by_region"]["title"],
                "tall": True,
                "option": {
                    "tooltip": {"trigger": "item"},
                    "visualMap": {
                        "min": 0,
                        "max": max([v for v in values if v is not None], default=1),
                        "left": "left",
                        "calculable": True,
                    },
                    "series": [
                        {
                            "type": "map",
                            "map": "吉林",
                            "name": tables["by_region"]["columns"][1],
                            "data": [{"name": r[0], "value": v} for r, v in zip(rows, values, strict=True)],
                        }
                    ],
                },
            }
        )
    return charts
