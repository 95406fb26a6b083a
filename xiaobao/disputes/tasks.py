from django_tasks import task


@task()
def sweep_dispute_deadlines() -> dict[str, int]:
    from xiaobao.disputes.services import disputes_sweep

    return disputes_sweep()
