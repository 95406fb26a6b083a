"""Quarterly and annual disclosure reports: drafted from the public figures, reviewed, published, frozen."""

import io
from datetime import date
from decimal import Decimal
from unittest import mock

import openpyxl
import pypdf
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from xiaobao.accounts.models import User
from xiaobao.complaints.services import complaint_accept
from xiaobao.disclosure.models import DisclosureSettings
from xiaobao.disclosure.rules import rules_load as disclosure_rules_load
from xiaobao.disclosure.services import public_rebuild
from xiaobao.disputes.selectors import MediationStats
from xiaobao.publications.models import Publication, PublicationEvent
from xiaobao.publications.services import (
    periods_due,
    publication_draft,
    publication_publish,
    publication_withdraw,
    publications_draft_due,
)
from xiaobao.registry.models import Penalty, Region
from xiaobao.testing import BaseTestCase, streamed

# The suite runs in 2026's fourth quarter or later; a day in 2027 lets that quarter count as ended.
AFTER = date(2027, 1, 20)


def _quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


class PublicationTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        disclosure_rules_load()
        for _i in range(3):
            complaint, _code = self.file_complaint(by=self.carla, region=Region.objects.get(code="220102"))
            complaint_accept(complaint=complaint, by=self.rita)
        public_rebuild()
        self.year, self.quarter = _quarter_of(timezone.localdate())
        self.today = date(self.year + 1, 1, 20)

    def draft(self, by: User | None = None) -> Publication:
        return publication_draft(year=self.year, quarter=self.quarter, by=by or self.rita, today=self.today)

    def test_it_drafts_the_quarter_from_the_public_figures_with_small_counts_hidden(self) -> None:
        publication = self.draft()
        self.assertEqual(publication.status, Publication.Status.DRAFT)
        self.assertEqual(publication.number, f"{self.year}Q{self.quarter}")
        summary = {s["key"]: s["value"] for s in publication.figures["summary"]}
        # Three complaints: the public sees "<10", never the exact small number.
        self.assertEqual(summary["complaints"], "<10")
        tables = {t["key"]: t for t in publication.figures["tables"]}
        self.assertEqual(tables["by_month"]["rows"][0][1], "<10")
        self.assertEqual(tables["by_region"]["rows"], [["长春市", "<10"]])
        # One institution with 3 complaints is below the 30 needed to be ranked.
        self.assertEqual(tables["institutions"]["rows"], [])
        self.assertEqual(
            list(publication.events.values_list("kind", "actor")), [(PublicationEvent.Kind.DRAFTED, self.rita.pk)]
        )

    def test_it_ranks_institutions_once_they_reach_the_configured_minimum(self) -> None:
        DisclosureSettings.objects.update(institution_min_complaints=3, small_count_below=2)
        publication = self.draft()
        rows = {t["key"]: t for t in publication.figures["tables"]}["institutions"]["rows"]
        self.assertEqual(len(rows), 1)
        rank, name, count = rows[0][:3]
        self.assertEqual((rank, count), (1, 3))
        self.assertIn("工商银行", name)

    def test_it_keeps_a_published_report_as_it_was_when_new_complaints_arrive(self) -> None:
        publication = publication_publish(publication=self.draft(), by=self.rita)
        frozen = publication.figures
        DisclosureSettings.objects.update(small_count_below=2)
        for _i in range(2):
            complaint, _code = self.file_complaint(by=self.carla)
            complaint_accept(complaint=complaint, by=self.rita)
        public_rebuild()
        publication.refresh_from_db()
        self.assertEqual(publication.figures, frozen)
        with self.assertRaisesMessage(ValidationError, "已发布"):
            self.draft()

    def test_it_refuses_to_draft_a_period_that_has_not_ended(self) -> None:
        with self.assertRaisesMessage(ValidationError, "尚未结束"):
            publication_draft(year=self.year, quarter=self.quarter, by=self.rita, today=timezone.localdate())
        self.assertFalse(Publication.objects.exists())

    def test_it_lets_only_a_provincial_regulator_draft_and_publish(self) -> None:
        for outsider in (self.lou, self.ivan, self.carla):
            with self.subTest(user=outsider.username), self.assertRaises(PermissionDenied):
                self.draft(by=outsider)
        publication = self.draft()
        self.client.force_login(self.lou)
        self.assertEqual(self.client.post(reverse("publications:publish", args=[publication.number])).status_code, 404)
        publication.refresh_from_db()
        self.assertEqual(publication.status, Publication.Status.DRAFT)

    def test_it_hides_drafts_from_the_public_and_shows_them_to_the_reviewer(self) -> None:
        publication = self.draft()
        url = reverse("publications:detail", args=[publication.number])
        for path in (url, reverse("publications:pdf", args=[publication.number])):
            with self.subTest(path=path):
                self.assertEqual(self.client.get(path).status_code, 404)
        self.assertNotContains(self.client.get(reverse("publications:archive")), publication.title)
        self.client.force_login(self.rita)
        page = self.client.get(url)
        self.assertContains(page, "草稿：尚未审核发布")
        self.assertContains(page, "审核通过并发布")

    def test_it_publishes_from_the_review_page_and_the_public_reads_it(self) -> None:
        publication = self.draft()
        self.client.force_login(self.rita)
        r = self.client.post(reverse("publications:publish", args=[publication.number]), follow=True)
        self.assertContains(r, "报告已发布")
        self.client.logout()
        archive = self.client.get(reverse("publications:archive"))
        self.assertContains(archive, publication.title, count=2)  # the latest issue and the archive row
        page = self.client.get(reverse("publications:detail", args=[publication.number]))
        self.assertContains(page, "各月投诉量")
        self.assertContains(page, "&lt;10")
        self.assertContains(page, 'data-chart-option="chart-by-region"')
        self.assertNotContains(page, "审核与发布")

    def test_it_serves_the_same_figures_as_pdf_and_excel(self) -> None:
        publication = publication_publish(publication=self.draft(), by=self.rita)
        pdf = self.client.get(reverse("publications:pdf", args=[publication.number]))
        self.assertEqual(pdf["Content-Type"], "application/pdf")
        text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(streamed(pdf))).pages)
        for expected in (publication.title, "总体情况", "各月投诉量", "长春市", "<10"):
            self.assertIn(expected, text)
        xlsx = self.client.get(reverse("publications:xlsx", args=[publication.number]))
        book = openpyxl.load_workbook(io.BytesIO(streamed(xlsx)))
        self.assertIn("按地区（市州）", book.sheetnames)
        region = book["按地区（市州）"]
        self.assertEqual([c.value for c in region[2]], ["长春市", "<10"])

    def test_it_withdraws_a_report_with_a_reason_the_public_reads(self) -> None:
        publication = publication_publish(publication=self.draft(), by=self.rita)
        with self.assertRaises(ValidationError):
            publication_withdraw(publication=publication, by=self.rita, reason="  ")
        publication_withdraw(publication=publication, by=self.rita, reason="机构名称有误，更正后重新发布。")
        page = self.client.get(reverse("publications:detail", args=[publication.number]))
        self.assertContains(page, "本期通报已撤回")
        self.assertContains(page, "机构名称有误")
        self.assertNotContains(page, "各月投诉量")
        self.assertEqual(self.client.get(reverse("publications:xlsx", args=[publication.number])).status_code, 404)
        redrafted = self.draft()
        self.assertEqual(redrafted.status, Publication.Status.DRAFT)
        self.assertEqual(
            list(redrafted.events.values_list("kind", flat=True)),
            ["drafted", "published", "withdrawn", "redrafted"],
        )

    def test_it_drafts_each_ended_quarter_and_year_once_at_night(self) -> None:
        self.assertEqual(publications_draft_due(today=date(self.year + 1, 1, 10)), [])  # 15 days not yet passed
        drafted = publications_draft_due(today=self.today)
        self.assertEqual(sorted(p.number for p in drafted), [f"{self.year}", f"{self.year}Q4"])
        self.assertTrue(all(p.events.get().actor is None for p in drafted))
        self.assertEqual(publications_draft_due(today=self.today), [])


