"""A lost query code is renewed by text to the phone given on the complaint; the old code stops working,
and the page says the same whether or not the number and phone belong together."""

import json
import re
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from xiaobao.complaints.access import guest_code_matches
from xiaobao.complaints.models import Complaint, Event
from xiaobao.core.models import SmsMessage, SmsTemplate
from xiaobao.testing import BaseTestCase

SAME_ANSWER = "如果编号和手机号码与投诉记录一致，新查询码已通过短信发送到该号码"


def texted_query_codes() -> list[tuple[str, str]]:
    if not settings.SMS_OUTBOX.exists():
        return []
    found = []
    for line in settings.SMS_OUTBOX.read_text(encoding="utf-8").splitlines():
        sent = json.loads(line)
        match = re.search(r"新查询码为([0-9A-Z]{10})", sent["text"])
        if match:
            found.append((sent["to"], match.group(1)))
    return found


class TrackRecoverTests(BaseTestCase):
    def setUp(self) -> None:
        cache.clear()
        settings.SMS_OUTBOX.unlink(missing_ok=True)
        self.complaint, self.old_code = self.file_complaint(phone="138 1234 5678")

    def recover(self, number: str, phone: str) -> Any:
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(reverse("complaints:track_recover"), {"number": number, "phone": phone})

    def test_it_texts_a_new_code_and_the_old_one_stops_working(self) -> None:
        r = self.recover(self.complaint.number, "13812345678")

        self.assertRedirects(
            r, f"{reverse('complaints:track')}?number={self.complaint.number}", fetch_redirect_response=False
        )
        [(to, new_code)] = texted_query_codes()
        self.assertEqual(to, "+8613812345678")
        complaint = Complaint.objects.get(pk=self.complaint.pk)
        self.assertTrue(guest_code_matches(complaint, new_code))
        self.assertFalse(guest_code_matches(complaint, self.old_code))
        track = reverse("complaints:track")
        old = self.client.post(track, {"number": complaint.number, "code": self.old_code})
        self.assertContains(old, "编号或查询码不正确")
        new = self.client.post(track, {"number": complaint.number, "code": new_code})
        self.assertRedirects(new, reverse("complaints:detail", args=[complaint.number]), fetch_redirect_response=False)
        self.assertTrue(complaint.events.filter(kind=Event.Kind.CODE_RENEWED).exists())

    def test_it_answers_a_wrong_phone_or_an_unknown_number_like_a_right_pair(self) -> None:
        right = self.client.get(reverse("complaints:track_recover"))
        for number, phone in (
            (self.complaint.number, "13900000000"),
            ("JL-20200101-999999", "13812345678"),
            (self.complaint.number, "0431-88888888"),
        ):
            r = self.recover(number, phone)
            self.assertEqual(r.status_code, 302, (number, phone))
            self.assertContains(self.client.get(r["Location"]), SAME_ANSWER, count=1)
        self.assertEqual(right.status_code, 200)
        self.assertEqual(texted_query_codes(), [])
        complaint = Complaint.objects.get(pk=self.complaint.pk)
        self.assertTrue(guest_code_matches(complaint, self.old_code), "a wrong pair changes nothing")

    def test_it_texts_one_number_no_more_codes_an_hour_than_the_policy_allows(self) -> None:
        for _try in range(7):
            self.recover(self.complaint.number, "13812345678")

        self.assertEqual(len(texted_query_codes()), 5)
        self.assertEqual(SmsMessage.objects.filter(purpose=SmsTemplate.Purpose.QUERY_CODE).count(), 5)

    def test_it_limits_requests_per_address(self) -> None:
        with self.settings(RATELIMIT_ENABLE=True, LOGIN_RATE="2/h"):
            self.recover(self.complaint.number, "13900000001")
            self.recover(self.complaint.number, "13900000002")
            r = self.client.post(
                reverse("complaints:track_recover"), {"number": self.complaint.number, "phone": "13812345678"}
            )

        self.assertEqual(r.status_code, 429)

    def test_it_leaves_a_complaint_filed_from_an_account_to_the_account(self) -> None:
        mine, _code = self.file_complaint(by=self.carla, phone="13812345678")

        self.recover(mine.number, "13812345678")

        self.assertEqual(texted_query_codes(), [])

    def test_the_tracking_page_links_to_recovery_and_the_recovery_page_says_tip_off_receipts_cannot_be_recovered(
        self,
    ) -> None:
        self.assertContains(self.client.get(reverse("complaints:track")), reverse("complaints:track_recover"))
        self.assertContains(self.client.get(reverse("complaints:track_recover")), "非法集资举报的回执无法找回")
