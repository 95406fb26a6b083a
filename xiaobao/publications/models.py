"""Regular disclosure reports (§15 定期公布): a quarter's or a year's complaint figures, frozen when drafted.

A report keeps the figures it was drafted with (`figures`), so what a regulator reviewed is exactly what
the public reads, however the live data moves afterwards. The PDF, the XLSX and the page are all drawn
from those frozen figures.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaobao.core.records import WrittenOnce


class Publication(models.Model):
    class Kind(models.TextChoices):
        QUARTER = "quarter", _("季度报告")
        YEAR = "year", _("年度报告")

    class Status(models.TextChoices):
        DRAFT = "draft", _("待审核")
        PUBLISHED = "published", _("已发布")
        WITHDRAWN = "withdrawn", _("已撤回")

    number = models.CharField(_("期号"), max_length=10, unique=True)  # 2026Q3, 2026
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    period_start = models.DateField(_("起始日期"))
    period_end = models.DateField(_("截止日期"))
    title = models.CharField(_("标题"), max_length=100)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    figures = models.JSONField(_("数据"), default=dict)
    data_as_of = models.DateTimeField(_("数据更新时间"), null=True, blank=True)
    drafted_at = models.DateTimeField(_("生成时间"))
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("发布人")
    )
    withdrawn_reason = models.TextField(_("撤回原因"), blank=True)

    class Meta:
        verbose_name = _("披露报告")
        verbose_name_plural = _("披露报告")
        ordering = ["-period_end", "kind"]
        constraints = [
            models.CheckConstraint(condition=models.Q(period_start__lte=models.F("period_end")), name="period_in_order")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED


class PublicationEvent(WrittenOnce):
    """What happened to a report and who did it: the audit trail of a publication. Never edited."""

    class Kind(models.TextChoices):
        DRAFTED = "drafted", _("生成草稿")
        REDRAFTED = "redrafted", _("重新生成")
        PUBLISHED = "published", _("审核发布")
        WITHDRAWN = "withdrawn", _("撤回")

    publication = models.ForeignKey(Publication, models.CASCADE, related_name="events")
    kind = models.CharField(_("事项"), max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("操作人")
    )
    at = models.DateTimeField(_("时间"))
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("披露报告记录")
        verbose_name_plural = _("披露报告记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.publication.number} {self.get_kind_display()}"


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)
