from datetime import date, timedelta

from django.utils import timezone
from django_tasks import task


@task()
def scan_daily(*, as_of: str | None = None) -> dict[str, int]:
    """The daily early-warning scan, for the task worker: as of yesterday unless a day is given.

    Running it twice for one day raises nothing twice, so a clock may enqueue it more often than daily.
    """
    from xiaobao.warning.services import scan_run

    day = date.fromisoformat(as_of) if as_of else timezone.localdate() - timedelta(days=1)
    run = scan_run(as_of=day).run
    return {"series": run.series, "findings": run.findings, "raised": run.raised, "entities": run.entities}
