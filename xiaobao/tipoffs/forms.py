"""The forms of the reporting pages and the officers' desk: parsing and checking what a person typed.

Forms only turn input into clean values; every write goes through services.py, which checks the
actor and the report's state again.
"""

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from xiaobao.accounts.models import User
from xiaobao.core.forms import GroupedModelChoiceField, MultipleFileInput, normalize_phone, validate_phone
from xiaobao.registry.forms import InstitutionChoiceField, institution_queryset
from xiaobao.registry.models import Authority, InstitutionType, Region
from xiaobao.tipoffs.models import Clue, Report, RewardTier

MAX_EVIDENCE = 10
SCHEME_MIN, SCHEME_MAX = 10, 5000
RECEIPT_DIGITS = 16
# What a reporter may type between the groups of the receipt: spaces, hyphens, dots.
_RECEIPT_SEPARATORS = re.compile(r"[\s\-－—.·]")


# ---------------------------------------------------------------------------------------------
# Fields


class SubjectRegionField(GroupedModelChoiceField[Region]):
    """Cities with their counties: a reporter who does not know the district picks the city itself."""

    def grouped(self, objs: list[Region]) -> Iterable[tuple[str, list[tuple[Region, str]]]]:
        groups: dict[str, list[tuple[Region, str]]] = {}
        cities = {r.code: r for r in objs if r.level == Region.Level.PREFECTURE}
        for city in cities.values():
            groups[city.name] = [(city, _("%(name)s（不清楚区县时选此项）") % {"name": city.name})]
        for region in objs:
            if region.level == Region.Level.COUNTY and region.prefecture_code in cities:
                groups[cities[region.prefecture_code].name].append((region, region.name))
        return groups.items()


def subject_regions() -> QuerySet[Region]:
    return Region.objects.filter(level__in=(Region.Level.PREFECTURE, Region.Level.COUNTY)).order_by("code")


class EvidenceField(forms.FileField):
    """Several files in one input. Their type (judged by content) and size are checked by the service,
    which reports a bad file by name; here only the count, so a huge batch is refused early."""

    widget = MultipleFileInput

    def __init__(self, *args: Any, max_files: int = MAX_EVIDENCE, **kwargs: Any) -> None:
        self.max_files = max_files
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > self.max_files:
            raise ValidationError(_("最多上传 %(n)s 个文件。") % {"n": self.max_files}, code="max_files")
        for f in files:
            super().clean(f, initial)
        return files


class OptionalDecimalField(forms.DecimalField):
    def __init__(self, *, max_digits: int, unit_error: StrOrPromise, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(max_digits=max_digits, decimal_places=2, min_value=Decimal("0"), **kwargs)
        self.widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
        self.error_messages["min_value"] = _("不能为负数。")
        self.error_messages["max_decimal_places"] = unit_error
        self.error_messages["invalid"] = _("请填写数字，例如 12 或 12.5。")


def _lines(label: StrOrPromise, help_text: StrOrPromise) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}), help_text=help_text
    )


# ---------------------------------------------------------------------------------------------
# The public report


