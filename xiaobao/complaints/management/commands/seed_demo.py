"""Fill the database with the demo data set `make run` shows; a second run reuses what is there."""

import time
import unicodedata
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test.utils import override_settings

from xiaobao.complaints.demo import DEFAULT_COMPLAINTS, DEFAULT_SEED, DemoReferenceMissing, demo_seed
from xiaobao.complaints.models import Complaint


def _pad(text: str, width: int) -> str:
    """Left-align in a terminal column: a Chinese character takes two cells."""
    cells = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - cells)


class Command(BaseCommand):
    help = "写入演示数据：演示账户，以及近24个月、经真实办理流程产生的投诉（已存在则跳过）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--complaints", type=int, default=DEFAULT_COMPLAINTS, help="投诉数量（默认 %(default)s）")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="随机种子，同一种子生成同样的数据")
        parser.add_argument("--force", action="store_true", help="删除已有演示投诉后重新生成")

    def handle(self, *args: Any, complaints: int, seed: int, force: bool, **options: Any) -> None:
        if complaints < 0:
            raise CommandError("--complaints must be 0 or more")
        started = time.monotonic()
        # `make run` sets DEBUG=1, and with it Django logs every query; on SQLite that costs an extra
        # statement per statement, for hundreds of thousands of statements nobody will read.
        try:
            with override_settings(DEBUG=False):
                result = demo_seed(complaints=complaints, seed=seed, force=force, out=self.stdout)
        except DemoReferenceMissing as error:
            raise CommandError(f"{error}; run `manage.py load_reference` first") from error
        if result is None:
            self.stdout.write("demo data already present")
            return
        if result["cleared"]:
            self.stdout.write(f"deleted {result['cleared']} earlier demo complaints")
        labels = dict(Complaint.Status.choices)
        self.stdout.write("")
        self.stdout.write(f"{'status':<18} {'':<12} {'count':>7}")
        for status, count in result["statuses"].items():
            self.stdout.write(f"{status:<18} {_pad(str(labels[status]), 12)} {count:>7}")
        self.stdout.write(f"{'total':<31} {sum(result['statuses'].values()):>7}")
        self.stdout.write("")
        self.stdout.write(
            f"closed with survey {result['closed_with_survey']}, without {result['closed_without_survey']}; "
            f"events {result['events']}, supervision notices {result['supervision_notices']}, "
            f"messages {result['messages']}"
        )
        if result["skipped"]:
            skipped = ", ".join(f"{kind} {n}" for kind, n in sorted(result["skipped"].items()))
            self.stdout.write(f"planned steps skipped because the complaint had moved on: {skipped}")
        self.stdout.write(self.style.SUCCESS(f"demo data written in {time.monotonic() - started:.1f} s"))
