"""Who may see and act on a risk warning: the one place that decides it.

The public reads published warnings (and the notice of a withdrawn one). Regulators, the fundraising
department and administrators have the warnings desk; drafts and the evidence exist only there. A
regulator writes and withdraws warnings of its own department and the ones below it; a draft is
published by a second person of that department or one above it, never by its author (services check
it again). Anyone else gets 404 on a desk page, exactly as for a warning that does not exist.
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from xiaobao.accounts.models import User
from xiaobao.registry.selectors import authority_descendant_ids
from xiaobao.riskwarnings.models import RiskWarning

PUBLIC_STATUSES = (RiskWarning.Status.PUBLISHED, RiskWarning.Status.WITHDRAWN)


def is_writer(user: User | AnonymousUser | None) -> bool:
    """Staff of a regulator or of the fundraising lead department: they draft and review warnings."""
    return bool(
        isinstance(user, User) and user.is_active and user.role == User.Role.REGULATOR and user.authority_id is not None
    )


def has_desk(user: User | AnonymousUser | None) -> bool:
    """Writers and administrators (who read) see the warnings desk."""
    return is_writer(user) or bool(isinstance(user, User) and user.is_active and user.role == User.Role.ADMIN)


def acts_for(user: User | AnonymousUser | None, warning: RiskWarning) -> bool:
    """Staff of the warning's department or of one above it."""
    return (
        isinstance(user, User)
        and is_writer(user)
        and warning.authority_id in authority_descendant_ids(user.own_authority)
    )


def may_review(user: User | AnonymousUser | None, warning: RiskWarning) -> bool:
    """A second person of the department: never the warning's author."""
    return acts_for(user, warning) and isinstance(user, User) and user.pk != warning.created_by_id


def warnings_for(user: User | AnonymousUser | None) -> QuerySet[RiskWarning]:
    """The desk's warnings: all of them, drafts included, for desk staff; none for anyone else."""
    return RiskWarning.objects.all() if has_desk(user) else RiskWarning.objects.none()


def get_warning_for(user: User | AnonymousUser | None, number: str, *, write: bool = False) -> RiskWarning:
    try:
        warning = warnings_for(user).select_related("authority", "created_by", "published_by").get(number=number)
    except RiskWarning.DoesNotExist:
        raise Http404 from None
    if write and not acts_for(user, warning):
        raise Http404
    return warning


def public_warnings() -> QuerySet[RiskWarning]:
    """What the public list, the home page, the feed and the API read: published warnings only."""
    return RiskWarning.objects.filter(status=RiskWarning.Status.PUBLISHED)


def get_public_warning(number: str) -> RiskWarning:
    """A published warning, or a withdrawn one's notice; a draft answers like one that does not exist."""
    try:
        return RiskWarning.objects.select_related("authority").get(number=number, status__in=PUBLIC_STATUSES)
    except RiskWarning.DoesNotExist:
        raise Http404 from None
