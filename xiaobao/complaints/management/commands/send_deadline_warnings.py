"""Run the deadline clock once: what cron or an operator runs when no clock process is running."""

from typing import Any

from django.core.management.base import BaseCommand

from xiaobao.complaints.services import deadlines_sweep
from xiaobao.registry.reference import require_reference_data


class Command(BaseCommand):
    help = "执行一次办理时限检查：到期预警、超期督办、核查申请期届满自动办结。"

    def handle(self, *args: Any, **options: Any) -> None:
        require_reference_data()
        counts = deadlines_sweep()
        self.stdout.write(f"warned {counts['warned']}, supervised {counts['supervised']}, closed {counts['closed']}")
