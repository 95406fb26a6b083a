"""Dispute pages: parse → access → service → render; nothing else."""

import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import BaseForm, ModelChoiceField
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.decorators import ratelimit

from xiaobao.accounts.access import files_in_own_name, signed_in, user_of
from xiaobao.accounts.models import User
from xiaobao.audit import trail
from xiaobao.complaints.access import (
    Actor,
    actor_for_request,
    get_complaint_for_actor,
    guest_grant,
)
from xiaobao.complaints.access import party_of as complaint_party_of
from xiaobao.complaints.models import Complaint
from xiaobao.core import pages
from xiaobao.core.actions import Action, Actions, Offer, offers, perform
from xiaobao.core.pages import add_service_error, client_ip, forbidden
from xiaobao.disputes import access, documents, selectors, services
from xiaobao.disputes.forms import (
    AgreeForm,
    ApplyForm,
    AssignForm,
    ConfirmationForm,
    DecideForm,
    DirectApplyForm,
    FailForm,
    PerformedForm,
    RecordForm,
    ReferForm,
    RespondForm,
    ScheduleForm,
    SettlementAnswerForm,
    SettlementForm,
    StatsForm,
    WithdrawForm,
)
from xiaobao.disputes.models import Dispute, MediationSession
from xiaobao.disputes.rules import dispute_rules_for
from xiaobao.lib import export
from xiaobao.lib.masking import mask_name
from xiaobao.lib.pdf import pdf_document

Status = Dispute.Status
PAGE_SIZE = 25


def _no_store(response: HttpResponseBase) -> HttpResponseBase:
    response["Cache-Control"] = "no-store"
    return response


def _dispute_actor(request: HttpRequest, number: str) -> tuple[Actor, Dispute]:
    """The signed-in user, or the guest who proved the dispute's complaint code in this session."""
    complaint_number = number.rsplit("-T", 1)[0]
    actor = actor_for_request(request, complaint_number)
    return actor, access.get_dispute_for(actor, number)


# ---------------------------------------------------------------------------------------------
# Starting a dispute from a complaint


def _started_by(party: str) -> Callable[[Complaint, Actor], bool]:
    """Mediation and referral are the complainant's to start; a settlement is the institution's."""
    return lambda complaint, actor: complaint_party_of(actor, complaint) == party


STARTS: Actions[Complaint, Actor] = Actions(
    Action(
        "mediation",
        gettext_lazy("申请调解"),
        ApplyForm,
        lambda c, a, d: services.dispute_apply(complaint=c, by=a, **d),
        gettext_lazy("调解申请已提交，金融机构答复后将为您分派调解员。"),
        button=gettext_lazy("提交调解申请"),
        shown=_started_by(access.CONSUMER),
    ),
    Action(
        "settlement",
        gettext_lazy("登记和解"),
        SettlementForm,
        lambda c, a, d: services.settlement_propose(complaint=c, by=a, **d),
        gettext_lazy("和解方案已登记，等待投诉人确认。"),
        button=gettext_lazy("登记和解方案"),
        shown=_started_by(access.INSTITUTION),
    ),
    Action(
        "refer",
        gettext_lazy("登记仲裁或诉讼"),
        ReferForm,
        lambda c, a, d: services.dispute_refer(complaint=c, by=a, **d),
        gettext_lazy("已登记，裁决或判决后请回来登记结果。"),
        button=gettext_lazy("登记"),
        shown=_started_by(access.CONSUMER),
    ),
)


@never_cache
def dispute_start(request: HttpRequest, number: str, kind: str) -> HttpResponse:
    start = STARTS[kind]
    actor = actor_for_request(request, number)
    complaint = get_complaint_for_actor(actor, number)
    if not start.may_see(complaint, actor):
        return forbidden(request, _("您无权对该投诉执行此操作。"))
    assert start.form is not None

    def again(form: BaseForm | None) -> HttpResponse:
        return render(
            request, "disputes/start.html", {"complaint": complaint, "form": form, "start": start, "kind": kind}
        )

    def then(dispute: object) -> HttpResponse:
        assert isinstance(dispute, Dispute)
        return redirect("disputes:detail", number=dispute.number)

    form = start.form(request.POST or None)
    if request.method != "POST":
        return again(form)
    return perform(request, complaint, start, by=actor, form=form, again=again, then=then)


