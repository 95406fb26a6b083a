"""Who may record and edit penalty decisions: the one place that decides it.

Everyone reads published penalties (selectors.penalties_for). Only regulators and administrators
write them, and a regulator only those its own authority, or one below it, issued. Not-yours answers
exactly like does-not-exist.
"""

from typing import Any, Protocol, TypeGuard, cast

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from xiaobao.registry.models import Authority, Penalty
from xiaobao.registry.selectors import authority_descendant_ids


class Actor(Protocol):
    """A signed-in user as the registry reads one. The registry sits below accounts and does not import
    it: accounts.User (settings.AUTH_USER_MODEL, whose roles come from get_user_model()) fits this."""

    @property
    def pk(self) -> Any: ...
    @property
    def is_authenticated(self) -> bool: ...
    @property
    def is_active(self) -> bool: ...
    @property
    def role(self) -> str: ...
    @property
    def authority(self) -> Authority | None: ...


def can_record_penalties(user: Actor | AnonymousUser) -> TypeGuard[Actor]:
    if isinstance(user, AnonymousUser):
        return False
    roles = get_user_model().Role
    return user.is_authenticated and user.is_active and user.role in (roles.REGULATOR, roles.ADMIN)


def issuing_authorities_for(user: Actor | AnonymousUser) -> QuerySet[Authority]:
    """The authorities in whose name the user may record a decision."""
    if not can_record_penalties(user):
        return Authority.objects.none()
    if user.role == get_user_model().Role.ADMIN:
        return Authority.objects.all()
    # A regulator always has an authority: the accounts model's regulator_staff_have_authority constraint.
    return Authority.objects.filter(pk__in=authority_descendant_ids(cast(Authority, user.authority)))


def penalties_writable_by(user: Actor | AnonymousUser) -> QuerySet[Penalty]:
    return Penalty.objects.filter(authority__in=issuing_authorities_for(user))


def get_penalty_for(user: Actor | AnonymousUser, pk: int) -> Penalty:
    try:
        return penalties_writable_by(user).select_related("institution", "authority").get(pk=pk)
    except Penalty.DoesNotExist:
        raise Http404 from None
