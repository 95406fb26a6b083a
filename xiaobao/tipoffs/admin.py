"""The rules of triage are edited here, with history; reports and clues are only read here.

Every change to a report or clue goes through the services (events, locks, the reporter's view), so
the admin offers none. The reporter's contact details and the receipt hash are never shown here:
the only way to see contact details is the officers' page, where each read is recorded.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from xiaobao.core.admin import ReadOnlyAdmin
from xiaobao.tipoffs.models import (
    BenchmarkRate,
    Clue,
    ContactRead,
    Evidence,
    Report,
    ReportEvent,
    ReportMessage,
    Reward,
    RewardTier,
    RiskKeyword,
    TriageSettings,
)

# ---------------------------------------------------------------------------------------------
# Rules


@admin.register(RiskKeyword)
class RiskKeywordAdmin(SimpleHistoryAdmin):
    list_display = ["word", "weight", "is_active"]
    list_editable = ["weight", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["word"]


@admin.register(BenchmarkRate)
class BenchmarkRateAdmin(SimpleHistoryAdmin):
    list_display = ["valid_from", "name", "rate"]
    search_fields = ["name"]
    date_hierarchy = "valid_from"


@admin.register(TriageSettings)
class TriageSettingsAdmin(SimpleHistoryAdmin):
    list_display = [
        "valid_from",
        "keyword_cap",
        "name_word_weight",
        "yield_multiple",
        "yield_weight",
        "prosecution_amount",
        "prosecution_people",
        "scale_weight",
        "triage_workdays",
        "ask_reporter_workdays",
        "reports_per_hour",
    ]


@admin.register(RewardTier)
class RewardTierAdmin(SimpleHistoryAdmin):
    list_display = ["name", "min_amount", "max_amount", "condition", "sort"]
    list_editable = ["sort"]


# ---------------------------------------------------------------------------------------------
# What the services wrote


@admin.register(Clue)
class ClueAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "authority", "status", "assigned_to", "risk_score", "created_at"]
    list_filter = ["status", "authority"]
    search_fields = ["number", "title"]
    list_select_related = ["authority", "assigned_to"]
    date_hierarchy = "created_at"


REPORT_HIDDEN = ("receipt_hash", "contact_name", "contact_phone", "contact_email", "reporter")


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "received_at",
        "status",
        "subject_kind",
        "subject_name",
        "authority",
        "notified_authority",
        "clue",
        "risk_score",
        "anonymous",
    ]
    list_filter = ["status", "subject_kind", "anonymous", "authority"]
    search_fields = ["number", "subject_name", "subject_uscc"]
    list_select_related = ["authority", "notified_authority", "clue"]
    date_hierarchy = "received_at"
    exclude = REPORT_HIDDEN

    def get_queryset(self, request: HttpRequest) -> Any:
        # Deferred, so not even a list page decrypts a contact column.
        return super().get_queryset(request).defer(*REPORT_HIDDEN[1:4])


@admin.register(ReportEvent)
class ReportEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "report", "clue", "actor", "visible_to_reporter", "due_date"]
    list_filter = ["kind", "visible_to_reporter"]
    search_fields = ["report__number", "clue__number"]
    list_select_related = ["report", "clue", "actor"]


@admin.register(ReportMessage)
class ReportMessageAdmin(ReadOnlyAdmin):
    list_display = ["at", "report", "party", "author"]
    list_filter = ["party"]
    search_fields = ["report__number"]
    list_select_related = ["report", "author"]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["uploaded_at", "report", "name", "content_type", "size"]
    list_filter = ["content_type"]
    search_fields = ["report__number"]
    list_select_related = ["report"]
    # The file itself is opened only through the access-checked download on the officers' page.
    exclude = ["file"]


@admin.register(Reward)
class RewardAdmin(ReadOnlyAdmin):
    list_display = ["decided_at", "report", "granted", "tier", "amount", "decided_by"]
    list_filter = ["granted", "tier"]
    search_fields = ["report__number"]
    list_select_related = ["report", "tier", "decided_by"]


@admin.register(ContactRead)
class ContactReadAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "report", "fields", "purpose"]
    search_fields = ["report__number", "user__username"]
    list_select_related = ["user", "report"]
    date_hierarchy = "at"
