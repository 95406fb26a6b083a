"""The complaint pages: intake, look-up, one complaint and its actions, work queues, exports, notifications.

Each view parses, reaches the complaint through access.py, calls one service and renders or
redirects. A service's ValidationError is shown next to the form it came from; its
PermissionDenied becomes a 403 page in words; not-yours is a 404, like not-found.
"""

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.decorators import ratelimit

from xiaobao.accounts.access import enters_for_others, files_in_own_name, signed_in, user_of
from xiaobao.accounts.models import User
from xiaobao.audit import trail
from xiaobao.complaints import selectors, services
from xiaobao.complaints.access import (
    VISIBLE_THREADS,
    WRITABLE_THREADS,
    Actor,
    Party,
    actor_for_request,
    complaints_for,
    get_complaint_for_actor,
    guest_code_matches,
    guest_grant,
    is_copy_for,
    messages_for,
    party_of,
    reading_party,
    timeline_for,
)
from xiaobao.complaints.forms import (
    AcceptForm,
    AnswerForm,
    ComplaintForm,
    CorrectForm,
    ExtendForm,
    FeedbackForm,
    FollowUpForm,
    InstitutionChoiceField,
    MessageForm,
    NotificationReadForm,
    QueueFilterForm,
    RefuseForm,
    ReturnForm,
    ReviewForm,
    StaffComplaintForm,
    SuperviseForm,
    SupervisionRespondForm,
    SurveyForm,
    TrackForm,
    TrackRecoverForm,
    TransferForm,
    UnpublishForm,
    WithdrawForm,
    institution_queryset,
)
from xiaobao.complaints.models import Complaint, Message, Notification, Survey
from xiaobao.core.actions import Action, Actions, offers, orphan_errors, perform
from xiaobao.core.pages import (
    add_service_error,
    client_ip,
    forbidden,
    intake_rate,
    receipt_issue,
    receipt_page,
    too_many,
)
from xiaobao.lib import export
from xiaobao.lib.masking import mask_email, mask_id_number, mask_name, mask_phone
from xiaobao.registry.selectors import institution_search as search_institutions
from xiaobao.registry.selectors import rule_set_for

REVEAL_SESSION_KEY = "complaint_reveal"
PAGE_SIZE = 25
PERSONAL_FIELDS = ("complainant_name", "phone", "id_number", "email", "address")


# ---------------------------------------------------------------------------------------------
# Shared helpers


def _track_rate(group: str, request: HttpRequest) -> str:
    # Number and code together are a credential: the look-up is limited like a sign-in.
    return settings.LOGIN_RATE


def _staff_only(request: HttpRequest) -> HttpResponse | None:
    """Consumers go to their own list; anyone else without a staff side sees why not."""
    user = user_of(request)
    if user.role == User.Role.CONSUMER:
        return redirect("complaints:mine")
    if selectors.staff_party(user) is None:
        return forbidden(request, _("工作台只对金融机构和监管部门的工作人员开放。"))
    return None


# ---------------------------------------------------------------------------------------------
# Intake


def _intake(request: HttpRequest, form_class: type[ComplaintForm], *, staff: bool) -> HttpResponse:
    by = signed_in(request)
    if request.method == "POST":
        form = form_class(request.POST, request.FILES)
        if form.is_valid():
            kwargs = form.submit_kwargs()
            if isinstance(form, StaffComplaintForm):
                kwargs.update(via=form.cleaned_data["via"], received_at=form.received_at())
            else:
                kwargs["via"] = Complaint.Via.WEB
            try:
                complaint, code, _created = services.complaint_submit(by=by, **kwargs)
            except PermissionDenied as exc:
                return forbidden(request, str(exc))
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                receipt_issue(request, complaint.number, code, grant=guest_grant, staff=staff)
                return redirect("complaints:submitted")
    else:
        initial = {"submission_token": uuid.uuid4().hex}
        if by is not None and by.role == User.Role.CONSUMER:
            initial["complainant_name"] = by.display_name
        form = form_class(initial=initial)
    context = {"form": form, "staff": staff, "files_dropped": bool(request.FILES) and form.errors}
    return render(request, "complaints/new.html", context)