class ReportForm(forms.Form):
    """About whom, what happened, the evidence, and whether the reporter stays anonymous."""

    subject_kind = forms.ChoiceField(
        label=_("举报的是单位还是个人"),
        choices=Report.SubjectKind.choices,
        widget=forms.RadioSelect,
    )
    subject_name = forms.CharField(
        label=_("单位名称或个人姓名"),
        max_length=200,
        help_text=_("写您知道的名称就行，例如宣传单、合同或招牌上的名字。"),
    )
    subject_uscc = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=18,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
        help_text=_("选填。营业执照上的18位代码，不知道可以不填。"),
    )
    subject_region = SubjectRegionField(
        label=_("所在地区"),
        queryset=subject_regions(),
        empty_label=_("请选择"),
        help_text=_("单位选注册地，个人选住所地；不清楚就选活动所在地。举报会交给当地的处置非法集资部门。"),
    )
    subject_address = forms.CharField(
        label=_("地址"), max_length=300, required=False, help_text=_("选填。办公、宣传或活动的地点。")
    )
    institution = InstitutionChoiceField(
        label=_("涉及的持牌金融机构"),
        queryset=institution_queryset().exclude(type__sector=InstitutionType.Sector.UNLICENSED),
        required=False,
        empty_label=_("没有或不清楚"),
        help_text=_("选填。如果对方自称是某家银行、保险公司等，或通过它们收钱，请选择，我们会同时通报它的监管部门。"),
    )
    websites = _lines(_("网站"), _("选填。网址，每行一个。"))
    apps = _lines(_("App 或小程序名称"), _("选填。每行一个。"))
    social_accounts = _lines(_("微信群、公众号、抖音等账号"), _("选填。群名、账号名或号码，每行一个。"))
    phones = _lines(_("对方的电话号码"), _("选填。每行一个。"))
    collecting_accounts = _lines(
        _("对方收钱用的账户"),
        _("选填。银行卡号、收款码名称或支付账户，每行一个。这是把同一伙人的举报归到一起的重要线索。"),
    )

    scheme = forms.CharField(
        label=_("发生了什么"),
        min_length=SCHEME_MIN,
        max_length=SCHEME_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("用您自己的话说：对方怎么宣传、承诺什么回报、让大家怎么交钱。10至5000字。"),
    )
    promised_return = OptionalDecimalField(
        label=_("承诺的年收益率（%）"),
        max_digits=7,
        unit_error=_("最多保留两位小数。"),
        help_text=_("选填。例如“每月返2%”就填 24；不清楚可以不填。"),
    )
    amount = OptionalDecimalField(
        label=_("涉及金额（元）"),
        max_digits=16,
        unit_error=_("金额最多保留两位小数（精确到分）。"),
        help_text=_("选填。您知道的、大家交了多少钱，估计也可以。"),
    )
    people = forms.IntegerField(
        label=_("大约多少人参与"),
        required=False,
        min_value=0,
        max_value=10_000_000,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"invalid": _("请填写整数，例如 30。")},
        help_text=_("选填。估计的人数也可以。"),
    )
    since = forms.CharField(
        label=_("从什么时候开始"), max_length=40, required=False, help_text=_("选填。例如“2025年春天”。")
    )
    promoted_where = forms.CharField(
        label=_("在哪里宣传"),
        max_length=300,
        required=False,
        help_text=_("选填。例如免费健康讲座、老年活动室、微信群、短视频。"),
    )
    evidence = EvidenceField(
        label=_("证据材料"),
        help_text=_(
            "选填，最多10个文件：宣传单、合同、收据、转账记录的照片或截图，PDF，录音，视频。"
            "照片、视频、录音和PDF中的拍摄地点、手机型号、作者等信息会被自动删除；无法读取的文件不予接收。"
        ),
    )

    anonymous = forms.TypedChoiceField(
        label=_("是否留下您的姓名和联系方式"),
        choices=[
            ("1", _("匿名举报：不留姓名和电话")),
            ("0", _("留下姓名和联系方式：方便核实，也可以申请举报奖励")),
        ],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    contact_name = forms.CharField(
        label=_("您的姓名"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=_("匿名举报不用填。"),
    )
    contact_phone = forms.CharField(
        label=_("您的电话"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        help_text=_("匿名举报不用填。电话和电子邮箱至少填一项，只有办理这件举报的工作人员能看到。"),
    )
    contact_email = forms.EmailField(
        label=_("您的电子邮箱"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("选填。"),
    )
    wants_reward = forms.BooleanField(
        label=_("申请举报奖励"),
        required=False,
        help_text=_("奖励只发给留下真实姓名和联系方式、第一个举报、经查证属实的举报人。"),
    )

    def clean_subject_uscc(self) -> str:
        return self.cleaned_data["subject_uscc"].strip().upper()

    def clean_subject_name(self) -> str:
        return self.cleaned_data["subject_name"].strip()

    def clean_contact_phone(self) -> str:
        phone = self.cleaned_data["contact_phone"].strip()
        if phone:
            validate_phone(phone)
            return normalize_phone(phone)
        return ""

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())  # Form.clean() returns cleaned_data
        if data.get("anonymous") is False:
            if not data.get("contact_name", "").strip():
                self.add_error("contact_name", _("留下联系方式时，请填写您的姓名。"))
            phone_or_email = data.get("contact_phone") or data.get("contact_email")
            if not phone_or_email and not {"contact_phone", "contact_email"} & set(self.errors):
                self.add_error("contact_phone", _("留下联系方式时，请至少填写电话或电子邮箱中的一项。"))
        elif data.get("anonymous") is True and data.get("wants_reward"):
            self.add_error("wants_reward", _("申请奖励需要留下姓名和联系方式；匿名举报不能申请奖励。"))
        return data

    def submit_kwargs(self) -> dict[str, Any]:
        """The cleaned values as report_submit takes them; an anonymous report carries no contact at all."""
        d = self.cleaned_data
        anonymous = bool(d["anonymous"])
        return {
            "subject_kind": d["subject_kind"],
            "subject_name": d["subject_name"],
            "subject_uscc": d.get("subject_uscc", ""),
            "subject_region": d["subject_region"],
            "subject_address": d.get("subject_address", ""),
            "institution": d.get("institution"),
            "websites": d.get("websites", ""),
            "apps": d.get("apps", ""),
            "social_accounts": d.get("social_accounts", ""),
            "phones": d.get("phones", ""),
            "collecting_accounts": d.get("collecting_accounts", ""),
            "scheme": d["scheme"],
            "promised_return": d.get("promised_return"),
            "amount": d.get("amount"),
            "people": d.get("people"),
            "since": d.get("since", ""),
            "promoted_where": d.get("promoted_where", ""),
            "anonymous": anonymous,
            "contact_name": "" if anonymous else d.get("contact_name", "").strip(),
            "contact_phone": "" if anonymous else d.get("contact_phone", ""),
            "contact_email": "" if anonymous else d.get("contact_email", ""),
            "wants_reward": False if anonymous else bool(d.get("wants_reward")),
            "evidence": d.get("evidence") or [],
        }


# ---------------------------------------------------------------------------------------------
# The receipt channel


def clean_receipt(value: str) -> str:
    digits = _RECEIPT_SEPARATORS.sub("", value or "")
    if not (len(digits) == RECEIPT_DIGITS and digits.isascii() and digits.isdigit()):
        raise ValidationError(_("回执号是16位数字，请核对后重新输入。"), code="receipt")
    return digits


class LookupForm(forms.Form):
    receipt = forms.CharField(
        label=_("举报回执号"),
        max_length=40,
        help_text=_("提交举报后页面上显示的16位数字，空格可以不输。"),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false", "autocapitalize": "off"}
        ),
    )

    def clean_receipt(self) -> str:
        return clean_receipt(self.cleaned_data["receipt"])


class ReplyForm(forms.Form):
    """The reporter's answer; the receipt rides along in a hidden field, since there is no session."""

    receipt = forms.CharField(widget=forms.HiddenInput, max_length=40)
    body = forms.CharField(
        label=_("补充情况或回复"),
        max_length=SCHEME_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("工作人员会看到您写的内容。不要写您不想让对方知道的个人信息。"),
    )
    evidence = EvidenceField(label=_("补充证据材料"), max_files=5, help_text=_("选填，最多5个文件。"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_reply_%s")
        super().__init__(*args, **kwargs)

    def clean_receipt(self) -> str:
        return clean_receipt(self.cleaned_data["receipt"])


# ---------------------------------------------------------------------------------------------
# The officers' actions. Field names match the services' keyword arguments, so a ValidationError a
# service raises for one argument lands next to the field it is about.


class ActionForm(forms.Form):
    def __init__(self, *args: Any, officers: QuerySet[User] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{self.prefix_name()}_%s")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, OfficerChoiceField) and officers is not None:
                field.queryset = officers

    @classmethod
    def prefix_name(cls) -> str:
        return cls.__name__.removesuffix("Form").lower()


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return str(obj)


def officers_of(authority: Authority) -> QuerySet[User]:
    """Who a clue of this lead department can be given to: its own officers and those of the departments
    above it (a province officer may take a city's clue), as services.clue_assign accepts."""
    from xiaobao.registry.selectors import authority_ancestor_ids

    chain = authority_ancestor_ids(authority)
    return User.objects.filter(role=User.Role.REGULATOR, is_active=True, authority_id__in=chain).order_by(
        "display_name", "username"
    )


class AskForm(ActionForm):
    question = forms.CharField(
        label=_("请举报人补充什么"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("举报人凭回执号查询时会看到这段话，请用平实的语言写。"),
    )


class ReviewForm(ActionForm):
    pass


class ClueOpenForm(ActionForm):
    assign_to = OfficerChoiceField(
        label=_("承办人"), queryset=User.objects.none(), required=False, empty_label=_("暂不分配")
    )


class ClueAssignForm(ActionForm):
    to = OfficerChoiceField(label=_("承办人"), queryset=User.objects.none(), empty_label=_("请选择"))


class ClueMergeForm(ActionForm):
    into = forms.CharField(
        label=_("并入线索编号"),
        max_length=24,
        help_text=_("把这条线索的全部举报并入另一条线索，例如两个名称其实是同一伙人。"),
    )

    def clean_into(self) -> str:
        return self.cleaned_data["into"].strip().upper()


class ClueReferForm(ActionForm):
    to = forms.ChoiceField(
        label=_("移送给"),
        choices=[("police", _("公安机关")), ("region", _("其他地区处置非法集资部门"))],
        widget=forms.RadioSelect,
    )
    authority = forms.ModelChoiceField(
        label=_("接收的处置非法集资部门"),
        queryset=Authority.objects.filter(kind=Authority.Kind.FUNDRAISING, valid_to__isnull=True).order_by("code"),
        required=False,
        empty_label=_("请选择"),
        help_text=_("移送其他地区时必选。"),
    )
    note = forms.CharField(label=_("移送说明"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())  # Form.clean() returns cleaned_data
        if data.get("to") == "region" and not data.get("authority"):
            self.add_error("authority", _("移送其他地区时，请选择接收的处置非法集资部门。"))
        return data


class NotifyRegulatorForm(ActionForm):
    pass


class CloseForm(ActionForm):
    reason = forms.CharField(
        label=_("不属于非法集资的理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("写明核实了什么、为什么不属于非法集资。举报人会看到“已办结”，看不到这段理由。"),
    )


class RewardForm(ActionForm):
    granted = forms.TypedChoiceField(
        label=_("奖励决定"),
        choices=[("1", _("给予奖励")), ("0", _("不予奖励"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    tier = forms.ModelChoiceField(
        label=_("奖励档次"), queryset=RewardTier.objects.all(), required=False, empty_label=_("不适用")
    )
    amount = OptionalDecimalField(
        label=_("奖励金额（元）"), max_digits=12, unit_error=_("金额最多保留两位小数（精确到分）。")
    )
    reason = forms.CharField(
        label=_("理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("举报人凭回执号可以看到奖励决定和这段理由。"),
    )

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())  # Form.clean() returns cleaned_data
        if data.get("granted") and data.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", _("给予奖励时，请填写奖励金额。"))
        return data


class OfficerMessageForm(ActionForm):
    body = forms.CharField(
        label=_("给举报人的留言"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("举报人凭回执号查询时会看到。"),
    )


# ---------------------------------------------------------------------------------------------
# The queue's filters


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("线索状态"), required=False)
    rising = forms.BooleanField(label=_("只看近期举报增加的"), required=False)
    mine = forms.BooleanField(label=_("只看我承办的线索"), required=False)
    min_score = forms.IntegerField(
        label=_("风险预评分不低于"),
        required=False,
        min_value=0,
        max_value=100,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    q = forms.CharField(
        label=_("编号或涉嫌主体"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_filter_%s")
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["status"]).choices = [("", _("全部")), *Clue.Status.choices]

    def filters(self) -> dict[str, Any]:
        """The valid filters; an invalid one is dropped rather than emptying the list."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", False)}
