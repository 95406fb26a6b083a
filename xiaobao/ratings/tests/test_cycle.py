"""The evaluation cycle through the services: open, self-assess, compute, score, publish, appeal, rectify."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from freezegun import freeze_time

from xiaobao.complaints.services import complaint_accept, complaint_answer
from xiaobao.ratings import services
from xiaobao.ratings.models import Appeal, Evaluation, Indicator, Metric, Period, Rectification, Scheme
from xiaobao.ratings.tests.helpers import RatingsTestCase
from xiaobao.testing import first_of, present


class SchemeVersionTests(RatingsTestCase):
    def test_it_seeds_the_national_scheme_with_its_five_weights_and_the_25_point_cap(self) -> None:
        scheme = Scheme.objects.get(code="cbirc-2021", version=1)
        weights = {d.name: d.weight for d in scheme.dimensions.all()}
        self.assertEqual(
            weights,
            {"体制建设": 10, "机制与运行": 25, "操作与服务": 30, "教育宣传": 10, "纠纷化解": 25},
        )
        self.assertEqual(scheme.deduction_cap, Decimal("25"))
        seed = Scheme.objects.get(code="seed-2016", version=1)
        self.assertEqual(
            [d.name for d in seed.dimensions.all()],
            ["环境建设", "义务履行", "争议处理", "宣传教育", "信息反馈", "监督评价"],
        )
        self.assertEqual(sum(d.weight for d in seed.dimensions.all()), 100)

    def test_it_makes_a_new_version_when_weights_change_and_leaves_published_grades_as_they_were(self) -> None:
        period = self.publish(self.open_period())
        evaluation = self.evaluation(period)
        published = (evaluation.total, evaluation.grade, evaluation.breakdown)
        old = period.scheme

        new = services.scheme_revise(
            scheme=old,
            weights={
                "structure": Decimal("40"),
                "mechanism": Decimal("15"),
                "service": Decimal("15"),
                "education": Decimal("15"),
                "disputes": Decimal("15"),
            },
            by=self.rita,
        )

        self.assertEqual((new.code, new.version, new.is_current), ("cbirc-2021", 2, True))
        old.refresh_from_db()
        self.assertFalse(old.is_current)
        self.assertEqual(old.dimensions.get(code="structure").weight, Decimal("10"))
        evaluation.refresh_from_db()
        self.assertEqual((evaluation.total, evaluation.grade, evaluation.breakdown), published)
        period.refresh_from_db()
        self.assertEqual(period.scheme_id, old.pk)
        # The next period is opened with the new version.
        later = self.open_period(name="2026年度", start=date(2026, 1, 1), end=date(2026, 12, 31))
        self.assertEqual(later.scheme_id, new.pk)

    def test_it_refuses_weights_that_do_not_add_up_to_100(self) -> None:
        scheme = Scheme.objects.get(code="cbirc-2021", is_current=True)
        with self.assertRaisesMessage(ValidationError, "合计必须为 100"):
            services.scheme_revise(
                scheme=scheme,
                weights={d.code: Decimal("10") for d in scheme.dimensions.all()},
                by=self.rita,
            )
        self.assertEqual(Scheme.objects.filter(code="cbirc-2021").count(), 1)

    def test_it_lets_only_regulators_revise_a_scheme(self) -> None:
        scheme = Scheme.objects.get(code="cbirc-2021", is_current=True)
        with self.assertRaises(PermissionDenied):
            services.scheme_revise(scheme=scheme, weights={}, by=self.ivan)


class CycleTests(RatingsTestCase):
    def test_it_opens_a_period_with_the_default_self_assessment_deadline_of_31_january(self) -> None:
        period = self.open_period()
        self.assertEqual(period.self_assessment_due, date(2026, 1, 31))
        self.assertEqual(period.evaluations.count(), 2)
        self.assertEqual(
            self.evaluation(period).scores.count(), Indicator.objects.filter(dimension__scheme=period.scheme).count()
        )

    def test_it_computes_the_on_time_and_upheld_rates_from_the_institutions_complaints(self) -> None:
        today = timezone.localdate()
        complaint, _code = self.file_complaint(by=self.carla)
        complaint_accept(complaint=complaint, by=self.rita)
        complaint_answer(
            complaint=complaint,
            outcome="upheld",
            decision="经核实，办卡时承诺免年费，退还年费600元。",
            remedy="退费",
            remedy_amount=Decimal("600"),
            by=self.ivan,
        )
        period = self.open_period(start=today - timedelta(days=30), end=today + timedelta(days=60))
        services.period_compute(period=period, by=self.rita)
        rows = {r.indicator.metric: r for r in self.evaluation(period).scores.select_related("indicator")}
        self.assertEqual(rows[Metric.UPHELD_RATE].value, Decimal("100"))
        self.assertEqual(rows[Metric.UPHELD_RATE].data["denominator"], "1")
        # ICBC has 10.2 million customers: 1 complaint → 1/10,200,000 × 10,000 ≈ 0.001 per 10,000.
        self.assertEqual(rows[Metric.COMPLAINTS_PER_10K].value, Decimal("0.0010"))
        self.assertEqual(rows[Metric.COMPLAINTS_PER_10K].score, Decimal("100.00"))
        # The answer deadline is not due yet: no on-time figure, and the indicator is left out.
        self.assertIsNone(rows[Metric.ON_TIME_RATE].value)
        self.assertIn("没有", rows[Metric.ON_TIME_RATE].data["missing"])
        # Without the disputes app there is no mediation data, said in words.
        self.assertIsNone(rows[Metric.MEDIATION_SUCCESS].value)
        self.assertIn("调解", rows[Metric.MEDIATION_SUCCESS].data["missing"])

    def test_it_scores_a_self_assessment_reported_after_31_january_as_late(self) -> None:
        period = self.open_period()
        with freeze_time("2026-01-20 10:00:00+08:00"):
            services.self_assessment_submit(
                evaluation=self.evaluation(period), text="本行已建立消保委员会。", by=self.ivan
            )
        with freeze_time("2026-02-02 10:00:00+08:00"):
            services.self_assessment_submit(
                evaluation=self.evaluation(period, self.other_bank), text="逾期报送的自评。", by=self.bob
            )
            services.period_compute(period=period, by=self.rita)
        on_time = lambda e: e.scores.get(indicator__metric=Metric.REPORTED_ON_TIME).score  # noqa: E731
        self.assertEqual(on_time(self.evaluation(period)), Decimal("100.00"))
        self.assertEqual(on_time(self.evaluation(period, self.other_bank)), Decimal("0.00"))

    def test_it_refuses_to_send_for_review_while_a_manual_indicator_is_unscored(self) -> None:
        period = self.open_period()
        services.period_compute(period=period, by=self.rita)
        with self.assertRaisesMessage(ValidationError, "人工指标未评分"):
            services.period_submit(period=period, by=self.rita)

    def test_it_publishes_grades_with_the_figures_behind_each_indicator(self) -> None:
        period = self.publish(self.open_period(), score="80")
        evaluation = self.evaluation(period)
        self.assertEqual(period.status, Period.Status.PUBLISHED)
        self.assertEqual(period.signed_off_by, self.rita)
        self.assertIsNotNone(evaluation.published_at)
        self.assertEqual(evaluation.appeal_due, timezone.localdate() + timedelta(days=15))
        names = {i["name"] for i in evaluation.breakdown["indicators"]}
        self.assertIn("按时答复率", names)
        # No complaint data at all: only the manual indicators (80) and reporting (0: never reported) count.
        self.assertIsNotNone(evaluation.total)

    def test_it_caps_inspection_deductions_and_opens_a_rectification_for_the_finding(self) -> None:
        period = self.open_period()
        services.period_compute(period=period, by=self.rita)
        self.score_all_manual(period, "100")
        evaluation = self.evaluation(period)
        services.deduction_add(
            evaluation=evaluation, reason="现场检查发现未按规定开展消保审查", points=Decimal("20"), by=self.rita
        )
        services.deduction_add(evaluation=evaluation, reason="营销宣传不规范", points=Decimal("10"), by=self.rita)
        evaluation.refresh_from_db()
        self.assertEqual(evaluation.deducted, Decimal("25.00"))
        services.period_submit(period=period, by=self.rita)
        services.period_publish(period=period, by=self.rita)
        task = Rectification.objects.get(evaluation=evaluation)
        self.assertIn("未按规定开展消保审查", task.reason)
        self.assertEqual(task.due_date, timezone.localdate() + timedelta(days=60))

        services.rectification_report(rectification=task, report="已建立消保审查制度并完成培训。", by=self.ivan)
        with self.assertRaisesMessage(ValidationError, "写明原因"):
            services.rectification_accept(rectification=task, accept=False, note="", by=self.rita)
        services.rectification_accept(rectification=task, accept=True, note="", by=self.rita)
        task.refresh_from_db()
        self.assertEqual(task.status, Rectification.Status.ACCEPTED)

    def test_it_refuses_deductions_under_a_scheme_without_them(self) -> None:
        period = self.open_period(code="seed-2016")
        services.period_compute(period=period, by=self.rita)
        with self.assertRaisesMessage(ValidationError, "不设检查发现扣分"):
            services.deduction_add(evaluation=self.evaluation(period), reason="x", points=Decimal("1"), by=self.rita)

    def test_it_takes_back_an_upheld_appeal_for_new_scores_and_publishes_it_again(self) -> None:
        period = self.publish(self.open_period(), score="50")
        evaluation = self.evaluation(period)
        before = present(evaluation.total)
        appeal = services.appeal_file(evaluation=evaluation, reason="宣传教育材料未被采纳。", by=self.ivan)
        with self.assertRaisesMessage(ValidationError, "正在处理"):
            services.appeal_file(evaluation=evaluation, reason="再次申诉", by=self.ivan)
        services.appeal_decide(appeal=appeal, outcome=Appeal.Outcome.UPHELD, decision="补充材料属实。", by=self.rita)
        evaluation.refresh_from_db()
        self.assertIsNone(evaluation.published_at)
        row = first_of(evaluation.scores.filter(indicator__kind=Indicator.Kind.MANUAL))
        services.indicator_score(row=row, score=Decimal("100"), note="采纳补充材料", by=self.rita)
        services.evaluation_republish(evaluation=evaluation, by=self.rita)
        evaluation.refresh_from_db()
        self.assertIsNotNone(evaluation.published_at)
        self.assertGreater(present(evaluation.total), before)

    def test_it_refuses_an_appeal_after_the_appeal_period(self) -> None:
        period = self.publish(self.open_period())
        evaluation = self.evaluation(period)
        with (
            freeze_time(timezone.now() + timedelta(days=16)),
            self.assertRaisesMessage(ValidationError, "申诉期限已过"),
        ):
            services.appeal_file(evaluation=evaluation, reason="不服", by=self.ivan)

    def test_it_lets_only_the_examiners_authority_score(self) -> None:
        period = self.open_period()
        services.period_compute(period=period, by=self.rita)
        row = first_of(self.evaluation(period).scores.filter(indicator__kind=Indicator.Kind.MANUAL))
        for outsider in (self.lou, self.ivan):
            with self.assertRaises(PermissionDenied):
                services.indicator_score(row=row, score=Decimal("90"), note="x", by=outsider)
        with self.assertRaises(PermissionDenied):
            services.self_assessment_submit(evaluation=self.evaluation(period), text="冒名自评", by=self.bob)
        self.assertEqual(Evaluation.objects.get(pk=self.evaluation(period).pk).self_assessment, "")
