"""The objection and repair periods over the 2026 Mid-Autumn and National Day holidays, as the State
Council's notice (and chinese_calendar) has them: 25 September and 1–7 October off, Saturday 10 October
worked."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from xiaobao.credit import services
from xiaobao.credit.models import CreditDeadline, CreditEntry, CreditRules, Repair
from xiaobao.credit.tests.base import CreditTestCase

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=SHANGHAI)


class ObjectionTests(CreditTestCase):
    def test_it_counts_the_objection_period_in_working_days_over_national_day(self) -> None:
        with time_machine.travel(at(date(2026, 9, 30)), tick=False):
            entry = self.published()
        # 15 working days from Wednesday 30 September: 8, 9, 10 (a make-up Saturday), 12–16, 19–23, 26, 27 October.
        self.assertEqual(entry.objection_due, date(2026, 10, 27))

    def test_it_takes_an_objection_on_the_last_day_and_refuses_it_the_day_after(self) -> None:
        with time_machine.travel(at(date(2026, 9, 30)), tick=False):
            entry = self.published()
        with time_machine.travel(at(date(2026, 10, 28)), tick=False), self.assertRaises(ValidationError):
            services.objection_file(entry=entry, reason="处罚已被复议撤销", by=self.ivan)
        with time_machine.travel(at(date(2026, 10, 27)), tick=False):
            services.objection_file(entry=entry, reason="处罚已被复议撤销", by=self.ivan)
        self.assertEqual(entry.objections.count(), 1)

    def test_it_gives_the_department_ten_working_days_over_the_holiday_to_answer(self) -> None:
        with time_machine.travel(at(date(2026, 9, 21)), tick=False):
            entry = self.published()
        with time_machine.travel(at(date(2026, 9, 24)), tick=False):
            services.objection_file(entry=entry, reason="处罚金额已全额缴纳", by=self.ivan)
        clock = entry.deadlines.get(kind=CreditDeadline.Kind.OBJECTION)
        # From Thursday 24 September: 28, 29, 30 September, 8, 9, 10, 12, 13, 14, 15 October.
        self.assertEqual(clock.due_date, date(2026, 10, 15))
        with time_machine.travel(at(date(2026, 10, 16)), tick=False):
            self.assertTrue(clock.is_overdue())
            services.objection_decide(entry=entry, upheld=False, decision="缴纳罚款不影响认定", by=self.rhea)
        clock.refresh_from_db()
        self.assertIsNotNone(clock.closed_at)
        self.assertTrue(clock.is_overdue())  # answered late, and that stays on the record

    def test_it_removes_the_entry_on_the_day_an_objection_is_upheld(self) -> None:
        with time_machine.travel(at(date(2026, 4, 1)), tick=False):
            entry = self.published()
            services.objection_file(entry=entry, reason="处罚决定已被行政复议撤销", by=self.ivan)
        with time_machine.travel(at(date(2026, 4, 3)), tick=False):
            services.objection_decide(entry=entry, upheld=True, decision="经核实，处罚决定已撤销", by=self.rhea)
        entry.refresh_from_db()
        self.assertEqual((entry.status, entry.ended_on), (CreditEntry.Status.REMOVED, date(2026, 4, 3)))
        self.assertFalse(entry.is_listed_on(date(2026, 4, 3)))
        self.assertEqual(
            list(entry.events.values_list("kind", flat=True)),
            ["drafted", "published", "objected", "objection_upheld"],
        )

    def test_it_lets_only_the_subject_object_and_only_the_department_answer(self) -> None:
        entry = self.published()
        with self.assertRaises(PermissionDenied):  # another bank's handler
            services.objection_file(entry=entry, reason="不是我们", by=self.bob)
        services.objection_file(entry=entry, reason="事实有误", by=self.ivan)
        with self.assertRaises(ValidationError):
            services.objection_file(entry=entry, reason="再次异议", by=self.ivan)
        with self.assertRaises(PermissionDenied):  # the subject cannot answer its own objection
            services.objection_decide(entry=entry, upheld=True, decision="成立", by=self.ivan)


class RepairTests(CreditTestCase):
    def test_it_refuses_repair_before_the_minimum_publication_period(self) -> None:
        with time_machine.travel(at(date(2025, 9, 30)), tick=False):
            entry = self.published(valid_from=date(2025, 9, 30), valid_until=date(2028, 9, 29))
        with time_machine.travel(at(date(2026, 9, 29)), tick=False), self.assertRaises(ValidationError) as caught:
            services.repair_apply(
                entry=entry, statement="已缴纳罚款", penalty_fulfilled=True, commitment_signed=True, by=self.ivan
            )
        self.assertIn("2026-09-30", " ".join(caught.exception.messages))

    def test_it_counts_the_repair_decision_over_national_day_and_records_the_conditions(self) -> None:
        with time_machine.travel(at(date(2025, 9, 30)), tick=False):
            entry = self.published(valid_from=date(2025, 9, 30), valid_until=date(2028, 9, 29))
        with time_machine.travel(at(date(2026, 9, 30)), tick=False):
            services.repair_apply(
                entry=entry,
                statement="罚款已缴清，已签署承诺书",
                penalty_fulfilled=True,
                commitment_signed=True,
                by=self.ivan,
            )
        clock = entry.deadlines.get(kind=CreditDeadline.Kind.REPAIR)
        # Ten working days from Wednesday 30 September: 8, 9, 10, 12–16, 19, 20 October.
        self.assertEqual(clock.due_date, date(2026, 10, 20))
        with time_machine.travel(at(date(2026, 10, 9)), tick=False):
            # Granting needs both conditions verified by the department.
            with self.assertRaises(ValidationError):
                services.repair_decide(
                    entry=entry,
                    grant=True,
                    penalty_fulfilled=True,
                    commitment_signed=False,
                    decision="准予",
                    by=self.rhea,
                )
            services.repair_decide(
                entry=entry,
                grant=True,
                penalty_fulfilled=True,
                commitment_signed=True,
                decision="罚款已缴清，承诺书已签署",
                by=self.rhea,
            )
        entry.refresh_from_db()
        repair = entry.repairs.get()
        self.assertEqual(repair.outcome, Repair.Outcome.GRANTED)
        self.assertTrue(repair.penalty_fulfilled and repair.commitment_signed)
        self.assertEqual(repair.decided_by, self.rhea)
        self.assertEqual((entry.status, entry.ended_on), (CreditEntry.Status.REPAIRED, date(2026, 10, 9)))
        self.assertFalse(entry.is_listed_on(date(2026, 10, 9)))

    def test_it_reads_the_minimum_period_from_the_rules_in_the_admin(self) -> None:
        CreditRules.objects.update(repair_min_days=90)
        with time_machine.travel(at(date(2026, 1, 5)), tick=False):
            entry = self.published(valid_from=date(2026, 1, 5), valid_until=date(2028, 1, 4))
        with time_machine.travel(at(date(2026, 4, 5)), tick=False):
            repair = services.repair_apply(
                entry=entry, statement="已整改", penalty_fulfilled=True, commitment_signed=True, by=self.ivan
            )
        self.assertEqual(repair.outcome, Repair.Outcome.PENDING)
