"""Commands that read the reference data say what is missing and how to load it, on a database without it."""

import tempfile
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase

from xiaobao.registry.models import CalendarDay, DeadlineRuleSet
from xiaobao.registry.reference import reference_data_missing

COMMANDS: list[tuple[str, ...]] = [
    ("import_complaints", "FILE"),
    ("import_penalties", "FILE", "--by", "nobody"),
    ("import_size_figures", "FILE"),
    ("warning_scan",),
    ("rebuild_public",),
    ("send_deadline_warnings",),
    ("sweep_dispute_deadlines",),
    ("seed_demo",),
]


class ReferenceRequiredTests(TestCase):
    def test_it_finds_nothing_missing_once_the_reference_data_is_loaded(self) -> None:
        self.assertEqual(reference_data_missing(), [])

    def test_it_names_what_is_missing_and_the_command_that_loads_it(self) -> None:
        CalendarDay.objects.all().delete()
        DeadlineRuleSet.objects.all().delete()
        with tempfile.TemporaryDirectory() as tmp:
            file = Path(tmp) / "rows.csv"
            file.write_text("a,b\n1,2\n", encoding="utf-8")
            for command in COMMANDS:
                args = [str(file) if arg == "FILE" else arg for arg in command[1:]]
                with self.subTest(command=command[0]), self.assertRaises(CommandError) as raised:
                    call_command(command[0], *args)
                message = str(raised.exception)
                self.assertIn("manage.py load_reference", message)
                self.assertIn("working-day calendar", message)
                self.assertIn("deadline rules", message)
                self.assertNotIn("institutions", message)
