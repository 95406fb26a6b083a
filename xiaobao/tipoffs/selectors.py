"""Reads shared by the officers' screens: the clue queue, the groups of reports not yet in a clue.

Every query starts from access.clues_for / access.reports_for, so a list never shows more than its
viewer may open.
"""

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, cast

from django.db.models import BooleanField, Case, Count, F, IntegerField, Max, Q, QuerySet, Value, When
from django.utils import timezone

from xiaobao.accounts.models import User
from xiaobao.registry.models import Authority, Institution, InstitutionType, Region
from xiaobao.registry.selectors import supervision_line_for
from xiaobao.tipoffs.access import clues_for, is_officer, reports_for
from xiaobao.tipoffs.models import Clue, Report

# A rising count is a signal, not a verdict: three reports in a week about one entity, or more this
# week than in the week before when there were some then. Two reports about a new entity are not a rise.
RISING_WINDOW = timedelta(days=7)
RISING_MIN_RECENT = 3

OPEN_CLUE_STATUSES = (Clue.Status.OPEN, Clue.Status.INVESTIGATING)
# Reports that still wait for a clue: not closed as not fundraising, not handed on.
UNASSIGNED_EXCLUDED = (Report.Status.CLOSED, Report.Status.REFERRED)
# Columns a list never needs; contact details are never decrypted for a list.
LIST_DEFERRED = ("contact_name", "contact_phone", "contact_email", "scheme")


def is_rising(recent: int, previous: int) -> bool:
    return recent >= RISING_MIN_RECENT or (previous > 0 and recent > previous)


def _windows(now: datetime | None = None) -> tuple[datetime, datetime]:
    now = now or timezone.now()
    return now - RISING_WINDOW, now - 2 * RISING_WINDOW


def connected_groups(items: Iterable[tuple[Hashable, Iterable[str]]]) -> list[list[Hashable]]:
    """Items that share a key, directly or through other items, in one group (union–find).

    Reports A and C with nothing in common are one entity when B shares A's phone and C's account.
    Groups come in the order of their first item; items keep their order within a group.
    """
    items = [(item_id, list(keys)) for item_id, keys in items]
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for i, (_item_id, keys) in enumerate(items):
        for key in keys:
            if key in owner:
                a, b = root(owner[key]), root(i)
                if a != b:
                    parent[max(a, b)] = min(a, b)
            else:
                owner[key] = i
    groups: dict[int, list[Hashable]] = {}
    for i, (item_id, _keys) in enumerate(items):
        groups.setdefault(root(i), []).append(item_id)
    return list(groups.values())


def unassigned_reports(*, authority_id: int) -> QuerySet[Report]:
    """A department's reports not in a clue and still to be triaged."""
    return Report.objects.filter(authority_id=authority_id, clue__isnull=True).exclude(status__in=UNASSIGNED_EXCLUDED)


