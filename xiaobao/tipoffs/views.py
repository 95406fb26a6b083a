"""The reporting pages and the officers' desk for illegal-fundraising reports.

The public side keeps nothing that could identify a reporter: no session is written, the receipt is
shown once in the answer to the POST itself (never in a URL, a redirect or the session), and the
follow-up page carries the receipt in the form that is posted again. Every public answer is marked
no-store, so the receipt stays out of the browser's cache and history.

The officers' side is parse → access → service → render, as on the complaint pages: a service's
ValidationError is shown next to the form it came from, PermissionDenied becomes a 403 page in
words, and a report or clue outside the officer's area is a 404, like one that does not exist.
"""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit
from django_stubs_ext import StrOrPromise

from xiaobao.accounts.access import signed_in, user_of
from xiaobao.accounts.models import User
from xiaobao.audit import trail
from xiaobao.core.actions import Action, Actions, offers, orphan_errors, perform
from xiaobao.core.pages import add_service_error, client_ip, forbidden
from xiaobao.lib import export
from xiaobao.lib.masking import mask_email, mask_name, mask_phone
from xiaobao.lib.pdf import pdf_document
from xiaobao.tipoffs import access, selectors, services
from xiaobao.tipoffs.forms import (
    AskForm,
    CloseForm,
    ClueAssignForm,
    ClueMergeForm,
    ClueOpenForm,
    ClueReferForm,
    LookupForm,
    NotifyRegulatorForm,
    OfficerMessageForm,
    QueueFilterForm,
    ReplyForm,
    ReportForm,
    ReviewForm,
    RewardForm,
    clean_receipt,
    officers_of,
)
from xiaobao.tipoffs.models import Clue, Report, ReportEvent, ReportMessage, Reward
from xiaobao.tipoffs.rules import triage_settings_for

PAGE_SIZE = 25
CONTACT_FIELDS = ("contact_name", "contact_phone", "contact_email")

# What each status means for the reporter, in plain words; the officers' notes never reach them.
REPORTER_STATUS_TEXT: dict[str, StrOrPromise] = {
    Report.Status.RECEIVED: gettext_lazy("我们已经收到您的举报，工作人员会尽快查看。"),
    Report.Status.NEEDS_INFO: gettext_lazy("工作人员需要您补充一些情况，请看下面的留言，并在页面底部回复。"),
    Report.Status.UNDER_REVIEW: gettext_lazy("工作人员正在核实您举报的情况。"),
    Report.Status.CLUE_OPENED: gettext_lazy("您举报的情况已经作为线索，正在调查。"),
    Report.Status.REFERRED: gettext_lazy("您举报的情况已经移交给有关部门处理。"),
    Report.Status.CLOSED: gettext_lazy("这件举报已经办结。感谢您的举报。"),
}


# ---------------------------------------------------------------------------------------------
# Shared helpers


def _no_store(response: HttpResponse) -> HttpResponse:
    """Receipts and what they open must not stay in a cache or be shown again by the Back button."""
    add_never_cache_headers(response)
    patch_cache_control(response, no_store=True, private=True)
    return response


def reports_per_hour() -> int:
    """The administrator's current limit (研判规则), 10 an hour by default as GlobaLeaks has it."""
    return triage_settings_for(timezone.localdate()).reports_per_hour


def report_rate(group: str, request: HttpRequest) -> str:
    return f"{reports_per_hour()}/h"


def receipt_rate(group: str, request: HttpRequest) -> str:
    # A receipt is a credential: guesses are limited like sign-ins.
    return settings.LOGIN_RATE


def _too_many(request: HttpRequest) -> HttpResponse:
    return _no_store(render(request, "tipoffs/ratelimited.html", status=429))


def grouped_receipt(receipt: str) -> str:
    """1234 5678 9012 3456: four groups of four are easier to copy and read out than sixteen digits."""
    return " ".join(receipt[i : i + 4] for i in range(0, len(receipt), 4))


# ---------------------------------------------------------------------------------------------
# The public report


def _reporter(request: HttpRequest, anonymous: bool) -> User | None:
    """A signed-in consumer who gives their name files under their account; an anonymous report never does."""
    user = signed_in(request)
    if not anonymous and user is not None and user.role == User.Role.CONSUMER:
        return user
    return None


