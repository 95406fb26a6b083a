"""Tables of the shared machinery."""

from django.db import models


class NumberSequence(models.Model):
    """The last readable number handed out for one prefix on one day (JL complaints, JB reports, ...).

    The table began as the complaints' own sequence, whose rows are the JL ones; it keeps its name."""

    prefix = models.CharField(max_length=8, default="JL")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "complaints_numbersequence"
        constraints = [models.UniqueConstraint(fields=["prefix", "day"], name="core_numbersequence_prefix_day")]

    def __str__(self) -> str:
        return f"{self.prefix} {self.day} #{self.last}"
