"""The rules and measures are edited here, with history; entries are only read (with their history):
every change to an entry goes through the services, with its timeline event and its second check."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from xiaobao.core.admin import ReadOnlyAdmin
from xiaobao.credit.models import CreditEntry, CreditRules, Measure


@admin.register(CreditRules)
class CreditRulesAdmin(SimpleHistoryAdmin):
    list_display = [
        "valid_from",
        "objection_workdays",
        "objection_answer_workdays",
        "repair_min_days",
        "repair_answer_workdays",
        "default_validity_days",
    ]


@admin.register(Measure)
class MeasureAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "list", "kind", "best_grade", "is_active"]
    list_filter = ["list", "kind", "is_active"]
    search_fields = ["code", "name"]


@admin.register(CreditEntry)
class CreditEntryAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    list_display = ["number", "list", "subject", "name", "status", "valid_from", "valid_until", "department"]
    list_filter = ["list", "subject", "status"]
    search_fields = ["number", "name", "uscc"]
    # The encrypted person columns are left out: a person's details are read on the audited staff page.
    exclude = ["person_name", "person_id_number"]
