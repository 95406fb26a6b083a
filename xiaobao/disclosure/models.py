"""The public complaint database: a scrubbed projection of the private complaints, and its rules.

Public pages and the public API read only PublicComplaint. It holds no foreign key to the private
complaint (only the source row's id, to rebuild it), so no query from the public side can join its
way to a name, a phone number or an unpublished narrative.
"""

from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xiaobao.registry.models import Category, Institution


class DisclosureSettings(models.Model):
    """How much detail the public sees: small-number suppression and region coarsening."""

    valid_from = models.DateField(_("生效日期"), unique=True)
    # UK Financial Ombudsman practice: counts under 10 are shown as "<10".
    small_count_below = models.PositiveSmallIntegerField(_("小数值隐藏阈值"), default=10)
    # FOS/FCA: a firm appears in the per-firm tables only with at least 30 complaints in the period.
    institution_min_complaints = models.PositiveIntegerField(_("机构列入排名的最少投诉量"), default=30)
    # A county with fewer complaints than this is published as its city, so a rare complaint
    # from a small county cannot point at one household.
    county_min_complaints = models.PositiveIntegerField(_("公开到县级的最少投诉量"), default=30)
    # CFPB caps paging at 10,000 results and an export at 100,000 rows.
    page_size_max = models.PositiveSmallIntegerField(_("每页最多条数"), default=100)
    result_window_max = models.PositiveIntegerField(_("可翻页的最多结果数"), default=10_000)
    export_max_rows = models.PositiveIntegerField(_("单次导出最多行数"), default=100_000)
    # Anyone can export without signing in, as often as the security policy's hourly limit allows: a
    # smaller batch each, the daily full-data file being the way to everything at once.
    anonymous_export_max_rows = models.PositiveIntegerField(
        _("未登录用户单次导出最多行数"),
        default=10_000,
        help_text=_("不超过单次导出最多行数；更多数据请下载每日全量文件。"),
    )
    # Quarterly reports are drafted this many days after the quarter ends: 15 days is the institutions'
    # answer time, so most of the quarter's last complaints have been answered by then.
    publication_draft_after_days = models.PositiveSmallIntegerField(_("季度结束后生成通报草稿的天数"), default=15)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("信息公开规则")
        verbose_name_plural = _("信息公开规则")

    def __str__(self) -> str:
        return f"{self.valid_from}"


# The first rules take effect with the platform's public database.
DISCLOSURE_SETTINGS_FROM = date(2016, 12, 1)


