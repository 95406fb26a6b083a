"""Signals from complaints and refused checks raise a re-grading with its reasons, once."""

import io
from datetime import timedelta

from django.core.management import call_command

from xiaobao.complaints.models import Complaint
from xiaobao.core.time import now, today
from xiaobao.grading.services import grading_scan
from xiaobao.products.models import Regrading, SuitabilityRules
from xiaobao.products.services import suitability_check
from xiaobao.products.tests.base import ProductTestCase
from xiaobao.registry.models import Category
from xiaobao.testing import bearer


class GradingScanTests(ProductTestCase):
    def test_it_proposes_a_grade_up_when_mis_selling_complaints_gather(self) -> None:
        misleading = Category.objects.get(code="C04")
        for i in range(3):
            self.file_complaint(
                by=self.carla,
                product=self.wealth,
                cause=misleading,
                narrative=f"客户经理说保本保收益，到期亏损，第{i}次反映。",
                received_at=now() - timedelta(days=3 + i),
            )
        raised = grading_scan(on=today())
        self.assertEqual([(r.product, r.from_grade, r.to_grade) for r in raised], [(self.wealth, 2, 3)])
        self.assertEqual([reason["code"] for reason in raised[0].reasons], ["mis_selling"])
        self.assertIn("3 件", raised[0].reasons[0]["message"])
        self.assertEqual(grading_scan(on=today()), [])  # one proposal in progress per product
        self.wealth.refresh_from_db()
        self.assertEqual(self.wealth.risk_grade, 2)  # only the regulator's confirmation changes it

    def test_it_proposes_a_grade_up_when_checks_are_refused_often(self) -> None:
        SuitabilityRules.objects.update(signal_refused_checks=2)
        for _ in range(2):
            suitability_check(by=self.ivan, product=self.fund, customer_level=2, assessed_on=today())
        out = io.StringIO()
        call_command("scan_product_signals", stdout=out)
        self.assertIn("1 re-grading proposal(s) raised", out.getvalue())
        proposal = Regrading.objects.get(product=self.fund)
        self.assertEqual((proposal.to_grade, proposal.reasons[0]["code"]), (5, "refused_checks"))

    def test_it_shows_the_figures_to_the_regulator(self) -> None:
        self.file_complaint(by=self.carla, product=self.fund, received_at=now() - timedelta(days=1))
        self.client.force_login(self.rita)
        r = self.client.get("/products/signals/")
        self.assertContains(r, "易方达蓝筹精选混合")
        self.client.force_login(self.carla)
        self.assertEqual(self.client.get("/products/signals/").status_code, 403)

    def test_it_refuses_a_complaint_naming_another_institutions_product(self) -> None:
        from django.core.exceptions import ValidationError

        with self.assertRaises(ValidationError):
            self.file_complaint(by=self.carla, institution=self.icbc, product=self.bobs)


class ComplaintProductApiTests(ProductTestCase):
    def body(self, **overrides: object) -> dict[str, object]:
        data: dict[str, object] = {
            "institution": self.icbc.uscc,
            "business": "B05-01",
            "summary": "理财销售误导",
            "narrative": "客户经理说这款理财保本，到期亏损。",
            "complainant_name": "张丽",
            "phone": "13812345678",
            "product": "WM-001",
        }
        data.update(overrides)
        return data

    def test_it_names_the_product_of_a_complaint_filed_through_the_api(self) -> None:
        r = self.client.post(
            "/api/v1/complaints/", self.body(), content_type="application/json", headers=bearer(self.carla)
        )
        self.assertEqual(r.status_code, 201)
        self.assertEqual(Complaint.objects.get(number=r.json()["number"]).product, self.wealth)

    def test_it_names_the_field_when_the_institution_has_no_such_product(self) -> None:
        r = self.client.post(
            "/api/v1/complaints/",
            self.body(product="FD-999"),
            content_type="application/json",
            headers=bearer(self.carla),
        )
        self.assertEqual(r.status_code, 400)
        self.assertIn("product", r.json()["errors"])