@ratelimit(key="ip", rate=report_rate, method="POST", block=False, group="tipoffs:report")
@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if getattr(request, "limited", False):
            return _too_many(request)
        form = ReportForm(request.POST, request.FILES)
        if form.is_valid():
            kwargs = form.submit_kwargs()
            try:
                report, receipt = services.report_submit(by=_reporter(request, kwargs["anonymous"]), **kwargs)
            except PermissionDenied as exc:
                return forbidden(request, str(exc))
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                # Shown in this answer and nowhere else: no redirect, no session, nothing in the URL.
                context = {"report": report, "receipt": grouped_receipt(receipt)}
                return _no_store(render(request, "tipoffs/receipt.html", context))
    else:
        form = ReportForm()
    context = {"form": form, "files_dropped": bool(request.FILES) and bool(form.errors)}
    return _no_store(render(request, "tipoffs/new.html", context))


# ---------------------------------------------------------------------------------------------
# Follow-up by receipt


WRONG_RECEIPT = gettext_lazy("回执号不正确或不存在，请核对后重新输入。")


def reporter_messages(report: Report) -> list[ReportMessage]:
    return list(report.messages.order_by("at", "id"))


def reporter_events(report: Report) -> list[ReportEvent]:
    return list(report.events.filter(visible_to_reporter=True).order_by("at", "id"))


def _status_page(
    request: HttpRequest, report: Report, receipt: str, *, reply: ReplyForm | None = None, sent: bool = False
) -> HttpResponse:
    context = {
        "report": report,
        "status_text": REPORTER_STATUS_TEXT.get(report.status, ""),
        "thread": reporter_messages(report),
        "events": reporter_events(report),
        "reward": Reward.objects.filter(report=report).first(),
        "reply": reply or ReplyForm(initial={"receipt": receipt}),
        "sent": sent,
        "can_reply": report.status != Report.Status.CLOSED,
    }
    return _no_store(render(request, "tipoffs/status.html", context))


@ratelimit(key="ip", rate=receipt_rate, method="POST", block=False, group="tipoffs:receipt")
@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if getattr(request, "limited", False):
            return _too_many(request)
        form = LookupForm(request.POST)
        if form.is_valid():
            report = services.report_for_receipt(form.cleaned_data["receipt"])
            if report is not None:
                return _status_page(request, report, form.cleaned_data["receipt"])
            # One answer for a wrong receipt and a missing one: nothing can be learned by guessing.
            return _wrong_receipt(request, request.POST.get("receipt", ""))
    else:
        form = LookupForm()
    return _no_store(render(request, "tipoffs/lookup.html", {"form": form}))


@ratelimit(key="ip", rate=receipt_rate, method="POST", block=False, group="tipoffs:receipt")
@require_POST
def reply(request: HttpRequest) -> HttpResponse:
    """The reporter's answer, posted with the receipt again: the receipt is the only key there is.

    It shares the look-up's limit, so it is no back door for guessing receipts."""
    if getattr(request, "limited", False):
        return _too_many(request)
    typed = request.POST.get("receipt", "")
    try:
        report = services.report_for_receipt(clean_receipt(typed))
    except ValidationError:
        report = None
    if report is None:
        return _wrong_receipt(request, typed)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.reporter_message(
                report=report, body=form.cleaned_data["body"], evidence=form.cleaned_data["evidence"]
            )
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            report.refresh_from_db()
            return _status_page(request, report, form.cleaned_data["receipt"], sent=True)
    return _status_page(request, report, typed, reply=form)


def _wrong_receipt(request: HttpRequest, typed: str) -> HttpResponse:
    form = LookupForm({"receipt": typed})
    if form.is_valid():
        form.add_error("receipt", WRONG_RECEIPT)
    return _no_store(render(request, "tipoffs/lookup.html", {"form": form}))


# ---------------------------------------------------------------------------------------------
# The officers' desk


def _desk_only(request: HttpRequest) -> HttpResponse | None:
    """Fundraising officers work here; a bank regulator reads the reports notified to it; nobody else."""
    if user_of(request).role == User.Role.REGULATOR:
        return None
    return forbidden(request, _("举报线索工作台只对处置非法集资部门和监管部门的工作人员开放。"))


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    if (response := _desk_only(request)) is not None:
        return response
    user = user_of(request)
    filter_form = QueueFilterForm(request.GET)
    filters = filter_form.filters()
    officer = access.is_officer(user)
    page = Paginator(selectors.clue_queue_for(user=user, filters=filters), PAGE_SIZE).get_page(request.GET.get("page"))
    if officer:
        # Reports not yet in a clue, grouped by the identifiers they share: one row per suspected entity.
        rows: Any = selectors.report_groups_for(
            user=user, min_score=filters.get("min_score"), rising=bool(filters.get("rising"))
        )
    else:
        # A bank regulator reads the notifications addressed to it, one report per row.
        rows = (
            access.reports_for(user)
            .defer(*selectors.LIST_DEFERRED)
            .select_related("subject_region", "authority")
            .order_by("-received_at")
        )
    group_page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("gpage"))
    context = {
        "officer": officer,
        "filter_form": filter_form,
        "page": page,
        "clues": list(page.object_list),
        "group_page": group_page,
        "rows": list(group_page.object_list),
        "export_max": export.EXPORT_MAX_ROWS,
    }
    return render(request, "tipoffs/queue.html", context)


