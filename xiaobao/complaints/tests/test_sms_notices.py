"""Notices by text: a guest who gave a mobile number hears of her complaint's progress by SMS; an account
by its owner's choice; never past the day's number per phone."""

import json

from django.conf import settings

from xiaobao.accounts.models import POLICY_FROM, SecurityPolicy, User
from xiaobao.complaints.services import complaint_accept
from xiaobao.core.models import SmsMessage
from xiaobao.core.notify import notify
from xiaobao.testing import BaseTestCase


def texts() -> list[dict[str, str]]:
    if not settings.SMS_OUTBOX.exists():
        return []
    return [json.loads(line) for line in settings.SMS_OUTBOX.read_text(encoding="utf-8").splitlines()]


class SmsNoticeTests(BaseTestCase):
    def setUp(self) -> None:
        settings.SMS_OUTBOX.unlink(missing_ok=True)

    def test_a_guest_who_gave_a_mobile_number_is_told_of_progress_by_text(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            complaint, _code = self.file_complaint(phone="13812345678")
            complaint_accept(complaint=complaint, by=self.rita, note="")

        sent = texts()
        self.assertEqual({t["to"] for t in sent}, {"+8613812345678"})
        self.assertTrue(any(complaint.number in t["text"] and "已提交" in t["text"] for t in sent))
        self.assertEqual(len(sent), 2, "submitted, then accepted")

    def test_a_guest_who_gave_a_landline_gets_no_text(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            self.file_complaint(phone="0431-88888888")

        self.assertEqual(texts(), [])

    def test_an_account_gets_texts_only_when_its_owner_chose_them(self) -> None:
        User.objects.filter(pk=self.carla.pk).update(phone="+8613911112222", phone_hash="x", sms_notices=True)
        User.objects.filter(pk=self.oscar.pk).update(phone="+8613933334444", phone_hash="y", sms_notices=False)
        carla, oscar = User.objects.get(pk=self.carla.pk), User.objects.get(pk=self.oscar.pk)

        with self.captureOnCommitCallbacks(execute=True):
            notify("调解会议定于明日上午九时。", users=[carla, oscar])

        self.assertEqual([t["to"] for t in texts()], ["+8613911112222"])

    def test_it_holds_back_texts_past_the_days_number_per_phone_and_records_them(self) -> None:
        SecurityPolicy.objects.create(valid_from=POLICY_FROM, sms_notices_per_number_per_day=2)

        with self.captureOnCommitCallbacks(execute=True):
            for i in range(3):
                notify(f"第{i}条通知", phone="13812345678")

        self.assertEqual(len(texts()), 2)
        self.assertEqual(SmsMessage.objects.filter(status=SmsMessage.Status.SKIPPED).count(), 1)
