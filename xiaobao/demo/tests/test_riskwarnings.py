from datetime import date, timedelta

from django.utils import timezone

from xiaobao.demo.accounts import DEMO_REGULATOR, demo_accounts_write
from xiaobao.demo.riskwarnings import riskwarnings_seed
from xiaobao.registry.models import Authority, Institution
from xiaobao.riskwarnings.access import may_review
from xiaobao.riskwarnings.models import Evidence, RiskWarning
from xiaobao.testing import BaseTestCase
from xiaobao.warning.models import Alert


class DemoRiskWarningsTests(BaseTestCase):
    def test_it_seeds_a_year_of_warnings_one_from_an_alert_and_one_for_review(self) -> None:
        accounts = demo_accounts_write()
        icbc = Institution.objects.get(name="中国工商银行股份有限公司吉林省分行")
        alert = Alert.objects.create(
            number="YJ-20261101-000001",
            kind=Alert.Kind.ANOMALY,
            dimension="institution",
            granularity="month",
            key=icbc.name,
            key_code=f"institution:{icbc.pk}",
            period_start=date(2026, 10, 1),
            period_end=date(2026, 10, 31),
            observed=40,
            expected=10,
            score=5,
            level="red",
            authority=Authority.objects.get(code="nfra-jilin"),
            institution=icbc,
        )
        self.assertEqual(riskwarnings_seed(), "risk warnings: 7 published, 1 awaiting review")
        self.assertIsNone(riskwarnings_seed())
        published = RiskWarning.objects.filter(status=RiskWarning.Status.PUBLISHED)
        year_ago = timezone.now() - timedelta(days=366)
        self.assertTrue(all(year_ago < w.published_at for w in published if w.published_at))
        self.assertEqual(len({w.published_at.date() for w in published if w.published_at}), 7)
        self.assertEqual(Evidence.objects.get().key, alert.number)
        waiting = RiskWarning.objects.get(status=RiskWarning.Status.IN_REVIEW)
        self.assertTrue(may_review(accounts[DEMO_REGULATOR], waiting))
