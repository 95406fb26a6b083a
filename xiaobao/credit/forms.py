from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from xiaobao.core.forms import CaseDateField, validate_id_number
from xiaobao.credit.models import CreditEntry, CreditList
from xiaobao.registry.forms import InstitutionChoiceField, institution_queryset
from xiaobao.registry.models import Penalty

DATE = forms.DateInput(attrs={"type": "date"})


class PenaltyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.decision_number} · {obj.institution.name}（{obj.decided_on:%Y-%m-%d}）"


def penalty_queryset() -> QuerySet[Penalty]:
    return Penalty.objects.select_related("institution").order_by("-decided_on", "decision_number")


class EntryForm(forms.Form):
    """A draft entry. The subject's fields that do not apply to the chosen kind are ignored by the service."""

    credit_list = forms.ChoiceField(label=_("名单"), choices=CreditList.choices)
    source = forms.ChoiceField(label=_("认定来源"), choices=CreditEntry.Source.choices)
    penalty = PenaltyChoiceField(
        label=_("行政处罚决定"),
        queryset=Penalty.objects.none(),
        required=False,
        help_text=_("来源为行政处罚决定时选择；被处罚机构、文号和认定日期取自处罚决定。"),
    )
    subject = forms.ChoiceField(label=_("主体类别"), choices=CreditEntry.Subject.choices)
    institution = InstitutionChoiceField(label=_("金融机构"), queryset=Penalty.objects.none(), required=False)
    name = forms.CharField(label=_("企业名称"), max_length=100, required=False)
    uscc = forms.CharField(label=_("企业统一社会信用代码"), max_length=18, required=False)
    person_name = forms.CharField(label=_("自然人姓名"), max_length=50, required=False)
    person_id_number = forms.CharField(
        label=_("自然人身份证号码"), max_length=18, required=False, validators=[validate_id_number]
    )
    basis = forms.CharField(
        label=_("法律依据（条款）"), max_length=300, help_text=_("例如：《防范和处置非法集资条例》第三十三条")
    )
    document = forms.CharField(
        label=_("决定书或判决书文号"), max_length=100, required=False, help_text=_("来源为处罚决定时可不填。")
    )
    decided_on = CaseDateField(label=_("认定日期"), widget=DATE, required=False)
    valid_from = CaseDateField(label=_("有效期起"), widget=DATE, required=False, help_text=_("不填则为认定日期。"))
    valid_until = CaseDateField(
        label=_("有效期至"), widget=DATE, required=False, help_text=_("不填则按规则的默认有效期计算。")
    )
    facts = forms.CharField(label=_("事实与理由"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["penalty"].queryset = penalty_queryset()  # type: ignore[attr-defined]
        self.fields["institution"].queryset = institution_queryset()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("source") == CreditEntry.Source.PENALTY:
            if not data.get("penalty"):
                self.add_error("penalty", _("来源为行政处罚决定时，请选择处罚决定。"))
        elif not data.get("decided_on"):
            self.add_error("decided_on", _("请填写认定日期。"))
        return data


class CheckForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("复核结论"),
        choices=[("publish", _("通过，予以公示")), ("reject", _("不通过"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("复核意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )


class ObjectionForm(forms.Form):
    reason = forms.CharField(label=_("异议理由"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)


class ObjectionDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("答复结论"),
        choices=[("rejected", _("异议不成立，维持列入")), ("upheld", _("异议成立，移出名单"))],
        widget=forms.RadioSelect,
    )
    decision = forms.CharField(label=_("答复理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class RepairForm(forms.Form):
    statement = forms.CharField(
        label=_("纠正失信行为的情况"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    penalty_fulfilled = forms.BooleanField(label=_("已履行处罚或判决确定的义务"), required=False)
    commitment_signed = forms.BooleanField(label=_("已签署信用承诺书"), required=False)


class RepairDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("决定"), choices=[("granted", _("准予修复")), ("refused", _("不予修复"))], widget=forms.RadioSelect
    )
    penalty_fulfilled = forms.BooleanField(label=_("经核实，已履行处罚或判决确定的义务"), required=False)
    commitment_signed = forms.BooleanField(label=_("经核实，已签署信用承诺书"), required=False)
    decision = forms.CharField(label=_("决定理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class EntryFilterForm(forms.Form):
    credit_list = forms.ChoiceField(label=_("名单"), choices=[("", _("全部")), *CreditList.choices], required=False)
    status = forms.ChoiceField(label=_("状态"), choices=[("", _("全部")), *CreditEntry.Status.choices], required=False)
    q = forms.CharField(label=_("名称、代码或编号"), max_length=100, required=False)

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}


class PublicFilterForm(forms.Form):
    list = forms.ChoiceField(label=_("名单"), choices=[("", _("全部")), *CreditList.choices], required=False)
    name = forms.CharField(label=_("名称"), max_length=100, required=False)
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=18, required=False)
    valid_on = CaseDateField(label=_("有效日期"), widget=DATE, required=False, help_text=_("不填则为今天。"))
