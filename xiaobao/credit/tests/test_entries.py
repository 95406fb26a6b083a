from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from xiaobao.credit import selectors, services
from xiaobao.credit.models import CreditEntry, CreditEvent
from xiaobao.credit.tests.base import COMPANY, CreditTestCase

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=SHANGHAI)


def public_names(day: date) -> list[str]:
    return [e.name for e in selectors.public_entries(selectors.PublicFilters(valid_on=day))]


class EntryTests(CreditTestCase):
    def test_it_takes_the_subject_document_and_date_from_the_penalty_decision(self) -> None:
        entry = self.draft()
        self.assertEqual(entry.institution, self.icbc)
        self.assertEqual((entry.name, entry.uscc), (self.icbc.name, self.icbc.uscc))
        self.assertEqual(entry.document, "吉金罚决字〔2026〕7号")
        self.assertEqual(entry.decided_on, date(2026, 3, 2))
        self.assertEqual(entry.status, CreditEntry.Status.DRAFT)
        # 1,095 days by default (the rules' three years), the first day included; 29 February 2028 is one of them.
        self.assertEqual((entry.valid_from, entry.valid_until), (date(2026, 3, 2), date(2029, 2, 28)))
        self.assertEqual(entry.department, self.nfra)
        self.assertEqual(list(entry.events.values_list("kind", flat=True)), [CreditEvent.Kind.DRAFTED])

    def test_it_refuses_a_company_code_whose_check_character_is_wrong(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.draft(
                subject="company",
                source="decision",
                penalty=None,
                name=COMPANY,
                uscc="91220101MA0Y3L8Q4W",
                document="吉金决〔2026〕1号",
                decided_on=date(2026, 4, 1),
            )
        self.assertIn("uscc", caught.exception.message_dict)
        self.assertFalse(CreditEntry.objects.exists())

    def test_it_refuses_a_person_whose_id_number_check_digit_is_wrong(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.draft(
                subject="person",
                source="decision",
                penalty=None,
                person_name="王建国",
                person_id_number="220102198506151234",
                document="吉金决〔2026〕1号",
                decided_on=date(2026, 4, 1),
            )
        self.assertIn("person_id_number", caught.exception.message_dict)

    def test_it_never_lets_the_drafter_check_their_own_draft(self) -> None:
        entry = self.draft()
        with self.assertRaises(PermissionDenied):
            services.entry_check(entry=entry, approve=True, note="", by=self.rita)
        entry.refresh_from_db()
        self.assertEqual(entry.status, CreditEntry.Status.DRAFT)

    def test_it_lets_only_the_drafting_department_check(self) -> None:
        entry = self.draft()
        with self.assertRaises(PermissionDenied):
            services.entry_check(entry=entry, approve=True, note="", by=self.pei)
        with self.assertRaises(PermissionDenied):
            services.entry_check(entry=entry, approve=True, note="", by=self.ivan)

    def test_it_publishes_after_a_second_persons_check_with_who_and_when_on_the_timeline(self) -> None:
        with time_machine.travel(at(date(2026, 3, 10)), tick=False):
            entry = self.published()
        self.assertEqual(entry.status, CreditEntry.Status.PUBLISHED)
        self.assertEqual(entry.checked_by, self.rhea)
        self.assertEqual(entry.published_on, date(2026, 3, 10))
        events = list(entry.events.values_list("kind", "actor__username"))
        self.assertEqual(events, [("drafted", "rita"), ("published", "rhea")])

    def test_it_ends_a_refused_draft_with_the_reason(self) -> None:
        entry = self.draft()
        with self.assertRaises(ValidationError):
            services.entry_check(entry=entry, approve=False, note=" ", by=self.rhea)
        entry = services.entry_check(entry=entry, approve=False, note="处罚决定尚在复议期", by=self.rhea)
        self.assertEqual(entry.status, CreditEntry.Status.REJECTED)
        self.assertEqual(entry.events.last().note, "处罚决定尚在复议期")  # type: ignore[union-attr]
        self.assertNotIn(self.icbc.name, public_names(date(2026, 4, 1)))

    def test_it_moves_the_feed_cursor_on_every_change(self) -> None:
        entry = self.draft()
        drafted = entry.updated_at
        entry = services.entry_check(entry=entry, approve=True, note="", by=self.rhea)
        self.assertGreater(entry.updated_at, drafted)


class ValidityTests(CreditTestCase):
    def test_it_lists_an_entry_from_its_first_to_its_last_valid_day_and_drops_it_the_day_after(self) -> None:
        with time_machine.travel(at(date(2026, 3, 10)), tick=False):
            self.published(valid_from=date(2026, 3, 10), valid_until=date(2026, 9, 30))
        self.assertNotIn(self.icbc.name, public_names(date(2026, 3, 9)))
        self.assertIn(self.icbc.name, public_names(date(2026, 3, 10)))
        self.assertIn(self.icbc.name, public_names(date(2026, 9, 30)))
        self.assertNotIn(self.icbc.name, public_names(date(2026, 10, 1)))

    def test_it_drops_an_expired_entry_from_todays_public_list_and_keeps_its_history(self) -> None:
        with time_machine.travel(at(date(2026, 3, 10)), tick=False):
            entry = self.published(valid_from=date(2026, 3, 10), valid_until=date(2026, 9, 30))
        with time_machine.travel(at(date(2026, 9, 30)), tick=False):
            self.assertIn(self.icbc.name, [e.name for e in selectors.public_entries(selectors.PublicFilters())])
            self.assertTrue(selectors.is_blacklisted(self.icbc))
        with time_machine.travel(at(date(2026, 10, 1)), tick=False):
            self.assertEqual(list(selectors.public_entries(selectors.PublicFilters())), [])
            self.assertFalse(selectors.is_blacklisted(self.icbc))
            entry.refresh_from_db()
            # Nothing was written on the day: the status stays and the timeline is whole.
            self.assertEqual(entry.status, CreditEntry.Status.PUBLISHED)
            self.assertEqual(entry.events.count(), 2)

    def test_it_never_lists_a_draft(self) -> None:
        self.draft()
        self.assertEqual(public_names(date(2026, 4, 1)), [])
