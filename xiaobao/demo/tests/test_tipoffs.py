from django.conf import settings
from django.contrib.auth import authenticate
from django.test import TestCase

from xiaobao.demo.accounts import demo_accounts_write
from xiaobao.demo.tipoffs import tipoffs_seed
from xiaobao.tipoffs.access import clues_for, is_officer, reports_for
from xiaobao.tipoffs.models import Report


class DemoTipoffsTests(TestCase):
    def setUp(self) -> None:
        demo_accounts_write()

    def test_it_gives_the_demo_officer_reports_and_clues_to_work_on(self) -> None:
        tipoffs_seed()

        officer = authenticate(username="demo-fundraising", password=settings.DEMO_PASSWORD)
        assert officer is not None
        self.assertTrue(is_officer(officer))
        self.assertGreaterEqual(reports_for(officer).count(), 20)
        self.assertTrue(clues_for(officer).exists())
        self.assertTrue(Report.objects.filter(anonymous=False, wants_reward=True).exists())

    def test_it_leaves_the_demo_reports_alone_the_second_time(self) -> None:
        self.assertIn("reports", tipoffs_seed() or "")
        count = Report.objects.count()

        self.assertIsNone(tipoffs_seed())

        self.assertEqual(Report.objects.count(), count)
