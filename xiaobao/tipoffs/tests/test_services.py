"""The triage actions, through the services, as the officers and the reporter would take them."""

from datetime import date
from decimal import Decimal
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from xiaobao.lib.workdays import add_workdays
from xiaobao.registry.selectors import calendar_exceptions
from xiaobao.testing import first_of, present
from xiaobao.tipoffs import services
from xiaobao.tipoffs.models import (
    BenchmarkRate,
    Clue,
    ContactRead,
    Report,
    ReportEvent,
    ReportMessage,
    Reward,
    RewardTier,
    RiskKeyword,
    TriageSettings,
)
from xiaobao.tipoffs.rules import RISK_KEYWORDS, rules_load
from xiaobao.tipoffs.tests.base import TipoffsTestCase

Kind = ReportEvent.Kind


class ReceiptTests(TipoffsTestCase):
    def test_it_gives_a_16_digit_receipt_that_opens_the_report(self) -> None:
        report, receipt = self.file_report()

        self.assertRegex(receipt, r"^\d{16}$")
        self.assertEqual(services.report_for_receipt(receipt), report)

    def test_it_accepts_the_receipt_as_grouped_on_the_receipt_page(self) -> None:
        report, receipt = self.file_report()
        grouped = " ".join(receipt[i : i + 4] for i in range(0, 16, 4))

        self.assertEqual(services.report_for_receipt(grouped), report)
        self.assertEqual(services.report_for_receipt(receipt.replace(receipt[4:8], f"-{receipt[4:8]}-")), report)

    def test_it_stores_the_receipt_only_as_its_argon2id_hash(self) -> None:
        report, receipt = self.file_report()
        report.refresh_from_db()

        self.assertNotIn(receipt, report.receipt_hash)
        expected = hash_secret_raw(
            secret=receipt.encode(),
            salt=services.receipt_salt(),
            time_cost=2,
            memory_cost=19 * 1024,
            parallelism=1,
            hash_len=32,
            type=Type.ID,
        ).hex()
        self.assertEqual(report.receipt_hash, expected)

    def test_it_keeps_one_salt_for_the_site(self) -> None:
        self.assertEqual(services.receipt_salt(), services.receipt_salt())
        self.assertGreaterEqual(len(services.receipt_salt()), 16)

    def test_it_answers_wrong_receipts_with_nothing(self) -> None:
        _report, receipt = self.file_report()
        neighbours = [f"{(int(receipt) + d) % 10**16:016d}" for d in (1, -1, 10, 10**15)]
        guesses = [*neighbours, "0" * 16, "1234567890123456", receipt[:15], receipt + "0", "", "abcd" * 4, None]

        for guess in guesses:
            with self.subTest(guess=guess):
                self.assertIsNone(services.report_for_receipt(guess))  # type: ignore[arg-type]

    def test_it_gives_every_report_its_own_receipt(self) -> None:
        receipts = {self.file_report()[1] for _ in range(5)}

        self.assertEqual(len(receipts), 5)


