"""Demo disclosure reports for `make run`: past quarters and years published from the public database
(built first by `seed_demo_disclosure`)."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from xiaobao.accounts.models import User
from xiaobao.publications.models import Publication
from xiaobao.publications.services import period_of, publication_draft, publication_publish

REVIEWER = "demo-regulator"


def _ended_periods(today: date, quarters: int) -> list[tuple[int, int | None]]:
    """The last `quarters` ended quarters, newest last, with each ended year after its fourth quarter."""
    year, quarter = today.year, (today.month - 1) // 3  # the quarter before this one
    periods: list[tuple[int, int | None]] = []
    for _i in range(quarters):
        if quarter == 0:
            year, quarter = year - 1, 4
        periods.append((year, quarter))
        if quarter == 4:
            periods.append((year, None))
        quarter -= 1
    return periods[::-1]


class Command(BaseCommand):
    help = "为演示发布最近几个季度和年度的投诉情况通报（已有的不重复生成；先运行 seed_demo_disclosure）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quarters", type=int, default=4, help="发布最近几个已结束的季度（默认 %(default)s）")
        parser.add_argument(
            "--leave-draft", action="store_true", help="最近一期只生成草稿，留给监管人员审核（默认全部发布）"
        )

    def handle(self, *args: Any, quarters: int, leave_draft: bool, **options: Any) -> None:
        reviewer = User.objects.get(username=REVIEWER)
        periods = _ended_periods(timezone.localdate(), quarters)
        for i, (year, quarter) in enumerate(periods):
            number, *_rest = period_of(year=year, quarter=quarter)
            if Publication.objects.filter(number=number).exists():
                continue
            publication = publication_draft(year=year, quarter=quarter, by=reviewer)
            if leave_draft and i == len(periods) - 1:
                self.stdout.write(f"{number}: draft left for review")
                continue
            publication_publish(publication=publication, by=reviewer)
            self.stdout.write(f"{number}: published")
