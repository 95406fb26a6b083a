"""API tokens: issued for a named system, expiring after the policy's lifetime, revocable by their owner."""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet

from xiaobao.accounts.models import ApiToken, User
from xiaobao.accounts.policy import security_policy
from xiaobao.core.time import now

# A token in use is marked used at most this often: one write per request would queue every API
# call behind the database's single writer.
LAST_USED_GRANULARITY = timedelta(minutes=5)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_issue(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token and its key (shown this once). A system asking again under its name replaces its old token,
    so each system or device holds one."""
    ApiToken.objects.filter(user=user, name=name).delete()
    key = secrets.token_urlsafe(32)
    at = now()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        digest=_digest(key),
        prefix=key[:8],
        created_at=at,
        expires_at=at + timedelta(days=security_policy().token_lifetime_days),
    )
    return token, key


def api_token_for_key(key: str) -> ApiToken | None:
    """The live token a key opens: an unknown, revoked or expired key, or one of an inactive user, opens nothing."""
    at = now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(key), expires_at__gt=at, user__is_active=True)
        .first()
    )
    if token is not None and (token.last_used_at is None or at - token.last_used_at >= LAST_USED_GRANULARITY):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=at)
        token.last_used_at = at
    return token


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: User) -> None:
    if token.user_id != by.pk:
        raise PermissionDenied
    token.delete()


def api_tokens_revoke_all(*, user: User) -> int:
    """Every token of the user: on a password change and when the account is deactivated."""
    deleted, _per_model = ApiToken.objects.filter(user=user).delete()
    return deleted
