"""Reads of the trail shared by the auditor's page and its export."""

from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from xiaobao.audit.models import Record


def _day_start(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def trail_filtered(rows: QuerySet[Record], filters: dict[str, Any]) -> QuerySet[Record]:
    """The filters as the auditor means them: whole local days, the exact username, the number exactly."""
    if "date_from" in filters:
        rows = rows.filter(at__gte=_day_start(filters["date_from"]))
    if "date_to" in filters:
        rows = rows.filter(at__lt=_day_start(filters["date_to"] + timedelta(days=1)))
    if "user" in filters:
        rows = rows.filter(username=filters["user"].strip())
    if "kind" in filters:
        rows = rows.filter(kind=filters["kind"])
    if "object_id" in filters:
        rows = rows.filter(object_id=filters["object_id"].strip())
    if "address" in filters:
        rows = rows.filter(address=filters["address"])
    return rows.order_by("-id")
