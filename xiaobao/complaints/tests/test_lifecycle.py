"""Whole journeys of a complaint through the services, as the people involved live them."""

from collections.abc import Callable
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from xiaobao.accounts.models import User
from xiaobao.complaints.access import (
    GuestAccess,
    complaints_for,
    get_complaint_for,
    get_complaint_for_actor,
    guest_code_matches,
    party_of,
    timeline_for,
)
from xiaobao.complaints.models import Complaint, Deadline, Event, Notification, Survey
from xiaobao.complaints.services import (
    complaint_accept,
    complaint_answer,
    complaint_feedback,
    complaint_refuse,
    complaint_return,
    complaint_review_decide,
    complaint_supervise,
    complaint_transfer,
    complaint_withdraw,
    survey_submit,
)
from xiaobao.registry.models import Label
from xiaobao.testing import BaseTestCase, first_of, present

Status = Complaint.Status
Party = Deadline.Party
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def open_clocks(complaint: Complaint) -> list[tuple[str, str]]:
    return sorted(complaint.deadlines.filter(closed_at__isnull=True).values_list("kind", "party"))


class LifecycleTestCase(BaseTestCase):
    def answer(
        self, complaint: Complaint, *, by: User | None = None, outcome: str = Complaint.Outcome.UPHELD
    ) -> Complaint:
        return complaint_answer(
            complaint=complaint,
            by=by or self.ivan,
            outcome=outcome,
            decision="经核实，办卡时营销人员确有免年费承诺，已退还年费600元。",
            remedy="退还年费",
        )


class ReviewJourneyTests(LifecycleTestCase):
    def test_it_takes_a_guest_complaint_through_review_back_to_the_bank_and_to_a_satisfied_close(self) -> None:
        with time_machine.travel(at(date(2026, 3, 2)), tick=False) as clock:
            complaint, code = self.file_complaint(by=None)
            self.assertTrue(guest_code_matches(complaint, code))
            guest = GuestAccess(complaint.number)
            self.assertEqual(get_complaint_for_actor(guest, complaint.number), complaint)

            complaint_accept(complaint=complaint, by=self.rita, note="事实清楚，转机构办理。")
            clock.move_to(at(date(2026, 3, 9)))
            self.answer(complaint, outcome=Complaint.Outcome.NOT_UPHELD)
            clock.move_to(at(date(2026, 3, 12)))
            complaint_feedback(
                complaint=complaint, by=guest, choice=Complaint.Feedback.REVIEW, note="办卡时有录音可以证明承诺免年费。"
            )
            complaint.refresh_from_db()
            self.assertEqual(complaint.status, Status.UNDER_REVIEW)
            self.assertEqual(open_clocks(complaint), [(Deadline.Kind.REVIEW, Party.REGULATOR)])

            clock.move_to(at(date(2026, 3, 20)))
            complaint_review_decide(
                complaint=complaint,
                by=self.rita,
                upheld=False,
                result="机构未调取办卡录音即作出结论，责令重新核实办理。",
            )
            complaint.refresh_from_db()
            self.assertEqual(complaint.status, Status.WITH_INSTITUTION)
            self.assertEqual(open_clocks(complaint), [(Deadline.Kind.ANSWER, Party.INSTITUTION)])
            # The bank gets a fresh answer period from the day it is sent back: 20 Mar + 15 days = 4 Apr,
            # a Qingming holiday (4–6 Apr) → Tue 7 Apr.
            self.assertEqual(present(complaint.answer_deadline()).due_date, date(2026, 4, 7))

            clock.move_to(at(date(2026, 3, 25)))
            self.answer(complaint)
            complaint_feedback(complaint=complaint, by=guest, choice=Complaint.Feedback.SATISFIED)
            complaint.refresh_from_db()
            self.assertEqual(complaint.status, Status.CLOSED)
            self.assertEqual(complaint.feedback, Complaint.Feedback.SATISFIED)
            self.assertIsNotNone(complaint.closed_at)
            self.assertEqual(open_clocks(complaint), [])
            self.assertIs(complaint.is_timely(), True)

            survey_submit(complaint=complaint, by=guest, score=Survey.Score.SATISFIED, comment="第二次处理很认真。")
            with self.assertRaisesMessage(ValidationError, "每件投诉只能评价一次"):
                survey_submit(complaint=complaint, by=guest, score=Survey.Score.VERY_DISSATISFIED)
        self.assertEqual(Survey.objects.get(complaint=complaint).score, Survey.Score.SATISFIED)

        self.assertEqual(
            list(complaint.events.values_list("kind", flat=True)),
            [
                Event.Kind.SUBMITTED,
                Event.Kind.ACCEPTED,
                Event.Kind.ANSWERED,
                Event.Kind.FEEDBACK,
                Event.Kind.REVIEW_DECIDED,
                Event.Kind.ANSWERED,
                Event.Kind.FEEDBACK,
                Event.Kind.SURVEYED,
            ],
        )
        # The guest follows every step of it.
        self.assertEqual(timeline_for(Party.CONSUMER, complaint).count(), 8)


