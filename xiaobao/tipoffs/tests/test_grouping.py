"""Reports about one entity end up together: by name, credit code, phone, website or collecting account."""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from xiaobao.registry.models import Region
from xiaobao.tipoffs import selectors, services
from xiaobao.tipoffs.models import Clue, Report, ReportEvent
from xiaobao.tipoffs.tests.base import TipoffsTestCase

ACCOUNT = "6222 0212 3456 7890 123"


class NormalisationTests(TipoffsTestCase):
    def keys(self, **fields: Any) -> list[str]:
        return services.entity_keys(subject_kind=Report.SubjectKind.COMPANY, **{"subject_name": "", **fields})

    def test_it_reads_one_company_under_its_legal_form_variants(self) -> None:
        names = ["长春鑫盛投资有限公司", "长春 鑫盛投资有限责任公司", "长春鑫盛投资股份有限公司", "“长春鑫盛投资”"]

        self.assertEqual({tuple(self.keys(subject_name=n)) for n in names}, {("name:长春鑫盛投资",)})

    def test_it_reads_phone_numbers_as_digits(self) -> None:
        keys = self.keys(phones="+86 138-1234-5678；0431-8888 6666，13912345678 13712345678")

        self.assertEqual(keys, ["phone:043188886666", "phone:13712345678", "phone:13812345678", "phone:13912345678"])

    def test_it_reads_a_website_as_its_host(self) -> None:
        keys = self.keys(
            websites="https://WWW.Xinsheng-Invest.com/app/index.html?ref=1 http://xinsheng-invest.com:8080"
        )

        self.assertEqual(keys, ["web:xinsheng-invest.com"])

    def test_it_keeps_the_page_on_platforms_shared_by_many(self) -> None:
        keys = self.keys(websites="https://mp.weixin.qq.com/s/AbC123 https://mp.weixin.qq.com/s/XyZ789 https://qq.com")

        self.assertEqual(keys, ["web:mp.weixin.qq.com/s/AbC123".lower(), "web:mp.weixin.qq.com/s/xyz789"])

    def test_it_reads_collecting_accounts_as_digits(self) -> None:
        keys = self.keys(collecting_accounts=f"{ACCOUNT}（中国农业银行）\n支付宝 pay@example.com")

        self.assertEqual(keys, ["account:6222021234567890123", "account:pay@example.com"])

    def test_it_reads_credit_codes_in_capitals(self) -> None:
        self.assertEqual(self.keys(subject_uscc=" 91220101mA0Y1Y2W3X "), ["uscc:91220101MA0Y1Y2W3X"])

    def test_it_does_not_group_by_a_name_the_reporter_did_not_know(self) -> None:
        for name in ("某某投资公司", "王某", "不清楚", "“不知道”"):
            with self.subTest(name=name):
                self.assertEqual(self.keys(subject_name=name), [])

    def test_it_tells_people_of_one_name_apart_by_city(self) -> None:
        changchun = services.entity_keys(subject_kind="person", subject_name="张伟", subject_region=self.nanguan)
        siping = services.entity_keys(subject_kind="person", subject_name="张伟", subject_region=self.siping)

        self.assertEqual(changchun, ["name:张伟@220100"])
        self.assertNotEqual(changchun, siping)


class GroupingTests(TipoffsTestCase):
    def test_it_puts_one_collecting_account_under_two_company_names_into_one_clue(self) -> None:
        first, _r = self.file_report(subject_name="长春鑫盛投资有限公司", collecting_accounts=ACCOUNT)
        clue = services.clue_open(report=first, by=self.fay)

        second, _receipt = self.file_report(
            subject_name="吉林恒通财富管理有限责任公司", collecting_accounts=ACCOUNT.replace(" ", "")
        )
        second.refresh_from_db()

        self.assertEqual(second.clue, clue)
        self.assertEqual(clue.reports.count(), 2)
        clue.refresh_from_db()
        self.assertIn("name:吉林恒通财富管理", clue.keys)

    def test_it_does_not_tell_a_reporter_that_a_clue_already_exists(self) -> None:
        first, _r = self.file_report(collecting_accounts=ACCOUNT)
        services.clue_open(report=first, by=self.fay)

        second, _r = self.file_report(subject_name="某某公司", collecting_accounts=ACCOUNT)

        self.assertIsNotNone(second.clue)
        self.assertEqual(second.status, Report.Status.RECEIVED)
        visible = second.events.filter(visible_to_reporter=True).values_list("kind", flat=True)
        self.assertEqual(list(visible), [ReportEvent.Kind.RECEIVED])

    def test_it_groups_reports_not_yet_in_a_clue_and_opens_them_as_one(self) -> None:
        a, _r = self.file_report(subject_name="长春鑫盛投资有限公司", phones="13812345678")
        b, _r = self.file_report(subject_name="鑫盛财富", phones="138-1234-5678", collecting_accounts=ACCOUNT)
        c, _r = self.file_report(subject_name="吉林恒通财富管理有限公司", collecting_accounts=ACCOUNT)
        other, _r = self.file_report(
            subject_name="通化百草园种植合作社", subject_region=Region.objects.get(code="220100")
        )

        groups = selectors.report_groups_for(user=self.fay)

        by_count = sorted((g.report_count, g.names) for g in groups)
        self.assertEqual(by_count[-1][0], 3)
        self.assertEqual(len(groups), 2)

        clue = services.clue_open(report=c, by=self.fay)

        self.assertEqual(set(clue.reports.values_list("pk", flat=True)), {a.pk, b.pk, c.pk})
        self.assertEqual(
            set(Report.objects.filter(pk__in=[a.pk, b.pk, c.pk]).values_list("status", flat=True)),
            {Report.Status.CLUE_OPENED},
        )
        other.refresh_from_db()
        self.assertIsNone(other.clue)

    def test_it_keeps_departments_apart(self) -> None:
        self.file_report(collecting_accounts=ACCOUNT)
        siping, _r = self.file_report(subject_region=self.siping, collecting_accounts=ACCOUNT)

        groups = selectors.report_groups_for(user=self.pat)

        self.assertEqual(len(groups), 2)
        self.assertEqual(services.clue_open(report=siping, by=self.sam).reports.count(), 1)

    def test_it_shows_a_related_clue_for_reports_about_a_clue_no_longer_open(self) -> None:
        first, _r = self.file_report(collecting_accounts=ACCOUNT)
        clue = services.clue_open(report=first, by=self.fay)
        services.clue_refer(clue=clue, by=self.fay, to="police", authority=None, note="涉嫌犯罪，移送公安。")

        later, _r = self.file_report(subject_name="新名字公司", collecting_accounts=ACCOUNT)

        self.assertIsNone(later.clue)
        (group,) = selectors.report_groups_for(user=self.fay)
        self.assertEqual(group.related_clues, [clue])


