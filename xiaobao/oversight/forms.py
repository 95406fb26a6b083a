from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaobao.core.forms import CaseDateField


class DateInput(forms.DateInput):
    input_type = "date"


class PeriodForm(forms.Form):
    start = CaseDateField(label=_("起始日期"), required=False, widget=DateInput)
    end = CaseDateField(label=_("截止日期"), required=False, widget=DateInput)

    def clean(self) -> dict:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("起始日期不能晚于截止日期。"))
        return data

    def period(self) -> tuple[date, date]:
        """The chosen period, by default the last twelve months to today; an invalid one falls back to it."""
        data = self.cleaned_data if self.is_valid() else {}
        end = data.get("end") or timezone.localdate()
        start = data.get("start") or end - timedelta(days=365)
        return start, end
