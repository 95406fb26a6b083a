"""Every clock kind escalates by its rule over the Spring Festival, and an overdue escalation once more."""

from datetime import date
from decimal import Decimal
from typing import Any

import time_machine
from django.test import SimpleTestCase
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from xiaobao.complaints.models import Deadline, Event, Notification, SupervisionNotice
from xiaobao.core.clocks import LAST_LEVEL, clock_step
from xiaobao.disputes.models import Dispute, DisputeDeadline
from xiaobao.disputes.services import dispute_agree, dispute_apply
from xiaobao.oversight.tests.base import (
    BEFORE_HOLIDAY,
    DUE,
    FIRST_ESCALATION_DUE,
    FIRST_LATE,
    SECOND_ESCALATION_DUE,
    SECOND_LATE,
    EscalationTestCase,
    at,
    head_office,
)
from xiaobao.registry.models import EscalationRule

Party = Deadline.Party


class EscalationTests(EscalationTestCase):
    def escalates(self, clock: Any, *, first: str, second: str) -> None:
        """The clock is not escalated while due, goes to `first` on the first late (working) day with five
        working days to act, and to `second` once those have passed; then nothing more."""

        def level_after(day: date) -> int:
            self.sweep(day)
            clock.refresh_from_db()
            return int(clock.escalation_level)

        self.assertEqual(level_after(DUE), 0)
        self.assertEqual(level_after(FIRST_LATE), 1)
        self.assertEqual(clock.escalated_to, first)
        self.assertEqual(clock.escalation_due, FIRST_ESCALATION_DUE)
        self.assertEqual(level_after(FIRST_ESCALATION_DUE), 1)
        self.assertEqual(level_after(SECOND_LATE), 2)
        self.assertEqual(clock.escalated_to, second)
        self.assertEqual(clock.escalation_due, SECOND_ESCALATION_DUE)
        self.assertEqual(level_after(date(2026, 3, 20)), LAST_LEVEL)

    def test_it_escalates_a_city_office_that_does_not_accept_to_the_province_office(self) -> None:
        complaint = self.at_lou()
        clock = self.only_clock(complaint.deadlines, Deadline.Kind.ACCEPT, Party.REGULATOR)
        self.escalates(clock, first=self.local_jilin.name, second=self.local_jilin.name)
        escalated = complaint.events.filter(kind=Event.Kind.ESCALATED)
        self.assertEqual([e.data["level"] for e in escalated], [1, 2])
        self.assertTrue(Notification.objects.filter(user=self.paul, text__contains=complaint.number).exists())
        self.assertTrue(Notification.objects.filter(user=self.lou, text__contains="升级至").exists())

    def test_it_escalates_an_overdue_answer_to_the_head_office_and_supervises_it(self) -> None:
        complaint = self.at_rita()
        clock = self.only_clock(complaint.deadlines, Deadline.Kind.ANSWER, Party.INSTITUTION)
        self.escalates(clock, first=head_office(self.icbc_changchun).name, second=self.nfra.name)
        self.assertEqual(SupervisionNotice.objects.filter(complaint=complaint).count(), 1)
        self.assertEqual(complaint.events.filter(kind=Event.Kind.SUPERVISED).count(), 1)

    def test_it_escalates_every_other_complaint_clock_by_its_rule(self) -> None:
        head = head_office(self.icbc_changchun).name
        cases = [
            (Deadline.Kind.REVIEW, Party.REGULATOR, self.at_lou, self.local_jilin.name),
            (Deadline.Kind.FOLLOW_UP, Party.REGULATOR, self.at_lou, self.local_jilin.name),
            (Deadline.Kind.SUPERVISION, Party.INSTITUTION, self.at_rita, head),
        ]
        for kind, party, make, first in cases:
            with self.subTest(kind=kind):
                complaint = make()
                clock = self.only_clock(complaint.deadlines, kind, party)
                second = self.local_jilin.name if make == self.at_lou else self.nfra.name
                self.escalates(clock, first=first, second=second)
                self.assertEqual(complaint.events.filter(kind=Event.Kind.ESCALATED).count(), 2)
                complaint.deadlines.update(closed_at=timezone.now())

    def test_it_escalates_an_unpaid_agreement_to_the_head_office(self) -> None:
        dispute = self.mediating_dispute()
        clock = self.only_clock(dispute.deadlines, DisputeDeadline.Kind.PAYMENT, DisputeDeadline.Party.INSTITUTION)
        Dispute.objects.filter(pk=dispute.pk).update(status=Dispute.Status.AGREED)
        self.escalates(clock, first=head_office(self.icbc_changchun).name, second=self.nfra.name)
        notes = dispute.complaint.events.filter(kind=Event.Kind.DISPUTE, note__startswith="逾期升级")
        self.assertEqual(notes.count(), 2)

    def test_it_does_not_escalate_a_clock_whose_rule_is_switched_off(self) -> None:
        EscalationRule.objects.filter(clock="complaints.accept").update(is_active=False)
        complaint = self.at_lou()
        clock = self.only_clock(complaint.deadlines, Deadline.Kind.ACCEPT, Party.REGULATOR)
        self.assertEqual(self.sweep(date(2026, 3, 20))["escalated"], 0)
        clock.refresh_from_db()
        self.assertEqual(clock.escalation_level, 0)

    def test_it_gives_the_one_who_acts_the_rule_s_own_number_of_working_days(self) -> None:
        EscalationRule.objects.filter(clock="complaints.accept").update(escalation_workdays=2)
        complaint = self.at_lou()
        clock = self.only_clock(complaint.deadlines, Deadline.Kind.ACCEPT, Party.REGULATOR)
        self.sweep(FIRST_LATE)
        clock.refresh_from_db()
        # Two working days after the worked Saturday 14 Feb skip the festival: Tue 24 and Wed 25 Feb.
        self.assertEqual(clock.escalation_due, date(2026, 2, 25))


