"""The reporting API as other systems and apps call it: no credentials, a receipt once, look-ups by receipt."""

import json
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from xiaobao.complaints.tests.test_api_schema import validate_openapi
from xiaobao.testing import bearer
from xiaobao.tipoffs import services
from xiaobao.tipoffs.models import Report, RewardTier, TriageSettings
from xiaobao.tipoffs.tests.base import SCHEME, TipoffTestCase, png

CREATE = "/api/v1/tipoffs/"
LOOKUP = "/api/v1/tipoffs/lookup/"


class ReportApiTests(TipoffTestCase):
    def body(self, **overrides: Any) -> dict[str, Any]:
        data = {
            "subject_kind": "company",
            "subject_name": "吉林省长青养老服务有限公司",
            "subject_region": "220102",
            "scheme": SCHEME,
            "collecting_accounts": "6222 0212 3456 7890",
            "promised_return": "18.00",
            "people": 40,
        }
        data.update(overrides)
        return data

    def post(self, url: str, data: dict[str, Any], **extra: Any) -> Any:
        return self.client.post(url, json.dumps(data), content_type="application/json", **extra)

    def test_it_files_an_anonymous_report_and_answers_201_with_the_receipt_once(self) -> None:
        r = self.post(CREATE, self.body(contact_name="不该保存"))

        self.assertEqual(r.status_code, 201)
        body = r.json()
        self.assertEqual(set(body), {"number", "receipt", "status"})
        self.assertRegex(body["receipt"], r"^\d{16}$")
        self.assertEqual(body["status"], "received")
        self.assertEqual(r["Cache-Control"], "no-store")
        report = Report.objects.get(number=body["number"])
        self.assertTrue(report.anonymous)
        self.assertEqual(report.contact_name, "")
        self.assertEqual(services.report_for_receipt(body["receipt"]), report)
        self.assertNotIn("sessionid", r.cookies)

    def test_it_files_a_named_report_with_evidence_as_multipart(self) -> None:
        data = self.body(anonymous="false", contact_name="王淑芬", contact_phone="13904310000", wants_reward="true")
        data["evidence"] = [png(), png("receipt.png")]

        r = self.client.post(CREATE, data)

        self.assertEqual(r.status_code, 201, r.content)
        report = Report.objects.get(number=r.json()["number"])
        self.assertFalse(report.anonymous)
        self.assertTrue(report.wants_reward)
        self.assertEqual(report.contact_phone, "13904310000")
        self.assertEqual(report.evidence.count(), 2)

    def test_it_keeps_a_form_post_without_the_anonymous_field_anonymous(self) -> None:
        r = self.client.post(CREATE, self.body())

        self.assertEqual(r.status_code, 201, r.content)
        self.assertTrue(Report.objects.get().anonymous)

    def test_it_says_what_is_wrong_per_field_and_files_nothing(self) -> None:
        r = self.post(CREATE, self.body(subject_region="999999", scheme="太短", wants_reward=True))

        self.assertEqual(r.status_code, 400)
        errors = r.json()["errors"]
        self.assertIn("subject_region", errors)
        self.assertIn("scheme", errors)
        named = self.post(CREATE, self.body(anonymous=False))
        self.assertEqual(set(named.json()["errors"]), {"contact_name", "contact_phone"})
        reward = self.post(CREATE, self.body(wants_reward=True))
        self.assertIn("匿名举报不能申请奖励", reward.json()["errors"]["wants_reward"][0])
        self.assertFalse(Report.objects.exists())

    def test_it_reports_a_bad_evidence_file_by_name(self) -> None:
        data = self.body()
        data["evidence"] = [SimpleUploadedFile("fake.jpg", b"MZ not an image", content_type="image/jpeg")]

        r = self.client.post(CREATE, data)

        self.assertEqual(r.status_code, 400)
        self.assertIn("fake.jpg", r.json()["errors"]["evidence"][0])
        self.assertFalse(Report.objects.exists())

    def test_it_ties_no_account_to_a_report_even_when_a_token_is_sent(self) -> None:
        r = self.post(CREATE, self.body(), HTTP_AUTHORIZATION=bearer(self.carla)["Authorization"])

        self.assertEqual(r.status_code, 201)
        self.assertIsNone(Report.objects.get().reporter)

    def test_it_answers_status_and_messages_for_the_receipt(self) -> None:
        receipt = self.post(CREATE, self.body()).json()["receipt"]
        report = Report.objects.get()
        services.report_ask(report=report, by=self.fay, question="宣传单是在哪里拿到的？")
        services.reporter_message(report=report, body="在南湖公园门口。")

        r = self.post(LOOKUP, {"receipt": f"{receipt[:4]} {receipt[4:8]} {receipt[8:12]} {receipt[12:]}"})

        self.assertEqual(r.status_code, 200)
        body = r.json()
        self.assertEqual(body["number"], report.number)
        self.assertEqual(body["status"], "under_review")
        self.assertEqual(body["status_display"], "核实中")
        self.assertEqual(
            [(m["party"], m["body"]) for m in body["messages"]],
            [("officer", "宣传单是在哪里拿到的？"), ("reporter", "在南湖公园门口。")],
        )
        self.assertIsNone(body["reward"])
        self.assertNotIn("author", json.dumps(body))
        self.assertEqual(r["Cache-Control"], "no-store")

    def test_it_tells_the_named_reporter_the_reward_decision(self) -> None:
        report, receipt = self.named_report()
        services.clue_open(report=report, by=self.fay, assign_to=self.fay)
        tier = RewardTier.objects.get(name="立案奖励")
        services.reward_decide(
            report=report, by=self.fay, granted=True, tier=tier, amount=Decimal(800), reason="实名首报，属实。"
        )

        body = self.post(LOOKUP, {"receipt": receipt}).json()

        self.assertEqual(body["reward"]["granted"], True)
        self.assertEqual(body["reward"]["amount"], "800.00")
        self.assertEqual(body["reward"]["reason"], "实名首报，属实。")

    def test_it_answers_a_wrong_receipt_exactly_like_a_missing_one(self) -> None:
        _report, receipt = self.file_report()
        near_miss = receipt[:-1] + str((int(receipt[-1]) + 1) % 10)

        answers = [self.post(LOOKUP, {"receipt": value}) for value in (near_miss, "0" * 16, "12345", "无")]

        for r in answers:
            self.assertEqual(r.status_code, 404)
        self.assertEqual({r.content for r in answers}, {answers[0].content})
        self.assertEqual(answers[0].json(), {"detail": "回执号不正确或不存在，请核对后重新输入。", "errors": {}})
        self.assertEqual(self.post(LOOKUP, {}).status_code, 400)

    @override_settings(RATELIMIT_ENABLE=True, LOGIN_RATE="3/h")
    def test_it_throttles_receipt_guesses_even_before_the_right_one(self) -> None:
        _report, receipt = self.file_report()
        for guess in ("1" * 16, "2" * 16, "3" * 16):
            self.assertEqual(self.post(LOOKUP, {"receipt": guess}).status_code, 404)

        r = self.post(LOOKUP, {"receipt": receipt})

        self.assertEqual(r.status_code, 429)
        self.assertNotIn("number", r.json())

    @override_settings(RATELIMIT_ENABLE=True)
    def test_it_limits_reports_per_client_like_the_web_form(self) -> None:
        TriageSettings.objects.update(reports_per_hour=1)
        self.assertEqual(self.post(CREATE, self.body()).status_code, 201)
        self.assertEqual(self.client.post("/report/", {}).status_code, 429, "the web form shares the API's limit")

        self.assertEqual(self.post(CREATE, self.body()).status_code, 429)
        self.assertEqual(Report.objects.count(), 1)

    def test_it_documents_both_endpoints_as_public_in_the_openapi_schema(self) -> None:
        document = json.loads(self.client.get("/api/v1/schema/?format=json").content)

        validate_openapi(document)
        create = document["paths"]["/api/v1/tipoffs/"]["post"]
        lookup = document["paths"]["/api/v1/tipoffs/lookup/"]["post"]
        self.assertEqual(set(create["responses"]), {"201", "400", "429"})
        self.assertEqual(set(lookup["responses"]), {"200", "400", "404", "429"})
        self.assertIn("multipart/form-data", create["requestBody"]["content"])
        self.assertIn("application/json", create["requestBody"]["content"])
        for operation in (create, lookup):
            self.assertIn({}, operation.get("security", [{}]), "callable without credentials")
        created = document["components"]["schemas"]["ReportCreated"]["properties"]
        self.assertEqual(set(created), {"number", "receipt", "status"})
        docs = self.client.get("/api/v1/docs/").content.decode()
        self.assertIn("POST /api/v1/tipoffs/lookup/", docs)
