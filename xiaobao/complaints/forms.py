"""The forms of the complaint pages: parsing and checking what a person typed, in their language.

Forms only turn input into clean values; every write goes through services.py, which checks the
actor and the complaint's state again.
"""

import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaobao.complaints.models import Complaint, Survey
from xiaobao.complaints.services import attachment_validate
from xiaobao.core.forms import (
    CaseDateField,
    GroupedModelChoiceField,
    MultipleFileInput,
    localized_name,
    normalize_phone,
    validate_id_number,
    validate_phone,
)
from xiaobao.products.forms import ProductsByInstitutionField, product_queryset
from xiaobao.registry.forms import InstitutionChoiceField, institution_queryset
from xiaobao.registry.models import Authority, Category, Label, Region

MAX_ATTACHMENTS = 5
NARRATIVE_MIN, NARRATIVE_MAX = 10, 5000


# ---------------------------------------------------------------------------------------------
# Fields


class CategoryChoiceField(GroupedModelChoiceField[Category]):
    """One dimension of the classification tree: each top-level class is a group.

    Every level can be chosen. A complainant who does not know the exact kind of product picks the
    top-level class itself ("not sure which kind"), which keeps the form usable for everyone; the
    handler can still read the specific kind from the narrative. The most precise level chosen is
    what statistics see, and the queue filters by the top level, which covers all of them.
    """

    def grouped(self, objs: list[Category]) -> Iterable[tuple[str, list[tuple[Category, str]]]]:
        by_id = {c.pk: c for c in objs}
        children: dict[int | None, list[Category]] = {}
        for c in objs:
            parent = c.parent_id if c.parent_id in by_id else None
            children.setdefault(parent, []).append(c)
        result = []
        for top in children.get(None, []):
            if children.get(top.pk):
                members = [(top, _("%(name)s（不确定具体类别时选此项）") % {"name": localized_name(top)})]
            else:
                members = [(top, localized_name(top))]
            # Depth first, so each kind sits under the kind it belongs to.
            stack = [(child, "") for child in reversed(children.get(top.pk, []))]
            while stack:
                node, prefix = stack.pop()
                label = f"{prefix}{localized_name(node)}"
                members.append((node, label))
                stack.extend((child, f"{label} · ") for child in reversed(children.get(node.pk, [])))
            result.append((localized_name(top), members))
        return result


def category_queryset(dimension: str) -> QuerySet[Category]:
    return Category.objects.filter(dimension=dimension, is_active=True).order_by("level", "sort", "code")


class RegionChoiceField(GroupedModelChoiceField[Region]):
    """Counties and districts grouped under their city."""

    def grouped(self, objs: list[Region]) -> Iterable[tuple[str, list[tuple[Region, str]]]]:
        groups: dict[str, list[tuple[Region, str]]] = {}
        for obj in objs:
            groups.setdefault(obj.parent.name if obj.parent is not None else "", []).append((obj, obj.name))
        return groups.items()


class LabelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Label) -> str:
        return localized_name(obj)


class LabelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Label) -> str:
        return localized_name(obj)


def labels(kind: str) -> QuerySet[Label]:
    return Label.objects.filter(kind=kind, is_active=True).order_by("sort", "code")


class MultipleFileField(forms.FileField):
    """Several files in one input; each is judged by services.attachment_validate (bytes and size)."""

    widget = MultipleFileInput

    def __init__(self, *args: Any, max_files: int = MAX_ATTACHMENTS, **kwargs: Any) -> None:
        self.max_files = max_files
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if self.required and not files:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(files) > self.max_files:
            raise ValidationError(_("最多上传 %(n)s 个附件。") % {"n": self.max_files}, code="max_files")
        errors = []
        for f in files:
            super().clean(f, initial)
            try:
                attachment_validate(f)
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return files


