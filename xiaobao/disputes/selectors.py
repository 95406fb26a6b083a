"""Reads about disputes: lists for each desk, a dispute's part of the timeline, mediation bodies by
region, and the mediation statistics other apps (public disclosure, institution ratings) read.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from statistics import median
from typing import Literal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaobao.accounts.models import User
from xiaobao.complaints.access import VISIBLE_EVENTS
from xiaobao.complaints.models import Event
from xiaobao.disputes import access
from xiaobao.disputes.models import Dispute, MediationBody
from xiaobao.registry.models import Region
from xiaobao.registry.selectors import institution_ancestors

Status = Dispute.Status


def dispute_list_for(*, user: User, status: str = "", path: str = "") -> QuerySet[Dispute]:
    qs = access.disputes_for(user).select_related("complaint", "complaint__institution", "body", "mediator__user")
    if status in Status.values:
        qs = qs.filter(status=status)
    if path in Dispute.Path.values:
        qs = qs.filter(path=path)
    return qs.order_by("-created_at", "-id")


def disputes_on_complaint(*, complaint_id: int, user: User | None) -> QuerySet[Dispute]:
    """A complaint's disputes as its viewer may see them; a guest sees those of the complaint they proved."""
    qs = Dispute.objects.filter(complaint_id=complaint_id)
    if user is not None and user.is_authenticated and user.role == User.Role.MEDIATOR:
        qs = qs.filter(mediator__user=user)
    return qs.select_related("body", "mediator__user").order_by("created_at", "id")


def dispute_timeline(dispute: Dispute, party: str) -> QuerySet[Event]:
    """The dispute's own steps from the complaint's timeline. Mediators and administrators read what
    every party reads; the institution and regulator also read what is kept among staff."""
    visible = VISIBLE_EVENTS.get(party, [Event.Visibility.ALL])
    return (
        dispute.complaint.events.filter(kind=Event.Kind.DISPUTE, data__dispute=dispute.number, visibility__in=visible)
        .select_related("actor")
        .order_by("at", "id")
    )


@dataclass
class RegionBodies:
    region: Region
    bodies: list[MediationBody] = field(default_factory=list)


def bodies_by_region() -> list[RegionBodies]:
    """Active mediation bodies grouped by prefecture; province-wide bodies first under the province."""
    bodies = list(MediationBody.objects.filter(is_active=True).order_by("sort", "code"))
    codes = {b.region_id for b in bodies} | {b.region_id[:4] + "00" for b in bodies}
    regions = {r.code: r for r in Region.objects.filter(code__in=codes)}
    groups: dict[str, RegionBodies] = {}
    for body in bodies:
        code = body.region_id if body.region_id.endswith("0000") else body.region_id[:4] + "00"
        region = regions.get(code)
        if region is None:
            continue
        groups.setdefault(code, RegionBodies(region)).bodies.append(body)
    return [groups[c] for c in sorted(groups)]


# ---------------------------------------------------------------------------------------------
# Statistics


@dataclass
class MediationStats:
    """Mediation figures for one body, institution or institution type over a period.

    applications: mediation requests filed in the period; answered: those the institution answered or let
    lapse; accepted: those it agreed to; concluded: agreements and failures; agreed: agreements (including
    performed ones); performed: agreements the consumer confirmed were carried out; amount_agreed and
    amount_recovered in 元 (recovered = performed agreements only); median_days: calendar days from the
    request to the agreement or failure.
    """

    key: str
    name: str
    applications: int = 0
    answered: int = 0
    accepted: int = 0
    concluded: int = 0
    agreed: int = 0
    performed: int = 0
    amount_agreed: Decimal = Decimal("0.00")
    amount_recovered: Decimal = Decimal("0.00")
    days: list[int] = field(default_factory=list, repr=False)

    @property
    def acceptance_rate(self) -> float | None:
        return round(self.accepted / self.answered, 4) if self.answered else None

    @property
    def success_rate(self) -> float | None:
        return round(self.agreed / self.concluded, 4) if self.concluded else None

    @property
    def median_days(self) -> float | None:
        return float(median(self.days)) if self.days else None


_ANSWERED: tuple[Status, ...] = (
    Status.DECLINED,
    Status.EXPIRED,
    Status.UNASSIGNED,
    Status.MEDIATING,
    Status.AGREED,
    Status.PERFORMED,
)
_ANSWERED += (Status.FAILED,)
_ACCEPTED = (Status.UNASSIGNED, Status.MEDIATING, Status.AGREED, Status.PERFORMED, Status.FAILED)
_AGREED = (Status.AGREED, Status.PERFORMED)


def mediation_stats(
    *, start: date, end: date, by: Literal["body", "institution", "type"] = "body"
) -> list[MediationStats]:
    """Mediation acceptance and success rates, durations and amounts, for requests filed from start to
    end inclusive, per mediation body, per institution (branches roll up to their top office) or per
    institution type. Sorted by number of applications, most first. Requests still waiting for an
    institution's answer count as applications only; a withdrawn request after acceptance counts as accepted."""
    tz = timezone.get_current_timezone()
    since = timezone.make_aware(datetime.combine(start, time.min), tz)
    until = timezone.make_aware(datetime.combine(end, time.max), tz)
    rows = Dispute.objects.filter(path=Dispute.Path.MEDIATION, created_at__gte=since, created_at__lte=until)
    rows = rows.select_related("body", "complaint__institution__type", "complaint__institution__parent")
    groups: dict[str, MediationStats] = {}
    for d in rows:
        institution = d.complaint.institution
        if by == "body":
            if d.body is None:
                key, name = "", str(_("（未分派）"))
            else:
                key, name = d.body.code, d.body.name
        elif by == "institution":
            top = institution_ancestors(institution)[-1]
            key, name = top.uscc, top.name
        elif by == "type":
            key, name = institution.type.code, institution.type.name
        else:
            raise ValueError(f"unknown grouping {by!r}")
        stats = groups.setdefault(key, MediationStats(key=key, name=name))
        stats.applications += 1
        status = d.status
        if status == Status.WITHDRAWN:
            status = Status.MEDIATING if d.answered_at else Status.APPLIED
        stats.answered += status in _ANSWERED
        stats.accepted += status in _ACCEPTED
        if status in _AGREED or status == Status.FAILED:
            stats.concluded += 1
            end_at = d.agreed_at if status in _AGREED else d.closed_at
            if end_at is not None:
                stats.days.append((timezone.localdate(end_at, tz) - timezone.localdate(d.created_at, tz)).days)
        if status in _AGREED:
            stats.agreed += 1
            stats.amount_agreed += d.agreed_amount or Decimal("0.00")
        if status == Status.PERFORMED:
            stats.performed += 1
            stats.amount_recovered += d.agreed_amount or Decimal("0.00")
    return sorted(groups.values(), key=lambda s: (-s.applications, s.key))


def mediation_totals(stats: list[MediationStats]) -> MediationStats:
    total = MediationStats(key="", name=str(_("合计")))
    for s in stats:
        for name in ("applications", "answered", "accepted", "concluded", "agreed", "performed"):
            setattr(total, name, getattr(total, name) + getattr(s, name))
        total.amount_agreed += s.amount_agreed
        total.amount_recovered += s.amount_recovered
        total.days += s.days
    return total
