"""Staff pages of the credit lists (/credit/) and the public list (/credit/public/). Views stay thin:
parse → access → service → render."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xiaobao.accounts.access import user_of
from xiaobao.accounts.models import User
from xiaobao.audit import trail
from xiaobao.core.actions import Action, Actions, Offer, offers, perform
from xiaobao.core.pages import add_service_error, forbidden
from xiaobao.core.time import today
from xiaobao.credit import access, selectors, services
from xiaobao.credit.exports import public_columns, staff_columns
from xiaobao.credit.forms import (
    CheckForm,
    EntryFilterForm,
    EntryForm,
    ObjectionDecisionForm,
    ObjectionForm,
    PublicFilterForm,
    RepairDecisionForm,
    RepairForm,
)
from xiaobao.credit.models import CreditEntry, Objection, Repair
from xiaobao.credit.rules import credit_rules
from xiaobao.lib import export

PAGE_SIZE = 25
STAFF_ONLY = gettext_lazy("红黑名单办理页面只对监管部门、处置非法集资部门和名单所涉机构的工作人员开放。")


def _desk(view: Any) -> Any:
    """Department staff and the staff of institutions; everyone else is told so."""

    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not access.may_open_credit(user_of(request)):
            return forbidden(request, STAFF_ONLY)
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


# ---------------------------------------------------------------------------------------------
# The staff list


def _filtered(user: User, filters: dict[str, Any]) -> QuerySet[CreditEntry]:
    qs = access.entries_for(user)
    if filters.get("credit_list"):
        qs = qs.filter(list=filters["credit_list"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("q"):
        q = filters["q"].strip()
        qs = qs.filter(Q(name__icontains=q) | Q(uscc=q.upper()) | Q(number=q.upper()))
    return qs.order_by("-created_at", "-pk")


@_desk
@require_GET
def entry_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    form = EntryFilterForm(request.GET)
    filters = form.filters()
    page = Paginator(_filtered(user, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "filtered": bool(filters),
        "page": page,
        "entries": list(page.object_list),
        "may_draft": access.is_department_staff(user),
        "export_max": export.EXPORT_MAX_ROWS,
        "today": today(),
    }
    return render(request, "credit/entry_list.html", context)


@_desk
@require_GET
def entry_export(request: HttpRequest) -> HttpResponseBase:
    entries = _filtered(user_of(request), EntryFilterForm(request.GET).filters())
    total = entries.count()
    if total > export.EXPORT_MAX_ROWS:
        messages.error(
            request,
            _("共有 %(total)s 条，超过单次导出上限 %(max)s 条。请增加筛选条件后再导出。")
            % {"total": total, "max": export.EXPORT_MAX_ROWS},
        )
        return redirect("credit:list")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    trail.record_export(request, filename=f"credit-{stamp}.xlsx")
    return export.export_response(
        rows=entries.iterator(chunk_size=2000),
        columns=staff_columns(),
        fmt="xlsx",
        filename=f"credit-{stamp}",
        title=str(_("红黑名单")),
    )


@_desk
@require_http_methods(["GET", "POST"])
def entry_new(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if not access.is_department_staff(user):
        return forbidden(request, _("只有监管部门或处置非法集资部门的工作人员可以起草红黑名单。"))
    if request.method == "POST":
        form = EntryForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                entry = services.entry_draft(
                    credit_list=d["credit_list"],
                    subject=d["subject"],
                    basis=d["basis"],
                    source=d["source"],
                    document=d["document"],
                    decided_on=d["decided_on"],
                    institution=d["institution"],
                    name=d["name"],
                    uscc=d["uscc"],
                    person_name=d["person_name"],
                    person_id_number=d["person_id_number"],
                    penalty=d["penalty"],
                    facts=d["facts"],
                    valid_from=d["valid_from"],
                    valid_until=d["valid_until"],
                    by=user,
                )
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("已起草 %(number)s，待另一名工作人员复核。") % {"number": entry.number})
                return redirect("credit:entry", entry.number)
        return render(request, "credit/entry_new.html", {"form": form}, status=400)
    initial: dict[str, Any] = {"credit_list": "black"}
    if request.GET.get("penalty", "").isdigit():
        initial.update(source=CreditEntry.Source.PENALTY, penalty=int(request.GET["penalty"]))
    return render(request, "credit/entry_new.html", {"form": EntryForm(initial=initial)})


# ---------------------------------------------------------------------------------------------
# One entry: facts, timeline, actions


def _may_object(entry: CreditEntry, user: User) -> bool:
    return (
        access.is_subject(user, entry)
        and entry.status == CreditEntry.Status.PUBLISHED
        and entry.objection_due is not None
        and today() <= entry.objection_due
        and not _pending(entry, Objection)
    )


def _may_apply_repair(entry: CreditEntry, user: User) -> bool:
    earliest = entry.repair_from(credit_rules())
    return (
        (access.is_subject(user, entry) or access.handles(user, entry))
        and entry.status == CreditEntry.Status.PUBLISHED
        and entry.list == "black"
        and earliest is not None
        and today() >= earliest
        and not _pending(entry, Repair)
    )


def _pending(entry: CreditEntry, model: type[Objection] | type[Repair]) -> bool:
    return model.objects.filter(entry=entry, outcome="pending").exists()


ENTRY_ACTIONS: Actions[CreditEntry, User] = Actions(
    Action(
        "check",
        gettext_lazy("复核"),
        CheckForm,
        lambda e, u, d: services.entry_check(entry=e, approve=d["outcome"] == "publish", note=d["note"], by=u),
        lambda d: _("已公示。") if d["outcome"] == "publish" else _("已退回：复核未通过。"),
        button=gettext_lazy("提交复核结论"),
        help=gettext_lazy("复核须由起草人以外的工作人员办理；通过后即对外公示，异议期开始计算。"),
        shown=lambda e, u: access.handles(u, e) and e.status == CreditEntry.Status.DRAFT and e.drafted_by_id != u.pk,
    ),
    Action(
        "object",
        gettext_lazy("提出异议"),
        ObjectionForm,
        lambda e, u, d: services.objection_file(entry=e, reason=d["reason"], by=u),
        gettext_lazy("异议已提交，认定部门将在时限内答复。"),
        button=gettext_lazy("提交异议"),
        shown=_may_object,
    ),
    Action(
        "answer",
        gettext_lazy("答复异议"),
        ObjectionDecisionForm,
        lambda e, u, d: services.objection_decide(
            entry=e, upheld=d["outcome"] == "upheld", decision=d["decision"], by=u
        ),
        gettext_lazy("异议已答复。"),
        button=gettext_lazy("提交答复"),
        shown=lambda e, u: access.handles(u, e) and _pending(e, Objection),
    ),
    Action(
        "repair",
        gettext_lazy("申请信用修复"),
        RepairForm,
        lambda e, u, d: services.repair_apply(
            entry=e,
            statement=d["statement"],
            penalty_fulfilled=d["penalty_fulfilled"],
            commitment_signed=d["commitment_signed"],
            by=u,
        ),
        gettext_lazy("信用修复申请已提交。"),
        button=gettext_lazy("提交申请"),
        shown=_may_apply_repair,
    ),
    Action(
        "decide_repair",
        gettext_lazy("决定信用修复"),
        RepairDecisionForm,
        lambda e, u, d: services.repair_decide(
            entry=e,
            grant=d["outcome"] == "granted",
            penalty_fulfilled=d["penalty_fulfilled"],
            commitment_signed=d["commitment_signed"],
            decision=d["decision"],
            by=u,
        ),
        gettext_lazy("信用修复已决定。"),
        button=gettext_lazy("提交决定"),
        shown=lambda e, u: access.handles(u, e) and _pending(e, Repair),
    ),
)


def _actions(request: HttpRequest, entry: CreditEntry, bound: dict[str, Any] | None = None) -> list[Offer]:
    user = user_of(request)
    return offers(
        ENTRY_ACTIONS.offered(entry, user),
        bound=bound or {},
        blank=lambda action: action.form(prefix=action.name) if action.form else None,
        url=lambda action: reverse("credit:action", args=[entry.number, action.name]),
    )


def _entry_page(
    request: HttpRequest, entry: CreditEntry, bound: dict[str, Any] | None = None, status: int = 200
) -> Any:
    user = user_of(request)
    show_person = entry.is_person and access.handles(user, entry)
    if show_person:
        # A person's name and ID number, read by the department's staff: on the audit trail.
        trail.record(trail.Kind.PERSONAL_DATA, user=user, request=request, obj=entry, field="person")
    rules = credit_rules()
    context = {
        "entry": entry,
        "show_person": show_person,
        "listed": entry.is_listed_on(today()),
        "measures": selectors.measures_of_list(entry.list),
        "objections": entry.objections.select_related("filed_by", "decided_by"),
        "repairs": entry.repairs.select_related("applied_by", "decided_by"),
        "deadlines": entry.deadlines.all(),
        "repair_from": entry.repair_from(rules) if entry.list == "black" else None,
        "events": entry.events.select_related("actor"),
        "actions": _actions(request, entry, bound),
        "today": today(),
    }
    return render(request, "credit/entry_detail.html", context, status=status)


@_desk
@require_GET
def entry_detail(request: HttpRequest, number: str) -> HttpResponse:
    return _entry_page(request, access.get_entry_for(user_of(request), number))


@_desk
@require_POST
def entry_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    user = user_of(request)
    entry = access.get_entry_for(user, number, write=True)
    spec = ENTRY_ACTIONS[action]

    def again(form: BaseForm | None) -> HttpResponse:
        entry.refresh_from_db()
        return _entry_page(request, entry, {action: form}, status=400)

    form = spec.form(request.POST, prefix=action) if spec.form else None
    done = reverse("credit:entry", args=[entry.number])
    return perform(request, entry, spec, by=user, form=form, again=again, then=done)


# ---------------------------------------------------------------------------------------------
# The public list


@require_GET
def public_list(request: HttpRequest) -> HttpResponseBase:
    form = PublicFilterForm(request.GET)
    filters = selectors.PublicFilters()
    if form.is_valid():
        d = form.cleaned_data
        filters = selectors.PublicFilters(list=d["list"], name=d["name"], uscc=d["uscc"], valid_on=d["valid_on"])
    fmt = request.GET.get("format")
    rows = selectors.public_entries(filters)
    if fmt in ("csv", "xlsx") and form.is_valid():
        trail.record_export(request, filename=f"public-credit.{fmt}")
        return export.export_response(
            rows=rows[: export.EXPORT_MAX_ROWS].iterator(chunk_size=2000),
            columns=public_columns(),
            fmt=fmt,
            filename=f"public-credit-{today():%Y%m%d}",
            title=str(_("红黑名单")),
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "entries": list(page.object_list),
        "filtered": any(request.GET.get(k) for k in ("list", "name", "uscc", "valid_on")),
        "day": filters.valid_on or today(),
    }
    return render(request, "credit/public_list.html", context, status=200 if form.is_valid() else 400)
