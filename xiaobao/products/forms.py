"""The forms of the shelf, the questionnaire, the counter's check and the grading decisions."""

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from xiaobao.core.forms import CaseDateField, GroupedModelChoiceField
from xiaobao.products.models import CustomerLevel, Product, Questionnaire, RiskGrade
from xiaobao.products.services import EDITABLE_FIELDS
from xiaobao.registry.models import Category


class BusinessChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj.path()}"


class ProductChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj.name}（{obj.grade_code}）"


class ProductsByInstitutionField(GroupedModelChoiceField[Product]):
    """Products on sale grouped by the institution that sells them: a complaint names one."""

    def grouped(self, objs: list[Product]) -> Iterable[tuple[str, list[tuple[Product, str]]]]:
        groups: dict[str, list[tuple[Product, str]]] = {}
        for obj in objs:
            groups.setdefault(obj.institution.name, []).append((obj, f"{obj.name}（{obj.grade_code}）"))
        return groups.items()


def product_queryset() -> QuerySet[Product]:
    return (
        Product.objects.filter(status=Product.Status.ON_SALE)
        .select_related("institution")
        .order_by("institution__name", "name")
    )


class ProductForm(forms.ModelForm):
    """The shelf's entry for one product; the grade is asked only when the product is added."""

    risk_grade = forms.TypedChoiceField(label=_("风险等级"), choices=RiskGrade.choices, coerce=int)

    class Meta:
        model = Product
        fields = list(EDITABLE_FIELDS)
        field_classes = {"business": BusinessChoiceField}
        widgets = {
            "on_sale_from": forms.DateInput(attrs={"type": "date"}),
            "off_sale_on": forms.DateInput(attrs={"type": "date"}),
            "fees": forms.Textarea(attrs={"rows": 2}),
            "redemption": forms.Textarea(attrs={"rows": 2}),
            "risk_disclosure": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args: Any, adding: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        business = cast(forms.ModelChoiceField, self.fields["business"])
        business.queryset = Category.objects.filter(dimension=Category.Dimension.BUSINESS, is_active=True).order_by(
            "code"
        )
        if not adding:
            del self.fields["risk_grade"]
        else:
            self.order_fields(["code", "registration_code", "name", "business", "issuer", "risk_grade"])

    def _post_clean(self) -> None:
        # The service validates the product and who may change it: nothing to do here twice.
        pass

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}


class AssessmentForm(forms.Form):
    """The questionnaire: one required radio group per question."""

    customer_name = forms.CharField(label=_("客户姓名"), max_length=50)
    customer_ref = forms.CharField(label=_("客户号"), max_length=40, required=False)

    def __init__(self, *args: Any, questionnaire: Questionnaire, at_counter: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not at_counter:
            del self.fields["customer_name"], self.fields["customer_ref"]
        for question in questionnaire.questions.prefetch_related("options"):
            self.fields[f"q{question.pk}"] = forms.TypedChoiceField(
                label=question.text,
                choices=[(o.pk, o.text) for o in question.options.all()],
                coerce=int,
                widget=forms.RadioSelect,
            )

    def answers(self) -> dict[int, int]:
        return {int(k[1:]): v for k, v in self.cleaned_data.items() if k.startswith("q") and k[1:].isdigit()}


class CheckForm(forms.Form):
    product = ProductChoiceField(label=_("产品"), queryset=Product.objects.none())
    customer_level = forms.TypedChoiceField(label=_("客户风险承受能力等级"), choices=CustomerLevel.choices, coerce=int)
    assessed_on = CaseDateField(label=_("评估日期"), widget=forms.DateInput(attrs={"type": "date"}))
    customer_age = forms.IntegerField(label=_("客户年龄"), min_value=0, max_value=150)
    recording_ref = forms.CharField(label=_("双录编号"), max_length=100, required=False)
    customer_insists = forms.BooleanField(label=_("客户主动要求购买高于其等级的产品"), required=False)

    def __init__(self, *args: Any, products: QuerySet[Product], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["product"])
        field.queryset = products.filter(status=Product.Status.ON_SALE).order_by("code")


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("机构说明"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("决定"), choices=[("confirm", _("确认调整")), ("reject", _("不予调整"))], widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("监管意见"), widget=forms.Textarea(attrs={"rows": 3}), max_length=300, required=False
    )
    public_warning = forms.CharField(
        label=_("公开风险提示（确认时在产品页公开）"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
    )


class PublicFilterForm(forms.Form):
    search_term = forms.CharField(label=_("检索词"), max_length=100, required=False)
    risk_grade = forms.ChoiceField(
        label=_("风险等级"),
        choices=[("", _("全部"))] + [(f"R{g}", label) for g, label in RiskGrade.choices],
        required=False,
    )
    type = forms.ChoiceField(label=_("产品类别"), choices=[], required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        used = Category.objects.filter(products__status=Product.Status.ON_SALE).distinct().order_by("code")
        self.fields["type"].choices = [("", _("全部"))] + [(c.code, c.path()) for c in used]  # type: ignore[attr-defined]
