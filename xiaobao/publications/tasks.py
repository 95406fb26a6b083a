from django_tasks import task


@task()
def draft_due_publications() -> list[str]:
    """Nightly: draft each ended quarter's (and year's) report once, for a provincial regulator to review."""
    from xiaobao.publications.services import publications_draft_due

    return [p.number for p in publications_draft_due()]