class RoutingJourneyTests(LifecycleTestCase):
    def test_it_sends_a_returned_complaint_straight_to_the_institution_the_regulator_chooses(self) -> None:
        complaint, _code = self.file_complaint(by=self.carla)
        complaint_accept(complaint=complaint, by=self.rita)
        complaint_return(complaint=complaint, by=self.ivan, reason="该信用卡由吉林银行发卡，不属于本行业务。")
        complaint.refresh_from_db()
        self.assertEqual(complaint.status, Status.RETURNED)
        self.assertEqual(open_clocks(complaint), [(Deadline.Kind.ACCEPT, Party.REGULATOR)])
        returned = complaint.events.get(kind=Event.Kind.RETURNED)
        self.assertNotIn(returned, timeline_for(Party.CONSUMER, complaint))
        self.assertTrue(Notification.objects.filter(user=self.rita, text__contains="申请退回").exists())

        complaint_transfer(
            complaint=complaint, by=self.rita, reason="经核实为吉林银行信用卡。", to_institution=self.other_bank
        )
        complaint.refresh_from_db()
        # Same regulator, so no second acceptance: it goes straight to 吉林银行.
        self.assertEqual(complaint.status, Status.WITH_INSTITUTION)
        self.assertEqual((complaint.institution, complaint.authority), (self.other_bank, self.nfra))
        self.assertEqual(open_clocks(complaint), [(Deadline.Kind.ANSWER, Party.INSTITUTION)])
        self.assertTrue(Notification.objects.filter(user=self.bob, text__contains=complaint.number).exists())

        self.assertEqual(party_of(self.bob, complaint), Party.INSTITUTION)
        self.assertIsNone(party_of(self.ivan, complaint))
        self.assertNotIn(complaint, complaints_for(self.ivan))
        with self.assertRaises(Http404):
            get_complaint_for(self.ivan, complaint.number)
        with self.assertRaises(PermissionDenied):
            self.answer(complaint, by=self.ivan)
        self.answer(complaint, by=self.bob)
        complaint.refresh_from_db()
        self.assertEqual(complaint.status, Status.ANSWERED)

    def test_it_makes_the_authority_it_is_transferred_to_accept_it_first(self) -> None:
        complaint, _code = self.file_complaint(by=self.carla)
        complaint_accept(complaint=complaint, by=self.rita)
        complaint_transfer(
            complaint=complaint,
            by=self.rita,
            reason="涉及地方金融组织，转地方金融管理部门。",
            to_authority=self.changchun_local,
        )
        complaint.refresh_from_db()
        self.assertEqual(complaint.status, Status.SUBMITTED)
        self.assertEqual(complaint.authority, self.changchun_local)
        self.assertEqual(open_clocks(complaint), [(Deadline.Kind.ACCEPT, Party.REGULATOR)])
        self.assertTrue(Notification.objects.filter(user=self.lou, text__contains="请受理").exists())
        # Until the new authority accepts it, the bank no longer has it and the old regulator lets go.
        self.assertNotIn(complaint, complaints_for(self.ivan))
        self.assertNotIn(complaint, complaints_for(self.rita))
        with self.assertRaises(PermissionDenied):
            complaint_accept(complaint=complaint, by=self.rita)

        complaint_accept(complaint=complaint, by=self.lou)
        complaint.refresh_from_db()
        self.assertEqual(complaint.status, Status.WITH_INSTITUTION)
        self.assertEqual(party_of(self.ivan, complaint), Party.INSTITUTION)
        self.assertEqual(open_clocks(complaint), [(Deadline.Kind.ANSWER, Party.INSTITUTION)])

    def test_it_counts_a_transfer_straight_to_an_institution_as_acceptance(self) -> None:
        complaint, _code = self.file_complaint(by=self.carla)
        complaint_transfer(
            complaint=complaint, by=self.rita, reason="经核实为吉林银行信用卡。", to_institution=self.other_bank
        )
        complaint.refresh_from_db()
        self.assertEqual(complaint.status, Status.WITH_INSTITUTION)
        self.assertIsNotNone(complaint.accepted_at)


