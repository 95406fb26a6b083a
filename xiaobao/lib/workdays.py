"""Working-day arithmetic on an official calendar.

The calendar is passed in as the set of exceptions to the Monday–Friday rule: public holidays that
fall on weekdays (is_workday False) and make-up working weekends, 调休 (is_workday True). Keeping
these functions pure lets the deadline engine be tested without a database.
"""

from collections.abc import Mapping
from datetime import date, timedelta


def is_workday(day: date, exceptions: Mapping[date, bool]) -> bool:
    if day in exceptions:
        return exceptions[day]
    return day.weekday() < 5


def next_workday(day: date, exceptions: Mapping[date, bool]) -> date:
    """The day itself when it is a working day, otherwise the first working day after it."""
    while not is_workday(day, exceptions):
        day += timedelta(days=1)
    return day


def add_workdays(start: date, count: int, exceptions: Mapping[date, bool]) -> date:
    """The count-th working day after start (start itself is day 0, as statutes count)."""
    day = start
    remaining = count
    while remaining > 0:
        day += timedelta(days=1)
        if is_workday(day, exceptions):
            remaining -= 1
    return day


def add_calendar_days(start: date, count: int, exceptions: Mapping[date, bool]) -> date:
    """count natural days after start; a period whose last day is a rest day ends on the next
    working day (the general rule for periods in Chinese law, e.g. Civil Code art. 203)."""
    return next_workday(start + timedelta(days=count), exceptions)


def workdays_between(start: date, end: date, exceptions: Mapping[date, bool]) -> int:
    """Working days after start up to and including end (0 when end <= start)."""
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_workday(day, exceptions):
            count += 1
    return count
