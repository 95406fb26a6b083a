"""Demo data for the public complaint database: build the projection and the full-data file from
whatever complaints the database holds (make run's demo complaints). Idempotent: a second run only
rewrites what changed."""

from typing import Any

from django.core.management.base import BaseCommand

from xiaobao.disclosure.services import full_data_write, public_rebuild


class Command(BaseCommand):
    help = "生成演示用的公开投诉数据（去除个人信息的公开投影和每日全量文件）。"

    def handle(self, *args: Any, **options: Any) -> None:
        build = public_rebuild()
        rows = full_data_write()
        self.stdout.write(
            f"public complaints: {build.complaints} published, {build.written} written, "
            f"{build.removed} removed; full-data file {rows} rows"
        )
