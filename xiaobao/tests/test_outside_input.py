"""What an attacker types into the platform answers 400 naming what is wrong, never a server error."""

import json

from django.urls import reverse

from xiaobao.complaints.models import Complaint
from xiaobao.registry.models import Label
from xiaobao.testing import BaseTestCase

FORTY_DIGITS = "9" * 40


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


class JsonBodyTests(BaseTestCase):
    def test_it_refuses_json_nested_deeper_than_python_can_parse_on_anonymous_endpoints(self) -> None:
        for url in ("/api/v1/tipoffs/", "/api/v1/tipoffs/lookup/", "/api/v1/auth/token"):
            for body in (nested(5000), '{"a":' * 5000 + "1" + "}" * 5000):
                response = self.client.post(url, body, content_type="application/json")
                self.assertEqual(response.status_code, 400, url)
                self.assertEqual(set(response.json()), {"detail", "errors"}, url)

    def test_it_refuses_json_nested_deeper_than_any_request_needs_for_a_signed_in_caller(self) -> None:
        self.client.force_login(self.carla)
        response = self.client.post(
            "/api/v1/complaints/", json.dumps({"summary": json.loads(nested(100))}), content_type="application/json"
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("嵌套", response.json()["detail"])

    def test_it_refuses_numbers_beyond_range_instead_of_failing(self) -> None:
        self.client.force_login(self.carla)
        for number in ("1e400", "-1e400", "1" * 5000, FORTY_DIGITS):
            body = '{"institution": "x", "amount": ' + number + ', "rights": [' + number + "]}"
            response = self.client.post("/api/v1/complaints/", body, content_type="application/json")
            self.assertEqual(response.status_code, 400, number[:10])
            self.assertEqual(set(response.json()), {"detail", "errors"})


class HugeIdTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.use_fresh_pages()

    def test_it_names_the_multiple_choice_field_that_got_a_forty_digit_number(self) -> None:
        demand = Label.objects.filter(kind=Label.Kind.DEMAND).first()
        assert demand is not None
        data = {
            "institution": self.icbc_changchun.pk,
            "business": self.credit_card.pk,
            "summary": "信用卡年费未经同意被扣收",
            "narrative": "办卡时工作人员承诺免年费，本月账单却扣收年费600元，多次致电客服未获解决。",
            "complainant_name": "张丽",
            "phone": "138 1234 5678",
            "id_number": "220102199003071235",
            "demands": [demand.pk],
            "rights": [FORTY_DIGITS],
        }

        response = self.client.post(reverse("complaints:new"), data)

        self.assertEqual(response.status_code, 200)
        self.assertIn("rights", response.context["form"].errors)
        self.assertFalse(Complaint.objects.exists())
        data["rights"] = []
        data["institution"] = FORTY_DIGITS
        response = self.client.post(reverse("complaints:new"), data)
        self.assertIn("institution", response.context["form"].errors)

    def test_it_filters_the_work_queue_by_a_forty_digit_id_without_failing(self) -> None:
        self.client.force_login(self.rita)
        response = self.client.get("/work/", {"institution": FORTY_DIGITS, "business": [FORTY_DIGITS, "1"]})
        self.assertLess(response.status_code, 500)
