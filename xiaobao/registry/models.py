"""Reference data: who supervises whom, where, and the words complaints are classified with.

All of it is data a regulator maintains in the admin, with history, because it changes: the 2023
reform moved whole institution types from one supervisor to another.
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xiaobao.lib.codes import is_valid_uscc


class Region(models.Model):
    """An administrative division with its GB/T 2260 code; the tree holds any province."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("省级")
        PREFECTURE = 2, _("地级")
        COUNTY = 3, _("县级")

    code = models.CharField(_("区划代码"), max_length=6, primary_key=True)
    name = models.CharField(_("名称"), max_length=50)
    level = models.PositiveSmallIntegerField(_("级别"), choices=Level.choices)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("上级")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def prefecture_code(self) -> str:
        return self.code[:4] + "00"

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"

    def ancestor_codes(self) -> list[str]:
        """Itself, its prefecture and its province: GB/T 2260 codes nest by prefix."""
        return list(dict.fromkeys([self.code, self.prefecture_code, self.province_code]))


class Authority(models.Model):
    """A body that supervises institutions, or leads the fight against illegal fundraising."""

    class Kind(models.TextChoices):
        CBRC = "cbrc", _("银行业监督管理机构")
        CIRC = "circ", _("保险业监督管理机构")
        CBIRC = "cbirc", _("银行保险监督管理机构")
        NFRA = "nfra", _("国家金融监督管理总局派出机构")
        CSRC = "csrc", _("证券监督管理机构")
        PBOC = "pboc", _("中国人民银行分支机构")
        SAFE = "safe", _("国家外汇管理局分支机构")
        LOCAL = "local", _("地方金融管理部门")
        FUNDRAISING = "fundraising", _("处置非法集资牵头部门")

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    region = models.ForeignKey(Region, models.PROTECT, verbose_name=_("辖区"))
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("上级机关")
    )
    hotline = models.CharField(_("服务热线"), max_length=30, blank=True)
    valid_from = models.DateField(_("启用日期"), default=date(2000, 1, 1))
    valid_to = models.DateField(_("停用日期"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("监管部门")
        verbose_name_plural = _("监管部门")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class InstitutionType(models.Model):
    class Sector(models.TextChoices):
        BANKING = "banking", _("银行业")
        INSURANCE = "insurance", _("保险业")
        SECURITIES = "securities", _("证券期货基金业")
        PAYMENT = "payment", _("非银行支付")
        LOCAL = "local", _("地方金融组织")
        UNLICENSED = "unlicensed", _("无牌机构")

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    sector = models.CharField(_("行业"), max_length=20, choices=Sector.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("机构类型")
        verbose_name_plural = _("机构类型")
        ordering = ["sector", "code"]

    def __str__(self) -> str:
        return self.name


class SupervisionLine(models.Model):
    """谁审批、谁负责，谁监管、谁负责: the authority responsible within one region, for a period, for an
    institution type, for business categories whatever the institution, or for both.

    Routing picks the line valid on the date of receipt whose region contains the institution's. A line
    for the complaint's business wins over one for the institution's type alone (credit reporting is the
    central bank's at any bank); among lines equally specific, the most specific region wins (a city's
    金融办 over the province's).
    """

    code = models.SlugField(
        _("代码"), max_length=60, blank=True, help_text=_("按业务类别划分的分工由基础数据文件按此代码维护。")
    )
    institution_type = models.ForeignKey(
        InstitutionType,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="lines",
        verbose_name=_("机构类型"),
        help_text=_("留空表示不论机构类型，按业务类别划分。"),
    )
    businesses: "models.ManyToManyField[Category, models.Model]" = models.ManyToManyField(
        "Category",
        blank=True,
        related_name="lines",
        verbose_name=_("业务类别"),
        help_text=_("该部门负责的业务类别（含其下级类别）；留空表示按机构类型划分。"),
    )
    region = models.ForeignKey(Region, models.PROTECT, verbose_name=_("辖区"))
    authority = models.ForeignKey(Authority, models.PROTECT, related_name="lines", verbose_name=_("监管部门"))
    valid_from = models.DateField(_("起始日期"))
    valid_to = models.DateField(_("终止日期"), null=True, blank=True, help_text=_("留空表示现行有效"))
    basis = models.CharField(_("依据"), max_length=200, blank=True)
    note = models.TextField(_("说明"), blank=True, help_text=_("日期或分工未经核实之处，写明待核实的内容。"))
    history = HistoricalRecords(m2m_fields=[businesses])

    class Meta:
        verbose_name = _("监管分工")
        verbose_name_plural = _("监管分工")
        ordering = ["institution_type", "region", "valid_from"]

    def __str__(self) -> str:
        what = self.institution_type.name if self.institution_type else (self.code or _("按业务类别"))
        return f"{what} @ {self.region} → {self.authority}"

    def clean(self) -> None:
        if self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("终止日期不能早于起始日期。")})

    def explain(self, *, business: "Category | None" = None) -> str:
        """Why a complaint went where it did, in the words the public reads: the matter or the kind of
        institution that made this authority responsible, and the rule that says so."""
        covered = {c.pk: c for c in self.businesses.all()}
        matter = business if covered else None
        while matter is not None and matter.pk not in covered:
            matter = matter.parent
        if covered and matter is not None:
            reason = _("按业务类别「%(business)s」由%(authority)s负责") % {
                "business": matter.name,
                "authority": self.authority.name,
            }
        elif self.institution_type is not None:
            reason = _("按机构类型「%(type)s」由%(authority)s负责") % {
                "type": self.institution_type.name,
                "authority": self.authority.name,
            }
        else:
            reason = _("由%(authority)s负责") % {"authority": self.authority.name}
        return f"{reason}（{self.basis}）" if self.basis else str(reason)


class Institution(models.Model):
    """A financial institution or one of its branches, identified by its 统一社会信用代码."""

    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("名称"), max_length=100, db_index=True)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    type = models.ForeignKey(InstitutionType, models.PROTECT, related_name="institutions", verbose_name=_("机构类型"))
    region = models.ForeignKey(Region, models.PROTECT, verbose_name=_("所在地区"))
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="branches", verbose_name=_("上级机构")
    )
    is_demo = models.BooleanField(
        _("演示数据"), default=False, help_text=_("代码为演示生成，校验位有效但并非真实登记。")
    )
    is_active = models.BooleanField(_("有效"), default=True)
    is_imported = models.BooleanField(
        _("导入时新建"),
        default=False,
        help_text=_("批量导入时按文件中的名称新建，代码为临时生成；请管理员补全信息或与已登记机构合并。"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("金融机构")
        verbose_name_plural = _("金融机构")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.uscc = self.uscc.strip().upper()
        if not is_valid_uscc(self.uscc):
            raise ValidationError({"uscc": _("统一社会信用代码无效：应为18位，且校验位符合 GB 32100。")})

    def head_office(self) -> "Institution":
        node = self
        while node.parent is not None:
            node = node.parent
        return node


class Category(models.Model):
    """One node of the complaint taxonomy: JR/T 0169-2018's three dimensions plus extensions."""

    class Dimension(models.TextChoices):
        CHANNEL = "channel", _("办理渠道")
        BUSINESS = "business", _("业务类别")
        CAUSE = "cause", _("投诉原因")

    code = models.CharField(_("代码"), max_length=20, unique=True)
    dimension = models.CharField(_("维度"), max_length=10, choices=Dimension.choices)
    name = models.CharField(_("名称"), max_length=60)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("上级")
    )
    level = models.PositiveSmallIntegerField(_("层级"), default=1)
    standard_code = models.CharField(
        _("标准编码"), max_length=20, blank=True, help_text=_("JR/T 0169 编码，待官方码表对照后填写")
    )
    sectors = models.CharField(_("适用行业"), max_length=100, blank=True, help_text=_("逗号分隔；留空表示全部行业"))
    sort = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("投诉分类")
        verbose_name_plural = _("投诉分类")
        ordering = ["dimension", "sort", "code"]

    def __str__(self) -> str:
        return self.path()

    @property
    def label(self) -> str:
        """The name in the reader's language: the English name on English pages where one is given."""
        return self.name_en if self.name_en and get_language() == "en" else self.name

    def path(self) -> str:
        names = [self.label]
        node = self
        while node.parent is not None:
            node = node.parent
            names.append(node.label)
        return " / ".join(reversed(names))


class Label(models.Model):
    """Flat word lists: the eight rights, complainants' demands, sensitivity tags, refusal reasons."""

    class Kind(models.TextChoices):
        RIGHT = "right", _("消费者权利")
        DEMAND = "demand", _("投诉诉求")
        SENSITIVITY = "sensitivity", _("敏感标签")
        REFUSAL = "refusal", _("不予受理理由")
        EXTENSION = "extension", _("延期理由")

    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    code = models.SlugField(_("代码"), max_length=40)
    name = models.CharField(_("名称"), max_length=60)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    sort = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("字典项")
        verbose_name_plural = _("字典项")
        ordering = ["kind", "sort", "code"]
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="label_kind_code_unique")]

    def __str__(self) -> str:
        return self.name


