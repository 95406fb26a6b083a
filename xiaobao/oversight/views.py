"""The province's oversight pages: overdue items escalated to the province, and transfers by reason."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from xiaobao.accounts.access import user_of
from xiaobao.audit import trail
from xiaobao.complaints.access import complaints_for
from xiaobao.core.pages import forbidden
from xiaobao.lib import export
from xiaobao.oversight import access, selectors
from xiaobao.oversight.forms import PeriodForm
from xiaobao.registry.models import EscalationRule

PAGE_SIZE = 25


def _overdue_columns() -> list[export.Column]:
    Column = export.Column
    return [
        Column(_("编号"), lambda i: i.number, 24),
        Column(_("时限类别"), lambda i: i.kind_label, 24),
        Column(_("办理部门"), lambda i: i.authority, 36),
        Column(_("金融机构"), lambda i: i.institution, 36),
        Column(_("原定期限"), lambda i: i.due_date, kind=export.DATE),
        Column(_("升级至"), lambda i: i.escalated_to, 36),
        Column(_("升级办理期限"), lambda i: i.escalation_due, kind=export.DATE),
    ]


@login_required
@never_cache
def overdue(request: HttpRequest) -> HttpResponseBase:
    user = user_of(request)
    if not access.is_province_officer(user):
        return forbidden(request, _("逾期督导看板仅供省级监管部门和系统管理员使用。"))
    ids = access.authority_ids_for(user)
    authority = access.get_authority_for(user, request.GET["authority"]) if request.GET.get("authority") else None
    kind = request.GET.get("kind", "")
    if kind and kind not in EscalationRule.ClockKind.values:
        kind = ""
    items = selectors.overdue_items(authority_ids=ids, authority_id=authority.pk if authority else None, kind=kind)
    if request.GET.get("format") == "xlsx":
        filename = f"overdue-{timezone.localdate():%Y%m%d}"
        trail.record_export(request, filename=f"{filename}.xlsx")
        return export.xlsx_response(rows=items, columns=_overdue_columns(), filename=filename, title=_("逾期事项"))
    context = {
        "counts": selectors.overdue_counts(authority_ids=ids),
        "page": Paginator(items, PAGE_SIZE).get_page(request.GET.get("page")),
        "authority": authority,
        "kind": kind,
        "kind_label": dict(EscalationRule.ClockKind.choices).get(kind, ""),
    }
    return render(request, "oversight/overdue.html", context)


def _transfer_columns() -> list[export.Column]:
    Column = export.Column
    return [
        Column(_("投诉编号"), lambda r: r.number, 24),
        Column(_("转办时间"), lambda r: r.at, 18, export.DATETIME),
        Column(_("转办理由"), lambda r: r.reason, 40),
        Column(_("原分工"), lambda r: r.from_line, 40),
        Column(_("应适用的分工"), lambda r: r.to_line, 40),
        Column(_("转至"), lambda r: r.to_authority, 36),
    ]


@login_required
@never_cache
def transfers(request: HttpRequest) -> HttpResponseBase:
    user = user_of(request)
    if not access.is_province_officer(user):
        return forbidden(request, _("转办原因统计仅供省级监管部门和系统管理员使用。"))
    form = PeriodForm(request.GET or None)
    start, end = form.period()
    rows = selectors.transfers(complaints=complaints_for(user), start=start, end=end)
    reason, lines = request.GET.get("reason", ""), request.GET.get("lines", "")
    chosen = selectors.transfers_in_group(rows, reason=reason, lines=lines)
    if request.GET.get("format") == "xlsx":
        filename = f"transfers-{start:%Y%m%d}-{end:%Y%m%d}"
        trail.record_export(request, filename=f"{filename}.xlsx")
        return export.xlsx_response(rows=chosen, columns=_transfer_columns(), filename=filename, title=_("转办清单"))
    context = {
        "form": form,
        "start": start,
        "end": end,
        "total": len(rows),
        "reasons": selectors.by_reason(rows),
        "lines": selectors.by_line(rows),
        "reason": reason,
        "line_pair": lines,
        "page": Paginator(chosen, PAGE_SIZE).get_page(request.GET.get("page")),
    }
    return render(request, "oversight/transfers.html", context)
