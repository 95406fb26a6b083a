"""The public API against its OpenAPI document: requests schemathesis generates from it, over a
database with published complaints, never meet a server error and always get a documented answer."""

from typing import Any

import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings

from config.wsgi import application
from xiaobao.complaints.services import complaint_accept
from xiaobao.complaints.tests.test_api_schema import CHECKS, SCHEMA_URL
from xiaobao.disclosure.services import public_rebuild
from xiaobao.testing import BaseTestCase

PUBLIC_PATHS = (
    "/api/v1/public/complaints/",
    "/api/v1/public/complaints/trends/",
    "/api/v1/public/complaints/{complaint_id}/",
    "/api/v1/public/institutions/",
)
EXAMPLES_PER_OPERATION = 40


class PublicApiSchemaTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        for signal in (request_started, request_finished):
            signal.disconnect(close_old_connections)
            self.addCleanup(signal.connect, close_old_connections)
        self.schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, application)
        complaint, _code = self.file_complaint(
            by=self.carla, consent_publish=True, narrative="信用卡年费被扣收600元，客户经理王建国说可以退。"
        )
        self.number = complaint_accept(complaint=complaint, by=self.rita).number
        public_rebuild()

    def test_it_never_fails_on_generated_public_requests(self) -> None:
        for path in PUBLIC_PATHS:
            operation = self.schema[path]["GET"]
            with self.subTest(path=path):
                self.run_generated(operation)

    def run_generated(self, operation: Any) -> None:
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case: Any) -> None:
            if "{complaint_id}" in operation.path and case.path_parameters.get("complaint_id", "").startswith("0"):
                case.path_parameters = {"complaint_id": self.number}
            response = case.call()
            case.validate_response(response, checks=CHECKS)

        check()

    def test_it_answers_a_real_search_as_documented(self) -> None:
        operation = self.schema["/api/v1/public/complaints/"]["GET"]
        case = operation.Case(query={"search_term": "年费", "size": 5})
        response = case.call()
        case.validate_response(response, checks=CHECKS)
        self.assertEqual(response.json()["count"], 1)
        for fmt in ("csv", "xlsx", "json"):
            case = operation.Case(query={"format": fmt})
            response = case.call()
            self.assertEqual(response.status_code, 200, fmt)
            case.validate_response(response, checks=CHECKS)
