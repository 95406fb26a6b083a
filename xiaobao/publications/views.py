"""Disclosure reports: the public archive and each report (page, PDF, XLSX); drafting and review for the
provincial regulator. Every page and file is drawn from the report's frozen figures."""

import io
from operator import itemgetter
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from xiaobao.accounts.access import user_of
from xiaobao.core.pages import forbidden
from xiaobao.lib import export
from xiaobao.lib.pdf import Table, pdf_document
from xiaobao.publications import access, services
from xiaobao.publications.figures import chart_options
from xiaobao.publications.forms import DraftForm, WithdrawForm
from xiaobao.publications.models import Publication


def _error_text(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


@require_GET
def archive(request: HttpRequest) -> HttpResponse:
    page = Paginator(access.publications_for(request.user), 20).get_page(request.GET.get("page"))
    reviewer = access.may_review(request.user)
    return render(
        request,
        "publications/archive.html",
        {
            "page": page,
            "publications": page.object_list,
            "reviewer": reviewer,
            "draft_form": DraftForm() if reviewer else None,
            "latest": access.publications_for(request.user).filter(status=Publication.Status.PUBLISHED).first(),
        },
    )


def _sections(publication: Publication) -> list[dict[str, Any]]:
    charts = {c["table"]: c for c in chart_options(publication.figures)}
    return [{"table": t, "chart": charts.get(t["key"])} for t in publication.figures.get("tables", [])]


@require_GET
def detail(request: HttpRequest, number: str) -> HttpResponse:
    publication = access.get_publication_for(request.user, number)
    reviewer = access.may_review(request.user)
    return render(
        request,
        "publications/detail.html",
        {
            "publication": publication,
            "summary": publication.figures.get("summary", []),
            "sections": _sections(publication) if publication.status != Publication.Status.WITHDRAWN else [],
            "reviewer": reviewer,
            "withdraw_form": WithdrawForm() if reviewer else None,
            "events": publication.events.select_related("actor") if reviewer else [],
            "has_map": True,
        },
    )


def _downloadable(request: HttpRequest, number: str) -> Publication:
    publication = access.get_publication_for(request.user, number)
    if publication.status == Publication.Status.WITHDRAWN:
        raise Http404
    return publication


def _blocks(publication: Publication) -> list[tuple[str, Any]]:
    figures = publication.figures
    blocks: list[tuple[str, Any]] = [("title", publication.title)]
    if publication.status == Publication.Status.DRAFT:
        blocks.append(("p", _("【草稿，未经审核，不得对外引用】")))
    blocks.append(
        (
            "p",
            _("统计期间：%(start)s 至 %(end)s；数据更新至 %(as_of)s。")
            % {
                "start": publication.period_start,
                "end": publication.period_end,
                "as_of": (figures.get("data_as_of") or "")[:16].replace("T", " "),
            },
        )
    )
    blocks.append(("p", _("说明：少于 10 件的数量显示为“<10”；仅列出期间投诉量达到门槛的机构。个人信息已去除。")))
    blocks.append(("h2", _("总体情况")))
    blocks.append(
        ("table", Table([_("指标"), _("数值")], [[s["label"], _cell(s["value"])] for s in figures["summary"]]))
    )
    for table in figures.get("tables", []):
        blocks.append(("h2", table["title"]))
        if table["rows"]:
            blocks.append(("table", Table(table["columns"], [[_cell(v) for v in row] for row in table["rows"]])))
        else:
            blocks.append(("p", _("本期无数据。")))
    return blocks


def _cell(value: Any) -> str:
    return "—" if value is None else str(value)


@require_GET
def download_pdf(request: HttpRequest, number: str) -> FileResponse:
    publication = _downloadable(request, number)
    content = pdf_document(_blocks(publication), title=publication.title)
    return FileResponse(
        io.BytesIO(content), as_attachment=True, filename=f"{publication.number}.pdf", content_type="application/pdf"
    )


@require_GET
def download_xlsx(request: HttpRequest, number: str) -> FileResponse:
    publication = _downloadable(request, number)
    figures = publication.figures
    sheets = [
        export.Sheet(
            title=_("总体情况"),
            columns=[
                export.Column(_("指标"), lambda r: r["label"], width=28),
                export.Column(_("数值"), lambda r: r["value"], kind=export.NUMBER),
            ],
            rows=figures["summary"],
        )
    ]
    for table in figures.get("tables", []):
        columns = [
            export.Column(heading, itemgetter(i), width=28 if i == 1 else 16, kind=export.NUMBER)
            for i, heading in enumerate(table["columns"])
        ]
        sheets.append(export.Sheet(title=table["title"], columns=columns, rows=table["rows"]))
    file = io.BytesIO()
    export.write_xlsx_sheets(file, sheets)
    file.seek(0)
    return FileResponse(
        file, as_attachment=True, filename=f"{publication.number}.xlsx", content_type=export.XLSX_CONTENT_TYPE
    )


@login_required
@require_POST
def draft(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if not access.may_review(user):
        return forbidden(request, _("只有省级监管部门的工作人员可以生成披露报告。"))
    form = DraftForm(request.POST)
    if form.is_valid():
        try:
            publication = services.publication_draft(
                year=form.cleaned_data["year"], quarter=form.cleaned_data["quarter"], by=user
            )
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("已生成报告草稿，请核对后发布。"))
            return redirect("publications:detail", publication.number)
    else:
        messages.error(request, _("请填写正确的年份和期间。"))
    return redirect("publications:archive")


@login_required
@require_POST
def publish(request: HttpRequest, number: str) -> HttpResponse:
    user = user_of(request)
    publication = access.get_publication_for(user, number)
    try:
        services.publication_publish(publication=publication, by=user, note=request.POST.get("note", ""))
    except PermissionDenied as exc:
        return forbidden(request, str(exc))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("报告已发布，公众现在可以查看。"))
    return redirect("publications:detail", number)


@login_required
@require_POST
def redraft(request: HttpRequest, number: str) -> HttpResponse:
    user = user_of(request)
    publication = access.get_publication_for(user, number)
    year = publication.period_start.year
    quarter = None if publication.kind == Publication.Kind.YEAR else (publication.period_start.month - 1) // 3 + 1
    try:
        services.publication_draft(year=year, quarter=quarter, by=user)
    except PermissionDenied as exc:
        return forbidden(request, str(exc))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("已按最新数据重新生成草稿。"))
    return redirect("publications:detail", number)


@login_required
@require_POST
def withdraw(request: HttpRequest, number: str) -> HttpResponse:
    user = user_of(request)
    publication = access.get_publication_for(user, number)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请说明撤回原因，公众会看到这一说明。"))
        return redirect("publications:detail", number)
    try:
        services.publication_withdraw(publication=publication, by=user, reason=form.cleaned_data["reason"])
    except PermissionDenied as exc:
        return forbidden(request, str(exc))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("报告已撤回。"))
    return redirect("publications:detail", number)