# ---------------------------------------------------------------------------------------------
# Applying for mediation directly, without a complaint answered first


# The direct mediation application shares the complaint form's rate limit and one-time receipt.
@ratelimit(key="ip", rate=pages.intake_rate, method="POST", block=False, group="complaints:intake")
@never_cache
def direct_apply(request: HttpRequest) -> HttpResponse:
    by = signed_in(request)
    if not files_in_own_name(by):
        return forbidden(request, _("工作人员账户不能申请调解。如需以个人身份申请，请先退出登录。"))
    if request.method == "POST":
        if getattr(request, "limited", False):
            return pages.too_many(request)
        form = DirectApplyForm(request.POST)
        if form.is_valid():
            try:
                dispute, code = services.dispute_apply_direct(by=by, **form.apply_kwargs())
            except PermissionDenied as exc:
                return forbidden(request, str(exc))
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                number = dispute.complaint.number
                pages.receipt_issue(request, number, code, grant=guest_grant, dispute=dispute.number)
                return redirect("disputes:direct_submitted")
    else:
        initial = {"submission_token": uuid.uuid4().hex}
        if by is not None:
            initial["complainant_name"] = by.display_name
        form = DirectApplyForm(initial=initial)
    context = {"form": form, "rules": dispute_rules_for(timezone.localdate())}
    return render(request, "disputes/direct.html", context)


@never_cache
def direct_submitted(request: HttpRequest) -> HttpResponse:
    return pages.receipt_page(request, "disputes/direct_submitted.html", lost="complaints:track")


# ---------------------------------------------------------------------------------------------
# A dispute's page and its actions


def _record_session(dispute: Dispute, actor: Actor, d: dict[str, Any]) -> object:
    try:
        session = dispute.sessions.get(pk=d["session"])
    except MediationSession.DoesNotExist:
        raise ValidationError(gettext_lazy("找不到该调解会议。")) from None
    return services.session_record(session=session, by=actor, record=d["record"])


