from datetime import date
from typing import cast

from django.contrib.auth.models import AbstractUser
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xiaobao.core.fields import EncryptedTextField
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
    # A mobile number the person proved with a code: encrypted like every number, found by its keyed hash.
    phone = EncryptedTextField(_("手机号码"), blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_verified_at = models.DateTimeField(_("手机号码验证时间"), null=True, blank=True)
    sms_notices = models.BooleanField(
        _("短信接收通知"), default=False, help_text=_("办理进展除站内消息外，也以短信发到已验证的手机号码。")
    )
    manages_staff = models.BooleanField(
        _("本单位账户管理员"),
        default=False,
        help_text=_("可以为本机构或本部门开设、停用工作人员账户。"),
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
            # One account per verified number: the number signs in and receives the codes.
            models.UniqueConstraint(
                fields=["phone_hash"], condition=~models.Q(phone_hash=""), name="user_verified_phone_unique"
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
    password_min_length = models.PositiveSmallIntegerField(
        _("密码最短长度"), default=10, validators=[MinValueValidator(8)], help_text=_("不少于 8 位。")
    )
    sms_code_minutes = models.PositiveSmallIntegerField(
        _("短信验证码有效期（分钟）"), default=10, validators=[MinValueValidator(1)]
    )
    sms_code_attempts = models.PositiveSmallIntegerField(
        _("每个短信验证码允许的输入次数"), default=5, validators=[MinValueValidator(1)]
    )
    sms_code_interval_seconds = models.PositiveSmallIntegerField(
        _("同一号码两次发送验证码的最短间隔（秒）"), default=60, validators=[MinValueValidator(1)]
    )
    sms_codes_per_number_per_hour = models.PositiveSmallIntegerField(
        _("每个号码每小时验证码条数上限"), default=5, validators=[MinValueValidator(1)]
    )
    sms_codes_per_number_per_day = models.PositiveSmallIntegerField(
        _("每个号码每天验证码条数上限"), default=10, validators=[MinValueValidator(1)]
    )
    sms_notices_per_number_per_day = models.PositiveSmallIntegerField(
        _("每个号码每天通知短信条数上限"), default=20, validators=[MinValueValidator(1)]
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


class PhoneCode(models.Model):
    """A one-time code sent by text: stored as a keyed hash, expiring, used once, with a count of wrong tries."""

    class Purpose(models.TextChoices):
        REGISTER = "register", _("注册")
        SIGN_IN = "sign_in", _("短信登录")
        RESET = "reset", _("重置密码")
        VERIFY = "verify", _("验证手机号码")

    phone_hash = models.CharField(max_length=64, db_index=True)
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.created_at:%Y-%m-%d %H:%M}"


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
