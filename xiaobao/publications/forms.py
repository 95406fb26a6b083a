from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DraftForm(forms.Form):
    year = forms.IntegerField(label=_("年份"), min_value=2016, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("期间"),
        choices=[
            ("", _("全年")),
            ("1", _("第一季度")),
            ("2", _("第二季度")),
            ("3", _("第三季度")),
            ("4", _("第四季度")),
        ],
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["year"].initial = timezone.localdate().year


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤回原因（公众可见）"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
