"""Forms for each step of a dispute; they parse input, the services decide."""

from datetime import date
from typing import Any, Literal, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaobao.complaints.forms import AmountField, ComplaintForm
from xiaobao.core.forms import CaseDateField
from xiaobao.disputes.models import Dispute, Mediator

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2, "min_value": 0}


def _text(label: Any, *, rows: int = 3, required: bool = True, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=4000,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class DateInput(forms.DateInput):
    input_type = "date"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"


class ApplyForm(forms.Form):
    request = _text(
        _("调解请求和理由"),
        rows=4,
        help_text=_("例如：请求退还年费600元；机构办卡时承诺免年费，答复不认可。"),
    )
    claim_amount = forms.DecimalField(label=_("请求金额（元）"), required=False, **MONEY)
    mode = forms.ChoiceField(
        label=_("希望的调解方式"), choices=Dispute.Mode.choices, initial=Dispute.Mode.ONLINE, widget=forms.RadioSelect
    )


class DirectApplyForm(ComplaintForm):
    """Applying for mediation without a complaint answered first: the complaint form's own fields for
    the institution, what happened and the applicant (same checks, same encryption downstream), with the
    amount required and the mediation request instead of the complaint's optional extras."""

    # Not asked here: the mediator and the institution take these up in the mediation itself.
    # None removes an inherited field: Django's documented idiom, which the stubs cannot express.
    channel = cause = rights = demands = id_number = region = attachments = consent_publish = None  # type: ignore[assignment]

    summary = forms.CharField(
        label=_("纠纷事项"),
        max_length=120,
        help_text=_("一句话说明与机构争议什么，不超过120字。例如：理财产品亏损，认为销售时未充分揭示风险。"),
    )
    amount = AmountField(
        label=_("争议金额（元）"),
        required=True,
        help_text=_("您与机构争议的金额，最多两位小数。在小额纠纷标准以内的，适用快速解决程序。"),
    )
    request = ApplyForm.base_fields["request"]
    mode = ApplyForm.base_fields["mode"]

    field_order = ["institution", "business", "summary", "narrative", "amount", "request", "mode"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].label = _("与您有争议的金融机构")

    def apply_kwargs(self) -> dict[str, Any]:
        """The cleaned values as dispute_apply_direct takes them."""
        d = self.submit_kwargs()
        return {
            **{k: d[k] for k in ("institution", "business", "summary", "narrative", "complainant_name", "phone")},
            "email": d["email"],
            "claim_amount": d["amount"],
            "request": self.cleaned_data["request"],
            "mode": self.cleaned_data["mode"],
            "idempotency_key": d["idempotency_key"],
        }


class SettlementForm(forms.Form):
    terms = _text(_("和解内容"), rows=4)
    agreed_amount = forms.DecimalField(label=_("和解金额（元）"), required=False, **MONEY)
    payment_due = forms.DateField(label=_("履行期限"), required=False, widget=DateInput)


class ReferForm(forms.Form):
    path = forms.ChoiceField(
        label=_("途径"),
        choices=[(Dispute.Path.ARBITRATION, _("仲裁")), (Dispute.Path.LITIGATION, _("诉讼"))],
        widget=forms.RadioSelect,
    )
    forum = forms.CharField(label=_("仲裁委员会或人民法院"), max_length=100)
    case_number = forms.CharField(label=_("案号"), max_length=60, required=False)
    referred_on = forms.DateField(label=_("提交日期"), required=False, widget=DateInput)


class RespondForm(forms.Form):
    agree = forms.TypedChoiceField(
        label=_("是否同意调解"),
        choices=[("1", _("同意调解")), ("0", _("不同意调解"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    reason = _text(_("说明"), required=False, help_text=_("不同意调解时必须填写理由。"))


class AssignForm(forms.Form):
    mediator = forms.ModelChoiceField(label=_("调解员"), queryset=Mediator.objects.none())

    def __init__(self, *args: Any, candidates: list[Mediator] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = [m.pk for m in candidates or []]
        cast(forms.ModelChoiceField, self.fields["mediator"]).queryset = Mediator.objects.filter(
            pk__in=ids
        ).select_related("user", "body")
        cast(forms.ModelChoiceField, self.fields["mediator"]).label_from_instance = lambda obj: f"{obj}（{obj.body}）"  # type: ignore[method-assign]  # Django's way to relabel choices


class ScheduleForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("调解时间"), widget=DateTimeInput, input_formats=["%Y-%m-%dT%H:%M"])
    mode = forms.ChoiceField(label=_("方式"), choices=Dispute.Mode.choices, widget=forms.RadioSelect)
    place = forms.CharField(label=_("地点或线上会议链接"), max_length=200)


class RecordForm(forms.Form):
    session = forms.IntegerField(widget=forms.HiddenInput)
    record = _text(_("调解笔录"), rows=4)


class AgreeForm(forms.Form):
    terms = _text(_("协议内容"), rows=4, help_text=_("写明双方的权利义务，例如：被申请人于十日内退还年费600元。"))
    agreed_amount = forms.DecimalField(label=_("协议金额（元）"), required=False, **MONEY)
    payment_due = forms.DateField(label=_("履行期限"), required=False, widget=DateInput)


class FailForm(forms.Form):
    reason = _text(_("调解不成的原因"))


class WithdrawForm(forms.Form):
    reason = _text(_("撤回理由"), required=False)


class PerformedForm(forms.Form):
    note = _text(_("说明"), required=False, help_text=_("例如：已于今日收到退款600元。"))


class SettlementAnswerForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("是否接受和解"),
        choices=[("1", _("接受和解")), ("0", _("不接受"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = _text(_("说明"), required=False)


class ConfirmationForm(forms.Form):
    court = forms.CharField(label=_("人民法院"), max_length=100)
    result = forms.ChoiceField(label=_("进展"), choices=Dispute.Confirmation.choices, widget=forms.RadioSelect)
    decided_on = forms.DateField(label=_("裁定日期"), required=False, widget=DateInput)


class DecideForm(forms.Form):
    outcome = _text(_("裁决或判决结果"))
    awarded_amount = forms.DecimalField(label=_("支持金额（元）"), required=False, **MONEY)
    decided_on = forms.DateField(label=_("裁判日期"), widget=DateInput, initial=timezone.localdate)


class StatsForm(forms.Form):
    start = CaseDateField(label=_("起始日期"), required=False, widget=DateInput)
    end = CaseDateField(label=_("截止日期"), required=False, widget=DateInput)
    by = forms.ChoiceField(
        label=_("统计维度"),
        required=False,
        choices=[("body", _("按调解组织")), ("institution", _("按金融机构")), ("type", _("按机构类型"))],
    )

    def period(self) -> tuple[date, date, Literal["body", "institution", "type"]]:
        """The chosen period, by default the last twelve months to today."""
        today = timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        end = data.get("end") or today
        start = data.get("start") or date(end.year - 1, end.month, 1)
        if start > end:
            start, end = end, start
        return start, end, data.get("by") or "body"
