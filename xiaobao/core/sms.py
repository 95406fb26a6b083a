"""Text messages: one `sms_send`, a backend chosen by settings, and a record of every message's delivery.

Backends (settings.SMS_BACKEND):
- "console" (the default): appends each message, as the phone would show it, to the outbox file
  settings.SMS_OUTBOX (one JSON object a line), so the platform runs without a provider's account;
- "aliyun": Alibaba Cloud SMS through its official SDK (alibabacloud-dysmsapi20170525);
- "tencent": Tencent Cloud SMS through its official SDK (tencentcloud-sdk-python-sms).
The provider SDKs are imported only when their backend is chosen: the Alibaba one brings an HTTP stack of its
own (aiohttp and friends) that a console-only installation never loads.

The texts are the providers' approved templates (core.models.SmsTemplate, data): a message names its purpose and
gives the template's parameters. The record (SmsMessage) keeps the number encrypted and never the parameters,
which carry codes.
"""

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from xiaobao.core.models import SmsMessage, SmsTemplate
from xiaobao.core.time import now
from xiaobao.lib.crypto import lookup_hash
from xiaobao.lib.phones import national

Purpose = SmsTemplate.Purpose


@dataclass(frozen=True)
class Delivery:
    """What the provider answered: accepted (with its reference for the message) or refused, and why."""

    accepted: bool
    reference: str = ""
    error: str = ""


class SmsBackend(Protocol):
    provider: str

    def send(self, *, to: str, template: SmsTemplate, params: dict[str, str]) -> Delivery:
        """Send one message to an E.164 number; a provider's refusal is a Delivery, not an exception."""
        ...


def render(template: SmsTemplate, params: dict[str, str]) -> str:
    """The text as the phone shows it: the signature in brackets, then the template with its parameters."""
    text = template.text
    for name, value in params.items():
        text = text.replace("{" + name + "}", value)
    return f"【{template.sign_name}】{text}"


class ConsoleBackend:
    """Writes each message to the outbox file instead of a phone: development, the demo and the tests."""

    provider: str = SmsTemplate.Provider.CONSOLE

    def __init__(self, options: dict[str, Any]) -> None:
        self.outbox = Path(options.get("OUTBOX") or settings.SMS_OUTBOX)

    def send(self, *, to: str, template: SmsTemplate, params: dict[str, str]) -> Delivery:
        line = {"at": now().isoformat(), "to": to, "purpose": template.purpose, "text": render(template, params)}
        self.outbox.parent.mkdir(parents=True, exist_ok=True)
        with self.outbox.open("a", encoding="utf-8") as outbox:
            outbox.write(json.dumps(line, ensure_ascii=False) + "\n")
        return Delivery(accepted=True, reference=f"console-{line['at']}")


class AliyunBackend:
    """Alibaba Cloud SMS (Dysmsapi 2017-05-25, SendSms). Options: ACCESS_KEY_ID, ACCESS_KEY_SECRET, ENDPOINT
    (default dysmsapi.aliyuncs.com), PROTOCOL (https)."""

    provider: str = SmsTemplate.Provider.ALIYUN

    def __init__(self, options: dict[str, Any]) -> None:
        from alibabacloud_dysmsapi20170525.client import Client
        from alibabacloud_tea_openapi import models as openapi_models

        config = openapi_models.Config(
            access_key_id=options["ACCESS_KEY_ID"],
            access_key_secret=options["ACCESS_KEY_SECRET"],
            endpoint=options.get("ENDPOINT", "dysmsapi.aliyuncs.com"),
            protocol=options.get("PROTOCOL", "https"),
            read_timeout=options.get("TIMEOUT_MS", 10_000),
            connect_timeout=options.get("TIMEOUT_MS", 10_000),
        )
        self.client = Client(config)

    def send(self, *, to: str, template: SmsTemplate, params: dict[str, str]) -> Delivery:
        from alibabacloud_dysmsapi20170525 import models as sms_models

        request = sms_models.SendSmsRequest(
            phone_numbers=national(to) if to.startswith("+86") else to.lstrip("+"),
            sign_name=template.sign_name,
            template_code=template.template_code,
            template_param=json.dumps(params, ensure_ascii=False),
        )
        try:
            body = self.client.send_sms(request).body
        except Exception as error:  # the SDK raises its own TeaException and the HTTP stack's errors
            return Delivery(accepted=False, error=str(error)[:300])
        if body.code == "OK":
            return Delivery(accepted=True, reference=body.biz_id or "")
        return Delivery(accepted=False, error=f"{body.code}: {body.message}"[:300])


