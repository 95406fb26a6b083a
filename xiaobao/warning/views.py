"""The early-warning desk: dashboard, alerts and their workflow, the watch list. Views stay thin:
parse → access → service → render."""

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from xiaobao.accounts.access import user_of
from xiaobao.accounts.models import User
from xiaobao.audit import trail
from xiaobao.core.actions import Action, Actions, Offer, offers, perform
from xiaobao.core.pages import forbidden
from xiaobao.lib import export
from xiaobao.registry.models import Region
from xiaobao.warning import access, selectors, services
from xiaobao.warning.forms import AlertFilterForm, AssignForm, CloseForm, ImportForm, InvestigateForm, NoteForm
from xiaobao.warning.models import Alert, Level, ScanRun, WatchEntity
from xiaobao.warning.risk import reports_about

PAGE_SIZE = 25
LEVEL_COLOURS = {Level.RED: "#c0392b", Level.ORANGE: "#d35400", Level.YELLOW: "#b7950b"}
DIMENSION_NAMES = {
    "compliance": gettext_lazy("合规性"),
    "yield": gettext_lazy("收益率偏离"),
    "reports": gettext_lazy("投诉举报"),
    "spread": gettext_lazy("涉众传播"),
    "keywords": gettext_lazy("特征词"),
}


MONITORS_ONLY = gettext_lazy("监测预警只对监管部门和处置非法集资部门的工作人员开放。")


def _forbidden(request: HttpRequest) -> HttpResponse:
    return forbidden(request, MONITORS_ONLY)


def _desk(view: Any) -> Any:
    """Signed-in regulators and administrators only; everyone else is told so."""

    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not access.can_monitor(user_of(request)):
            return _forbidden(request)
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


# ---------------------------------------------------------------------------------------------
# Dashboard


def _map_option(rows: list[dict[str, Any]]) -> dict[str, Any]:
    top = max([r["value"] for r in rows] + [1])
    return {
        "tooltip": {"trigger": "item"},
        "visualMap": {
            "min": 0,
            "max": top,
            "left": "left",
            "bottom": 0,
            "text": [str(top), "0"],
            "inRange": {"color": ["#fdf2e9", "#c0392b"]},
            "calculable": True,
        },
        "series": [{"type": "map", "map": "吉林", "name": str(_("未办结预警")), "data": rows}],
    }


def _trend(alerts: QuerySet[Alert], weeks: int = 12) -> tuple[list[str], dict[str, list[int]]]:
    """Alerts per week (by the week the anomaly happened in), by level, for the last weeks."""
    this_week = selectors.period_start(timezone.localdate(), "week")
    starts = [this_week - timedelta(weeks=i) for i in range(weeks - 1, -1, -1)]
    rows = (
        alerts.filter(period_start__gte=starts[0])
        .values_list("period_start", "level")
        .annotate(n=Count("id"))
        .order_by()
    )
    series = {lv: [0] * weeks for lv in Level.values}
    for start, level, n in rows:
        index = (selectors.period_start(start, "week") - starts[0]).days // 7
        if 0 <= index < weeks and level in series:
            series[level][index] += n
    return [f"{s:%m-%d}" for s in starts], series


def _trend_option(labels: list[str], series: dict[str, list[int]]) -> dict[str, Any]:
    names = dict(Level.choices)
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 40, "right": 16, "bottom": 30, "top": 36},
        "xAxis": {"type": "category", "data": labels},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {
                "type": "bar",
                "stack": "level",
                "name": str(names[lv]),
                "data": series[lv],
                "itemStyle": {"color": LEVEL_COLOURS[lv]},
            }
            for lv in (Level.RED, Level.ORANGE, Level.YELLOW)
        ],
    }


