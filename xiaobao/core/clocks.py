"""Clocks: who must act on a case, by which date.

A clock is a row of an app's own table (a complaint's Deadline, a dispute's DisputeDeadline) built on
`Clock`. It is opened when a duty starts, closed when the duty is done or falls away, and extended when
the rules allow more time. "Overdue" is derived from the dates, never stored, so it cannot go stale.
Due dates are counted by the caller on the working-day calendar (xiaobao.registry.selectors
due_in_workdays / due_in_days): the calendar is reference data this layer does not read.
"""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Literal, NamedTuple, Protocol, TypeVar

from django.db import models
from django.utils import timezone

from xiaobao.core.time import now


class Clock(models.Model):
    """A running clock on the working-day calendar: opened, due, closed. "Overdue" is derived, never stored."""

    opened_at = models.DateTimeField()
    start_date = models.DateField()
    due_date = models.DateField(db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        abstract = True

    def is_overdue(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        if self.closed_at:
            return timezone.localtime(self.closed_at).date() > self.due_date
        return today > self.due_date


C = TypeVar("C", bound=Clock)
C_co = TypeVar("C_co", bound=Clock, covariant=True)


class Clocks(Protocol[C_co]):
    """A case's clocks, as its reverse relation gives them (complaint.deadlines, dispute.deadlines)."""

    def create(self, **kwargs: Any) -> C_co: ...

    def filter(self, *args: Any, **kwargs: Any) -> "models.QuerySet[Any]": ...


def clock_open(
    clocks: Clocks[C],
    *,
    kind: str,
    party: str,
    due: date,
    opened_at: datetime | None = None,
    start: date | None = None,
    **fields: Any,
) -> C:
    """Start a clock for the party that must act, due on the date given. It starts now, unless the duty
    started earlier (a letter received last week and entered today counts from its receipt)."""
    opened_at = opened_at or now()
    start = start or timezone.localdate(opened_at)
    return clocks.create(kind=kind, party=party, opened_at=opened_at, start_date=start, due_date=due, **fields)


def clock_close(clocks: Clocks[C], *kinds: str) -> int:
    """Stop the case's running clocks of these kinds (all of them when none is named); returns how many.

    A clock already stopped keeps the moment it stopped, so whether it was met stays as it was."""
    running = clocks.filter(closed_at__isnull=True)
    if kinds:
        running = running.filter(kind__in=kinds)
    return running.update(closed_at=now())


def clock_extend(clock: C, *, due: date, **fields: Any) -> C:
    """Move a running clock's due date; other columns given (say a reset warning level) change with it."""
    clock.due_date = due
    for name, value in fields.items():
        setattr(clock, name, value)
    clock.save(update_fields=["due_date", *fields])
    return clock


# ---------------------------------------------------------------------------------------------
# Warnings and escalation: the same steps for every app's clocks

# An overdue clock escalates once; an escalation left overdue escalates once more, and there it stays:
# the second level is the province, whose dashboard lists what is still open.
LAST_LEVEL = 2


class Escalating(models.Model):
    """What the periodic clock has done about a clock: the last warning point reached, and how far an
    overdue clock has been escalated, to whom, and by when the one it went to must act."""

    warned_percent = models.PositiveSmallIntegerField(default=0)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(default=0, db_index=True)
    escalation_due = models.DateField(null=True, blank=True)
    escalated_to = models.CharField(max_length=200, blank=True)

    class Meta:
        abstract = True


class Step(NamedTuple):
    """What a clock needs now: a warning at a percentage of its time, or an escalation to a level."""

    action: Literal["warn", "escalate"]
    value: int


def clock_step(clock: Clock, *, warn_percents: Sequence[int], today: date) -> Step | None:
    """The next thing the periodic clock owes a running clock, or None.

    Before its due date: the highest warning point passed and not yet warned (each is warned once).
    After it: the first escalation; after the escalation's own due date: the second. A closed clock owes nothing."""
    if clock.closed_at is not None or not isinstance(clock, Escalating):
        return None
    if today <= clock.due_date:
        # In whole days, so 9 of 15 days is exactly 60 % (no floating-point shortfall).
        total = (clock.due_date - clock.start_date).days or 1
        elapsed = (today - clock.start_date).days
        reached = [p for p in warn_percents if elapsed * 100 >= p * total and p > clock.warned_percent]
        return Step("warn", max(reached)) if reached else None
    if clock.escalation_level == 0:
        return Step("escalate", 1)
    if clock.escalation_level < LAST_LEVEL and clock.escalation_due is not None and today > clock.escalation_due:
        return Step("escalate", clock.escalation_level + 1)
    return None


def clock_escalated(clock: C, *, level: int, due: date, to: str) -> C:
    """Record an escalation on the clock: its level, the one who must act now, by which date."""
    fields = {"escalation_level": level, "escalation_due": due, "escalated_to": to[:200], "escalated_at": now()}
    type(clock).objects.filter(pk=clock.pk).update(**fields)  # type: ignore[attr-defined]
    for name, value in fields.items():
        setattr(clock, name, value)
    return clock


def percents(text: str) -> list[int]:
    """Warning points written as "60,90"."""
    return sorted(int(p) for p in text.split(",") if p.strip())
