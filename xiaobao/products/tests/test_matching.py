"""The matching rules from a table: every level × grade × age × recording × expiry case, with its reasons."""

import itertools
from datetime import date, timedelta

from django.test import SimpleTestCase
from hypothesis import given
from hypothesis import strategies as st

from xiaobao.products import matching as m

TODAY = date(2026, 12, 8)
RULES = m.Rules(elderly_age=65, recording_from_grade=4, validity_months=12)
FRESH = date(2026, 3, 1)
EXPIRED = date(2025, 12, 7)  # a year and a day before TODAY


def expected(level: int, grade: int, age: int, recorded: bool, expired: bool) -> tuple[bool, list[str]]:
    """The rules as the regulations state them, written out independently of the engine."""
    codes = []
    if expired:
        codes.append(m.ASSESSMENT_EXPIRED)
    if grade > level:
        codes.append(m.LOWEST_LEVEL_R1_ONLY if level == 1 else m.GRADE_ABOVE_LEVEL)
    if age >= 65 or grade >= 4:
        if not recorded:
            codes.append(m.RECORDING_REQUIRED)
        codes.append(m.EXTRA_WARNING)
    allowed = not expired and grade <= level and (recorded or not (age >= 65 or grade >= 4))
    return allowed, codes


class MatchingTableTests(SimpleTestCase):
    def test_it_decides_every_level_grade_age_recording_and_expiry_case(self) -> None:
        cases = itertools.product(range(1, 6), range(1, 6), (40, 64, 65, 80), (False, True), (False, True))
        count = 0
        for level, grade, age, recorded, expired in cases:
            sale = m.Sale(
                grade=grade,
                level=level,
                assessed_on=EXPIRED if expired else FRESH,
                today=TODAY,
                age=age,
                recording_ref="SL-2026-001" if recorded else "",
            )
            verdict = m.check(sale, RULES)
            with self.subTest(level=level, grade=grade, age=age, recorded=recorded, expired=expired):
                allowed, codes = expected(level, grade, age, recorded, expired)
                self.assertEqual(verdict.allowed, allowed)
                self.assertEqual(list(verdict.codes), codes)
            count += 1
        self.assertEqual(count, 400)

    def test_it_lets_an_insisting_customer_buy_above_their_level_with_a_warning(self) -> None:
        sale = m.Sale(grade=3, level=2, assessed_on=FRESH, today=TODAY, age=40, customer_insists=True)
        verdict = m.check(sale, RULES)
        self.assertTrue(verdict.allowed)
        self.assertEqual(verdict.codes, (m.UPWARD_EXCEPTION,))

    def test_it_never_lets_bank_wealth_management_go_above_the_level(self) -> None:
        sale = m.Sale(
            grade=3, level=2, assessed_on=FRESH, today=TODAY, customer_insists=True, upward_exception_allowed=False
        )
        verdict = m.check(sale, RULES)
        self.assertFalse(verdict.allowed)
        self.assertEqual(verdict.codes, (m.NO_UPWARD_EXCEPTION,))

    def test_it_never_lets_the_lowest_level_above_r1_even_when_the_customer_insists(self) -> None:
        sale = m.Sale(grade=2, level=1, assessed_on=FRESH, today=TODAY, customer_insists=True)
        verdict = m.check(sale, RULES)
        self.assertFalse(verdict.allowed)
        self.assertEqual(verdict.codes, (m.LOWEST_LEVEL_R1_ONLY,))

    def test_it_counts_the_last_valid_day_of_an_assessment(self) -> None:
        on_last_day = m.Sale(grade=1, level=1, assessed_on=TODAY - timedelta(days=365), today=TODAY)
        self.assertTrue(m.check(on_last_day, RULES).allowed)
        leap = m.add_months(date(2024, 2, 29), 12)
        self.assertEqual(leap, date(2025, 2, 28))

    def test_it_refuses_a_product_no_longer_on_sale(self) -> None:
        sale = m.Sale(grade=1, level=5, assessed_on=FRESH, today=TODAY, on_sale=False)
        self.assertEqual(m.check(sale, RULES).codes, (m.PRODUCT_NOT_ON_SALE,))

    def test_it_says_every_reason_in_words(self) -> None:
        for code in m.MESSAGES:
            self.assertTrue(m.Reason(code, True).message)


sales = st.builds(
    m.Sale,
    grade=st.integers(1, 5),
    level=st.integers(1, 5),
    assessed_on=st.dates(date(2024, 1, 1), TODAY),
    today=st.just(TODAY),
    age=st.one_of(st.none(), st.integers(18, 100)),
    recording_ref=st.sampled_from(["", "SL-1"]),
    customer_insists=st.booleans(),
    upward_exception_allowed=st.booleans(),
    on_sale=st.booleans(),
)
rules = st.builds(
    m.Rules, elderly_age=st.integers(55, 75), recording_from_grade=st.integers(1, 5), validity_months=st.integers(1, 24)
)


class MatchingPropertyTests(SimpleTestCase):
    @given(sale=sales, rules=rules, raise_by=st.integers(1, 4))
    def test_it_never_turns_a_refusal_into_an_allowance_when_the_grade_rises(
        self, sale: m.Sale, rules: m.Rules, raise_by: int
    ) -> None:
        higher = m.Sale(**{**sale.__dict__, "grade": min(5, sale.grade + raise_by)})
        if not m.check(sale, rules).allowed:
            self.assertFalse(m.check(higher, rules).allowed)

    @given(sale=sales, rules=rules)
    def test_it_allows_exactly_when_no_reason_blocks(self, sale: m.Sale, rules: m.Rules) -> None:
        verdict = m.check(sale, rules)
        self.assertEqual(verdict.allowed, not any(r.blocking for r in verdict.reasons))
        if sale.grade > sale.level and verdict.allowed:
            self.assertTrue(sale.customer_insists and sale.upward_exception_allowed and sale.level > 1)