class WithdrawalTests(LifecycleTestCase):
    def stages(self) -> dict[str, Callable[[Complaint], object]]:
        """How to bring a fresh complaint to each open status."""

        def with_institution(c: Complaint) -> None:
            complaint_accept(complaint=c, by=self.rita)
            complaint_supervise(complaint=c, by=self.rita, reason="请尽快答复投诉人。")

        def returned(c: Complaint) -> None:
            complaint_accept(complaint=c, by=self.rita)
            complaint_supervise(complaint=c, by=self.rita, reason="请尽快答复投诉人。")
            complaint_return(complaint=c, by=self.ivan, reason="不属于本行业务。")

        def answered(c: Complaint) -> None:
            complaint_accept(complaint=c, by=self.rita)
            self.answer(c)

        def under_review(c: Complaint) -> None:
            answered(c)
            complaint_feedback(complaint=c, by=self.carla, choice=Complaint.Feedback.REVIEW, note="退款金额不对。")

        return {
            Status.SUBMITTED: lambda c: None,
            Status.WITH_INSTITUTION: with_institution,
            Status.RETURNED: returned,
            Status.ANSWERED: answered,
            Status.UNDER_REVIEW: under_review,
        }

    def test_it_stops_every_clock_when_the_complainant_withdraws_at_any_open_stage(self) -> None:
        for stage, bring_to in self.stages().items():
            with self.subTest(stage=stage):
                complaint, _code = self.file_complaint(by=self.carla)
                bring_to(complaint)
                complaint.refresh_from_db()
                self.assertEqual(complaint.status, stage)
                self.assertNotEqual(open_clocks(complaint), [])

                complaint_withdraw(complaint=complaint, by=self.carla, reason="已与银行协商解决。")
                complaint.refresh_from_db()
                self.assertEqual(complaint.status, Status.WITHDRAWN)
                self.assertIsNotNone(complaint.closed_at)
                self.assertEqual(open_clocks(complaint), [])
                withdrawn = complaint.events.get(kind=Event.Kind.WITHDRAWN)
                self.assertEqual((withdrawn.from_status, withdrawn.to_status), (stage, Status.WITHDRAWN))
                self.assertIn(withdrawn, timeline_for(Party.CONSUMER, complaint))
                with self.assertRaises(ValidationError):
                    complaint_withdraw(complaint=complaint, by=self.carla)

    def test_it_lets_only_the_complainant_withdraw(self) -> None:
        complaint, _code = self.file_complaint(by=self.carla)
        complaint_accept(complaint=complaint, by=self.rita)
        for outsider in (self.oscar, self.ivan, self.rita, self.mei, None):
            with self.subTest(actor=outsider), self.assertRaises(PermissionDenied):
                complaint_withdraw(complaint=complaint, by=outsider)
        complaint.refresh_from_db()
        self.assertEqual(complaint.status, Status.WITH_INSTITUTION)


class RefusalTests(LifecycleTestCase):
    adjudicated: Label

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.adjudicated = Label.objects.get(kind=Label.Kind.REFUSAL, code="adjudicated")

    def test_it_refuses_only_with_a_refusal_reason_and_a_note(self) -> None:
        complaint, _code = self.file_complaint(by=self.carla)
        not_a_refusal = first_of(Label.objects.filter(kind=Label.Kind.EXTENSION))
        with self.assertRaisesMessage(ValidationError, "请选择不予受理的理由"):
            complaint_refuse(complaint=complaint, by=self.rita, reason=not_a_refusal, note="已经法院判决。")
        with self.assertRaisesMessage(ValidationError, "请向投诉人说明不予受理的具体原因"):
            complaint_refuse(complaint=complaint, by=self.rita, reason=self.adjudicated, note="  ")
        complaint.refresh_from_db()
        self.assertEqual(complaint.status, Status.SUBMITTED)
        self.assertEqual(complaint.events.count(), 1)

        complaint_refuse(
            complaint=complaint, by=self.rita, reason=self.adjudicated, note="该纠纷已经长春市南关区人民法院判决。"
        )
        complaint.refresh_from_db()
        self.assertEqual(complaint.status, Status.NOT_ACCEPTED)
        self.assertEqual(complaint.refusal_reason, self.adjudicated)
        self.assertIsNotNone(complaint.closed_at)
        self.assertEqual(open_clocks(complaint), [])
        refused = complaint.events.get(kind=Event.Kind.NOT_ACCEPTED)
        self.assertEqual(refused.note, "该纠纷已经长春市南关区人民法院判决。")
        self.assertIn(refused, timeline_for(Party.CONSUMER, complaint))
        self.assertTrue(Notification.objects.filter(user=self.carla, text__contains="不予受理").exists())
        with self.assertRaises(ValidationError):
            complaint_accept(complaint=complaint, by=self.rita)

    def test_it_lets_only_the_regulator_refuse(self) -> None:
        complaint, _code = self.file_complaint(by=self.carla)
        for outsider in (self.carla, self.ivan, self.lou, self.mei, None):
            with self.subTest(actor=outsider), self.assertRaises(PermissionDenied):
                complaint_refuse(complaint=complaint, by=outsider, reason=self.adjudicated, note="已判决。")
