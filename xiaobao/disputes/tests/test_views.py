"""The dispute pages as each party sees them: who sees what, the documents, the statistics, the public page."""

import io
import zipfile
from datetime import timedelta
from decimal import Decimal

import pypdf
from django.urls import reverse
from django.utils import timezone

from xiaobao.complaints.models import Complaint, PersonalDataRead
from xiaobao.disputes.models import Dispute
from xiaobao.disputes.selectors import mediation_stats
from xiaobao.disputes.services import (
    dispute_agree,
    dispute_apply,
    dispute_assign,
    dispute_confirm_performance,
    dispute_respond,
)
from xiaobao.disputes.tests.base import DisputeTestCase
from xiaobao.testing import streamed


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


class DisputePageTests(DisputeTestCase):
    def test_it_offers_mediation_on_the_answered_complaint_and_files_it(self) -> None:
        complaint = self.answered_complaint()
        self.client.force_login(self.carla)
        page = self.client.get(reverse("complaints:detail", args=[complaint.number]))
        start = reverse("disputes:start", args=[complaint.number, "mediation"])
        self.assertContains(page, start)
        response = self.client.post(
            start, {"request": "请求退还年费600元，机构答复不认可。", "claim_amount": "600", "mode": "online"}
        )
        dispute = complaint.disputes.get()
        self.assertRedirects(response, reverse("disputes:detail", args=[dispute.number]))
        page = self.client.get(reverse("disputes:detail", args=[dispute.number]))
        self.assertContains(page, "待机构答复")
        self.assertContains(page, "小额纠纷快速解决")

    def test_it_shows_the_error_in_words_when_the_request_is_too_short(self) -> None:
        complaint = self.answered_complaint()
        self.client.force_login(self.carla)
        response = self.client.post(
            reverse("disputes:start", args=[complaint.number, "mediation"]), {"request": "退钱", "mode": "online"}
        )
        self.assertContains(response, "至少10个字")
        self.assertFalse(complaint.disputes.exists())

    def test_it_lets_the_institution_agree_on_the_page(self) -> None:
        complaint = self.answered_complaint()
        dispute = dispute_apply(
            complaint=complaint, by=self.carla, request="请求退还年费600元并致歉。", claim_amount=None
        )
        self.client.force_login(self.ivan)
        url = reverse("disputes:action", args=[dispute.number, "respond"])
        response = self.client.post(url, {"respond-agree": "1", "respond-reason": ""})
        self.assertRedirects(response, reverse("disputes:detail", args=[dispute.number]))
        dispute.refresh_from_db()
        self.assertEqual(dispute.status, Dispute.Status.MEDIATING)

    def test_it_refuses_an_action_out_of_turn_without_a_server_error(self) -> None:
        dispute = self.mediating_dispute()
        self.client.force_login(self.carla)
        response = self.client.post(
            reverse("disputes:action", args=[dispute.number, "agree"]), {"agree-terms": "机构退还年费600元。"}
        )
        self.assertEqual(response.status_code, 403)
        response = self.client.post(reverse("disputes:action", args=[dispute.number, "nonsense"]), {})
        self.assertEqual(response.status_code, 404)


