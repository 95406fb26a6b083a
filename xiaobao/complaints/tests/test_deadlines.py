"""The deadline engine: working days on the official calendar, extensions, warnings before a deadline,
supervision (督办) after it, timeliness, and the rule sets and calendar an administrator edits."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import chinese_calendar
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from xiaobao.accounts.models import User
from xiaobao.complaints.access import timeline_for
from xiaobao.complaints.models import Complaint, Deadline, Event, Notification, SupervisionNotice
from xiaobao.complaints.services import (
    complaint_accept,
    complaint_answer,
    complaint_extend,
    complaint_return,
    deadlines_sweep,
    supervision_respond,
)
from xiaobao.registry.models import CalendarDay, DeadlineRuleSet, Label
from xiaobao.registry.selectors import calendar_invalidate
from xiaobao.testing import BaseTestCase, first_of

Party = Deadline.Party
SHANGHAI = ZoneInfo("Asia/Shanghai")
WARNING_TEXT = "期限将于"  # in every deadline warning a party is sent


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


class DeadlineTestCase(BaseTestCase):
    extension_reason: Label

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.extension_reason = first_of(Label.objects.filter(kind=Label.Kind.EXTENSION))

    def filed(self, day: date) -> Complaint:
        with time_machine.travel(at(day), tick=False):
            complaint, _code = self.file_complaint(by=self.carla)
        return complaint

    def accepted(self, day: date) -> Complaint:
        """Filed by Carla and sent on by Rita the same day."""
        with time_machine.travel(at(day), tick=False):
            complaint, _code = self.file_complaint(by=self.carla)
            return complaint_accept(complaint=complaint, by=self.rita)

    def answer(self, complaint: Complaint, day: date) -> Complaint:
        with time_machine.travel(at(day), tick=False):
            return complaint_answer(
                complaint=complaint,
                by=self.ivan,
                outcome=Complaint.Outcome.UPHELD,
                decision="经核实，年费系系统错误扣收，已全额退还600元。",
            )

    def sweep_on(self, day: date) -> dict[str, int]:
        with time_machine.travel(at(day, hour=2), tick=False):
            return deadlines_sweep()

    def warnings_to(self, user: User) -> int:
        return Notification.objects.filter(user=user, text__contains=WARNING_TEXT).count()


class WorkingDayTests(DeadlineTestCase):
    def test_it_checks_the_2026_spring_festival_in_the_official_calendar(self) -> None:
        # The State Council's 2026 holiday notice, as chinese_calendar encodes it: off from Sunday
        # 15 February to Monday 23 February, with Saturdays 14 and 28 February worked instead.
        for day in (date(2026, 2, 15), date(2026, 2, 20), date(2026, 2, 23)):
            self.assertEqual(chinese_calendar.get_holiday_detail(day), (True, "Spring Festival"))
        for saturday in (date(2026, 2, 14), date(2026, 2, 28)):
            self.assertTrue(chinese_calendar.is_workday(saturday))
        self.assertTrue(chinese_calendar.is_workday(date(2026, 2, 24)))
        # The platform's own calendar (seeded from it) agrees.
        self.assertFalse(CalendarDay.objects.get(date=date(2026, 2, 16)).is_workday)
        self.assertTrue(CalendarDay.objects.get(date=date(2026, 2, 14)).is_workday)
        self.assertTrue(CalendarDay.objects.get(date=date(2026, 2, 28)).is_workday)

    def test_it_gives_the_regulator_three_working_days_after_the_spring_festival(self) -> None:
        # Received Saturday 14 February, the make-up working day that is the last working day
        # before the holiday; 15–23 February are rest days.
        # Working day 1 = Tue 24 Feb, 2 = Wed 25 Feb, 3 = Thu 26 Feb.
        complaint = self.filed(date(2026, 2, 14))
        deadline = complaint.deadlines.get(kind=Deadline.Kind.ACCEPT)
        self.assertEqual(deadline.party, Party.REGULATOR)
        self.assertEqual(deadline.start_date, date(2026, 2, 14))
        self.assertEqual(deadline.due_date, date(2026, 2, 26))

    def test_it_counts_a_make_up_saturday_before_the_holiday_as_a_working_day(self) -> None:
        # Received Friday 13 February: 1 = Sat 14 Feb (make-up), 2 = Tue 24 Feb, 3 = Wed 25 Feb.
        complaint = self.filed(date(2026, 2, 13))
        self.assertEqual(complaint.deadlines.get(kind=Deadline.Kind.ACCEPT).due_date, date(2026, 2, 25))

    def test_it_counts_a_make_up_saturday_after_the_holiday_as_a_working_day(self) -> None:
        # Received Thursday 26 February: 1 = Fri 27 Feb, 2 = Sat 28 Feb (make-up), 3 = Mon 2 Mar.
        complaint = self.filed(date(2026, 2, 26))
        self.assertEqual(complaint.deadlines.get(kind=Deadline.Kind.ACCEPT).due_date, date(2026, 3, 2))

    def test_it_ends_an_answer_period_that_falls_in_the_holiday_on_the_first_working_day_after(self) -> None:
        # Sent to the bank Thursday 5 February: day 15 is Fri 20 Feb, a holiday; the holiday runs
        # to Mon 23 Feb, so the period ends Tue 24 Feb.
        complaint = self.accepted(date(2026, 2, 5))
        deadline = complaint.deadlines.get(kind=Deadline.Kind.ANSWER)
        self.assertEqual(deadline.party, Party.INSTITUTION)
        self.assertEqual(deadline.start_date, date(2026, 2, 5))
        self.assertEqual(deadline.due_date, date(2026, 2, 24))


class ExtensionTests(DeadlineTestCase):
    def extend(self, complaint: Complaint, day: date, tier: str) -> Complaint:
        with time_machine.travel(at(day), tick=False):
            return complaint_extend(
                complaint=complaint, by=self.ivan, tier=tier, reason=self.extension_reason, note="需调取通话录音核实。"
            )

    def test_it_extends_to_30_then_60_days_counted_from_the_same_start(self) -> None:
        complaint = self.accepted(date(2026, 2, 5))

        # 5 Feb + 30 days = Sat 7 Mar, a rest day → Mon 9 Mar.
        self.extend(complaint, date(2026, 2, 10), Complaint.Level.COMPLEX)
        deadline = complaint.deadlines.get(kind=Deadline.Kind.ANSWER)
        self.assertEqual((deadline.start_date, deadline.due_date), (date(2026, 2, 5), date(2026, 3, 9)))

        # 5 Feb + 60 days = Mon 6 Apr, the last day of the Qingming holiday (4–6 Apr) → Tue 7 Apr.
        self.extend(complaint, date(2026, 3, 2), Complaint.Level.MAJOR)
        deadline.refresh_from_db()
        self.assertEqual((deadline.start_date, deadline.due_date), (date(2026, 2, 5), date(2026, 4, 7)))

        complaint.refresh_from_db()
        self.assertEqual(complaint.level, Complaint.Level.MAJOR)
        extensions = complaint.events.filter(kind=Event.Kind.EXTENDED)
        self.assertEqual(
            [(e.data["from"], e.data["to"]) for e in extensions],
            [("2026-02-24", "2026-03-09"), ("2026-03-09", "2026-04-07")],
        )
        # The complainant is told about each extension.
        self.assertEqual(Notification.objects.filter(user=self.carla, text__contains="延长至").count(), 2)

    def test_it_refuses_an_extension_that_would_not_move_the_deadline(self) -> None:
        complaint = self.accepted(date(2026, 2, 5))
        self.extend(complaint, date(2026, 2, 10), Complaint.Level.MAJOR)
        with self.assertRaises(ValidationError):
            self.extend(complaint, date(2026, 2, 11), Complaint.Level.COMPLEX)
        self.assertEqual(complaint.deadlines.get(kind=Deadline.Kind.ANSWER).due_date, date(2026, 4, 7))

    def test_it_refuses_an_extension_once_the_due_date_has_passed(self) -> None:
        late = self.accepted(date(2026, 2, 5))
        with self.assertRaisesMessage(ValidationError, "办理期限已过"):
            self.extend(late, date(2026, 2, 25), Complaint.Level.COMPLEX)
        self.assertEqual(late.deadlines.get(kind=Deadline.Kind.ANSWER).due_date, date(2026, 2, 24))
        self.assertFalse(late.events.filter(kind=Event.Kind.EXTENDED).exists())

        # On the due date itself it is still in time.
        on_time = self.accepted(date(2026, 2, 5))
        self.extend(on_time, date(2026, 2, 24), Complaint.Level.COMPLEX)
        self.assertEqual(on_time.deadlines.get(kind=Deadline.Kind.ANSWER).due_date, date(2026, 3, 9))


class WarningTests(DeadlineTestCase):
    def test_it_warns_the_institution_at_60_and_90_percent_once_each(self) -> None:
        # Sent Mon 2 Mar; 15 days → Tue 17 Mar. 60% of 15 days is reached on day 9 (11 Mar),
        # 90% on day 13.5, so on day 14 (16 Mar).
        complaint = self.accepted(date(2026, 3, 2))
        self.assertEqual(complaint.deadlines.get(kind=Deadline.Kind.ANSWER).due_date, date(2026, 3, 17))

        self.assertEqual(self.sweep_on(date(2026, 3, 10))["warned"], 0)
        self.assertEqual(self.sweep_on(date(2026, 3, 11))["warned"], 1)
        self.assertEqual(self.sweep_on(date(2026, 3, 11))["warned"], 0)
        self.assertEqual(self.sweep_on(date(2026, 3, 15))["warned"], 0)
        self.assertEqual(self.sweep_on(date(2026, 3, 16))["warned"], 1)
        self.assertEqual(self.sweep_on(date(2026, 3, 16))["warned"], 0)
        self.assertEqual(self.sweep_on(date(2026, 3, 17))["warned"], 0)

        warnings = complaint.events.filter(kind=Event.Kind.WARNED)
        self.assertEqual([e.data["percent"] for e in warnings], [60, 90])
        # Ivan's bank must answer, so only Ivan hears of it.
        self.assertEqual(self.warnings_to(self.ivan), 2)
        self.assertEqual(self.warnings_to(self.rita), 0)
        self.assertEqual(self.warnings_to(self.carla), 0)
        self.assertEqual(self.warnings_to(self.bob), 0)
        self.assertFalse(timeline_for(Party.CONSUMER, complaint).filter(kind=Event.Kind.WARNED).exists())

    def test_it_warns_the_regulator_about_its_acceptance_deadline(self) -> None:
        # Received Mon 2 Mar; 3 working days → Thu 5 Mar. Day 2 (4 Mar) is 67%, day 3 is 100%.
        complaint = self.filed(date(2026, 3, 2))
        self.assertEqual(self.sweep_on(date(2026, 3, 3))["warned"], 0)
        self.assertEqual(self.sweep_on(date(2026, 3, 4))["warned"], 1)
        self.assertEqual(self.sweep_on(date(2026, 3, 5))["warned"], 1)
        self.assertEqual(self.sweep_on(date(2026, 3, 5))["warned"], 0)

        self.assertEqual([e.data["percent"] for e in complaint.events.filter(kind=Event.Kind.WARNED)], [60, 90])
        self.assertEqual(self.warnings_to(self.rita), 2)
        self.assertEqual(self.warnings_to(self.lou), 0)
        self.assertEqual(self.warnings_to(self.ivan), 0)
        self.assertEqual(self.warnings_to(self.carla), 0)

    def test_it_reports_the_warning_point_the_administrator_configured(self) -> None:
        complaint = self.accepted(date(2026, 3, 2))
        DeadlineRuleSet.objects.filter(pk=complaint.rule_set_id).update(warn_percents="58")
        # 58% of 15 days is 8.7 days: first reached on day 9, 11 Mar.
        self.assertEqual(self.sweep_on(date(2026, 3, 10))["warned"], 0)
        self.assertEqual(self.sweep_on(date(2026, 3, 11))["warned"], 1)
        warning = complaint.events.get(kind=Event.Kind.WARNED)
        self.assertEqual(warning.data["percent"], 58)
        self.assertIn("58%", warning.note)
        self.assertEqual(complaint.deadlines.get(kind=Deadline.Kind.ANSWER).warned_percent, 58)


class SupervisionTests(DeadlineTestCase):
    def overdue(self) -> Complaint:
        """Sent Mon 2 Mar, due Tue 17 Mar, never answered."""
        return self.accepted(date(2026, 3, 2))

    def test_it_escalates_an_overdue_answer_to_exactly_one_supervision_notice(self) -> None:
        complaint = self.overdue()
        self.assertEqual(self.sweep_on(date(2026, 3, 17))["supervised"], 0)  # due today: not late yet
        self.assertEqual(self.sweep_on(date(2026, 3, 18))["supervised"], 1)
        self.assertEqual(self.sweep_on(date(2026, 3, 18))["supervised"], 0)
        self.assertEqual(self.sweep_on(date(2026, 3, 19))["supervised"], 0)

        notice = SupervisionNotice.objects.get(complaint=complaint)
        self.assertIsNone(notice.issued_by)
        self.assertEqual(notice.authority, self.nfra)
        # Issued Wed 18 Mar; supervision_workdays (5) working days: Thu 19, Fri 20, Mon 23, Tue 24, Wed 25.
        self.assertEqual(complaint.rule_set.supervision_workdays, 5)
        self.assertEqual(
            (notice.deadline.kind, notice.deadline.party, notice.deadline.start_date, notice.deadline.due_date),
            (Deadline.Kind.SUPERVISION, Party.INSTITUTION, date(2026, 3, 18), date(2026, 3, 25)),
        )

        supervised = complaint.events.get(kind=Event.Kind.SUPERVISED)
        self.assertIn(supervised, timeline_for(Party.REGULATOR, complaint))
        self.assertIn(supervised, timeline_for(Party.INSTITUTION, complaint))
        self.assertNotIn(supervised, timeline_for(Party.CONSUMER, complaint))
        self.assertTrue(Notification.objects.filter(user=self.ivan, text__contains="督办通知").exists())
        self.assertFalse(Notification.objects.filter(user=self.carla, text__contains="督办").exists())

    def test_it_stops_the_supervision_clock_when_the_institution_answers(self) -> None:
        complaint = self.overdue()
        self.sweep_on(date(2026, 3, 18))
        self.answer(complaint, date(2026, 3, 19))

        notice = SupervisionNotice.objects.get(complaint=complaint)
        self.assertIsNotNone(notice.responded_at)
        self.assertIsNotNone(notice.deadline.closed_at)
        self.assertTrue(notice.deadline.met())
        self.assertFalse(complaint.deadlines.filter(kind=Deadline.Kind.SUPERVISION, closed_at__isnull=True).exists())
        # Answering late does not become timely because the notice was answered.
        complaint.refresh_from_db()
        with time_machine.travel(at(date(2026, 3, 19)), tick=False):
            self.assertIs(complaint.is_timely(), False)

    def test_it_stops_the_supervision_clock_when_the_bank_returns_the_complaint(self) -> None:
        complaint = self.overdue()
        self.sweep_on(date(2026, 3, 18))
        with time_machine.travel(at(date(2026, 3, 19)), tick=False):
            complaint_return(complaint=complaint, by=self.ivan, reason="该信用卡由吉林银行发卡，不属于本行业务。")
        notice = SupervisionNotice.objects.get(complaint=complaint)
        stopped = notice.deadline.closed_at
        self.assertEqual(timezone.localdate(stopped), date(2026, 3, 19))
        # Only the regulator's clock to re-route it runs now; nobody is warned about the notice.
        self.assertEqual(
            list(complaint.deadlines.filter(closed_at__isnull=True).values_list("kind", flat=True)),
            [Deadline.Kind.ACCEPT],
        )

        # A later reply to the notice is kept, but does not move the moment its clock stopped.
        with time_machine.travel(at(date(2026, 3, 30)), tick=False):
            supervision_respond(notice=notice, by=self.ivan, response="已退回监管部门重新转办。")
        notice.refresh_from_db()
        notice.deadline.refresh_from_db()
        self.assertIsNotNone(notice.responded_at)
        self.assertEqual(notice.deadline.closed_at, stopped)
        self.assertTrue(notice.deadline.met())


class TimelinessTests(DeadlineTestCase):
    def test_it_counts_an_answer_on_the_due_date_as_timely(self) -> None:
        complaint = self.accepted(date(2026, 3, 2))
        with time_machine.travel(at(date(2026, 3, 10)), tick=False):
            self.assertIsNone(complaint.is_timely())  # still open, still in time
        self.answer(complaint, date(2026, 3, 17))
        self.assertIs(complaint.is_timely(), True)

    def test_it_counts_an_answer_the_day_after_as_late(self) -> None:
        complaint = self.accepted(date(2026, 3, 2))
        with time_machine.travel(at(date(2026, 3, 18)), tick=False):
            self.assertIs(complaint.is_timely(), False)  # already late before anyone answers
        self.answer(complaint, date(2026, 3, 18))
        self.assertIs(complaint.is_timely(), False)


class ReviewWindowTests(DeadlineTestCase):
    def test_it_closes_the_complaint_when_the_review_window_lapses(self) -> None:
        complaint = self.accepted(date(2026, 3, 2))
        self.answer(complaint, date(2026, 3, 6))
        # Answered Fri 6 Mar; 30 days → Sun 5 Apr, in the Qingming holiday (4–6 Apr) → Tue 7 Apr.
        window = complaint.deadlines.get(kind=Deadline.Kind.REVIEW_REQUEST)
        self.assertEqual((window.party, window.due_date), (Party.CONSUMER, date(2026, 4, 7)))

        self.assertEqual(self.sweep_on(date(2026, 4, 7))["closed"], 0)
        complaint.refresh_from_db()
        self.assertEqual(complaint.status, Complaint.Status.ANSWERED)

        self.assertEqual(self.sweep_on(date(2026, 4, 8))["closed"], 1)
        complaint.refresh_from_db()
        self.assertEqual(complaint.status, Complaint.Status.CLOSED)
        self.assertEqual(complaint.feedback, Complaint.Feedback.NONE)
        self.assertIsNotNone(complaint.closed_at)
        self.assertFalse(complaint.deadlines.filter(closed_at__isnull=True).exists())
        closing = complaint.events.get(kind=Event.Kind.CLOSED)
        self.assertEqual((closing.from_status, closing.to_status), (Complaint.Status.ANSWERED, Complaint.Status.CLOSED))
        self.assertIn(closing, timeline_for(Party.CONSUMER, complaint))

        self.assertEqual(self.sweep_on(date(2026, 4, 9))["closed"], 0)


class RuleSetTests(DeadlineTestCase):
    def test_it_applies_a_new_rule_set_only_to_complaints_received_after_it_takes_effect(self) -> None:
        with time_machine.travel(at(date(2026, 6, 1)), tick=False):
            stricter = DeadlineRuleSet.objects.create(
                name="2026年7月起办理时限", valid_from=date(2026, 7, 1), answer_days=20, basis="测试：答复时限改为20日"
            )
        before = self.filed(date(2026, 6, 30))
        with time_machine.travel(at(date(2026, 7, 2)), tick=False):
            complaint_accept(complaint=before, by=self.rita)
        after = self.accepted(date(2026, 7, 2))

        self.assertNotEqual(before.rule_set_id, stricter.pk)
        self.assertEqual(after.rule_set_id, stricter.pk)
        # Both sent on Thu 2 Jul: 15 days → Fri 17 Jul; 20 days → Wed 22 Jul.
        self.assertEqual(before.deadlines.get(kind=Deadline.Kind.ANSWER).due_date, date(2026, 7, 17))
        self.assertEqual(after.deadlines.get(kind=Deadline.Kind.ANSWER).due_date, date(2026, 7, 22))


class CalendarTests(DeadlineTestCase):
    def test_it_counts_a_holiday_the_administrator_adds_in_the_next_deadline(self) -> None:
        # Received Mon 2 Mar: 3 working days → Thu 5 Mar. (Computing it also warms the calendar cache.)
        first = self.filed(date(2026, 3, 2))
        self.assertEqual(first.deadlines.get(kind=Deadline.Kind.ACCEPT).due_date, date(2026, 3, 5))

        # The administrator declares Wed 4 Mar a rest day; the edit is committed. Only as far as the hooks
        # know: the test's rollback takes the row away, so the calendar every process keeps is reloaded after
        # it, or the tests after this one would count 4 Mar as a rest day.
        self.addCleanup(calendar_invalidate)
        with self.captureOnCommitCallbacks(execute=True):
            CalendarDay.objects.create(date=date(2026, 3, 4), is_workday=False, name="临时休息日")

        # Tue 3, Thu 5, Fri 6 Mar.
        second = self.filed(date(2026, 3, 2))
        self.assertEqual(second.deadlines.get(kind=Deadline.Kind.ACCEPT).due_date, date(2026, 3, 6))
        # A deadline already given stands.
        self.assertEqual(first.deadlines.get(kind=Deadline.Kind.ACCEPT).due_date, date(2026, 3, 5))