class PublicComplaint(models.Model):
    """One complaint as the public sees it. Written only by the projection build."""

    class Response(models.TextChoices):
        # CFPB's company_response: a fixed list, so the public can count and compare answers.
        MONETARY = "monetary", _("已办结：退还或补偿金钱")
        NON_MONETARY = "non_monetary", _("已办结：采取非金钱补救措施")
        EXPLANATION = "explanation", _("已办结：作出解释说明")
        IN_PROGRESS = "in_progress", _("办理中")
        MEDIATION = "mediation", _("转入调解")

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("支持诉求")
        PARTLY = "partly", _("部分支持")
        NOT_UPHELD = "not_upheld", _("不支持")

    source_id = models.BigIntegerField(unique=True)
    number = models.CharField(_("投诉编号"), max_length=24, unique=True)
    fingerprint = models.CharField(max_length=32)

    date_received = models.DateField(_("收到日期"))
    date_sent = models.DateField(_("转办机构日期"), null=True)
    date_answered = models.DateField(_("机构答复日期"), null=True)
    date_closed = models.DateField(_("办结日期"), null=True)

    institution = models.ForeignKey(Institution, models.PROTECT, related_name="+", verbose_name=_("被投诉机构"))
    # No index of their own: the (group, date) and (product, date) indexes below lead with them.
    group = models.ForeignKey(Institution, models.PROTECT, related_name="+", verbose_name=_("所属机构"), db_index=False)
    institution_name = models.CharField(_("被投诉机构"), max_length=100)
    business = models.ForeignKey(Category, models.PROTECT, related_name="+", verbose_name=_("业务类别"))
    product = models.ForeignKey(Category, models.PROTECT, related_name="+", verbose_name=_("业务大类"), db_index=False)
    cause = models.ForeignKey(Category, models.PROTECT, null=True, related_name="+", verbose_name=_("投诉原因"))
    channel = models.ForeignKey(Category, models.PROTECT, null=True, related_name="+", verbose_name=_("办理渠道"))
    submitted_via = models.CharField(_("投诉渠道"), max_length=10)

    region_code = models.CharField(_("地区代码"), max_length=6, blank=True)
    region_name = models.CharField(_("地区"), max_length=50, blank=True)
    prefecture_code = models.CharField(max_length=6, blank=True)

    response = models.CharField(_("机构答复"), max_length=14, choices=Response.choices)
    outcome = models.CharField(_("处理结果"), max_length=12, choices=Outcome.choices, blank=True)
    timely = models.BooleanField(_("按时答复"), null=True)
    days_to_answer = models.PositiveIntegerField(_("答复用时（天）"), null=True)
    review_requested = models.BooleanField(_("申请核查"), default=False)
    mediation = models.BooleanField(_("转入调解"), default=False)
    satisfaction = models.PositiveSmallIntegerField(_("满意度"), null=True)

    summary = models.CharField(_("投诉事项"), max_length=200, blank=True)
    narrative = models.TextField(_("投诉内容"), blank=True)
    has_narrative = models.BooleanField(_("公开投诉内容"), default=False)
    # jieba tokens separated by spaces, what SQLite FTS5 and PostgreSQL's tsvector index (see
    # xiaobao/disclosure/search.py): the narrative's, and the rest's (summary, categories, institution).
    narrative_tokens = models.TextField(blank=True)
    context_tokens = models.TextField(blank=True)
    built_at = models.DateTimeField()

    class Meta:
        ordering = ["-date_received", "-id"]
        verbose_name = _("公开投诉")
        verbose_name_plural = _("公开投诉")
        indexes = [
            # Every column institution statistics count, after the date: the days at either end of a
            # range (the monthly totals answer the rest) are counted from this index alone.
            models.Index(
                fields=[
                    "date_received",
                    "group",
                    "product",
                    "timely",
                    "outcome",
                    "satisfaction",
                    "review_requested",
                    "mediation",
                    "days_to_answer",
                ],
                name="public_date_stats",
            ),
            models.Index(fields=["group", "date_received"]),
            models.Index(fields=["product", "date_received"]),
            models.Index(fields=["prefecture_code", "date_received"]),
        ]

    def __str__(self) -> str:
        return self.number


class PublicBuild(models.Model):
    """One run of the projection build: when the public data was last updated, and what changed."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True)
    full = models.BooleanField(default=False)
    complaints = models.PositiveIntegerField(default=0)
    written = models.PositiveIntegerField(default=0)
    removed = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("公开数据更新记录")
        verbose_name_plural = _("公开数据更新记录")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M}"


class PublicMonth(models.Model):
    """Monthly totals of the projection per institution (head of its tree) and product, rewritten by
    every build. Statistics and trends that ask only about whole months read these few thousand rows
    instead of counting a million (see selectors._sources); the measures are the projection's own
    conditional counts, summed."""

    month = models.DateField()
    group = models.ForeignKey(Institution, models.CASCADE, related_name="+")
    product = models.ForeignKey(Category, models.CASCADE, related_name="+")
    complaints = models.PositiveIntegerField()
    timely_yes = models.PositiveIntegerField()
    timely_known = models.PositiveIntegerField()
    answered = models.PositiveIntegerField()
    upheld = models.PositiveIntegerField()
    surveyed = models.PositiveIntegerField()
    satisfied = models.PositiveIntegerField()
    satisfaction_sum = models.PositiveIntegerField()
    reviews = models.PositiveIntegerField()
    mediations = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "group", "product"], name="public_month_key")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.group_id} {self.product_id}"


class PublicMonthDays(models.Model):
    """How many complaints of an institution answered in a month took each number of days: the
    histogram a median is read from, so medians need no pass over the rows either."""

    month = models.DateField()
    group = models.ForeignKey(Institution, models.CASCADE, related_name="+")
    days_to_answer = models.PositiveIntegerField()
    complaints = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["month", "group", "days_to_answer"], name="public_month_days_key")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.group_id} {self.days_to_answer}"
