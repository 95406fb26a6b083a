"""Accounts people look after themselves: registration with a texted code, sign-in by code, password reset
by text or e-mail, password change; codes expire, are used once, and are limited per number."""

import json
import re
from datetime import timedelta
from typing import Any

import time_machine
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from xiaobao.accounts.models import POLICY_FROM, ApiToken, PhoneCode, SecurityPolicy, User
from xiaobao.accounts.phones import phone_code_check, phone_code_issue
from xiaobao.complaints.access import complaints_for
from xiaobao.core.models import SmsMessage
from xiaobao.core.time import now
from xiaobao.testing import BaseTestCase, SignInClient, bearer

PHONE = "13987654321"
E164 = "+8613987654321"
PASSWORD = "Changbai-mountain-7"


def outbox_codes(to: str = E164) -> list[str]:
    """The six-digit codes texted to a number, oldest first, from the console backend's outbox."""
    if not settings.SMS_OUTBOX.exists():
        return []
    found = []
    for line in settings.SMS_OUTBOX.read_text(encoding="utf-8").splitlines():
        sent = json.loads(line)
        match = re.search(r"验证码为(\d{6})", sent["text"])
        if sent["to"] == to and match:
            found.append(match.group(1))
    return found


class SelfServiceCase(BaseTestCase):
    def setUp(self) -> None:
        cache.clear()
        settings.SMS_OUTBOX.unlink(missing_ok=True)

    def post(self, name: str, data: dict[str, Any], client: Client | None = None) -> Any:
        with self.captureOnCommitCallbacks(execute=True):
            return (client or self.client).post(reverse(name), data)

    def register(self, *, code: str | None = None, **overrides: Any) -> Any:
        self.post("accounts:register", {"phone": PHONE})
        data = {
            "code": code if code is not None else outbox_codes()[-1],
            "display_name": "王秀兰",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "sms_notices": "on",
            **overrides,
        }
        return self.post("accounts:register_confirm", data)


class RegistrationTests(SelfServiceCase):
    def test_it_registers_a_consumer_with_the_code_texted_to_her_number(self) -> None:
        r = self.register()

        self.assertRedirects(r, reverse("complaints:mine"), fetch_redirect_response=False)
        user = User.objects.get(username=PHONE)
        self.assertEqual(user.role, User.Role.CONSUMER)
        self.assertEqual(user.phone, E164)
        self.assertTrue(user.sms_notices)
        self.assertIsNotNone(user.phone_verified_at)
        self.assertEqual(self.client.session["_auth_user_id"], str(user.pk))

    def test_it_shows_her_the_complaints_she_filed_as_a_guest_with_the_same_phone_but_not_a_tip_off(self) -> None:
        own, _code = self.file_complaint(phone="139 8765 4321")
        other, _code = self.file_complaint(phone="13812345678")

        self.register()

        user = User.objects.get(username=PHONE)
        self.assertEqual(list(complaints_for(user)), [own])
        self.assertNotIn(other, complaints_for(user))
        self.assertContains(self.client.get(reverse("complaints:mine")), own.number)

    def test_it_refuses_an_expired_code(self) -> None:
        self.post("accounts:register", {"phone": PHONE})
        code = outbox_codes()[-1]
        with time_machine.travel(now() + timedelta(minutes=11)):
            r = self.post(
                "accounts:register_confirm",
                {"code": code, "display_name": "王", "password1": PASSWORD, "password2": PASSWORD},
            )

        self.assertContains(r, "验证码不正确、已使用或已过期")
        self.assertFalse(User.objects.filter(username=PHONE).exists())

    def test_it_refuses_a_code_used_once_already(self) -> None:
        self.register()
        code = outbox_codes()[-1]
        self.client.logout()
        User.objects.filter(username=PHONE).delete()

        session = self.client.session
        session["xiaobao_flow_phone"] = {"phone": E164, "purpose": PhoneCode.Purpose.REGISTER}
        session.save()
        r = self.post(
            "accounts:register_confirm",
            {"code": code, "display_name": "王", "password1": PASSWORD, "password2": PASSWORD},
        )

        self.assertContains(r, "验证码不正确、已使用或已过期")
        self.assertFalse(User.objects.filter(username=PHONE).exists())

    def test_it_refuses_a_right_code_after_too_many_wrong_ones(self) -> None:
        self.post("accounts:register", {"phone": PHONE})
        right = outbox_codes()[-1]
        wrong = "000000" if right != "000000" else "111111"
        for _try in range(5):
            self.post(
                "accounts:register_confirm",
                {"code": wrong, "display_name": "王", "password1": PASSWORD, "password2": PASSWORD},
            )

        r = self.post(
            "accounts:register_confirm",
            {"code": right, "display_name": "王", "password1": PASSWORD, "password2": PASSWORD},
        )

        self.assertContains(r, "验证码不正确、已使用或已过期")

    def test_it_checks_the_password_policy_with_djangos_validators(self) -> None:
        for weak, says in (
            ("short-1", "密码太短，至少需要 10 个字符"),
            ("password123", "这个密码太常见了"),
            ("13987654321x", "太相似"),
        ):
            r = self.register(password1=weak, password2=weak)
            self.assertContains(r, says, msg_prefix=weak)
        self.assertFalse(User.objects.filter(username=PHONE).exists())

    def test_it_refuses_a_number_that_is_no_mobile_number(self) -> None:
        r = self.post("accounts:register", {"phone": "0431-88888888"})

        self.assertContains(r, "请输入有效的手机号码")
        self.assertFalse(SmsMessage.objects.exists())

    def test_it_does_not_open_a_second_account_for_a_registered_number(self) -> None:
        self.register()
        self.client.logout()
        PhoneCode.objects.update(created_at=now() - timedelta(minutes=5))

        r = self.register(display_name="冒名")

        self.assertContains(r, "该手机号码已注册")
        self.assertEqual(User.objects.filter(phone_hash__gt="").count(), 1)


