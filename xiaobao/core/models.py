"""Tables of the shared machinery."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xiaobao.core.fields import EncryptedTextField


class NumberSequence(models.Model):
    """The last readable number handed out for one prefix on one day (JL complaints, JB reports, ...).

    The table began as the complaints' own sequence, whose rows are the JL ones; it keeps its name."""

    prefix = models.CharField(max_length=8, default="JL")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "complaints_numbersequence"
        constraints = [models.UniqueConstraint(fields=["prefix", "day"], name="core_numbersequence_prefix_day")]

    def __str__(self) -> str:
        return f"{self.prefix} {self.day} #{self.last}"


class SmsTemplate(models.Model):
    """A text message the platform sends, as registered with each SMS provider (rules as data).

    Providers send only texts they approved beforehand: each purpose has a template code and a signature
    per provider; the console backend writes `text` with the parameters filled in, as a phone would show it.
    """

    class Purpose(models.TextChoices):
        CODE = "code", _("验证码")
        QUERY_CODE = "query_code", _("新查询码")
        NOTICE = "notice", _("办理进展通知")

    class Provider(models.TextChoices):
        CONSOLE = "console", _("本地发件箱")
        ALIYUN = "aliyun", _("阿里云短信")
        TENCENT = "tencent", _("腾讯云短信")

    purpose = models.CharField(_("用途"), max_length=20, choices=Purpose.choices)
    provider = models.CharField(_("短信服务商"), max_length=20, choices=Provider.choices)
    template_code = models.CharField(_("模板编号"), max_length=64, help_text=_("在服务商处审核通过的模板编号"))
    sign_name = models.CharField(_("短信签名"), max_length=40)
    text = models.CharField(
        _("模板内容"), max_length=300, help_text=_("与服务商处审核的内容一致，参数写作 {名称}，例如 {code}")
    )
    # Tencent's API takes the parameters as a list: their order in the approved template.
    param_names = models.CharField(_("参数顺序"), max_length=100, help_text=_("参数名称，以英文逗号分隔"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("短信模板")
        verbose_name_plural = _("短信模板")
        constraints = [
            models.UniqueConstraint(fields=["purpose", "provider"], name="core_smstemplate_purpose_provider")
        ]

    def __str__(self) -> str:
        return f"{self.get_provider_display()} · {self.get_purpose_display()}"

    def params_in_order(self) -> list[str]:
        return [name.strip() for name in self.param_names.split(",") if name.strip()]


class SmsMessage(models.Model):
    """One text sent (or refused by the provider): its delivery status, never its codes."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("待发送")
        SENT = "sent", _("服务商已接收")
        FAILED = "failed", _("发送失败")
        SKIPPED = "skipped", _("超出每日条数上限，未发送")

    to = EncryptedTextField(_("手机号码"))
    to_hash = models.CharField(max_length=64, db_index=True, editable=False)
    purpose = models.CharField(_("用途"), max_length=20, choices=SmsTemplate.Purpose.choices)
    provider = models.CharField(_("短信服务商"), max_length=20, choices=SmsTemplate.Provider.choices)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    provider_reference = models.CharField(_("服务商回执编号"), max_length=100, blank=True)
    error = models.CharField(_("失败原因"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), db_index=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("短信发送记录")
        verbose_name_plural = _("短信发送记录")

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.created_at:%Y-%m-%d %H:%M}"
