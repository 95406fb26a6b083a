"""The ratings pages through the test client: who sees what, scoring and publishing, exports, surveys."""

import io
from datetime import date
from decimal import Decimal

from django.urls import reverse
from openpyxl import load_workbook

from xiaobao.ratings import services
from xiaobao.ratings.models import Indicator, IndicatorScore, Period, Questionnaire, Response, Scheme
from xiaobao.ratings.tests.helpers import RatingsTestCase
from xiaobao.testing import first_of, present, streamed, worksheet


class AccessTests(RatingsTestCase):
    def setUp(self) -> None:
        self.period = self.open_period()
        services.period_compute(period=self.period, by=self.rita)
        self.row = first_of(self.evaluation(self.period).scores.filter(indicator__kind=Indicator.Kind.MANUAL))
        services.indicator_score(row=self.row, score=Decimal("73"), note="制度健全但考核不到位", by=self.rita)
        self.url = reverse("ratings:evaluation", args=[self.evaluation(self.period).pk])

    def test_it_shows_an_institution_its_own_unpublished_scores_marked_as_such(self) -> None:
        self.client.force_login(self.ivan)
        r = self.client.get(self.url)
        self.assertContains(r, "尚未发布：仅本机构和评估人员可见")
        self.assertContains(r, "制度健全但考核不到位")

    def test_it_answers_404_to_another_institution_for_unpublished_scores(self) -> None:
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        # Bob's own evaluation opens, and his period's ranking lists only his own row.
        own = reverse("ratings:evaluation", args=[self.evaluation(self.period, self.other_bank).pk])
        self.assertEqual(self.client.get(own).status_code, 200)
        r = self.client.get(reverse("ratings:period", args=[self.period.pk]))
        self.assertContains(r, self.other_bank.name)
        self.assertNotContains(r, self.icbc.name)

    def test_it_answers_404_to_the_public_and_another_regulator_before_publication(self) -> None:
        period_url = reverse("ratings:period", args=[self.period.pk])
        self.assertEqual(self.client.get(period_url).status_code, 404)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.client.force_login(self.lou)
        self.assertEqual(self.client.get(period_url).status_code, 404)
        self.assertEqual(self.client.post(reverse("ratings:period_publish", args=[self.period.pk])).status_code, 404)

    def test_it_refuses_an_institution_that_posts_a_score(self) -> None:
        self.client.force_login(self.ivan)
        r = self.client.post(
            reverse("ratings:evaluation_score", args=[self.evaluation(self.period).pk]),
            {"row": self.row.pk, "score": "100", "note": "自己给满分"},
        )
        self.assertEqual(r.status_code, 403)
        self.row.refresh_from_db()
        self.assertEqual(self.row.score, Decimal("73"))

    def test_it_shows_a_public_periods_published_grades_to_everyone_and_keeps_an_internal_one_in_house(self) -> None:
        self.score_all_manual(self.period)
        services.period_submit(period=self.period, by=self.rita)
        services.period_publish(period=self.period, by=self.rita)
        period_url = reverse("ratings:period", args=[self.period.pk])
        self.assertEqual(self.client.get(period_url).status_code, 404)  # internal by default
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        Period.objects.filter(pk=self.period.pk).update(visibility=Period.Visibility.PUBLIC)
        self.client.logout()
        r = self.client.get(period_url)
        self.assertContains(r, self.icbc.name)
        r = self.client.get(self.url)
        self.assertContains(r, "评级结果")
        # The self-assessment and the evidence stay between the institution and its examiners.
        self.assertNotContains(r, "<h2>证明材料</h2>", html=True)


