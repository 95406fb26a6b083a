"""Load the reference data files and the official working calendar; safe to run again."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xiaobao.registry.services import calendar_seed, reference_load


class Command(BaseCommand):
    help = "载入基础数据（行政区划、监管部门、监管分工、机构、投诉分类、字典、时限规则）并写入法定节假日调整。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-calendar", action="store_true", help="不写入节假日调整")

    def handle(self, *args: Any, no_calendar: bool = False, **options: Any) -> None:
        counts = reference_load()
        changed = counts.pop("changed")
        for kind, n in counts.items():
            self.stdout.write(f"{kind:<20} {n:>5}")
        self.stdout.write(self.style.SUCCESS(f"reference rows created or changed: {changed}"))
        if not no_calendar:
            written = calendar_seed()
            self.stdout.write(self.style.SUCCESS(f"calendar days created or changed: {written}"))
