"""Rebuild the public complaint database now (the nightly task does the same)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xiaobao.disclosure.services import public_rebuild
from xiaobao.registry.reference import require_reference_data


class Command(BaseCommand):
    help = "更新公开投诉数据库（去除个人信息的公开投影）；--full 重建全部记录。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--full", action="store_true", help="重建每一条记录，而不只是有变化的")

    def handle(self, *args: Any, full: bool, **options: Any) -> None:
        require_reference_data()
        build = public_rebuild(full=full)
        assert build.finished_at is not None  # stamped when the build completes
        seconds = (build.finished_at - build.started_at).total_seconds()
        self.stdout.write(
            f"complaints {build.complaints}, written {build.written}, unchanged {build.unchanged}, "
            f"removed {build.removed}, {seconds:.1f} s"
        )