class MediationConclusionTests(EscalationTestCase):
    def test_it_warns_the_mediator_at_the_rule_s_points_before_the_conclusion_date(self) -> None:
        with time_machine.travel(at(BEFORE_HOLIDAY), tick=False):
            dispute = self.mediating_dispute()
        clock = dispute.deadlines.get(kind=DisputeDeadline.Kind.MEDIATION, closed_at__isnull=True)
        # A small claim (600 元): 15 days to conclude, 17 Feb, in the festival: moved to Tue 24 Feb (22 days).
        self.assertEqual(clock.due_date, date(2026, 2, 24))
        self.assertEqual(self.sweep(date(2026, 2, 15))["warned"], 0)  # 13 of 22 days: 59 %
        self.assertEqual(self.sweep(date(2026, 2, 16))["warned"], 1)  # 14 of 22 days: 64 %
        self.assertEqual(self.sweep(date(2026, 2, 16))["warned"], 0)
        self.assertEqual(self.sweep(date(2026, 2, 22))["warned"], 1)  # 20 of 22 days: 91 %
        self.assertEqual(Notification.objects.filter(user=self.mei, text__contains="调解办结").count(), 2)

    def test_it_escalates_a_mediation_past_its_conclusion_date_to_the_body_s_head(self) -> None:
        self.centre.head = self.mei
        self.centre.save()
        dispute = self.mediating_dispute()
        clock = self.only_clock(dispute.deadlines, DisputeDeadline.Kind.MEDIATION, DisputeDeadline.Party.MEDIATOR)
        EscalationTests.escalates(self, clock, first=self.centre.name, second=self.nfra.name)  # type: ignore[arg-type]
        self.assertTrue(Notification.objects.filter(user=self.mei, text__contains="升级至").exists())

    def test_it_stops_the_conclusion_clock_once_the_mediation_is_agreed(self) -> None:
        with time_machine.travel(at(BEFORE_HOLIDAY), tick=False):
            dispute = self.mediating_dispute()
            dispute_agree(
                dispute=dispute,
                by=self.mei,
                terms="机构于十日内退还年费600元。",
                agreed_amount=Decimal("600"),
                payment_due=date(2026, 2, 12),
            )
        self.sweep(date(2026, 3, 20))
        clock = dispute.deadlines.get(kind=DisputeDeadline.Kind.MEDIATION)
        self.assertEqual(clock.escalation_level, 0)

    def test_it_lets_an_overdue_answer_to_a_mediation_request_end_the_request(self) -> None:
        with time_machine.travel(at(BEFORE_HOLIDAY), tick=False):
            complaint = self.answered_complaint()
            dispute = dispute_apply(
                complaint=complaint, by=self.carla, request="请求退还年费600元并赔礼道歉。", claim_amount=Decimal("600")
            )
        counts = self.sweep(date(2026, 3, 20))
        self.assertEqual((counts["expired"], counts["escalated"]), (1, 0))
        dispute.refresh_from_db()
        self.assertEqual(dispute.status, Dispute.Status.EXPIRED)


class ClockStepProperties(SimpleTestCase):
    @given(
        length=st.integers(min_value=1, max_value=90),
        day=st.integers(min_value=0, max_value=200),
        warned=st.sampled_from([0, 60, 90]),
        level=st.integers(min_value=0, max_value=LAST_LEVEL),
        escalation_after=st.integers(min_value=0, max_value=30),
    )
    def test_it_never_escalates_before_the_due_date_nor_past_the_last_level(
        self, length: int, day: int, warned: int, level: int, escalation_after: int
    ) -> None:
        start = date(2026, 1, 1)
        due = date.fromordinal(start.toordinal() + length)
        today = date.fromordinal(start.toordinal() + day)
        escalation_due = date.fromordinal(due.toordinal() + escalation_after) if level else None
        clock = Deadline(
            start_date=start,
            due_date=due,
            warned_percent=warned,
            escalation_level=level if today > due else 0,
            escalation_due=escalation_due if today > due else None,
        )
        step = clock_step(clock, warn_percents=[60, 90], today=today)
        if step is None:
            return
        if step.action == "warn":
            self.assertLessEqual(today, due)
            self.assertGreater(step.value, warned)
            self.assertGreaterEqual((today - start).days * 100, step.value * length)
        else:
            self.assertGreater(today, due)
            self.assertEqual(step.value, clock.escalation_level + 1)
            self.assertLessEqual(step.value, LAST_LEVEL)
