"""Forms of the warnings: writing one, the review steps, and the filters of the public list and the desk."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xiaobao.core.forms import localized_name
from xiaobao.riskwarnings.models import Audience, RiskWarning
from xiaobao.riskwarnings.selectors import WarningFilters, region_choices


class RegionField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class AudienceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return localized_name(obj)


class WarningForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=120)
    scheme = forms.CharField(
        label=_("风险手法"),
        max_length=200,
        help_text=_("骗局或产品的特征，例如“以高额返利为诱饵推销养老项目”。"),
    )
    body = forms.CharField(
        label=_("正文"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=10000,
        help_text=_("写给公众看：怎么识别、怎么防范、遇到了找谁。不写个人信息。"),
    )
    audiences = AudienceField(
        label=_("提示对象"), queryset=Audience.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    regions = RegionField(label=_("地区"), queryset=region_choices(), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["audiences"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Audience.objects.filter(is_active=True)
        regions = self.fields["regions"]
        assert isinstance(regions, forms.ModelMultipleChoiceField)
        regions.queryset = region_choices()


class EvidenceForm(forms.Form):
    """Where a draft comes from: hidden on the form, found again through its access check on posting."""

    kind = forms.CharField(max_length=24, required=False, widget=forms.HiddenInput)
    key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)


class SubmitForm(forms.Form):
    pass


class PublishForm(forms.Form):
    note = forms.CharField(
        label=_("审核意见（选填）"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReturnForm(forms.Form):
    note = forms.CharField(label=_("需要修改的地方"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤回原因（公众可见）"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class FilterForm(forms.Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=100)
    audience = forms.ChoiceField(label=_("提示对象"), required=False)
    region = forms.ChoiceField(label=_("地区"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everyone = [("", _("全部"))]
        audience = self.fields["audience"]
        assert isinstance(audience, forms.ChoiceField)
        audience.choices = everyone + [(a.code, localized_name(a)) for a in Audience.objects.filter(is_active=True)]
        region = self.fields["region"]
        assert isinstance(region, forms.ChoiceField)
        region.choices = everyone + [(r.code, r.name) for r in region_choices()]

    def filters(self) -> WarningFilters:
        if not self.is_valid():
            return WarningFilters()
        data = self.cleaned_data
        return WarningFilters(
            audience=data.get("audience") or "",
            region=data.get("region") or "",
            search_term=data.get("q") or "",
            status=data.get("status") or "",
        )

    @property
    def filtered(self) -> bool:
        return self.is_valid() and any(self.cleaned_data.values())


class DeskFilterForm(FilterForm):
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *RiskWarning.Status.choices])
