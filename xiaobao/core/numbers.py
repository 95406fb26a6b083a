"""Readable numbers: PREFIX-YYYYMMDD-NNNNNN, read out over the phone, unique, in order within a day.

One counter row per prefix and day (NumberSequence). Taking numbers increments the row first and then
reads it in the same transaction: the increment takes the row's lock on PostgreSQL and the write lock on
SQLite, so two writers never read the same value, and a rolled-back transaction gives its numbers back.
A day's row is created on first use, starting after the highest number of that day already in the
table the numbers are for (`used`), so rows written before the counter existed are never numbered again.
"""

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Manager, QuerySet

from xiaobao.core.models import NumberSequence

# The rows numbers go into (Complaint.objects), searched for numbers given before the counter existed.
Used = QuerySet[Any] | Manager[Any]

DIGITS = 6
# Creating a day's row can lose a race to another writer once; then its row exists and is incremented.
ATTEMPTS = 3


def number_format(prefix: str, day: date, n: int) -> str:
    return f"{prefix}-{day:%Y%m%d}-{n:0{DIGITS}d}"


def _highest_used(used: Used | None, field: str, prefix: str, day: date) -> int:
    if used is None:
        return 0
    stem = f"{prefix}-{day:%Y%m%d}-"
    last = used.filter(**{f"{field}__startswith": stem}).order_by(f"-{field}").values_list(field, flat=True).first()
    return int(last[len(stem) :]) if last else 0


def _reserve(prefix: str, day: date, count: int, used: Used | None, field: str) -> int:
    """Reserve count numbers; returns the first."""
    for _attempt in range(ATTEMPTS):
        with transaction.atomic():
            rows = NumberSequence.objects.filter(prefix=prefix, day=day)
            if rows.update(last=F("last") + count):
                return rows.values_list("last", flat=True).get() - count + 1
        start = _highest_used(used, field, prefix, day)
        try:
            with transaction.atomic():
                NumberSequence.objects.create(prefix=prefix, day=day, last=start + count)
            return start + 1
        except IntegrityError:
            continue  # another writer created the day's row first: increment it instead
    raise RuntimeError(f"could not allocate a {prefix} number for {day}")


def number_next(prefix: str, *, day: date, used: Used | None = None, field: str = "number") -> str:
    """The next number for the prefix on that day, e.g. number_next("JL", day=...) -> "JL-20261127-000123".

    `used` is the table the numbers go into (Complaint.objects); call inside the transaction that writes
    the row, so a failed write does not use the number up."""
    return number_format(prefix, day, _reserve(prefix, day, 1, used, field))


def numbers_reserve(
    prefix: str, counts: Mapping[date, int], *, used: Used | None = None, field: str = "number"
) -> dict[date, Iterator[str]]:
    """Reserve a run of numbers for each day at once (a bulk import): {day: the day's numbers in order}."""
    runs: dict[date, Iterator[str]] = {}
    for day in sorted(counts):
        count = counts[day]
        first = _reserve(prefix, day, count, used, field) if count else 1
        runs[day] = iter([number_format(prefix, day, n) for n in range(first, first + count)])
    return runs