class QueueTests(TipoffsTestCase):
    def age(self, report: Report, days: int) -> None:
        Report.objects.filter(pk=report.pk).update(received_at=timezone.now() - timedelta(days=days))

    def test_it_counts_the_reports_of_each_clue(self) -> None:
        first, _r = self.file_report(collecting_accounts=ACCOUNT)
        clue = services.clue_open(report=first, by=self.fay)
        self.file_report(subject_name="另一个名字", collecting_accounts=ACCOUNT)

        row: Any  # a clue annotated with its report counts
        (row,) = selectors.clue_queue_for(user=self.fay, filters={})

        self.assertEqual((row, row.report_count), (clue, 2))

    def test_it_flags_three_reports_in_a_week_as_rising(self) -> None:
        first, _r = self.file_report(collecting_accounts=ACCOUNT)
        services.clue_open(report=first, by=self.fay)
        self.file_report(collecting_accounts=ACCOUNT)
        quiet, _r = self.file_report(subject_name="安静的公司有限公司", phones="13800000000")
        services.clue_open(report=quiet, by=self.fay)

        queue: list[Any] = list(selectors.clue_queue_for(user=self.fay))  # clues annotated with their report counts
        self.assertEqual([c.rising for c in queue], [False, False])

        self.file_report(collecting_accounts=ACCOUNT)
        rows: list[Any] = list(selectors.clue_queue_for(user=self.fay, filters={"rising": True}))

        self.assertEqual([(r.report_count, r.recent_count, r.rising) for r in rows], [(3, 3, True)])

    def test_it_flags_more_reports_this_week_than_last(self) -> None:
        reports = [self.file_report(collecting_accounts=ACCOUNT)[0] for _ in range(3)]
        services.clue_open(report=reports[0], by=self.fay)
        self.age(reports[0], 10)

        row: Any  # a clue annotated with its report counts
        (row,) = selectors.clue_queue_for(user=self.fay)
        self.assertEqual((row.recent_count, row.previous_count, row.rising), (2, 1, True))

        self.age(reports[1], 9)
        (row,) = selectors.clue_queue_for(user=self.fay)
        self.assertEqual((row.recent_count, row.previous_count, row.rising), (1, 2, False))

    def test_it_filters_and_orders_the_queue(self) -> None:
        low = services.clue_open(
            report=self.file_report(subject_name="普通商贸有限公司", scheme="卖东西不开发票，价格很贵。")[0],
            by=self.fay,
        )
        high = services.clue_open(
            report=self.file_report(subject_name="长春金鼎财富管理有限公司", promised_return=24)[0], by=self.fay
        )

        self.assertEqual(list(selectors.clue_queue_for(user=self.fay)), [high, low])
        self.assertEqual(list(selectors.clue_queue_for(user=self.fay, filters={"min_score": 30})), [high])
        self.assertEqual(list(selectors.clue_queue_for(user=self.fay, filters={"q": "金鼎"})), [high])
        self.assertEqual(list(selectors.clue_queue_for(user=self.fay, filters={"status": Clue.Status.CLOSED})), [])

    def test_it_shows_no_queue_to_anyone_but_officers(self) -> None:
        services.clue_open(report=self.file_report(institution=self.icbc_changchun)[0], by=self.fay)

        for user in (self.rita, self.sam, self.oscar):
            with self.subTest(user=user.username):
                self.assertEqual(list(selectors.clue_queue_for(user=user)), [])
        self.assertEqual(len(selectors.clue_queue_for(user=self.pat)), 1)
