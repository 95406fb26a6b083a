from typing import Any

from django.core.management.base import BaseCommand

from xiaobao.accounts.policy import security_policy
from xiaobao.audit import trail


class Command(BaseCommand):
    help = "Remove audit records older than the security policy's retention period, keeping the chain checkable."

    def handle(self, *args: Any, **options: Any) -> None:
        days = security_policy().audit_retention_days
        removed = trail.purge(retention_days=days)
        self.stdout.write(f"removed {removed} audit records older than {days} days")
