"""The shelf, the counter and the grading pages as staff use them, and the public key-facts pages."""

from datetime import timedelta

from xiaobao.audit.models import Record
from xiaobao.core.time import today
from xiaobao.products.models import Assessment, GradeChange, Product, Regrading, SuitabilityCheck
from xiaobao.products.rules import current_questionnaire
from xiaobao.products.services import product_update, regrading_raise
from xiaobao.products.tests.base import ProductTestCase
from xiaobao.registry.models import Category


class ShelfPageTests(ProductTestCase):
    def test_it_lets_the_bank_add_a_product_and_keeps_who_did(self) -> None:
        self.client.force_login(self.ivan)
        r = self.client.post(
            "/products/new/",
            {
                "code": "WM-NEW",
                "name": "工银理财·新品180天",
                "business": Category.objects.get(code="B05-01").pk,
                "risk_grade": "3",
                "complexity": "simple",
                "yield_basis": "benchmark",
                "risk_disclosure": "理财非存款，产品有风险。",
                "status": "on_sale",
                "on_sale_from": "2026-12-01",
            },
        )
        product = Product.objects.get(code="WM-NEW")
        self.assertRedirects(r, f"/products/{product.pk}/")
        self.assertEqual((product.institution, product.risk_grade), (self.icbc, 3))
        self.assertEqual(GradeChange.objects.get(product=product).to_grade, 3)
        page = self.client.get(f"/products/{product.pk}/").content.decode()
        self.assertIn("工银理财·新品180天", page)
        self.assertIn("ivan", page)

    def test_it_never_offers_the_grade_on_the_edit_page(self) -> None:
        self.client.force_login(self.ivan)
        page = self.client.get(f"/products/{self.fund.pk}/edit/").content.decode()
        self.assertNotIn('name="risk_grade"', page)

    def test_it_answers_404_for_another_institutions_product(self) -> None:
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(f"/products/{self.fund.pk}/").status_code, 404)
        self.assertEqual(self.client.get(f"/products/{self.fund.pk}/edit/").status_code, 404)

    def test_it_refuses_the_shelf_to_consumers(self) -> None:
        self.client.force_login(self.carla)
        self.assertEqual(self.client.get("/products/").status_code, 403)


class CounterPageTests(ProductTestCase):
    def answers(self, pick: int) -> dict[str, str]:
        questionnaire = current_questionnaire()
        assert questionnaire is not None
        return {f"q{q.pk}": str(list(q.options.all())[pick].pk) for q in questionnaire.questions.all()}

    def test_it_records_an_assessment_at_the_counter(self) -> None:
        self.client.force_login(self.ivan)
        r = self.client.post(
            "/products/assess/", {"customer_name": "王秀兰", "customer_ref": "88001", **self.answers(2)}
        )
        assessment = Assessment.objects.get()
        self.assertRedirects(r, f"/products/assessments/{assessment.pk}/")
        self.assertEqual((assessment.level, assessment.score, assessment.channel), (3, 18, "counter"))
        self.assertEqual(assessment.expires_on, today().replace(year=today().year + 1))
        page = self.client.get(r["Location"]).content.decode()
        self.assertIn("C3", page)
        self.assertTrue(Record.objects.filter(kind=Record.Kind.PERSONAL_DATA, object_id=str(assessment.pk)).exists())
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(r["Location"]).status_code, 404)

    def test_it_lets_a_consumer_assess_herself_online_and_names_a_missing_answer(self) -> None:
        self.client.force_login(self.carla)
        answers = self.answers(0)
        answers.popitem()
        r = self.client.post("/products/assess/", answers)
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "错误")
        self.client.post("/products/assess/", self.answers(0))
        self.assertEqual(Assessment.objects.get().level, 1)

    def test_it_refuses_an_unsuitable_sale_with_its_reason(self) -> None:
        self.client.force_login(self.ivan)
        r = self.client.post(
            "/products/check/",
            {
                "product": self.fund.pk,
                "customer_level": "3",
                "assessed_on": (today() - timedelta(days=10)).isoformat(),
                "customer_age": "45",
                "recording_ref": "SL-1",
            },
        )
        self.assertContains(r, "不得销售")
        self.assertContains(r, "产品风险等级高于客户风险承受能力等级")
        self.assertFalse(SuitabilityCheck.objects.get().allowed)


class GradingPageTests(ProductTestCase):
    def test_it_changes_the_grade_only_when_the_regulator_confirms(self) -> None:
        proposal = regrading_raise(
            product=self.wealth, to_grade=3, reasons=[{"code": "complaints", "message": "近90天投诉 12 件"}]
        )
        assert proposal is not None
        self.client.force_login(self.ivan)
        self.client.post(f"/products/regradings/{proposal.pk}/", {"answer": "已暂停该产品的网点销售并复核。"})
        proposal.refresh_from_db()
        self.assertEqual(proposal.status, Regrading.Status.ANSWERED)
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(f"/products/regradings/{proposal.pk}/").status_code, 404)
        self.client.force_login(self.rita)
        self.client.post(
            f"/products/regradings/{proposal.pk}/",
            {"decision": "confirm", "note": "投诉集中于收益说明", "public_warning": "该产品风险等级已上调为 R3。"},
        )
        self.wealth.refresh_from_db()
        self.assertEqual(self.wealth.risk_grade, 3)
        page = self.client.get(f"/products/public/{self.wealth.pk}/").content.decode()
        self.assertIn("该产品风险等级已上调为 R3", page)
        self.assertIn("监管部门确认重新评级", page)

    def test_it_keeps_the_grade_when_the_regulator_rejects(self) -> None:
        proposal = regrading_raise(product=self.fund, to_grade=5, reasons=[])
        assert proposal is not None
        self.client.force_login(self.rita)
        self.client.post(f"/products/regradings/{proposal.pk}/", {"decision": "reject"})
        self.fund.refresh_from_db()
        self.assertEqual(self.fund.risk_grade, 4)
        self.assertIsNone(regrading_raise(product=self.fund, to_grade=4, reasons=[]))


class PublicPageTests(ProductTestCase):
    def test_it_shows_the_public_products_on_sale_and_compares_them(self) -> None:
        product_update(product=self.bobs, by=self.bob, status=Product.Status.STOPPED)
        page = self.client.get("/products/public/?risk_grade=R4").content.decode()
        self.assertIn("易方达蓝筹精选混合", page)
        self.assertNotIn("工银理财", page)
        self.assertEqual(self.client.get(f"/products/public/{self.bobs.pk}/").status_code, 404)
        compare = self.client.get(f"/products/public/compare/?id={self.fund.pk}&id={self.wealth.pk}&id={self.bobs.pk}")
        self.assertContains(compare, "易方达蓝筹精选混合")
        self.assertContains(compare, "工银理财·鑫稳利90天")
        self.assertNotContains(compare, "吉林银行如意理财")
