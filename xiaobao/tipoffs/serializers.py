"""What the reporting API reads and writes.

The request validates at the edge and hands typed values to services.report_submit; the answers
give a reporter only what the receipt channel shows on the web: the status in words, the messages
of the two-way channel and a reward decision. Never an officer's internal note, never a name.
"""

from typing import Any

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise
from rest_framework import serializers

from xiaobao.core.api import CodeField
from xiaobao.core.forms import normalize_phone, validate_phone
from xiaobao.registry.models import Institution, InstitutionType, Region
from xiaobao.tipoffs.forms import SCHEME_MAX, SCHEME_MIN
from xiaobao.tipoffs.models import Report, ReportMessage

MAX_EVIDENCE = 10


def _text(max_length: int, help_text: StrOrPromise) -> serializers.CharField:
    return serializers.CharField(
        max_length=max_length, required=False, allow_blank=True, default="", help_text=help_text
    )


class AnonymousField(serializers.BooleanField):
    # A form post without the field means "not said", not "unticked": the report stays anonymous.
    default_empty_html = serializers.empty


class ReportCreateSerializer(serializers.Serializer):
    subject_kind = serializers.ChoiceField(
        choices=Report.SubjectKind.choices, help_text=_("被举报的是单位（company）还是个人（person）")
    )
    subject_name = serializers.CharField(max_length=200, help_text=_("单位名称或个人姓名"))
    subject_uscc = _text(18, _("统一社会信用代码，知道时填写"))
    subject_region = CodeField(
        slug_field="code",
        queryset=Region.objects.filter(level__in=(Region.Level.PREFECTURE, Region.Level.COUNTY)),
        help_text=_("所在地区的行政区划代码（GB/T 2260，市或县级）：单位为注册地，个人为住所地"),
    )
    subject_address = _text(300, _("地址"))
    institution = CodeField(
        slug_field="uscc",
        upper=True,
        queryset=Institution.objects.filter(is_active=True).exclude(type__sector=InstitutionType.Sector.UNLICENSED),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("涉及的持牌金融机构的统一社会信用代码；填写后同时通报其监管部门"),
    )
    websites = _text(1000, _("网站，每行一个"))
    apps = _text(1000, _("App 或小程序名称，每行一个"))
    social_accounts = _text(1000, _("微信群、公众号等账号，每行一个"))
    phones = _text(1000, _("对方的电话号码，每行一个"))
    collecting_accounts = _text(1000, _("对方收款用的账户，每行一个"))
    scheme = serializers.CharField(
        min_length=SCHEME_MIN, max_length=SCHEME_MAX, help_text=_("举报人用自己的话描述的情况，10至5000字")
    )
    promised_return = serializers.DecimalField(
        max_digits=7,
        decimal_places=2,
        min_value=0,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("承诺的年化收益率（%）"),
    )
    amount = serializers.DecimalField(
        max_digits=16,
        decimal_places=2,
        min_value=0,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("涉及金额（元）"),
    )
    people = serializers.IntegerField(
        min_value=0, max_value=10_000_000, required=False, allow_null=True, default=None, help_text=_("涉及人数")
    )
    since = _text(40, _("开始时间，例如“2025年春天”"))
    promoted_where = _text(300, _("宣传方式和地点"))
    anonymous = AnonymousField(
        default=True, help_text=_("true：匿名举报，不保存任何联系方式；false：须填写姓名，以及电话或电子邮箱")
    )
    contact_name = _text(50, _("举报人姓名（实名举报时必填）"))
    contact_phone = _text(30, _("举报人电话（实名举报时与电子邮箱至少填一项）"))
    contact_email = serializers.EmailField(required=False, allow_blank=True, help_text=_("举报人电子邮箱"))
    wants_reward = serializers.BooleanField(default=False, help_text=_("申请举报奖励；仅限实名举报"))
    evidence = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        max_length=MAX_EVIDENCE,
        help_text=_("证据文件（仅 multipart/form-data）：图片、PDF、录音、视频，最多10个"),
    )

    def validate_contact_phone(self, value: str) -> str:
        value = value.strip()
        if value:
            validate_phone(value)
            return normalize_phone(value)
        return ""

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if data["anonymous"]:
            if data["wants_reward"]:
                raise serializers.ValidationError(
                    {"wants_reward": _("申请奖励需要留下姓名和联系方式；匿名举报不能申请奖励。")}
                )
            # An anonymous report keeps no contact at all, whatever else was sent.
            data.update(contact_name="", contact_phone="", contact_email="")
            return data
        errors = {}
        if not data["contact_name"].strip():
            errors["contact_name"] = _("实名举报时，请填写姓名。")
        if not data["contact_phone"] and not data.get("contact_email"):
            errors["contact_phone"] = _("实名举报时，请至少填写电话或电子邮箱中的一项。")
        if errors:
            raise serializers.ValidationError(errors)
        return data


# Status and party are plain strings with their values listed, not enums: an enum named "status" or
# "party" beside the complaints' own would need ENUM_NAME_OVERRIDES in the settings to be named well.
STATUS_HELP = format_lazy("{}{}", _("状态代码："), " | ".join(Report.Status.values))
PARTY_HELP = _("reporter：举报人；officer：处置非法集资部门")


class ReportCreatedSerializer(serializers.Serializer):
    number = serializers.CharField(help_text=_("举报编号"))
    receipt = serializers.CharField(help_text=_("16位举报回执号：只在这次返回，平台不保存，凭它查询和留言"))
    status = serializers.CharField(help_text=STATUS_HELP)


class LookupSerializer(serializers.Serializer):
    receipt = serializers.CharField(max_length=40, help_text=_("16位举报回执号，可含空格或连字符"))


class ReporterMessageSerializer(serializers.ModelSerializer):
    party = serializers.CharField(help_text=PARTY_HELP)

    class Meta:
        model = ReportMessage
        fields = ["party", "body", "at"]


class RewardDecisionSerializer(serializers.Serializer):
    granted = serializers.BooleanField(help_text=_("是否给予奖励"))
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True, help_text=_("奖励金额（元）"))
    reason = serializers.CharField(help_text=_("理由"))
    decided_at = serializers.DateTimeField(help_text=_("决定时间"))


class ReportStatusSerializer(serializers.Serializer):
    number = serializers.CharField(help_text=_("举报编号"))
    status = serializers.CharField(help_text=STATUS_HELP)
    status_display = serializers.CharField(help_text=_("状态名称"))
    explanation = serializers.CharField(help_text=_("状态的白话说明"))
    messages = ReporterMessageSerializer(many=True, help_text=_("举报人与工作人员之间的留言，按时间先后"))
    reward = RewardDecisionSerializer(allow_null=True, help_text=_("奖励决定；尚未作出时为 null"))
