"""Row locks for state transitions."""

from typing import TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def lock(obj: M, *, related: tuple[str, ...] = ()) -> M:
    """Re-read the row under a lock, so two people acting at once cannot both pass the state check.

    Call it inside the transition's transaction. Only the row itself is locked (`of=self`): the rows
    joined by `related` are read with it but stay free, and may be nullable joins PostgreSQL cannot lock.
    On SQLite the transaction's write lock already serialises writers and the clause is ignored.
    """
    manager = type(obj)._default_manager
    return manager.select_for_update(of=("self",)).select_related(*related).get(pk=obj.pk)
