from django_tasks import task


@task()
def publish_nightly() -> dict[str, int]:
    """The nightly run: bring the public projection up to date, then write the full-data file."""
    from xiaobao.disclosure.services import full_data_write, public_rebuild

    build = public_rebuild()
    rows = full_data_write()
    return {"complaints": build.complaints, "written": build.written, "removed": build.removed, "file_rows": rows}
