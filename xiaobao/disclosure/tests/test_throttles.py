"""Anonymous reads and exports of the public database are limited per address, at the policy's rates."""

import json
from typing import cast

from django.core.cache import cache
from django.test import override_settings

from xiaobao.accounts.models import POLICY_FROM, SecurityPolicy
from xiaobao.complaints.services import complaint_accept
from xiaobao.disclosure.models import DisclosureSettings
from xiaobao.disclosure.services import public_rebuild
from xiaobao.testing import BaseTestCase, streamed

URL = "/api/v1/public/complaints/"


@override_settings(RATELIMIT_ENABLE=True)
class PublicThrottleTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for i in range(3):
            complaint, _code = cls.file_complaint(
                cast(BaseTestCase, cls),  # no instance yet: file_complaint reads only the class's fixtures
                by=cls.carla,
                narrative=f"信用卡年费被扣收{600 + i}元。",
                consent_publish=True,
            )
            complaint_accept(complaint=complaint, by=cls.rita)
        public_rebuild()
        SecurityPolicy.objects.create(
            valid_from=POLICY_FROM, anonymous_reads_per_minute=5, anonymous_exports_per_hour=2
        )

    def setUp(self) -> None:
        super().setUp()
        cache.clear()

    def test_it_answers_429_with_retry_after_once_an_address_reads_too_often(self) -> None:
        for _ in range(5):
            self.assertEqual(self.client.get(f"{URL}trends/").status_code, 200)

        refused = self.client.get(URL, {"no_aggs": "true"})

        self.assertEqual(refused.status_code, 429)
        self.assertGreater(int(refused["Retry-After"]), 0)
        self.assertEqual(set(refused.json()), {"detail", "errors"})
        # Another address is not held back by the first one's reads.
        self.assertEqual(self.client.get(f"{URL}trends/", REMOTE_ADDR="10.0.0.9").status_code, 200)

    def test_it_reads_the_rate_from_the_security_policy_in_force(self) -> None:
        SecurityPolicy.objects.update(anonymous_reads_per_minute=2)
        for _ in range(2):
            self.assertEqual(self.client.get(f"{URL}trends/").status_code, 200)
        self.assertEqual(self.client.get(f"{URL}trends/").status_code, 429)

    def test_it_limits_anonymous_exports_per_hour(self) -> None:
        SecurityPolicy.objects.update(anonymous_reads_per_minute=100)
        for _ in range(2):
            self.assertEqual(self.client.get(URL, {"format": "csv"}).status_code, 200)

        refused = self.client.get(URL, {"format": "json"})

        self.assertEqual(refused.status_code, 429)
        self.assertIn("Retry-After", refused)
        # Searching is still allowed: only the exports ran out.
        self.assertEqual(self.client.get(URL, {"no_aggs": "true"}).status_code, 200)

    def test_it_does_not_count_signed_in_staff(self) -> None:
        self.client.force_login(self.rita)
        for _ in range(8):
            self.assertEqual(self.client.get(f"{URL}trends/").status_code, 200)
        for _ in range(3):
            self.assertEqual(self.client.get(URL, {"format": "csv"}).status_code, 200)


class AnonymousExportCapTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for i in range(3):
            complaint, _code = cls.file_complaint(
                cast(BaseTestCase, cls),  # no instance yet: file_complaint reads only the class's fixtures
                by=cls.carla,
                narrative=f"信用卡年费被扣收{600 + i}元。",
                consent_publish=True,
            )
            complaint_accept(complaint=complaint, by=cls.rita)
        public_rebuild()

    def test_it_gives_an_anonymous_export_fewer_rows_than_a_signed_in_one(self) -> None:
        DisclosureSettings.objects.update(export_max_rows=3, anonymous_export_max_rows=1)

        anonymous = json.loads(streamed(self.client.get(URL, {"format": "json"})))
        self.client.force_login(self.rita)
        signed_in = json.loads(streamed(self.client.get(URL, {"format": "json"})))

        self.assertEqual(len(anonymous), 1)
        self.assertEqual(len(signed_in), 3)

    def test_it_tells_an_anonymous_visitor_the_smaller_cap_on_the_search_page(self) -> None:
        DisclosureSettings.objects.update(export_max_rows=50_000, anonymous_export_max_rows=2_000)
        page = self.client.get("/public/")
        self.assertContains(page, "2000")
        self.assertNotContains(page, "50000")