class AmountField(forms.DecimalField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(max_digits=14, decimal_places=2, min_value=Decimal("0"), **kwargs)
        self.widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
        self.error_messages["min_value"] = _("金额不能为负数。")
        self.error_messages["max_decimal_places"] = _("金额最多保留两位小数（精确到分）。")


# ---------------------------------------------------------------------------------------------
# Intake


class ComplaintForm(forms.Form):
    """One form for every way a complaint comes in: the public page and staff entry."""

    institution = InstitutionChoiceField(
        label=_("被投诉的金融机构"),
        queryset=institution_queryset(),
        empty_label=_("请选择机构"),
        help_text=_("按行业分组、按名称排列。不清楚是哪家分支机构时，选择总行或省分行即可。"),
    )
    product = ProductsByInstitutionField(
        label=_("涉及的产品"),
        queryset=product_queryset(),
        required=False,
        empty_label=_("不清楚或不涉及具体产品"),
        help_text=_("被投诉机构在售的理财、基金、保险、贷款等产品，按机构分组；不清楚可以不选。"),
    )
    business = CategoryChoiceField(
        label=_("业务类别"),
        queryset=category_queryset(Category.Dimension.BUSINESS),
        empty_label=_("请选择业务类别"),
        help_text=_("您投诉的是哪一类业务，例如信用卡、贷款、保险理赔。"),
    )
    channel = CategoryChoiceField(
        label=_("办理渠道"),
        queryset=category_queryset(Category.Dimension.CHANNEL),
        required=False,
        empty_label=_("不清楚或不适用"),
        help_text=_("问题发生在哪里，例如营业网点、网上银行、手机银行、电话。"),
    )
    cause = CategoryChoiceField(
        label=_("投诉原因"),
        queryset=category_queryset(Category.Dimension.CAUSE),
        required=False,
        empty_label=_("不清楚或不适用"),
    )
    rights = LabelMultipleChoiceField(
        label=_("您认为哪些权利受到了侵害"),
        queryset=labels(Label.Kind.RIGHT),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("可多选，也可以不选。"),
    )
    demands = LabelMultipleChoiceField(
        label=_("您的诉求"),
        queryset=labels(Label.Kind.DEMAND),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("希望机构怎么解决，可多选。"),
    )
    amount = AmountField(label=_("涉及金额（元）"), help_text=_("没有涉及金额可以不填。最多两位小数。"))
    summary = forms.CharField(
        label=_("投诉事项"),
        max_length=120,
        help_text=_("一句话说明投诉什么，不超过120字。例如：信用卡年费未经同意被扣收。"),
    )
    narrative = forms.CharField(
        label=_("事情经过"),
        min_length=NARRATIVE_MIN,
        max_length=NARRATIVE_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("什么时间、在哪里、办理什么业务、发生了什么、您已经和机构怎么沟通过。10至5000字。"),
    )
    complainant_name = forms.CharField(label=_("您的姓名"), max_length=50)
    phone = forms.CharField(
        label=_("联系电话"),
        max_length=30,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        help_text=_("手机号码或带区号的固定电话，机构和监管部门会用它联系您。"),
    )
    id_number = forms.CharField(
        label=_("身份证号码"),
        max_length=18,
        required=False,
        validators=[validate_id_number],
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("选填。填写后机构能更快核实您的身份。"),
    )
    email = forms.EmailField(
        label=_("电子邮箱"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("选填。填写后，投诉有进展时会发邮件告诉您。"),
    )
    region = RegionChoiceField(
        label=_("您所在的县（市、区）"),
        queryset=Region.objects.filter(level=Region.Level.COUNTY).select_related("parent").order_by("code"),
        required=False,
        empty_label=_("请选择"),
    )
    attachments = MultipleFileField(
        label=_("附件"),
        help_text=_(
            "选填，最多5个，每个不超过10 MB：合同、账单、聊天截图等。支持 PDF、JPG、PNG、Word、Excel、文本文件。"
        ),
    )
    consent_publish = forms.BooleanField(
        label=_("同意公开"),
        required=False,
        help_text=_(
            "勾选后，平台会先删去您的姓名、电话、证件号、卡号、地址等个人信息，再把事情经过公开在投诉数据库中，"
            "帮助其他人了解同类问题。不勾选也完全不影响投诉的办理。"
        ),
    )
    submission_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data["phone"])

    def clean_id_number(self) -> str:
        return self.cleaned_data["id_number"].strip().upper()

    def clean_summary(self) -> str:
        return self.cleaned_data["summary"].strip()

    def submit_kwargs(self) -> dict[str, Any]:
        """The cleaned values as complaint_submit takes them."""
        d = self.cleaned_data
        return {
            "institution": d["institution"],
            "business": d["business"],
            "product": d.get("product"),
            "channel": d.get("channel"),
            "cause": d.get("cause"),
            "rights": list(d.get("rights") or []),
            "demands": list(d.get("demands") or []),
            "amount": d.get("amount"),
            "summary": d["summary"],
            "narrative": d["narrative"],
            "complainant_name": d["complainant_name"],
            "phone": d["phone"],
            "id_number": d.get("id_number", ""),
            "email": d.get("email", ""),
            "region": d.get("region"),
            "attachments": d.get("attachments") or [],
            "consent_publish": bool(d.get("consent_publish")),
            "idempotency_key": (d.get("submission_token") or "")[:80],
        }


STAFF_VIAS = (Complaint.Via.PHONE, Complaint.Via.LETTER, Complaint.Via.WALK_IN, Complaint.Via.EMAIL)
# A letter can take a while to reach the desk; older paper goes through the bulk import.
MAX_BACKDATE_DAYS = 90


class StaffComplaintForm(ComplaintForm):
    """Regulator staff entering a complaint that came by phone, letter, visit or e-mail."""

    via = forms.ChoiceField(
        label=_("投诉渠道"),
        choices=[(v.value, v.label) for v in STAFF_VIAS],
        widget=forms.RadioSelect,
    )
    received_date = forms.DateField(
        label=_("收到日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("信函等非当天收到的投诉请填写实际收到日期，时限从该日起算；留空表示今天。"),
    )

    field_order = ["via", "received_date"]

    def clean_received_date(self) -> date | None:
        day = self.cleaned_data.get("received_date")
        if day is None:
            return None
        today = timezone.localdate()
        if day > today:
            raise ValidationError(_("收到日期不能晚于今天。"))
        if day < today - timedelta(days=MAX_BACKDATE_DAYS):
            raise ValidationError(_("收到日期不能早于 %(days)s 天前。") % {"days": MAX_BACKDATE_DAYS})
        return day

    def received_at(self) -> datetime | None:
        day = self.cleaned_data.get("received_date")
        if day is None or day == timezone.localdate():
            return None
        # The hour of an earlier day is unknown; noon keeps the date right in every time zone view.
        return timezone.make_aware(datetime.combine(day, time(12, 0)))


# ---------------------------------------------------------------------------------------------
# Look-up


class TrackRecoverForm(forms.Form):
    number = forms.CharField(
        label=_("投诉编号"),
        max_length=24,
        help_text=_("提交投诉后得到的编号，例如 JL-20260301-000123。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("投诉时留下的手机号码"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    def clean_number(self) -> str:
        return self.cleaned_data["number"].strip().upper()


class TrackForm(forms.Form):
    number = forms.CharField(
        label=_("投诉编号"),
        max_length=24,
        help_text=_("提交投诉后得到的编号，例如 JL-20260301-000123。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    code = forms.CharField(
        label=_("查询码"),
        max_length=20,
        help_text=_("提交投诉时页面上显示的10位查询码，不区分大小写。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def clean_number(self) -> str:
        return self.cleaned_data["number"].strip().upper()

    def clean_code(self) -> str:
        return re.sub(r"[\s-]", "", self.cleaned_data["code"]).upper()


# ---------------------------------------------------------------------------------------------
# Actions on one complaint. Field names match the services' keyword arguments, so a ValidationError
# a service raises for one argument lands next to the field it is about.


class ComplaintActionForm(forms.Form):
    def __init__(self, *args: Any, complaint: Complaint | None = None, **kwargs: Any) -> None:
        self.complaint = complaint
        kwargs.setdefault("auto_id", f"id_{self.prefix_name()}_%s")
        super().__init__(*args, **kwargs)

    @classmethod
    def prefix_name(cls) -> str:
        return cls.__name__.removesuffix("Form").lower()


class CorrectForm(ComplaintActionForm):
    summary = ComplaintForm.base_fields["summary"]
    narrative = ComplaintForm.base_fields["narrative"]
    amount = AmountField(label=_("涉及金额（元）"))


class WithdrawForm(ComplaintActionForm):
    reason = forms.CharField(
        label=_("撤回原因"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    confirm = forms.BooleanField(
        label=_("我确认撤回这件投诉"), help_text=_("撤回后投诉即结束办理，不能恢复；如有需要可以重新投诉。")
    )


class UnpublishForm(ComplaintActionForm):
    confirm = forms.BooleanField(
        label=_("我不再同意公开投诉内容"),
        help_text=_("公开的投诉信息中将不再包含您的投诉内容（下次每日更新时生效）；投诉的办理不受影响。"),
    )


class AcceptForm(ComplaintActionForm):
    note = forms.CharField(
        label=_("受理意见"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class RefuseForm(ComplaintActionForm):
    reason = LabelChoiceField(label=_("不予受理理由"), queryset=labels(Label.Kind.REFUSAL), empty_label=_("请选择"))
    note = forms.CharField(
        label=_("向投诉人说明"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("投诉人会看到这段说明，请用平实的语言写明原因和可以去哪里反映。"),
    )


class AuthorityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Authority) -> str:
        return obj.name


class TransferForm(ComplaintActionForm):
    to_authority = AuthorityChoiceField(
        label=_("转至监管部门"),
        queryset=Authority.objects.filter(valid_to__isnull=True).order_by("code"),
        required=False,
        empty_label=_("不转监管部门"),
    )
    to_institution = InstitutionChoiceField(
        label=_("改由该机构办理"),
        queryset=institution_queryset(),
        required=False,
        empty_label=_("不更换机构"),
    )
    reason = forms.CharField(label=_("转办理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())  # Form.clean() returns cleaned_data
        if not data.get("to_authority") and not data.get("to_institution"):
            raise ValidationError(_("请选择转办的监管部门或机构。"))
        return data


class SuperviseForm(ComplaintActionForm):
    reason = forms.CharField(
        label=_("督办事由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("机构会收到督办通知，须在规定工作日内办理并回复。"),
    )


class FollowUpForm(ComplaintActionForm):
    result = forms.CharField(
        label=_("回访情况"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("投诉人为什么不满意，已采取或将采取什么措施。"),
    )


class ReviewForm(ComplaintActionForm):
    upheld = forms.TypedChoiceField(
        label=_("核查结论"),
        choices=[("1", _("维持机构的处理，办结投诉")), ("0", _("机构处理不当，退回机构重新办理"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    result = forms.CharField(
        label=_("核查情况"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}), help_text=_("至少10个字。")
    )


class AnswerForm(ComplaintActionForm):
    outcome = forms.ChoiceField(label=_("处理结果"), choices=Complaint.Outcome.choices, widget=forms.RadioSelect)
    decision = forms.CharField(
        label=_("处理意见"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("写明核实了什么、依据是什么、怎么处理。投诉人会看到全文。至少10个字。"),
    )
    remedy = forms.CharField(
        label=_("补救措施"), required=False, max_length=200, help_text=_("例如：退还年费、恢复账户使用。")
    )
    remedy_amount = AmountField(label=_("补偿/退还金额（元）"))
    remedies_open = forms.MultipleChoiceField(
        label=_("告知投诉人仍可选择的途径"),
        choices=Complaint.Remedy.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("不选则默认告知全部途径。"),
    )


class ExtendForm(ComplaintActionForm):
    tier = forms.ChoiceField(
        label=_("延期类型"),
        choices=[
            (Complaint.Level.COMPLEX, _("情况复杂")),
            (Complaint.Level.MAJOR, _("特别复杂（已经内部审批）")),
        ],
        widget=forms.RadioSelect,
    )
    reason = LabelChoiceField(label=_("延期理由"), queryset=labels(Label.Kind.EXTENSION), empty_label=_("请选择"))
    note = forms.CharField(
        label=_("向投诉人说明"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("投诉人会收到延期原因的通知。"),
    )


class ReturnForm(ComplaintActionForm):
    reason = forms.CharField(
        label=_("不属于本机构办理的理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("监管部门会据此重新转办，请尽量写明应由哪家机构办理。"),
    )


class SupervisionRespondForm(ComplaintActionForm):
    response = forms.CharField(label=_("督办回复"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class FeedbackForm(ComplaintActionForm):
    choice = forms.ChoiceField(
        label=_("您对处理结果的意见"),
        choices=[
            (Complaint.Feedback.SATISFIED, _("接受处理结果，结束投诉")),
            (Complaint.Feedback.REVIEW, _("不认可，申请监管部门核查")),
            (Complaint.Feedback.MEDIATION, _("申请调解")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("理由或说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("申请核查时必须填写：您不认可处理结果的哪些地方。"),
    )


class SurveyForm(ComplaintActionForm):
    score = forms.TypedChoiceField(
        label=_("您对这次投诉办理的评价"), choices=Survey.Score.choices, coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("意见和建议"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Best first, as the government's 好差评 scale is read out.
        cast(forms.ChoiceField, self.fields["score"]).choices = sorted(
            Survey.Score.choices, key=lambda c: c[0], reverse=True
        )


class MessageForm(ComplaintActionForm):
    thread = forms.CharField(widget=forms.HiddenInput)
    body = forms.CharField(label=_("留言内容"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    # A declared field, so the metaclass moves it to base_fields: it never shadows BaseForm.files.
    files = MultipleFileField(label=_("附件"), max_files=3)  # type: ignore[assignment]

    def __init__(self, *args: Any, thread: str, **kwargs: Any) -> None:
        self.thread_name = thread
        kwargs.setdefault("auto_id", f"id_message_{thread}_%s")
        super().__init__(*args, **kwargs)
        self.fields["thread"].initial = thread


# ---------------------------------------------------------------------------------------------
# Work queue filters


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), required=False)
    business = forms.ModelChoiceField(
        label=_("业务类别"),
        queryset=Category.objects.filter(dimension=Category.Dimension.BUSINESS, parent__isnull=True).order_by("sort"),
        required=False,
        empty_label=_("全部"),
    )
    institution = forms.CharField(label=_("机构名称包含"), required=False, max_length=100)
    received_from = CaseDateField(label=_("收到日期从"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    received_to = CaseDateField(label=_("收到日期至"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    q = forms.CharField(
        label=_("编号或投诉事项"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_filter_%s")
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["status"]).choices = [("", _("全部")), *Complaint.Status.choices]
        cast(forms.ModelChoiceField, self.fields["business"]).label_from_instance = localized_name  # type: ignore[method-assign]  # Django's way to relabel choices

    def filters(self) -> dict[str, Any]:
        """The valid filters; an invalid one is dropped rather than emptying the list."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class NotificationReadForm(forms.Form):
    notification = forms.IntegerField(required=False)