@ratelimit(key="ip", rate=intake_rate, method="POST", block=False, group="complaints:intake")
def complaint_new(request: HttpRequest) -> HttpResponse:
    if not files_in_own_name(request.user):
        if enters_for_others(request.user):
            return redirect("complaints:staff_new")
        return forbidden(request, _("工作人员账户不能提交投诉。如需以个人身份投诉，请先退出登录。"))
    if getattr(request, "limited", False):
        return too_many(request)
    return _intake(request, ComplaintForm, staff=False)


@login_required
def staff_new(request: HttpRequest) -> HttpResponse:
    if not enters_for_others(request.user):
        return forbidden(request, _("只有监管部门工作人员可以代为登记电话、信函、来访和电子邮件投诉。"))
    return _intake(request, StaffComplaintForm, staff=True)


@never_cache
def complaint_submitted(request: HttpRequest) -> HttpResponse:
    rules = rule_set_for(timezone.localdate())
    return receipt_page(request, "complaints/submitted.html", lost="complaints:track", rules=rules)


@require_GET
def institution_search(request: HttpRequest) -> HttpResponse:
    """Options for the institution <select>, narrowed by name as the user types (htmx)."""
    q = request.GET.get("q", "").strip()[:50]
    queryset = search_institutions(q) if q else institution_queryset()
    field = InstitutionChoiceField(queryset=queryset, empty_label=_("请选择机构"))
    choices: Any = field.choices  # grouped (sector, options) pairs after the empty choice
    groups = [choice for choice in choices if choice[0] != ""]
    found = sum(len(options) for _group, options in groups)
    return render(request, "complaints/_institution_options.html", {"groups": groups, "found": found, "q": q})


# ---------------------------------------------------------------------------------------------
# Look-up by number and code


