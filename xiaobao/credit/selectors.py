"""Reads of the credit lists: the public list on a day, an institution's measures in force, the staff list."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from xiaobao.core.time import today
from xiaobao.credit.models import CreditEntry, CreditList, Measure
from xiaobao.registry.models import Institution
from xiaobao.registry.selectors import institution_ancestor_ids


def listed_on(day: date) -> Q:
    """Entries on a list that day, derived from status and dates: published, within validity, not ended."""
    return Q(status=CreditEntry.Status.PUBLISHED, valid_from__lte=day, valid_until__gte=day) & (
        Q(ended_on__isnull=True) | Q(ended_on__gt=day)
    )


@dataclass(frozen=True)
class PublicFilters:
    list: str = ""
    name: str = ""
    uscc: str = ""
    valid_on: date | None = None


def public_entries(filters: PublicFilters) -> QuerySet[CreditEntry]:
    """What the public sees: listed organisations only; a person is never on a public surface."""
    qs = CreditEntry.objects.filter(listed_on(filters.valid_on or today())).exclude(subject=CreditEntry.Subject.PERSON)
    if filters.list:
        qs = qs.filter(list=filters.list)
    if filters.name:
        qs = qs.filter(name__icontains=filters.name.strip())
    if filters.uscc:
        qs = qs.filter(uscc=filters.uscc.strip().upper())
    return qs.select_related("department").order_by("-valid_from", "-pk")


def measures_for(institution: Institution, *, on: date | None = None) -> list[Measure]:
    """The active measures that apply to an institution that day: those of every list it is on, directly or
    through its head office (an entry about a head office binds its branches)."""
    day = on or today()
    lists = set(
        CreditEntry.objects.filter(listed_on(day), institution_id__in=institution_ancestor_ids(institution))
        .values_list("list", flat=True)
        .distinct()
    )
    if not lists:
        return []
    return list(Measure.objects.filter(list__in=lists, is_active=True).order_by("list", "code"))


def best_grade_for(institution: Institution, *, on: date | None = None) -> int | None:
    """The best grade (1 = 一级) the institution may be rated that day, or None when no measure caps it."""
    caps = [m.best_grade for m in measures_for(institution, on=on) if m.kind == Measure.Kind.RATING_CAP]
    found = [c for c in caps if c is not None]
    return max(found) if found else None


def is_blacklisted(institution: Institution, *, on: date | None = None) -> bool:
    day = on or today()
    return CreditEntry.objects.filter(
        listed_on(day), list=CreditList.BLACK, institution_id__in=institution_ancestor_ids(institution)
    ).exists()


def measures_of_list(credit_list: str) -> list[Measure]:
    """The active measures a list triggers, shown with its entries."""
    return list(Measure.objects.filter(list=credit_list, is_active=True).order_by("code"))
