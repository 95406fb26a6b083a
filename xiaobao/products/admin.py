"""The rules (matching rules, questionnaires) are edited here with history and their sources; products,
assessments, checks and re-gradings are written by the services and only read here."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from xiaobao.core.admin import ReadOnlyAdmin
from xiaobao.products.models import (
    Assessment,
    Band,
    GradeChange,
    Option,
    Product,
    Question,
    Questionnaire,
    Regrading,
    SuitabilityCheck,
    SuitabilityRules,
)


@admin.register(SuitabilityRules)
class SuitabilityRulesAdmin(SimpleHistoryAdmin):
    list_display = ["valid_from", "elderly_age", "recording_from_grade", "no_exception_businesses"]


class BandInline(admin.TabularInline):
    model = Band
    extra = 0


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    show_change_link = True


@admin.register(Questionnaire)
class QuestionnaireAdmin(SimpleHistoryAdmin):
    list_display = ["version", "title", "validity_months", "is_active"]
    inlines = [QuestionInline, BandInline]


class OptionInline(admin.TabularInline):
    model = Option
    extra = 0


@admin.register(Question)
class QuestionAdmin(SimpleHistoryAdmin):
    list_display = ["text", "questionnaire", "sort"]
    list_filter = ["questionnaire"]
    inlines = [OptionInline]


class HistoryReadOnlyAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    """Read here, with the history of who changed what; changed only through the pages and services."""


@admin.register(Product)
class ProductAdmin(HistoryReadOnlyAdmin):
    list_display = ["code", "name", "institution", "business", "risk_grade", "status"]
    list_filter = ["risk_grade", "status"]
    search_fields = ["code", "name", "registration_code"]


@admin.register(Regrading)
class RegradingAdmin(HistoryReadOnlyAdmin):
    list_display = ["product", "from_grade", "to_grade", "status", "raised_at"]
    list_filter = ["status"]


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ["pk", "channel", "level", "assessed_on", "expires_on", "institution"]
    list_filter = ["channel", "level"]


@admin.register(SuitabilityCheck)
class SuitabilityCheckAdmin(ReadOnlyAdmin):
    list_display = ["check_id", "product", "customer_level", "grade", "allowed", "at"]
    list_filter = ["allowed"]


@admin.register(GradeChange)
class GradeChangeAdmin(ReadOnlyAdmin):
    list_display = ["product", "from_grade", "to_grade", "at"]
