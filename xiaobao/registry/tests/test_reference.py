from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from unittest import mock

import chinese_calendar
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connection
from django.test import TestCase

from xiaobao.lib.codes import is_valid_uscc
from xiaobao.registry import services
from xiaobao.registry.models import (
    Authority,
    CalendarDay,
    Category,
    DeadlineRuleSet,
    Institution,
    InstitutionType,
    Label,
    Region,
    SupervisionLine,
)
from xiaobao.registry.selectors import (
    _calendar_bumper,
    authority_descendant_ids,
    calendar_exceptions,
    institution_descendant_ids,
    institution_search,
    rule_set_for,
    supervision_line_for,
)
from xiaobao.registry.services import calendar_seed, reference_load

REFERENCE_MODELS = (Region, Authority, InstitutionType, SupervisionLine, Institution, Category, Label, DeadlineRuleSet)


class ReferenceTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        reference_load()
        calendar_seed(years=range(2025, 2027))

    def line_on(self, institution: Institution, on: date) -> Authority:
        line = supervision_line_for(institution=institution, on=on)
        assert line is not None, f"{institution} has no supervision line on {on}"
        return line.authority

    def test_it_gives_every_institution_a_valid_demo_uscc(self) -> None:
        institutions = list(Institution.objects.all())
        self.assertGreaterEqual(len(institutions), 70)
        for institution in institutions:
            self.assertTrue(is_valid_uscc(institution.uscc), institution.name)
            self.assertTrue(institution.uscc.startswith("91" + institution.region_id), institution.name)
            self.assertTrue(institution.is_demo, institution.name)

    def test_it_covers_every_institution_type_and_prefecture(self) -> None:
        used_types = set(Institution.objects.values_list("type__code", flat=True))
        self.assertEqual(used_types, set(InstitutionType.objects.values_list("code", flat=True)))
        prefectures = {code[:4] for code in Institution.objects.values_list("region_id", flat=True)}
        self.assertEqual(prefectures, {r.code[:4] for r in Region.objects.filter(level=Region.Level.PREFECTURE)})

    def test_it_changes_nothing_when_loaded_again(self) -> None:
        before = {model: model.objects.count() for model in REFERENCE_MODELS}
        history_before = {model: model.history.count() for model in REFERENCE_MODELS}

        counts = reference_load()

        self.assertEqual(counts["changed"], 0)
        self.assertEqual({model: model.objects.count() for model in REFERENCE_MODELS}, before)
        self.assertEqual({model: model.history.count() for model in REFERENCE_MODELS}, history_before)

    def test_it_puts_back_a_reference_row_that_was_changed(self) -> None:
        Region.objects.filter(code="220184").update(name="公主岭")

        counts = reference_load()

        self.assertEqual(counts["changed"], 1)
        self.assertEqual(Region.objects.get(code="220184").name, "公主岭市")

    def test_it_refuses_a_file_with_a_bad_uscc_and_writes_nothing(self) -> None:
        real_rows = services._rows

        def rows(name: str) -> list[dict]:
            data = real_rows(name)
            if name == "institutions.json":
                data[0]["uscc"] = data[0]["uscc"][:-1] + ("0" if data[0]["uscc"][-1] != "0" else "1")
                data[1]["name"] = "不应写入的名称"
            return data

        with mock.patch.object(services, "_rows", rows), self.assertRaises(ImproperlyConfigured):
            reference_load()

        self.assertFalse(Institution.objects.filter(name="不应写入的名称").exists())

    def test_it_holds_all_of_jilins_regions(self) -> None:
        self.assertIsNone(Region.objects.get(code="220000").parent)
        self.assertEqual(Region.objects.filter(level=Region.Level.PREFECTURE).count(), 9)
        self.assertEqual(Region.objects.filter(level=Region.Level.COUNTY).count(), 60)
        self.assertEqual(Region.objects.get(code="222400").name, "延边朝鲜族自治州")
        self.assertEqual(Region.objects.get(code="220184").parent_id, "220100")
        for region in Region.objects.exclude(code="220000"):
            self.assertEqual(region.parent_id, region.ancestor_codes()[1], region.name)

    def test_it_routes_a_changchun_bank_to_the_regulator_of_the_day(self) -> None:
        bank = Institution.objects.get(name="中国工商银行股份有限公司长春南湖支行")

        self.assertEqual(self.line_on(bank, date(2017, 3, 1)).code, "cbrc-jilin")
        self.assertEqual(self.line_on(bank, date(2020, 6, 1)).code, "cbirc-jilin")
        self.assertEqual(self.line_on(bank, date(2024, 3, 1)).name, "国家金融监督管理总局吉林监管局")

    def test_it_routes_a_small_loan_company_to_its_citys_local_regulator(self) -> None:
        changchun = Institution.objects.get(name="长春市南关区恒信小额贷款有限责任公司")
        yanji = Institution.objects.get(name="延吉市瑞丰小额贷款有限公司")

        self.assertEqual(self.line_on(changchun, date(2026, 11, 27)).code, "local-changchun")
        self.assertEqual(self.line_on(changchun, date(2017, 3, 1)).name, "长春市人民政府金融工作办公室")
        self.assertEqual(self.line_on(yanji, date(2026, 11, 27)).code, "local-yanbian")
        self.assertEqual(self.line_on(yanji, date(2026, 11, 27)).region_id, "222400")

    def test_it_routes_a_regional_equity_market_to_the_province(self) -> None:
        market = Institution.objects.get(name="吉林股权交易所股份有限公司")

        self.assertEqual(self.line_on(market, date(2026, 11, 27)).code, "local-jilin")

    def test_it_routes_unlicensed_fundraising_to_the_lead_department(self) -> None:
        suspect = Institution.objects.get(type__code="unlicensed")

        self.assertEqual(self.line_on(suspect, date(2026, 11, 27)).kind, Authority.Kind.FUNDRAISING)

    def test_it_leaves_no_day_without_a_supervisor(self) -> None:
        # Every line's first and last day, with the days either side, plus the ends of the range.
        boundaries = {date(2016, 10, 17), date(2026, 11, 27), date(2027, 12, 31)}
        for valid_from, valid_to in SupervisionLine.objects.values_list("valid_from", "valid_to"):
            for edge in (valid_from, valid_to):
                if edge is not None:
                    boundaries.update({edge - timedelta(days=1), edge, edge + timedelta(days=1)})
        days = sorted(d for d in boundaries if date(2016, 10, 17) <= d <= date(2027, 12, 31))
        regions = [Region.objects.get(code=code) for code in ("220000", "220102", "222401", "220882")]
        for institution_type in InstitutionType.objects.all():
            for region in regions:
                institution = Institution(type=institution_type, region=region)
                for day in days:
                    with self.subTest(type=institution_type.code, region=region.code, day=day):
                        self.assertIsNotNone(supervision_line_for(institution=institution, on=day))

    def test_it_finds_no_supervisor_before_the_data_starts(self) -> None:
        bank = Institution.objects.get(name="吉林银行股份有限公司")

        self.assertIsNone(supervision_line_for(institution=bank, on=date(2015, 12, 31)))

    def test_it_marks_the_2026_spring_festival_and_its_makeup_saturday(self) -> None:
        # The State Council's 2026 notice as packaged: 2月15日至23日放假，2月14日（周六）上班.
        self.assertTrue(chinese_calendar.is_holiday(date(2026, 2, 16)))
        self.assertTrue(chinese_calendar.is_workday(date(2026, 2, 14)))
        self.assertEqual(date(2026, 2, 14).weekday(), 5)

        exceptions = calendar_exceptions()

        self.assertIs(exceptions[date(2026, 2, 16)], False)
        self.assertIs(exceptions[date(2026, 2, 14)], True)
        self.assertEqual(CalendarDay.objects.get(date=date(2026, 2, 16)).name, "春节")
        self.assertNotIn(date(2026, 2, 15), exceptions)  # a Sunday is a rest day anyway

    def test_it_keeps_an_administrators_calendar_edit(self) -> None:
        day = CalendarDay.objects.get(date=date(2026, 2, 14))
        day.is_workday = False
        day.name = "本地调整"
        day.save()
        CalendarDay.objects.get(date=date(2026, 2, 28)).delete()

        written = calendar_seed(years=range(2026, 2027))

        self.assertEqual(written, 0)
        self.assertFalse(CalendarDay.objects.get(date=date(2026, 2, 14)).is_workday)
        self.assertFalse(CalendarDay.objects.filter(date=date(2026, 2, 28)).exists())
        self.assertIs(calendar_exceptions()[date(2026, 2, 14)], False)

    def test_it_seeds_the_calendar_once(self) -> None:
        self.assertEqual(calendar_seed(years=range(2025, 2027)), 0)

    def test_it_skips_years_the_package_does_not_know(self) -> None:
        self.assertEqual(calendar_seed(years=range(2099, 2100)), 0)
        self.assertFalse(CalendarDay.objects.filter(date__year=2099).exists())

    def test_it_picks_the_rule_set_in_force(self) -> None:
        later = DeadlineRuleSet.objects.create(name="2027年规则", valid_from=date(2027, 1, 1), answer_days=10)

        self.assertEqual(rule_set_for(date(2026, 12, 31)).valid_from, date(2016, 1, 1))
        self.assertEqual(rule_set_for(date(2027, 1, 1)), later)

    def test_it_finds_active_institutions_by_name_or_short_name(self) -> None:
        Institution.objects.filter(name="吉林银行股份有限公司白城分行").update(is_active=False)

        names = [i.name for i in institution_search("吉林银行")]

        self.assertIn("吉林银行股份有限公司", names)
        self.assertNotIn("吉林银行股份有限公司白城分行", names)
        self.assertEqual([i.name for i in institution_search("九台农商")], ["吉林九台农村商业银行股份有限公司"])
        self.assertEqual(list(institution_search("  ")), [])

    def test_it_lists_an_institutions_branches_at_any_depth(self) -> None:
        icbc = Institution.objects.get(name="中国工商银行股份有限公司吉林省分行")
        sub_branch = Institution.objects.get(name="中国工商银行股份有限公司吉林船营支行")

        ids = institution_descendant_ids(icbc)

        self.assertIn(icbc.pk, ids)
        self.assertIn(sub_branch.pk, ids)
        self.assertNotIn(Institution.objects.get(name="吉林银行股份有限公司").pk, ids)
        self.assertEqual(institution_descendant_ids(sub_branch), [sub_branch.pk])

    def test_it_lists_an_authoritys_subordinates(self) -> None:
        nfra = Authority.objects.get(code="nfra-jilin")

        ids = authority_descendant_ids(nfra)

        self.assertEqual(len(ids), 9)  # the bureau and its eight prefecture branches (长春 has none)
        self.assertIn(Authority.objects.get(code="nfra-yanbian").pk, ids)
        local = authority_descendant_ids(Authority.objects.get(code="local-jilin"))
        self.assertIn(Authority.objects.get(code="local-changchun").pk, local)

    def test_it_offers_business_categories_by_sector(self) -> None:
        credit_card = Category.objects.get(code="B03-02")
        self.assertEqual(credit_card.sectors, "banking")
        self.assertEqual(Category.objects.get(code="B03-02-04").name, "信用卡年费")
        self.assertEqual(Category.objects.get(code="B03-02-04").level, 3)
        self.assertEqual(Category.objects.get(code="B08").sectors, "")
        self.assertEqual(Category.objects.filter(dimension=Category.Dimension.CAUSE).count(), 12)
        top_banking = Category.objects.filter(dimension=Category.Dimension.BUSINESS, level=1, code__lt="B20")
        self.assertEqual(top_banking.count(), 15)  # JR/T 0169 B01–B14 and 反洗钱 B15
        for other in Category.objects.filter(name="其他", level=2):
            self.assertTrue(other.code.endswith("-99"), other.code)
        for other in Category.objects.filter(name="其他", level=3):
            self.assertTrue(other.code.endswith("-09"), other.code)

    def test_it_has_every_label_list(self) -> None:
        counts = {kind: Label.objects.filter(kind=kind).count() for kind in Label.Kind.values}

        self.assertEqual(counts, {"right": 8, "demand": 9, "sensitivity": 7, "refusal": 6, "extension": 5})


