"""Records of what happened: audit trails that are written once and never changed or deleted."""

from typing import Any

from django.db import models


class WrittenOnce(models.Model):
    """A history line (an event, a computed score): written in the transaction of the change it records and
    then kept as it is, so the trail shows what was known and done at the time."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError(f"{type(self).__name__} rows are written once and never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError(f"{type(self).__name__} rows are written once and never deleted.")