class PeriodTests(BaseTestCase):
    def test_it_finds_the_quarter_that_ended_and_the_year_after_the_fourth(self) -> None:
        cases = [
            (date(2026, 4, 16), 15, [(2026, 1)]),
            (date(2026, 4, 15), 15, []),
            (date(2026, 10, 20), 15, [(2026, 3)]),
            (date(2027, 1, 16), 15, [(2026, 4), (2026, None)]),
            (date(2027, 3, 31), 15, [(2026, 4), (2026, None)]),
        ]
        for today, days, expected in cases:
            with self.subTest(today=today):
                self.assertEqual(periods_due(today=today, draft_after_days=days), expected)


class PublicationContentTests(BaseTestCase):
    def test_it_reports_mediation_by_body_and_the_periods_penalties(self) -> None:
        disclosure_rules_load()
        today = timezone.localdate()
        quarter = (today.month - 1) // 3 + 1
        start = date(today.year, 3 * quarter - 2, 1)
        Penalty.objects.create(
            institution=self.icbc,
            decided_on=start,
            decision_number="吉金罚决字〔2026〕1号",
            basis="《银行保险机构消费者权益保护管理办法》",
            penalty_type=Penalty.Type.FINE,
            amount=Decimal("300000.00"),
            authority=self.rita.own_authority,
        )
        Penalty.objects.create(
            institution=self.icbc,
            decided_on=date(2016, 1, 5),  # another period
            decision_number="吉金罚决字〔2016〕9号",
            basis="旧案",
            penalty_type=Penalty.Type.FINE,
            authority=self.rita.own_authority,
        )
        fake = [
            MediationStats(
                key="jl-bank-centre",
                name="吉林省银行业保险业纠纷调解中心",
                applications=12,
                answered=10,
                accepted=8,
                concluded=6,
                agreed=3,
            )
        ]
        with mock.patch("xiaobao.publications.figures.mediation_stats", return_value=fake) as stats:
            publication = publication_draft(
                year=today.year, quarter=quarter, by=self.rita, today=date(today.year + 1, 1, 20)
            )
        self.assertEqual(stats.call_args.kwargs["by"], "body")
        tables = {t["key"]: t for t in publication.figures["tables"]}
        self.assertEqual(tables["mediation"]["rows"], [["吉林省银行业保险业纠纷调解中心", 12, 80.0, 50.0, None, 0.0]])
        self.assertEqual(
            [row[:3] + row[4:5] for row in tables["penalties"]["rows"]],
            [[self.icbc.name, start.isoformat(), "吉金罚决字〔2026〕1号", 300000.0]],
        )

    def test_it_writes_the_report_in_chinese_whatever_the_reviewer_reads(self) -> None:
        disclosure_rules_load()
        today = timezone.localdate()
        with translation.override("en"):
            publication = publication_draft(
                year=today.year, quarter=(today.month - 1) // 3 + 1, by=self.rita, today=date(today.year + 1, 1, 20)
            )
        self.assertEqual(publication.figures["tables"][0]["title"], "各月投诉量")