def clue_queue_for(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Clue]:
    """The officer's clues, each with its report count and the rising signal.

    Annotations: report_count, recent_count (last 7 days), previous_count (the 7 days before),
    latest_at (the newest report) and rising. Filters: status (a Clue.Status), rising (True),
    min_score (0–100), q (part of a clue number, a clue title or a reported name), mine (True:
    assigned to the user). Open clues first, then rising ones, then by risk and by the newest report.
    """
    filters = filters or {}
    if not is_officer(user):
        return Clue.objects.none()
    week_ago, fortnight_ago = _windows()
    qs = (
        clues_for(user)
        .select_related("authority", "assigned_to")
        .annotate(
            report_count=Count("reports"),
            recent_count=Count("reports", filter=Q(reports__received_at__gte=week_ago)),
            previous_count=Count(
                "reports", filter=Q(reports__received_at__gte=fortnight_ago, reports__received_at__lt=week_ago)
            ),
            latest_at=Max("reports__received_at"),
        )
        .annotate(
            rising=Case(
                When(
                    Q(recent_count__gte=RISING_MIN_RECENT)
                    | Q(previous_count__gt=0, recent_count__gt=F("previous_count")),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            ),
            is_open=Case(
                When(status__in=OPEN_CLUE_STATUSES, then=Value(1)), default=Value(0), output_field=IntegerField()
            ),
        )
    )
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("rising"):
        qs = qs.filter(rising=True)
    if filters.get("min_score") not in (None, ""):
        qs = qs.filter(risk_score__gte=int(filters["min_score"]))
    if filters.get("mine"):
        qs = qs.filter(assigned_to=user)
    q = (filters.get("q") or "").strip()
    if q:
        named = Report.objects.filter(subject_name__icontains=q).values("clue_id")
        qs = qs.filter(Q(number__icontains=q) | Q(title__icontains=q) | Q(pk__in=named))
    return qs.order_by("-is_open", "-rising", "-risk_score", F("latest_at").desc(nulls_last=True), "-created_at")


@dataclass
class ReportGroup:
    """Reports not yet in a clue that share an identifier: one entity, as the queue shows it."""

    authority: Authority
    reports: list[Report]  # oldest first
    keys: list[str]
    recent_count: int
    previous_count: int
    related_clues: list[Clue] = field(default_factory=list)  # clues sharing an identifier, any status

    @property
    def report_count(self) -> int:
        return len(self.reports)

    @property
    def rising(self) -> bool:
        return is_rising(self.recent_count, self.previous_count)

    @property
    def risk_score(self) -> int:
        return max(r.risk_score for r in self.reports)

    @property
    def risk_reasons(self) -> list[str]:
        return list(max(self.reports, key=lambda r: r.risk_score).risk_reasons)

    @property
    def title(self) -> str:
        return self.reports[0].subject_name

    @property
    def names(self) -> list[str]:
        """Every name the entity was reported under, in order of first appearance."""
        return list(dict.fromkeys(r.subject_name for r in self.reports))

    @property
    def latest_at(self) -> datetime:
        return max(r.received_at for r in self.reports)


def report_groups_for(*, user: User, min_score: int | None = None, rising: bool = False) -> list[ReportGroup]:
    """The officer's reports not yet in a clue, grouped by shared identifiers within each department.

    Ordered like the clue queue: rising groups first, then by risk, then by the newest report.
    """
    if not is_officer(user):
        return []
    reports = list(
        reports_for(user)
        .filter(clue__isnull=True)
        .exclude(status__in=UNASSIGNED_EXCLUDED)
        .defer(*LIST_DEFERRED)
        .select_related("authority", "subject_region")
        .order_by("received_at", "pk")
    )
    by_pk = {r.pk: r for r in reports}
    # Identifiers are compared within one department: the same name in two cities is two matters
    # until one department refers its clue to the other.
    items: list[tuple[Hashable, list[str]]] = [(r.pk, [f"{r.authority_id}|{k}" for k in r.keys]) for r in reports]
    clues = list(clues_for(user).only("pk", "number", "title", "status", "keys", "authority_id"))
    week_ago, fortnight_ago = _windows()
    groups = []
    for members in connected_groups(items):
        group_reports = [by_pk[cast(int, pk)] for pk in members]
        keys = sorted({k for r in group_reports for k in r.keys})
        authority_id = group_reports[0].authority_id
        groups.append(
            ReportGroup(
                authority=group_reports[0].authority,
                reports=group_reports,
                keys=keys,
                recent_count=sum(r.received_at >= week_ago for r in group_reports),
                previous_count=sum(fortnight_ago <= r.received_at < week_ago for r in group_reports),
                related_clues=[c for c in clues if c.authority_id == authority_id and set(c.keys) & set(keys)],
            )
        )
    if min_score is not None:
        groups = [g for g in groups if g.risk_score >= min_score]
    if rising:
        groups = [g for g in groups if g.rising]
    groups.sort(key=lambda g: (not g.rising, -g.risk_score, -g.latest_at.timestamp()))
    return groups


def clue_reports(clue: Clue, *, user: User) -> Sequence[Report]:
    """A clue's reports the user may see, oldest first, without decrypting contact details."""
    return list(
        reports_for(user)
        .filter(clue=clue)
        .defer(*LIST_DEFERRED[:3])
        .select_related("subject_region")
        .order_by("received_at", "pk")
    )


# ---------------------------------------------------------------------------------------------
# Routing (条例 Art. 20) and the regulator to notify (谁审批、谁监管、谁负责)


def lead_department_for(*, region: Region, on: date) -> Authority | None:
    """The lead department in force that day for the region: the most specific one whose area
    contains it, so a city's 处非办 wins over the province's."""
    codes = region.ancestor_codes()
    candidates = Authority.objects.filter(
        kind=Authority.Kind.FUNDRAISING, region_id__in=codes, valid_from__lte=on
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
    return min(candidates, key=lambda a: (codes.index(a.region_id), a.pk), default=None)


def regulator_for(*, institution: Institution | None, on: date) -> Authority | None:
    """The supervisor of a licensed institution named in a report; None for an unlicensed one."""
    if institution is None or institution.type.sector == InstitutionType.Sector.UNLICENSED:
        return None
    line = supervision_line_for(institution=institution, on=on)
    if line is None or line.authority.kind == Authority.Kind.FUNDRAISING:
        return None
    return line.authority
