from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xiaobao.core.time import today
from xiaobao.grading.services import grading_scan


class Command(BaseCommand):
    help = "Raise re-grading proposals for products whose complaints or refused checks show a signal."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--on", type=date.fromisoformat, default=None, help="scan as of this day (YYYY-MM-DD)")

    def handle(self, *args: Any, on: date | None = None, **options: Any) -> None:
        raised = grading_scan(on=on or today())
        for proposal in raised:
            self.stdout.write(f"{proposal}")
        self.stdout.write(f"{len(raised)} re-grading proposal(s) raised")
