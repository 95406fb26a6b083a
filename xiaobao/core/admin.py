"""Admin pieces every app shares."""

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from xiaobao.core.models import SmsMessage, SmsTemplate


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the services: listed and opened, never added, changed or deleted here."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(SmsTemplate)
class SmsTemplateAdmin(SimpleHistoryAdmin):
    """The texts as each provider approved them: template codes and signatures are edited here, with history."""

    list_display = ("purpose", "provider", "template_code", "sign_name", "text")
    list_filter = ("provider", "purpose")


@admin.register(SmsMessage)
class SmsMessageAdmin(ReadOnlyAdmin):
    """Every text sent, with the provider's answer: the delivery record (numbers stay encrypted, codes unkept)."""

    list_display = ("created_at", "purpose", "provider", "status", "provider_reference", "error")
    list_filter = ("status", "purpose", "provider")
    date_hierarchy = "created_at"
    exclude = ("to",)
