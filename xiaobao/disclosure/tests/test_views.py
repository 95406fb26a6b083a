"""The public pages: a member of the public searches, opens a complaint and reads the statistics."""

import tempfile

from django.urls import reverse

from xiaobao.complaints.services import complaint_accept
from xiaobao.disclosure.models import DisclosureSettings
from xiaobao.disclosure.services import full_data_path, full_data_write, public_rebuild
from xiaobao.testing import BaseTestCase


class PublicPagesTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        complaint, _code = self.file_complaint(
            by=self.carla,
            consent_publish=True,
            narrative="信用卡年费被扣收600元，客户经理王建国说可以退，手机13812345678。",
        )
        self.complaint = complaint_accept(complaint=complaint, by=self.rita)
        public_rebuild()

    def test_it_finds_a_complaint_by_chinese_words_and_marks_them(self) -> None:
        r = self.client.get(reverse("disclosure:search"), {"search_term": "年费"})
        self.assertContains(r, "共找到 1 件投诉")
        self.assertContains(r, "<mark>年费</mark>", html=False)
        self.assertNotContains(r, "王建国")
        self.assertNotContains(r, "13812345678")
        self.assertContains(r, "数据更新于")
        self.assertContains(r, "format=xlsx")
        # The download link carries only the filters given, so the API accepts it.
        r = self.client.get(reverse("disclosure:search"), {"search_term": "年费", "business": "", "timely": ""})
        self.assertContains(r, "/api/v1/public/complaints/?search_term=%E5%B9%B4%E8%B4%B9&amp;format=xlsx")

    def test_it_says_so_when_nothing_matches(self) -> None:
        r = self.client.get(reverse("disclosure:search"), {"search_term": "保险理赔"})
        self.assertContains(r, "没有符合条件的投诉")

    def test_it_shows_a_bad_date_range_next_to_the_field(self) -> None:
        r = self.client.get(
            reverse("disclosure:search"), {"date_received_min": "2026-02-01", "date_received_max": "2026-01-01"}
        )
        self.assertContains(r, "结束日期不能早于开始日期")

    def test_it_opens_a_published_complaint_and_hides_the_rest(self) -> None:
        r = self.client.get(reverse("disclosure:detail", args=[self.complaint.number]))
        self.assertContains(r, "信用卡年费被扣收600元")
        self.assertContains(r, "【姓名】")
        waiting, _code = self.file_complaint(by=self.carla)
        self.assertEqual(self.client.get(reverse("disclosure:detail", args=[waiting.number])).status_code, 404)

    def test_it_lists_institutions_with_enough_complaints(self) -> None:
        r = self.client.get(reverse("disclosure:statistics"))
        self.assertContains(r, "统计期间内没有达到列示条件的机构")
        self.assertContains(r, "&lt;10")
        DisclosureSettings.objects.update(institution_min_complaints=1)
        r = self.client.get(reverse("disclosure:statistics"))
        self.assertContains(r, self.icbc.name)
        # Each chart sits beside the table of its figures, its option handed over as JSON data.
        self.assertContains(r, 'data-chart-option="institutions-chart"')
        self.assertContains(r, 'id="trend-chart" type="application/json"')

    def test_it_offers_the_nightly_full_data_file(self) -> None:
        with self.settings(VAR_DIR=self.tmp_var()):
            self.assertEqual(self.client.get(reverse("disclosure:full_data")).status_code, 404)
            self.assertEqual(full_data_write(), 1)
            r = self.client.get(reverse("disclosure:full_data"))
            self.assertEqual(r.status_code, 200)
            self.assertTrue(full_data_path().exists())

    def tmp_var(self) -> str:
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        return folder.name

    def test_it_is_linked_from_the_public_navigation(self) -> None:
        r = self.client.get("/")
        self.assertContains(r, reverse("disclosure:search"))