class CodeLimitTests(SelfServiceCase):
    def test_it_waits_a_minute_between_two_codes_to_one_number(self) -> None:
        self.post("accounts:register", {"phone": PHONE})

        r = self.post("accounts:register", {"phone": PHONE})

        self.assertContains(r, "验证码发送过于频繁")
        self.assertEqual(len(outbox_codes()), 1)

    def send_codes_apart(self, count: int, *, start: Any, step_minutes: int) -> None:
        for i in range(count):
            with time_machine.travel(start + timedelta(minutes=step_minutes * i), tick=False):
                phone_code_issue(phone=E164, purpose=PhoneCode.Purpose.SIGN_IN, deliver=False)

    def test_it_sends_a_number_no_more_codes_an_hour_than_the_policy_allows(self) -> None:
        SecurityPolicy.objects.create(valid_from=POLICY_FROM, sms_codes_per_number_per_hour=3)
        start = now().replace(hour=9)
        self.send_codes_apart(3, start=start, step_minutes=2)

        with time_machine.travel(start + timedelta(minutes=10), tick=False):
            r = self.post("accounts:register", {"phone": PHONE})
        self.assertContains(r, "一小时内获取验证码的次数已达上限")
        with time_machine.travel(start + timedelta(minutes=61), tick=False):
            r = self.post("accounts:register", {"phone": PHONE})
        self.assertRedirects(r, reverse("accounts:register_confirm"), fetch_redirect_response=False)

    def test_it_sends_a_number_no_more_codes_a_day_than_the_policy_allows(self) -> None:
        SecurityPolicy.objects.create(valid_from=POLICY_FROM, sms_codes_per_number_per_day=3)
        start = now().replace(hour=9)
        self.send_codes_apart(3, start=start, step_minutes=70)

        with time_machine.travel(start + timedelta(hours=5), tick=False):
            r = self.post("accounts:register", {"phone": PHONE})
        self.assertContains(r, "今天获取验证码的次数已达上限")
        with time_machine.travel(start + timedelta(days=1), tick=False):
            r = self.post("accounts:register", {"phone": PHONE})
        self.assertRedirects(r, reverse("accounts:register_confirm"), fetch_redirect_response=False)

    def test_it_counts_codes_for_numbers_without_an_account_alike(self) -> None:
        self.post("accounts:password_reset", {"address": PHONE})

        r = self.post("accounts:password_reset", {"address": PHONE})

        self.assertContains(r, "验证码发送过于频繁")
        self.assertEqual(outbox_codes(), [], "no text goes to a number without an account")

    def test_it_limits_code_requests_per_address(self) -> None:
        with self.settings(RATELIMIT_ENABLE=True, LOGIN_RATE="2/h"):
            self.post("accounts:register", {"phone": "13900000001"})
            self.post("accounts:register", {"phone": "13900000002"})
            r = self.post("accounts:register", {"phone": "13900000003"})

        self.assertEqual(r.status_code, 429)


