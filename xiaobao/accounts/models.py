from datetime import date
from typing import cast

from django.contrib.auth.models import AbstractUser
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xiaobao.registry.models import Authority, Institution


class User(AbstractUser):
    """Everyone who signs in. A user has one role, and staff belong to one organisation."""

    class Role(models.TextChoices):
        CONSUMER = "consumer", _("金融消费者")
        INSTITUTION = "institution", _("金融机构投诉处理人员")
        REGULATOR = "regulator", _("监管部门工作人员")
        MEDIATOR = "mediator", _("调解员")
        ADMIN = "admin", _("系统管理员")
        AUDITOR = "auditor", _("安全审计员")

    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.CONSUMER)
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    institution = models.ForeignKey(
        Institution, models.PROTECT, null=True, blank=True, related_name="staff", verbose_name=_("所属机构")
    )
    authority = models.ForeignKey(
        Authority, models.PROTECT, null=True, blank=True, related_name="staff", verbose_name=_("所属监管部门")
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="institution") | models.Q(institution__isnull=False),
                name="institution_staff_have_institution",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="regulator") | models.Q(authority__isnull=False),
                name="regulator_staff_have_authority",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    # Typed for the access checks, which read these only once the role is known: the constraints above
    # guarantee an institution handler's institution and a regulator's authority.
    @property
    def own_institution(self) -> Institution:
        return cast(Institution, self.institution)

    @property
    def own_authority(self) -> Authority:
        return cast(Authority, self.authority)

    @property
    def is_staff_member(self) -> bool:
        """Institution and regulator staff: people who handle complaints, whose reads are audited."""
        return self.role in (self.Role.INSTITUTION, self.Role.REGULATOR, self.Role.ADMIN)

    @property
    def needs_second_factor(self) -> bool:
        """Everyone but consumers signs in with a second factor (GB/T 22239-2019 level 3, 8.1.4.1: two or more
        means of identification for administrators and operators); so does any account that opens the admin."""
        return self.role != self.Role.CONSUMER or self.is_staff or self.is_superuser


# A provincial platform's audit trail is kept at least six months (网络安全法 第二十一条).
AUDIT_RETENTION_FLOOR_DAYS = 183


class SecurityPolicy(models.Model):
    """How sign-in, sessions, API tokens, public throttles and the audit trail are limited.

    Editable data (admin, with history): the row in force on a day is the latest whose valid_from has
    come; with no row, the model's defaults apply.
    """

    valid_from = models.DateField(_("生效日期"), unique=True)
    failures_before_lockout = models.PositiveSmallIntegerField(
        _("账户锁定前允许的连续失败次数"), default=5, validators=[MinValueValidator(1)]
    )
    lockout_minutes = models.PositiveIntegerField(
        _("账户锁定时长（分钟）"),
        default=30,
        validators=[MinValueValidator(1)],
        help_text=_("到时自动解锁；管理员可随时提前解锁。"),
    )
    staff_idle_minutes = models.PositiveIntegerField(
        _("工作人员会话空闲超时（分钟）"), default=30, validators=[MinValueValidator(1)]
    )
    token_lifetime_days = models.PositiveIntegerField(
        _("接口令牌有效期（天）"), default=90, validators=[MinValueValidator(1)]
    )
    audit_retention_days = models.PositiveIntegerField(
        _("审计记录保存期（天）"),
        default=3 * 365,
        validators=[MinValueValidator(AUDIT_RETENTION_FLOOR_DAYS)],
        help_text=_("不少于六个月（183 天）。"),
    )
    anonymous_reads_per_minute = models.PositiveIntegerField(
        _("匿名接口查询每分钟上限（按来源地址）"), default=60, validators=[MinValueValidator(1)]
    )
    anonymous_exports_per_hour = models.PositiveIntegerField(
        _("匿名导出每小时上限（按来源地址）"), default=10, validators=[MinValueValidator(1)]
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("安全策略")
        verbose_name_plural = _("安全策略")

    def __str__(self) -> str:
        return f"{self.valid_from}"


# The policy takes effect with the platform (the demo data reaches back to 2020).
POLICY_FROM = date(2020, 1, 1)


class ApiToken(models.Model):
    """A key another system sends as `Authorization: Bearer <key>`, one per system or device.

    Only a SHA-256 digest of the key is stored: the key itself is shown once, when it is issued, so a copy
    of the database opens no API. The key is 256 random bits, so an unsalted fast digest is enough.
    """

    user = models.ForeignKey(User, models.CASCADE, related_name="api_tokens", verbose_name=_("用户"))
    name = models.CharField(_("名称"), max_length=100, help_text=_("使用这个令牌的系统或设备"))
    digest = models.CharField(max_length=64, unique=True, editable=False)
    # The key's first characters, so its owner can tell which copy a system holds.
    prefix = models.CharField(_("令牌开头"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("创建时间"))
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    expires_at = models.DateTimeField(_("到期时间"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
