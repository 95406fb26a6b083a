"""Who may see and act on credit entries. Not-yours answers 404, like not-found.

- Regulator and fundraising staff see the entries of their authority and of the authorities below it,
  and act on those of their own authority (draft, check, answer objections, decide repairs).
- Institution staff see the published entries (current or past) about their institution and its
  branches, and object or ask for repair on them; never drafts.
- Everyone else sees only the public list, which holds no person.
"""

from django.db.models import QuerySet
from django.http import Http404

from xiaobao.accounts.models import User
from xiaobao.credit.models import CreditEntry
from xiaobao.registry.selectors import authority_descendant_ids, institution_descendant_ids

SUBJECT_VISIBLE = (CreditEntry.Status.PUBLISHED, CreditEntry.Status.REMOVED, CreditEntry.Status.REPAIRED)


def is_department_staff(user: User) -> bool:
    """Staff of a regulator or a fundraising department: the departments that draft credit entries."""
    return user.is_active and user.role == User.Role.REGULATOR and user.authority_id is not None


def is_subject_staff(user: User) -> bool:
    return user.is_active and user.role == User.Role.INSTITUTION and user.institution_id is not None


def may_open_credit(user: User) -> bool:
    """Who the staff pages under /credit/ let in."""
    return is_department_staff(user) or is_subject_staff(user)


def entries_for(user: User) -> QuerySet[CreditEntry]:
    qs = CreditEntry.objects.select_related("institution", "department", "drafted_by", "checked_by")
    if is_department_staff(user):
        return qs.filter(department_id__in=authority_descendant_ids(user.own_authority))
    if is_subject_staff(user):
        return qs.filter(
            institution_id__in=institution_descendant_ids(user.own_institution), status__in=SUBJECT_VISIBLE
        )
    return qs.none()


def handles(user: User, entry: CreditEntry) -> bool:
    """The department that drafted the entry acts on it."""
    return is_department_staff(user) and user.authority_id == entry.department_id


def is_subject(user: User, entry: CreditEntry) -> bool:
    """Staff of the institution the entry is about (or of its head office)."""
    if not is_subject_staff(user) or entry.institution_id is None:
        return False
    return entry.institution_id in institution_descendant_ids(user.own_institution)


def get_entry_for(user: User, number: str, *, write: bool = False) -> CreditEntry:
    entry = entries_for(user).filter(number=number).first()
    if entry is None or (write and not (handles(user, entry) or is_subject(user, entry))):
        raise Http404
    return entry
