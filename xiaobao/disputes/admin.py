"""Mediation bodies, mediators and the dispute clocks are edited here, with history; disputes are only read.

Every change to a dispute goes through the services (timeline events, clocks, notices), so the admin
offers none.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from xiaobao.core.admin import ReadOnlyAdmin
from xiaobao.disputes.models import Dispute, DisputeRules, MediationBody, Mediator


@admin.register(MediationBody)
class MediationBodyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "region", "sectors", "max_amount", "phone", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code", "address"]
    ordering = ["sort", "code"]


@admin.register(Mediator)
class MediatorAdmin(SimpleHistoryAdmin):
    list_display = ["user", "body", "capacity", "is_active"]
    list_filter = ["body", "is_active"]
    search_fields = ["user__username", "user__display_name", "body__name"]
    autocomplete_fields = ["conflicts"]
    raw_id_fields = ["user"]


@admin.register(DisputeRules)
class DisputeRulesAdmin(SimpleHistoryAdmin):
    list_display = [
        "valid_from",
        "answer_workdays",
        "mediation_days",
        "small_claim_limit",
        "small_claim_answer_workdays",
        "small_claim_mediation_days",
    ]


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyAdmin):
    list_display = ["number", "path", "status", "small_claim", "body", "mediator", "created_at"]
    list_filter = ["path", "status", "small_claim", "body"]
    search_fields = ["number"]
    date_hierarchy = "created_at"