class CalendarCacheTests(TestCase):
    """The calendar is kept in memory per process; an edit must reach every process once committed.

    A test's transaction never commits, so these tests play the commit: they run the commit hooks
    and then read as a process would outside the writing transaction.
    """

    def setUp(self) -> None:
        # The test's rollback undoes the played commits, which no process would notice by itself.
        self.addCleanup(_calendar_bumper(DEFAULT_DB_ALIAS))

    @contextmanager
    def committed(self) -> Iterator[None]:
        with self.captureOnCommitCallbacks(execute=True) as hooks:
            yield
        # A real commit empties the list of hooks; captureOnCommitCallbacks leaves them.
        connection.run_on_commit = [hook for hook in connection.run_on_commit if hook[1] not in hooks]

    def read_as_another_request(self) -> dict[date, bool]:
        with mock.patch("xiaobao.registry.selectors._calendar_change_pending", return_value=False):
            return calendar_exceptions()

    def test_it_serves_the_calendar_from_memory_until_an_edit_commits(self) -> None:
        day = date(2031, 5, 5)
        self.assertNotIn(day, self.read_as_another_request())
        CalendarDay.objects.bulk_create([CalendarDay(date=day, is_workday=False)])  # no signals: no bump

        self.assertNotIn(day, self.read_as_another_request())

        with self.committed():
            CalendarDay.objects.create(date=date(2031, 5, 6), is_workday=False, name="测试")
        self.assertIs(self.read_as_another_request()[day], False)

    def test_it_sees_edits_and_deletions_once_committed(self) -> None:
        day = date(2031, 5, 5)
        with self.committed():
            row = CalendarDay.objects.create(date=day, is_workday=False, name="测试")
        self.assertIs(self.read_as_another_request()[day], False)

        with self.committed():
            row.is_workday = True
            row.save()
        self.assertIs(self.read_as_another_request()[day], True)

        with self.committed():
            row.delete()
        self.assertNotIn(day, self.read_as_another_request())

    def test_it_reads_its_own_uncommitted_edit(self) -> None:
        day = date(2031, 5, 5)
        calendar_exceptions()

        CalendarDay.objects.create(date=day, is_workday=True, name="测试")

        self.assertIs(calendar_exceptions()[day], True)
