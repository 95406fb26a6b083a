"""The rules of early warning are edited here, with history; alerts, scores and scans are only read here.

Alerts change only through the workflow services (events, access, notifications).
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from xiaobao.core.admin import ReadOnlyAdmin
from xiaobao.warning.models import (
    Alert,
    AlertEvent,
    RiskIndexSettings,
    RiskScore,
    ScanRun,
    WarningSettings,
    WatchEntity,
)


@admin.register(WarningSettings)
class WarningSettingsAdmin(SimpleHistoryAdmin):
    list_display = [
        "valid_from",
        "day_window",
        "week_window",
        "month_window",
        "min_volume_day",
        "min_volume_week",
        "min_volume_month",
        "min_ratio",
        "p_yellow",
        "p_orange",
        "p_red",
    ]


@admin.register(RiskIndexSettings)
class RiskIndexSettingsAdmin(SimpleHistoryAdmin):
    list_display = [
        "valid_from",
        "weight_compliance",
        "weight_yield",
        "weight_reports",
        "weight_spread",
        "weight_keywords",
        "red_from",
        "orange_from",
        "yellow_from",
    ]


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ["number", "level", "kind", "dimension", "granularity", "key", "period_start", "status", "authority"]
    list_filter = ["level", "kind", "dimension", "status", "authority"]
    search_fields = ["number", "key"]
    list_select_related = ["authority"]
    date_hierarchy = "created_at"


@admin.register(AlertEvent)
class AlertEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "alert", "kind", "actor"]
    list_filter = ["kind"]
    search_fields = ["alert__number"]
    list_select_related = ["alert", "actor"]


@admin.register(WatchEntity)
class WatchEntityAdmin(ReadOnlyAdmin):
    list_display = ["name", "uscc", "region", "source", "score", "level", "authority"]
    list_filter = ["source", "level", "authority"]
    search_fields = ["name", "uscc"]
    list_select_related = ["region", "authority"]


@admin.register(RiskScore)
class RiskScoreAdmin(ReadOnlyAdmin):
    list_display = ["at", "entity", "as_of", "score", "level"]
    list_filter = ["level"]
    search_fields = ["entity__name"]
    list_select_related = ["entity"]


@admin.register(ScanRun)
class ScanRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "finished_at", "as_of", "series", "findings", "raised", "entities"]