@_desk
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    alerts = access.alerts_for(user)
    open_alerts = alerts.filter(status__in=Alert.OPEN_STATUSES)
    by_region = dict(open_alerts.exclude(region=None).values_list("region__name").annotate(n=Count("id")).order_by())
    prefectures = Region.objects.filter(level=Region.Level.PREFECTURE, code__startswith="22").order_by("code")
    map_rows = [{"name": r.name, "value": by_region.get(r.name, 0)} for r in prefectures]
    province_wide = open_alerts.filter(region=None).count()
    labels, trend = _trend(alerts)
    trend_rows = [
        {"week": w, "red": trend["red"][i], "orange": trend["orange"][i], "yellow": trend["yellow"][i]}
        for i, w in enumerate(labels)
    ]
    context = {
        "counts": selectors.alert_counts_by_level(open_alerts),
        "open_total": open_alerts.count(),
        "map_option": _map_option(map_rows),
        "map_rows": map_rows,
        "province_wide": province_wide,
        "trend_option": _trend_option(labels, trend),
        "trend_rows": trend_rows,
        "top_alerts": open_alerts.select_related("authority").order_by("-score", "-created_at")[:10],
        "top_entities": access.entities_for(user).exclude(score=None).select_related("region")[:10],
        "watch_list": access.is_fundraising_officer(user) or user.role != "regulator",
        "review": selectors.review_table(alerts),
        "last_scan": ScanRun.objects.exclude(finished_at=None).first(),
    }
    return render(request, "warning/dashboard.html", context)


# ---------------------------------------------------------------------------------------------
# Alerts


def _filtered(user: Any, filters: dict[str, Any]) -> QuerySet[Alert]:
    qs = access.alerts_for(user).select_related("authority", "assigned_to")
    status = filters.get("status")
    if not status:
        qs = qs.filter(status__in=Alert.OPEN_STATUSES)
    elif status != "all":
        qs = qs.filter(status=status)
    for name in ("level", "kind", "dimension"):
        if filters.get(name):
            qs = qs.filter(**{name: filters[name]})
    if filters.get("q"):
        qs = qs.filter(key__icontains=filters["q"])
    return qs.order_by("-created_at", "-id")


@_desk
@require_GET
def alert_list(request: HttpRequest) -> HttpResponse:
    form = AlertFilterForm(request.GET)
    filters = form.filters()
    page = Paginator(_filtered(user_of(request), filters), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "filtered": bool(filters),
        "page": page,
        "alerts": list(page.object_list),
        "export_max": export.EXPORT_MAX_ROWS,
    }
    return render(request, "warning/alert_list.html", context)


def _alert_columns() -> list[export.Column]:
    return [
        export.Column(_("预警编号"), lambda a: a.number, 20),
        export.Column(_("等级"), lambda a: a.get_level_display(), 8),
        export.Column(_("类型"), lambda a: a.get_kind_display(), 12),
        export.Column(_("维度"), lambda a: a.get_dimension_display(), 14),
        export.Column(_("对象"), lambda a: a.key, 40),
        export.Column(
            _("预警维度"), lambda a: "；".join(f"{f['dimension_name']} {f['key']}" for f in a.finding_rows), 60
        ),
        export.Column(_("期间"), lambda a: services.period_label(a.period_start, a.period_end, a.granularity)),
        export.Column(_("实际值"), lambda a: a.observed, 10),
        export.Column(_("预期值"), lambda a: None if a.expected is None else round(a.expected, 2), 10),
        export.Column(_("异常分"), lambda a: a.score, 10),
        export.Column(_("状态"), lambda a: a.get_status_display(), 10),
        export.Column(_("负责部门"), lambda a: a.authority.name, 30),
        export.Column(_("承办人"), lambda a: str(a.assigned_to or ""), 12),
        export.Column(_("预警时间"), lambda a: a.created_at, 18, export.DATETIME),
        export.Column(_("办结说明"), lambda a: a.close_reason, 40),
    ]


@_desk
@require_GET
def alert_export(request: HttpRequest) -> HttpResponseBase:
    alerts = _filtered(user_of(request), AlertFilterForm(request.GET).filters())
    total = alerts.count()
    if total > export.EXPORT_MAX_ROWS:
        messages.error(
            request,
            _("共有 %(total)s 条预警，超过单次导出上限 %(max)s 条。请增加筛选条件后再导出。")
            % {"total": total, "max": export.EXPORT_MAX_ROWS},
        )
        return redirect("warning:alerts")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    trail.record_export(request, filename=f"alerts-{stamp}.xlsx")
    return export.export_response(
        rows=alerts.iterator(chunk_size=2000),
        columns=_alert_columns(),
        fmt="xlsx",
        filename=f"alerts-{stamp}",
        title=str(_("预警")),
    )


