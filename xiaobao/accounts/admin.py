from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from xiaobao.accounts.lockout import account_unlock, locked_usernames
from xiaobao.accounts.models import SecurityPolicy, User

_ROLE_FIELDS = ("role", "display_name", "institution", "authority", "manages_staff")
_PHONE_FIELDS = ("phone", "phone_verified_at", "sms_notices")


class LockedFilter(admin.SimpleListFilter):
    """The accounts locked now, after repeated failed sign-ins: the ones a clerk will call about."""

    title = _("账户锁定")
    parameter_name = "locked"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("锁定中"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(username__in=locked_usernames())
        return queryset


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("角色与所属单位"), {"fields": _ROLE_FIELDS}),
        (_("手机与通知"), {"fields": _PHONE_FIELDS}),
    )
    readonly_fields = ("phone", "phone_verified_at")
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("角色与所属单位"), {"classes": ("wide",), "fields": _ROLE_FIELDS}),
    )
    list_display = ("username", "display_name", "role", "institution", "authority", "is_active", "is_staff")
    list_filter = (LockedFilter, "role", "is_active", "manages_staff", "is_staff", "is_superuser")
    search_fields = ("username", "display_name", "email", "first_name", "last_name")
    autocomplete_fields = ("institution", "authority")
    list_select_related = ("institution", "authority")
    actions = ["unlock"]

    @admin.action(description=_("解锁所选账户（登录失败次数过多而锁定的）"), permissions=["change"])
    def unlock(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        unlocked = account_unlock(users=list(queryset), by=request.user)  # type: ignore[arg-type]
        if not unlocked:
            self.message_user(request, _("所选账户都没有被锁定。"), messages.INFO)
            return
        names = "、".join(user.username for user in unlocked)
        self.message_user(
            request,
            _("已解锁 %(count)d 个账户：%(names)s。现在可以重新登录。") % {"count": len(unlocked), "names": names},
            messages.SUCCESS,
        )


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
