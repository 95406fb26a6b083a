"""The public products API and the suitability check API, as other systems call them."""

import csv
import io
from datetime import timedelta
from typing import Any

from openpyxl import load_workbook

from xiaobao.accounts.models import User
from xiaobao.core.time import today
from xiaobao.products.models import Product, SuitabilityCheck
from xiaobao.products.services import product_update
from xiaobao.products.tests.base import ProductTestCase
from xiaobao.testing import bearer, streamed, worksheet

PUBLIC = "/api/v1/public/products/"
CHECK = "/api/v1/suitability/check"


class PublicProductsApiTests(ProductTestCase):
    def test_it_lists_products_on_sale_with_their_key_facts(self) -> None:
        r = self.client.get(PUBLIC)
        self.assertEqual(r.status_code, 200)
        body = r.json()
        self.assertEqual(body["count"], 3)
        row = next(p for p in body["results"] if p["code"] == "FD-007")
        self.assertEqual(row["risk_grade"], "R4")
        self.assertEqual(row["status"], "on_sale")
        self.assertEqual(row["institution"], self.icbc.name)
        self.assertEqual(row["type"]["code"], "B06-02")
        self.assertEqual(row["issuer"], "易方达基金管理有限公司")

    def test_it_hides_products_no_longer_on_sale(self) -> None:
        product_update(product=self.fund, by=self.ivan, status=Product.Status.STOPPED)
        codes = [p["code"] for p in self.client.get(PUBLIC).json()["results"]]
        self.assertNotIn("FD-007", codes)

    def test_it_filters_by_institution_type_grade_status_and_term(self) -> None:
        def codes(query: str) -> list[tuple[str, str]]:
            return [(p["institution"], p["code"]) for p in self.client.get(PUBLIC + query).json()["results"]]

        self.assertEqual(len(codes(f"?institution={self.icbc.name}")), 2)
        self.assertEqual(len(codes(f"?institution={self.other_bank.uscc}")), 1)
        self.assertEqual(codes("?type=B06"), [(self.icbc.name, "FD-007")])
        self.assertEqual(len(codes("?type=B05")), 2)
        self.assertEqual(codes("?risk_grade=R4"), [(self.icbc.name, "FD-007")])
        self.assertEqual(len(codes("?risk_grade=R2&risk_grade=R4")), 3)
        self.assertEqual(len(codes("?status=on_sale")), 3)
        self.assertEqual(codes("?status=stopped"), [])
        self.assertEqual(codes("?search_term=蓝筹"), [(self.icbc.name, "FD-007")])

    def test_it_pages_as_the_public_complaints_api_does(self) -> None:
        body = self.client.get(PUBLIC + "?size=2&page=2").json()
        self.assertEqual((body["count"], body["page"], body["size"], len(body["results"])), (3, 2, 2, 1))
        r = self.client.get(PUBLIC + "?size=101")
        self.assertEqual(r.status_code, 400)
        self.assertIn("size", r.json()["errors"])
        self.assertEqual(self.client.get(PUBLIC + "?risk_grade=R9").status_code, 400)

    def test_it_exports_csv_and_xlsx(self) -> None:
        r = self.client.get(PUBLIC + "?format=csv&risk_grade=R4")
        self.assertEqual(r.status_code, 200)
        rows = list(csv.reader(io.StringIO(streamed(r).decode("utf-8-sig"))))
        self.assertEqual(rows[0][:3], ["产品代码", "登记编码", "产品名称"])
        self.assertEqual([row[0] for row in rows[1:]], ["FD-007"])
        r = self.client.get(PUBLIC + "?format=xlsx")
        self.assertEqual(r.status_code, 200)
        sheet = worksheet(load_workbook(io.BytesIO(streamed(r))))
        self.assertEqual(sheet.max_row, 4)


