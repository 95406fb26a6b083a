"""The public projection: what a member of the public can learn about a complaint, and nothing more."""

from decimal import Decimal
from io import StringIO
from unittest.mock import patch

from django.core.management import call_command

from xiaobao.complaints.models import Complaint
from xiaobao.complaints.services import (
    complaint_accept,
    complaint_answer,
    complaint_consent_withdraw,
    complaint_withdraw,
)
from xiaobao.disclosure.models import DisclosureSettings, PublicComplaint
from xiaobao.disclosure.services import public_rebuild
from xiaobao.registry.models import Region
from xiaobao.testing import BaseTestCase, present

PRIVATE_STORY = (
    "我叫张丽，身份证220102199003071235，手机13812345678，住在长春市朝阳区人民大街1234号。"
    "办卡时客户经理王建国承诺免年费，本月账单却扣收年费600元。"
)


class ProjectionTests(BaseTestCase):
    def accepted(self, **overrides) -> Complaint:
        complaint, _code = self.file_complaint(by=self.carla, **overrides)
        return complaint_accept(complaint=complaint, by=self.rita)

    def test_it_publishes_a_scrubbed_narrative_only_with_consent(self) -> None:
        shared = self.accepted(narrative=PRIVATE_STORY, consent_publish=True)
        private = self.accepted(narrative=PRIVATE_STORY, consent_publish=False, summary="年费问题")
        public_rebuild()
        row = PublicComplaint.objects.get(number=shared.number)
        self.assertTrue(row.has_narrative)
        self.assertIn("本月账单却扣收年费600元", row.narrative)
        for secret in ("张丽", "220102199003071235", "13812345678", "人民大街1234号", "王建国"):
            self.assertNotIn(secret, row.narrative)
            self.assertNotIn(secret, row.narrative_tokens + row.context_tokens)
        hidden = PublicComplaint.objects.get(number=private.number)
        self.assertFalse(hidden.has_narrative)
        self.assertEqual((hidden.narrative, hidden.summary, hidden.narrative_tokens), ("", "", ""))

    def test_it_removes_the_narrative_when_consent_is_withdrawn(self) -> None:
        complaint = self.accepted(narrative=PRIVATE_STORY, consent_publish=True)
        public_rebuild()
        complaint_consent_withdraw(complaint=complaint, by=self.carla)
        build = public_rebuild()
        row = PublicComplaint.objects.get(number=complaint.number)
        self.assertEqual(row.narrative, "")
        self.assertFalse(row.has_narrative)
        self.assertEqual(build.written, 1)

    def test_it_leaves_out_complaints_not_yet_accepted_and_drops_withdrawn_ones(self) -> None:
        waiting, _code = self.file_complaint(by=self.carla)
        complaint = self.accepted()
        public_rebuild()
        self.assertFalse(PublicComplaint.objects.filter(number=waiting.number).exists())
        self.assertTrue(PublicComplaint.objects.filter(number=complaint.number).exists())
        complaint_withdraw(complaint=complaint, by=self.carla)
        build = public_rebuild()
        self.assertFalse(PublicComplaint.objects.filter(number=complaint.number).exists())
        self.assertEqual(build.removed, 1)

    def test_it_rewrites_only_what_changed(self) -> None:
        first = self.accepted()
        self.accepted()
        self.assertEqual(public_rebuild().written, 2)
        self.assertEqual(public_rebuild().written, 0)
        complaint_answer(
            complaint=first,
            by=self.ivan,
            outcome=Complaint.Outcome.UPHELD,
            decision="经核实，年费系系统错误扣收，已全额退还。",
            remedy="退还年费",
            remedy_amount=Decimal("600.00"),
        )
        build = public_rebuild()
        self.assertEqual((build.written, build.unchanged), (1, 1))
        row = PublicComplaint.objects.get(number=first.number)
        self.assertEqual(row.response, PublicComplaint.Response.MONETARY)
        self.assertEqual(row.outcome, "upheld")
        self.assertTrue(row.timely)
        self.assertEqual(row.days_to_answer, 0)

    def test_it_shows_a_rare_county_as_its_city(self) -> None:
        county = Region.objects.get(code="220102")
        complaint = self.accepted(region=county)
        public_rebuild()
        row = PublicComplaint.objects.get(number=complaint.number)
        self.assertEqual((row.region_code, row.region_name), ("220100", "长春市"))
        DisclosureSettings.objects.update(county_min_complaints=1)
        public_rebuild()
        row = PublicComplaint.objects.get(number=complaint.number)
        self.assertEqual(row.region_code, "220102")
        self.assertEqual(row.prefecture_code, "220100")

    def test_a_build_scrubbing_in_worker_processes_publishes_what_one_process_does(self) -> None:
        stories = [PRIVATE_STORY, "理财经理李娜推荐的产品保本保息，如今亏损三成。", "卡号6222021234567890128被盗刷。"]
        for i in range(6):
            self.accepted(narrative=stories[i % 3], consent_publish=True, summary=f"第{i}号投诉")
        with self.settings(PUBLIC_BUILD_WORKERS=1):
            public_rebuild()
        alone = list(PublicComplaint.objects.order_by("number").values_list("number", "summary", "narrative",
                                                                               "narrative_tokens"))  # fmt: skip
        with self.settings(PUBLIC_BUILD_WORKERS=2), patch("xiaobao.disclosure.services.PARALLEL_FROM", 1):
            self.assertEqual(public_rebuild(full=True).written, 6)
        shared = list(PublicComplaint.objects.order_by("number").values_list("number", "summary", "narrative",
                                                                                "narrative_tokens"))  # fmt: skip
        self.assertEqual(shared, alone)
        self.assertNotIn("李娜", "".join(row[2] for row in shared))
        self.assertNotIn("6222021234567890128", "".join(row[2] for row in shared))

    def test_it_is_rebuilt_on_demand_by_a_command(self) -> None:
        complaint = self.accepted()
        out = StringIO()
        call_command("rebuild_public", "--full", stdout=out)
        self.assertTrue(PublicComplaint.objects.filter(number=complaint.number).exists())
        self.assertIn("1", out.getvalue())


