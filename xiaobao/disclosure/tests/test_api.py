"""The public API: what other systems and curious citizens can ask of the complaint database."""

import csv
import io
import json
from datetime import timedelta
from decimal import Decimal
from typing import cast

from django.utils import timezone
from openpyxl import load_workbook

from xiaobao.complaints.models import Complaint
from xiaobao.complaints.services import complaint_accept, complaint_answer
from xiaobao.disclosure.models import DisclosureSettings
from xiaobao.disclosure.services import public_rebuild
from xiaobao.registry.models import Category
from xiaobao.testing import BaseTestCase, first_of, present, streamed, worksheet

URL = "/api/v1/public/complaints/"


class PublicApiTests(BaseTestCase):
    numbers: list[str]
    loan_number: str

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.numbers = []
        for i in range(3):
            complaint, _code = cls.file_complaint(
                cast(BaseTestCase, cls),  # no instance yet: file_complaint reads only the class's fixtures
                by=cls.carla,
                narrative=f"信用卡年费被扣收{600 + i}元，客户经理王建国承诺免年费，手机13812345678。",
                consent_publish=True,
            )
            complaint_accept(complaint=complaint, by=cls.rita)
            cls.numbers.append(complaint.number)
        other = first_of(Category.objects.filter(dimension=Category.Dimension.BUSINESS, name__contains="贷款"))
        loan, _code = cls.file_complaint(
            cast(BaseTestCase, cls),  # no instance yet: file_complaint reads only the class's fixtures
            by=cls.carla,
            business=other,
            summary="提前还款违约金过高",
            narrative="提前还款被收取违约金三千元。",
            consent_publish=False,
        )
        complaint_accept(complaint=loan, by=cls.rita)
        complaint_answer(
            complaint=loan,
            by=cls.ivan,
            outcome=Complaint.Outcome.PARTLY,
            decision="经核实，违约金按合同收取，减免一半。",
            remedy="减免",
            remedy_amount=Decimal("1500.00"),
        )
        cls.loan_number = loan.number
        public_rebuild()

    def test_it_finds_complaints_by_chinese_words_with_highlights(self) -> None:
        r = self.client.get(URL, {"search_term": "信用卡年费"})
        self.assertEqual(r.status_code, 200)
        body = r.json()
        self.assertEqual(body["count"], 3)
        first = body["results"][0]
        self.assertIn("<mark>信用卡年费</mark>", first["highlight"]["complaint_what_happened"])
        self.assertNotIn("王建国", json.dumps(body, ensure_ascii=False))
        self.assertNotIn("13812345678", json.dumps(body, ensure_ascii=False))
        self.assertEqual(self.client.get(URL, {"search_term": "违约金"}).json()["count"], 0)  # not consented
        self.assertEqual(self.client.get(URL, {"search_term": "贷款"}).json()["count"], 1)  # its category

    def test_it_filters_and_counts_facets_with_small_numbers_hidden(self) -> None:
        body = self.client.get(URL, {"has_narrative": "true"}).json()
        self.assertEqual(body["count"], 3)
        narrative_facet = {f["key"]: f["count"] for f in body["facets"]["has_narrative"]}
        self.assertEqual(narrative_facet, {"true": "<10", "false": "<10"})
        DisclosureSettings.objects.update(small_count_below=2)
        body = self.client.get(URL, {"has_narrative": "true"}).json()
        self.assertEqual({f["key"]: f["count"] for f in body["facets"]["has_narrative"]}, {"true": 3, "false": "<2"})
        answered = self.client.get(URL, {"company_response": "monetary", "no_aggs": "true"}).json()
        self.assertEqual([r["complaint_id"] for r in answered["results"]], [self.loan_number])
        self.assertNotIn("facets", answered)

    def test_it_pages_with_a_stated_cap(self) -> None:
        body = self.client.get(URL, {"size": "2", "page": "2", "sort": "created_date_asc"}).json()
        self.assertEqual((body["count"], len(body["results"])), (4, 2))
        r = self.client.get(URL, {"size": 101})
        self.assertEqual(r.status_code, 400)
        self.assertIn("size", r.json()["errors"])
        self.assertEqual(self.client.get(URL, {"size": 100, "page": 101}).status_code, 400)

    def test_it_rejects_bad_parameters_in_words(self) -> None:
        today = timezone.localdate()
        r = self.client.get(
            URL, {"date_received_min": today.isoformat(), "date_received_max": (today - timedelta(days=1)).isoformat()}
        )
        self.assertEqual(r.status_code, 400)
        self.assertIn("date_received_max", r.json()["errors"])
        self.assertEqual(self.client.get(URL, {"format": "pdf"}).status_code, 400)
        self.assertEqual(self.client.get(URL, {"timely": "perhaps"}).status_code, 400)

    def test_it_exports_the_filtered_rows_as_csv_xlsx_and_json(self) -> None:
        r = self.client.get(URL, {"search_term": "年费", "format": "csv"})
        self.assertEqual(r.status_code, 200)
        rows = list(csv.reader(io.StringIO(streamed(r).decode("utf-8-sig"))))
        self.assertEqual(rows[0][0], "投诉编号")
        self.assertEqual(sorted(row[0] for row in rows[1:]), sorted(self.numbers))
        r = self.client.get(URL, {"format": "xlsx"})
        sheet = worksheet(load_workbook(io.BytesIO(streamed(r))))
        self.assertEqual(sheet.max_row, 5)
        DisclosureSettings.objects.update(export_max_rows=2)
        r = self.client.get(URL, {"format": "json"})
        self.assertEqual(len(json.loads(streamed(r))), 2)

    def test_it_opens_one_published_complaint_and_not_an_unpublished_one(self) -> None:
        r = self.client.get(f"{URL}{self.loan_number}/")
        self.assertEqual(r.json()["company_response"], "monetary")
        self.assertEqual(r.json()["complaint_what_happened"], "")
        waiting, _code = self.file_complaint(by=self.carla)
        self.assertEqual(self.client.get(f"{URL}{waiting.number}/").status_code, 404)

    def test_it_gives_trends_by_every_interval(self) -> None:
        for interval in ("day", "week", "month", "quarter", "year"):
            body = self.client.get(f"{URL}trends/", {"interval": interval}).json()
            self.assertEqual(body["rows"], [{"period": body["rows"][0]["period"], "count": "<10"}])
        lens = self.client.get(f"{URL}trends/", {"interval": "month", "lens": "product"}).json()
        self.assertEqual(len(lens["rows"]), 2)
        self.assertEqual(self.client.get(f"{URL}trends/", {"interval": "hour"}).status_code, 400)

    def test_it_lists_institutions_only_above_the_threshold(self) -> None:
        body = self.client.get("/api/v1/public/institutions/").json()
        self.assertEqual((body["min_complaints"], body["rows"]), (30, []))
        DisclosureSettings.objects.update(institution_min_complaints=1)
        rows = self.client.get("/api/v1/public/institutions/").json()["rows"]
        self.assertEqual(len(rows), 1)
        icbc = rows[0]
        self.assertEqual(icbc["institution"], self.icbc.name)
        self.assertEqual(icbc["complaints"], 4)
        customers = present(self.icbc.size_figures.latest("year").personal_customers)
        self.assertAlmostEqual(icbc["per_10k_customers"], 4 * 10_000 / customers, places=4)
        self.assertEqual(icbc["upheld_rate"], 1.0)
        self.assertEqual(icbc["median_days_to_answer"], 0)
        self.assertEqual(icbc["rank_complaints"], 1)


