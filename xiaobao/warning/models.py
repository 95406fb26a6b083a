"""Monitoring and early warning: the rules of detection, the alerts they raise, the watch list of
suspected fundraising entities and the history of their risk index.

Warning only reads complaints and reports (through their selectors) and writes only these tables.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xiaobao.core.records import WrittenOnce
from xiaobao.registry.models import Authority, Institution, Region


class Level(models.TextChoices):
    """Red, orange and yellow warnings, as the Shenzhen police grade them (domain.md §7)."""

    RED = "red", _("红色")
    ORANGE = "orange", _("橙色")
    YELLOW = "yellow", _("黄色")


LEVEL_ORDER = {Level.YELLOW: 1, Level.ORANGE: 2, Level.RED: 3}


class Granularity(models.TextChoices):
    DAY = "day", _("日")
    WEEK = "week", _("周")
    MONTH = "month", _("月")


class WarningSettings(models.Model):
    """How complaint series are judged: history windows, minimum volumes, tail probabilities.

    A series' expected count is its share of the typical movement of its kind over its own history
    window, applied to that movement in the current period (so the week's rhythm, holidays and the
    seasons that move every series alike are taken into account, and one large series' own moves are
    not), corrected by the series' own share a year earlier when the data reaches back that far. The
    tail probability is negative binomial, with the series' own relative swings (see detection.py).
    """

    valid_from = models.DateField(_("生效日期"), unique=True)
    day_window = models.PositiveSmallIntegerField(_("日序列历史窗口（天）"), default=28)
    week_window = models.PositiveSmallIntegerField(_("周序列历史窗口（周）"), default=12)
    month_window = models.PositiveSmallIntegerField(_("月序列历史窗口（月）"), default=12)
    min_volume_day = models.PositiveIntegerField(_("日序列最小投诉量"), default=5)
    min_volume_week = models.PositiveIntegerField(_("周序列最小投诉量"), default=8)
    min_volume_month = models.PositiveIntegerField(_("月序列最小投诉量"), default=15)
    min_ratio = models.DecimalField(_("实际/预期最小倍数"), max_digits=4, decimal_places=2, default=1.5)
    p_yellow = models.FloatField(_("黄色预警尾概率阈值"), default=0.001)
    p_orange = models.FloatField(_("橙色预警尾概率阈值"), default=0.0001)
    p_red = models.FloatField(_("红色预警尾概率阈值"), default=0.00001)
    max_dispersion = models.DecimalField(_("过度离散系数上限"), max_digits=4, decimal_places=1, default=4)
    seasonal_prior = models.PositiveSmallIntegerField(
        _("同比修正的先验件数"),
        default=5,
        help_text=_("一年前同期的份额按此件数向平均份额收缩，件数少的序列不因偶然波动而改变预期。"),
    )
    top_complaints = models.PositiveSmallIntegerField(_("预警附带投诉条数"), default=5)
    topic_recent_days = models.PositiveSmallIntegerField(_("新话题观察期（天）"), default=7)
    topic_baseline_days = models.PositiveSmallIntegerField(_("新话题对比期（天）"), default=56)
    topic_min_count = models.PositiveSmallIntegerField(_("新话题最少投诉数"), default=5)
    topic_min_ratio = models.DecimalField(_("新话题频率上升最小倍数"), max_digits=4, decimal_places=1, default=3)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("投诉异常监测规则")
        verbose_name_plural = _("投诉异常监测规则")

    def __str__(self) -> str:
        return f"{self.valid_from}"

    def window(self, granularity: str) -> int:
        return getattr(self, f"{granularity}_window")

    def min_volume(self, granularity: str) -> int:
        return getattr(self, f"min_volume_{granularity}")


class RiskIndexSettings(models.Model):
    """The fundraising risk index: five dimensions (Shenzhen's 海豚指数), their weights and the bands.

    Each dimension scores 0–100 from the rules below; the index is their weighted mean.
    """

    valid_from = models.DateField(_("生效日期"), unique=True)
    weight_compliance = models.PositiveSmallIntegerField(_("合规性权重"), default=20)
    weight_yield = models.PositiveSmallIntegerField(_("收益率偏离权重"), default=25)
    weight_reports = models.PositiveSmallIntegerField(_("投诉举报权重"), default=20)
    weight_spread = models.PositiveSmallIntegerField(_("涉众传播权重"), default=15)
    weight_keywords = models.PositiveSmallIntegerField(_("特征词权重"), default=20)
    red_from = models.PositiveSmallIntegerField(_("红色预警起点"), default=70)
    orange_from = models.PositiveSmallIntegerField(_("橙色预警起点"), default=50)
    yellow_from = models.PositiveSmallIntegerField(_("黄色预警起点"), default=30)
    unlicensed_points = models.PositiveSmallIntegerField(_("无金融牌照得分"), default=40)
    name_word_points = models.PositiveSmallIntegerField(_("名称或经营范围含禁用字样得分"), default=60)
    report_points = models.PositiveSmallIntegerField(_("每件举报或投诉得分"), default=12)
    report_cap = models.PositiveSmallIntegerField(_("举报投诉件数得分上限"), default=60)
    growth_days = models.PositiveSmallIntegerField(_("增长观察期（天）"), default=30)
    growth_ratio = models.DecimalField(_("增长倍数"), max_digits=4, decimal_places=1, default=2)
    growth_points = models.PositiveSmallIntegerField(_("快速增长得分"), default=40)
    people_points = models.PositiveSmallIntegerField(_("涉及人数得分上限"), default=50)
    channel_points = models.PositiveSmallIntegerField(_("每种传播渠道得分"), default=10)
    channel_cap = models.PositiveSmallIntegerField(_("传播渠道得分上限"), default=30)
    region_points = models.PositiveSmallIntegerField(_("每多一个地区得分"), default=10)
    region_cap = models.PositiveSmallIntegerField(_("跨地区得分上限"), default=20)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("非法集资风险指数规则")
        verbose_name_plural = _("非法集资风险指数规则")

    def __str__(self) -> str:
        return f"{self.valid_from}"

    def level_for(self, score: float) -> str:
        if score >= self.red_from:
            return Level.RED
        if score >= self.orange_from:
            return Level.ORANGE
        if score >= self.yellow_from:
            return Level.YELLOW
        return ""


class ScanRun(models.Model):
    """One full scan: when, as of which day, how much it looked at and what it found."""

    as_of = models.DateField(_("监测截至日期"))
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    series = models.PositiveIntegerField(_("检验序列数"), default=0)
    findings = models.PositiveIntegerField(_("发现异常数"), default=0)
    raised = models.PositiveIntegerField(_("新增预警数"), default=0)
    entities = models.PositiveIntegerField(_("评分主体数"), default=0)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("监测运行记录")
        verbose_name_plural = _("监测运行记录")

    def __str__(self) -> str:
        return f"{self.as_of} {self.started_at:%Y-%m-%d %H:%M}"


class WatchEntity(models.Model):
    """A company or person watched for illegal fundraising."""

    class Source(models.TextChoices):
        REPORT = "report", _("举报")
        COMPLAINT = "complaint", _("投诉")
        IMPORT = "import", _("名单导入")

    name = models.CharField(_("名称"), max_length=200)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    business_scope = models.TextField(_("经营范围"), blank=True)
    region = models.ForeignKey(Region, models.PROTECT, verbose_name=_("注册地"))
    ad_texts = models.TextField(_("宣传文本"), blank=True)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    institution = models.ForeignKey(
        Institution, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("登记机构")
    )
    # 条例 Art. 20: a company is handled by the lead department where it is registered.
    authority = models.ForeignKey(Authority, models.PROTECT, related_name="+", verbose_name=_("处非部门"))
    # The same "name:…" / "uscc:…" keys as tipoffs' reports, so reports about the entity are found by them.
    keys = models.JSONField(default=list, blank=True)
    added_at = models.DateTimeField(_("加入时间"), default=timezone.now)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    # The latest score, kept with the entity for listing and sorting; the history is in RiskScore.
    score = models.DecimalField(_("风险指数"), max_digits=5, decimal_places=1, null=True, blank=True)
    level = models.CharField(_("预警等级"), max_length=10, choices=Level.choices, blank=True)
    scored_at = models.DateTimeField(_("评分时间"), null=True, blank=True)

    class Meta:
        ordering = ["-score", "name"]
        verbose_name = _("监测主体")
        verbose_name_plural = _("监测主体")

    def __str__(self) -> str:
        return self.name


class RiskScore(WrittenOnce):
    """One computation of an entity's risk index, with every dimension's points and reasons; never edited."""

    entity = models.ForeignKey(WatchEntity, models.CASCADE, related_name="scores")
    rules = models.ForeignKey(RiskIndexSettings, models.PROTECT, related_name="+")
    as_of = models.DateField(_("评分日期"))
    at = models.DateTimeField(default=timezone.now)
    score = models.DecimalField(_("风险指数"), max_digits=5, decimal_places=1)
    level = models.CharField(_("预警等级"), max_length=10, choices=Level.choices, blank=True)
    # [{"code": "compliance", "score": 100, "weight": 20, "reasons": ["…"]}, …]
    dimensions = models.JSONField(default=list)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("风险指数记录")
        verbose_name_plural = _("风险指数记录")

    def __str__(self) -> str:
        return f"{self.entity_id} {self.as_of} {self.score}"


class Alert(models.Model):
    """预警: an anomaly in a complaint series, an emerging topic, or a fundraising risk band reached."""

    class Kind(models.TextChoices):
        ANOMALY = "anomaly", _("投诉异常")
        TOPIC = "topic", _("新话题")
        RISK = "risk", _("非法集资风险")

    class Dimension(models.TextChoices):
        INSTITUTION = "institution", _("机构")
        BUSINESS = "business", _("业务类别")
        CAUSE = "cause", _("投诉原因")
        REGION = "region", _("地区")
        INSTITUTION_BUSINESS = "institution_business", _("机构×业务类别")
        BUSINESS_REGION = "business_region", _("业务类别×地区")
        TOPIC = "topic", _("新话题")
        RISK = "risk", _("风险指数")

    class Status(models.TextChoices):
        NEW = "new", _("新预警")
        ASSIGNED = "assigned", _("已分派")
        INVESTIGATING = "investigating", _("核查中")
        CONFIRMED = "confirmed", _("已确认")
        FALSE_POSITIVE = "false_positive", _("误报")

    OPEN_STATUSES = (Status.NEW, Status.ASSIGNED, Status.INVESTIGATING)
    CLOSED_STATUSES = (Status.CONFIRMED, Status.FALSE_POSITIVE)

    number = models.CharField(_("预警编号"), max_length=24, unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    dimension = models.CharField(_("维度"), max_length=24, choices=Dimension.choices)
    granularity = models.CharField(_("周期"), max_length=8, choices=Granularity.choices, blank=True)
    key = models.CharField(_("对象"), max_length=300)
    # Stable identity of what is watched: the institution ("institution:12") whichever of its series found
    # the anomaly, another series ("business:40|region:220100"), the topic or the entity. A scan never
    # raises the same alert twice for one period.
    key_code = models.CharField(max_length=120)
    period_start = models.DateField(_("期间开始"))
    period_end = models.DateField(_("期间结束"))
    observed = models.FloatField(_("实际值"))
    expected = models.FloatField(_("预期值"), null=True, blank=True)
    p_value = models.FloatField(_("尾概率"), null=True, blank=True)
    score = models.FloatField(_("异常分"))
    level = models.CharField(_("预警等级"), max_length=10, choices=Level.choices)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.NEW, db_index=True)
    authority = models.ForeignKey(Authority, models.PROTECT, related_name="+", verbose_name=_("负责部门"))
    region = models.ForeignKey(Region, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("地区"))
    institution = models.ForeignKey(
        Institution, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("机构")
    )
    entity = models.ForeignKey(
        WatchEntity, models.PROTECT, null=True, blank=True, related_name="alerts", verbose_name=_("监测主体")
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("承办人")
    )
    # Why: the history the judgement rests on, the reasons in words, the complaints or reports behind it.
    explanation = models.JSONField(default=dict, blank=True)
    # An institution's anomalies of one period are one alert: every series that found it (the institution
    # overall, the institution in a business category …), strongest first, so that one event at one
    # institution does not fill the list. [{"dimension": "institution_business", "key": "…",
    # "key_code": "institution:12|business:40", "observed": 30, "expected": 9.5, "p_value": …, "score": …,
    # "level": "red"}, …]
    findings = models.JSONField(_("预警维度"), default=list, blank=True)
    close_reason = models.TextField(_("办结说明"), blank=True)
    scan = models.ForeignKey(ScanRun, models.SET_NULL, null=True, blank=True, related_name="alerts")
    created_at = models.DateTimeField(_("预警时间"), default=timezone.now, db_index=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key_code", "granularity", "period_start"], name="alert_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def finding_rows(self) -> list[dict[str, Any]]:
        """The findings with their dimension's name, strongest first."""
        names = dict(self.Dimension.choices)
        return [{**f, "dimension_name": names.get(f["dimension"], f["dimension"])} for f in self.findings]


class AlertEvent(WrittenOnce):
    """One line of an alert's history; never edited."""

    class Kind(models.TextChoices):
        RAISED = "raised", _("发出预警")
        ASSIGNED = "assigned", _("分派")
        INVESTIGATING = "investigating", _("开始核查")
        CONFIRMED = "confirmed", _("确认属实并办结")
        FALSE_POSITIVE = "false_positive", _("认定误报并办结")
        NOTE = "note", _("备注")

    alert = models.ForeignKey(Alert, models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("预警处理记录")
        verbose_name_plural = _("预警处理记录")

    def __str__(self) -> str:
        return f"{self.alert_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"