class CodeProperties(HypothesisTestCase):
    @given(st.text(alphabet="0123456789 ", max_size=12))
    def test_it_accepts_only_the_code_it_sent_and_only_once(self, guess: str) -> None:
        cache.clear()
        PhoneCode.objects.all().delete()
        settings.SMS_OUTBOX.unlink(missing_ok=True)
        with self.captureOnCommitCallbacks(execute=True):
            phone_code_issue(phone=E164, purpose=PhoneCode.Purpose.RESET)
        sent = outbox_codes()[-1]

        accepted = phone_code_check(phone=E164, purpose=PhoneCode.Purpose.RESET, code=guess)

        self.assertEqual(accepted, "".join(guess.split()) == sent)
        self.assertFalse(phone_code_check(phone=E164, purpose=PhoneCode.Purpose.RESET, code=sent) and accepted)


class SmsSignInTests(SelfServiceCase):
    def test_it_signs_a_consumer_in_with_a_texted_code(self) -> None:
        self.register()
        self.client.logout()
        cache.clear()
        PhoneCode.objects.update(created_at=now() - timedelta(minutes=5))

        self.post("accounts:sms_sign_in", {"phone": PHONE})
        r = self.post("accounts:sms_sign_in_confirm", {"code": outbox_codes()[-1]})

        self.assertRedirects(r, reverse("home"), fetch_redirect_response=False)
        self.assertEqual(self.client.session["_auth_user_id"], str(User.objects.get(username=PHONE).pk))

    def test_it_answers_an_unknown_number_like_a_known_one(self) -> None:
        r = self.post("accounts:sms_sign_in", {"phone": PHONE})

        self.assertRedirects(r, reverse("accounts:sms_sign_in_confirm"), fetch_redirect_response=False)
        self.assertEqual(outbox_codes(), [])


class PasswordResetTests(SelfServiceCase):
    def setUp(self) -> None:
        super().setUp()
        self.register()
        self.client.logout()
        PhoneCode.objects.update(created_at=now() - timedelta(minutes=5))
        self.user = User.objects.get(username=PHONE)

    def reset(self, code: str, password: str = "Songhua-river-2026") -> Any:  # noqa: S107
        return self.post("accounts:password_reset_code", {"code": code, "password1": password, "password2": password})

    def test_it_resets_a_password_with_a_texted_code(self) -> None:
        self.post("accounts:password_reset", {"address": PHONE})

        r = self.reset(outbox_codes()[-1])

        self.assertRedirects(r, reverse("accounts:login"), fetch_redirect_response=False)
        self.user.refresh_from_db()
        self.assertTrue(self.user.check_password("Songhua-river-2026"))

    def test_it_refuses_an_expired_reset_code(self) -> None:
        self.post("accounts:password_reset", {"address": PHONE})
        code = outbox_codes()[-1]

        with time_machine.travel(now() + timedelta(minutes=11)):
            r = self.reset(code)

        self.assertContains(r, "验证码不正确、已使用或已过期")
        self.user.refresh_from_db()
        self.assertTrue(self.user.check_password(PASSWORD))

    def test_it_refuses_a_reset_code_used_once_already(self) -> None:
        self.post("accounts:password_reset", {"address": PHONE})
        code = outbox_codes()[-1]
        self.reset(code)
        session = self.client.session
        session["xiaobao_flow_phone"] = {"phone": E164, "purpose": PhoneCode.Purpose.RESET}
        session.save()

        r = self.reset(code, password="Another-river-2027")

        self.assertContains(r, "验证码不正确、已使用或已过期")
        self.user.refresh_from_db()
        self.assertTrue(self.user.check_password("Songhua-river-2026"))

    def test_it_refuses_a_code_sent_for_another_purpose(self) -> None:
        PhoneCode.objects.all().delete()
        with self.captureOnCommitCallbacks(execute=True):
            phone_code_issue(phone=E164, purpose=PhoneCode.Purpose.SIGN_IN)
        session = self.client.session
        session["xiaobao_flow_phone"] = {"phone": E164, "purpose": PhoneCode.Purpose.RESET}
        session.save()

        r = self.reset(outbox_codes()[-1])

        self.assertContains(r, "验证码不正确、已使用或已过期")

    def test_it_sends_a_reset_link_by_e_mail_that_sets_a_new_password(self) -> None:
        User.objects.filter(pk=self.user.pk).update(email="wang@example.cn")

        self.post("accounts:password_reset", {"address": "wang@example.cn"})

        [sent] = mail.outbox
        link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", str(sent.body))
        assert link is not None
        form = self.client.get(link.group(1), follow=True)
        r = self.client.post(
            form.redirect_chain[-1][0],
            {"new_password1": "Songhua-river-2026", "new_password2": "Songhua-river-2026"},
        )
        self.assertRedirects(r, reverse("accounts:login"), fetch_redirect_response=False)
        self.user.refresh_from_db()
        self.assertTrue(self.user.check_password("Songhua-river-2026"))

    def test_it_answers_an_unknown_address_like_a_known_one(self) -> None:
        r = self.post("accounts:password_reset", {"address": "nobody@example.cn"})

        self.assertRedirects(r, reverse("accounts:login"), fetch_redirect_response=False)
        self.assertEqual(mail.outbox, [])