class TencentBackend:
    """Tencent Cloud SMS (API 2021-01-11, SendSms). Options: SECRET_ID, SECRET_KEY, SDK_APP_ID, REGION
    (default ap-guangzhou), ENDPOINT (default sms.tencentcloudapi.com), PROTOCOL (https)."""

    provider: str = SmsTemplate.Provider.TENCENT

    def __init__(self, options: dict[str, Any]) -> None:
        from tencentcloud.common import credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111 import sms_client

        http = HttpProfile(
            protocol=options.get("PROTOCOL", "https"),
            endpoint=options.get("ENDPOINT", "sms.tencentcloudapi.com"),
            reqTimeout=options.get("TIMEOUT_S", 10),
        )
        self.client = sms_client.SmsClient(
            credential.Credential(options["SECRET_ID"], options["SECRET_KEY"]),
            options.get("REGION", "ap-guangzhou"),
            ClientProfile(httpProfile=http),
        )
        self.app_id = str(options["SDK_APP_ID"])

    def send(self, *, to: str, template: SmsTemplate, params: dict[str, str]) -> Delivery:
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
        from tencentcloud.sms.v20210111 import models as sms_models

        request = sms_models.SendSmsRequest()
        request.PhoneNumberSet = [to]
        request.SmsSdkAppId = self.app_id
        request.SignName = template.sign_name
        request.TemplateId = template.template_code
        request.TemplateParamSet = [params.get(name, "") for name in template.params_in_order()]
        try:
            response = self.client.SendSms(request)
        except TencentCloudSDKException as error:
            return Delivery(accepted=False, error=str(error)[:300])
        statuses = response.SendStatusSet or []
        if statuses and statuses[0].Code == "Ok":
            return Delivery(accepted=True, reference=statuses[0].SerialNo or "")
        status = statuses[0] if statuses else None
        return Delivery(accepted=False, error=f"{status.Code}: {status.Message}"[:300] if status else "no status")


BACKENDS: dict[str, type[ConsoleBackend] | type[AliyunBackend] | type[TencentBackend]] = {
    SmsTemplate.Provider.CONSOLE: ConsoleBackend,
    SmsTemplate.Provider.ALIYUN: AliyunBackend,
    SmsTemplate.Provider.TENCENT: TencentBackend,
}


def backend() -> SmsBackend:
    """The backend settings choose (SMS_BACKEND), configured from SMS_OPTIONS."""
    name = settings.SMS_BACKEND
    if name not in BACKENDS:
        raise ImproperlyConfigured(f"SMS_BACKEND must be one of {', '.join(BACKENDS)}, not {name!r}")
    return BACKENDS[name](dict(settings.SMS_OPTIONS))


def number_hash(e164: str) -> str:
    return lookup_hash(e164)


def sms_count_since(e164: str, since: datetime, *, purposes: tuple[str, ...] = ()) -> int:
    """Messages to one number since a moment (the per-number limits), the skipped ones left out."""
    rows = SmsMessage.objects.filter(to_hash=number_hash(e164), created_at__gte=since).exclude(
        status=SmsMessage.Status.SKIPPED
    )
    if purposes:
        rows = rows.filter(purpose__in=purposes)
    return rows.count()


def sms_send(*, to: str, purpose: str, params: dict[str, str], skip: bool = False) -> SmsMessage:
    """Record a message to an E.164 number and send it once the transaction commits (a rolled-back change
    sends nothing). `skip` records a message a limit held back, so the refusal is on the record too."""
    provider = settings.SMS_BACKEND
    message = SmsMessage.objects.create(
        to=to,
        to_hash=number_hash(to),
        purpose=purpose,
        provider=provider,
        status=SmsMessage.Status.SKIPPED if skip else SmsMessage.Status.QUEUED,
        created_at=now(),
    )
    if not skip:
        pk = message.pk
        transaction.on_commit(lambda: sms_deliver(pk=pk, params=params))
    return message


def sms_deliver(*, pk: int, params: dict[str, str]) -> SmsMessage:
    """Hand a queued message to the provider and record its answer."""
    message = SmsMessage.objects.get(pk=pk)
    template = SmsTemplate.objects.filter(purpose=message.purpose, provider=message.provider).first()
    if template is None:
        delivery = Delivery(accepted=False, error=f"no {message.provider} template for {message.purpose}")
    else:
        try:
            delivery = backend().send(to=message.to, template=template, params=params)
        except Exception as error:  # a misconfigured backend is recorded, never a failed page
            delivery = Delivery(accepted=False, error=str(error)[:300])
    message.status = SmsMessage.Status.SENT if delivery.accepted else SmsMessage.Status.FAILED
    message.provider_reference, message.error = delivery.reference[:100], delivery.error[:300]
    message.sent_at = now()
    message.save(update_fields=["status", "provider_reference", "error", "sent_at"])
    return message
