"""Who may see and act on a fundraising report or clue: the one place that decides it.

Officers of a lead department (处非办) handle the reports routed to their department and to the
departments below it (the province sees its cities'). A financial regulator reads, and only reads,
the reports that named an institution it supervises. Nobody else sees a report through the
platform; not-yours answers exactly like does-not-exist, so numbers cannot be probed. The reporter
is reached only through the receipt (services.report_for_receipt), never through an account.
"""

from django.db.models import QuerySet
from django.http import Http404

from xiaobao.accounts.access import is_fundraising_officer
from xiaobao.accounts.models import User
from xiaobao.registry.selectors import authority_descendant_ids
from xiaobao.tipoffs.models import Clue, Report


def _is_regulator(user: User) -> bool:
    return bool(
        user.is_authenticated and user.is_active and user.role == User.Role.REGULATOR and user.authority_id is not None
    )


def is_officer(user: User) -> bool:
    """Staff of an illegal-fundraising lead department: they triage reports into clues."""
    return is_fundraising_officer(user)


def handles(user: User, authority_id: int) -> bool:
    """Whether the user is an officer of that lead department or of one above it."""
    return is_officer(user) and authority_id in authority_descendant_ids(user.own_authority)


def reports_for(user: User) -> QuerySet[Report]:
    qs = Report.objects.all()
    if is_officer(user):
        return qs.filter(authority_id__in=authority_descendant_ids(user.own_authority))
    if _is_regulator(user):
        # 谁监管、谁负责: a regulator reads the notifications addressed to it or to its branch offices.
        return qs.filter(notified_authority_id__in=authority_descendant_ids(user.own_authority))
    return qs.none()


def clues_for(user: User) -> QuerySet[Clue]:
    """Clues are the lead department's working files: no one else sees them."""
    if is_officer(user):
        return Clue.objects.filter(authority_id__in=authority_descendant_ids(user.own_authority))
    return Clue.objects.none()


def get_report_for(user: User, number: str) -> Report:
    try:
        return (
            reports_for(user)
            .select_related("authority", "notified_authority", "subject_region", "clue")
            .get(number=number)
        )
    except Report.DoesNotExist:
        raise Http404 from None


def get_clue_for(user: User, number: str) -> Clue:
    try:
        return clues_for(user).select_related("authority", "assigned_to").get(number=number)
    except Clue.DoesNotExist:
        raise Http404 from None
