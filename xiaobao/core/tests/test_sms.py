"""Text messages: the backends' contract (console outbox; Alibaba Cloud and Tencent Cloud through their SDKs,
against a fake provider on loopback), the delivery record, and SMS as a channel of notify()."""

import json
import tempfile
import threading
import unittest
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

from django.db import connection
from django.test import TestCase, override_settings
from hypothesis import given
from hypothesis import strategies as st

from xiaobao.core.models import SmsMessage, SmsTemplate
from xiaobao.core.sms import AliyunBackend, TencentBackend, sms_send
from xiaobao.lib.phones import mobile_e164

NUMBER = "+8613812345678"


class FakeProvider(BaseHTTPRequestHandler):
    """Answers as Alibaba Cloud's or Tencent Cloud's SMS API does, accepting or refusing as told."""

    requests: list[dict[str, Any]] = []
    refuse = False

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {k.lower(): v for k, v in self.headers.items()}
        FakeProvider.requests.append({"path": self.path, "headers": headers, "body": body})
        if "x-tc-action" in headers:
            status = {"Code": "LimitExceeded.PhoneNumberDailyLimit", "Message": "daily limit"} if self.refuse else {}
            answer: dict[str, Any] = {
                "Response": {
                    "SendStatusSet": [{"SerialNo": "tc-serial-1", "Code": "Ok", "Message": "send success", **status}],
                    "RequestId": "tc-request",
                }
            }
        elif self.refuse:
            answer = {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发流控", "RequestId": "ali-request"}
        else:
            answer = {"Code": "OK", "Message": "OK", "BizId": "ali-biz-1", "RequestId": "ali-request"}
        payload = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST

    def log_message(self, format: str, *args: Any) -> None:
        return


@contextmanager
def fake_provider(*, refuse: bool = False) -> Iterator[str]:
    """A provider endpoint on loopback for the test's duration: its host:port."""
    FakeProvider.requests = []
    FakeProvider.refuse = refuse
    server = HTTPServer(("127.0.0.1", 0), FakeProvider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def template(provider: str, purpose: str = SmsTemplate.Purpose.CODE) -> SmsTemplate:
    return SmsTemplate.objects.get(provider=provider, purpose=purpose)


class ProviderBackendTests(TestCase):
    def test_it_sends_a_code_through_alibaba_clouds_api(self) -> None:
        with fake_provider() as endpoint:
            backend = AliyunBackend(
                {"ACCESS_KEY_ID": "id", "ACCESS_KEY_SECRET": "secret", "ENDPOINT": endpoint, "PROTOCOL": "http"}
            )
            delivery = backend.send(to=NUMBER, template=template("aliyun"), params={"code": "493817", "minutes": "10"})

        self.assertTrue(delivery.accepted)
        self.assertEqual(delivery.reference, "ali-biz-1")
        sent = FakeProvider.requests[0]
        self.assertEqual(sent["headers"]["x-acs-action"], "SendSms")
        self.assertIn("PhoneNumbers=13812345678", sent["path"])
        self.assertIn("TemplateCode=SMS_000000001", sent["path"])
        self.assertIn("493817", sent["path"].replace("%22", '"'))

    def test_it_records_alibaba_clouds_refusal_with_its_reason(self) -> None:
        with fake_provider(refuse=True) as endpoint:
            backend = AliyunBackend(
                {"ACCESS_KEY_ID": "id", "ACCESS_KEY_SECRET": "secret", "ENDPOINT": endpoint, "PROTOCOL": "http"}
            )
            delivery = backend.send(to=NUMBER, template=template("aliyun"), params={"code": "1", "minutes": "10"})

        self.assertFalse(delivery.accepted)
        self.assertIn("isv.BUSINESS_LIMIT_CONTROL", delivery.error)

    def test_it_sends_a_code_through_tencent_clouds_api_with_the_parameters_in_the_templates_order(self) -> None:
        with fake_provider() as endpoint:
            backend = TencentBackend(
                {
                    "SECRET_ID": "id",
                    "SECRET_KEY": "key",
                    "SDK_APP_ID": "1400000000",
                    "ENDPOINT": endpoint,
                    "PROTOCOL": "http",
                }
            )
            delivery = backend.send(to=NUMBER, template=template("tencent"), params={"minutes": "10", "code": "493817"})

        self.assertTrue(delivery.accepted)
        self.assertEqual(delivery.reference, "tc-serial-1")
        sent = FakeProvider.requests[0]
        self.assertEqual(sent["headers"]["x-tc-action"], "SendSms")
        body = json.loads(sent["body"])
        self.assertEqual(body["PhoneNumberSet"], [NUMBER])
        self.assertEqual(body["TemplateId"], "1000001")
        self.assertEqual(body["TemplateParamSet"], ["493817", "10"])

    def test_it_records_tencent_clouds_refusal_with_its_reason(self) -> None:
        with fake_provider(refuse=True) as endpoint:
            backend = TencentBackend(
                {
                    "SECRET_ID": "id",
                    "SECRET_KEY": "key",
                    "SDK_APP_ID": "1400000000",
                    "ENDPOINT": endpoint,
                    "PROTOCOL": "http",
                }
            )
            delivery = backend.send(to=NUMBER, template=template("tencent"), params={"code": "1", "minutes": "10"})

        self.assertFalse(delivery.accepted)
        self.assertIn("LimitExceeded.PhoneNumberDailyLimit", delivery.error)

    def test_it_records_the_providers_answer_on_the_message(self) -> None:
        with fake_provider() as endpoint:
            options = {
                "SECRET_ID": "id",
                "SECRET_KEY": "key",
                "SDK_APP_ID": "1",
                "ENDPOINT": endpoint,
                "PROTOCOL": "http",
            }
            with (
                override_settings(SMS_BACKEND="tencent", SMS_OPTIONS=options),
                self.captureOnCommitCallbacks(execute=True),
            ):
                message = sms_send(to=NUMBER, purpose=SmsTemplate.Purpose.CODE, params={"code": "1", "minutes": "5"})

        message.refresh_from_db()
        self.assertEqual(message.status, SmsMessage.Status.SENT)
        self.assertEqual(message.provider_reference, "tc-serial-1")
        self.assertEqual(message.to, NUMBER)

    def test_it_records_a_failed_delivery_when_the_provider_cannot_be_reached(self) -> None:
        options = {"ACCESS_KEY_ID": "id", "ACCESS_KEY_SECRET": "s", "ENDPOINT": "127.0.0.1:9", "PROTOCOL": "http"}
        with (
            override_settings(SMS_BACKEND="aliyun", SMS_OPTIONS=options),
            self.captureOnCommitCallbacks(execute=True),
        ):
            message = sms_send(to=NUMBER, purpose=SmsTemplate.Purpose.CODE, params={"code": "1", "minutes": "5"})

        message.refresh_from_db()
        self.assertEqual(message.status, SmsMessage.Status.FAILED)
        self.assertTrue(message.error)


class ConsoleBackendTests(TestCase):
    def setUp(self) -> None:
        folder = tempfile.mkdtemp()
        self.outbox = Path(folder) / "outbox.jsonl"
        override = override_settings(SMS_BACKEND="console", SMS_OUTBOX=self.outbox)
        override.enable()
        self.addCleanup(override.disable)

    def lines(self) -> list[dict[str, str]]:
        return [json.loads(line) for line in self.outbox.read_text(encoding="utf-8").splitlines()]

    def test_it_writes_the_text_as_the_phone_shows_it_once_the_change_commits(self) -> None:
        with self.captureOnCommitCallbacks(execute=False) as hooks:
            message = sms_send(to=NUMBER, purpose=SmsTemplate.Purpose.CODE, params={"code": "271828", "minutes": "10"})
        self.assertFalse(self.outbox.exists(), "nothing leaves before the transaction commits")
        for hook in hooks:
            hook()

        [line] = self.lines()
        self.assertEqual(line["to"], NUMBER)
        self.assertEqual(line["text"], "【吉林消保平台】您的验证码为271828，10分钟内有效。如非本人操作，请忽略本短信。")
        message.refresh_from_db()
        self.assertEqual(message.status, SmsMessage.Status.SENT)

    def test_it_never_keeps_the_code_in_the_database(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            message = sms_send(to=NUMBER, purpose=SmsTemplate.Purpose.CODE, params={"code": "271828", "minutes": "10"})

        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {SmsMessage._meta.db_table} WHERE id = %s", [message.pk])  # noqa: S608
            stored = json.dumps(cursor.fetchone(), default=str)
        self.assertNotIn("271828", stored)
        self.assertNotIn("13812345678", stored, "the number is stored encrypted")

    def test_it_sends_nothing_for_a_skipped_message(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            message = sms_send(to=NUMBER, purpose=SmsTemplate.Purpose.NOTICE, params={"text": "x"}, skip=True)

        self.assertEqual(message.status, SmsMessage.Status.SKIPPED)
        self.assertFalse(self.outbox.exists())


class MobileNumberTests(unittest.TestCase):
    def test_it_reads_the_ways_people_write_a_mobile_number(self) -> None:
        for written in ("13812345678", "138 1234 5678", "138-1234-5678", "+86 138 1234 5678", "008613812345678"):
            self.assertEqual(mobile_e164(written), NUMBER, written)

    def test_it_refuses_landlines_and_short_numbers(self) -> None:
        for written in ("0431-88888888", "12345", "", "1381234567", "23812345678"):
            self.assertIsNone(mobile_e164(written), written)

    @given(st.text(max_size=60))
    def test_it_gives_a_valid_e164_number_or_nothing_for_any_text(self, text: str) -> None:
        e164 = mobile_e164(text)
        if e164 is not None:
            self.assertRegex(e164, r"^\+[1-9]\d{6,14}$")
            self.assertEqual(mobile_e164(e164), e164, "a cleaned number cleans to itself")

    @given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
    def test_it_keeps_every_chinese_mobile_number_it_accepts_digit_for_digit(self, digits: str) -> None:
        e164 = mobile_e164(digits)
        if e164 is not None:
            self.assertEqual(e164, "+86" + digits)
