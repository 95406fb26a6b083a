"""Reference data is maintained here by the regulator's administrators; every change keeps history."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from xiaobao.registry.models import (
    Authority,
    CalendarDay,
    Category,
    DeadlineRuleSet,
    Institution,
    InstitutionType,
    Label,
    Region,
    SupervisionLine,
)


class PrefectureFilter(admin.SimpleListFilter):
    """By city (市、州) rather than by each of the ~70 regions; GB/T 2260 codes nest by prefix."""

    title = _("所在市（州）")
    parameter_name = "prefecture"
    field_name = "region_id"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [(r.code, r.name) for r in Region.objects.filter(level=Region.Level.PREFECTURE)]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value():
            return queryset.filter(**{f"{self.field_name}__startswith": self.value()[:4]})
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
    list_display = ["institution_type", "region", "authority", "valid_from", "valid_to", "basis"]
    list_filter = ["institution_type__sector", "institution_type", "authority__kind", PrefectureFilter]
    search_fields = ["institution_type__name", "region__name", "authority__name", "basis"]
    autocomplete_fields = ["institution_type", "region", "authority"]
    list_select_related = ["institution_type", "region", "authority"]
    date_hierarchy = "valid_from"


@admin.register(Institution)
class InstitutionAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "uscc", "type", "region", "parent", "is_active", "is_demo"]
    list_filter = ["type__sector", "type", PrefectureFilter, "is_active", "is_demo"]
    search_fields = ["name", "short_name", "uscc"]
    autocomplete_fields = ["type", "region", "parent"]
    list_select_related = ["type", "region", "parent"]
    fieldsets = [
        (None, {"fields": ["uscc", "name", "short_name", "type", "region", "parent"]}),
        (_("统计口径"), {"fields": ["personal_customers", "outlets"]}),
        (_("状态"), {"fields": ["is_active", "is_demo"]}),
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
