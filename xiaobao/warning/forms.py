"""Forms of the early-warning desk: filters, the alert workflow and the watch-list import."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from xiaobao.accounts.models import User
from xiaobao.warning.models import Alert, Level


class AlertFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("未办结")), ("all", _("全部")), *Alert.Status.choices],
    )
    level = forms.ChoiceField(label=_("预警等级"), required=False, choices=[("", _("全部")), *Level.choices])
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=[("", _("全部")), *Alert.Kind.choices])
    dimension = forms.ChoiceField(label=_("维度"), required=False, choices=[("", _("全部")), *Alert.Dimension.choices])
    q = forms.CharField(label=_("对象名称包含"), required=False, max_length=100)

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}


def colleagues_of(alert: Alert) -> Any:
    """Who may take the alert: active staff of its authority or of an authority above it."""
    from xiaobao.registry.selectors import authority_ancestor_ids

    ids = authority_ancestor_ids(alert.authority)
    return User.objects.filter(role=User.Role.REGULATOR, is_active=True, authority_id__in=ids).order_by(
        "display_name", "username"
    )


class AssignForm(forms.Form):
    to = forms.ModelChoiceField(label=_("承办人"), queryset=User.objects.none())

    def __init__(self, *args: Any, alert: Alert, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["to"]).queryset = colleagues_of(alert)


class InvestigateForm(forms.Form):
    pass


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("核查结论"),
        choices=[("confirmed", _("确认属实")), ("false_positive", _("误报"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("办结说明"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("写明核查了什么、结论依据；误报的原因将用于复核监测阈值。"),
    )


class NoteForm(forms.Form):
    note = forms.CharField(label=_("备注"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("企业名单（CSV 或 XLSX）"),
        help_text=_("列：名称、统一社会信用代码、经营范围、注册地（区划代码或名称）、宣传文本。名称和注册地必填。"),
    )
