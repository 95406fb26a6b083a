"""The risk-warnings API against its OpenAPI document: generated requests never meet a server error and
always get a documented answer."""

from typing import Any

import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings

from config.wsgi import application
from xiaobao.complaints.tests.test_api_schema import CHECKS, SCHEMA_URL
from xiaobao.riskwarnings.tests.base import WarningsTestCase

PATH = "/api/v1/public/risk-warnings/"
EXAMPLES = 60


class RiskWarningsApiSchemaTests(WarningsTestCase):
    def setUp(self) -> None:
        super().setUp()
        for signal in (request_started, request_finished):
            signal.disconnect(close_old_connections)
            self.addCleanup(signal.connect, close_old_connections)
        self.schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, application)
        self.published(regions=[self.changchun])

    def test_it_never_fails_on_generated_requests(self) -> None:
        operation = self.schema[PATH]["GET"]

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case: Any) -> None:
            cache.clear()  # the anonymous throttle would answer 429 long before the examples run out
            response = case.call()
            case.validate_response(response, checks=CHECKS)

        check()
