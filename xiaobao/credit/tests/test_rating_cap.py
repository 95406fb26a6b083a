"""The measures a list triggers, applied: a black-listed institution's published grade is held at the cap."""

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine
from django.test import SimpleTestCase
from hypothesis import given
from hypothesis import strategies as st

from xiaobao.credit import selectors
from xiaobao.credit.models import Measure
from xiaobao.credit.tests.base import CreditTestCase
from xiaobao.ratings import scoring
from xiaobao.ratings.tests.helpers import RatingsTestCase

SHANGHAI = ZoneInfo("Asia/Shanghai")
BANDS = [
    scoring.BandInput("一级", Decimal("90")),
    scoring.BandInput("二级", Decimal("80")),
    scoring.BandInput("三级", Decimal("70")),
    scoring.BandInput("四级", Decimal("60")),
    scoring.BandInput("五级", Decimal("0"), True),
]


def result_at(total: Decimal) -> scoring.Result:
    return scoring.Result({}, {}, total, Decimal("0"), total, scoring.band_for(total, BANDS))


class CapBandTests(SimpleTestCase):
    @given(total=st.decimals(min_value=0, max_value=100, places=2), best=st.integers(min_value=1, max_value=5))
    def test_it_never_grades_above_the_cap_nor_lowers_a_grade_already_below_it(self, total: Decimal, best: int) -> None:
        before = result_at(total)
        after = scoring.cap_band(before, BANDS, best)
        rank_before = BANDS.index(before.band) + 1 if before.band else None
        rank_after = BANDS.index(after.band) + 1 if after.band else None
        assert rank_before is not None and rank_after is not None
        self.assertEqual(rank_after, max(rank_before, best))
        self.assertEqual(after.total, total)  # the score stays as earned; only the grade is held
        self.assertEqual(after.capped_from, before.band if rank_before < best else None)

    def test_it_leaves_a_result_alone_without_a_cap(self) -> None:
        before = result_at(Decimal("95"))
        self.assertIs(scoring.cap_band(before, BANDS, None), before)


class MeasureTests(CreditTestCase):
    def test_it_seeds_the_measures_of_each_list(self) -> None:
        cap = Measure.objects.get(code="black-rating-cap")
        self.assertEqual((cap.list, cap.kind, cap.best_grade), ("black", "rating_cap", 3))
        self.assertTrue(Measure.objects.filter(list="black", kind="no_demonstration").exists())
        self.assertTrue(Measure.objects.filter(list="red", kind="simplified_checks").exists())

    def test_it_applies_a_head_offices_black_listing_to_its_branches_and_not_to_others(self) -> None:
        self.published()
        on = date(2026, 4, 1)
        self.assertEqual(selectors.best_grade_for(self.icbc, on=on), 3)
        self.assertEqual(selectors.best_grade_for(self.icbc_changchun, on=on), 3)
        self.assertIsNone(selectors.best_grade_for(self.other_bank, on=on))
        self.assertIsNone(selectors.best_grade_for(self.icbc, on=date(2026, 3, 1)))  # before the decision

    def test_it_stops_capping_when_the_measure_is_switched_off_in_the_admin(self) -> None:
        self.published()
        Measure.objects.filter(code="black-rating-cap").update(is_active=False)
        self.assertIsNone(selectors.best_grade_for(self.icbc, on=date(2026, 4, 1)))


class RatingCapTests(RatingsTestCase, CreditTestCase):
    def test_it_publishes_a_black_listed_institutions_grade_no_higher_than_grade_three(self) -> None:
        with time_machine.travel(datetime.combine(date(2026, 3, 10), time(10), tzinfo=SHANGHAI), tick=False):
            self.published()
            period = self.publish(self.open_period(), score="100")
        free = self.evaluation(period, self.other_bank)
        capped = self.evaluation(period, self.icbc)
        # Same scores for both banks: the one without an entry reaches a higher grade, ICBC is held at 三级.
        self.assertIn(free.grade, ("一级", "二级"))
        self.assertEqual(capped.total, free.total)
        self.assertEqual(capped.grade, "三级")
        self.assertEqual(capped.breakdown["capped_from"], free.grade)
        self.assertEqual(free.breakdown["capped_from"], "")
