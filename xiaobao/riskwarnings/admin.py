from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from xiaobao.core.admin import ReadOnlyAdmin
from xiaobao.riskwarnings.models import Audience, Evidence, RiskWarning, WarningEvent


@admin.register(Audience)
class AudienceAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "order", "is_active"]
    list_editable = ["order", "is_active"]


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "key", "label", "linked_by", "linked_at"]

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class WarningEventInline(admin.TabularInline):
    model = WarningEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "actor", "at", "note"]

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(RiskWarning)
class RiskWarningAdmin(ReadOnlyAdmin):
    # Drafting, review and withdrawal go through the warnings desk, which keeps the record; here it is read-only.
    list_display = ["number", "title", "status", "authority", "published_at"]
    list_filter = ["status", "audiences"]
    search_fields = ["number", "title"]
    inlines = [EvidenceInline, WarningEventInline]
