"""Run the dispute clock once: mediation requests the institution let lapse count as declined."""

from typing import Any

from django.core.management.base import BaseCommand

from xiaobao.disputes.services import disputes_sweep


class Command(BaseCommand):
    help = "检查纠纷化解时限：机构逾期未答复的调解申请视为不同意调解，并通知投诉人。"

    def handle(self, *args: Any, **options: Any) -> None:
        counts = disputes_sweep()
        self.stdout.write(f"expired {counts['expired']}")
