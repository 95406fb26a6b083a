"""Mediation from an unsatisfying answer to a performed agreement, and the paths beside it."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from xiaobao.complaints.models import Complaint, Event, Notification
from xiaobao.disputes.models import Dispute, DisputeDeadline, DisputeRules
from xiaobao.disputes.rules import dispute_rules_for
from xiaobao.disputes.services import (
    dispute_agree,
    dispute_apply,
    dispute_assign,
    dispute_confirm_performance,
    dispute_decide,
    dispute_fail,
    dispute_judicial_confirmation,
    dispute_refer,
    dispute_respond,
    dispute_withdraw,
    disputes_sweep,
    mediator_candidates,
    session_record,
    session_schedule,
    settlement_answer,
    settlement_propose,
)
from xiaobao.disputes.tests.base import DisputeTestCase
from xiaobao.lib.workdays import add_calendar_days, add_workdays
from xiaobao.registry.selectors import calendar_exceptions

SHANGHAI = ZoneInfo("Asia/Shanghai")
Status = Dispute.Status


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def expired_and_reminded(counts: dict[str, int]) -> dict[str, int]:
    """The sweep's counts of the answer and payment clocks' own consequences (it warns and escalates too)."""
    return {"expired": counts["expired"], "reminded": counts["reminded"]}


class MediationTests(DisputeTestCase):
    def test_it_lets_the_consumer_apply_after_an_unsatisfying_answer(self) -> None:
        complaint = self.answered_complaint()
        dispute = dispute_apply(
            complaint=complaint, by=self.carla, request="请求退还年费600元并赔礼道歉。", claim_amount=Decimal("600")
        )
        complaint.refresh_from_db()
        self.assertEqual(complaint.status, Complaint.Status.MEDIATION)
        self.assertEqual(complaint.feedback, Complaint.Feedback.MEDIATION)
        self.assertEqual(dispute.status, Status.APPLIED)
        self.assertEqual(dispute.number, f"{complaint.number}-T1")
        self.assertTrue(dispute.small_claim)
        step = complaint.events.filter(kind=Event.Kind.DISPUTE).get()
        self.assertIn("申请调解", step.note)
        self.assertEqual(step.data["dispute"], dispute.number)
        self.assertTrue(Notification.objects.filter(user=self.ivan, text__contains="申请调解").exists())

    def test_it_assigns_a_mediator_of_a_body_whose_remit_covers_the_bank_when_it_agrees(self) -> None:
        dispute = self.mediating_dispute()
        self.assertEqual(dispute.status, Status.MEDIATING)
        self.assertEqual(dispute.mediator, self.mei_mediator)
        self.assertEqual(dispute.body, self.centre)
        clock = dispute.deadlines.get(kind=DisputeDeadline.Kind.MEDIATION, closed_at__isnull=True)
        rules = dispute_rules_for(timezone.localdate())
        expected = add_calendar_days(clock.start_date, rules.small_claim_mediation_days, calendar_exceptions())
        self.assertEqual(clock.due_date, expected)
        self.assertTrue(Notification.objects.filter(user=self.mei, text__contains=dispute.number).exists())

    def test_it_keeps_a_mediator_tied_to_the_bank_out_of_the_case(self) -> None:
        self.mei_mediator.conflicts.add(self.icbc)
        dispute = self.mediating_dispute()
        # ICBC's Changchun branch sits under the provincial branch Mei must avoid.
        self.assertEqual(dispute.mediator, self.max_mediator)

    def test_it_leaves_the_case_unassigned_when_every_mediator_is_full(self) -> None:
        self.mei_mediator.capacity = 0
        self.mei_mediator.save()
        self.max_mediator.capacity = 0
        self.max_mediator.save()
        dispute = self.mediating_dispute()
        self.assertEqual(dispute.status, Status.UNASSIGNED)
        self.assertIsNone(dispute.mediator)
        self.assertTrue(Notification.objects.filter(user=self.rita, text__contains="人工分派").exists())
        self.max_mediator.capacity = 3
        self.max_mediator.save()
        dispute = dispute_assign(dispute=dispute, by=self.rita, mediator=self.max_mediator)
        self.assertEqual(dispute.status, Status.MEDIATING)
        self.assertEqual(dispute.body, self.court_changchun)

    def test_it_refuses_a_manual_assignment_outside_the_bodys_remit(self) -> None:
        dispute = self.mediating_dispute()
        self.max_mediator.conflicts.add(self.icbc)
        with self.assertRaises(ValidationError):
            dispute_assign(dispute=dispute, by=self.rita, mediator=self.max_mediator)
        with self.assertRaises(PermissionDenied):
            dispute_assign(dispute=dispute, by=self.bob, mediator=self.max_mediator)

    def test_it_requires_a_reason_to_decline_and_tells_the_consumer(self) -> None:
        complaint = self.answered_complaint()
        dispute = dispute_apply(
            complaint=complaint, by=self.carla, request="请求机构退还年费600元并致歉。", claim_amount=None
        )
        with self.assertRaises(ValidationError):
            dispute_respond(dispute=dispute, by=self.ivan, agree=False, reason="")
        dispute = dispute_respond(dispute=dispute, by=self.ivan, agree=False, reason="已按合同处理，不同意调解")
        self.assertEqual(dispute.status, Status.DECLINED)
        self.assertTrue(Notification.objects.filter(user=self.carla, text__contains="不同意调解").exists())
        # The way to arbitration stays open once the attempt has ended.
        referred = dispute_refer(
            complaint=complaint, by=self.carla, path=Dispute.Path.ARBITRATION, forum="长春仲裁委员会"
        )
        self.assertEqual(referred.number, f"{complaint.number}-T2")

    def test_it_takes_a_session_record_before_an_ordinary_agreement(self) -> None:
        dispute = self.mediating_dispute(amount=Decimal("80000.00"))
        dispute.small_claim = False
        dispute.save()
        with self.assertRaises(ValidationError):
            dispute_agree(
                dispute=dispute,
                by=self.mei,
                terms="机构退还年费600元。",
                agreed_amount=Decimal("600"),
                payment_due=timezone.localdate() + timedelta(days=10),
            )
        start = timezone.now() + timedelta(days=1)
        session = session_schedule(
            dispute=dispute, by=self.mei, starts_at=start, mode="online", place="线上调解室 8801"
        )
        self.assertTrue(Notification.objects.filter(user=self.carla, text__contains="线上调解室 8801").exists())
        with self.assertRaises(ValidationError):
            session_record(session=session, by=self.mei, record="双方陈述意见，机构同意退还年费。")
        with time_machine.travel(start + timedelta(hours=2)):
            session_record(session=session, by=self.mei, record="双方陈述意见，机构同意退还年费。")
            dispute = dispute_agree(
                dispute=dispute,
                by=self.mei,
                terms="机构于十日内退还年费600元。",
                agreed_amount=Decimal("600"),
                payment_due=timezone.localdate() + timedelta(days=10),
            )
        self.assertEqual(dispute.status, Status.AGREED)
        self.assertTrue(dispute.deadlines.filter(kind=DisputeDeadline.Kind.PAYMENT, closed_at__isnull=True).exists())
        dispute = dispute_confirm_performance(dispute=dispute, by=self.carla)
        self.assertEqual(dispute.status, Status.PERFORMED)
        self.assertFalse(dispute.deadlines.filter(closed_at__isnull=True).exists())

    def test_it_lets_a_small_claim_be_agreed_without_a_session(self) -> None:
        dispute = self.mediating_dispute()
        dispute = dispute_agree(
            dispute=dispute,
            by=self.mei,
            terms="机构退还年费600元。",
            agreed_amount=Decimal("600"),
            payment_due=timezone.localdate() + timedelta(days=5),
        )
        self.assertEqual(dispute.status, Status.AGREED)

    def test_it_lets_only_the_assigned_mediator_act(self) -> None:
        dispute = self.mediating_dispute()
        for outsider in (self.max, self.ivan, self.carla, self.rita):
            with self.assertRaises(PermissionDenied):
                dispute_fail(dispute=dispute, by=outsider, reason="双方分歧过大")

    def test_it_records_failure_withdrawal_and_judicial_confirmation(self) -> None:
        dispute = self.mediating_dispute()
        dispute_fail(dispute=dispute, by=self.mei, reason="双方对金额分歧过大")
        dispute.refresh_from_db()
        self.assertEqual(dispute.status, Status.FAILED)

        other = self.mediating_dispute()
        dispute_withdraw(dispute=other, by=self.carla, reason="已自行解决")
        other.refresh_from_db()
        self.assertEqual(other.status, Status.WITHDRAWN)

        third = self.mediating_dispute()
        dispute_agree(
            dispute=third, by=self.mei, terms="机构赔礼道歉并免除年费。", agreed_amount=None, payment_due=None
        )
        third = dispute_judicial_confirmation(
            dispute=third, by=self.carla, court="长春市朝阳区人民法院", result=Dispute.Confirmation.PENDING
        )
        with self.assertRaises(ValidationError):
            dispute_judicial_confirmation(
                dispute=third, by=self.mei, court="长春市朝阳区人民法院", result=Dispute.Confirmation.CONFIRMED
            )
        third = dispute_judicial_confirmation(
            dispute=third,
            by=self.mei,
            court="长春市朝阳区人民法院",
            result=Dispute.Confirmation.CONFIRMED,
            decided_on=timezone.localdate(),
        )
        self.assertEqual(third.confirmation, Dispute.Confirmation.CONFIRMED)

    def test_it_allows_one_attempt_at_a_time(self) -> None:
        complaint = self.answered_complaint()
        dispute_apply(complaint=complaint, by=self.carla, request="请求机构退还年费600元并致歉。", claim_amount=None)
        with self.assertRaises(ValidationError):
            dispute_apply(complaint=complaint, by=self.carla, request="再次申请调解，请求退还年费。", claim_amount=None)
        with self.assertRaises(IntegrityError), transaction.atomic():
            Dispute.objects.create(
                number="X-1", complaint=complaint, path=Dispute.Path.MEDIATION, status=Status.APPLIED
            )

    def test_it_refuses_mediation_before_the_institution_answered(self) -> None:
        complaint, _code = self.file_complaint(by=self.carla)
        with self.assertRaises(ValidationError):
            dispute_apply(
                complaint=complaint, by=self.carla, request="请求机构退还年费600元并致歉。", claim_amount=None
            )
        answered = self.answered_complaint()
        with self.assertRaises(PermissionDenied):
            dispute_apply(complaint=answered, by=self.oscar, request="请求机构退还年费600元并致歉。", claim_amount=None)


class SettlementTests(DisputeTestCase):
    def test_it_records_a_settlement_the_consumer_confirms_and_sees_performed(self) -> None:
        complaint = self.answered_complaint()
        dispute = settlement_propose(
            complaint=complaint,
            by=self.ivan,
            terms="双方协商一致，机构退还年费300元。",
            agreed_amount=Decimal("300"),
            payment_due=timezone.localdate() + timedelta(days=7),
        )
        self.assertEqual(dispute.status, Status.PROPOSED)
        with self.assertRaises(PermissionDenied):
            settlement_answer(dispute=dispute, by=self.oscar, accept=True)
        dispute = settlement_answer(dispute=dispute, by=self.carla, accept=True)
        self.assertEqual(dispute.status, Status.AGREED)
        dispute = dispute_confirm_performance(dispute=dispute, by=self.carla)
        self.assertEqual(dispute.status, Status.PERFORMED)
        notes = list(complaint.events.filter(kind=Event.Kind.DISPUTE).values_list("note", flat=True))
        self.assertEqual(len(notes), 3)
        self.assertIn("300", notes[0])

    def test_it_closes_the_settlement_when_the_consumer_rejects_it(self) -> None:
        complaint = self.answered_complaint()
        dispute = settlement_propose(
            complaint=complaint,
            by=self.ivan,
            terms="机构赠送积分1000分作为补偿。",
            agreed_amount=None,
            payment_due=None,
        )
        dispute = settlement_answer(dispute=dispute, by=self.carla, accept=False, note="不接受")
        self.assertEqual(dispute.status, Status.REJECTED)


class ArbitrationTests(DisputeTestCase):
    def test_it_records_the_referral_and_the_award(self) -> None:
        complaint = self.answered_complaint()
        dispute = dispute_refer(
            complaint=complaint,
            by=self.carla,
            path=Dispute.Path.LITIGATION,
            forum="长春市朝阳区人民法院",
            case_number="（2026）吉0104民初1234号",
        )
        self.assertEqual(dispute.status, Status.REFERRED)
        with self.assertRaises(ValidationError):
            dispute_decide(
                dispute=dispute, by=self.carla, outcome="判决支持", awarded_amount=None, decided_on=date(2020, 1, 1)
            )
        dispute = dispute_decide(
            dispute=dispute,
            by=self.carla,
            outcome="判决机构退还年费600元",
            awarded_amount=Decimal("600"),
            decided_on=timezone.localdate(),
        )
        self.assertEqual(dispute.status, Status.DECIDED)
        self.assertEqual(dispute.awarded_amount, Decimal("600.00"))


class DeadlineTests(DisputeTestCase):
    """Deadlines on a fixed Monday, 2026-03-02, so working days are predictable."""

    monday = date(2026, 3, 2)

    def apply_on(self, day: date, amount: Decimal) -> Dispute:
        with time_machine.travel(at(day), tick=False):
            complaint = self.answered_complaint(amount=amount)
            return dispute_apply(
                complaint=complaint, by=self.carla, request="请求机构退还全部损失并赔偿利息。", claim_amount=amount
            )

    def test_it_gives_the_institution_five_working_days_to_answer_an_ordinary_dispute(self) -> None:
        dispute = self.apply_on(self.monday, Decimal("80000"))
        self.assertFalse(dispute.small_claim)
        clock = dispute.deadlines.get(kind=DisputeDeadline.Kind.ANSWER)
        self.assertEqual(clock.due_date, add_workdays(self.monday, 5, calendar_exceptions()))
        self.assertEqual(clock.due_date, date(2026, 3, 9))

    def test_it_gives_a_small_claim_a_shorter_deadline(self) -> None:
        dispute = self.apply_on(self.monday, Decimal("3000"))
        self.assertTrue(dispute.small_claim)
        self.assertEqual(dispute.deadlines.get(kind=DisputeDeadline.Kind.ANSWER).due_date, date(2026, 3, 4))

    def test_it_uses_the_threshold_and_limits_an_administrator_set(self) -> None:
        DisputeRules.objects.create(
            valid_from=date(2026, 1, 1), small_claim_limit=Decimal("100000"), small_claim_answer_workdays=1
        )
        dispute = self.apply_on(self.monday, Decimal("80000"))
        self.assertTrue(dispute.small_claim)
        self.assertEqual(dispute.deadlines.get(kind=DisputeDeadline.Kind.ANSWER).due_date, date(2026, 3, 3))

    def test_it_treats_silence_past_the_deadline_as_declining(self) -> None:
        dispute = self.apply_on(self.monday, Decimal("3000"))
        with time_machine.travel(at(date(2026, 3, 4)), tick=False):
            self.assertEqual(expired_and_reminded(disputes_sweep()), {"expired": 0, "reminded": 0})
        with time_machine.travel(at(date(2026, 3, 5)), tick=False):
            with self.assertRaises(ValidationError):
                dispute_respond(dispute=dispute, by=self.ivan, agree=True)
            self.assertEqual(expired_and_reminded(disputes_sweep()), {"expired": 1, "reminded": 0})
            self.assertEqual(expired_and_reminded(disputes_sweep()), {"expired": 0, "reminded": 0})
        dispute.refresh_from_db()
        self.assertEqual(dispute.status, Status.EXPIRED)
        self.assertTrue(dispute.deadlines.get(kind=DisputeDeadline.Kind.ANSWER).is_overdue())
        self.assertTrue(Notification.objects.filter(user=self.carla, text__contains="视为不同意调解").exists())

    def test_it_chases_an_agreement_unpaid_past_its_due_date_once(self) -> None:
        dispute = self.apply_on(self.monday, Decimal("3000"))
        with time_machine.travel(at(date(2026, 3, 3)), tick=False):
            dispute = dispute_respond(dispute=dispute, by=self.ivan, agree=True)
            dispute_agree(
                dispute=dispute,
                by=self.mei,
                terms="机构于三日内退还3000元。",
                agreed_amount=Decimal("3000"),
                payment_due=date(2026, 3, 6),
            )
        with time_machine.travel(at(date(2026, 3, 6)), tick=False):
            self.assertEqual(expired_and_reminded(disputes_sweep()), {"expired": 0, "reminded": 0})
        with time_machine.travel(at(date(2026, 3, 7)), tick=False):
            self.assertEqual(expired_and_reminded(disputes_sweep()), {"expired": 0, "reminded": 1})
            self.assertEqual(expired_and_reminded(disputes_sweep()), {"expired": 0, "reminded": 0})
        self.assertTrue(Notification.objects.filter(user=self.ivan, text__contains="请尽快履行").exists())
        self.assertTrue(Notification.objects.filter(user=self.carla, text__contains="强制执行").exists())
        self.assertTrue(Notification.objects.filter(user=self.mei, text__contains="请尽快履行").exists())

    def test_it_lets_the_institution_answer_on_the_last_day(self) -> None:
        dispute = self.apply_on(self.monday, Decimal("3000"))
        with time_machine.travel(at(date(2026, 3, 4), hour=17), tick=False):
            dispute = dispute_respond(dispute=dispute, by=self.ivan, agree=True)
        self.assertEqual(dispute.status, Status.MEDIATING)
        self.assertFalse(dispute.deadlines.get(kind=DisputeDeadline.Kind.ANSWER).is_overdue())

    def test_it_offers_no_candidates_when_no_body_takes_the_amount(self) -> None:
        from xiaobao.disputes.models import MediationBody

        MediationBody.objects.exclude(max_amount__isnull=False).update(max_amount=Decimal("1000"))
        dispute = self.apply_on(self.monday, Decimal("3000"))
        self.assertEqual(mediator_candidates(dispute), [])
