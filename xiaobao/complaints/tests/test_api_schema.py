"""The OpenAPI document other departments build their clients from: valid, and true to what the API
really answers, for hand-picked requests and for requests schemathesis generates from it."""

import json
from pathlib import Path
from typing import Any

import jsonschema
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from xiaobao.accounts.models import User
from xiaobao.complaints.models import Complaint
from xiaobao.complaints.services import complaint_accept
from xiaobao.testing import BaseTestCase, bearer

SCHEMA_URL = "/api/v1/schema/?format=json"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Enough generated requests per operation to reach its error paths, few enough to run in seconds.
EXAMPLES_PER_OPERATION = 12


def validate_openapi(document: dict) -> None:
    """openapi-spec-validator when it is installed; otherwise the OpenAPI 3.0 JSON Schema that
    drf-spectacular ships, plus the rule that JSON Schema cannot state: operation ids are unique."""
    try:
        from openapi_spec_validator import validate
    except ImportError:
        import drf_spectacular

        meta = Path(drf_spectacular.__file__).parent / "validation" / "openapi_3_0_schema.json"
        jsonschema.validate(document, json.loads(meta.read_text()))
        ids = [op["operationId"] for item in document["paths"].values() for op in item.values() if "operationId" in op]
        assert len(ids) == len(set(ids)), "operationId values must be unique"
    else:
        validate(document)


class ApiSchemaTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        # Requests go to the WSGI application itself, not through Django's test client, so do what the
        # test client does: keep the request signals from closing the test's connection mid-transaction.
        for signal in (request_started, request_finished):
            signal.disconnect(close_old_connections)
            self.addCleanup(signal.connect, close_old_connections)
        self.schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, application)

    def auth(self, user: User) -> dict[str, str]:
        return bearer(user)

    def call(self, path: str, method: str, user: User | None, **case: Any) -> Any:
        """One real request, checked against what the document promises for it."""
        operation = self.schema[path][method]
        headers = {**(self.auth(user) if user else {}), **case.pop("headers", {})}
        made = operation.Case(headers=headers, **case)
        response = made.call()
        made.validate_response(response, checks=CHECKS)
        return response

    def test_it_serves_a_valid_openapi_document(self) -> None:
        r = self.client.get(SCHEMA_URL)
        self.assertEqual(r.status_code, 200)
        document = json.loads(r.content)
        validate_openapi(document)
        self.assertEqual(document["components"]["securitySchemes"]["tokenAuth"], {"type": "http", "scheme": "bearer"})
        create = document["paths"]["/api/v1/complaints/"]["post"]
        self.assertIn("Idempotency-Key", [p["name"] for p in create["parameters"]])
        self.assertEqual(set(create["responses"]), {"200", "201", "400", "401", "403"})

    def test_it_answers_real_requests_as_the_document_says(self) -> None:
        token = self.call(
            "/api/v1/auth/token",
            "POST",
            None,
            body={"username": "carla", "password": "wrong"},
            media_type="application/json",
        )
        self.assertEqual(token.status_code, 400)

        body = {
            "institution": self.icbc_changchun.uscc,
            "business": self.credit_card.code,
            "summary": "信用卡年费未经同意被扣收",
            "narrative": "办卡时承诺免年费，本月账单却扣收年费600元。",
            "complainant_name": "张丽",
            "phone": "13812345678",
            "demands": ["refund"],
            "amount": "600.00",
        }
        created = self.call(
            "/api/v1/complaints/",
            "POST",
            self.carla,
            body=body,
            media_type="application/json",
            headers={"Idempotency-Key": "schema-1"},
        )
        self.assertEqual(created.status_code, 201)
        number = created.json()["number"]
        invalid = self.call(
            "/api/v1/complaints/", "POST", self.carla, body={**body, "phone": "1"}, media_type="application/json"
        )
        self.assertEqual(invalid.status_code, 400)

        complaint = complaint_accept(complaint=Complaint.objects.get(number=number), by=self.rita)
        path = {"number": complaint.number}
        self.assertEqual(
            self.call("/api/v1/complaints/", "GET", self.ivan, query={"overdue": "false"}).status_code, 200
        )
        self.assertEqual(
            self.call(
                "/api/v1/complaints/{number}/", "GET", self.rita, path_parameters=path, query={"reveal": "personal"}
            ).status_code,
            200,
        )
        self.assertEqual(
            self.call("/api/v1/complaints/{number}/", "GET", self.oscar, path_parameters=path).status_code, 404
        )
        answer = {
            "outcome": "upheld",
            "decision": "经核实，办卡时确有免年费承诺，年费已全额退还。",
            "remedy_amount": "600.00",
        }
        answered = self.call(
            "/api/v1/complaints/{number}/answer",
            "POST",
            self.ivan,
            path_parameters=path,
            body=answer,
            media_type="application/json",
        )
        self.assertEqual(answered.status_code, 200)
        again = self.call(
            "/api/v1/complaints/{number}/answer",
            "POST",
            self.ivan,
            path_parameters=path,
            body=answer,
            media_type="application/json",
        )
        self.assertEqual(again.status_code, 400)
        forbidden = self.call(
            "/api/v1/complaints/{number}/accept",
            "POST",
            self.carla,
            path_parameters=path,
            body={},
            media_type="application/json",
        )
        self.assertEqual(forbidden.status_code, 403)
        message = self.call(
            "/api/v1/complaints/{number}/messages",
            "POST",
            self.carla,
            path_parameters=path,
            body={"thread": "consumer", "body": "谢谢"},
            media_type="application/json",
        )
        self.assertEqual(message.status_code, 201)
        listed = self.call("/api/v1/complaints/{number}/messages", "GET", self.ivan, path_parameters=path)
        self.assertEqual(len(listed.json()), 1)

    def test_it_never_fails_on_generated_requests(self) -> None:
        """Every operation, with requests generated from the document and a regulator's token: no server
        error, and every answer has a documented status, content type and shape."""
        complaint, _code = self.file_complaint(by=self.carla)
        headers = self.auth(self.rita)
        operations = []
        for result in self.schema.get_all_operations():
            assert isinstance(result, Ok), result.err()
            operations.append(result.ok())
        self.assertGreaterEqual(len(operations), 16)
        for operation in operations:
            with self.subTest(operation=operation.label):
                self.run_generated(operation, headers, complaint.number)

    @override_settings(DEBUG=False)
    def test_it_never_fails_on_generated_requests_from_anyone(self) -> None:
        """The same without signing in, as an outside probe starts: the public operations answer, the
        others refuse, none fails."""
        complaint, _code = self.file_complaint(by=self.carla)
        for result in self.schema.get_all_operations():
            assert isinstance(result, Ok), result.err()
            operation = result.ok()
            with self.subTest(operation=operation.label):
                self.run_generated(operation, {}, complaint.number)

    def run_generated(self, operation: Any, headers: dict[str, str], number: str) -> None:
        # Half the generated paths name a real complaint, so the state checks run, not only the 404s.
        path = {"number": number} if "{number}" in operation.path else None

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(), use_real=st.booleans())
        def check(case: Any, use_real: bool) -> None:
            if path and use_real:
                case.path_parameters = path
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS)

        check()


class ApiDocsTests(BaseTestCase):
    def test_it_lists_every_endpoint_on_a_page_that_loads_nothing_from_elsewhere(self) -> None:
        r = self.client.get("/api/v1/docs/")
        self.assertEqual(r.status_code, 200)
        page = r.content.decode()
        for line in (
            "POST /api/v1/auth/token",
            "GET /api/v1/complaints/{number}/",
            "POST /api/v1/complaints/{number}/review",
        ):
            self.assertIn(line, page)
        self.assertIn("Idempotency-Key", page)
        self.assertNotRegex(page, r"""(src|href)=["'](https?:)?//""")
