"""Risk warnings: the public list and page, and the desk where staff write, review and withdraw them.
Views stay thin: parse → access → service → render."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
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
from xiaobao.lib import export
from xiaobao.riskwarnings import access, selectors, services
from xiaobao.riskwarnings.evidence import KINDS, evidence_find
from xiaobao.riskwarnings.forms import (
    DeskFilterForm,
    EvidenceForm,
    FilterForm,
    PublishForm,
    ReturnForm,
    SubmitForm,
    WarningForm,
    WithdrawForm,
)
from xiaobao.riskwarnings.models import RiskWarning

PUBLIC_PAGE_SIZE = 20
DESK_PAGE_SIZE = 25
DESK_ONLY = gettext_lazy("风险提示的撰写和审核只对监管部门和处置非法集资部门的工作人员开放。")


# ---------------------------------------------------------------------------------------------
# Public


@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET)
    warnings = selectors.public_warnings_filtered(form.filters())
    page = Paginator(warnings, PUBLIC_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "riskwarnings/public_list.html",
        {"form": form, "filtered": form.filtered, "page": page, "warnings": page.object_list},
    )


@require_GET
def public_detail(request: HttpRequest, number: str) -> HttpResponse:
    warning = access.get_public_warning(number)
    return render(request, "riskwarnings/public_detail.html", {"warning": warning})


# ---------------------------------------------------------------------------------------------
# The desk


def _desk(view: Any) -> Any:
    """Signed-in desk staff only; everyone else is told so in words."""

    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not access.has_desk(user_of(request)):
            return forbidden(request, DESK_ONLY)
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _desk_rows(request: HttpRequest, form: DeskFilterForm) -> Any:
    qs = selectors.warnings_filtered(access.warnings_for(user_of(request)), form.filters())
    return (
        qs.select_related("authority", "created_by")
        .prefetch_related("audiences", "regions")
        .order_by("-created_at", "-id")
    )


@_desk
@require_GET
def desk_list(request: HttpRequest) -> HttpResponse:
    form = DeskFilterForm(request.GET)
    page = Paginator(_desk_rows(request, form), DESK_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "filtered": form.filtered,
        "page": page,
        "warnings": list(page.object_list),
        "writer": access.is_writer(user_of(request)),
        "export_max": export.EXPORT_MAX_ROWS,
    }
    return render(request, "riskwarnings/desk_list.html", context)


def _names(rows: Any) -> str:
    return "、".join(r.name for r in rows.all())


def _columns() -> list[export.Column]:
    return [
        export.Column(_("编号"), lambda w: w.number, 20),
        export.Column(_("标题"), lambda w: w.title, 40),
        export.Column(_("风险手法"), lambda w: w.scheme, 40),
        export.Column(_("提示对象"), lambda w: _names(w.audiences), 20),
        export.Column(_("地区"), lambda w: _names(w.regions), 24),
        export.Column(_("状态"), lambda w: w.get_status_display(), 10),
        export.Column(_("发布部门"), lambda w: w.authority.name, 30),
        export.Column(_("起草人"), lambda w: str(w.created_by), 12),
        export.Column(_("起草时间"), lambda w: w.created_at, 18, export.DATETIME),
        export.Column(_("发布时间"), lambda w: w.published_at, 18, export.DATETIME),
        export.Column(_("撤回原因"), lambda w: w.withdrawn_reason, 40),
    ]


@_desk
@require_GET
def desk_export(request: HttpRequest) -> HttpResponseBase:
    rows = _desk_rows(request, DeskFilterForm(request.GET))
    total = rows.count()
    if total > export.EXPORT_MAX_ROWS:
        messages.error(
            request,
            _("共有 %(total)s 条风险提示，超过单次导出上限 %(max)s 条。请增加筛选条件后再导出。")
            % {"total": total, "max": export.EXPORT_MAX_ROWS},
        )
        return redirect("riskwarnings:desk")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    trail.record_export(request, filename=f"risk-warnings-{stamp}.xlsx")
    return export.export_response(
        rows=list(rows), columns=_columns(), fmt="xlsx", filename=f"risk-warnings-{stamp}", title=str(_("风险提示"))
    )


def _content(form: WarningForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "title": data["title"],
        "body": data["body"],
        "scheme": data["scheme"],
        "audiences": list(data["audiences"]),
        "regions": list(data["regions"]),
    }


@_desk
@require_http_methods(["GET", "POST"])
def desk_new(request: HttpRequest) -> HttpResponse:
    """A new draft; from a piece of evidence (?kind=alert&key=YJ-…) it starts pre-filled and links it."""
    user = user_of(request)
    if not access.is_writer(user):
        return forbidden(request, DESK_ONLY)
    source = EvidenceForm(request.POST if request.method == "POST" else request.GET)
    kind, key = (source.cleaned_data["kind"], source.cleaned_data["key"]) if source.is_valid() else ("", "")
    proposal = evidence_find(user, kind, key) if kind and key else None
    if request.method == "POST":
        form = WarningForm(request.POST)
        if form.is_valid():
            try:
                warning = services.warning_draft(by=user, evidence=[(kind, key)] if proposal else [], **_content(form))
            except PermissionDenied as exc:
                return forbidden(request, str(exc))
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("草稿已保存。请核对后提交审核。"))
                return redirect("riskwarnings:desk_detail", warning.number)
    else:
        initial: dict[str, Any] = {}
        if proposal is not None:
            initial = {
                "title": proposal.title,
                "scheme": proposal.scheme,
                "body": proposal.body,
                "regions": proposal.regions,
            }
        form = WarningForm(initial=initial)
    context = {
        "form": form,
        "source": source,
        "proposal": proposal,
        "source_kind": KINDS[kind].name if proposal else "",
    }
    return render(request, "riskwarnings/desk_form.html", context, status=400 if request.method == "POST" else 200)


@_desk
@require_http_methods(["GET", "POST"])
def desk_edit(request: HttpRequest, number: str) -> HttpResponse:
    user = user_of(request)
    warning = access.get_warning_for(user, number, write=True)
    if not warning.is_editable:
        messages.error(request, _("只有草稿可以修改；待审核的请先退回修改。"))
        return redirect("riskwarnings:desk_detail", number)
    if request.method == "POST":
        form = WarningForm(request.POST)
        if form.is_valid():
            try:
                services.warning_edit(warning=warning, by=user, **_content(form))
            except PermissionDenied as exc:
                return forbidden(request, str(exc))
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("修改已保存。"))
                return redirect("riskwarnings:desk_detail", number)
    else:
        form = WarningForm(
            initial={
                "title": warning.title,
                "scheme": warning.scheme,
                "body": warning.body,
                "audiences": list(warning.audiences.all()),
                "regions": list(warning.regions.all()),
            }
        )
    status = 400 if request.method == "POST" else 200
    return render(request, "riskwarnings/desk_form.html", {"form": form, "warning": warning}, status=status)


WARNING_ACTIONS: Actions[RiskWarning, User] = Actions(
    Action(
        "submit",
        gettext_lazy("提交审核"),
        SubmitForm,
        lambda w, u, d: services.warning_submit(warning=w, by=u),
        gettext_lazy("已提交审核，请另一名同事审核发布。"),
        help=gettext_lazy("提交后不能再修改，除非审核人退回。"),
        shown=lambda w, u: w.status == RiskWarning.Status.DRAFT and access.acts_for(u, w),
    ),
    Action(
        "publish",
        gettext_lazy("审核发布"),
        PublishForm,
        lambda w, u, d: services.warning_publish(warning=w, by=u, note=d["note"]),
        gettext_lazy("风险提示已发布，公众现在可以查看。"),
        button=gettext_lazy("审核通过并发布"),
        confirm=gettext_lazy("发布后公众即可在网站、订阅源和接口中看到这条提示。"),
        shown=lambda w, u: w.status == RiskWarning.Status.IN_REVIEW and access.may_review(u, w),
    ),
    Action(
        "return",
        gettext_lazy("退回修改"),
        ReturnForm,
        lambda w, u, d: services.warning_return(warning=w, by=u, note=d["note"]),
        gettext_lazy("已退回起草人修改。"),
        button=gettext_lazy("退回"),
        shown=lambda w, u: w.status == RiskWarning.Status.IN_REVIEW and access.may_review(u, w),
    ),
    Action(
        "withdraw",
        gettext_lazy("撤回风险提示"),
        WithdrawForm,
        lambda w, u, d: services.warning_withdraw(warning=w, by=u, reason=d["reason"]),
        gettext_lazy("风险提示已撤回，不再出现在公开列表中。"),
        button=gettext_lazy("撤回"),
        danger=True,
        shown=lambda w, u: w.status == RiskWarning.Status.PUBLISHED and access.acts_for(u, w),
    ),
)


def _actions(request: HttpRequest, warning: RiskWarning, bound: dict[str, Any] | None = None) -> list[Offer]:
    user = user_of(request)
    return offers(
        WARNING_ACTIONS.offered(warning, user),
        bound=bound or {},
        blank=lambda action: action.form(prefix=action.name) if action.form else None,
        url=lambda action: reverse("riskwarnings:desk_action", args=[warning.number, action.name]),
    )


def _desk_page(
    request: HttpRequest, warning: RiskWarning, bound: dict[str, Any] | None = None, status: int = 200
) -> Any:
    user = user_of(request)
    evidence = [
        {
            "row": e,
            "kind": KINDS[e.kind].name if e.kind in KINDS else e.kind,
            "url": KINDS[e.kind].url(e.key) if e.kind in KINDS else "",
        }
        for e in warning.evidence.all()
    ]
    context = {
        "warning": warning,
        "evidence": evidence,
        "events": warning.events.select_related("actor"),
        "actions": _actions(request, warning, bound),
        "may_edit": warning.is_editable and access.acts_for(user, warning),
        "own_draft_in_review": warning.status == RiskWarning.Status.IN_REVIEW and user.pk == warning.created_by_id,
    }
    return render(request, "riskwarnings/desk_detail.html", context, status=status)


@_desk
@require_GET
def desk_detail(request: HttpRequest, number: str) -> HttpResponse:
    return _desk_page(request, access.get_warning_for(user_of(request), number))


@_desk
@require_POST
def desk_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    user = user_of(request)
    warning = access.get_warning_for(user, number)
    spec = WARNING_ACTIONS[action]

    def again(form: BaseForm | None) -> HttpResponse:
        warning.refresh_from_db()
        return _desk_page(request, warning, {action: form}, status=400)

    form = spec.form(request.POST, prefix=action) if spec.form else None
    done = reverse("riskwarnings:desk_detail", args=[warning.number])
    return perform(request, warning, spec, by=user, form=form, again=again, then=done)