class DisputeAccessTests(DisputeTestCase):
    def test_it_hides_a_dispute_from_a_mediator_of_another_body(self) -> None:
        dispute = self.mediating_dispute()
        self.assertEqual(dispute.mediator, self.mei_mediator)
        self.client.force_login(self.max)
        for name in ("disputes:detail", "disputes:dossier"):
            self.assertEqual(self.client.get(reverse(name, args=[dispute.number])).status_code, 404)
        self.assertNotContains(self.client.get(reverse("disputes:list")), dispute.number)
        self.client.force_login(self.mei)
        self.assertContains(self.client.get(reverse("disputes:list")), dispute.number)
        page = self.client.get(reverse("disputes:detail", args=[dispute.number]))
        # The complainant's name is masked on the page; the full name is only in the audited documents.
        self.assertContains(page, "张*")
        self.assertNotContains(page, "张丽")

    def test_it_moves_the_dispute_out_of_sight_when_it_is_reassigned(self) -> None:
        dispute = self.mediating_dispute()
        dispute_assign(dispute=dispute, by=self.rita, mediator=self.max_mediator)
        self.client.force_login(self.mei)
        self.assertEqual(self.client.get(reverse("disputes:detail", args=[dispute.number])).status_code, 404)
        self.client.force_login(self.max)
        self.assertEqual(self.client.get(reverse("disputes:detail", args=[dispute.number])).status_code, 200)

    def test_it_hides_a_dispute_from_another_institution_and_another_consumer(self) -> None:
        dispute = self.mediating_dispute()
        for outsider in (self.bob, self.oscar):
            self.client.force_login(outsider)
            self.assertEqual(self.client.get(reverse("disputes:detail", args=[dispute.number])).status_code, 404)
            self.assertNotContains(self.client.get(reverse("disputes:list")), dispute.number)
        self.client.force_login(self.ivan)
        self.assertContains(self.client.get(reverse("disputes:list")), dispute.number)

    def test_it_answers_a_guest_without_the_code_as_if_nothing_existed(self) -> None:
        dispute = self.mediating_dispute()
        self.assertEqual(self.client.get(reverse("disputes:detail", args=[dispute.number])).status_code, 404)
        self.assertEqual(self.client.get(reverse("disputes:detail", args=["JL-20990101-000001-T1"])).status_code, 404)

    def test_it_keeps_the_mediator_off_the_complaint_itself(self) -> None:
        dispute = self.mediating_dispute()
        self.client.force_login(self.mei)
        response = self.client.get(reverse("complaints:detail", args=[dispute.complaint.number]))
        self.assertEqual(response.status_code, 404)


class ExportTests(DisputeTestCase):
    def test_it_exports_the_desk_without_personal_data(self) -> None:
        dispute = self.mediating_dispute()
        self.client.force_login(self.ivan)
        response = self.client.get(reverse("disputes:export"), {"format": "csv"})
        body = streamed(response).decode("utf-8-sig")
        self.assertIn(dispute.number, body)
        self.assertIn("调解中", body)
        self.assertNotIn("张丽", body)
        self.assertNotIn("13812345678", body)
        self.client.force_login(self.bob)
        raw = streamed(self.client.get(reverse("disputes:export"), {"format": "csv"}))
        self.assertNotIn(dispute.number.encode(), raw)
        self.client.force_login(self.carla)
        self.assertEqual(self.client.get(reverse("disputes:export"), {"format": "xlsx"}).status_code, 403)


class DocumentTests(DisputeTestCase):
    def agreed(self) -> Dispute:
        dispute = self.mediating_dispute()
        return dispute_agree(
            dispute=dispute,
            by=self.mei,
            terms="被申请人于十日内向申请人退还信用卡年费人民币600元。",
            agreed_amount=Decimal("600.00"),
            payment_due=timezone.localdate() + timedelta(days=10),
        )

    def test_it_produces_an_agreement_pdf_naming_the_parties_and_the_amount(self) -> None:
        dispute = self.agreed()
        self.client.force_login(self.mei)
        response = self.client.get(reverse("disputes:agreement", args=[dispute.number]))
        self.assertEqual(response["Content-Type"], "application/pdf")
        text = pdf_text(response.content)
        self.assertIn("调解协议书", text)
        self.assertIn("张丽", text)
        self.assertIn(dispute.complaint.institution.name, text)
        self.assertIn("600.00", text)
        self.assertIn("吉林省银行业保险业纠纷调解中心", text)
        # The mediator saw the complainant's identity: that is on the record.
        self.assertTrue(PersonalDataRead.objects.filter(user=self.mei, purpose="agreement").exists())

    def test_it_gives_no_agreement_before_one_is_reached(self) -> None:
        dispute = self.mediating_dispute()
        self.client.force_login(self.carla)
        self.assertEqual(self.client.get(reverse("disputes:agreement", args=[dispute.number])).status_code, 404)

    def test_it_packs_the_dossier_with_summary_and_agreement(self) -> None:
        dispute = self.agreed()
        self.client.force_login(self.carla)
        response = self.client.get(reverse("disputes:dossier", args=[dispute.number]))
        archive = zipfile.ZipFile(io.BytesIO(response.content))
        names = archive.namelist()
        summary = next(n for n in names if n.endswith("卷宗摘要.pdf"))
        text = pdf_text(archive.read(summary))
        self.assertIn("经核实，年费收取符合合同约定", text)  # the institution's decision
        self.assertIn("申请调解", text)  # the timeline
        self.assertTrue(any(n.endswith("协议书.pdf") for n in names))