@ratelimit(key="ip", rate=_track_rate, method="POST", block=False, group="complaints:track")
@never_cache
def track(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if getattr(request, "limited", False):
            return too_many(request)
        form = TrackForm(request.POST)
        if form.is_valid():
            number, code = form.cleaned_data["number"], form.cleaned_data["code"]
            complaint = Complaint.objects.only("pk", "number", "guest_code_hash").filter(number=number).first()
            # An unknown number costs the same hash comparison as a known one: timing tells nothing.
            matched = guest_code_matches(complaint or Complaint(guest_code_hash="0" * 64), code)
            if complaint is not None and matched:
                guest_grant(request, complaint.number)
                return redirect("complaints:detail", number=complaint.number)
            # One message for both mistakes, so a number cannot be probed.
            form.add_error(None, _("编号或查询码不正确，请核对后重新输入。"))
    else:
        form = TrackForm(initial={"number": request.GET.get("number", "")[:24]})
    return render(request, "complaints/track.html", {"form": form, "mine_url": reverse("complaints:mine")})


@ratelimit(key="ip", rate=_track_rate, method="POST", block=False, group="complaints:track_recover")
@never_cache
def track_recover(request: HttpRequest) -> HttpResponse:
    """A lost query code: a new one is texted to the phone given on the complaint, the old one stops working.
    The answer is the same whether or not the pair matches, so no number can be probed here."""
    if request.method == "POST":
        if getattr(request, "limited", False):
            return too_many(request)
        form = TrackRecoverForm(request.POST)
        if form.is_valid():
            services.complaint_query_code_renew(number=form.cleaned_data["number"], phone=form.cleaned_data["phone"])
            messages.info(
                request,
                _("如果编号和手机号码与投诉记录一致，新查询码已通过短信发送到该号码，原查询码同时作废。"),
            )
            return redirect(f"{reverse('complaints:track')}?number={form.cleaned_data['number']}")
    else:
        form = TrackRecoverForm(initial={"number": request.GET.get("number", "")[:24]})
    return render(request, "complaints/track_recover.html", {"form": form})


# ---------------------------------------------------------------------------------------------
# One complaint


def _view_party(actor: Actor, complaint: Complaint) -> str | None:
    """The side whose view of the complaint the page shows; an administrator or the holder of a copy
    reads as the regulator."""
    return reading_party(actor, complaint)


def _personal_data(complaint: Complaint, *, masked: bool) -> dict[str, str]:
    if not masked:
        return {f: getattr(complaint, f) for f in PERSONAL_FIELDS}
    return {
        "complainant_name": mask_name(complaint.complainant_name),
        "phone": mask_phone(complaint.phone),
        "id_number": mask_id_number(complaint.id_number),
        "email": mask_email(complaint.email),
        "address": _("（已隐藏）") if complaint.address else "",
    }


# In the order the forms appear on the page; selectors.actions_for says which are offered now.
ACTIONS: Actions[Complaint, Actor] = Actions(
    Action(
        "accept",
        gettext_lazy("受理并转办机构"),
        AcceptForm,
        lambda c, a, d: services.complaint_accept(complaint=c, by=a, note=d["note"]),
        gettext_lazy("已受理，并已转机构办理。"),
        button=gettext_lazy("受理并转办"),
    ),
    Action(
        "refuse",
        gettext_lazy("不予受理"),
        RefuseForm,
        lambda c, a, d: services.complaint_refuse(complaint=c, by=a, reason=d["reason"], note=d["note"]),
        gettext_lazy("已作出不予受理决定，并已告知投诉人。"),
        danger=True,
    ),
    Action(
        "transfer",
        gettext_lazy("转办"),
        TransferForm,
        lambda c, a, d: services.complaint_transfer(
            complaint=c, by=a, reason=d["reason"], to_authority=d["to_authority"], to_institution=d["to_institution"]
        ),
        gettext_lazy("已转办。"),
    ),
    Action(
        "supervise",
        gettext_lazy("督办"),
        SuperviseForm,
        lambda c, a, d: services.complaint_supervise(complaint=c, by=a, reason=d["reason"]),
        gettext_lazy("已向机构发出督办通知。"),
        button=gettext_lazy("发出督办通知"),
    ),
    Action(
        "review",
        gettext_lazy("核查结论"),
        ReviewForm,
        lambda c, a, d: services.complaint_review_decide(complaint=c, by=a, upheld=d["upheld"], result=d["result"]),
        gettext_lazy("核查结论已提交，并已告知投诉人。"),
        button=gettext_lazy("提交核查结论"),
    ),
    Action(
        "follow_up",
        gettext_lazy("差评回访"),
        FollowUpForm,
        lambda c, a, d: services.complaint_follow_up(complaint=c, by=a, result=d["result"]),
        gettext_lazy("回访情况已记录。"),
        button=gettext_lazy("记录回访"),
    ),
    Action(
        "answer",
        gettext_lazy("答复投诉人"),
        AnswerForm,
        lambda c, a, d: services.complaint_answer(
            complaint=c,
            by=a,
            outcome=d["outcome"],
            decision=d["decision"],
            remedy=d["remedy"],
            remedy_amount=d["remedy_amount"],
            remedies_open=d["remedies_open"],
        ),
        gettext_lazy("答复已提交，投诉人会收到通知。"),
        button=gettext_lazy("提交答复"),
    ),
    Action(
        "extend",
        gettext_lazy("延长办理期限"),
        ExtendForm,
        lambda c, a, d: services.complaint_extend(
            complaint=c, by=a, tier=d["tier"], reason=d["reason"], note=d["note"]
        ),
        gettext_lazy("办理期限已延长，投诉人会收到通知。"),
        button=gettext_lazy("延长期限"),
    ),
    Action(
        "return",
        gettext_lazy("不属于本机构"),
        ReturnForm,
        lambda c, a, d: services.complaint_return(complaint=c, by=a, reason=d["reason"]),
        gettext_lazy("已申请退回，监管部门会重新转办。"),
        button=gettext_lazy("申请退回"),
        danger=True,
    ),
    Action(
        "feedback",
        gettext_lazy("您对答复的意见"),
        FeedbackForm,
        lambda c, a, d: services.complaint_feedback(complaint=c, by=a, choice=d["choice"], note=d["note"]),
        gettext_lazy("您的意见已提交。"),
        button=gettext_lazy("提交意见"),
    ),
    Action(
        "correct",
        gettext_lazy("更正投诉内容"),
        CorrectForm,
        lambda c, a, d: services.complaint_correct(
            complaint=c, by=a, summary=d["summary"], narrative=d["narrative"], amount=d["amount"]
        ),
        gettext_lazy("更正已保存。"),
        button=gettext_lazy("保存更正"),
        help=gettext_lazy("可以修改投诉事项、事情经过和金额。其他内容填错了，请撤回后重新投诉。"),
    ),
    Action(
        "withdraw",
        gettext_lazy("撤回投诉"),
        WithdrawForm,
        lambda c, a, d: services.complaint_withdraw(complaint=c, by=a, reason=d["reason"]),
        gettext_lazy("投诉已撤回。"),
        danger=True,
    ),
    Action(
        "survey",
        gettext_lazy("评价这次办理"),
        SurveyForm,
        lambda c, a, d: services.survey_submit(complaint=c, by=a, score=d["score"], comment=d["comment"]),
        gettext_lazy("感谢您的评价。"),
        button=gettext_lazy("提交评价"),
        help=gettext_lazy("每件投诉只能评价一次。选择“不满意”或“非常不满意”的，监管部门会跟进了解原因。"),
    ),
    Action(
        "unpublish",
        gettext_lazy("撤回公开同意"),
        UnpublishForm,
        lambda c, a, d: services.complaint_consent_withdraw(complaint=c, by=a),
        gettext_lazy("已撤回公开同意，投诉内容将不再公开。"),
        button=gettext_lazy("不再公开投诉内容"),
    ),
)


def _detail_url(complaint: Complaint, anchor: str = "") -> str:
    url = reverse("complaints:detail", kwargs={"number": complaint.number})
    return f"{url}#{anchor}" if anchor else url


def _render_detail(
    request: HttpRequest,
    complaint: Complaint,
    actor: Actor,
    *,
    bound: dict[str, Any] | None = None,
    reveal: bool = False,
) -> HttpResponse:
    bound = bound or {}
    party = _view_party(actor, complaint)
    staff_view = party in (Party.INSTITUTION, Party.REGULATOR)
    has_survey = Survey.objects.filter(complaint=complaint).exists()
    available = selectors.actions_for(complaint=complaint, party=party_of(actor, complaint), has_survey=has_survey)

    actions = offers(
        ACTIONS.offered(complaint, actor, available),
        bound=bound,
        blank=lambda action: _action_form(action, complaint),
        url=lambda action: reverse(f"complaints:{action.name}", kwargs={"number": complaint.number}),
    )

    threads = []
    own_party = party_of(actor, complaint)
    writable = WRITABLE_THREADS.get(Party(own_party), []) if own_party else []
    by_thread: dict[str, list[Message]] = {}
    for message in messages_for(party, complaint).select_related("author") if party else []:
        by_thread.setdefault(message.thread, []).append(message)
    for thread in VISIBLE_THREADS.get(Party(party), []) if party else []:
        can_write = thread in writable and not (
            thread == Message.Thread.CONSUMER and complaint.status in Complaint.FINAL_STATUSES
        )
        form = None
        if can_write:
            form = bound.get(f"message:{thread}") or MessageForm(thread=thread, complaint=complaint)
        threads.append(
            {
                "thread": thread,
                "label": Message.Thread(thread).label,
                "messages": by_thread.get(thread, []),
                "form": form,
            }
        )

    notices = selectors.notices_for(party, complaint)
    can_respond = party_of(actor, complaint) == Party.INSTITUTION and complaint.is_open
    notice_rows = []
    for notice in notices:
        form = None
        if can_respond and notice.responded_at is None:
            form = bound.get(f"respond:{notice.pk}") or SupervisionRespondForm(
                complaint=complaint, auto_id=f"id_respond_{notice.pk}_%s"
            )
        notice_rows.append({"notice": notice, "form": form})

    context = {
        "complaint": complaint,
        "party": party,
        "staff_view": staff_view,
        "is_complainant": party == Party.CONSUMER,
        "personal": _personal_data(complaint, masked=staff_view and not reveal),
        "revealed": staff_view and reveal,
        "deadlines": selectors.deadlines_for(party, complaint),
        "timeline": list(timeline_for(party, complaint)) if party else [],
        "threads": threads,
        "attachments": list(selectors.attachments_for(party, complaint)) if party else [],
        "notices": notice_rows,
        "actions": actions,
        "page_errors": orphan_errors(bound, available),
        "survey": Survey.objects.filter(complaint=complaint).first() if has_survey else None,
        "window": selectors.correction_window(complaint),
        "rights": list(complaint.rights.all()),
        "demands": list(complaint.demands.all()),
        "tags": list(complaint.tags.all()) if staff_view else [],
        "remedies_open": [Complaint.Remedy(v).label for v in complaint.remedies_open if v in Complaint.Remedy.values],
        "routing": complaint.routing_explanation(),
        "is_copy": is_copy_for(actor, complaint),
    }
    return render(request, "complaints/detail.html", context)


def _action_form(action: Action[Complaint, Actor], complaint: Complaint, data: Any = None, files: Any = None) -> Any:
    """The action's form for this complaint: blank (a correction starts from what is there), or as posted."""
    assert action.form is not None  # every complaint action has a form
    if data is None and action.name == "correct":
        initial = {"summary": complaint.summary, "narrative": complaint.narrative, "amount": complaint.amount}
        return action.form(complaint=complaint, initial=initial)  # type: ignore[call-arg]
    return action.form(data, files, complaint=complaint)  # type: ignore[call-arg]


@never_cache
def complaint_detail(request: HttpRequest, number: str) -> HttpResponse:
    actor = actor_for_request(request, number)
    complaint = get_complaint_for_actor(actor, number)
    reveal = request.session.pop(REVEAL_SESSION_KEY, None) == number
    return _render_detail(request, complaint, actor, reveal=reveal)


def _perform(
    request: HttpRequest,
    complaint: Complaint,
    actor: Actor,
    action: Action[Complaint, Actor],
    form: BaseForm,
    *,
    key: str = "",
    anchor: str = "status",
) -> HttpResponse:
    """The complaint's actions, messages and notice answers: back to the complaint where the user was,
    or to the queue when the complaint has left this viewer's hands."""

    def then(_result: object) -> HttpResponse:
        if not _still_visible(actor, complaint.number):
            # Transferred to another authority: the complaint has left this viewer's hands.
            return redirect("complaints:queue")
        return redirect(_detail_url(complaint, anchor))

    return perform(
        request,
        complaint,
        action,
        by=actor,
        form=form,
        again=lambda form: _render_detail(request, complaint, actor, bound={key or action.name: form}),
        then=then,
    )


def _still_visible(actor: Actor, number: str) -> bool:
    try:
        get_complaint_for_actor(actor, number)
    except Http404:
        return False
    return True


@require_POST
def complaint_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    spec = ACTIONS[action]
    actor = actor_for_request(request, number)
    complaint = get_complaint_for_actor(actor, number)
    return _perform(request, complaint, actor, spec, _action_form(spec, complaint, request.POST, request.FILES))


# Posting a message and answering a supervision notice are actions too, though not in the panel.
MESSAGE = Action[Complaint, Actor](
    "message",
    gettext_lazy("留言"),
    MessageForm,
    lambda c, a, d: services.message_post(complaint=c, by=a, thread=d["thread"], body=d["body"], files=d["files"]),
    gettext_lazy("留言已发送。"),
)


@require_POST
def message_post(request: HttpRequest, number: str) -> HttpResponse:
    actor = actor_for_request(request, number)
    complaint = get_complaint_for_actor(actor, number)
    thread = request.POST.get("thread", "")
    if thread not in Message.Thread.values:
        raise Http404
    form = MessageForm(request.POST, request.FILES, thread=thread, complaint=complaint)
    return _perform(request, complaint, actor, MESSAGE, form, key=f"message:{thread}", anchor=f"thread-{thread}")


@require_POST
def supervision_respond(request: HttpRequest, number: str, notice: int) -> HttpResponse:
    actor = actor_for_request(request, number)
    complaint = get_complaint_for_actor(actor, number)
    if not (isinstance(actor, User) and actor.is_staff_member):
        raise Http404  # complainants do not see supervision notices at all
    notice_obj = get_object_or_404(complaint.supervision_notices, pk=notice)
    form = SupervisionRespondForm(request.POST, complaint=complaint, auto_id=f"id_respond_{notice_obj.pk}_%s")
    respond = Action[Complaint, Actor](
        "respond",
        gettext_lazy("督办通知"),
        SupervisionRespondForm,
        lambda c, a, d: services.supervision_respond(notice=notice_obj, by=a, response=d["response"]),
        gettext_lazy("督办回复已提交。"),
    )
    return _perform(request, complaint, actor, respond, form, key=f"respond:{notice_obj.pk}", anchor="notices")


@require_POST
def reveal_personal_data(request: HttpRequest, number: str) -> HttpResponse:
    """Staff see contact details masked; showing them in full is a deliberate, audited act."""
    actor = actor_for_request(request, number)
    complaint = get_complaint_for_actor(actor, number)
    if isinstance(actor, User) and actor.is_staff_member:
        fields = [f for f in PERSONAL_FIELDS if getattr(complaint, f)]
        services.personal_data_read(complaint=complaint, by=actor, fields=fields, purpose="web", ip=client_ip(request))
        request.session[REVEAL_SESSION_KEY] = complaint.number
    return redirect(_detail_url(complaint, "personal"))


def attachment_download(request: HttpRequest, number: str, pk: int) -> FileResponse:
    actor = actor_for_request(request, number)
    complaint = get_complaint_for_actor(actor, number)
    attachment = get_object_or_404(selectors.attachments_for(_view_party(actor, complaint), complaint), pk=pk)
    if isinstance(actor, User) and actor.role != User.Role.CONSUMER:
        # Staff and mediators taking a file (an ID-card scan, a contract) out of the platform: audited.
        # The complainant's own downloads are not a read of someone else's data.
        trail.record(trail.Kind.DOWNLOAD, user=actor, request=request, obj=complaint, field=attachment.name)
    # Always a download, never shown inline: a file cannot run in the platform's origin.
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )


