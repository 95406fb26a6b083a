"""Who may read the trail: the security auditor, and nobody else.

Not the administrators either: GB/T 22239-2019 level 3 separates the system administrator from the
audit administrator (三权分立), so the people whose changes are audited cannot read or prune the record
of them. Everyone else is answered 404, as if the page did not exist. A user reads their own sign-in
history on their account page, which is not the trail.
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from xiaobao.accounts.models import User
from xiaobao.audit.models import Record


def is_auditor(user: User | AnonymousUser | None) -> bool:
    return isinstance(user, User) and user.is_active and user.role == User.Role.AUDITOR


def get_trail_for(user: User | AnonymousUser | None) -> QuerySet[Record]:
    if not is_auditor(user):
        raise Http404
    return Record.objects.all()


def sign_ins_of(user: User) -> QuerySet[Record]:
    """A user's own sign-ins and the failed attempts under their username, newest first."""
    return Record.objects.filter(
        kind__in=(Record.Kind.SIGN_IN, Record.Kind.SIGN_IN_FAILED), username=user.get_username()
    ).order_by("-id")
