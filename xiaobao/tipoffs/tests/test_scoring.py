"""The risk pre-score: each reason on its own, the caps, and what the report and its clue keep."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from xiaobao.testing import first_of
from xiaobao.tipoffs import services
from xiaobao.tipoffs.models import BenchmarkRate, Report, RiskKeyword, TriageSettings
from xiaobao.tipoffs.tests.base import TipoffsTestCase

PLAIN = "有人在小区门口发传单，宣传一个项目，请有关部门看一看。"


class ScoringTests(TipoffsTestCase):
    def score(self, **fields: Any) -> tuple[int, list[str]]:
        values: dict[str, Any] = {
            "subject_kind": Report.SubjectKind.COMPANY,
            "subject_name": "长春某某商贸有限公司",
            "subject_region": self.nanguan,
            "scheme": PLAIN,
            "received_at": timezone.now(),
            **fields,
        }
        return services.risk_score_for(Report(**values))

    def test_it_scores_nothing_without_a_warning_sign(self) -> None:
        self.assertEqual(self.score(), (0, []))

    def test_it_adds_the_weight_of_each_scheme_word(self) -> None:
        score, reasons = self.score(scheme="业务员说这是零风险的项目，日息千分之三，拉人头还有提成。")

        self.assertEqual(score, 15 + 10 + 12)
        self.assertEqual(len(reasons), 1)
        for word in ("零风险", "日息", "拉人头"):
            self.assertIn(word, reasons[0])

    def test_it_counts_a_long_word_once_rather_than_its_parts_too(self) -> None:
        score, reasons = self.score(scheme="宣传单上写着保本保息，稳 赚 不 赔，请大家放心。")

        self.assertEqual(score, 15 + 15)
        self.assertNotIn("“保本、", reasons[0])

    def test_it_caps_the_points_from_scheme_words(self) -> None:
        score, reasons = self.score(scheme="稳赚不赔、零风险、保本保息、高息、日息、拉人头、发展下线、原始股。")

        self.assertEqual(score, TriageSettings.objects.get().keyword_cap)
        self.assertIn("最多计 40 分", reasons[0])

    def test_it_follows_the_administrators_word_list(self) -> None:
        RiskKeyword.objects.filter(word="零风险").update(is_active=False)
        RiskKeyword.objects.create(word="养老床位", weight=9)

        score, _reasons = self.score(scheme="认购养老床位，零风险，到期退还。")

        self.assertEqual(score, 9)

    def test_it_flags_financial_words_in_an_unlicensed_companys_name(self) -> None:
        score, reasons = self.score(subject_name="吉林鑫盛财富管理有限公司")

        self.assertEqual(score, 15)
        self.assertIn("财富管理", reasons[0])
        self.assertIn("条例第9条", reasons[0])

    def test_it_leaves_a_licensed_institutions_name_alone(self) -> None:
        self.assertEqual(self.score(subject_name="吉林演示消费金融有限公司"), (0, []))
        self.assertEqual(self.score(subject_kind=Report.SubjectKind.PERSON, subject_name="理财师刘某"), (0, []))

    def test_it_compares_the_promised_yield_with_four_times_the_lpr(self) -> None:
        rules = TriageSettings.objects.get()
        self.assertEqual(rules.yield_multiple, 4)

        score, reasons = self.score(promised_return=Decimal("18"))

        lpr = first_of(BenchmarkRate.objects.order_by("-valid_from"))
        self.assertEqual(score, 20)
        self.assertIn(f"（{lpr.rate.normalize():f}%）的 4 倍", reasons[0])
        self.assertEqual(self.score(promised_return=Decimal("6"))[0], 0)

    def test_it_uses_the_benchmark_rate_in_force_on_the_day_of_the_report(self) -> None:
        # One-year LPR 4.05% from 2020-02-20: 16.2% was the line then, 12% it is since 2025-05-20.
        then = datetime(2020, 3, 10, 10, 0, tzinfo=timezone.get_current_timezone())

        self.assertEqual(self.score(promised_return=Decimal("15"), received_at=then), (0, []))
        self.assertEqual(self.score(promised_return=Decimal("15"))[0], 20)

    def test_it_flags_amounts_and_people_at_the_prosecution_thresholds(self) -> None:
        below = self.score(amount=Decimal("999999.99"), people=149)
        by_amount = self.score(amount=Decimal("1200000"))
        by_people = self.score(people=150)

        self.assertEqual(below, (0, []))
        self.assertEqual(by_amount[0], 20)
        self.assertIn("1,200,000", by_amount[1][0])
        self.assertIn("法释〔2022〕5号", by_amount[1][0])
        self.assertEqual(by_people[0], 20)
        self.assertIn("150 人", by_people[1][0])

    def test_it_never_goes_above_100(self) -> None:
        TriageSettings.objects.update(scale_weight=60)

        score, reasons = self.score(
            subject_name="长春金鼎理财有限公司",
            scheme="保本保息，稳赚不赔，零风险，日息千分之五。",
            promised_return=Decimal("36"),
            amount=Decimal("5000000"),
        )

        self.assertEqual(score, 100)
        self.assertEqual(len(reasons), 4)

    def test_it_keeps_the_score_on_the_report_and_the_highest_on_its_clue(self) -> None:
        account = "6222021234567890"
        mild, _r = self.file_report(scheme=PLAIN, collecting_accounts=account)
        clue = services.clue_open(report=mild, by=self.fay)
        self.assertEqual(clue.risk_score, 0)

        alarming, _r = self.file_report(
            subject_name="别的名字",
            scheme="业务员说投资零风险，高息返利，按月到账。",
            promised_return=Decimal("20"),
            collecting_accounts=account,
        )
        alarming.refresh_from_db()
        clue.refresh_from_db()

        self.assertEqual(alarming.risk_score, 15 + 10 + 8 + 20)
        self.assertEqual(len(alarming.risk_reasons), 2)
        self.assertEqual((clue.risk_score, clue.risk_reasons), (alarming.risk_score, alarming.risk_reasons))