class ScoringPagesTests(RatingsTestCase):
    def test_it_lets_the_examiner_score_submit_and_publish_from_the_pages(self) -> None:
        period = self.open_period()
        self.client.force_login(self.rita)
        self.client.post(reverse("ratings:period_compute", args=[period.pk]))
        evaluation = self.evaluation(period)
        for row in IndicatorScore.objects.filter(evaluation__period=period, indicator__kind=Indicator.Kind.MANUAL):
            r = self.client.post(
                reverse("ratings:evaluation_score", args=[row.evaluation_id]),
                {"row": row.pk, "score": "90", "note": "材料齐全"},
            )
            self.assertEqual(r.status_code, 302)
        self.client.post(reverse("ratings:period_submit", args=[period.pk]))
        r = self.client.post(reverse("ratings:period_publish", args=[period.pk]), follow=True)
        self.assertContains(r, "评级已签发发布")
        evaluation.refresh_from_db()
        self.assertTrue(evaluation.grade)
        r = self.client.get(reverse("ratings:evaluation", args=[evaluation.pk]))
        self.assertContains(r, f'<dd id="grade">{evaluation.grade}</dd>', html=True)
        self.assertContains(r, "radar-chart")

    def test_it_shows_the_examiner_a_score_out_of_range_next_to_the_form(self) -> None:
        period = self.open_period()
        services.period_compute(period=period, by=self.rita)
        row = first_of(self.evaluation(period).scores.filter(indicator__kind=Indicator.Kind.MANUAL))
        self.client.force_login(self.rita)
        r = self.client.post(
            reverse("ratings:evaluation_score", args=[row.evaluation_id]), {"row": row.pk, "score": "120", "note": "x"}
        )
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "提交未成功", status_code=400)

    def test_it_exports_the_ranking_as_xlsx_and_pdf(self) -> None:
        period = self.publish(self.open_period())
        self.client.force_login(self.rita)
        r = self.client.get(reverse("ratings:period_xlsx", args=[period.pk]))
        sheet = worksheet(load_workbook(io.BytesIO(streamed(r))))
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[0][:2], ("名次", "机构"))
        self.assertEqual({rows[1][1], rows[2][1]}, {self.icbc.name, self.other_bank.name})
        r = self.client.get(reverse("ratings:period_pdf", args=[period.pk]))
        self.assertEqual(r["Content-Type"], "application/pdf")
        self.assertIn(b"/BaseFont /STSong-Light", r.content)
        r = self.client.get(reverse("ratings:evaluation_pdf", args=[self.evaluation(period).pk]))
        self.assertEqual(r.status_code, 200)

    def test_it_lets_the_institution_report_its_self_assessment_by_the_page(self) -> None:
        period = self.open_period()
        self.client.force_login(self.ivan)
        r = self.client.post(
            reverse("ratings:evaluation_self_assessment", args=[self.evaluation(period).pk]),
            {"text": "本行设立消保委员会，全年开展宣传活动120场。"},
            follow=True,
        )
        self.assertContains(r, "自评已报送")
        self.assertContains(r, "全年开展宣传活动120场")


class SchemePageTests(RatingsTestCase):
    def test_it_saves_new_weights_as_a_new_version_from_the_scheme_page(self) -> None:
        scheme = Scheme.objects.get(code="seed-2016", is_current=True)
        self.client.force_login(self.rita)
        data = {f"w_{d.code}": str(d.weight) for d in scheme.dimensions.all()}
        data.update({"w_environment": "20", "w_duties": "20", "deduction_cap": "0"})
        r = self.client.post(reverse("ratings:scheme", args=[scheme.pk]), data, follow=True)
        self.assertContains(r, "已生成第 2 版")
        self.assertEqual(
            Scheme.objects.get(code="seed-2016", is_current=True).dimensions.get(code="environment").weight, 20
        )

    def test_it_keeps_the_revision_form_from_institutions(self) -> None:
        scheme = Scheme.objects.get(code="seed-2016", is_current=True)
        self.client.force_login(self.ivan)
        self.assertEqual(self.client.post(reverse("ratings:scheme", args=[scheme.pk]), {}).status_code, 403)


