from collections.abc import Iterable
from datetime import date
from typing import cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from xiaobao.core.forms import GroupedModelChoiceField
from xiaobao.registry.models import Authority, Institution, InstitutionType, Penalty


class InstitutionChoiceField(GroupedModelChoiceField[Institution]):
    """Institutions grouped by sector (银行业, 保险业…), each by its registered name."""

    def grouped(self, objs: list[Institution]) -> Iterable[tuple[str, list[tuple[Institution, str]]]]:
        sectors = dict(InstitutionType.Sector.choices)
        order = {value: i for i, value in enumerate(sectors)}  # banks first, as the Sector choices list them
        groups: dict[str, list[tuple[Institution, str]]] = {}
        for obj in sorted(objs, key=lambda o: (order.get(o.type.sector, len(order)), o.name)):
            groups.setdefault(str(sectors.get(obj.type.sector, obj.type.sector)), []).append((obj, obj.name))
        return groups.items()


def institution_queryset() -> QuerySet[Institution]:
    return Institution.objects.filter(is_active=True).select_related("type").order_by("type__sector", "name")


class PenaltyForm(forms.ModelForm):
    class Meta:
        model = Penalty
        fields = [
            "institution",
            "decided_on",
            "decision_number",
            "authority",
            "penalty_type",
            "amount",
            "content",
            "violation",
            "basis",
        ]
        widgets = {
            "decided_on": forms.DateInput(attrs={"type": "date"}),
            "violation": forms.Textarea(attrs={"rows": 3}),
            "basis": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, authorities: QuerySet[Authority], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["institution"]).queryset = Institution.objects.filter(
            is_active=True
        ).order_by("name")
        cast(forms.ModelChoiceField, self.fields["authority"]).queryset = authorities.order_by("code")
        if authorities.count() == 1:
            self.fields["authority"].initial = authorities.first()

    def _post_clean(self) -> None:
        # The service validates the whole decision (and who may record it): nothing to do here twice.
        pass


class PenaltyFilterForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=_("机构"), queryset=Institution.objects.none(), required=False, empty_label=_("全部机构")
    )
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, years: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["institution"]).queryset = (
            Institution.objects.filter(penalties__isnull=False).distinct().order_by("name")
        )
        cast(forms.ChoiceField, self.fields["year"]).choices = [("", _("全部年度")), *((y, str(y)) for y in years)]

    def period(self) -> tuple[date | None, date | None]:
        year = self.cleaned_data.get("year") if self.is_valid() else None
        return (date(year, 1, 1), date(year, 12, 31)) if year else (None, None)
