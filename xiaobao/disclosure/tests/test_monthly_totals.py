"""Statistics and trends read the monthly totals for whole months: the figures must be the ones
counted from the published rows, whatever date range a reader asks for."""

import random
from datetime import date, timedelta
from typing import Any

from django.test import TestCase
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from xiaobao.disclosure import selectors
from xiaobao.disclosure.models import PublicComplaint, PublicMonth
from xiaobao.disclosure.services import public_month_rebuild
from xiaobao.registry.models import Category, Institution

FIRST = date(2025, 10, 1)
DAYS = 200  # about six and a half months, so ranges start and end inside months and span several
EVERY_RESPONSE = [value for value, _label in PublicComplaint.Response.choices]


def published_rows(seed: int = 7, count: int = 400) -> None:
    """Projection rows as a build writes them, spread over the months, a few institutions and products."""
    rng = random.Random(seed)
    groups = list(Institution.objects.filter(parent__isnull=True).order_by("pk")[:4])
    products = list(
        Category.objects.filter(dimension=Category.Dimension.BUSINESS, parent__isnull=True).order_by("pk")[:3]
    )
    now = timezone.now()
    rows = []
    for i in range(count):
        received = FIRST + timedelta(days=rng.randrange(DAYS))
        group, product = rng.choice(groups), rng.choice(products)
        outcome = rng.choice(["", "upheld", "partly", "not_upheld"])
        days = rng.randrange(0, 30) if outcome else None
        rows.append(
            PublicComplaint(
                source_id=i + 1,
                number=f"JL-T-{i:05d}",
                fingerprint="x",
                date_received=received,
                date_answered=received + timedelta(days=days) if days is not None else None,
                institution=group,
                group=group,
                institution_name=group.name,
                business=product,
                product=product,
                submitted_via="web",
                response=rng.choice(EVERY_RESPONSE),
                outcome=outcome,
                timely=rng.choice([True, False, None]),
                days_to_answer=days,
                review_requested=rng.random() < 0.1,
                mediation=rng.random() < 0.05,
                satisfaction=rng.choice([None, None, 1, 3, 4, 5]),
                built_at=now,
            )
        )
    PublicComplaint.objects.bulk_create(rows)
    public_month_rebuild()


def counted_from_rows(**filters: Any) -> selectors.PublicFilters:
    """The same question with a filter every row passes, which the monthly totals cannot answer."""
    return selectors.PublicFilters(company_response=EVERY_RESPONSE, **filters)


class MonthlyTotalsTests(HypothesisTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        published_rows()

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.integers(-5, DAYS + 5), st.integers(0, DAYS + 10), st.booleans(), st.booleans())
    def test_institution_figures_are_the_rows_figures_for_any_date_range(
        self, offset: int, length: int, open_start: bool, open_end: bool
    ) -> None:
        start = None if open_start else FIRST + timedelta(days=offset)
        end = None if open_end else FIRST + timedelta(days=offset + length)
        dates: dict[str, Any] = {"date_received_min": start, "date_received_max": end}
        from_totals = selectors.institution_stats(filters=selectors.PublicFilters(**dates), min_complaints=1)
        from_rows = selectors.institution_stats(filters=counted_from_rows(**dates), min_complaints=1)
        self.assertEqual(from_totals, from_rows)

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        st.integers(-5, DAYS + 5),
        st.integers(0, DAYS + 10),
        st.sampled_from(["month", "quarter", "year"]),
        st.sampled_from(["overview", "product", "company"]),
    )
    def test_trends_are_the_rows_counts_for_any_date_range(
        self, offset: int, length: int, interval: str, lens: str
    ) -> None:
        dates: dict[str, Any] = {
            "date_received_min": FIRST + timedelta(days=offset),
            "date_received_max": FIRST + timedelta(days=offset + length),
        }
        from_totals = selectors.trends(interval=interval, lens=lens, filters=selectors.PublicFilters(**dates))
        from_rows = selectors.trends(interval=interval, lens=lens, filters=counted_from_rows(**dates))
        self.assertEqual(from_totals, from_rows)


class MonthlyTotalsBuildTests(TestCase):
    def test_the_totals_add_up_to_the_published_rows(self) -> None:
        published_rows(count=120)
        self.assertEqual(sum(PublicMonth.objects.values_list("complaints", flat=True)), 120)
        whole = selectors.trends(interval="year")
        self.assertEqual(sum(r["count"] for r in whole), 120)
        PublicComplaint.objects.filter(date_received__lt=date(2025, 11, 1)).delete()
        left = PublicComplaint.objects.count()
        public_month_rebuild()
        self.assertEqual(sum(PublicMonth.objects.values_list("complaints", flat=True)), left)
        self.assertEqual(PublicMonth.objects.filter(month__lt=date(2025, 11, 1)).count(), 0)
