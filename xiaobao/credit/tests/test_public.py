"""What leaves the platform: the public page, the public API and its CSV/XLSX downloads list published,
valid entries about organisations, and never a person."""

import io
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import schemathesis
import time_machine
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from openpyxl import load_workbook

from config.wsgi import application
from xiaobao.complaints.tests.test_api_schema import CHECKS, SCHEMA_URL
from xiaobao.credit.tests.base import COMPANY, COMPANY_USCC, PERSON, PERSON_ID, CreditTestCase
from xiaobao.testing import streamed, worksheet

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 5, 6)
API = "/api/v1/public/credit/"


def at(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=SHANGHAI)


class PublicListTests(CreditTestCase):
    def setUp(self) -> None:
        super().setUp()
        traveller = time_machine.travel(at(TODAY), tick=False)
        traveller.start()
        self.addCleanup(traveller.stop)
        self.black = self.published()  # ICBC, from the penalty
        self.red = self.published(
            credit_list="red",
            penalty=None,
            source="rating",
            institution=self.other_bank,
            document="吉金评〔2026〕1号",
            decided_on=date(2026, 4, 20),
            basis="评估等级一级",
        )
        self.company = self.company_entry()
        # A second person, differently named, and a draft that never leaves the staff side.
        self.person = self.person_entry()
        self.person_entry(person_name="李秀英", person_id_number="220104199003070024")
        self.draft(
            subject="company",
            source="decision",
            penalty=None,
            name="吉林省未复核企业有限公司",
            uscc=COMPANY_USCC,
            document="吉金决〔2026〕9号",
            decided_on=date(2026, 4, 1),
        )

    def api(self, **query: Any) -> Any:
        return self.client.get(API, query)

    def test_it_lists_the_published_organisations_with_the_contract_fields(self) -> None:
        body = self.api().json()
        self.assertEqual(body["count"], 3)
        self.assertEqual(body["valid_on"], TODAY.isoformat())
        names = {r["name"] for r in body["results"]}
        self.assertEqual(names, {self.icbc.name, self.other_bank.name, COMPANY})
        row = next(r for r in body["results"] if r["name"] == COMPANY)
        self.assertEqual(row["list"], "black")
        self.assertEqual(row["uscc"], COMPANY_USCC)
        self.assertEqual(row["basis"], "《防范和处置非法集资条例》第三十三条")
        self.assertEqual((row["valid_from"], row["valid_until"]), ("2026-04-01", "2029-03-30"))

    def test_it_filters_by_list_name_code_and_day(self) -> None:
        self.assertEqual([r["name"] for r in self.api(list="red").json()["results"]], [self.other_bank.name])
        self.assertEqual(self.api(name="鑫汇通").json()["count"], 1)
        self.assertEqual(self.api(uscc=self.icbc.uscc.lower()).json()["results"][0]["name"], self.icbc.name)
        # Before the company's decision only the two institutions were listed; the red one from 20 April.
        self.assertEqual(self.api(valid_on="2026-03-31").json()["count"], 1)
        self.assertEqual(self.api(valid_on="2029-05-01").json()["count"], 0)

    def test_it_pages_as_the_public_complaints_api_does(self) -> None:
        first = self.api(size=2).json()
        second = self.api(size=2, page=2).json()
        self.assertEqual((first["count"], first["page"], first["size"], len(first["results"])), (3, 1, 2, 2))
        self.assertEqual(len(second["results"]), 1)
        refused = self.api(size=101)
        self.assertEqual(refused.status_code, 400)
        self.assertIn("size", refused.json()["errors"])

    def test_it_refuses_bad_parameters_in_words(self) -> None:
        response = self.api(list="grey", valid_on="2026-13-01")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(set(response.json()["errors"]), {"list", "valid_on"})

    def test_it_never_shows_a_person_on_any_public_surface(self) -> None:
        planted = [PERSON, "李秀英", PERSON_ID, "220104199003070024", PERSON_ID[-6:], "王*", "李**"]
        surfaces: dict[str, str] = {
            "api": self.api(size=100).content.decode(),
            "api csv": streamed(self.api(format="csv")).decode("utf-8-sig"),
            "api xlsx": _xlsx_text(self.api(format="xlsx")),
            "page": self.client.get("/credit/public/").content.decode(),
            "page csv": streamed(self.client.get("/credit/public/", {"format": "csv"})).decode("utf-8-sig"),
            "page xlsx": _xlsx_text(self.client.get("/credit/public/", {"format": "xlsx"})),
        }
        for where, text in surfaces.items():
            self.assertIn(COMPANY, text, where)  # the surface was read, and lists the organisations
            for secret in planted:
                self.assertNotIn(secret, text, f"{secret} on {where}")
        self.assertNotIn("吉林省未复核企业有限公司", surfaces["api"])

    def test_it_shows_the_public_page_with_filters_and_an_empty_state(self) -> None:
        page = self.client.get("/credit/public/", {"list": "black"})
        self.assertContains(page, COMPANY)
        self.assertNotContains(page, self.other_bank.name)
        self.assertContains(page, 'lang="zh-CN"', html=False)
        empty = self.client.get("/credit/public/", {"name": "不存在的公司"})
        self.assertContains(empty, "没有符合条件的名单条目")
        bad = self.client.get("/credit/public/", {"valid_on": "not-a-date"})
        self.assertEqual(bad.status_code, 400)
        self.assertContains(bad, "错误", status_code=400)


def _xlsx_text(response: Any) -> str:
    sheet = worksheet(load_workbook(io.BytesIO(streamed(response))))
    return "\n".join(" ".join(str(c) for c in row if c is not None) for row in sheet.iter_rows(values_only=True))


class PublicCreditSchemaTests(CreditTestCase):
    def setUp(self) -> None:
        super().setUp()
        for signal in (request_started, request_finished):
            signal.disconnect(close_old_connections)
            self.addCleanup(signal.connect, close_old_connections)
        self.schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, application)
        self.company_entry(decided_on=date(2026, 1, 5))
        self.person_entry(decided_on=date(2026, 1, 5))

    def test_it_answers_as_documented_for_generated_requests(self) -> None:
        operation = self.schema[API]["GET"]

        @settings(
            max_examples=40,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case: Any) -> None:
            response = case.call()
            case.validate_response(response, checks=CHECKS)
            self.assertNotIn(PERSON_ID.encode(), response.content)

        check()

    def test_it_documents_the_filters(self) -> None:
        names = {p["name"] for p in self.schema.raw_schema["paths"][API]["get"]["parameters"]}
        self.assertLessEqual({"list", "name", "uscc", "valid_on", "page", "size", "format"}, names)
        case = self.schema[API]["GET"].Case(query={"list": "black", "size": 5})
        response = case.call()
        case.validate_response(response, checks=CHECKS)
        self.assertEqual(response.json()["count"], 1)