class SubmitTests(TipoffsTestCase):
    def test_it_keeps_no_contact_details_for_an_anonymous_report(self) -> None:
        report, _receipt = self.file_report(contact_name="王秀兰", contact_phone="13904310001")
        report.refresh_from_db()

        self.assertTrue(report.anonymous)
        self.assertEqual((report.contact_name, report.contact_phone, report.contact_email), ("", "", ""))
        self.assertIsNone(report.reporter)

    def test_it_links_a_named_report_to_the_consumers_account_only_when_named(self) -> None:
        named, _r = self.file_report(by=self.carla, **self.named())
        anonymous, _r = self.file_report(by=self.carla)

        self.assertEqual(named.reporter, self.carla)
        self.assertIsNone(anonymous.reporter)

    def test_it_refuses_a_reward_request_from_an_anonymous_reporter(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.file_report(wants_reward=True)

        self.assertIn("wants_reward", caught.exception.message_dict)

    def test_it_needs_a_name_and_a_way_to_reach_a_named_reporter(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.file_report(**self.named(contact_phone=""))

        self.assertIn("contact_phone", caught.exception.message_dict)

    def test_it_rejects_a_malformed_credit_code_and_too_short_a_story(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.file_report(subject_uscc="91220100ABC")
        self.assertIn("subject_uscc", caught.exception.message_dict)

        with self.assertRaises(ValidationError) as caught:
            self.file_report(scheme="骗钱")
        self.assertIn("scheme", caught.exception.message_dict)

    def test_it_numbers_reports_by_day(self) -> None:
        first, _r = self.file_report()
        second, _r = self.file_report()

        stem = f"JB-{timezone.localdate():%Y%m%d}-"
        self.assertTrue(first.number.startswith(stem))
        self.assertEqual(int(second.number[len(stem) :]), int(first.number[len(stem) :]) + 1)

    def test_it_tells_the_reporter_it_was_received_with_a_triage_deadline(self) -> None:
        report, _r = self.file_report()

        event = report.events.get(kind=Kind.RECEIVED)
        self.assertTrue(event.visible_to_reporter)
        rules = first_of(TriageSettings.objects.order_by("-valid_from"))
        self.assertEqual(
            event.due_date, add_workdays(timezone.localdate(), rules.triage_workdays, calendar_exceptions())
        )


class TriageTests(TipoffsTestCase):
    def test_it_asks_the_reporter_and_resumes_when_the_reporter_answers(self) -> None:
        report, receipt = self.file_report()

        services.report_ask(report=report, by=self.fay, question="请问传单上留的联系电话是多少？")
        report.refresh_from_db()
        self.assertEqual(report.status, Report.Status.NEEDS_INFO)
        asked = report.events.get(kind=Kind.ASKED)
        self.assertTrue(asked.visible_to_reporter)
        self.assertEqual(asked.due_date, add_workdays(timezone.localdate(), 10, calendar_exceptions()))
        self.assertEqual(report.messages.get().party, ReportMessage.Party.OFFICER)

        found = services.report_for_receipt(receipt)
        services.reporter_message(report=present(found), body="传单上的电话是0431-88886666。")
        report.refresh_from_db()

        self.assertEqual(report.status, Report.Status.UNDER_REVIEW)
        self.assertEqual(self.visible_kinds(report), [Kind.RECEIVED, Kind.ASKED, Kind.ANSWERED])
        self.assertIsNone(present(report.messages.order_by("at", "id").last()).author)

    def test_it_goes_back_to_the_clue_after_an_answer_asked_for_on_a_clue(self) -> None:
        report, _r = self.file_report()
        services.clue_open(report=report, by=self.fay)
        services.report_ask(report=report, by=self.fay, question="还有其他人一起去听讲座吗？")
        services.report_ask(report=report, by=self.fay, question="讲座在哪个小区？")

        services.reporter_message(report=report, body="在南关区的幸福小区活动室。")
        report.refresh_from_db()

        self.assertEqual(report.status, Report.Status.CLUE_OPENED)

    def test_it_never_shows_the_reporter_an_officers_note(self) -> None:
        report, _r = self.file_report()

        services.report_close(report=report, by=self.fay, reason="经核实系正规养老机构的会员服务，无承诺收益。")
        report.refresh_from_db()

        self.assertEqual(report.status, Report.Status.CLOSED)
        visible = report.events.filter(visible_to_reporter=True)
        self.assertEqual([e.kind for e in visible], [Kind.RECEIVED, Kind.CLOSED])
        self.assertFalse(any("正规养老机构" in e.note for e in visible))
        self.assertTrue(report.events.filter(kind=Kind.NOTE, visible_to_reporter=False, note__contains="正规").exists())

    def test_it_lets_only_the_departments_handling_the_report_act(self) -> None:
        report, _r = self.file_report()

        for outsider in (self.sam, self.rita, self.lou, self.oscar, self.ada):
            with self.subTest(user=outsider.username), self.assertRaises(PermissionDenied):
                services.report_review(report=report, by=outsider)
        services.report_review(report=report, by=self.pat)  # the province may act on a city's report
        report.refresh_from_db()
        self.assertEqual(report.status, Report.Status.UNDER_REVIEW)

    def test_it_refuses_an_action_the_state_does_not_allow(self) -> None:
        report, _r = self.file_report()
        services.report_close(report=report, by=self.fay, reason="重复举报，已在其他举报中处理。")

        with self.assertRaises(ValidationError):
            services.report_review(report=report, by=self.fay)
        with self.assertRaises(ValidationError):
            services.reporter_message(report=report, body="还有新情况。")

    def test_it_lets_the_officer_write_to_the_reporter(self) -> None:
        report, _r = self.file_report()

        services.officer_message(report=report, by=self.fay, body="感谢您的举报，我们正在核实。")

        message = report.messages.get()
        self.assertEqual((message.party, message.author), (ReportMessage.Party.OFFICER, self.fay))


class ClueTests(TipoffsTestCase):
    def test_it_opens_a_clue_and_assigns_it(self) -> None:
        report, _r = self.file_report()

        clue = services.clue_open(report=report, by=self.fay, assign_to=self.fay)
        report.refresh_from_db()

        self.assertEqual(report.clue, clue)
        self.assertEqual(report.status, Report.Status.CLUE_OPENED)
        self.assertEqual((clue.status, clue.assigned_to), (Clue.Status.INVESTIGATING, self.fay))
        self.assertEqual(clue.title, "长春福寿康养老服务有限公司")
        self.assertIn("name:长春福寿康养老服务", clue.keys)
        self.assertTrue(clue.events.filter(kind=Kind.ASSIGNED, due_date__isnull=False).exists())
        self.assertIn(Kind.CLUE_OPENED, self.visible_kinds(report))

    def test_it_assigns_only_to_an_officer_of_the_clues_department(self) -> None:
        report, _r = self.file_report()
        clue = services.clue_open(report=report, by=self.fay)

        with self.assertRaises(ValidationError):
            services.clue_assign(clue=clue, by=self.fay, to=self.sam)
        services.clue_assign(clue=clue, by=self.pat, to=self.fay)
        clue.refresh_from_db()
        self.assertEqual(clue.assigned_to, self.fay)

    def test_it_merges_two_clues_into_one(self) -> None:
        a, _r = self.file_report(subject_name="长春福寿康养老服务有限公司", phones="13800001111")
        b, _r = self.file_report(subject_name="吉林省颐年康养科技有限公司", phones="13900002222")
        first = services.clue_open(report=a, by=self.fay)
        second = services.clue_open(report=b, by=self.fay)

        merged = services.clue_merge(clue=second, into=first, by=self.fay)
        second.refresh_from_db()
        b.refresh_from_db()

        self.assertEqual(merged, first)
        self.assertEqual(second.status, Clue.Status.CLOSED)
        self.assertEqual(b.clue, first)
        self.assertEqual(first.reports.count(), 2)
        self.assertTrue({"phone:13800001111", "phone:13900002222"} <= set(merged.keys))

    def test_it_refers_a_clue_to_the_police_and_tells_the_reporters(self) -> None:
        report, _r = self.file_report()
        clue = services.clue_open(report=report, by=self.fay)

        services.clue_refer(clue=clue, by=self.fay, to="police", authority=None, note="涉嫌非法吸收公众存款罪。")
        clue.refresh_from_db()
        report.refresh_from_db()

        self.assertEqual(clue.status, Clue.Status.REFERRED)
        self.assertEqual(report.status, Report.Status.REFERRED)
        event = report.events.get(kind=Kind.REFERRED_POLICE)
        self.assertTrue(event.visible_to_reporter)
        self.assertNotIn("罪", event.note)

    def test_it_refers_a_clue_to_another_regions_lead_department(self) -> None:
        report, _r = self.file_report()
        clue = services.clue_open(report=report, by=self.fay, assign_to=self.fay)

        services.clue_refer(
            clue=clue, by=self.fay, to="region", authority=self.lead_siping, note="经查该公司注册地在四平市。"
        )
        clue.refresh_from_db()
        report.refresh_from_db()

        self.assertEqual((clue.authority, clue.status, clue.assigned_to), (self.lead_siping, Clue.Status.OPEN, None))
        self.assertEqual(report.authority, self.lead_siping)
        services.clue_assign(clue=clue, by=self.sam, to=self.sam)
        with self.assertRaises(PermissionDenied):
            services.clue_assign(clue=clue, by=self.fay, to=self.fay)

    def test_it_refers_only_to_a_lead_department(self) -> None:
        clue = services.clue_open(report=self.file_report()[0], by=self.fay)

        with self.assertRaises(ValidationError):
            services.clue_refer(clue=clue, by=self.fay, to="region", authority=self.nfra, note="转监管部门。")
        with self.assertRaises(ValidationError):
            services.clue_refer(clue=clue, by=self.fay, to="region", authority=self.lead_changchun, note="本部门。")

    def test_it_closes_the_clue_when_every_report_in_it_is_closed(self) -> None:
        report, _r = self.file_report()
        clue = services.clue_open(report=report, by=self.fay)

        services.report_close(report=report, by=self.fay, reason="核实后为合法经营的养老机构。")
        clue.refresh_from_db()

        self.assertEqual(clue.status, Clue.Status.CLOSED)
        self.assertIsNotNone(clue.closed_at)


class RewardTests(TipoffsTestCase):
    def confirmed(self, **overrides: Any) -> Report:
        report, _r = self.file_report(**self.named(**overrides))
        services.clue_open(report=report, by=self.fay, assign_to=self.fay)
        report.refresh_from_db()
        return report

    def test_it_grants_a_reward_to_the_first_named_reporter_of_a_confirmed_clue(self) -> None:
        report = self.confirmed()

        reward = services.reward_decide(
            report=report, by=self.fay, granted=True, tier=self.tier, amount=Decimal("800"), reason="首报属实。"
        )

        self.assertEqual((reward.granted, reward.amount, reward.tier), (True, Decimal("800"), self.tier))
        event = report.events.get(kind=Kind.REWARD_DECIDED)
        self.assertTrue(event.visible_to_reporter)
        self.assertIn("800", event.note)

    def test_it_explains_why_a_report_cannot_be_rewarded(self) -> None:
        first = self.confirmed()
        later, _r = self.file_report(**self.named(contact_name="李国强"))
        later.refresh_from_db()
        anonymous, _r = self.file_report()
        services.clue_open(report=anonymous, by=self.fay)
        unconfirmed, _r = self.file_report(subject_name="长春金鼎财富管理有限公司", **self.named())
        services.clue_open(report=unconfirmed, by=self.fay)

        cases = [(later, "首次举报"), (anonymous, "实名"), (unconfirmed, "核查确认")]
        for report, why in cases:
            with self.subTest(why=why), self.assertRaises(ValidationError) as caught:
                services.reward_decide(
                    report=report, by=self.fay, granted=True, tier=self.tier, amount=Decimal("500"), reason="申请。"
                )
            self.assertIn(why, " ".join(caught.exception.messages))
        self.assertEqual(later.clue, first.clue)

    def test_it_keeps_the_amount_within_the_tier(self) -> None:
        report = self.confirmed()

        with self.assertRaises(ValidationError) as caught:
            services.reward_decide(
                report=report, by=self.fay, granted=True, tier=self.tier, amount=Decimal("5000"), reason="首报。"
            )

        self.assertIn("amount", caught.exception.message_dict)

    def test_it_tells_the_reporter_a_refusal_and_decides_only_once(self) -> None:
        report, _r = self.file_report()

        services.reward_decide(
            report=report, by=self.fay, granted=False, tier=None, amount=None, reason="匿名举报不发放奖励。"
        )
        with self.assertRaises(ValidationError):
            services.reward_decide(report=report, by=self.fay, granted=False, tier=None, amount=None, reason="再次。")

        self.assertFalse(Reward.objects.get(report=report).granted)
        self.assertIn("匿名举报不发放奖励", report.events.get(kind=Kind.REWARD_DECIDED).note)


class ContactReadTests(TipoffsTestCase):
    def test_it_records_every_officer_read_of_contact_details(self) -> None:
        report, _r = self.file_report(**self.named())

        services.contact_read(report=report, by=self.fay, fields=["contact_name", "contact_phone"], purpose="web")
        services.contact_read(report=report, by=self.pat, fields=["contact_phone"], purpose="web")

        reads = ContactRead.objects.filter(report=report).order_by("at", "id")
        self.assertEqual(
            [(r.user, r.fields) for r in reads], [(self.fay, "contact_name,contact_phone"), (self.pat, "contact_phone")]
        )

    def test_it_lets_no_regulator_read_contact_details(self) -> None:
        report, _r = self.file_report(institution=self.icbc, **self.named())

        for user in (self.rita, self.sam, self.oscar):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                services.contact_read(report=report, by=user, fields=["contact_name"], purpose="web")
        self.assertFalse(ContactRead.objects.exists())


class RulesTests(TipoffsTestCase):
    def test_it_ships_the_rules_of_triage(self) -> None:
        self.assertEqual(RiskKeyword.objects.count(), len(RISK_KEYWORDS))
        self.assertEqual(RiskKeyword.objects.get(word="稳赚不赔").weight, 15)
        self.assertLess(RiskKeyword.objects.get(word="区块链").weight, RiskKeyword.objects.get(word="保本").weight)
        self.assertEqual(first_of(BenchmarkRate.objects.filter(valid_from__lte=date(2025, 6, 1))).rate, Decimal("3.00"))
        self.assertEqual(TriageSettings.objects.count(), 1)
        self.assertEqual(RewardTier.objects.count(), 3)

    def test_it_leaves_an_administrators_edits_alone_when_loaded_again(self) -> None:
        RiskKeyword.objects.filter(word="互助").update(weight=1)

        created = rules_load()

        self.assertEqual(created, {"keywords": 0, "benchmark_rates": 0, "reward_tiers": 0, "triage_settings": 0})
        self.assertEqual(RiskKeyword.objects.get(word="互助").weight, 1)
