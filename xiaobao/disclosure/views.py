"""The public pages of the complaint database: search, one complaint, statistics, the full-data file.

They read only the projection through the selectors, like the public API; no sign-in.
"""

import math
from datetime import timedelta
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from xiaobao.disclosure import search, selectors
from xiaobao.disclosure.api import export_cap
from xiaobao.disclosure.forms import PAGE_SIZE, PublicSearchForm
from xiaobao.disclosure.models import PublicComplaint
from xiaobao.disclosure.rules import disclosure_settings
from xiaobao.disclosure.services import FULL_DATA_NAME, full_data_path

FACET_TITLES = ("business", "region", "company_response", "timely")
STATS_MONTHS = 12


def _common(rules: Any) -> dict[str, Any]:
    return {"data_last_updated": selectors.data_last_updated(), "rules": rules}


def public_search(request: HttpRequest) -> HttpResponse:
    rules = disclosure_settings()
    form = PublicSearchForm(request.GET or None)
    filters = form.public_filters()
    sort = form.cleaned_data.get("sort") or "created_date_desc" if form.is_bound else "created_date_desc"
    last_page = max(1, rules.result_window_max // PAGE_SIZE)
    try:
        page_number = min(max(1, int(request.GET.get("page", "1"))), last_page)
    except ValueError:
        page_number = 1
    found = selectors.public_search(filters, sort=sort, page=page_number, size=PAGE_SIZE)
    num_pages = min(max(1, math.ceil(found.total / PAGE_SIZE)), last_page)
    results = [
        {
            "row": row,
            # highlight() escapes the text before it marks the words.
            "summary": mark_safe(search.highlight(row.summary, found.tokens)),  # noqa: S308
            "narrative": mark_safe(search.highlight(row.narrative, found.tokens, limit=160)),  # noqa: S308
        }
        for row in found.rows
    ]
    all_facets = selectors.facets(filters, limit=10) if found.total else {}
    facets = [
        {
            "name": name,
            "label": form.fields[name].label,
            "items": [{**i, "shown": selectors.public_count(i["count"], rules)} for i in all_facets.get(name, [])],
        }
        for name in FACET_TITLES
        if all_facets.get(name)
    ]
    context = {
        **_common(rules),
        "form": form,
        "results": results,
        "total": found.total,
        "page_number": page_number,
        "num_pages": num_pages,
        "facets": facets,
        "query": _api_query(request),
        "export_max": export_cap(anonymous=not request.user.is_authenticated),
        "full_data_name": FULL_DATA_NAME,
        "full_data_exists": full_data_path().exists(),
    }
    return render(request, "disclosure/search.html", context)


def _api_query(request: HttpRequest) -> str:
    """The page's filters as the public API's query string: the same names, empty fields left out."""
    pairs = [(k, v) for k, values in request.GET.lists() if k != "page" for v in values if v.strip()]
    return urlencode(pairs)


def public_detail(request: HttpRequest, number: str) -> HttpResponse:
    try:
        row = selectors.public_complaint(number)
    except ObjectDoesNotExist:
        raise Http404 from None
    return render(request, "disclosure/detail.html", {**_common(disclosure_settings()), "c": row})


def public_statistics(request: HttpRequest) -> HttpResponse:
    rules = disclosure_settings()
    end = timezone.localdate()
    start = (end.replace(day=1) - timedelta(days=365)).replace(day=1)
    rows = selectors.institution_stats(start=start, end=end)
    filters = selectors.PublicFilters(date_received_min=start, date_received_max=end)
    trend = [
        {**r, "shown": selectors.public_count(r["count"], rules)}
        for r in selectors.trends(interval="month", filters=filters)
    ]
    context = {
        **_common(rules),
        "start": start,
        "end": end,
        "rows": rows,
        "trend": trend,
        "responses": PublicComplaint.Response.choices,
        "trend_chart": _trend_chart(trend),
        "institutions_chart": _institutions_chart(rows),
    }
    return render(request, "disclosure/statistics.html", context)


def _trend_chart(trend: list[dict[str, Any]]) -> dict[str, Any]:
    """Monthly complaints as an ECharts line; a month under the small-number threshold is left blank."""
    return {
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "category", "data": [t["period"].strftime("%Y-%m") for t in trend]},
        "yAxis": {"type": "value", "name": str(_("投诉件数"))},
        "series": [{"type": "line", "data": [t["shown"] if isinstance(t["shown"], int) else None for t in trend]}],
    }


def _institutions_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Complaints per 10,000 personal customers, institutions with a known customer count, most first."""
    known = [r for r in rows if r["per_10k_customers"] is not None][:15]
    return {
        "tooltip": {"trigger": "axis"},
        "grid": {"containLabel": True},
        "xAxis": {"type": "value", "name": str(_("每万名个人客户投诉"))},
        "yAxis": {"type": "category", "inverse": True, "data": [r["institution"] for r in known]},
        "series": [{"type": "bar", "data": [r["per_10k_customers"] for r in known]}],
    }


def full_data(request: HttpRequest) -> FileResponse:
    path = full_data_path()
    if not path.exists():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=FULL_DATA_NAME, content_type="application/gzip")
