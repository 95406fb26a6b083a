"""Who may see and act on a complaint: the one place that decides it.

Every view, API endpoint and service reaches a complaint through these functions. Not-yours
answers exactly like does-not-exist, so a number cannot be probed.
"""

import hmac
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from xiaobao.accounts.models import User
from xiaobao.complaints.models import Complaint, Deadline, Event, Message
from xiaobao.registry.selectors import authority_descendant_ids, institution_descendant_ids

Party = Deadline.Party
GUEST_SESSION_KEY = "guest_complaints"


@dataclass(frozen=True)
class GuestAccess:
    """A complainant without an account who proved the complaint's secret code in this session."""

    number: str


Actor = User | GuestAccess | None  # None is the platform itself (scheduled tasks)


def complaints_for(user: User) -> QuerySet[Complaint]:
    qs = Complaint.objects.all()
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    match user.role:
        case User.Role.CONSUMER:
            return qs.filter(consumer=user)
        case User.Role.INSTITUTION:
            # An institution sees a complaint once the regulator has sent it there, including branches below it.
            return qs.filter(institution_id__in=institution_descendant_ids(user.own_institution), sent_at__isnull=False)
        case User.Role.REGULATOR:
            # Its own complaints, and those routed elsewhere by their business and copied to it (抄送).
            ids = authority_descendant_ids(user.own_authority)
            return qs.filter(Q(authority_id__in=ids) | Q(copy_authority_id__in=ids))
        case User.Role.ADMIN:
            return qs
    return qs.none()


def handled_by(user: User, qs: QuerySet[Complaint]) -> QuerySet[Complaint]:
    """The complaints of qs the user's side must work on: a copy is read, never handled."""
    if user.role == User.Role.REGULATOR:
        return qs.filter(authority_id__in=authority_descendant_ids(user.own_authority))
    return qs


def is_copy_for(actor: Actor, complaint: Complaint) -> bool:
    """The actor's authority, or one above it, holds a read-only copy of a complaint it does not handle."""
    if not isinstance(actor, User) or not actor.is_authenticated or actor.role != User.Role.REGULATOR:
        return False
    ids = authority_descendant_ids(actor.own_authority)
    return complaint.copy_authority_id in ids and complaint.authority_id not in ids


def get_complaint_for(user: User, number: str) -> Complaint:
    try:
        return complaints_for(user).select_related("institution", "authority", "business").get(number=number)
    except Complaint.DoesNotExist:
        raise Http404 from None


def guest_code_matches(complaint: Complaint, code: str) -> bool:
    from xiaobao.lib.crypto import lookup_hash

    return bool(complaint.guest_code_hash) and hmac.compare_digest(complaint.guest_code_hash, lookup_hash(code))


def guest_grant(request: HttpRequest, number: str) -> None:
    numbers = set(request.session.get(GUEST_SESSION_KEY, []))
    numbers.add(number)
    request.session[GUEST_SESSION_KEY] = sorted(numbers)
    request.session.cycle_key()


def actor_for_request(request: HttpRequest, number: str) -> Actor:
    """The signed-in user, or the guest who proved this complaint's code earlier in the session."""
    if request.user.is_authenticated:
        return request.user
    if number in request.session.get(GUEST_SESSION_KEY, []):
        return GuestAccess(number)
    return None


def get_complaint_for_actor(actor: Actor, number: str) -> Complaint:
    if isinstance(actor, GuestAccess):
        if actor.number != number:
            raise Http404
        try:
            return Complaint.objects.select_related("institution", "authority", "business").get(number=number)
        except Complaint.DoesNotExist:
            raise Http404 from None
    if actor is None:
        raise Http404
    return get_complaint_for(actor, number)


def party_of(actor: Actor, complaint: Complaint) -> str | None:
    """The side the actor stands on for this complaint, or None when it has no part in it."""
    if isinstance(actor, GuestAccess):
        return Party.CONSUMER if actor.number == complaint.number else None
    if actor is None or not actor.is_authenticated:
        return None
    match actor.role:
        case User.Role.CONSUMER:
            return Party.CONSUMER if complaint.consumer_id == actor.id else None
        case User.Role.INSTITUTION:
            # Its own institution first: the common case, without walking the branch tree.
            if complaint.sent_at and (
                complaint.institution_id == actor.institution_id
                or complaint.institution_id in institution_descendant_ids(actor.own_institution)
            ):
                return Party.INSTITUTION
        case User.Role.REGULATOR:
            # A copy is not a part: its holder reads the complaint (reading_party) but takes no step in it.
            if complaint.authority_id == actor.authority_id or complaint.authority_id in authority_descendant_ids(
                actor.own_authority
            ):
                return Party.REGULATOR
    return None


def reading_party(actor: Actor, complaint: Complaint) -> str | None:
    """The side whose view of the complaint the actor reads: its own part, or the regulator's for the
    holder of a copy and for an administrator."""
    party = party_of(actor, complaint)
    if party is not None:
        return party
    if is_copy_for(actor, complaint):
        return Party.REGULATOR
    if isinstance(actor, User) and actor.is_authenticated and actor.role == User.Role.ADMIN:
        return Party.REGULATOR
    return None


VISIBLE_EVENTS: dict[str, list[Event.Visibility]] = {
    Party.CONSUMER: [Event.Visibility.ALL],
    Party.INSTITUTION: [Event.Visibility.ALL, Event.Visibility.STAFF, Event.Visibility.INSTITUTION],
    Party.REGULATOR: [Event.Visibility.ALL, Event.Visibility.STAFF, Event.Visibility.REGULATOR],
}
VISIBLE_THREADS: dict[str, list[Message.Thread]] = {
    Party.CONSUMER: [Message.Thread.CONSUMER],
    Party.INSTITUTION: [Message.Thread.CONSUMER, Message.Thread.REGULATOR, Message.Thread.INSTITUTION_NOTE],
    Party.REGULATOR: [Message.Thread.CONSUMER, Message.Thread.REGULATOR, Message.Thread.REGULATOR_NOTE],
}
# Who may write in which thread.
WRITABLE_THREADS: dict[str, list[Message.Thread]] = {
    Party.CONSUMER: [Message.Thread.CONSUMER],
    Party.INSTITUTION: [Message.Thread.CONSUMER, Message.Thread.REGULATOR, Message.Thread.INSTITUTION_NOTE],
    Party.REGULATOR: [Message.Thread.REGULATOR, Message.Thread.REGULATOR_NOTE],
}


def timeline_for(party: str | None, complaint: Complaint) -> QuerySet[Event]:
    visible = VISIBLE_EVENTS.get(party, []) if party is not None else []
    return complaint.events.filter(visibility__in=visible).select_related("actor")


def messages_for(party: str | None, complaint: Complaint) -> QuerySet[Message]:
    threads = VISIBLE_THREADS.get(party, []) if party is not None else []
    return complaint.messages.filter(thread__in=threads).prefetch_related("attachments")
