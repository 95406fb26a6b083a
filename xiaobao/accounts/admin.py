from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from xiaobao.accounts.models import SecurityPolicy, User

_ROLE_FIELDS = ("role", "display_name", "institution", "authority")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("角色与所属单位"), {"fields": _ROLE_FIELDS}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("角色与所属单位"), {"classes": ("wide",), "fields": _ROLE_FIELDS}),
    )
    list_display = ("username", "display_name", "role", "institution", "authority", "is_active", "is_staff")
    list_filter = ("role", "is_active", "is_staff", "is_superuser")
    search_fields = ("username", "display_name", "email", "first_name", "last_name")
    autocomplete_fields = ("institution", "authority")
    list_select_related = ("institution", "authority")


@admin.register(SecurityPolicy)
class SecurityPolicyAdmin(SimpleHistoryAdmin):
    list_display = (
        "valid_from",
        "failures_before_lockout",
        "lockout_minutes",
        "staff_idle_minutes",
        "token_lifetime_days",
        "audit_retention_days",
        "anonymous_reads_per_minute",
        "anonymous_exports_per_hour",
    )
