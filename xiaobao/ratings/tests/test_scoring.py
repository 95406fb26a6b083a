"""The arithmetic, against examples worked out by hand."""

from decimal import Decimal as D

from django.test import SimpleTestCase

from xiaobao.ratings.scoring import (
    RENORMALISE,
    ZERO,
    BandInput,
    DimensionInput,
    IndicatorInput,
    band_for,
    evaluate,
    linear_score,
)
from xiaobao.testing import present

BANDS = [
    BandInput("一级", D("90")),
    BandInput("二级", D("80")),
    BandInput("三级", D("70")),
    BandInput("五级", D("0"), True),
]
NATIONAL = [
    DimensionInput("structure", D("10")),
    DimensionInput("mechanism", D("25")),
    DimensionInput("service", D("30")),
    DimensionInput("education", D("10")),
    DimensionInput("disputes", D("25")),
]


def ind(code: str, dim: str, score: str | None, weight: str = "1") -> IndicatorInput:
    return IndicatorInput(code, dim, D(weight), None if score is None else D(score))


class LinearScoreTests(SimpleTestCase):
    def test_it_gives_full_marks_at_best_zero_at_worst_and_a_straight_line_between(self) -> None:
        # On-time rate, 100% → 100, 80% → 0: 92% is 12/20 of the way, so 60.
        self.assertEqual(linear_score(D("92"), best=D("100"), worst=D("80")), D("60.00"))
        self.assertEqual(linear_score(D("100"), best=D("100"), worst=D("80")), D("100.00"))
        self.assertEqual(linear_score(D("80"), best=D("100"), worst=D("80")), D("0.00"))

    def test_it_holds_values_beyond_either_end(self) -> None:
        self.assertEqual(linear_score(D("70"), best=D("100"), worst=D("80")), D("0.00"))
        self.assertEqual(linear_score(D("0.1"), best=D("0.5"), worst=D("5")), D("100.00"))

    def test_it_scores_lower_is_better_metrics_the_other_way_round(self) -> None:
        # Complaints per 10,000 customers, 0.5 → 100, 5 → 0: 2.75 is half way, so 50.
        self.assertEqual(linear_score(D("2.75"), best=D("0.5"), worst=D("5")), D("50.00"))

    def test_it_has_no_score_without_data(self) -> None:
        self.assertIsNone(linear_score(None, best=D("100"), worst=D("80")))


class EvaluateTests(SimpleTestCase):
    def test_it_computes_the_national_scheme_total_by_hand(self) -> None:
        # 10×80 + 25×(90+70)/2 + 30×(100×2+40×1)/3 + 10×60 + 25×50 = 800+2000+2400+600+1250 = 7050 → 70.50
        result = evaluate(
            dimensions=NATIONAL,
            indicators=[
                ind("a", "structure", "80"),
                ind("b", "mechanism", "90"),
                ind("c", "mechanism", "70"),
                ind("d", "service", "100", "2"),
                ind("e", "service", "40"),
                ind("f", "education", "60"),
                ind("g", "disputes", "50"),
            ],
            bands=BANDS,
        )
        self.assertEqual(result.dimension_scores["service"], D("80.00"))
        self.assertEqual(result.total, D("70.50"))
        self.assertEqual(result.grade, "三级")
        # d: 30% of the total × 2/3 of its dimension = 0.2
        self.assertEqual(result.effective_weights["d"], D("0.2"))

    def test_it_places_a_total_on_a_band_edge_in_the_higher_band(self) -> None:
        self.assertEqual(present(band_for(D("90.00"), BANDS)).grade, "一级")
        self.assertEqual(present(band_for(D("89.99"), BANDS)).grade, "二级")
        self.assertEqual(present(band_for(D("0"), BANDS)).grade, "五级")
        self.assertIsNone(band_for(D("50"), [BandInput("一级", D("90"))]))

    def test_it_leaves_out_missing_data_and_renormalises_the_weights(self) -> None:
        # Mediation has no data: disputes is just "g" (60). Education has none at all: the other four
        # dimensions share 90 → (10×80 + 25×70 + 30×90 + 25×60) / 90 = 6750/90 = 75.00
        result = evaluate(
            dimensions=NATIONAL,
            indicators=[
                ind("a", "structure", "80"),
                ind("b", "mechanism", "70"),
                ind("d", "service", "90"),
                ind("f", "education", None),
                ind("g", "disputes", "60"),
                ind("m", "disputes", None),
            ],
            missing=RENORMALISE,
            bands=BANDS,
        )
        self.assertEqual(result.total, D("75.00"))
        self.assertIsNone(result.dimension_scores["education"])
        self.assertEqual(sorted(result.excluded), ["f", "m"])
        self.assertEqual(result.effective_weights["m"], D("0"))
        self.assertEqual(result.effective_weights["g"], D("25") / D("90"))

    def test_it_scores_missing_data_as_zero_when_the_scheme_says_so(self) -> None:
        # Same data: disputes = (60+0)/2 = 30, education = 0 → (800+1750+2700+0+750)/100 = 60.00
        result = evaluate(
            dimensions=NATIONAL,
            indicators=[
                ind("a", "structure", "80"),
                ind("b", "mechanism", "70"),
                ind("d", "service", "90"),
                ind("f", "education", None),
                ind("g", "disputes", "60"),
                ind("m", "disputes", None),
            ],
            missing=ZERO,
            bands=BANDS,
        )
        self.assertEqual(result.total, D("60.00"))
        self.assertEqual(result.grade, "五级")

    def test_it_has_no_total_and_no_grade_without_any_data(self) -> None:
        result = evaluate(dimensions=NATIONAL, indicators=[ind("a", "structure", None)], bands=BANDS)
        self.assertIsNone(result.total)
        self.assertEqual(result.grade, "")

    def test_it_caps_inspection_deductions_at_the_schemes_cap(self) -> None:
        all_hundred = [ind(d.code, d.code, "100") for d in NATIONAL]
        at_cap = evaluate(
            dimensions=NATIONAL, indicators=all_hundred, deductions=[D("15"), D("10")], deduction_cap=D("25")
        )
        over = evaluate(
            dimensions=NATIONAL, indicators=all_hundred, deductions=[D("20"), D("20")], deduction_cap=D("25")
        )
        under = evaluate(dimensions=NATIONAL, indicators=all_hundred, deductions=[D("7.5")], deduction_cap=D("25"))
        self.assertEqual((at_cap.deducted, at_cap.total), (D("25.00"), D("75.00")))
        self.assertEqual((over.deducted, over.total), (D("25.00"), D("75.00")))
        self.assertEqual((under.deducted, under.total), (D("7.50"), D("92.50")))

    def test_it_never_goes_below_zero_after_deductions(self) -> None:
        result = evaluate(
            dimensions=NATIONAL, indicators=[ind("a", "structure", "10")], deductions=[D("25")], deduction_cap=D("25")
        )
        self.assertEqual(result.total, D("0.00"))