def clue_columns() -> list[export.Column]:
    """The clue list for the spreadsheet: the entity and its signals, never a reporter's identity."""
    Column = export.Column
    return [
        Column(_("线索编号"), lambda c: c.number, 22),
        Column(_("涉嫌主体"), lambda c: c.title, 36),
        Column(_("处非部门"), lambda c: c.authority.name, 30),
        Column(_("状态"), lambda c: c.get_status_display(), 10),
        Column(_("举报数"), lambda c: c.report_count, 8, export.INTEGER),
        Column(_("近7日举报"), lambda c: c.recent_count, 10, export.INTEGER),
        Column(_("举报数在增加"), lambda c: _("是") if c.rising else _("否"), 12),
        Column(_("风险预评分"), lambda c: c.risk_score, 10, export.INTEGER),
        Column(_("评分理由"), lambda c: "；".join(c.risk_reasons or []), 60),
        Column(_("承办人"), lambda c: str(c.assigned_to) if c.assigned_to_id else "", 12),
        Column(_("立线索时间"), lambda c: c.created_at, 16, export.DATETIME),
        Column(_("最近举报时间"), lambda c: c.latest_at, 16, export.DATETIME),
        Column(_("办结时间"), lambda c: c.closed_at, 16, export.DATETIME),
    ]


@login_required
@require_GET
def queue_export(request: HttpRequest) -> HttpResponseBase:
    user = user_of(request)
    if (response := _desk_only(request)) is not None:
        return response
    if not access.is_officer(user):
        return forbidden(request, _("只有处置非法集资部门的工作人员可以导出线索清单。"))
    clues = selectors.clue_queue_for(user=user, filters=QueueFilterForm(request.GET).filters())
    total = clues.count()
    if total > export.EXPORT_MAX_ROWS:
        messages.error(
            request,
            _("共有 %(total)s 条线索，超过单次导出上限 %(max)s 条。请增加筛选条件后再导出。")
            % {"total": total, "max": export.EXPORT_MAX_ROWS},
        )
        return redirect("tipoffs:queue")
    filename = f"clues-{timezone.localdate():%Y%m%d}.xlsx"
    trail.record_export(request, filename=filename)
    return export.xlsx_response(
        rows=clues.iterator(chunk_size=2000),
        columns=clue_columns(),
        filename=filename,
        title=_("线索清单"),
    )


# ---------------------------------------------------------------------------------------------
# One report


# In the order the forms appear on the page; report_actions_for says which are offered now.
REPORT_ACTIONS: Actions[Report, User] = Actions(
    Action(
        "ask",
        gettext_lazy("请举报人补充情况"),
        AskForm,
        lambda r, u, d: services.report_ask(report=r, by=u, question=d["question"]),
        gettext_lazy("已请举报人补充情况。举报人凭回执号查询时会看到。"),
        button=gettext_lazy("发给举报人"),
    ),
    Action(
        "review",
        gettext_lazy("开始核实"),
        ReviewForm,
        lambda r, u, d: services.report_review(report=r, by=u),
        gettext_lazy("已开始核实。"),
    ),
    Action(
        "open",
        gettext_lazy("立为线索"),
        ClueOpenForm,
        lambda r, u, d: services.clue_open(report=r, by=u, assign_to=d.get("assign_to")),
        gettext_lazy("已立为线索。"),
    ),
    Action(
        "notify",
        gettext_lazy("通报监管部门"),
        NotifyRegulatorForm,
        lambda r, u, d: services.report_notify_regulator(report=r, by=u),
        gettext_lazy("已通报涉及的持牌机构的监管部门。"),
    ),
    Action(
        "message",
        gettext_lazy("给举报人留言"),
        OfficerMessageForm,
        lambda r, u, d: services.officer_message(report=r, by=u, body=d["body"]),
        gettext_lazy("留言已发送。举报人凭回执号查询时会看到。"),
        button=gettext_lazy("发送留言"),
    ),
    Action(
        "reward",
        gettext_lazy("奖励决定"),
        RewardForm,
        lambda r, u, d: services.reward_decide(
            report=r, by=u, granted=d["granted"], tier=d.get("tier"), amount=d.get("amount"), reason=d["reason"]
        ),
        gettext_lazy("奖励决定已作出。举报人凭回执号查询时会看到。"),
        button=gettext_lazy("作出奖励决定"),
    ),
    Action(
        "close",
        gettext_lazy("不属于非法集资，办结"),
        CloseForm,
        lambda r, u, d: services.report_close(report=r, by=u, reason=d["reason"]),
        gettext_lazy("举报已办结。"),
        button=gettext_lazy("办结"),
        danger=True,
    ),
)
TRIAGE = (Report.Status.RECEIVED, Report.Status.UNDER_REVIEW, Report.Status.NEEDS_INFO)


