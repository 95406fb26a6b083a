"""The disputes API as other departments' systems read it."""

from decimal import Decimal

from django.urls import reverse

from xiaobao.disputes.tests.base import DisputeTestCase


class DisputeApiTests(DisputeTestCase):
    def test_it_lists_and_shows_only_the_callers_disputes(self) -> None:
        dispute = self.mediating_dispute()
        self.client.force_login(self.mei)
        listed = self.client.get(reverse("api:dispute-list")).json()
        self.assertEqual([row["number"] for row in listed["results"]], [dispute.number])
        detail = self.client.get(reverse("api:dispute-detail", args=[dispute.number])).json()
        self.assertEqual(detail["status"], "mediating")
        self.assertEqual(detail["body"], "吉林省银行业保险业纠纷调解中心")
        self.assertEqual(detail["claim_amount"], "600.00")
        self.assertEqual([d["kind"] for d in detail["deadlines"]], ["answer", "mediation"])
        self.client.force_login(self.max)
        self.assertEqual(self.client.get(reverse("api:dispute-list")).json()["count"], 0)
        self.assertEqual(self.client.get(reverse("api:dispute-detail", args=[dispute.number])).status_code, 404)
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(reverse("api:dispute-detail", args=[dispute.number])).status_code, 404)

    def test_it_publishes_the_mediation_bodies_without_credentials(self) -> None:
        rows = self.client.get(reverse("api:mediation-body-list"), {"page": 1}).json()["results"]
        centre = next(row for row in rows if row["code"] == "jl-bank-insurance")
        self.assertEqual(centre["sectors"], ["banking", "insurance"])
        self.assertEqual(centre["region"], "220000")

    def test_it_gives_the_statistics_to_regulators_only(self) -> None:
        self.mediating_dispute(amount=Decimal("600"))
        self.client.force_login(self.ivan)
        self.assertEqual(self.client.get(reverse("api:dispute-stats")).status_code, 403)
        self.client.force_login(self.rita)
        rows = self.client.get(reverse("api:dispute-stats"), {"by": "type"}).json()
        self.assertEqual(rows[0]["applications"], 1)
        self.assertEqual(rows[0]["acceptance_rate"], 1.0)
        bad = self.client.get(reverse("api:dispute-stats"), {"start": "2026-12-01", "end": "2026-01-01"})
        self.assertEqual(bad.status_code, 400)
