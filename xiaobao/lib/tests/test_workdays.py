from datetime import date, timedelta
from unittest import TestCase

import chinese_calendar
from hypothesis import given
from hypothesis import strategies as st

from xiaobao.lib.workdays import add_calendar_days, add_workdays, is_workday, next_workday, workdays_between


def official_exceptions(first_year: int, last_year: int) -> dict[date, bool]:
    """The exceptions to Monday–Friday per chinese-calendar, as the registry stores them."""
    exceptions = {}
    day = date(first_year, 1, 1)
    while day.year <= last_year:
        weekend = day.weekday() >= 5
        if chinese_calendar.is_workday(day) == weekend:
            exceptions[day] = weekend  # a working weekend, or a weekday off
        day += timedelta(days=1)
    return exceptions


OFFICIAL = official_exceptions(2016, 2026)
starts = st.dates(min_value=date(2016, 1, 1), max_value=date(2026, 10, 31))
counts = st.integers(min_value=0, max_value=40)
# Arbitrary calendars too: the arithmetic must hold for any local adjustment, not only the official one.
calendars = st.dictionaries(
    st.dates(min_value=date(2025, 12, 1), max_value=date(2026, 3, 31)), st.booleans(), max_size=60
)


class WorkdayTests(TestCase):
    @given(starts, counts.filter(lambda n: n > 0))
    def test_it_always_lands_on_a_working_day(self, start: date, n: int) -> None:
        self.assertTrue(is_workday(add_workdays(start, n, OFFICIAL), OFFICIAL))

    @given(starts, counts)
    def test_it_counts_back_the_days_it_added(self, start: date, n: int) -> None:
        self.assertEqual(workdays_between(start, add_workdays(start, n, OFFICIAL), OFFICIAL), n)

    @given(st.dates(min_value=date(2025, 12, 1), max_value=date(2026, 3, 31)), counts, calendars)
    def test_it_counts_back_on_any_calendar(self, start: date, n: int, exceptions: dict[date, bool]) -> None:
        end = add_workdays(start, n, exceptions)

        self.assertEqual(workdays_between(start, end, exceptions), n)
        if n:
            self.assertTrue(is_workday(end, exceptions))

    @given(starts, st.integers(min_value=0, max_value=60))
    def test_it_ends_a_calendar_period_on_a_working_day_not_before_its_last_day(self, start: date, n: int) -> None:
        end = add_calendar_days(start, n, OFFICIAL)

        self.assertTrue(is_workday(end, OFFICIAL))
        self.assertGreaterEqual(end, start + timedelta(days=n))

    def test_it_works_the_2026_spring_festival_makeup_saturdays(self) -> None:
        # 2026: 2月15日至23日放假; Saturdays 2月14日 and 2月28日 are working days.
        self.assertIs(OFFICIAL[date(2026, 2, 14)], True)
        self.assertIs(OFFICIAL[date(2026, 2, 16)], False)

        # Thursday 12 Feb + 3 working days: Fri 13, Sat 14 (make-up), then Tue 24 after the holiday.
        self.assertEqual(add_workdays(date(2026, 2, 12), 3, OFFICIAL), date(2026, 2, 24))
        # 14 Feb, 24–27 Feb and the make-up Saturday 28 Feb.
        self.assertEqual(workdays_between(date(2026, 2, 13), date(2026, 2, 28), OFFICIAL), 6)
        # A 15-day period from 1 Feb would end on the 16th, a holiday, so it runs to the 24th.
        self.assertEqual(add_calendar_days(date(2026, 2, 1), 15, OFFICIAL), date(2026, 2, 24))
        self.assertEqual(next_workday(date(2026, 2, 14), OFFICIAL), date(2026, 2, 14))
        self.assertFalse(is_workday(date(2026, 2, 14), {}))
