"""Applying for mediation directly, without a complaint answered first: filed as a complaint through the
one intake, already in mediation, with the institution's clock to agree running at once."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from xiaobao.complaints.models import Complaint, Deadline, Event, Notification
from xiaobao.disputes.models import Dispute, DisputeDeadline
from xiaobao.disputes.rules import dispute_rules_for
from xiaobao.disputes.services import dispute_apply_direct, dispute_respond
from xiaobao.disputes.tests.base import DisputeTestCase
from xiaobao.lib.workdays import add_workdays
from xiaobao.registry.selectors import calendar_exceptions
from xiaobao.testing import present

Status = Dispute.Status
NARRATIVE = "2026年5月在网点购买理财产品，客户经理称保本保息，到期亏损1.2万元，与网点多次协商未果。"


class DirectApplicationTests(DisputeTestCase):
    def form(self, **overrides: str) -> dict[str, str]:
        data = {
            "institution": str(self.icbc_changchun.pk),
            "business": str(self.credit_card.pk),
            "summary": "理财产品亏损，销售时称保本保息",
            "narrative": NARRATIVE,
            "amount": "12000",
            "request": "请求机构赔偿本金损失12000元。",
            "mode": "online",
            "complainant_name": "王芳",
            "phone": "13912345678",
            "email": "",
            "submission_token": "token-1",
        }
        data.update(overrides)
        return data

    def apply(self, **overrides) -> tuple[Dispute, str]:
        fields: dict[str, Any] = {
            "by": None,
            "institution": self.icbc_changchun,
            "business": self.credit_card,
            "summary": "理财产品亏损，销售时称保本保息",
            "narrative": NARRATIVE,
            "claim_amount": Decimal("12000"),
            "request": "请求机构赔偿本金损失12000元。",
            "complainant_name": "王芳",
            "phone": "13912345678",
        }
        fields.update(overrides)
        return dispute_apply_direct(**fields)

    def test_it_takes_a_guests_application_to_the_bank_and_a_mediator_once_the_bank_agrees(self) -> None:
        page = self.client.get(reverse("disputes:bodies"))
        self.assertContains(page, reverse("disputes:direct"))
        response = self.client.post(reverse("disputes:direct"), self.form())
        self.assertRedirects(response, reverse("disputes:direct_submitted"), fetch_redirect_response=False)
        dispute = Dispute.objects.get()
        complaint = dispute.complaint
        receipt = self.client.get(reverse("disputes:direct_submitted"))
        self.assertContains(receipt, complaint.number)
        code = receipt.context["receipt"]["code"]
        self.assertEqual(len(code), 10)
        # Filed like any complaint: routed to the bank's regulator, contact details encrypted at rest.
        self.assertEqual(complaint.authority, self.icbc_changchun_authority())
        self.assertIsNone(complaint.consumer)
        self.assertEqual(complaint.phone, "13912345678")
        self.assertEqual(dispute.origin, Dispute.Origin.DIRECT)
        self.assertEqual((dispute.status, dispute.small_claim), (Status.APPLIED, True))

        # The guest follows it with number and code on /track/, in a fresh session.
        self.client.logout()
        response = self.client.post(reverse("complaints:track"), {"number": complaint.number, "code": code})
        self.assertRedirects(response, reverse("complaints:detail", args=[complaint.number]))
        self.assertContains(self.client.get(reverse("disputes:detail", args=[dispute.number])), "待机构答复")

        # The bank sees the request on its desk, with the short small-claim deadline.
        rules = dispute_rules_for(timezone.localdate())
        due = add_workdays(timezone.localdate(), rules.small_claim_answer_workdays, calendar_exceptions())
        self.client.force_login(self.ivan)
        self.assertContains(self.client.get(reverse("disputes:list")), dispute.number)
        page = self.client.get(reverse("disputes:detail", args=[dispute.number]))
        self.assertContains(page, "直接申请调解")
        self.assertEqual(dispute.deadlines.get(kind=DisputeDeadline.Kind.ANSWER).due_date, due)
        self.assertTrue(Notification.objects.filter(user=self.ivan, text__contains="直接申请调解").exists())

        response = self.client.post(
            reverse("disputes:action", args=[dispute.number, "respond"]), {"respond-agree": "1", "respond-reason": ""}
        )
        self.assertRedirects(response, reverse("disputes:detail", args=[dispute.number]))
        dispute.refresh_from_db()
        self.assertEqual(
            (dispute.status, dispute.mediator, dispute.body), (Status.MEDIATING, self.mei_mediator, self.centre)
        )

    def icbc_changchun_authority(self):
        from xiaobao.registry.selectors import supervision_line_for

        return present(supervision_line_for(institution=self.icbc_changchun, on=timezone.localdate())).authority

    def test_it_runs_one_clock_for_the_bank_not_the_complaints_own(self) -> None:
        dispute, _code = self.apply()
        complaint = dispute.complaint
        # The state the answer's "申请调解" feedback leaves a complaint in; no acceptance, no answer clock.
        self.assertEqual(
            (complaint.status, complaint.feedback), (Complaint.Status.MEDIATION, Complaint.Feedback.MEDIATION)
        )
        self.assertIsNotNone(complaint.sent_at)
        self.assertIsNone(complaint.accepted_at)
        self.assertFalse(Deadline.objects.filter(complaint=complaint).exists())
        self.assertEqual(dispute.deadlines.filter(closed_at__isnull=True).count(), 1)
        self.assertTrue(complaint.events.filter(kind=Event.Kind.DISPUTE, note__startswith="直接申请调解").exists())
        # Nothing tells the guest or the bank that a regulator will "accept" it.
        self.assertFalse(Notification.objects.filter(complaint=complaint, text__contains="受理").exists())

    def test_it_puts_a_large_claim_on_the_ordinary_track(self) -> None:
        dispute, _code = self.apply(claim_amount=Decimal("80000"))
        rules = dispute_rules_for(timezone.localdate())
        due = add_workdays(timezone.localdate(), rules.answer_workdays, calendar_exceptions())
        self.assertFalse(dispute.small_claim)
        self.assertEqual(dispute.deadlines.get().due_date, due)

    def test_it_gives_a_signed_in_consumer_the_application_as_their_own(self) -> None:
        self.client.force_login(self.carla)
        response = self.client.post(reverse("disputes:direct"), self.form())
        self.assertRedirects(response, reverse("disputes:direct_submitted"))
        dispute = Dispute.objects.get()
        self.assertEqual(dispute.complaint.consumer, self.carla)
        self.assertEqual(dispute.created_by, self.carla)
        self.assertTrue(Notification.objects.filter(user=self.carla, text__contains="调解申请").exists())
        # The same form sent twice (a double click) makes one application.
        self.client.post(reverse("disputes:direct"), self.form())
        self.assertEqual(Dispute.objects.count(), 1)
        self.assertContains(self.client.get(reverse("disputes:list")), dispute.number)

    def test_it_explains_bad_input_in_chinese_and_writes_nothing(self) -> None:
        response = self.client.post(reverse("disputes:direct"), self.form(amount="", phone="123", institution=""))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "与您有争议的金融机构：该字段是必填项")
        self.assertContains(response, "争议金额（元）：该字段是必填项")
        self.assertContains(response, "请填写11位手机号码")
        response = self.client.post(reverse("disputes:direct"), self.form(request="退钱"))
        self.assertContains(response, "请写明您的调解请求和理由（至少10个字）")
        self.assertFalse(Complaint.objects.exists())
        response = self.client.post(reverse("disputes:direct"), self.form(amount="-5"))
        self.assertContains(response, "金额不能为负数")
        with self.assertRaises(ValidationError):
            self.apply(request="退钱")
        with self.assertRaises(ValidationError):
            self.apply(claim_amount=None)
        self.assertFalse(Complaint.objects.exists())
        self.assertFalse(Dispute.objects.exists())

    def test_it_turns_staff_away_from_applying(self) -> None:
        self.client.force_login(self.ivan)
        self.assertEqual(self.client.get(reverse("disputes:direct")).status_code, 403)
        self.assertEqual(self.client.post(reverse("disputes:direct"), self.form()).status_code, 403)
        self.assertFalse(Complaint.objects.exists())

    def test_it_hides_a_direct_application_from_another_bank_and_strangers(self) -> None:
        dispute, _code = self.apply()
        for outsider in (self.bob, self.oscar, self.mei):
            self.client.force_login(outsider)
            self.assertEqual(self.client.get(reverse("disputes:detail", args=[dispute.number])).status_code, 404)
            self.assertEqual(
                self.client.get(reverse("complaints:detail", args=[dispute.complaint.number])).status_code, 404
            )
        self.client.logout()
        self.assertEqual(self.client.get(reverse("disputes:detail", args=[dispute.number])).status_code, 404)

    def test_it_lets_the_bank_decline_like_any_mediation_request(self) -> None:
        dispute, _code = self.apply()
        dispute = dispute_respond(dispute=dispute, by=self.ivan, agree=False, reason="已按合同约定处理，不同意调解。")
        self.assertEqual(dispute.status, Status.DECLINED)
        self.assertFalse(dispute.deadlines.filter(closed_at__isnull=True).exists())
