"""Per-account lockout: after the security policy's number of consecutive failed sign-ins for one username,
from whatever addresses, that username is refused until the lock's minutes have passed or an administrator
unlocks it.

django-axes counts the failures (its AccessAttempt rows) and refuses a locked username in its
authentication backend, before the password is checked, so the right password is refused like a wrong one.
It keys on the username alone (settings.AXES_LOCKOUT_PARAMETERS): one person's guesses lock that account,
not the office's address, which has its own limit (xiaobao.core.signin). A username that does not exist is
counted and locked like one that does, so a lock tells nobody whether an account exists.
"""

import logging
from datetime import datetime, timedelta
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from axes.utils import reset
from django.conf import settings
from django.dispatch import Signal, receiver
from django.http import HttpRequest
from django.utils.translation import gettext as _

from xiaobao.accounts.models import User
from xiaobao.accounts.policy import security_policy
from xiaobao.core.signin import REFUSAL, Refusal, minutes
from xiaobao.core.time import now

log = logging.getLogger(__name__)

# Sent with `users` and `by` when an administrator lifts locks, for the audit trail (which accounts cannot
# import: it sits above them).
accounts_unlocked = Signal()


def failure_limit(request: Any = None, credentials: Any = None) -> int:
    """settings.AXES_FAILURE_LIMIT: read from the policy in force, so an administrator's change applies at once."""
    return security_policy().failures_before_lockout


def lockout_time(request: Any = None) -> timedelta:
    """settings.AXES_COOLOFF_TIME: how long a lock lasts, from the policy in force."""
    return timedelta(minutes=security_policy().lockout_minutes)


def client_address(request: Any) -> str | None:
    """settings.AXES_CLIENT_IP_CALLABLE: the address the per-address limit reads (behind a proxy, the one it passes on)."""
    return request.META.get(settings.RATELIMIT_IP_META_KEY or "REMOTE_ADDR") or None


def locked_until(username: str) -> datetime | None:
    """When the username's lock ends, or None when it is not locked.

    A failure counts for the lock's length after it; the lock lasts while the failures still counting
    reach the limit, so it ends when the newest failures alone no longer do.
    """
    cool_off = lockout_time()
    attempts = AccessAttempt.objects.filter(username=username, attempt_time__gte=now() - cool_off)
    counted = 0
    for attempt_time, failures in attempts.order_by("-attempt_time").values_list(
        "attempt_time", "failures_since_start"
    ):
        counted += failures
        if counted >= failure_limit():
            return attempt_time + cool_off
    return None


def locked_usernames() -> set[str]:
    """Every username locked now (the administrator's list filter)."""
    recent = AccessAttempt.objects.filter(attempt_time__gte=now() - lockout_time())
    names = set(recent.exclude(username=None).values_list("username", flat=True))
    return {username for username in names if locked_until(username) is not None}


def account_unlock(*, users: list[User], by: User) -> list[User]:
    """An administrator lifts the lock before its time; returns the accounts that were locked."""
    unlocked = [user for user in users if locked_until(user.username) is not None]
    for user in users:
        reset(username=user.username)
    for user in unlocked:
        log.info("account %s unlocked by %s", user.username, by.username)
    if unlocked:
        accounts_unlocked.send(sender=User, users=unlocked, by=by)
    return unlocked


class LockoutBackend(AxesStandaloneBackend):
    """Axes' check, for sign-ins that come through a request (pages, admin, API).

    The platform's own code signing in without a request (a management command, a test) is not a guess
    from outside, and axes would refuse it outright.
    """

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


@receiver(user_locked_out)
def _leave_refusal(sender: Any, request: Any, username: str | None, **kwargs: Any) -> None:
    """The same words for the right password and a wrong one, for an account and a name that is none."""
    if request is None or not username:
        return
    until = locked_until(username) or now() + lockout_time()
    seconds = max(1, int((until - now()).total_seconds()))
    setattr(
        request,
        REFUSAL,
        Refusal(
            status=403,
            message=_("账户已锁定，请 %(minutes)d 分钟后再试或联系管理员解锁。") % {"minutes": minutes(seconds)},
            retry_after=seconds,
        ),
    )
