"""Bulk import of historical complaints from the admin, and the mapping it reads, with history.

Complaints themselves are changed only through the services (events, deadlines, access), so the
admin offers none of them; an import run is a record of what happened, read-only once written.
"""

from typing import IO, Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from xiaobao.accounts.access import user_of
from xiaobao.complaints.importing import (
    CFPB,
    CFPB_FIELDS,
    XIAOBAO,
    XIAOBAO_FIELDS,
    complaints_import,
    institution_merge,
    template_workbook,
)
from xiaobao.complaints.models import ImportMapping, ImportRun
from xiaobao.registry.admin import FileImportAdmin, ImportFileForm, InstitutionAdmin
from xiaobao.registry.models import Institution

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@admin.register(ImportMapping)
class ImportMappingAdmin(SimpleHistoryAdmin):
    list_display = ["value", "field", "source", "category_code", "institution", "note"]
    list_filter = ["source", "field"]
    search_fields = ["value", "category_code", "institution__name", "note"]
    autocomplete_fields = ["institution"]
    list_select_related = ["institution"]


class ComplaintImportForm(ImportFileForm):
    profile = forms.ChoiceField(
        label=_("文件格式"),
        choices=[(XIAOBAO, _("平台导入模板")), (CFPB, _("美国 CFPB 公开投诉数据"))],
        initial=XIAOBAO,
    )


@admin.register(ImportRun)
class ImportRunAdmin(FileImportAdmin):
    list_display = ["started_at", "file_name", "profile", "by", "rows", "imported", "updated", "skipped", "rejected"]
    list_filter = ["profile"]
    search_fields = ["file_name"]
    date_hierarchy = "started_at"
    fields = [
        "file_name",
        "profile",
        "by",
        "started_at",
        "finished_at",
        "rows",
        "imported",
        "updated",
        "skipped",
        "rejected",
        "report_link",
        "institutions_created",
        "unmapped",
        "ignored_columns",
    ]
    readonly_fields = fields
    import_form = ComplaintImportForm
    import_fields = XIAOBAO_FIELDS
    import_help = _(
        "导入的投诉进入投诉库，保留原始日期、机构与处理结果，并参与检索、统计与预警；来源中尚未办结的投诉"
        "以“机构办理中”导入，不计时限，不计入及时率。"
        "每行单独校验，有误的行整行不导入并列入报告；按来源编号识别，再次导入时按新数据更新已有记录并记入办理记录，"
        "数据未变的行不作改动；"
        "文件中未登记的机构会被新建并标记为“导入时新建”，请在金融机构中补全或合并。"
        "CFPB 格式按其公开数据的英文表头读取，产品与问题按“导入对照”表映射到本平台分类。"
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a run is recorded by the import page, never typed in

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def import_permitted(self, request: HttpRequest) -> bool:
        return request.user.has_perm("complaints.add_importrun")

    def import_context(self, request: HttpRequest) -> dict[str, Any]:
        return {"template_url": reverse("admin:complaints_importrun_template"), "cfpb_columns": CFPB_FIELDS}

    def get_urls(self) -> list[URLPattern]:
        template = path(
            "template.xlsx", self.admin_site.admin_view(self.template_view), name="complaints_importrun_template"
        )
        return [template, *super().get_urls()]

    def template_view(self, request: HttpRequest) -> HttpResponse:
        response = HttpResponse(template_workbook(), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="xiaobao-complaint-import-template.xlsx"'
        return response

    def run_import(self, request: HttpRequest, form: forms.Form, report_out: IO[str], token: str) -> ImportRun:
        upload = form.cleaned_data["file"]
        run = complaints_import(
            raw=upload,
            file_name=upload.name,
            profile=form.cleaned_data["profile"],
            by=user_of(request),
            report_out=report_out,
        )
        if run.rejected:
            run.report.name = f"imports/{token}.csv"
            run.save(update_fields=["report"])
        return run

    @admin.display(description=_("拒绝行报告"))
    def report_link(self, obj: ImportRun) -> str:
        name = obj.report.name
        if not name:
            return "—"
        token = name.rsplit("/", 1)[-1].removesuffix(".csv")
        url = reverse("admin:complaints_importrun_import_report", args=[token])
        return format_html('<a href="{}">{}</a>', url, _("下载"))


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(
        label=_("合并到已登记的机构"),
        queryset=Institution.objects.filter(is_imported=False, is_active=True).order_by("name"),
    )


# The registry's institution admin, with the one action that needs the complaints: merging an
# institution an import created into the registered one it stands for (its complaints move with it).
admin.site.unregister(Institution)


@admin.register(Institution)
class InstitutionWithMergeAdmin(InstitutionAdmin):
    actions = ["merge_imported"]

    @admin.action(description=_("将导入时新建的机构合并到已登记机构"))
    def merge_imported(self, request: HttpRequest, queryset: QuerySet[Institution]) -> HttpResponse | None:
        if not request.user.has_perm("registry.delete_institution"):
            raise PermissionDenied
        sources = list(queryset.filter(is_imported=True))
        if not sources:
            self.message_user(request, _("请选择导入时新建的机构。"), messages.WARNING)
            return None
        form = MergeForm(request.POST if "into" in request.POST else None)
        if form.is_valid():
            moved = 0
            try:
                for source in sources:
                    moved += institution_merge(source=source, into=form.cleaned_data["into"], by=user_of(request))
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, "；".join(getattr(exc, "messages", [str(exc)])), messages.ERROR)
                return None
            self.message_user(
                request,
                _("已合并 %(n)s 个机构，%(moved)s 件投诉随之更正。") % {"n": len(sources), "moved": moved},
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("合并导入时新建的机构"),
            "form": form,
            "sources": sources,
            "action": "merge_imported",
        }
        return TemplateResponse(request, "admin/institution_merge.html", context)