# In the order the forms appear on the page; actions_for says which are offered now.
ACTIONS: Actions[Dispute, Actor] = Actions(
    Action(
        "respond",
        gettext_lazy("答复调解申请"),
        RespondForm,
        lambda x, a, d: services.dispute_respond(dispute=x, by=a, **d),
        gettext_lazy("已答复调解申请。"),
        button=gettext_lazy("提交答复"),
    ),
    Action(
        "assign",
        gettext_lazy("分派调解员"),
        AssignForm,
        lambda x, a, d: services.dispute_assign(dispute=x, by=a, **d),
        gettext_lazy("已分派调解员。"),
        button=gettext_lazy("分派"),
    ),
    Action(
        "schedule",
        gettext_lazy("安排调解会议"),
        ScheduleForm,
        lambda x, a, d: services.session_schedule(dispute=x, by=a, **d),
        gettext_lazy("调解会议已安排，已通知双方。"),
        button=gettext_lazy("安排并通知双方"),
    ),
    Action(
        "record",
        gettext_lazy("填写调解笔录"),
        RecordForm,
        _record_session,
        gettext_lazy("笔录已保存。"),
        button=gettext_lazy("保存笔录"),
    ),
    Action(
        "agree",
        gettext_lazy("记录调解协议"),
        AgreeForm,
        lambda x, a, d: services.dispute_agree(dispute=x, by=a, **d),
        gettext_lazy("调解协议已记录，可下载调解协议书。"),
        button=gettext_lazy("记录协议"),
    ),
    Action(
        "fail",
        gettext_lazy("调解不成"),
        FailForm,
        lambda x, a, d: services.dispute_fail(dispute=x, by=a, **d),
        gettext_lazy("已记录调解不成。"),
        button=gettext_lazy("结束调解"),
        danger=True,
    ),
    Action(
        "answer_settlement",
        gettext_lazy("确认和解方案"),
        SettlementAnswerForm,
        lambda x, a, d: services.settlement_answer(dispute=x, by=a, **d),
        gettext_lazy("已答复和解方案。"),
        button=gettext_lazy("提交"),
    ),
    Action(
        "performed",
        gettext_lazy("确认协议已履行"),
        PerformedForm,
        lambda x, a, d: services.dispute_confirm_performance(dispute=x, by=a, **d),
        gettext_lazy("已确认协议履行完毕。"),
        button=gettext_lazy("确认已履行"),
    ),
    Action(
        "confirmation",
        gettext_lazy("司法确认"),
        ConfirmationForm,
        lambda x, a, d: services.dispute_judicial_confirmation(dispute=x, by=a, **d),
        gettext_lazy("已登记司法确认情况。"),
        button=gettext_lazy("登记"),
    ),
    Action(
        "decide",
        gettext_lazy("登记裁判结果"),
        DecideForm,
        lambda x, a, d: services.dispute_decide(dispute=x, by=a, **d),
        gettext_lazy("已登记裁判结果。"),
        button=gettext_lazy("登记"),
    ),
    Action(
        "withdraw",
        gettext_lazy("撤回"),
        WithdrawForm,
        lambda x, a, d: services.dispute_withdraw(dispute=x, by=a, **d),
        gettext_lazy("已撤回。"),
        button=gettext_lazy("撤回调解申请"),
        danger=True,
    ),
)


def actions_for(dispute: Dispute, party: str | None) -> list[str]:
    """What this party may do now, in the order the forms appear on the page."""
    s, mediation = dispute.status, dispute.path == Dispute.Path.MEDIATION
    offered = {
        access.INSTITUTION: {"respond": s == Status.APPLIED},
        access.MEDIATOR: {
            "schedule": s == Status.MEDIATING,
            "record": s == Status.MEDIATING and dispute.sessions.filter(recorded_at__isnull=True).exists(),
            "agree": s == Status.MEDIATING,
            "fail": s == Status.MEDIATING,
            "confirmation": mediation and s in (Status.AGREED, Status.PERFORMED),
        },
        access.CONSUMER: {
            "answer_settlement": s == Status.PROPOSED,
            "performed": s == Status.AGREED,
            "confirmation": mediation and s in (Status.AGREED, Status.PERFORMED),
            "decide": s == Status.REFERRED,
            "withdraw": s in (Status.APPLIED, Status.UNASSIGNED, Status.MEDIATING),
        },
        access.REGULATOR: {"assign": s in (Status.UNASSIGNED, Status.MEDIATING)},
        access.ADMIN: {"assign": s in (Status.UNASSIGNED, Status.MEDIATING)},
    }.get(party or "", {})
    return [name for name in ACTIONS.names() if offered.get(name)]


def _form(name: str, dispute: Dispute, data: Any = None) -> Any:
    prefix = f"{name}"
    if name == "assign":
        return AssignForm(data, prefix=prefix, candidates=services.mediator_candidates(dispute))
    if name == "schedule" and data is None:
        return ScheduleForm(prefix=prefix, initial={"mode": dispute.mode})
    form_class = ACTIONS[name].form
    assert form_class is not None  # every dispute action has a form
    return form_class(data, prefix=prefix)