# ---------------------------------------------------------------------------------------------
# Work queues and exports


QUEUE_TABS = (
    (selectors.QUEUE_NEW, gettext_lazy("新投诉")),
    (selectors.QUEUE_DUE_SOON, gettext_lazy("即将到期")),
    (selectors.QUEUE_OVERDUE, gettext_lazy("已逾期")),
    (selectors.QUEUE_AWAITING, gettext_lazy("待我处理")),
    (selectors.QUEUE_ALL, gettext_lazy("全部")),
)


def _queue_name(request: HttpRequest) -> str:
    queue = request.GET.get("queue", selectors.QUEUE_AWAITING)
    return queue if queue in selectors.QUEUES else selectors.QUEUE_AWAITING


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if (response := _staff_only(request)) is not None:
        return response
    name = _queue_name(request)
    filter_form = QueueFilterForm(request.GET)
    base = complaints_for(user)
    complaints = selectors.complaint_queue_for(user=user, queue=name, filters=filter_form.filters(), base=base)
    page = Paginator(complaints, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    selectors.mark_due_states(rows)
    counts = selectors.queue_counts_for(user, base=base)
    tabs = [{"name": key, "label": label, "count": counts[key], "current": key == name} for key, label in QUEUE_TABS]
    context = {
        "tabs": tabs,
        "queue": name,
        "queue_label": dict(QUEUE_TABS)[name],
        "filter_form": filter_form,
        "page": page,
        "rows": rows,
        "copies": {row.pk for row in rows if is_copy_for(user, row)},
        "party": selectors.staff_party(user),
        "can_enter": user.role in (User.Role.REGULATOR, User.Role.ADMIN),
        "export_max": export.EXPORT_MAX_ROWS,
    }
    return render(request, "complaints/queue.html", context)


def export_columns(paths: dict[int, str]) -> list[export.Column]:
    """The exported columns: the case, its classification and handling; never the complainant's personal data."""
    Column = export.Column
    due_words = {"overdue": _("已逾期"), "due_soon": _("即将到期")}
    return [
        Column(_("投诉编号"), lambda c: c.number, 22),
        Column(_("收到日期"), lambda c: c.received_at, 12, export.DATE),
        Column(_("状态"), lambda c: c.get_status_display(), 12),
        Column(_("投诉渠道"), lambda c: c.get_submitted_via_display(), 10),
        Column(_("被投诉机构"), lambda c: c.institution.name, 36),
        Column(_("监管部门"), lambda c: c.authority.name, 30),
        Column(_("业务类别"), lambda c: paths.get(c.business_id, ""), 28),
        Column(_("投诉原因"), lambda c: paths.get(c.cause_id, ""), 24),
        Column(_("办理渠道"), lambda c: paths.get(c.channel_id, ""), 20),
        Column(_("投诉事项"), lambda c: c.summary, 50),
        Column(_("涉及金额（元）"), lambda c: c.amount, 14, export.MONEY),
        Column(_("案件等级"), lambda c: c.get_level_display(), 10),
        Column(_("受理日期"), lambda c: c.accepted_at, 12, export.DATE),
        Column(_("答复日期"), lambda c: c.answered_at, 12, export.DATE),
        Column(_("处理结果"), lambda c: c.get_outcome_display(), 12),
        Column(_("补偿/退还金额（元）"), lambda c: c.remedy_amount, 16, export.MONEY),
        Column(_("投诉人意见"), lambda c: c.get_feedback_display(), 14),
        Column(_("办结日期"), lambda c: c.closed_at, 12, export.DATE),
        Column(_("下一办理期限"), lambda c: c.next_due, 14, export.DATE),
        Column(_("期限状态"), lambda c: due_words.get(c.due_state, ""), 10),
    ]


def _with_due_states(rows: QuerySet[Complaint]) -> Any:
    today = timezone.localdate()
    for row in rows.iterator(chunk_size=2000):
        selectors.mark_due_states([row], today)
        yield row


@login_required
def queue_export(request: HttpRequest) -> HttpResponseBase:
    user = user_of(request)
    if (response := _staff_only(request)) is not None:
        return response
    fmt = request.GET.get("format", "")
    back = f"{reverse('complaints:queue')}?{_query_without(request, 'format')}"
    if fmt not in ("xlsx", "csv"):
        messages.error(request, _("请选择导出格式：Excel 或 CSV。"))
        return redirect(back)
    name = _queue_name(request)
    filters = QueueFilterForm(request.GET).filters()
    complaints = selectors.complaint_queue_for(user=user, queue=name, filters=filters)
    total = complaints.count()
    if total > export.EXPORT_MAX_ROWS:
        messages.error(
            request,
            _("共有 %(total)s 条结果，超过单次导出上限 %(max)s 条。请缩小收到日期范围或增加筛选条件后再导出。")
            % {"total": total, "max": export.EXPORT_MAX_ROWS},
        )
        return redirect(back)
    filename = f"complaints-{name}-{timezone.localdate():%Y%m%d}"
    trail.record_export(request, filename=f"{filename}.{fmt}")
    return export.export_response(
        rows=_with_due_states(complaints),
        columns=export_columns(selectors.category_paths()),
        fmt=fmt,
        filename=filename,
        title=_("投诉清单"),
    )


def _query_without(request: HttpRequest, *keys: str) -> str:
    query = request.GET.copy()
    for key in keys:
        query.pop(key, None)
    return query.urlencode()


# ---------------------------------------------------------------------------------------------
# A consumer's own pages


@login_required
def my_complaints(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if user.role != User.Role.CONSUMER:
        return redirect("complaints:queue") if selectors.staff_party(user) else redirect("home")
    page = Paginator(selectors.consumer_complaints_for(user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    for row in rows:
        row.next_step = selectors.next_step_for(row)  # type: ignore[attr-defined]  # read by the template
    context = {"page": page, "rows": rows, "track_url": reverse("complaints:track")}
    return render(request, "complaints/mine.html", context)


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    page = Paginator(selectors.notifications_for(user), PAGE_SIZE).get_page(request.GET.get("page"))
    unread = selectors.unread_count_for(user)
    return render(
        request, "complaints/notifications.html", {"page": page, "rows": list(page.object_list), "unread": unread}
    )


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    """Mark one notification (or all of them) read. Only the user's own rows are touched."""
    user = user_of(request)
    form = NotificationReadForm(request.POST)
    pk = form.cleaned_data.get("notification") if form.is_valid() else None
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if pk:
        rows = rows.filter(pk=pk)
    rows.update(read_at=timezone.now())
    if request.headers.get("HX-Request") and pk:
        notification = get_object_or_404(selectors.notifications_for(user), pk=pk)
        return render(request, "complaints/_notification.html", {"n": notification})
    messages.success(request, _("已标记为已读。"))
    return redirect("complaints:notifications")
