"""Clocks: who must act on a case, by which date.

A clock is a row of an app's own table (a complaint's Deadline, a dispute's DisputeDeadline) built on
`Clock`. It is opened when a duty starts, closed when the duty is done or falls away, and extended when
the rules allow more time. "Overdue" is derived from the dates, never stored, so it cannot go stale.
Due dates are counted by the caller on the working-day calendar (xiaobao.registry.selectors
due_in_workdays / due_in_days): the calendar is reference data this layer does not read.
"""

from datetime import date, datetime
from typing import Any, Protocol, TypeVar

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