class SearchAnalyserTests(BaseTestCase):
    def test_it_finds_a_word_jieba_joins_only_in_a_sentence(self) -> None:
        complaint, _code = self.file_complaint(
            by=self.carla, consent_publish=True, narrative="客户经理承诺首年免年费，结果扣了年费。"
        )
        complaint_accept(complaint=complaint, by=self.rita)
        public_rebuild()
        for term in ("首年", "首年 年费", "免年费"):
            with self.subTest(term=term):
                self.assertEqual(self.client.get(URL, {"search_term": term}).json()["count"], 1)
        self.assertEqual(self.client.get(URL, {"search_term": "首年 理财"}).json()["count"], 0)

    def test_it_answers_words_joined_by_underscores_and_odd_symbols_without_failing(self) -> None:
        complaint, _code = self.file_complaint(by=self.carla, consent_publish=True, narrative="信用卡年费 watch list")
        complaint_accept(complaint=complaint, by=self.rita)
        public_rebuild()
        for term in ("watch_list", "年费_watch", "×ñ¥U", '"年费"', "年费*", "NEAR(年费)"):
            for path in (URL, f"{URL}trends/"):
                with self.subTest(term=term, path=path):
                    self.assertEqual(self.client.get(path, {"search_term": term, "interval": "month"}).status_code, 200)
        self.assertEqual(self.client.get(URL, {"search_term": "watch_list"}).json()["count"], 1)


class TrendPeriodTests(BaseTestCase):
    def test_it_starts_weeks_on_monday_and_quarters_on_their_first_month(self) -> None:
        from datetime import datetime

        from xiaobao.disclosure import selectors

        # 2025-11-27 is a Thursday in the fourth quarter.
        received = datetime(2025, 11, 27, 10, 0, tzinfo=timezone.get_current_timezone())
        complaint, _code = self.file_complaint(by=self.carla, received_at=received)
        complaint_accept(complaint=complaint, by=self.rita)
        public_rebuild()
        starts = {
            interval: selectors.trends(interval=interval)[0]["period"].isoformat()
            for interval in ("day", "week", "month", "quarter", "year")
        }
        self.assertEqual(
            starts,
            {"day": "2025-11-27", "week": "2025-11-24", "month": "2025-11-01", "quarter": "2025-10-01",
             "year": "2025-01-01"},
        )  # fmt: skip
