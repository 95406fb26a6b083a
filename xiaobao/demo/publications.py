"""Demo disclosure reports: past quarters and years published from the public database (built first by
`xiaobao.demo.disclosure`)."""

from datetime import date

from django.utils import timezone

from xiaobao.accounts.models import User
from xiaobao.demo.accounts import DEMO_REGULATOR
from xiaobao.publications.models import Publication
from xiaobao.publications.services import period_of, publication_draft, publication_publish

QUARTERS = 4


def _ended_periods(today: date, quarters: int) -> list[tuple[int, int | None]]:
    """The last `quarters` ended quarters, newest last, with each ended year after its fourth quarter."""
    year, quarter = today.year, (today.month - 1) // 3  # the quarter before this one
    periods: list[tuple[int, int | None]] = []
    for _i in range(quarters):
        if quarter == 0:
            year, quarter = year - 1, 4
        periods.append((year, quarter))
        if quarter == 4:
            periods.append((year, None))
        quarter -= 1
    return periods[::-1]


def publications_seed(*, quarters: int = QUARTERS, leave_draft: bool = True) -> str | None:
    """Publish the last `quarters` ended quarters and the years among them, the newest left as a draft for
    the demo regulator to review unless `leave_draft` is off; None when all of them exist already."""
    reviewer = User.objects.get(username=DEMO_REGULATOR)
    periods = _ended_periods(timezone.localdate(), quarters)
    done: list[str] = []
    for i, (year, quarter) in enumerate(periods):
        number, *_rest = period_of(year=year, quarter=quarter)
        if Publication.objects.filter(number=number).exists():
            continue
        publication = publication_draft(year=year, quarter=quarter, by=reviewer)
        if leave_draft and i == len(periods) - 1:
            done.append(f"{number} (draft, for review)")
            continue
        publication_publish(publication=publication, by=reviewer)
        done.append(number)
    return f"reports: {', '.join(done)}" if done else None