def _history_option(alert: Alert) -> dict[str, Any] | None:
    e = alert.explanation
    if not e.get("labels"):
        return None
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 40, "right": 16, "bottom": 40, "top": 36},
        "xAxis": {"type": "category", "data": e["labels"]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {"type": "bar", "name": str(_("实际投诉数")), "data": e["observed"], "itemStyle": {"color": "#1f5f8b"}},
            {
                "type": "line",
                "name": str(_("预期")),
                "data": e["expected"],
                "itemStyle": {"color": "#c0392b"},
                "lineStyle": {"type": "dashed"},
            },
        ],
    }


ALERT_ACTIONS: Actions[Alert, User] = Actions(
    Action(
        "assign",
        gettext_lazy("分派承办人"),
        AssignForm,
        lambda a, u, d: services.alert_assign(alert=a, to=d["to"], by=u),
        lambda d: _("已分派给 %(name)s。") % {"name": d["to"]},
        button=gettext_lazy("分派"),
        shown=lambda alert, user: alert.is_open,
    ),
    Action(
        "investigate",
        gettext_lazy("开始核查"),
        InvestigateForm,
        lambda a, u, d: services.alert_investigate(alert=a, by=u),
        gettext_lazy("已开始核查。"),
        shown=lambda alert, user: alert.is_open and alert.status != Alert.Status.INVESTIGATING,
    ),
    Action(
        "close",
        gettext_lazy("办结预警"),
        CloseForm,
        lambda a, u, d: services.alert_close(alert=a, by=u, confirmed=d["outcome"] == "confirmed", reason=d["reason"]),
        gettext_lazy("预警已办结。"),
        button=gettext_lazy("办结"),
        shown=lambda alert, user: alert.is_open,
    ),
    Action(
        "note",
        gettext_lazy("添加备注"),
        NoteForm,
        lambda a, u, d: services.alert_note(alert=a, by=u, note=d["note"]),
        gettext_lazy("备注已保存。"),
        button=gettext_lazy("保存备注"),
    ),
)


def _action_form(action: Action[Alert, User], alert: Alert, data: Any = None) -> BaseForm:
    if action.name == "assign":
        return AssignForm(data, alert=alert, prefix="assign")
    assert action.form is not None  # every alert action has a form
    return action.form(data, prefix=action.name)


def _actions(request: HttpRequest, alert: Alert, bound: dict[str, Any] | None = None) -> list[Offer]:
    user = user_of(request)
    if not access.handles_alert(user, alert):
        return []
    return offers(
        ALERT_ACTIONS.offered(alert, user),
        # A posted "start investigating" has nothing to show again: it is always offered blank.
        bound={name: form for name, form in (bound or {}).items() if name != "investigate"},
        blank=lambda action: _action_form(action, alert),
        url=lambda action: reverse(f"warning:alert_{action.name}", args=[alert.number]),
    )


def _alert_page(request: HttpRequest, alert: Alert, bound: dict[str, Any] | None = None, status: int = 200) -> Any:
    e = alert.explanation
    history_rows = [
        {"label": label, "observed": o, "expected": x}
        for label, o, x in zip(e.get("labels", []), e.get("observed", []), e.get("expected", []), strict=False)
    ]
    dimensions = [{**d, "name": DIMENSION_NAMES.get(d["code"], d["code"])} for d in e.get("dimensions", [])]
    context = {
        "alert": alert,
        "period": services.period_label(alert.period_start, alert.period_end, alert.granularity),
        "history_option": _history_option(alert),
        "history_rows": history_rows,
        "ratio": round(alert.observed / alert.expected, 1) if alert.expected else None,
        "share_percent": round(100 * e["share"], 2) if "share" in e else None,
        "dimensions": dimensions,
        "events": alert.events.select_related("actor"),
        "actions": _actions(request, alert, bound),
    }
    return render(request, "warning/alert_detail.html", context, status=status)


