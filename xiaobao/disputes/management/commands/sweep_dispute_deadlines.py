"""Run the dispute clock once: lapsed mediation requests count as declined, overdue agreements are chased."""

from typing import Any

from django.core.management.base import BaseCommand

from xiaobao.disputes.services import disputes_sweep
from xiaobao.registry.reference import require_reference_data


class Command(BaseCommand):
    help = "检查纠纷化解时限：机构逾期未答复的调解申请视为不同意调解；协议逾期未确认履行的，提醒各方。"

    def handle(self, *args: Any, **options: Any) -> None:
        require_reference_data()
        counts = disputes_sweep()
        self.stdout.write(f"expired {counts['expired']}, reminded {counts['reminded']}")