class ScrubCommandTests(BaseTestCase):
    def test_it_shows_an_operator_what_would_be_published(self) -> None:
        out = StringIO()
        with patch("sys.stdin", StringIO("手机13812345678，客户经理王建国\n")):
            call_command("scrub", stdout=out)
        self.assertEqual(out.getvalue(), "手机【手机号】，客户经理【姓名】\n")


class ConsentWithdrawalPageTests(BaseTestCase):
    def test_it_lets_the_complainant_take_back_consent_on_the_complaint_page(self) -> None:
        complaint, _code = self.file_complaint(by=self.carla, narrative=PRIVATE_STORY, consent_publish=True)
        complaint_accept(complaint=complaint, by=self.rita)
        public_rebuild()
        self.client.force_login(self.carla)
        page = self.client.get(f"/c/{complaint.number}/")
        self.assertContains(page, "不再公开投诉内容")
        r = self.client.post(f"/c/{complaint.number}/unpublish/", {"confirm": "on"}, follow=True)
        self.assertContains(r, "已撤回公开同意")
        complaint.refresh_from_db()
        self.assertFalse(complaint.consent_publish)
        self.assertEqual(present(complaint.events.last()).note, "投诉人撤回了公开投诉内容的同意。")
        public_rebuild()
        self.assertEqual(PublicComplaint.objects.get(number=complaint.number).narrative, "")
        self.assertNotContains(self.client.get(f"/c/{complaint.number}/"), "不再公开投诉内容")

    def test_it_offers_no_such_action_to_the_bank(self) -> None:
        complaint, _code = self.file_complaint(by=self.carla, consent_publish=True)
        complaint_accept(complaint=complaint, by=self.rita)
        self.client.force_login(self.ivan)
        self.assertNotContains(self.client.get(f"/c/{complaint.number}/"), "不再公开投诉内容")
        self.assertEqual(self.client.post(f"/c/{complaint.number}/unpublish/", {"confirm": "on"}).status_code, 403)


class ImportedProjectionTests(BaseTestCase):
    def test_it_publishes_the_timeliness_an_imported_record_brought_with_it(self) -> None:
        complaint, _code = self.file_complaint(by=self.carla)
        complaint = complaint_accept(complaint=complaint, by=self.rita)
        Complaint.objects.filter(pk=complaint.pk).update(timely_as_recorded=False)
        public_rebuild()
        self.assertIs(PublicComplaint.objects.get(number=complaint.number).timely, False)