class StatsTests(DisputeTestCase):
    def test_it_counts_acceptance_success_and_amounts_per_body(self) -> None:
        agreed = self.mediating_dispute()
        dispute_agree(
            dispute=agreed,
            by=self.mei,
            terms="机构退还年费600元。",
            agreed_amount=Decimal("600"),
            payment_due=timezone.localdate() + timedelta(days=3),
        )
        dispute_confirm_performance(dispute=agreed, by=self.carla)
        declined = dispute_apply(
            complaint=self.answered_complaint(), by=self.carla, request="请求退还年费600元并致歉。", claim_amount=None
        )
        dispute_respond(dispute=declined, by=self.ivan, agree=False, reason="不同意调解，已按合同处理")
        today = timezone.localdate()
        by_body = {s.key: s for s in mediation_stats(start=today, end=today, by="body")}
        self.assertEqual(by_body["jl-bank-insurance"].agreed, 1)
        self.assertEqual(by_body["jl-bank-insurance"].amount_recovered, Decimal("600.00"))
        self.assertEqual(by_body["jl-bank-insurance"].success_rate, 1.0)
        by_institution = mediation_stats(start=today, end=today, by="institution")
        self.assertEqual(len(by_institution), 1)
        self.assertEqual(by_institution[0].name, self.icbc.name)
        self.assertEqual(by_institution[0].applications, 2)
        self.assertEqual(by_institution[0].acceptance_rate, 0.5)
        by_type = mediation_stats(start=today, end=today, by="type")
        self.assertEqual(by_type[0].key, self.icbc.type.code)
        self.assertEqual(mediation_stats(start=today - timedelta(days=30), end=today - timedelta(days=1)), [])

    def test_it_shows_the_staff_page_and_exports_it(self) -> None:
        self.mediating_dispute()
        self.client.force_login(self.rita)
        page = self.client.get(reverse("disputes:stats"), {"by": "institution"})
        self.assertContains(page, self.icbc.name)
        export = self.client.get(reverse("disputes:stats"), {"by": "body", "format": "xlsx"})
        self.assertEqual(export.status_code, 200)
        self.assertIn("spreadsheetml", export["Content-Type"])
        self.client.force_login(self.ivan)
        self.assertEqual(self.client.get(reverse("disputes:stats")).status_code, 403)
        self.client.force_login(self.rita)
        self.assertEqual(self.client.get(reverse("disputes:stats"), {"start": "not-a-date"}).status_code, 200)


class BodiesPageTests(DisputeTestCase):
    def test_it_lists_mediation_bodies_by_region_for_everyone(self) -> None:
        page = self.client.get(reverse("disputes:bodies"))
        self.assertContains(page, "吉林省银行业保险业纠纷调解中心")
        self.assertContains(page, "延边朝鲜族自治州中级人民法院诉调对接金融纠纷调解工作室")
        self.assertContains(page, '<h3 id="region-222400">延边朝鲜族自治州</h3>', html=False)


class ComplaintLinkTests(DisputeTestCase):
    def test_it_prompts_a_consumer_who_chose_mediation_in_feedback_to_file_the_request(self) -> None:
        from xiaobao.complaints.services import complaint_feedback

        complaint = self.answered_complaint()
        complaint_feedback(complaint=complaint, by=self.carla, choice=Complaint.Feedback.MEDIATION)
        self.client.force_login(self.carla)
        page = self.client.get(reverse("complaints:detail", args=[complaint.number]))
        self.assertContains(page, "您选择了申请调解")
        self.assertContains(page, reverse("disputes:start", args=[complaint.number, "mediation"]))
        self.client.force_login(self.ivan)
        page = self.client.get(reverse("complaints:detail", args=[complaint.number]))
        self.assertContains(page, reverse("disputes:start", args=[complaint.number, "settlement"]))
