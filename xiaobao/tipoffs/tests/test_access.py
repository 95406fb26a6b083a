"""Who sees which report and clue: a city's officers their city's, the province all, a regulator only
what was notified to it, and everybody else nothing — answered exactly like a number that does not exist."""

from django.http import Http404
from django.urls import reverse

from xiaobao.accounts.models import User
from xiaobao.registry.models import Institution
from xiaobao.tipoffs import access, services
from xiaobao.tipoffs.models import Clue, Report
from xiaobao.tipoffs.tests.base import TipoffsTestCase


class AccessTests(TipoffsTestCase):
    changchun_report: Report
    bank_report: Report
    siping_report: Report
    clue: Clue

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.changchun_report, _r = cls.file_report()
        cls.bank_report, _r = cls.file_report(institution=cls.icbc_changchun)
        cls.siping_report, _r = cls.file_report(subject_region=cls.siping)
        cls.clue = services.clue_open(report=cls.changchun_report, by=cls.fay)

    def visible(self, user: User) -> set[str]:
        return set(access.reports_for(user).values_list("number", flat=True))

    def test_it_shows_a_city_officer_only_that_citys_reports(self) -> None:
        self.assertEqual(self.visible(self.fay), {self.changchun_report.number, self.bank_report.number})
        self.assertEqual(self.visible(self.sam), {self.siping_report.number})

        with self.assertRaises(Http404):
            access.get_report_for(self.fay, self.siping_report.number)
        with self.assertRaises(Http404):
            access.get_clue_for(self.sam, self.clue.number)

    def test_it_shows_the_province_every_citys_reports_and_clues(self) -> None:
        self.assertEqual(
            self.visible(self.pat),
            {self.changchun_report.number, self.bank_report.number, self.siping_report.number},
        )
        self.assertEqual(access.get_clue_for(self.pat, self.clue.number), self.clue)

    def test_it_shows_a_regulator_only_the_reports_notified_to_it(self) -> None:
        self.assertEqual(self.visible(self.rita), {self.bank_report.number})
        self.assertEqual(self.visible(self.lou), set())
        with self.assertRaises(Http404):
            access.get_clue_for(self.rita, self.clue.number)

        lender = Institution.objects.get(name="长春市南关区恒信小额贷款有限责任公司")
        notified, _r = self.file_report(institution=lender)
        self.assertEqual(self.visible(self.lou), {notified.number})

    def test_it_shows_nobody_else_anything(self) -> None:
        for user in (self.oscar, self.carla, self.ivan, self.mei, self.ada):
            with self.subTest(user=user.username):
                self.assertEqual(self.visible(user), set())
                self.assertFalse(access.clues_for(user).exists())
                with self.assertRaises(Http404):
                    access.get_report_for(user, self.bank_report.number)

    def test_it_tells_officers_from_regulators(self) -> None:
        self.assertTrue(access.is_officer(self.fay))
        self.assertTrue(access.is_officer(self.pat))
        self.assertFalse(access.is_officer(self.rita))
        self.assertFalse(access.is_officer(self.oscar))

    def test_it_answers_not_yours_like_not_found_on_the_officers_pages(self) -> None:
        url = reverse("tipoffs:report", kwargs={"number": self.siping_report.number})
        missing = reverse("tipoffs:report", kwargs={"number": "JB-20000101-000001"})

        self.client.force_login(self.fay)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.get(missing).status_code, 404)
        self.client.force_login(self.rita)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.client.force_login(self.sam)
        self.assertEqual(self.client.get(url).status_code, 200)
        clue_url = reverse("tipoffs:clue", kwargs={"number": self.clue.number})
        self.assertEqual(self.client.get(clue_url).status_code, 404)