def _help(offer: Offer, dispute: Dispute) -> Offer:
    """What the mediator needs to know before using a form, when it applies to this dispute."""
    if offer.name == "agree" and not dispute.small_claim:
        return replace(offer, help=_("普通程序须先召开调解会议并填写笔录。"))
    mediators = offer.form.fields.get("mediator") if offer.form is not None else None
    if offer.name == "assign" and isinstance(mediators, ModelChoiceField) and not mediators.queryset:
        return replace(offer, help=_("没有符合受理范围、无需回避且未达承办上限的调解员。"))
    return offer


def _render_detail(
    request: HttpRequest, dispute: Dispute, actor: Actor, *, bound: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    bound = bound or {}
    party = access.party_of(actor, dispute)
    panel = offers(
        ACTIONS.offered(dispute, actor, actions_for(dispute, party)),
        bound=bound,
        blank=lambda action: _form(action.name, dispute),
        url=lambda action: reverse("disputes:action", kwargs={"number": dispute.number, "action": action.name}),
    )
    actions = [_help(offer, dispute) for offer in panel]
    sessions = list(dispute.sessions.all())
    open_sessions = [s for s in sessions if s.recorded_at is None]
    context = {
        "dispute": dispute,
        "complaint": dispute.complaint,
        "party": party,
        "actions": actions,
        "sessions": sessions,
        "open_sessions": open_sessions,
        "deadlines": list(dispute.deadlines.all()),
        "timeline": list(selectors.dispute_timeline(dispute, party or "")),
        "complaint_visible": _complaint_visible(actor, dispute),
        # Staff and mediators see the name masked here, as on the complaint page; the full name is in the
        # agreement and the case file, whose downloads are audited.
        "complainant": mask_name(dispute.complaint.complainant_name),
        "agreement_available": _agreement_available(dispute, party),
    }
    return render(request, "disputes/detail.html", context, status=status)


def _complaint_visible(actor: Actor, dispute: Dispute) -> bool:
    try:
        get_complaint_for_actor(actor, dispute.complaint.number)
    except Http404:
        return False
    return True


@never_cache
def dispute_detail(request: HttpRequest, number: str) -> HttpResponse:
    actor, dispute = _dispute_actor(request, number)
    return _render_detail(request, dispute, actor)


@require_POST
def dispute_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    spec = ACTIONS[action]
    actor, dispute = _dispute_actor(request, number)

    def again(form: BaseForm | None) -> HttpResponse:
        dispute.refresh_from_db()
        return _render_detail(request, dispute, actor, bound={action: form}, status=400)

    form = _form(action, dispute, request.POST)
    done = reverse("disputes:detail", kwargs={"number": dispute.number})
    return perform(request, dispute, spec, by=actor, form=form, again=again, then=done)


def _agreement_available(dispute: Dispute, party: str | None) -> bool:
    return (
        dispute.agreed_at is not None
        and dispute.status in (Status.AGREED, Status.PERFORMED)
        and party in (access.CONSUMER, access.INSTITUTION, access.MEDIATOR, access.ADMIN)
    )


@require_GET
def agreement_pdf(request: HttpRequest, number: str) -> HttpResponseBase:
    actor, dispute = _dispute_actor(request, number)
    party = access.party_of(actor, dispute)
    if not _agreement_available(dispute, party):
        raise Http404
    if isinstance(actor, User):  # a guest's own download is not a read of someone else's data
        documents.personal_data_shown(dispute=dispute, user=actor, purpose="agreement", ip=client_ip(request))
    response = HttpResponse(pdf_document(documents.agreement_lines(dispute)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{dispute.number}.pdf"'
    return _no_store(response)


@require_GET
def dossier(request: HttpRequest, number: str) -> HttpResponseBase:
    actor, dispute = _dispute_actor(request, number)
    party = access.party_of(actor, dispute)
    if party not in (access.CONSUMER, access.MEDIATOR, access.ADMIN):
        return forbidden(request, _("卷宗供投诉人和调解组织使用。"))
    if isinstance(actor, User):
        documents.personal_data_shown(dispute=dispute, user=actor, purpose="dossier", ip=client_ip(request))
        if actor.role != User.Role.CONSUMER:
            # The case file carries the complaint's attachments: the files leaving are audited too.
            trail.record(trail.Kind.DOWNLOAD, user=actor, request=request, obj=dispute, field=f"{dispute.number}.zip")
    events = dispute.complaint.events.filter(visibility="all").select_related("actor").order_by("at", "id")
    response = HttpResponse(documents.dossier_zip(dispute, events), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{dispute.number}.zip"'
    return _no_store(response)


# ---------------------------------------------------------------------------------------------
# Desks


@login_required
@never_cache
def dispute_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    status = request.GET.get("status", "")
    path = request.GET.get("path", "")
    rows = selectors.dispute_list_for(user=user, status=status, path=path)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status": status,
        "path": path,
        "statuses": Status.choices,
        "paths": Dispute.Path.choices,
        "is_mediator": user.role == User.Role.MEDIATOR,
        "can_see_stats": user.role in (User.Role.REGULATOR, User.Role.ADMIN),
        "can_export": user.role != User.Role.CONSUMER,
        "query": request.GET.urlencode(),
    }
    return render(request, "disputes/list.html", context)


def _list_columns() -> list[export.Column]:
    """The exported dispute list: the case, its path and amounts; never the complainant's personal data."""
    Column = export.Column
    return [
        Column(_("编号"), lambda d: d.number, 26),
        Column(_("投诉编号"), lambda d: d.complaint.number, 22),
        Column(_("化解途径"), lambda d: d.get_path_display()),
        Column(_("状态"), lambda d: d.get_status_display(), 18),
        Column(_("小额纠纷快速解决"), lambda d: _("是") if d.small_claim else _("否")),
        Column(_("金融机构"), lambda d: d.complaint.institution.name, 36),
        Column(_("调解组织"), lambda d: d.body.name if d.body_id else "", 36),
        Column(_("申请时间"), lambda d: d.created_at, 18, export.DATETIME),
        Column(_("请求金额（元）"), lambda d: d.claim_amount, kind=export.MONEY),
        Column(_("协议金额（元）"), lambda d: d.agreed_amount, kind=export.MONEY),
        Column(_("履行期限"), lambda d: d.payment_due, kind=export.DATE),
        Column(_("确认履行时间"), lambda d: d.performed_at, 18, export.DATETIME),
        Column(_("结束时间"), lambda d: d.closed_at, 18, export.DATETIME),
    ]


@login_required
def dispute_export(request: HttpRequest) -> HttpResponseBase:
    user = user_of(request)
    if user.role not in (User.Role.INSTITUTION, User.Role.REGULATOR, User.Role.MEDIATOR, User.Role.ADMIN):
        return forbidden(request, _("纠纷清单导出仅供工作人员使用。"))
    fmt = request.GET.get("format", "")
    if fmt not in ("xlsx", "csv"):
        messages.error(request, _("请选择导出格式：Excel 或 CSV。"))
        return redirect("disputes:list")
    rows = selectors.dispute_list_for(user=user, status=request.GET.get("status", ""), path=request.GET.get("path", ""))
    if rows.count() > export.EXPORT_MAX_ROWS:
        messages.error(request, _("结果超过单次导出上限，请增加筛选条件后再导出。"))
        return redirect("disputes:list")
    filename = f"disputes-{timezone.localdate():%Y%m%d}"
    trail.record_export(request, filename=f"{filename}.{fmt}")
    return export.export_response(
        rows=rows.iterator(chunk_size=2000),
        columns=_list_columns(),
        fmt=fmt,
        filename=filename,
        title=_("纠纷清单"),
    )


def _stats_columns() -> list[export.Column]:
    Column, n, money = export.Column, export.INTEGER, export.MONEY
    return [
        Column(_("名称"), lambda s: s.name, 36),
        Column(_("申请数"), lambda s: s.applications, kind=n),
        Column(_("机构已答复"), lambda s: s.answered, kind=n),
        Column(_("同意调解"), lambda s: s.accepted, kind=n),
        Column(_("受理率"), lambda s: s.acceptance_rate),
        Column(_("已办结"), lambda s: s.concluded, kind=n),
        Column(_("达成协议"), lambda s: s.agreed, kind=n),
        Column(_("调解成功率"), lambda s: s.success_rate),
        Column(_("办理天数中位数"), lambda s: s.median_days),
        Column(_("协议金额（元）"), lambda s: s.amount_agreed, kind=money),
        Column(_("已履行金额（元）"), lambda s: s.amount_recovered, kind=money),
    ]


@login_required
@never_cache
def stats(request: HttpRequest) -> HttpResponseBase:
    user = user_of(request)
    if user.role not in (User.Role.REGULATOR, User.Role.ADMIN):
        return forbidden(request, _("调解统计仅供监管部门查看。"))
    form = StatsForm(request.GET or None)
    start, end, by = form.period() if request.GET else StatsForm({}).period()
    rows = selectors.mediation_stats(start=start, end=end, by=by)
    if request.GET.get("format") in ("xlsx", "csv"):
        fmt = request.GET["format"]
        filename = f"mediation-{by}-{start:%Y%m%d}-{end:%Y%m%d}"
        trail.record_export(request, filename=f"{filename}.{fmt}")
        return export.export_response(
            rows=rows, columns=_stats_columns(), fmt=fmt, filename=filename, title=_("调解统计")
        )
    total = selectors.mediation_totals(rows)
    top = rows[:15]
    option = {
        "aria": {"enabled": True},
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [str(_("申请数")), str(_("达成协议"))]},
        "grid": {"left": 8, "right": 16, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value"},
        "yAxis": {"type": "category", "inverse": True, "data": [s.name for s in top]},
        "series": [
            {"name": str(_("申请数")), "type": "bar", "data": [s.applications for s in top]},
            {"name": str(_("达成协议")), "type": "bar", "data": [s.agreed for s in top]},
        ],
    }
    context = {
        "form": form,
        "rows": rows,
        "total": total,
        "start": start,
        "end": end,
        "by": by,
        "option": option,
        "charts": _charts_available(),
        "query": request.GET.urlencode(),
    }
    return render(request, "disputes/stats.html", context)


# ---------------------------------------------------------------------------------------------
# The public page of mediation bodies


def _charts_available() -> bool:
    """The shared chart include ships with the charting assets; without it the tables carry the page."""
    try:
        get_template("charts/chart.html")
    except TemplateDoesNotExist:
        return False
    return True


def bodies(request: HttpRequest) -> HttpResponse:
    groups = selectors.bodies_by_region()
    # Province-wide bodies serve every prefecture: on the map each prefecture counts its own bodies
    # plus the province's, as a resident of that prefecture can turn to either.
    province = sum(len(g.bodies) for g in groups if g.region.level == 1)
    prefectures = [g for g in groups if g.region.level > 1]
    from xiaobao.registry.models import Region

    all_prefectures = Region.objects.filter(level=Region.Level.PREFECTURE, code__startswith="22").order_by("code")
    counts = {g.region.code: len(g.bodies) for g in prefectures}
    data: list[dict[str, Any]] = [{"name": r.name, "value": counts.get(r.code, 0) + province} for r in all_prefectures]
    option = {
        "aria": {"enabled": True},
        "tooltip": {"trigger": "item"},
        "visualMap": {
            "min": 0,
            "max": max([d["value"] for d in data] or [1]),
            "left": "left",
            "bottom": 0,
            "text": [str(_("多")), str(_("少"))],
            "calculable": False,
        },
        "series": [{"name": str(_("可选调解组织")), "type": "map", "map": "吉林", "data": data}],
    }
    context = {"groups": groups, "option": option, "map_rows": data, "charts": _charts_available()}
    return render(request, "disputes/bodies.html", context)
