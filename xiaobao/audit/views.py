from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from xiaobao.accounts.access import signed_in, user_of
from xiaobao.audit import access, trail
from xiaobao.audit.forms import TrailFilterForm
from xiaobao.audit.models import Record
from xiaobao.audit.selectors import trail_filtered
from xiaobao.lib import export

PAGE_SIZE = 50


def _filtered_trail(request: HttpRequest) -> tuple[TrailFilterForm, dict[str, Any], QuerySet[Record]]:
    rows = access.get_trail_for(signed_in(request))
    form = TrailFilterForm(request.GET or None)
    filters = form.filters()
    return form, filters, trail_filtered(rows, filters)


@require_GET
def trail_list(request: HttpRequest) -> HttpResponse:
    form, filters, rows = _filtered_trail(request)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "filtered": bool(filters),
        "page": page,
        "records": list(page.object_list),
        "export_max": export.EXPORT_MAX_ROWS,
    }
    return render(request, "audit/trail.html", context)


def _columns() -> list[export.Column]:
    return [
        export.Column(_("序号"), lambda r: r.pk, 10, export.INTEGER),
        export.Column(_("时间"), lambda r: r.at, 18, export.DATETIME),
        export.Column(_("用户名"), lambda r: r.username, 18),
        export.Column(_("来源地址"), lambda r: r.address or "", 16),
        export.Column(_("类型"), lambda r: r.get_kind_display(), 12),
        export.Column(_("对象类型"), lambda r: r.object_label, 12),
        export.Column(_("对象编号"), lambda r: r.object_id, 22),
        export.Column(_("字段或文件"), lambda r: r.field, 24),
        export.Column(_("说明"), lambda r: r.detail, 40),
        export.Column(_("本条记录的哈希"), lambda r: r.hash, 66),
    ]


@require_GET
def trail_export(request: HttpRequest) -> HttpResponseBase:
    _form, _filters, rows = _filtered_trail(request)
    total = rows.count()
    if total > export.EXPORT_MAX_ROWS:
        messages.error(
            request,
            _("共有 %(total)s 条记录，超过单次导出上限 %(max)s 条。请缩小日期范围或增加筛选条件后再导出。")
            % {"total": total, "max": export.EXPORT_MAX_ROWS},
        )
        return redirect(f"{reverse('audit:trail')}?{request.GET.urlencode()}")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"audit-{stamp}"
    # The export is itself on the trail, before the rows are read, so it is in the file it writes.
    trail.record_export(request, filename=f"{filename}.xlsx")
    return export.export_response(
        rows=rows.iterator(chunk_size=2000),
        columns=_columns(),
        fmt="xlsx",
        filename=filename,
        title=_("审计记录"),
    )


@login_required
@require_GET
def sign_in_history(request: HttpRequest) -> HttpResponse:
    rows = access.sign_ins_of(user_of(request))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/sign_in_history.html",
        {"page": page, "records": list(page.object_list), "failed": Record.Kind.SIGN_IN_FAILED},
    )