class SuitabilityCheckApiTests(ProductTestCase):
    def body(self, **overrides: object) -> dict[str, object]:
        data: dict[str, object] = {
            "product": "FD-007",
            "customer_level": "C3",
            "assessed_on": (today() - timedelta(days=30)).isoformat(),
            "customer_age": 67,
            "channel": "counter",
            "recording_ref": "",
        }
        data.update(overrides)
        return data

    def post(self, data: dict[str, object], user: User | None = None) -> Any:
        return self.client.post(CHECK, data, content_type="application/json", headers=bearer(user or self.ivan))

    def test_it_refuses_an_unsuitable_sale_with_its_reasons_and_records_it(self) -> None:
        r = self.post(self.body())
        self.assertEqual(r.status_code, 200)
        answer = r.json()
        self.assertFalse(answer["allowed"])
        codes = [reason["code"] for reason in answer["reasons"]]
        self.assertEqual(codes, ["grade_above_level", "recording_required", "extra_warning"])
        self.assertTrue(all(reason["message"] for reason in answer["reasons"]))
        row = SuitabilityCheck.objects.get(check_id=answer["check_id"])
        self.assertEqual((row.by, row.product, row.allowed, row.customer_age), (self.ivan, self.fund, False, 67))

    def test_it_allows_a_suitable_sale(self) -> None:
        answer = self.post(self.body(product="WM-001", customer_age=40)).json()
        self.assertEqual((answer["allowed"], answer["reasons"]), (True, []))
        self.assertEqual(answer["risk_grade"], "R2")

    def test_it_answers_404_for_an_unknown_product_or_another_institutions(self) -> None:
        self.assertEqual(self.post(self.body(product="NOPE")).status_code, 404)
        # Bob's bank also has a WM-001; Ivan's system reaches only ICBC's, and Bob's never reaches FD-007.
        self.assertEqual(self.post(self.body(product="FD-007"), user=self.bob).status_code, 404)
        answer = self.post(self.body(product="WM-001", customer_age=40), user=self.bob).json()
        self.assertEqual(SuitabilityCheck.objects.get(check_id=answer["check_id"]).product, self.bobs)
        self.assertEqual(SuitabilityCheck.objects.count(), 1)

    def test_it_names_the_malformed_field_in_chinese_and_english(self) -> None:
        r = self.post(self.body(customer_level="C9"))
        self.assertEqual(r.status_code, 400)
        self.assertIn("customer_level", r.json()["errors"])
        self.assertIn("不是合法选项", r.json()["errors"]["customer_level"][0])
        english = self.client.post(
            CHECK,
            self.body(assessed_on="yesterday"),
            content_type="application/json",
            headers={**bearer(self.ivan), "Accept-Language": "en"},
        )
        self.assertEqual(english.status_code, 400)
        self.assertIn("assessed_on", english.json()["errors"])
        self.assertIn("Date has wrong format", english.json()["errors"]["assessed_on"][0])
        future = self.post(self.body(assessed_on=(today() + timedelta(days=1)).isoformat()))
        self.assertEqual(future.status_code, 400)
        self.assertIn("assessed_on", future.json()["errors"])
        self.assertEqual(SuitabilityCheck.objects.count(), 0)

    def test_it_answers_401_without_a_token_and_403_to_a_regulator(self) -> None:
        r = self.client.post(CHECK, self.body(), content_type="application/json")
        self.assertEqual(r.status_code, 401)
        self.assertEqual(self.post(self.body(), user=self.rita).status_code, 403)

    def test_it_refuses_an_expired_assessment(self) -> None:
        old = (today() - timedelta(days=400)).isoformat()
        answer = self.post(self.body(product="WM-001", customer_age=40, assessed_on=old)).json()
        self.assertFalse(answer["allowed"])
        self.assertEqual([r["code"] for r in answer["reasons"]], ["assessment_expired"])

    def test_it_refuses_bank_wealth_management_above_the_level_even_when_the_customer_insists(self) -> None:
        answer = self.post(
            self.body(product="WM-001", customer_level="C1", customer_age=40, customer_insists=True)
        ).json()
        self.assertEqual([r["code"] for r in answer["reasons"]], ["lowest_level_r1_only"])
        self.wealth.__class__.objects.filter(pk=self.wealth.pk).update(risk_grade=3)
        answer = self.post(
            self.body(product="WM-001", customer_level="C2", customer_age=40, customer_insists=True)
        ).json()
        self.assertEqual([r["code"] for r in answer["reasons"]], ["no_upward_exception"])