def report_actions_for(report: Report) -> list[str]:
    """The actions offered on the page; the service still checks each one when it is taken."""
    names = []
    if report.status != Report.Status.CLOSED:
        names.append("message")
    if report.status in TRIAGE or report.status == Report.Status.CLUE_OPENED:
        names += ["ask", "close"]
    if report.status in (Report.Status.RECEIVED, Report.Status.NEEDS_INFO):
        names.append("review")
    if report.status in TRIAGE:
        # Also for a report that joined an open clue on arrival: opening it confirms it as one.
        names.append("open")
    if report.institution_id and report.notified_authority_id is None:
        names.append("notify")
    if _reward_open(report):
        names.append("reward")
    return [n for n in REPORT_ACTIONS.names() if n in names]


def _reward_open(report: Report) -> bool:
    """A named reporter asked for a reward, the report is in a clue, and nothing is decided yet."""
    return (
        not report.anonymous
        and report.wants_reward
        and report.clue_id is not None
        and not Reward.objects.filter(report=report).exists()
    )


def _contact(report: Report, *, masked: bool) -> dict[str, str]:
    if not masked:
        return {f: getattr(report, f) for f in CONTACT_FIELDS}
    return {
        "contact_name": mask_name(report.contact_name),
        "contact_phone": mask_phone(report.contact_phone),
        "contact_email": mask_email(report.contact_email),
    }


def _report_url(report: Report, anchor: str = "") -> str:
    url = reverse("tipoffs:report", kwargs={"number": report.number})
    return f"{url}#{anchor}" if anchor else url


def _render_report(
    request: HttpRequest, report: Report, *, bound: dict[str, Any] | None = None, reveal: bool = False
) -> HttpResponse:
    bound = bound or {}
    user = user_of(request)
    officer = access.is_officer(user)
    available = report_actions_for(report) if officer else []
    officers = officers_of(report.authority)
    actions = offers(
        REPORT_ACTIONS.offered(report, user, available),
        bound=bound,
        blank=lambda action: _action_form(action, officers),
        url=lambda action: reverse(f"tipoffs:report_{action.name}", kwargs={"number": report.number}),
    )
    events = report.events.select_related("actor").order_by("at", "id")
    context = {
        "report": report,
        "officer": officer,
        "contact": _contact(report, masked=not reveal),
        "has_contact": any(getattr(report, f) for f in CONTACT_FIELDS),
        "revealed": reveal,
        "actions": actions,
        "page_errors": orphan_errors(bound, available),
        # A regulator notified of the report reads the facts, not the lead department's channel with the
        # reporter nor its internal notes.
        "thread": list(report.messages.select_related("author").order_by("at", "id")) if officer else [],
        "events": list(events if officer else events.exclude(kind=ReportEvent.Kind.NOTE)),
        "evidence": list(report.evidence.all()),
        "reward": Reward.objects.filter(report=report).first(),
    }
    response = render(request, "tipoffs/report_detail.html", context)
    return _no_store(response) if reveal else response


@login_required
@require_GET
def report_detail(request: HttpRequest, number: str) -> HttpResponse:
    report = access.get_report_for(user_of(request), number)
    return _render_report(request, report)


