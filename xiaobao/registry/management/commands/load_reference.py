"""Load the reference data files and the official working calendar; safe to run again."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xiaobao.registry.models import Institution
from xiaobao.registry.services import calendar_seed, reference_load


class Command(BaseCommand):
    help = "载入基础数据（行政区划、监管部门、监管分工、机构、投诉分类、字典、时限规则）并写入法定节假日调整。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-calendar", action="store_true", help="不写入节假日调整")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="仅在尚无基础数据时载入（make run 使用，避免覆盖管理员在后台所做的修改）",
        )

    def handle(self, *args: Any, no_calendar: bool = False, if_empty: bool = False, **options: Any) -> None:
        if if_empty and Institution.objects.exists():
            self.stdout.write("reference data already present")
            return
        counts = reference_load()
        changed = counts.pop("changed")
        for kind, n in counts.items():
            self.stdout.write(f"{kind:<20} {n:>5}")
        self.stdout.write(self.style.SUCCESS(f"reference rows created or changed: {changed}"))
        if not no_calendar:
            written = calendar_seed()
            self.stdout.write(self.style.SUCCESS(f"calendar days created or changed: {written}"))
