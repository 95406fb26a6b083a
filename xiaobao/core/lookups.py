"""Integers from the outside that no database column can hold.

A list of ids from a form, a filter or the API (`rights=<40 digits>`) reached the database as an
`IN (…)` list, which SQLite refuses with OverflowError and PostgreSQL with an out-of-range error:
a server error. Django already answers "no match" for such a value in `=`, `<` and `>`; this does
the same for `IN`, so every multiple-choice field built on a queryset reports the value as an
invalid choice, under its own name, like any other unknown id.
"""

from typing import Any

from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerFieldIn(In):
    def as_sql(self, compiler: Any, connection: Any) -> Any:
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int) or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().as_sql(compiler, connection)


def register() -> None:
    IntegerField.register_lookup(IntegerFieldIn)
