"""The public search form: the API's parameter names, so a page's address is also an API query."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from xiaobao.core.forms import CaseDateField, localized_name
from xiaobao.disclosure import search
from xiaobao.disclosure.models import PublicComplaint
from xiaobao.disclosure.selectors import PublicFilters
from xiaobao.registry.models import Category, Region

YES_NO = [("", _("全部")), ("true", _("是")), ("false", _("否"))]
PAGE_SIZE = 20


class PublicSearchForm(forms.Form):
    search_term = forms.CharField(
        label=_("关键词"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_("例如：信用卡 年费。多个词之间用空格分开，须全部出现。"),
    )
    field = forms.ChoiceField(
        label=_("检索范围"),
        required=False,
        choices=[
            (search.FIELD_ALL, _("全部内容")),
            (search.FIELD_NARRATIVE, _("仅投诉内容")),
            (search.FIELD_COMPANY, _("机构名称")),
        ],
    )
    business = forms.ModelChoiceField(
        label=_("业务类别"),
        queryset=Category.objects.filter(dimension=Category.Dimension.BUSINESS, parent__isnull=True).order_by("sort"),
        required=False,
        empty_label=_("全部"),
        to_field_name="code",
    )
    cause = forms.ModelChoiceField(
        label=_("投诉原因"),
        queryset=Category.objects.filter(dimension=Category.Dimension.CAUSE, parent__isnull=True).order_by("sort"),
        required=False,
        empty_label=_("全部"),
        to_field_name="code",
    )
    region = forms.ModelChoiceField(
        label=_("地区"),
        queryset=Region.objects.filter(level=Region.Level.PREFECTURE).order_by("code"),
        required=False,
        empty_label=_("全部"),
        to_field_name="code",
    )
    company = forms.ChoiceField(label=_("被投诉机构"), required=False)
    company_response = forms.ChoiceField(
        label=_("机构答复"), required=False, choices=[("", _("全部")), *PublicComplaint.Response.choices]
    )
    timely = forms.ChoiceField(label=_("按时答复"), required=False, choices=YES_NO)
    has_narrative = forms.ChoiceField(label=_("公开了投诉内容"), required=False, choices=YES_NO)
    date_received_min = CaseDateField(
        label=_("收到日期从"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_received_max = CaseDateField(
        label=_("收到日期至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(
        label=_("排序"),
        required=False,
        choices=[
            ("created_date_desc", _("最新在前")),
            ("created_date_asc", _("最早在前")),
            ("relevance_desc", _("最相关在前")),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("business", "cause"):
            cast(forms.ModelChoiceField, self.fields[name]).label_from_instance = localized_name  # type: ignore[method-assign]  # Django's way to relabel choices
        groups = PublicComplaint.objects.order_by("group__name").values_list("group__name", flat=True).distinct()
        cast(forms.ChoiceField, self.fields["company"]).choices = [("", _("全部")), *((name, name) for name in groups)]

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())  # Form.clean() returns cleaned_data
        low, high = data.get("date_received_min"), data.get("date_received_max")
        if low and high and low > high:
            self.add_error("date_received_max", _("结束日期不能早于开始日期。"))
        return data

    def public_filters(self) -> PublicFilters:
        """The valid filters; an invalid one is dropped (and its error shown) rather than emptying the list."""
        if not self.is_bound:
            return PublicFilters()
        self.is_valid()
        data = self.cleaned_data

        def flag(name: str) -> bool | None:
            return {"true": True, "false": False}.get(data.get(name) or "")

        return PublicFilters(
            search_term=data.get("search_term") or "",
            search_field=data.get("field") or search.FIELD_ALL,
            date_received_min=data.get("date_received_min"),
            date_received_max=data.get("date_received_max") if "date_received_max" not in self.errors else None,
            company=[data["company"]] if data.get("company") else [],
            business=[data["business"].code] if data.get("business") else [],
            cause=[data["cause"].code] if data.get("cause") else [],
            region=[data["region"].code] if data.get("region") else [],
            company_response=[data["company_response"]] if data.get("company_response") else [],
            timely=flag("timely"),
            has_narrative=flag("has_narrative"),
        )
