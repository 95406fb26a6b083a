"""Who may record and edit penalty decisions: the one place that decides it.

Everyone reads published penalties (selectors.penalties_for). Only regulators and administrators
write them, and a regulator only those its own authority, or one below it, issued. Not-yours answers
exactly like does-not-exist.
"""

from django.db.models import QuerySet
from django.http import Http404

from xiaobao.accounts.models import User
from xiaobao.registry.models import Authority, Penalty
from xiaobao.registry.selectors import authority_descendant_ids


def can_record_penalties(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in (User.Role.REGULATOR, User.Role.ADMIN)


def issuing_authorities_for(user: User) -> QuerySet[Authority]:
    """The authorities in whose name the user may record a decision."""
    if not can_record_penalties(user):
        return Authority.objects.none()
    if user.role == User.Role.ADMIN:
        return Authority.objects.all()
    return Authority.objects.filter(pk__in=authority_descendant_ids(user.authority))


def penalties_writable_by(user: User) -> QuerySet[Penalty]:
    return Penalty.objects.filter(authority__in=issuing_authorities_for(user))


def get_penalty_for(user: User, pk: int) -> Penalty:
    try:
        return penalties_writable_by(user).select_related("institution", "authority").get(pk=pk)
    except Penalty.DoesNotExist:
        raise Http404 from None
