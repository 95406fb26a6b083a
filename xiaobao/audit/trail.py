"""The one way to write the audit trail, and the walks that check and trim it.

Every app records through `record()`; nothing else writes `Record` rows. Writers take the lock on the
single `Chain` row, so two requests at once cannot both chain onto the same predecessor and fork the
trail (PostgreSQL: SELECT … FOR UPDATE; SQLite: the IMMEDIATE transaction's write lock).
"""

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import models, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from rest_framework.request import Request

from xiaobao.audit.models import GENESIS, Chain, Record
from xiaobao.core.language import on_the_record
from xiaobao.core.time import now

Kind = Record.Kind
CHAIN_PK = 1


def _address(value: str | None) -> str | None:
    """The address in its canonical form (the database would rewrite an IPv6 one, changing the hash)."""
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def request_address(request: HttpRequest | None) -> str | None:
    return _address(request.META.get("REMOTE_ADDR")) if request is not None else None


def _object_id(obj: models.Model) -> str:
    """The number people use for it (complaint, dispute, report number; a username), else its id."""
    for name in ("number", "username"):
        value = getattr(obj, name, None)
        if value:
            return str(value)
    return str(obj.pk)


def _locked_chain() -> Chain:
    Chain.objects.get_or_create(pk=CHAIN_PK)
    return Chain.objects.select_for_update().get(pk=CHAIN_PK)


@on_the_record
def record(
    kind: str,
    *,
    user: Any,
    request: HttpRequest | None = None,
    address: str | None = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    field: str = "",
    detail: Any = "",
    username: str = "",
) -> Record:
    """Append one record to the trail. `user` may be None or anonymous (a failed sign-in, a public
    export); `username` then says who was tried. The address comes from the request unless given.
    A lazy `detail` is written in the official language, like every case record."""
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if obj is not None:
        object_type, object_id = obj._meta.label_lower, _object_id(obj)
    with transaction.atomic():
        chain = _locked_chain()
        row = Record(
            at=now(),
            user=user,
            username=(username or (user.get_username() if user is not None else ""))[:150],
            address=_address(address) if address else request_address(request),
            kind=kind,
            object_type=object_type[:60],
            object_id=str(object_id)[:64],
            field=field[:200],
            detail=str(detail)[:500],
            prev_hash=chain.head_hash,
        )
        row.hash = row.computed_hash()
        row.save()
        chain.head_hash = row.hash
        chain.save(update_fields=["head_hash"])
    return row


def record_export(request: HttpRequest | Request, *, filename: str, obj: models.Model | None = None) -> Record:
    """An export leaves the platform: who took which file, with the filters that chose its rows."""
    return record(
        Kind.EXPORT,
        user=getattr(request, "user", None),
        address=request.META.get("REMOTE_ADDR"),
        obj=obj,
        field=filename,
        detail=request.GET.urlencode(),
    )


@dataclass(frozen=True)
class Verdict:
    count: int
    broken: Record | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken is None and not self.problem


def verify() -> Verdict:
    """Walk the chain from the anchor: each record must hash to its stored hash (else it was edited)
    and point at the one before it (else a predecessor was removed or rewritten); the newest must be
    the chain's head (else the newest records were removed)."""
    chain = Chain.objects.filter(pk=CHAIN_PK).first() or Chain(pk=CHAIN_PK)
    expected, count, last = chain.anchor_hash, 0, None
    for row in Record.objects.order_by("id").iterator(chunk_size=2000):
        if row.prev_hash != expected:
            return Verdict(count, row, _("前一条记录缺失或被改动：本条记录指向的前一条记录哈希与链上不符。"))
        if row.computed_hash() != row.hash:
            return Verdict(count, row, _("记录内容被改动：按内容重新计算的哈希与保存的哈希不符。"))
        expected, count, last = row.hash, count + 1, row
    if chain.head_hash != expected:
        return Verdict(count, last, _("最新的记录缺失：链头哈希与最后一条记录不符。"))
    return Verdict(count)


@on_the_record
def purge(*, retention_days: int, by: Any = None) -> int:
    """Remove the records older than the retention period and keep the chain checkable: the oldest
    kept record's previous hash becomes the anchor. The purge itself is then recorded."""
    cutoff: datetime = now() - timedelta(days=retention_days)
    with transaction.atomic():
        chain = _locked_chain()
        kept = Record.objects.filter(at__gte=cutoff).order_by("id").first()
        old = Record.objects.filter(id__lt=kept.id) if kept is not None else Record.objects.all()
        removed = old.count()
        if removed:
            chain.anchor_hash = kept.prev_hash if kept is not None else chain.head_hash
            chain.purged_before = cutoff
            chain.save(update_fields=["anchor_hash", "purged_before"])
            # QuerySet.delete, not Record.delete: the only path that removes audit records.
            old.delete()
    if removed:
        record(
            Kind.PURGE,
            user=by,
            detail=_("按保存期 %(days)s 天删除 %(count)s 条审计记录") % {"days": retention_days, "count": removed},
        )
    return removed


__all__ = ["GENESIS", "Kind", "Verdict", "purge", "record", "record_export", "request_address", "verify"]
