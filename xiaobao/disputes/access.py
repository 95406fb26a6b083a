"""Who may see and act on a dispute: the one place that decides it.

The consumer sees the disputes on their own complaints (a guest, those on the complaint whose code they
proved), the institution those about itself and its branches, the mediator only the disputes assigned
to them, the regulator those on complaints it supervises. Not-yours answers exactly like does-not-exist.
"""

from django.db.models import QuerySet
from django.http import Http404

from xiaobao.accounts.models import User
from xiaobao.complaints.access import Actor, GuestAccess
from xiaobao.disputes.models import Dispute
from xiaobao.registry.selectors import authority_descendant_ids, institution_descendant_ids

CONSUMER, INSTITUTION, MEDIATOR, REGULATOR, ADMIN = "consumer", "institution", "mediator", "regulator", "admin"


def disputes_for(user: User) -> QuerySet[Dispute]:
    qs = Dispute.objects.all()
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    match user.role:
        case User.Role.CONSUMER:
            return qs.filter(complaint__consumer=user)
        case User.Role.INSTITUTION:
            return qs.filter(complaint__institution_id__in=institution_descendant_ids(user.own_institution))
        case User.Role.MEDIATOR:
            return qs.filter(mediator__user=user)
        case User.Role.REGULATOR:
            return qs.filter(complaint__authority_id__in=authority_descendant_ids(user.own_authority))
        case User.Role.ADMIN:
            return qs
    return qs.none()


_RELATED = ("complaint", "complaint__institution", "complaint__authority", "body", "mediator__user")


def get_dispute_for(actor: Actor, number: str) -> Dispute:
    """The dispute if the actor may see it; 404 otherwise, the same as for a number that does not exist."""
    if isinstance(actor, GuestAccess):
        qs = Dispute.objects.filter(complaint__number=actor.number)
    elif actor is None:
        raise Http404
    else:
        qs = disputes_for(actor)
    try:
        return qs.select_related(*_RELATED).get(number=number)
    except Dispute.DoesNotExist:
        raise Http404 from None


def party_of(actor: Actor, dispute: Dispute) -> str | None:
    """The side the actor stands on in this dispute, or None when it has no part in it."""
    if isinstance(actor, GuestAccess):
        return CONSUMER if actor.number == dispute.complaint.number else None
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return None
    complaint = dispute.complaint
    match actor.role:
        case User.Role.CONSUMER:
            return CONSUMER if complaint.consumer_id == actor.pk else None
        case User.Role.INSTITUTION:
            if complaint.institution_id in institution_descendant_ids(actor.own_institution):
                return INSTITUTION
        case User.Role.MEDIATOR:
            if dispute.mediator is not None and dispute.mediator.user_id == actor.pk:
                return MEDIATOR
        case User.Role.REGULATOR:
            if complaint.authority_id in authority_descendant_ids(actor.own_authority):
                return REGULATOR
        case User.Role.ADMIN:
            return ADMIN
    return None
