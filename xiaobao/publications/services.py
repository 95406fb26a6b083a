from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from xiaobao.accounts.models import User
from xiaobao.core import time as core_time
from xiaobao.publications.access import may_review
from xiaobao.publications.figures import publication_figures
from xiaobao.publications.models import Publication, PublicationEvent, quarter_bounds


def period_of(*, year: int, quarter: int | None) -> tuple[str, str, date, date]:
    """(number, kind, start, end) of a quarter's report, or of the year's when quarter is None."""
    if quarter is None:
        return str(year), Publication.Kind.YEAR, date(year, 1, 1), date(year, 12, 31)
    if quarter not in (1, 2, 3, 4):
        raise ValidationError(_("季度只能是 1 到 4。"))
    start, end = quarter_bounds(year, quarter)
    return f"{year}Q{quarter}", Publication.Kind.QUARTER, start, end


def _title(kind: str, year: int, quarter: int | None) -> str:
    # Titles are stored in the official language, like every record of the platform.
    if kind == Publication.Kind.YEAR:
        return f"吉林省金融消费投诉情况通报（{year}年度）"
    return f"吉林省金融消费投诉情况通报（{year}年第{quarter}季度）"


def _record(publication: Publication, kind: str, by: User | None, note: str = "") -> None:
    PublicationEvent.objects.create(publication=publication, kind=kind, actor=by, at=core_time.now(), note=note)


@transaction.atomic
def publication_draft(*, year: int, quarter: int | None, by: User | None, today: date | None = None) -> Publication:
    """Draft (or redraft) the report of a period that has ended, freezing today's public figures.

    A published report is never redrafted: it must be withdrawn first, with a reason the public sees.
    `by` is None when the nightly job drafts it.
    """
    if by is not None and not may_review(by):
        raise PermissionDenied(_("只有省级监管部门的工作人员可以生成披露报告。"))
    number, kind, start, end = period_of(year=year, quarter=quarter)
    if end >= (today or core_time.today()):
        raise ValidationError(_("%(number)s 期尚未结束，不能生成报告。") % {"number": number})
    # A report is a public record in the official language, whatever language its reviewer reads.
    with translation.override(settings.LANGUAGE_CODE):
        figures = publication_figures(start=start, end=end)
    as_of = figures["data_as_of"]
    values = {
        "kind": kind,
        "period_start": start,
        "period_end": end,
        "title": _title(kind, year, quarter),
        "figures": figures,
        "data_as_of": as_of and datetime.fromisoformat(as_of),
        "drafted_at": core_time.now(),
        "status": Publication.Status.DRAFT,
        "published_at": None,
        "published_by": None,
    }
    publication = Publication.objects.select_for_update().filter(number=number).first()
    if publication is None:
        publication = Publication.objects.create(number=number, **values)
        _record(publication, PublicationEvent.Kind.DRAFTED, by)
        return publication
    if publication.status == Publication.Status.PUBLISHED:
        raise ValidationError(_("%(number)s 期报告已发布；如需更正，请先撤回。") % {"number": number})
    for field, value in values.items():
        setattr(publication, field, value)
    publication.save()
    _record(publication, PublicationEvent.Kind.REDRAFTED, by)
    return publication


@transaction.atomic
def publication_publish(*, publication: Publication, by: User, note: str = "") -> Publication:
    if not may_review(by):
        raise PermissionDenied(_("只有省级监管部门的工作人员可以发布披露报告。"))
    publication = Publication.objects.select_for_update().get(pk=publication.pk)
    if publication.status != Publication.Status.DRAFT:
        raise ValidationError(_("只有待审核的报告可以发布。"))
    publication.status = Publication.Status.PUBLISHED
    publication.published_at = core_time.now()
    publication.published_by = by
    publication.withdrawn_reason = ""
    publication.save()
    _record(publication, PublicationEvent.Kind.PUBLISHED, by, note)
    return publication


@transaction.atomic
def publication_withdraw(*, publication: Publication, by: User, reason: str) -> Publication:
    if not may_review(by):
        raise PermissionDenied(_("只有省级监管部门的工作人员可以撤回披露报告。"))
    if not reason.strip():
        raise ValidationError(_("请说明撤回原因，公众会看到这一说明。"))
    publication = Publication.objects.select_for_update().get(pk=publication.pk)
    if publication.status != Publication.Status.PUBLISHED:
        raise ValidationError(_("只有已发布的报告可以撤回。"))
    publication.status = Publication.Status.WITHDRAWN
    publication.withdrawn_reason = reason.strip()
    publication.save()
    _record(publication, PublicationEvent.Kind.WITHDRAWN, by, reason.strip())
    return publication


def periods_due(*, today: date, draft_after_days: int) -> list[tuple[int, int | None]]:
    """The last ended quarter (and, early in a year, the last year) once draft_after_days have passed."""
    due: list[tuple[int, int | None]] = []
    quarter = (today.month - 1) // 3  # the quarter before this one; 0 means the last quarter of last year
    year = today.year if quarter else today.year - 1
    quarter = quarter or 4
    _start, end = quarter_bounds(year, quarter)
    if (today - end).days > draft_after_days:
        due.append((year, quarter))
        if quarter == 4:
            due.append((year, None))
    return due


def publications_draft_due(*, today: date | None = None) -> list[Publication]:
    """The nightly job: draft each ended period's report that does not exist yet, for a regulator to review."""
    from xiaobao.disclosure.selectors import disclosure_settings

    today = today or core_time.today()
    drafted = []
    for year, quarter in periods_due(today=today, draft_after_days=disclosure_settings().publication_draft_after_days):
        number, *_rest = period_of(year=year, quarter=quarter)
        if not Publication.objects.filter(number=number).exists():
            drafted.append(publication_draft(year=year, quarter=quarter, by=None, today=today))
    return drafted
