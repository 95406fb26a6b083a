from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xiaobao.audit.models import Record
from xiaobao.core.forms import CaseDateField


class TrailFilterForm(forms.Form):
    date_from = CaseDateField(label=_("日期从"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = CaseDateField(label=_("日期至"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    user = forms.CharField(label=_("用户名"), required=False, max_length=150)
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=[("", _("全部")), *Record.Kind.choices])
    object_id = forms.CharField(label=_("对象编号"), required=False, max_length=64)
    address = forms.GenericIPAddressField(label=_("来源地址"), required=False)

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}