class PasswordChangeTests(BaseTestCase):
    def test_it_changes_a_password_and_ends_the_other_sessions_and_the_api_tokens(self) -> None:
        other = SignInClient()
        other.force_login(self.carla)
        self.client.force_login(self.carla)
        headers = bearer(self.carla)

        r = self.client.post(
            reverse("accounts:password_change"),
            {"old_password": "pw-carla-123", "new_password1": "Jingyue-lake-88", "new_password2": "Jingyue-lake-88"},
        )

        self.assertRedirects(r, reverse("home"), fetch_redirect_response=False)
        self.assertEqual(self.client.get(reverse("complaints:mine")).status_code, 200, "this session stays")
        self.assertRedirects(
            other.get(reverse("complaints:mine")),
            f"{reverse('accounts:login')}?next={reverse('complaints:mine')}",
            fetch_redirect_response=False,
        )
        self.assertFalse(ApiToken.objects.filter(user=self.carla).exists())
        self.assertEqual(self.client.get("/api/v1/complaints/", headers=headers).status_code, 401)

    def test_it_keeps_a_staff_members_second_factor_through_the_change(self) -> None:
        self.client.force_login(self.rita)

        self.client.post(
            reverse("accounts:password_change"),
            {"old_password": "pw-rita-123", "new_password1": "Jingyue-lake-88", "new_password2": "Jingyue-lake-88"},
        )

        self.assertEqual(self.client.get(reverse("complaints:queue")).status_code, 200)

    def test_it_asks_a_guest_to_sign_in_first(self) -> None:
        r = self.client.get(reverse("accounts:password_change"))

        self.assertRedirects(
            r, f"{reverse('accounts:login')}?next={reverse('accounts:password_change')}", fetch_redirect_response=False
        )

    def test_it_refuses_a_wrong_old_password(self) -> None:
        self.client.force_login(self.carla)

        r = self.client.post(
            reverse("accounts:password_change"),
            {"old_password": "wrong", "new_password1": "Jingyue-lake-88", "new_password2": "Jingyue-lake-88"},
        )

        self.assertEqual(r.status_code, 200)
        self.carla.refresh_from_db()
        self.assertTrue(self.carla.check_password("pw-carla-123"))


class PhoneSettingsTests(SelfServiceCase):
    def test_an_account_verifies_a_number_chooses_texts_and_sees_its_guest_complaints(self) -> None:
        own, _code = self.file_complaint(phone=PHONE)
        self.client.force_login(self.oscar)

        self.post("accounts:phone", {"phone": PHONE})
        r = self.post("accounts:phone_confirm", {"code": outbox_codes()[-1], "sms_notices": "on"})

        self.assertRedirects(r, reverse("accounts:phone"), fetch_redirect_response=False)
        oscar = User.objects.get(pk=self.oscar.pk)
        self.assertEqual((oscar.phone, oscar.sms_notices), (E164, True))
        self.assertIn(own, complaints_for(oscar))
        self.assertContains(self.client.get(reverse("accounts:phone")), "139****4321")

        self.post("accounts:phone", {"sms_notices_only": "1"})
        self.assertFalse(User.objects.get(pk=self.oscar.pk).sms_notices)

    def test_it_refuses_a_number_another_account_verified(self) -> None:
        self.register()
        self.client.force_login(self.oscar)
        PhoneCode.objects.update(created_at=now() - timedelta(minutes=5))

        self.post("accounts:phone", {"phone": PHONE})
        r = self.post("accounts:phone_confirm", {"code": outbox_codes()[-1]})

        self.assertContains(r, "该手机号码已由另一个账户验证")
        self.assertEqual(User.objects.get(pk=self.oscar.pk).phone, "")

    def test_a_wrong_code_verifies_nothing(self) -> None:
        self.client.force_login(self.oscar)
        self.post("accounts:phone", {"phone": PHONE})
        wrong = "000000" if outbox_codes()[-1] != "000000" else "111111"

        r = self.post("accounts:phone_confirm", {"code": wrong})

        self.assertContains(r, "验证码不正确、已使用或已过期")
        self.assertEqual(User.objects.get(pk=self.oscar.pk).phone_hash, "")
