import math

from django.test import SimpleTestCase

from xiaobao.warning.detection import Params, judge, level_for, nbinom_sf, poisson_sf

PARAMS = Params(
    min_volume=5,
    min_ratio=1.5,
    p_yellow=0.001,
    p_orange=0.0001,
    p_red=0.00001,
    max_dispersion=4.0,
    seasonal_prior=5.0,
)


class TailProbabilityTests(SimpleTestCase):
    def test_it_gives_the_poisson_tail_as_computed_by_hand(self):
        # P(X >= 3 | mean 1) = 1 - e^-1 (1 + 1 + 1/2)
        self.assertAlmostEqual(poisson_sf(3, 1.0), 1 - math.exp(-1) * 2.5, places=12)
        # P(X >= 1 | mean 2) = 1 - e^-2
        self.assertAlmostEqual(poisson_sf(1, 2.0), 1 - math.exp(-2), places=12)

    def test_it_gives_the_negative_binomial_tail_as_computed_by_hand(self):
        # mean 2, variance 4 (dispersion 2): r = 2, p(success) = 1/2; P(X >= 2) = 1 - p0 - p1 = 1 - 1/4 - 1/4
        self.assertAlmostEqual(nbinom_sf(2, 2.0, 2.0), 0.5, places=12)

    def test_it_gives_a_fatter_tail_when_the_history_is_overdispersed(self):
        self.assertGreater(nbinom_sf(40, 20.0, 3.0), poisson_sf(40, 20.0) * 100)

    def test_it_handles_large_counts_without_overflow(self):
        p = poisson_sf(12_000, 10_000.0)
        self.assertGreater(p, 0)
        self.assertLess(p, 1e-50)


class JudgeTests(SimpleTestCase):
    def test_it_finds_a_spike(self):
        counts = [10, 12, 9, 11, 10, 13, 9, 10, 11, 12, 10, 9, 35]
        others = [100] * 13
        found = judge(counts=counts, others=others, params=PARAMS)
        assert found is not None
        self.assertEqual(found.observed, 35)
        self.assertAlmostEqual(found.expected, sum(counts[:-1]) / 12, places=6)
        self.assertLess(found.p_value, 1e-5)
        self.assertEqual(level_for(found.p_value, PARAMS), "red")

    def test_it_does_not_alert_on_a_seasonal_rise_every_series_shares(self):
        # Everything doubles in the current period (the month after the Spring Festival): so does this series.
        counts = [10, 11, 9, 10, 12, 10, 9, 11, 10, 10, 11, 9, 21]
        others = [100, 105, 95, 100, 110, 98, 92, 104, 100, 99, 103, 96, 200]
        self.assertIsNone(judge(counts=counts, others=others, params=PARAMS))

    def test_it_does_not_alert_on_the_series_own_season_seen_a_year_ago(self):
        counts = [10, 11, 9, 10, 12, 10, 9, 11, 10, 10, 11, 9, 26]
        others = [100] * 13
        # The same month last year brought 25 where 10 were expected: the series' own season.
        self.assertIsNone(judge(counts=counts, others=others, params=PARAMS, year_ago=(25, 10.0)))
        self.assertIsNotNone(judge(counts=counts, others=others, params=PARAMS))

    def test_it_does_not_alert_on_a_tiny_institution_going_from_one_to_three(self):
        counts = [1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 3]
        self.assertIsNone(judge(counts=counts, others=[100] * 13, params=PARAMS))
        # Even without the minimum volume, three against one is not improbable enough.
        loose = Params(**{**PARAMS.__dict__, "min_volume": 1})
        self.assertIsNone(judge(counts=counts, others=[100] * 13, params=loose))

    def test_it_does_not_alert_on_a_jump_an_erratic_series_makes_often(self):
        counts = [5, 20, 4, 18, 6, 22, 5, 19, 4, 21, 6, 20, 30]
        others = [100] * 13
        self.assertIsNone(judge(counts=counts, others=others, params=PARAMS))

    def test_it_finds_the_first_burst_of_a_series_never_seen_before(self):
        counts = [0] * 12 + [12]
        found = judge(counts=counts, others=[100] * 13, params=PARAMS)
        assert found is not None
        self.assertEqual(found.expected, 0.5)
