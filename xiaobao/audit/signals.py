"""Sign-ins, sign-outs, permission changes and admin changes, wherever they happen, go to the trail."""

from typing import Any

from axes.signals import user_locked_out
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.translation import gettext as _
from simple_history.models import HistoricalRecords

from xiaobao.accounts.lockout import accounts_unlocked
from xiaobao.accounts.models import User
from xiaobao.audit import trail
from xiaobao.core.language import on_the_record

# What decides what a user may see and do: their role and organisation, and Django's own flags.
PERMISSION_FIELDS = ("role", "institution_id", "authority_id", "is_staff", "is_superuser", "is_active", "manages_staff")


def _current_request() -> HttpRequest | None:
    """The request being served, if any: the history middleware keeps it for the changes it saves."""
    return getattr(HistoricalRecords.context, "request", None)


def _actor() -> tuple[Any, HttpRequest | None]:
    request = _current_request()
    user = getattr(request, "user", None) if request is not None else None
    return user, request


@receiver(user_logged_in)
def signed_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    trail.record(trail.Kind.SIGN_IN, user=user, request=request)


@receiver(user_login_failed)
def sign_in_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any) -> None:
    # Only the name that was tried: the credentials also hold the password, which never leaves here.
    tried = str(credentials.get(User.USERNAME_FIELD) or credentials.get("username") or "")
    known = User.objects.filter(**{User.USERNAME_FIELD: tried}).first() if tried else None
    trail.record(
        trail.Kind.SIGN_IN_FAILED,
        user=None,
        request=request,
        username=tried,
        object_type="accounts.user" if known else "",
        object_id=tried if known else "",
    )


@receiver(user_logged_out)
def signed_out(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        trail.record(trail.Kind.SIGN_OUT, user=user, request=request)


@receiver(user_locked_out)
@on_the_record
def locked_out(sender: Any, request: Any, username: str | None, **kwargs: Any) -> None:
    """The failure that locks an account: the auditor sees guessing at an account, not only single failures."""
    known = User.objects.filter(**{User.USERNAME_FIELD: username}).first() if username else None
    trail.record(
        trail.Kind.PERMISSION,
        user=None,
        request=request if isinstance(request, HttpRequest) else getattr(request, "_request", None),
        username=username or "",
        object_type="accounts.user" if known else "",
        object_id=username if known and username else "",
        field="lockout",
        detail=_("连续登录失败，账户已锁定"),
    )


@receiver(accounts_unlocked)
@on_the_record
def unlocked(sender: Any, users: list[User], by: User, **kwargs: Any) -> None:
    _actor_user, request = _actor()
    for user in users:
        trail.record(
            trail.Kind.PERMISSION, user=by, request=request, obj=user, field="lockout", detail=_("管理员解锁账户")
        )


@receiver(pre_save, sender=User)
def _remember_permissions(sender: Any, instance: User, update_fields: Any = None, **kwargs: Any) -> None:
    # A save of other columns only (last_login at each sign-in) cannot change a permission: no query.
    watched = update_fields is None or any(
        f"{f.removesuffix('_id')}_id" in PERMISSION_FIELDS or f in PERMISSION_FIELDS for f in update_fields
    )
    if instance.pk is not None and watched:
        before = User.objects.filter(pk=instance.pk).values(*PERMISSION_FIELDS).first()
        instance._audit_before = before  # type: ignore[attr-defined]


def _shown(value: Any) -> str:
    return "" if value is None else str(value)


@receiver(post_save, sender=User)
def permissions_saved(sender: Any, instance: User, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    before = getattr(instance, "_audit_before", None)
    instance._audit_before = None  # type: ignore[attr-defined]
    if created:
        # A plain consumer account grants nothing beyond one's own complaints.
        before = {"role": User.Role.CONSUMER, "institution_id": None, "authority_id": None}
        before |= {"is_staff": False, "is_superuser": False, "is_active": instance.is_active, "manages_staff": False}
    if before is None:
        return
    changed = [f for f in PERMISSION_FIELDS if before[f] != getattr(instance, f)]
    if not changed:
        return
    actor, request = _actor()
    trail.record(
        trail.Kind.PERMISSION,
        user=actor,
        request=request,
        obj=instance,
        field=",".join(f.removesuffix("_id") for f in changed),
        detail="; ".join(
            f"{f.removesuffix('_id')}: {_shown(before[f])} → {_shown(getattr(instance, f))}" for f in changed
        ),
    )


def _memberships_changed(field: str) -> Any:
    def handler(sender: Any, instance: Any, action: str, reverse: bool, model: Any, pk_set: Any, **kwargs: Any) -> None:
        if action not in ("post_add", "post_remove", "post_clear"):
            return
        verb = {"post_add": "+", "post_remove": "-", "post_clear": "-*"}[action]
        if reverse:  # a group or permission changed from its own side: each user touched is recorded
            users: Any = User.objects.filter(pk__in=pk_set or ()) if action != "post_clear" else User.objects.none()
            names = [str(instance)]
        else:
            users = [instance]
            names = [str(o) for o in model.objects.filter(pk__in=pk_set or ())]
        if not names and action != "post_clear":
            return
        actor, request = _actor()
        for user in users:
            trail.record(
                trail.Kind.PERMISSION,
                user=actor,
                request=request,
                obj=user,
                field=field,
                detail=f"{verb} {', '.join(names)}".strip(),
            )

    return handler


_groups_changed = _memberships_changed("groups")
_user_permissions_changed = _memberships_changed("user_permissions")
m2m_changed.connect(_groups_changed, sender=User.groups.through, weak=False)
m2m_changed.connect(_user_permissions_changed, sender=User.user_permissions.through, weak=False)


@receiver(post_save, sender=LogEntry)
@on_the_record
def admin_changed(sender: Any, instance: LogEntry, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if not created or raw:
        return
    _actor_user, request = _actor()
    content = instance.content_type
    action = {ADDITION: _("添加"), CHANGE: _("修改"), DELETION: _("删除")}.get(instance.action_flag, "")
    trail.record(
        trail.Kind.ADMIN_CHANGE,
        user=instance.user,
        request=request,
        object_type=f"{content.app_label}.{content.model}" if content else "",
        object_id=str(instance.object_id or ""),
        field=instance.object_repr[:200],
        detail=f"{action} {instance.get_change_message()}".strip(),
    )
