"""Reference data is maintained here by the regulator's administrators; every change keeps history."""

import csv
import re
from collections.abc import Callable, Sequence
from itertools import islice
from pathlib import Path
from typing import IO, Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from xiaobao.lib.tabular import Field, TableError
from xiaobao.registry.importing import (
    PENALTY_FIELDS,
    SIZE_FIELDS,
    penalties_import,
    size_figures_import,
)
from xiaobao.registry.models import (
    Authority,
    CalendarDay,
    Category,
    DeadlineRuleSet,
    EscalationRule,
    Institution,
    InstitutionType,
    Label,
    Penalty,
    Region,
    SizeFigure,
    SupervisionLine,
)

# Rejected rows shown on the result page; the downloadable report has them all.
REJECTED_SHOWN = 200
_REPORT_TOKEN = re.compile(r"[A-Za-z0-9]{24}")


class ImportFileForm(forms.Form):
    file = forms.FileField(label=_("文件（CSV 或 XLSX）"))

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("请上传 CSV 或 XLSX 文件。"))
        return upload


class FileImportAdmin(SimpleHistoryAdmin):
    """An admin with a "从文件导入" page: upload, import, and the rejected rows with their reasons.

    The report of rejected rows is kept under MEDIA_ROOT/imports and served only through this admin.
    """

    change_list_template = "admin/change_list_with_import.html"
    import_form: type[forms.Form] = ImportFileForm
    import_fields: Sequence[Field] = ()
    import_help: Any = ""

    # importer(*, raw, file_name, by, report_out) -> a summary with rows, imported, skipped, rejected
    importer: Callable[..., Any]

    def run_import(self, request: HttpRequest, form: forms.Form, report_out: IO[str], token: str) -> Any:
        upload = form.cleaned_data["file"]
        return self.importer(raw=upload, file_name=upload.name, by=request.user, report_out=report_out)

    def import_permitted(self, request: HttpRequest) -> bool:
        return self.has_add_permission(request)

    def import_context(self, request: HttpRequest) -> dict[str, Any]:
        return {}

    def _name(self, suffix: str) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_{suffix}"

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name=self._name("import")),
            path("import/report/<str:token>/", view(self.import_report_view), name=self._name("import_report")),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        extra = {"import_url": reverse(f"admin:{self._name('import')}")} if self.import_permitted(request) else {}
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.import_permitted(request):
            raise PermissionDenied
        form = self.import_form(request.POST or None, request.FILES or None)
        context = {
            **self.admin_site.each_context(request),
            **self.import_context(request),
            "opts": self.opts,
            "title": _("从文件导入：%(name)s") % {"name": self.opts.verbose_name_plural},
            "changelist_url": f"admin:{self._name('changelist')}",
            "form": form,
            "columns": self.import_fields,
            "help": self.import_help,
        }
        if request.method == "POST" and form.is_valid():
            token = get_random_string(24)
            report_path = Path(settings.MEDIA_ROOT) / "imports" / f"{token}.csv"
            report_path.parent.mkdir(parents=True, exist_ok=True)
            try:
                with report_path.open("w", encoding="utf-8", newline="") as report_out:
                    summary = self.run_import(request, form, report_out, token)
            except TableError as exc:
                report_path.unlink(missing_ok=True)
                form.add_error("file", str(exc))
            else:
                with report_path.open(encoding="utf-8-sig", newline="") as f:
                    rows = csv.reader(f)
                    next(rows, None)
                    context["rejected"] = [(r[0], r[1]) for r in islice(rows, REJECTED_SHOWN)]
                context["summary"] = summary
                context["rejected_more"] = max(summary.rejected - REJECTED_SHOWN, 0)
                if summary.rejected:
                    context["report_url"] = reverse(f"admin:{self._name('import_report')}", args=[token])
                else:
                    report_path.unlink(missing_ok=True)
        return TemplateResponse(request, "admin/file_import.html", context)

    def import_report_view(self, request: HttpRequest, token: str) -> FileResponse:
        if not self.import_permitted(request):
            raise PermissionDenied
        report_path = Path(settings.MEDIA_ROOT) / "imports" / f"{token}.csv"
        if not _REPORT_TOKEN.fullmatch(token) or not report_path.is_file():
            raise Http404
        return FileResponse(report_path.open("rb"), as_attachment=True, filename="rejected-rows.csv")


class PrefectureFilter(admin.SimpleListFilter):
    """By city (市、州) rather than by each of the ~70 regions; GB/T 2260 codes nest by prefix."""

    title = _("所在市（州）")
    parameter_name = "prefecture"
    field_name = "region_id"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [(r.code, r.name) for r in Region.objects.filter(level=Region.Level.PREFECTURE)]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if value := self.value():
            return queryset.filter(**{f"{self.field_name}__startswith": value[:4]})
        return queryset


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]


