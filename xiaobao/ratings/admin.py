"""Schemes are edited here, with history, until a period uses them; then a version is frozen and new
weights are saved as a new version (the scheme page's 修订权重, services.scheme_revise), so a grade
already computed never changes under it. Periods, evaluations and surveys are only read here: their
changes go through the services, which keep the audit trail."""

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from xiaobao.core.admin import ReadOnlyAdmin
from xiaobao.ratings.models import Dimension, Evaluation, GradeBand, Indicator, Period, Questionnaire, Scheme


def _frozen(obj: Model | None) -> bool:
    scheme = getattr(obj, "scheme", None) or getattr(getattr(obj, "dimension", None), "scheme", None) or obj
    return isinstance(scheme, Scheme) and scheme.is_in_use()


class FrozenWhenInUse:
    """A scheme version some period uses is shown read-only."""

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return not _frozen(obj) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return not _frozen(obj) and super().has_delete_permission(request, obj)  # type: ignore[misc]


class DimensionInline(FrozenWhenInUse, admin.TabularInline):
    model = Dimension
    extra = 0
    fields = ["order", "code", "name", "weight"]


class BandInline(FrozenWhenInUse, admin.TabularInline):
    model = GradeBand
    extra = 0
    fields = ["grade", "min_score", "needs_rectification"]


@admin.register(Scheme)
class SchemeAdmin(FrozenWhenInUse, SimpleHistoryAdmin):
    list_display = ["name", "version", "is_current", "missing_data", "deduction_cap", "created_at"]
    list_filter = ["code", "is_current"]
    inlines = [DimensionInline, BandInline]
    readonly_fields = ["created_by", "created_at"]
    fieldsets = [
        (None, {"fields": ["code", "version", "name", "basis", "description", "is_current"]}),
        (
            _("计分规则"),
            {
                "fields": ["missing_data", "deduction_cap", "rectification_days"],
                "description": _(
                    "维度权重与评级区间为建议默认值（吉林省未公布），由监管部门确定。已被评估期使用的版本不能修改，"
                    "请在评估方案页面“修订权重”生成新版本。"
                ),
            },
        ),
        (None, {"fields": ["created_by", "created_at"]}),
    ]


@admin.register(Indicator)
class IndicatorAdmin(FrozenWhenInUse, SimpleHistoryAdmin):
    list_display = ["name", "dimension", "kind", "metric", "weight", "best", "worst"]
    list_filter = ["dimension__scheme", "kind"]
    search_fields = ["name", "code"]


@admin.register(Period)
class PeriodAdmin(ReadOnlyAdmin):
    list_display = ["name", "scheme", "authority", "status", "visibility", "published_at"]
    list_filter = ["status", "visibility"]


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ["institution", "period", "total", "grade", "published_at"]
    list_filter = ["period"]
    search_fields = ["institution__name"]
    exclude = ["breakdown"]


@admin.register(Questionnaire)
class QuestionnaireAdmin(ReadOnlyAdmin):
    list_display = ["title", "run_by", "status", "created_at"]
    list_filter = ["status"]
