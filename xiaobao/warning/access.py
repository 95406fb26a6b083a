"""Who may see and act on an alert or a watched entity: the one place that decides it.

Alerts go to the authority responsible for what they are about (the supervisor of the institution's
line, or the authority most of the series' complaints went to; for a fundraising entity, the lead
department of its registered region). Staff of that authority or of one above it see and work them;
administrators see all. Anyone else gets 404, exactly as for an alert that does not exist.
"""

from django.db.models import QuerySet
from django.http import Http404

from xiaobao.accounts.models import User
from xiaobao.registry.models import Authority
from xiaobao.registry.selectors import authority_descendant_ids
from xiaobao.warning.models import Alert, WatchEntity


def _is_regulator(user: User) -> bool:
    return bool(
        user.is_authenticated and user.is_active and user.role == User.Role.REGULATOR and user.authority_id is not None
    )


def is_fundraising_officer(user: User) -> bool:
    return _is_regulator(user) and user.own_authority.kind == Authority.Kind.FUNDRAISING


def can_monitor(user: User) -> bool:
    """Regulators and administrators have the early-warning desk."""
    return _is_regulator(user) or (user.is_authenticated and user.is_active and user.role == User.Role.ADMIN)


def alerts_for(user: User) -> QuerySet[Alert]:
    qs = Alert.objects.all()
    if _is_regulator(user):
        return qs.filter(authority_id__in=authority_descendant_ids(user.own_authority))
    if can_monitor(user):
        return qs
    return qs.none()


def handles_alert(user: User, alert: Alert) -> bool:
    """Staff of the responsible authority or one above it work the alert; an administrator only reads."""
    return _is_regulator(user) and alert.authority_id in authority_descendant_ids(user.own_authority)


def get_alert_for(user: User, number: str) -> Alert:
    try:
        return alerts_for(user).select_related("authority", "assigned_to", "entity", "region").get(number=number)
    except Alert.DoesNotExist:
        raise Http404 from None


def entities_for(user: User) -> QuerySet[WatchEntity]:
    """The watch list is the lead departments' (and administrators')."""
    qs = WatchEntity.objects.all()
    if is_fundraising_officer(user):
        return qs.filter(authority_id__in=authority_descendant_ids(user.own_authority))
    if can_monitor(user) and not _is_regulator(user):
        return qs
    return qs.none()


def get_entity_for(user: User, pk: int) -> WatchEntity:
    try:
        return entities_for(user).select_related("region", "authority", "institution").get(pk=pk)
    except WatchEntity.DoesNotExist:
        raise Http404 from None