class CalendarDay(models.Model):
    """An exception to the Monday–Friday week: a public holiday on a weekday or a make-up working
    weekend (调休). Seeded from the State Council's yearly notice via chinese-calendar."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    name = models.CharField(_("说明"), max_length=40, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("工作日历调整")
        verbose_name_plural = _("工作日历调整")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_workday else '休息'} {self.name}"


class DeadlineRuleSet(models.Model):
    """A versioned set of handling time limits; a complaint keeps the set in force when it was received."""

    name = models.CharField(_("名称"), max_length=100)
    valid_from = models.DateField(_("生效日期"), unique=True)
    basis = models.TextField(_("依据"), blank=True)
    accept_workdays = models.PositiveSmallIntegerField(_("受理/转办时限（工作日）"), default=3)
    answer_days = models.PositiveSmallIntegerField(_("机构答复时限（自然日）"), default=15)
    complex_days = models.PositiveSmallIntegerField(_("复杂案件时限（自然日）"), default=30)
    max_days = models.PositiveSmallIntegerField(_("特别复杂案件最长时限（自然日）"), default=60)
    review_request_days = models.PositiveSmallIntegerField(_("申请核查期限（自然日）"), default=30)
    review_days = models.PositiveSmallIntegerField(_("核查办结时限（自然日）"), default=30)
    supervision_workdays = models.PositiveSmallIntegerField(_("督办回复时限（工作日）"), default=5)
    warn_percents = models.CharField(
        _("预警节点（%）"), max_length=40, default="60,90", help_text=_("逗号分隔的百分比")
    )
    duplicate_window_days = models.PositiveSmallIntegerField(_("重复投诉识别窗口（天）"), default=30)
    withdraw_minutes = models.PositiveSmallIntegerField(_("提交后可自行更正/撤回（分钟）"), default=10)
    # 好差评 (国办发〔2019〕51号): a 不满意 or 非常不满意 rating opens a follow-up; local rules use 5 or 15 working days.
    follow_up_workdays = models.PositiveSmallIntegerField(_("差评回访时限（工作日）"), default=5)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("办理时限规则")
        verbose_name_plural = _("办理时限规则")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self.name}（{self.valid_from} 起）"

    def warn_fractions(self) -> list[float]:
        return sorted(int(p) / 100 for p in self.warn_percents.split(",") if p.strip())

    def clean(self) -> None:
        try:
            fractions = self.warn_fractions()
        except ValueError:
            raise ValidationError({"warn_percents": _("请填写 1–99 之间的整数，用逗号分隔，例如 60,90。")}) from None
        if any(not 0 < f < 1 for f in fractions):
            raise ValidationError({"warn_percents": _("请填写 1–99 之间的整数，用逗号分隔，例如 60,90。")})
        if not self.answer_days <= self.complex_days <= self.max_days:
            raise ValidationError(_("时限须满足：一般 ≤ 复杂 ≤ 特别复杂。"))


class SizeFigure(models.Model):
    """An institution's size in one year, the denominators of normalised complaint statistics:
    complaints per 10 million personal customers, per 1,000 outlets, per 10 billion 元 of deposits (domain.md §4).

    The one place these figures live: they replaced the counts once kept on Institution itself.
    """

    institution = models.ForeignKey(
        Institution, models.CASCADE, related_name="size_figures", verbose_name=_("金融机构")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    personal_customers = models.PositiveBigIntegerField(_("个人客户数"), null=True, blank=True)
    outlets = models.PositiveIntegerField(_("营业网点数"), null=True, blank=True)
    deposits = models.DecimalField(_("存款余额（元）"), max_digits=18, decimal_places=2, null=True, blank=True)
    source = models.CharField(_("数据来源"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("机构规模数据")
        verbose_name_plural = _("机构规模数据")
        ordering = ["institution", "-year"]
        constraints = [models.UniqueConstraint(fields=["institution", "year"], name="size_figure_unique")]

    def __str__(self) -> str:
        return f"{self.institution} {self.year}"

    def clean(self) -> None:
        if self.deposits is not None and self.deposits < 0:
            raise ValidationError({"deposits": _("金额不能为负数。")})


class Penalty(models.Model):
    """An administrative penalty decision (行政处罚决定) against an institution, as published by the regulator."""

    class Type(models.TextChoices):
        WARNING = "warning", _("警告")
        CRITICISM = "criticism", _("通报批评")
        FINE = "fine", _("罚款")
        CONFISCATION = "confiscation", _("没收违法所得")
        FINE_AND_CONFISCATION = "fine_confiscation", _("罚款并没收违法所得")
        RESTRICTION = "restriction", _("限制业务活动")
        SUSPENSION = "suspension", _("责令停业整顿")
        REVOCATION = "revocation", _("吊销许可证")
        OTHER = "other", _("其他")

    institution = models.ForeignKey(Institution, models.PROTECT, related_name="penalties", verbose_name=_("被处罚机构"))
    decided_on = models.DateField(_("处罚日期"), db_index=True)
    decision_number = models.CharField(_("处罚决定书文号"), max_length=100)
    violation = models.TextField(_("主要违法违规事实"), blank=True)
    basis = models.TextField(_("处罚依据"))
    penalty_type = models.CharField(_("处罚种类"), max_length=20, choices=Type.choices)
    content = models.CharField(_("处罚内容"), max_length=300, blank=True)
    amount = models.DecimalField(_("罚没金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    authority = models.ForeignKey(Authority, models.PROTECT, related_name="penalties", verbose_name=_("作出决定机关"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("录入人")
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("行政处罚")
        verbose_name_plural = _("行政处罚")
        ordering = ["-decided_on", "decision_number"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "decision_number"], name="penalty_decision_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.decision_number} {self.institution}"

    def clean(self) -> None:
        if self.amount is not None and self.amount < 0:
            raise ValidationError({"amount": _("金额不能为负数。")})
        if self.penalty_type in (self.Type.FINE, self.Type.FINE_AND_CONFISCATION) and self.amount is None:
            raise ValidationError({"amount": _("罚款须填写罚没金额。")})


class EscalationRule(models.Model):
    """For one kind of clock: when the party that must act is warned, and who acts when it runs out.

    An overdue clock goes to the rule's first level (the authority above, the institution's head office,
    or the mediation body's head) with a deadline of its own; when that passes too, to the authority
    above again, and from there onto the province's dashboard of overdue items."""

    class Target(models.TextChoices):
        PARENT_AUTHORITY = "parent_authority", _("上级监管部门")
        HEAD_OFFICE = "head_office", _("机构总部")
        MEDIATION_HEAD = "mediation_head", _("调解组织负责人")

    class ClockKind(models.TextChoices):
        COMPLAINT_ACCEPT = "complaints.accept", _("投诉：受理转办")
        COMPLAINT_ANSWER = "complaints.answer", _("投诉：机构答复")
        COMPLAINT_REVIEW = "complaints.review", _("投诉：核查办结")
        COMPLAINT_SUPERVISION = "complaints.supervision", _("投诉：督办回复")
        COMPLAINT_FOLLOW_UP = "complaints.follow_up", _("投诉：差评回访")
        DISPUTE_ANSWER = "disputes.answer", _("纠纷：机构答复调解申请")
        DISPUTE_MEDIATION = "disputes.mediation", _("纠纷：调解办结")
        DISPUTE_PAYMENT = "disputes.payment", _("纠纷：协议履行")

    clock = models.CharField(_("时限类别"), max_length=40, choices=ClockKind.choices, unique=True)
    warn_percents = models.CharField(
        _("预警节点（%）"),
        max_length=40,
        blank=True,
        help_text=_("逗号分隔的百分比；投诉时限留空则按投诉适用的办理时限规则预警"),
    )
    target = models.CharField(_("逾期后由谁办理"), max_length=20, choices=Target.choices)
    escalation_workdays = models.PositiveSmallIntegerField(_("升级办理时限（工作日）"), default=5)
    second_workdays = models.PositiveSmallIntegerField(_("再次升级办理时限（工作日）"), default=5)
    is_active = models.BooleanField(_("逾期升级"), default=True, help_text=_("不勾选则只预警、不升级"))
    basis = models.TextField(_("依据"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("逾期升级规则")
        verbose_name_plural = _("逾期升级规则")
        ordering = ["clock"]

    def __str__(self) -> str:
        return self.get_clock_display()

    def warn_points(self) -> list[int]:
        return sorted(int(p) for p in self.warn_percents.split(",") if p.strip())

    def clean(self) -> None:
        try:
            points = self.warn_points()
        except ValueError:
            points = [0]
        if not points and not self.clock.startswith("complaints."):
            points = [0]
        if any(not 0 < p < 100 for p in points):
            raise ValidationError({"warn_percents": _("请填写 1–99 之间的整数，用逗号分隔，例如 60,90。")})
        if not self.escalation_workdays or not self.second_workdays:
            raise ValidationError(_("升级办理时限至少 1 个工作日。"))