@login_required
@require_POST
def report_reveal(request: HttpRequest, number: str) -> HttpResponse:
    """Contact details are masked; showing them in full is a deliberate act, recorded each time.

    The page with the details is the answer to this POST, so they are never cached and vanish on reload."""
    user = user_of(request)
    report = access.get_report_for(user, number)
    if not access.is_officer(user):
        return forbidden(request, _("只有办理这件举报的处置非法集资部门工作人员可以查看举报人的联系方式。"))
    fields = [f for f in CONTACT_FIELDS if getattr(report, f)]
    try:
        services.contact_read(report=report, by=user, fields=fields, purpose="web", ip=client_ip(request))
    except PermissionDenied as exc:
        return forbidden(request, str(exc))
    return _render_report(request, report, reveal=True)


def _action_form(action: Action[Any, User], officers: Any, data: Any = None) -> BaseForm:
    """A report's or a clue's action form; those that pick an officer choose among the authority's."""
    assert action.form is not None  # every report and clue action has a form
    return action.form(data, officers=officers)  # type: ignore[call-arg]


@login_required
@require_POST
def report_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    user = user_of(request)
    report = access.get_report_for(user, number)
    if not access.is_officer(user):
        return forbidden(request, _("只有处置非法集资部门的工作人员可以办理举报。"))
    spec = REPORT_ACTIONS[action]

    def again(form: BaseForm | None) -> HttpResponse:
        report.refresh_from_db()
        return _render_report(request, report, bound={action: form})

    def then(_result: object) -> HttpResponse:
        if not _report_visible(user, number):
            return redirect("tipoffs:queue")
        return redirect(_report_url(report, "status"))

    form = _action_form(spec, officers_of(report.authority), request.POST)
    return perform(request, report, spec, by=user, form=form, again=again, then=then)


def _report_visible(user: User, number: str) -> bool:
    try:
        access.get_report_for(user, number)
    except Http404:
        return False
    return True


@login_required
@require_GET
def evidence_download(request: HttpRequest, number: str, pk: int) -> FileResponse:
    report = access.get_report_for(user_of(request), number)
    item = get_object_or_404(report.evidence, pk=pk)
    trail.record(trail.Kind.DOWNLOAD, user=user_of(request), request=request, obj=report, field=item.name)
    # Always a download, never shown inline: a file cannot run in the platform's origin.
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name, content_type=item.content_type)


# ---------------------------------------------------------------------------------------------
# One clue


def _merge(clue: Clue, by: User, d: dict[str, Any]) -> object:
    # The other clue is reached through access too: an officer merges only into clues they may see.
    try:
        into = access.get_clue_for(by, d["into"])
    except Http404:  # a clue outside the officer's area is "not found", like a wrong number
        raise ValidationError({"into": _("没有找到这个线索编号，请核对。")}) from None
    return services.clue_merge(clue=clue, into=into, by=by)


# In the order the forms appear on the page.
CLUE_ACTIONS: Actions[Clue, User] = Actions(
    Action(
        "assign",
        gettext_lazy("分配承办人"),
        ClueAssignForm,
        lambda c, u, d: services.clue_assign(clue=c, by=u, to=d["to"]),
        gettext_lazy("已分配承办人。"),
        button=gettext_lazy("分配"),
    ),
    Action(
        "refer",
        gettext_lazy("移送"),
        ClueReferForm,
        lambda c, u, d: services.clue_refer(clue=c, by=u, to=d["to"], authority=d.get("authority"), note=d["note"]),
        gettext_lazy("线索已移送。"),
    ),
    Action(
        "merge",
        gettext_lazy("合并到另一条线索"),
        ClueMergeForm,
        _merge,
        gettext_lazy("线索已合并。"),
        button=gettext_lazy("合并"),
    ),
)


def _clue_url(clue: Clue) -> str:
    return reverse("tipoffs:clue", kwargs={"number": clue.number})


def _render_clue(request: HttpRequest, clue: Clue, *, bound: dict[str, Any] | None = None) -> HttpResponse:
    user = user_of(request)
    officer = access.is_officer(user)
    open_clue = clue.status not in (Clue.Status.CLOSED, Clue.Status.REFERRED)
    officers = officers_of(clue.authority)
    actions = offers(
        CLUE_ACTIONS.offered(clue, user) if officer and open_clue else [],
        bound=bound or {},
        blank=lambda action: _action_form(action, officers),
        url=lambda action: reverse(f"tipoffs:clue_{action.name}", kwargs={"number": clue.number}),
    )
    reports = selectors.clue_reports(clue, user=user)
    context = {
        "clue": clue,
        "officer": officer,
        "reports": reports,
        "actions": actions,
        "events": list(clue.events.select_related("actor").order_by("at", "id")),
    }
    return render(request, "tipoffs/clue_detail.html", context)


