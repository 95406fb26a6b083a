"""Fill the database with the demo data set `make run` shows; a second run finds it there and returns."""

import time
import unicodedata
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xiaobao.complaints.models import Complaint
from xiaobao.demo.complaints import DEFAULT_COMPLAINTS, DemoReferenceMissing
from xiaobao.demo.generator import DEFAULT_SEED
from xiaobao.demo.seed import Stage, demo_seed
from xiaobao.registry.reference import require_reference_data


def _pad(text: str, width: int) -> str:
    """Left-align in a terminal column: a Chinese character takes two cells."""
    cells = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - cells)


class Command(BaseCommand):
    # make run runs the checks once, in runserver; importing every URL and view here as well costs seconds.
    requires_system_checks: list[str] = []
    help = (
        "写入演示数据（已存在的部分跳过）：演示账户，近24个月经真实办理流程产生的投诉，非法集资举报，行政处罚，"
        "纠纷调解，评估评级，监测预警，分类模型，公开投诉数据库和投诉情况通报（最近一期留作草稿）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--complaints", type=int, default=DEFAULT_COMPLAINTS, help="投诉数量（默认 %(default)s）")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="随机种子，同一种子生成同样的数据")
        parser.add_argument("--force", action="store_true", help="删除已有演示投诉后重新生成")
        parser.add_argument(
            "--publish-all", action="store_true", help="最近一期通报也直接发布（默认留作草稿，供监管人员审核）"
        )

    def handle(self, *args: Any, complaints: int, seed: int, force: bool, publish_all: bool, **options: Any) -> None:
        if complaints < 0:
            raise CommandError("--complaints must be 0 or more")
        require_reference_data()
        started = time.monotonic()

        def said(stage: Stage) -> None:
            if stage.said is not None:
                self.stdout.write(f"{stage.said} ({stage.seconds:.1f} s, CPU {stage.cpu_seconds:.1f} s)")

        try:
            result = demo_seed(
                complaints=complaints,
                seed=seed,
                force=force,
                leave_draft=not publish_all,
                out=self.stdout,
                on_stage=said,
            )
        except DemoReferenceMissing as error:
            raise CommandError(f"{error}; run `manage.py load_reference` first") from error
        if not result.wrote_anything:
            self.stdout.write("demo data already present")
            return
        if result.complaints is not None:
            self._complaint_table(result.complaints)
        self.stdout.write(self.style.SUCCESS(f"demo data written in {time.monotonic() - started:.1f} s"))

    def _complaint_table(self, result: dict[str, Any]) -> None:
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
