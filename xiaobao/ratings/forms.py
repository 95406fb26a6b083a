"""The forms of the ratings pages: parsing and checking what a person typed. Every write goes through
services.py, which checks the actor and the stage again."""

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from xiaobao.ratings.models import Appeal, Dimension, Evaluation, Indicator, Period, Questionnaire, Scheme
from xiaobao.registry.models import Institution

DATE: dict[str, Any] = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
SCORE: dict[str, Any] = {"min_value": Decimal("0"), "max_value": Decimal("100"), "decimal_places": 2, "max_digits": 5}


class PeriodOpenForm(forms.Form):
    scheme = forms.ModelChoiceField(Scheme.objects.filter(is_current=True), label=_("评估方案"), empty_label=None)
    name = forms.CharField(label=_("名称"), max_length=100, help_text=_("例如：2025年度消费者权益保护评估"))
    start = forms.DateField(label=_("评估期起"), **DATE)
    end = forms.DateField(label=_("评估期止"), **DATE)
    self_assessment_due = forms.DateField(
        label=_("自评报送截止日"), required=False, help_text=_("留空为评估期次年1月31日。"), **DATE
    )
    visibility = forms.ChoiceField(label=_("发布范围"), choices=Period.Visibility.choices)
    appeal_days = forms.IntegerField(label=_("申诉期限（自然日）"), min_value=1, max_value=90, initial=15)


class SelfAssessmentForm(forms.Form):
    """The report, and the institution's own score per indicator (optional)."""

    text = forms.CharField(label=_("自评报告"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000)

    def __init__(self, *args: Any, evaluation: Evaluation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = list(evaluation.scores.select_related("indicator"))
        self.fields["text"].initial = evaluation.self_assessment
        for row in self.rows:
            self.fields[f"self_{row.indicator_id}"] = forms.DecimalField(
                label=_("自评分：%(name)s") % {"name": row.indicator.name},
                required=False,
                initial=row.self_score,
                **SCORE,
            )

    def self_scores(self) -> dict[int, tuple[Decimal | None, str]]:
        return {r.indicator_id: (self.cleaned_data.get(f"self_{r.indicator_id}"), r.self_note) for r in self.rows}


class ScoreForm(forms.Form):
    row = forms.IntegerField(widget=forms.HiddenInput)
    score = forms.DecimalField(label=_("得分（0–100）"), **SCORE)
    note = forms.CharField(label=_("评分理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class DeductionForm(forms.Form):
    reason = forms.CharField(label=_("检查发现"), max_length=300)
    points = forms.DecimalField(label=_("扣分"), min_value=Decimal("0.01"), max_value=Decimal("100"), decimal_places=2)


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("证明材料"), help_text=_("PDF、图片、Word、Excel 或文本文件。"))
    indicator = forms.ModelChoiceField(Indicator.objects.none(), label=_("对应指标"), required=False)

    def __init__(self, *args: Any, evaluation: Evaluation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["indicator"]).queryset = Indicator.objects.filter(
            dimension__scheme=evaluation.period.scheme
        )


class AppealForm(forms.Form):
    reason = forms.CharField(label=_("申诉理由"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)


class AppealDecisionForm(forms.Form):
    appeal = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label=_("处理结果"),
        choices=[
            (Appeal.Outcome.UPHELD, Appeal.Outcome.UPHELD.label),
            (Appeal.Outcome.REJECTED, Appeal.Outcome.REJECTED.label),
        ],
        widget=forms.RadioSelect,
    )
    decision = forms.CharField(label=_("处理意见"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class RectificationOpenForm(forms.Form):
    reason = forms.CharField(label=_("整改事项"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    due_date = forms.DateField(label=_("整改期限"), **DATE)


class RectificationReportForm(forms.Form):
    rectification = forms.IntegerField(widget=forms.HiddenInput)
    report = forms.CharField(label=_("整改报告"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)


class RectificationAcceptForm(forms.Form):
    rectification = forms.IntegerField(widget=forms.HiddenInput)
    accept = forms.TypedChoiceField(
        label=_("验收结论"),
        choices=[("1", _("验收通过")), ("0", _("不予验收，退回整改"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("验收意见"), required=False, max_length=2000)


class SchemeReviseForm(forms.Form):
    """One weight per dimension; saving makes a new version of the scheme."""

    deduction_cap = forms.DecimalField(
        label=_("检查发现扣分上限（分）"), min_value=Decimal("0"), max_value=Decimal("100"), decimal_places=2
    )

    def __init__(self, *args: Any, scheme: Scheme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dimensions: list[Dimension] = list(scheme.dimensions.all())
        self.fields["deduction_cap"].initial = scheme.deduction_cap
        for dim in self.dimensions:
            self.fields[f"w_{dim.code}"] = forms.DecimalField(
                label=_("%(name)s 权重（%%）") % {"name": dim.name},
                initial=dim.weight,
                min_value=Decimal("0"),
                max_value=Decimal("100"),
                decimal_places=2,
            )

    def weights(self) -> dict[str, Decimal]:
        return {d.code: self.cleaned_data[f"w_{d.code}"] for d in self.dimensions}


def head_institutions() -> Any:
    return (
        Institution.objects.filter(parent__isnull=True, is_active=True)
        .select_related("type")
        .order_by("type__sector", "name")
    )


class QuestionnaireForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=100)
    run_by = forms.CharField(label=_("组织单位"), max_length=100, help_text=_("例如：吉林省银行业协会"))
    intro = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    questions = forms.CharField(
        label=_("题目"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("每行一道题；每道题按 1（非常不满意）到 5（非常满意）作答。"),
        max_length=5000,
    )
    institutions = forms.ModelMultipleChoiceField(
        Institution.objects.none(), label=_("参评机构"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["institutions"]).queryset = head_institutions()

    def question_lines(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["questions"].splitlines() if line.strip()]


FIVE_LEVELS = [(5, _("非常满意")), (4, _("满意")), (3, _("基本满意")), (2, _("不满意")), (1, _("非常不满意"))]


class ResponseForm(forms.Form):
    """The public answer sheet: which institution, one of five levels per question, an optional comment."""

    institution = forms.ModelChoiceField(Institution.objects.none(), label=_("您评价的机构"))
    comment = forms.CharField(
        label=_("意见建议"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )

    def __init__(self, *args: Any, questionnaire: Questionnaire, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["institution"]).queryset = questionnaire.institutions.order_by("name")
        self.questions = list(questionnaire.questions.all())
        for q in self.questions:
            self.fields[f"q_{q.pk}"] = forms.TypedChoiceField(
                label=q.text, choices=FIVE_LEVELS, coerce=int, widget=forms.RadioSelect
            )
        # The comment comes last, after the questions.
        self.order_fields(["institution", *[f"q_{q.pk}" for q in self.questions], "comment"])

    def values(self) -> dict[int, int]:
        return {q.pk: self.cleaned_data[f"q_{q.pk}"] for q in self.questions}