@admin.register(Authority)
class AuthorityAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "kind", "region", "parent", "hotline", "valid_from", "valid_to"]
    list_filter = ["kind", PrefectureFilter]
    search_fields = ["code", "name"]
    autocomplete_fields = ["region", "parent"]
    list_select_related = ["region", "parent"]


@admin.register(InstitutionType)
class InstitutionTypeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "sector"]
    list_filter = ["sector"]
    search_fields = ["code", "name"]


@admin.register(SupervisionLine)
class SupervisionLineAdmin(SimpleHistoryAdmin):
    list_display = ["institution_type", "covered", "region", "authority", "valid_from", "valid_to", "basis"]
    list_filter = ["institution_type__sector", "institution_type", "authority__kind", PrefectureFilter]
    search_fields = ["code", "institution_type__name", "businesses__name", "region__name", "authority__name", "basis"]
    autocomplete_fields = ["institution_type", "businesses", "region", "authority"]
    list_select_related = ["institution_type", "region", "authority"]
    date_hierarchy = "valid_from"
    fields = [
        "code",
        "institution_type",
        "businesses",
        "region",
        "authority",
        "valid_from",
        "valid_to",
        "basis",
        "note",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[SupervisionLine]:
        return super().get_queryset(request).prefetch_related("businesses")

    @admin.display(description=_("业务类别"))
    def covered(self, line: SupervisionLine) -> str:
        return ", ".join(f"{c.code} {c.name}" for c in line.businesses.all())


@admin.register(Institution)
class InstitutionAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "uscc", "type", "region", "parent", "is_active", "is_demo", "is_imported"]
    list_filter = ["type__sector", "type", PrefectureFilter, "is_active", "is_demo", "is_imported"]
    search_fields = ["name", "short_name", "uscc"]
    autocomplete_fields = ["type", "region", "parent"]
    list_select_related = ["type", "region", "parent"]
    fieldsets = [
        (None, {"fields": ["uscc", "name", "short_name", "type", "region", "parent"]}),
        (_("状态"), {"fields": ["is_active", "is_demo", "is_imported"]}),
    ]


@admin.register(Category)
class CategoryAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "name_en", "dimension", "level", "sectors", "standard_code", "is_active"]
    list_filter = ["dimension", "level", "is_active"]
    search_fields = ["code", "name", "name_en", "standard_code"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]


@admin.register(Label)
class LabelAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "code", "name_en", "sort", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "name_en"]


@admin.register(CalendarDay)
class CalendarDayAdmin(SimpleHistoryAdmin):
    list_display = ["date", "weekday", "is_workday", "name"]
    list_filter = ["is_workday"]
    search_fields = ["name"]
    date_hierarchy = "date"

    @admin.display(description=_("星期"))
    def weekday(self, obj: CalendarDay) -> str:
        return "一二三四五六日"[obj.date.weekday()]


@admin.register(DeadlineRuleSet)
class DeadlineRuleSetAdmin(SimpleHistoryAdmin):
    list_display = ["name", "valid_from", "accept_workdays", "answer_days", "complex_days", "max_days", "warn_percents"]
    search_fields = ["name", "basis"]


@admin.register(EscalationRule)
class EscalationRuleAdmin(SimpleHistoryAdmin):
    list_display = ["clock", "warn_percents", "target", "escalation_workdays", "second_workdays", "is_active"]
    list_filter = ["target", "is_active"]
    search_fields = ["clock", "basis"]


@admin.register(SizeFigure)
class SizeFigureAdmin(FileImportAdmin):
    list_display = ["institution", "year", "personal_customers", "outlets", "deposits", "source"]
    list_filter = ["year", "institution__type__sector"]
    search_fields = ["institution__name", "institution__short_name", "institution__uscc"]
    autocomplete_fields = ["institution"]
    list_select_related = ["institution"]
    import_fields = SIZE_FIELDS
    importer = staticmethod(size_figures_import)
    import_help = _(
        "按机构（统一社会信用代码或全称）与年度匹配：已有的年度数据会被更新并保留历史，重复导入同一文件不会产生变化。"
    )


@admin.register(Penalty)
class PenaltyAdmin(FileImportAdmin):
    list_display = ["decision_number", "institution", "decided_on", "penalty_type", "amount", "authority"]
    list_filter = ["penalty_type", "authority", "decided_on"]
    search_fields = ["decision_number", "institution__name", "basis", "violation"]
    autocomplete_fields = ["institution", "authority"]
    list_select_related = ["institution", "authority"]
    date_hierarchy = "decided_on"
    readonly_fields = ["created_by", "created_at", "updated_at"]
    import_fields = PENALTY_FIELDS
    importer = staticmethod(penalties_import)
    import_help = _(
        "按机构与处罚决定书文号匹配：重复导入同一文件不会产生重复记录，更正后的文件会更新对应记录并保留历史。"
    )

    def save_model(self, request: HttpRequest, obj: Penalty, form: forms.ModelForm, change: bool) -> None:
        if not change:
            assert not isinstance(request.user, AnonymousUser)  # the admin site lets only signed-in staff in
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
