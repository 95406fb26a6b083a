"""Reads behind the province's oversight pages: clocks escalated to the province and still open, and
transfers by reason and by line. Read-only: the clocks and events belong to their own apps."""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from xiaobao.complaints.models import Complaint, Deadline, Event
from xiaobao.core.clocks import LAST_LEVEL
from xiaobao.disputes.models import DisputeDeadline
from xiaobao.registry.models import Authority, EscalationRule, SupervisionLine


@dataclass(frozen=True)
class OverdueItem:
    """One clock escalated as far as it goes and still running: a row on the province's dashboard."""

    number: str
    url: str
    kind: str  # the escalation rule's clock kind, e.g. "complaints.answer"
    kind_label: str
    authority_id: int
    authority: str
    institution: str
    due_date: date
    escalated_to: str
    escalation_due: date | None


@dataclass(frozen=True)
class OverdueCount:
    authority_id: int
    authority: str
    kind: str
    kind_label: str
    count: int


def _landed(qs: QuerySet[Any], authority_path: str, authority_ids: list[int] | None) -> QuerySet[Any]:
    qs = qs.filter(closed_at__isnull=True, escalation_level__gte=LAST_LEVEL)
    if authority_ids is not None:
        qs = qs.filter(**{f"{authority_path}__in": authority_ids})
    return qs


def overdue_items(
    *, authority_ids: list[int] | None, authority_id: int | None = None, kind: str = ""
) -> list[OverdueItem]:
    """Open clocks escalated to the province, oldest due first; limited to one authority and clock kind if given."""
    labels = dict(EscalationRule.ClockKind.choices)
    items: list[OverdueItem] = []
    sources: tuple[tuple[str, QuerySet[Any], str], ...] = (
        ("complaints", Deadline.objects.select_related("complaint__authority", "complaint__institution"), "complaint"),
        (
            "disputes",
            DisputeDeadline.objects.select_related("dispute__complaint__authority", "dispute__complaint__institution"),
            "dispute__complaint",
        ),
    )
    for app, qs, path in sources:
        qs = _landed(qs, f"{path}__authority_id", authority_ids)
        if authority_id is not None:
            qs = qs.filter(**{f"{path}__authority_id": authority_id})
        if kind:
            if not kind.startswith(f"{app}."):
                continue
            qs = qs.filter(kind=kind.split(".", 1)[1])
        for clock in qs:
            if app == "complaints":
                complaint: Complaint = clock.complaint
                number, url = complaint.number, reverse("complaints:detail", args=[complaint.number])
            else:
                complaint = clock.dispute.complaint
                number, url = clock.dispute.number, reverse("disputes:detail", args=[clock.dispute.number])
            code = f"{app}.{clock.kind}"
            items.append(
                OverdueItem(
                    number=number,
                    url=url,
                    kind=code,
                    kind_label=str(labels.get(code, code)),
                    authority_id=complaint.authority_id,
                    authority=complaint.authority.name,
                    institution=complaint.institution.name,
                    due_date=clock.due_date,
                    escalated_to=clock.escalated_to,
                    escalation_due=clock.escalation_due,
                )
            )
    return sorted(items, key=lambda item: (item.due_date, item.number))


def overdue_counts(*, authority_ids: list[int] | None) -> list[OverdueCount]:
    """How many clocks escalated to the province are still open, per authority and clock kind."""
    labels = dict(EscalationRule.ClockKind.choices)
    counter: Counter[tuple[int, str]] = Counter()
    rows = _landed(Deadline.objects.all(), "complaint__authority_id", authority_ids).values_list(
        "complaint__authority_id", "kind"
    )
    counter.update((a, f"complaints.{k}") for a, k in rows)
    rows = _landed(DisputeDeadline.objects.all(), "dispute__complaint__authority_id", authority_ids).values_list(
        "dispute__complaint__authority_id", "kind"
    )
    counter.update((a, f"disputes.{k}") for a, k in rows)
    names = dict(Authority.objects.filter(pk__in={a for a, _k in counter}).values_list("pk", "name"))
    counts = [
        OverdueCount(authority_id=a, authority=names[a], kind=k, kind_label=str(labels.get(k, k)), count=n)
        for (a, k), n in counter.items()
    ]
    return sorted(counts, key=lambda c: (c.authority, c.kind))


# ---------------------------------------------------------------------------------------------
# Transfers


@dataclass(frozen=True)
class TransferRow:
    number: str
    url: str
    at: datetime
    reason: str
    from_line: str
    to_line: str
    to_authority: str


@dataclass(frozen=True)
class TransferGroup:
    key: str  # what the list behind the count is filtered by
    label: str
    count: int


NO_LINE = "—"
# Between the line that routed a complaint and the one that should have applied; a line's own name has "→".
LINE_ARROW = " ⇒ "


def _line_labels(events: list[Event]) -> dict[str, str]:
    ids = {e.data.get(k) for e in events for k in ("from_line_id", "line_id")} - {None, ""}
    return {str(line.pk): str(line) for line in SupervisionLine.objects.filter(pk__in=ids).select_related("authority")}


def transfers(*, complaints: QuerySet[Complaint], start: date, end: date) -> list[TransferRow]:
    """Transfers to another authority in the period (inclusive), newest first, with the line that routed
    the complaint and the one that should have applied."""
    tz = timezone.get_current_timezone()
    events = list(
        Event.objects.filter(
            kind=Event.Kind.TRANSFERRED,
            complaint__in=complaints,
            data__has_key="authority",
            at__gte=datetime.combine(start, time.min, tz),
            at__lte=datetime.combine(end, time.max, tz),
        )
        .select_related("complaint")
        .order_by("-at", "-id")
    )
    lines = _line_labels(events)
    return [
        TransferRow(
            number=e.complaint.number,
            url=reverse("complaints:detail", args=[e.complaint.number]),
            at=e.at,
            reason=e.note.strip(),
            from_line=lines.get(str(e.data.get("from_line_id", "")), NO_LINE),
            to_line=lines.get(str(e.data.get("line_id", "")), NO_LINE),
            to_authority=str(e.data.get("authority", "")),
        )
        for e in events
    ]


def by_reason(rows: list[TransferRow]) -> list[TransferGroup]:
    counts = Counter(row.reason for row in rows)
    return [TransferGroup(key=r, label=r, count=n) for r, n in counts.most_common()]


def by_line(rows: list[TransferRow]) -> list[TransferGroup]:
    counts = Counter(f"{row.from_line}{LINE_ARROW}{row.to_line}" for row in rows)
    return [TransferGroup(key=k, label=k, count=n) for k, n in counts.most_common()]


def transfers_in_group(rows: list[TransferRow], *, reason: str = "", lines: str = "") -> list[TransferRow]:
    if reason:
        rows = [row for row in rows if row.reason == reason]
    if lines:
        rows = [row for row in rows if f"{row.from_line}{LINE_ARROW}{row.to_line}" == lines]
    return rows
