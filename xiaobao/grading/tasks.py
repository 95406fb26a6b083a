from django.utils import timezone
from django_tasks import task


@task()
def scan_product_signals() -> int:
    """The daily product scan, for the task worker: how many re-gradings it proposed."""
    from xiaobao.grading.services import grading_scan

    return len(grading_scan(on=timezone.localdate()))
