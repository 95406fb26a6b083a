from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from xiaobao.audit import trail


class Command(BaseCommand):
    help = "Walk the audit trail's hash chain: OK with the count, or the first broken link (exit status 1)."

    def handle(self, *args: Any, **options: Any) -> None:
        verdict = trail.verify()
        if verdict.ok:
            self.stdout.write(f"OK: {verdict.count} audit records, chain intact")
            return
        row = verdict.broken
        where = f"record {row.pk} at {timezone.localtime(row.at):%Y-%m-%d %H:%M:%S}" if row else "chain head"
        raise CommandError(f"broken link after {verdict.count} good records: {where}: {verdict.problem}")
