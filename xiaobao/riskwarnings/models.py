"""Public risk warnings (风险提示, seed §5): a regulator's or the fundraising department's plain-words warning
about a scheme, reviewed by a second person before the public reads it.

A warning may rest on evidence the platform already holds (an early-warning alert, a fundraising clue). The
evidence is a row of its own, named by kind and key, so that a new kind of evidence (a product's
re-grading, a black-list entry) is one more kind in `evidence.py`, never a change to the warning's table.
The evidence is staff-only: public pages, the feed and the API never read it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xiaobao.core.records import WrittenOnce
from xiaobao.registry.models import Authority, Region


class Audience(models.Model):
    """Who is at risk (老年人, 学生, 农村居民, 所有人): data, so a regulator can add a group in the admin."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    name_en = models.CharField(_("英文名称"), max_length=60, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("风险提示对象")
        verbose_name_plural = _("风险提示对象")

    def __str__(self) -> str:
        return self.name


class RiskWarning(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        IN_REVIEW = "in_review", _("待审核")
        PUBLISHED = "published", _("已发布")
        WITHDRAWN = "withdrawn", _("已撤回")

    number = models.CharField(_("编号"), max_length=24, unique=True)
    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("正文"))
    scheme = models.CharField(
        _("风险手法"),
        max_length=200,
        help_text=_("骗局或产品的特征，例如“以高额返利为诱饵推销养老项目”。"),
    )
    audiences = models.ManyToManyField(Audience, related_name="warnings", verbose_name=_("提示对象"))
    regions = models.ManyToManyField(Region, related_name="+", verbose_name=_("地区"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    authority = models.ForeignKey(Authority, models.PROTECT, related_name="+", verbose_name=_("发布部门"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("起草人"))
    created_at = models.DateTimeField(_("起草时间"))
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("审核人")
    )
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("撤回原因"), blank=True)

    class Meta:
        ordering = ["-published_at", "-created_at", "-id"]
        verbose_name = _("风险提示")
        verbose_name_plural = _("风险提示")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class Evidence(models.Model):
    """What a warning rests on, by kind and key (an alert's or a clue's number); shown to staff only."""

    warning = models.ForeignKey(RiskWarning, models.CASCADE, related_name="evidence", verbose_name=_("风险提示"))
    # One of evidence.KINDS; a plain string so that a new kind needs no migration of this table either.
    kind = models.CharField(_("依据类别"), max_length=24)
    key = models.CharField(_("依据编号"), max_length=64)
    label = models.CharField(_("依据摘要"), max_length=300, blank=True)
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    linked_at = models.DateTimeField()

    class Meta:
        ordering = ["linked_at", "id"]
        verbose_name = _("风险提示依据")
        verbose_name_plural = _("风险提示依据")
        constraints = [models.UniqueConstraint(fields=["warning", "kind", "key"], name="evidence_once_per_warning")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"


class WarningEvent(WrittenOnce):
    """One line of a warning's history: who drafted, changed, reviewed, published or withdrew it."""

    class Kind(models.TextChoices):
        DRAFTED = "drafted", _("起草")
        EDITED = "edited", _("修改")
        SUBMITTED = "submitted", _("提交审核")
        RETURNED = "returned", _("退回修改")
        PUBLISHED = "published", _("审核发布")
        WITHDRAWN = "withdrawn", _("撤回")

    warning = models.ForeignKey(RiskWarning, models.CASCADE, related_name="events")
    kind = models.CharField(_("事项"), max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("操作人"))
    at = models.DateTimeField(_("时间"))
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("风险提示记录")
        verbose_name_plural = _("风险提示记录")

    def __str__(self) -> str:
        return f"{self.warning_id} {self.kind}"
