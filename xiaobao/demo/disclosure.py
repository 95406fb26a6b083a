"""The public complaint database of the demo: the scrubbed projection and the full-data file, built from
the demo complaints the way the nightly job builds them."""

from xiaobao.disclosure.models import PublicBuild
from xiaobao.disclosure.services import full_data_write, public_rebuild


def disclosure_seed() -> str | None:
    """Build the projection and the file; None when a build has run already (the nightly job
    keeps it up to date from then on)."""
    if PublicBuild.objects.exists():
        return None
    build = public_rebuild()
    rows = full_data_write()
    return f"public database: {build.complaints} published, {build.written} written; full-data file {rows} rows"