@_desk
@require_GET
def alert_detail(request: HttpRequest, number: str) -> HttpResponse:
    return _alert_page(request, access.get_alert_for(user_of(request), number))


@_desk
@require_POST
def alert_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    user = user_of(request)
    alert = access.get_alert_for(user, number)
    spec = ALERT_ACTIONS[action]

    def again(form: BaseForm | None) -> HttpResponse:
        alert.refresh_from_db()
        return _alert_page(request, alert, {action: form}, status=400)

    form = _action_form(spec, alert, request.POST)
    done = reverse("warning:alert", args=[alert.number])
    # Refused in the desk's own words, as every other page of the desk refuses.
    return perform(request, alert, spec, by=user, form=form, again=again, then=done, refusal=MONITORS_ONLY)


# ---------------------------------------------------------------------------------------------
# The watch list


def _entities(user: Any, q: str) -> QuerySet[WatchEntity]:
    qs = access.entities_for(user).select_related("region", "authority")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(uscc__iexact=q))
    return qs.order_by("-score", "name")


@_desk
def watch_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    can_import = access.is_fundraising_officer(user) or user.role == "admin"
    form = ImportForm()
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        if not can_import:
            return _forbidden(request)
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = services.watch_import(name=upload.name, data=upload.read(), by=user)
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                if not result.errors:
                    messages.success(
                        request,
                        _("导入完成：新增 %(created)s 家，更新 %(updated)s 家，已重新评分。")
                        % {"created": result.created, "updated": result.updated},
                    )
                    return redirect("warning:watch")
                errors = result.errors
        status = 400
    q = request.GET.get("q", "").strip()[:100]
    page = Paginator(_entities(user, q), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "entities": list(page.object_list),
        "q": q,
        "form": form,
        "import_errors": errors,
        "can_import": can_import,
    }
    return render(request, "warning/watch_list.html", context, status=status)


def _entity_columns() -> list[export.Column]:
    return [
        export.Column(_("名称"), lambda e: e.name, 36),
        export.Column(_("统一社会信用代码"), lambda e: e.uscc, 22),
        export.Column(_("注册地"), lambda e: e.region.name, 12),
        export.Column(_("来源"), lambda e: e.get_source_display(), 10),
        export.Column(_("风险指数"), lambda e: None if e.score is None else float(e.score), 10),
        export.Column(_("预警等级"), lambda e: e.get_level_display(), 10),
        export.Column(_("处非部门"), lambda e: e.authority.name, 30),
        export.Column(_("评分时间"), lambda e: e.scored_at, 18, export.DATETIME),
    ]


@_desk
@require_GET
def watch_export(request: HttpRequest) -> HttpResponseBase:
    entities = _entities(user_of(request), request.GET.get("q", "").strip()[:100])
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    trail.record_export(request, filename=f"watch-list-{stamp}.xlsx")
    return export.export_response(
        rows=entities[: export.EXPORT_MAX_ROWS].iterator(chunk_size=2000),
        columns=_entity_columns(),
        fmt="xlsx",
        filename=f"watch-list-{stamp}",
        title=str(_("监测主体")),
    )


@_desk
@require_GET
def entity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entity = access.get_entity_for(user_of(request), pk)
    scores = list(entity.scores.all()[:50])
    latest = scores[0] if scores else None
    history = list(reversed(scores))
    option = {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 40, "right": 16, "bottom": 30, "top": 20},
        "xAxis": {"type": "category", "data": [f"{s.as_of:%Y-%m-%d}" for s in history]},
        "yAxis": {"type": "value", "min": 0, "max": 100},
        "series": [{"type": "line", "name": str(_("风险指数")), "data": [float(s.score) for s in history]}],
    }
    dimensions = [
        {**d, "name": DIMENSION_NAMES.get(d["code"], d["code"])} for d in (latest.dimensions if latest else [])
    ]
    context = {
        "entity": entity,
        "latest": latest,
        "dimensions": dimensions,
        "scores": scores,
        "history_option": option,
        "reports": reports_about(entity, until=timezone.localdate()),
        "alerts": access.alerts_for(user_of(request)).filter(entity=entity),
    }
    return render(request, "warning/entity_detail.html", context)
