"""The disclosure rules are edited here, with history; the projection itself is only read here."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from xiaobao.disclosure.models import DisclosureSettings, PublicBuild


@admin.register(DisclosureSettings)
class DisclosureSettingsAdmin(SimpleHistoryAdmin):
    list_display = [
        "valid_from",
        "small_count_below",
        "institution_min_complaints",
        "county_min_complaints",
        "page_size_max",
        "export_max_rows",
        "anonymous_export_max_rows",
    ]


@admin.register(PublicBuild)
class PublicBuildAdmin(admin.ModelAdmin):
    list_display = ["started_at", "finished_at", "full", "complaints", "written", "unchanged", "removed"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