class SurveyTests(RatingsTestCase):
    def setUp(self) -> None:
        self.q = services.questionnaire_create(
            title="2026年银行业服务满意度测评",
            run_by="吉林省银行业协会",
            intro="",
            questions=["网点服务态度", "收费透明"],
            institutions=[self.icbc, self.other_bank],
            by=self.rita,
        )
        services.questionnaire_advance(questionnaire=self.q, by=self.rita)
        self.url = reverse("ratings:survey", args=[self.q.pk])

    def answer(self, client, institution, a: int, b: int):
        q1, q2 = self.q.questions.all()
        return client.post(self.url, {"institution": institution.pk, f"q_{q1.pk}": a, f"q_{q2.pk}": b})

    def test_it_takes_one_anonymous_answer_per_person_without_storing_who(self) -> None:
        self.client.get(self.url)  # the page hands out the signed token
        r = self.answer(self.client, self.icbc, 5, 4)
        self.assertContains(r, "感谢参与")
        r = self.answer(self.client, self.icbc, 1, 1)
        self.assertContains(r, "您已经提交过这份问卷", status_code=400)
        self.assertEqual(Response.objects.count(), 1)
        stored = Response.objects.values()[0]
        self.assertEqual(set(stored), {"id", "questionnaire_id", "institution_id", "token_hash", "comment", "day"})
        token = self.client.cookies["xb_survey"].value
        self.assertNotIn(token.split(":")[0], stored["token_hash"])

    def test_it_refuses_an_answer_without_the_cookie(self) -> None:
        r = self.answer(self.client, self.icbc, 5, 5)
        self.assertContains(r, "Cookie", status_code=400)
        self.assertEqual(Response.objects.count(), 0)

    def test_it_publishes_means_with_confidence_intervals_by_institution_and_class(self) -> None:
        for a, b in [(5, 5), (4, 4), (3, 3)]:
            client = self.client_class()
            client.get(self.url)
            self.answer(client, self.icbc, a, b)
        services.questionnaire_advance(questionnaire=self.q, by=self.rita)
        services.questionnaire_advance(questionnaire=self.q, by=self.rita)
        self.assertEqual(Questionnaire.objects.get(pk=self.q.pk).status, Questionnaire.Status.PUBLISHED)
        r = self.client.get(reverse("ratings:questionnaire", args=[self.q.pk]))
        # Sheets 5, 4, 3: mean 4, s = 1, t(0.975, 2) = 4.303 → 4 ± 2.48
        self.assertContains(r, "1.52 – 6.48")
        self.assertContains(r, self.icbc.type.name)
        r = self.client.get(reverse("ratings:questionnaire_xlsx", args=[self.q.pk]))
        self.assertEqual(r.status_code, 200)

    def test_it_hides_results_until_published(self) -> None:
        self.client.get(self.url)
        self.answer(self.client, self.icbc, 5, 5)
        r = self.client.get(reverse("ratings:questionnaire", args=[self.q.pk]))
        self.assertNotContains(r, "各机构满意度")
        self.assertEqual(self.client.get(reverse("ratings:questionnaire_xlsx", args=[self.q.pk])).status_code, 404)


class PeriodOpenPageTests(RatingsTestCase):
    def test_it_opens_a_period_for_the_institutions_the_regulator_supervises(self) -> None:
        self.client.force_login(self.rita)
        scheme = Scheme.objects.get(code="seed-2016", is_current=True)
        r = self.client.post(
            reverse("ratings:period_new"),
            {
                "scheme": scheme.pk,
                "name": "2025年度评估",
                "start": "2025-01-01",
                "end": "2025-12-31",
                "visibility": "internal",
                "appeal_days": "15",
            },
            follow=True,
        )
        self.assertContains(r, "评估期已开启")
        period = Period.objects.get(name="2025年度评估")
        names = set(period.evaluations.values_list("institution__name", flat=True))
        self.assertIn(self.icbc.name, names)
        self.assertIn(self.other_bank.name, names)
        # Changchun's small-loan companies are the city's, not the provincial banking regulator's.
        self.assertFalse(any("小额贷款" in n for n in names))

    def test_it_refuses_the_page_to_institutions(self) -> None:
        self.client.force_login(self.ivan)
        self.assertEqual(self.client.get(reverse("ratings:period_new")).status_code, 403)


class YearOnYearTests(RatingsTestCase):
    def test_it_compares_each_institution_with_the_previous_published_period(self) -> None:
        last = self.publish(self.open_period(name="2024年度", start=date(2024, 1, 1), end=date(2024, 12, 31)), "50")
        this = self.publish(self.open_period(), "90")
        before = present(self.evaluation(last).total)
        now = present(self.evaluation(this).total)
        self.assertGreater(now, before)
        self.client.force_login(self.rita)
        r = self.client.get(reverse("ratings:period", args=[this.pk]))
        self.assertContains(r, "上期（2024年度）")
        self.assertContains(r, f"+{now - before}")
        r = self.client.get(reverse("ratings:evaluation", args=[self.evaluation(this).pk]))
        self.assertContains(r, f"上升 {now - before} 分")
        r = self.client.get(reverse("ratings:period_xlsx", args=[this.pk]))
        rows = list(worksheet(load_workbook(io.BytesIO(streamed(r)))).iter_rows(values_only=True))
        self.assertEqual(rows[0][-2:], ("上期总分", "比上期"))
        icbc_row = next(row for row in rows if row[1] == self.icbc.name)
        self.assertEqual(Decimal(str(icbc_row[-1])), now - before)