@login_required
@require_GET
def clue_detail(request: HttpRequest, number: str) -> HttpResponse:
    clue = access.get_clue_for(user_of(request), number)
    return _render_clue(request, clue)


@login_required
@require_POST
def clue_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    user = user_of(request)
    clue = access.get_clue_for(user, number)
    if not access.is_officer(user):
        return forbidden(request, _("只有处置非法集资部门的工作人员可以办理线索。"))
    spec = CLUE_ACTIONS[action]

    def again(form: BaseForm | None) -> HttpResponse:
        clue.refresh_from_db()
        return _render_clue(request, clue, bound={action: form})

    def then(result: object) -> HttpResponse:
        target = result if isinstance(result, Clue) else clue
        try:
            access.get_clue_for(user, target.number)
        except Http404:  # referred to another region: out of this officer's hands
            return redirect("tipoffs:queue")
        return redirect(_clue_url(target))

    form = _action_form(spec, officers_of(clue.authority), request.POST)
    return perform(request, clue, spec, by=user, form=form, again=again, then=then)


# ---------------------------------------------------------------------------------------------
# The clue's dossier as PDF


def dossier_lines(clue: Clue, reports: Iterable[Report]) -> list[tuple[str, str]]:
    """The dossier's content as (style, text) pairs: a heading or a paragraph. No reporter identity."""
    lines: list[tuple[str, str]] = [
        ("title", _("线索卷宗 %(number)s") % {"number": clue.number}),
        ("p", _("涉嫌主体：%(title)s") % {"title": clue.title}),
        ("p", _("处非部门：%(name)s") % {"name": clue.authority.name}),
        ("p", _("状态：%(status)s") % {"status": clue.get_status_display()}),
        ("p", _("承办人：%(name)s") % {"name": clue.assigned_to or _("未分配")}),
        ("p", _("风险预评分：%(score)s") % {"score": clue.risk_score}),
    ]
    lines += [("bullet", reason) for reason in clue.risk_reasons or []]
    for report in reports:
        lines.append(
            (
                "h2",
                _("举报 %(number)s（%(day)s）")
                % {"number": report.number, "day": f"{timezone.localtime(report.received_at):%Y-%m-%d}"},
            )
        )
        lines.append(
            (
                "p",
                _("被举报对象：%(name)s（%(kind)s）")
                % {"name": report.subject_name, "kind": report.get_subject_kind_display()},
            )
        )
        if report.subject_uscc:
            lines.append(("p", _("统一社会信用代码：%(code)s") % {"code": report.subject_uscc}))
        lines.append(("p", _("所在地区：%(region)s") % {"region": report.subject_region.name}))
        for label, value in (
            (_("网站"), report.websites),
            (_("App 或小程序"), report.apps),
            (_("账号"), report.social_accounts),
            (_("电话"), report.phones),
            (_("收款账户"), report.collecting_accounts),
            (_("承诺年化收益率（%）"), report.promised_return),
            (_("涉及金额（元）"), report.amount),
            (_("涉及人数"), report.people),
            (_("开始时间"), report.since),
            (_("宣传方式和地点"), report.promoted_where),
        ):
            if value not in (None, ""):
                lines.append(("p", _("%(label)s：%(value)s") % {"label": label, "value": value}))
        lines.append(("p", _("情况描述：%(text)s") % {"text": report.scheme}))
        lines.append(("p", _("证据材料：%(n)s 件") % {"n": report.evidence.count()}))
    events = list(clue.events.select_related("actor").order_by("at", "id"))
    if events:
        lines.append(("h2", _("办理记录")))
        for event in events:
            when = f"{timezone.localtime(event.at):%Y-%m-%d %H:%M}"
            lines.append(("bullet", f"{when} {event.get_kind_display()} {event.note}".strip()))
    return lines


@login_required
@require_GET
def clue_dossier(request: HttpRequest, number: str) -> HttpResponse:
    user = user_of(request)
    clue = access.get_clue_for(user, number)
    if not access.is_officer(user):
        return forbidden(request, _("只有处置非法集资部门的工作人员可以下载线索卷宗。"))
    reports = selectors.clue_reports(clue, user=user)
    trail.record_export(request, filename=f"{clue.number}.pdf", obj=clue)
    response = HttpResponse(pdf_document(dossier_lines(clue, reports)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{clue.number}.pdf"'
    return _no_store(response)
