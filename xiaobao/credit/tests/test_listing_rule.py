"""The listing rule has two readings that must agree: the entry's own `is_listed_on` (pages, the rating
cap's per-entry checks) and the query `listed_on` (public list, API, measures). Any dates, any status."""

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from xiaobao.accounts.models import User
from xiaobao.credit.models import CreditEntry
from xiaobao.credit.selectors import listed_on
from xiaobao.registry.models import Authority

BASE = date(2026, 1, 1)
offsets = st.integers(min_value=-40, max_value=40)


class ListingRuleTests(HypothesisTestCase):
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        start=offsets,
        length=st.integers(min_value=0, max_value=40),
        ended=st.one_of(st.none(), offsets),
        status=st.sampled_from(CreditEntry.Status.values),
        day=offsets,
    )
    def test_it_lists_an_entry_by_the_same_rule_in_the_database_and_on_the_page(
        self, start: int, length: int, ended: int | None, status: str, day: int
    ) -> None:
        authority = Authority.objects.get(code="nfra-jilin")
        user = User.objects.get_or_create(username="lister", role=User.Role.REGULATOR, authority=authority)[0]
        valid_from = BASE + timedelta(days=start)
        entry = CreditEntry.objects.create(
            number="XY-PROP-1",
            list="black",
            subject="company",
            name="某公司",
            uscc="91220101MA17YB8D34",
            basis="第三十三条",
            source="decision",
            document="决1号",
            decided_on=valid_from,
            valid_from=valid_from,
            valid_until=valid_from + timedelta(days=length),
            department=authority,
            status=status,
            drafted_by=user,
            created_at=user.date_joined,
            ended_on=None if ended is None else BASE + timedelta(days=ended),
        )
        on = BASE + timedelta(days=day)
        in_query = CreditEntry.objects.filter(listed_on(on), pk=entry.pk).exists()
        self.assertEqual(entry.is_listed_on(on), in_query)
        # Listed only when published and inside the validity, whatever else is set.
        if in_query:
            self.assertEqual(status, CreditEntry.Status.PUBLISHED)
            self.assertTrue(entry.valid_from <= on <= entry.valid_until)
        entry.delete()
