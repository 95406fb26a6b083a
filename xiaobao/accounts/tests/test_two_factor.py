"""Staff sign in with a password and a code from an authenticator app; consumers with a password alone."""

from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from xiaobao.accounts.models import User
from xiaobao.accounts.two_factor import totp_enrolment_confirm, totp_enrolment_start, totp_secret
from xiaobao.testing import BaseTestCase, totp_code_for, totp_device_for


def code_of(device: TOTPDevice, *, off_by: int = 0) -> str:
    return f"{(totp(device.bin_key) + off_by) % 1_000_000:06d}"


class TwoFactorTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.use_fresh_pages()
        # The personas' passwords were hashed before the test settings swapped the hashers.
        for user, password in ((self.rita, "pw-rita-123"), (self.carla, "pw-carla-123"), (self.ada, "pw-ada-123")):
            user.set_password(password)
            user.save(update_fields=["password"])

    def sign_in_with_password(self, username: str, password: str, next: str = "") -> str:
        data = {"username": username, "password": password}
        if next:
            data["next"] = next
        r = self.client.post(reverse("accounts:login"), data)
        self.assertEqual(r.status_code, 302)
        return r["Location"]

    def after_the_wait(self) -> None:
        """A wrong code makes each device wait before it checks the next (1 s, then doubling): move past it."""
        traveller = time_machine.travel(timezone.now() + timedelta(seconds=5), tick=True)
        traveller.start()
        self.addCleanup(traveller.stop)

    def assertStopsAtSecondFactor(self, url: str) -> None:
        r = self.client.get(url)
        self.assertEqual(r.status_code, 302, url)
        self.assertTrue(r["Location"].startswith(reverse("accounts:verify")), r["Location"])


class EnrolmentTests(TwoFactorTestCase):
    def test_it_takes_a_new_staff_member_from_the_password_to_enrolment(self) -> None:
        after_password = self.sign_in_with_password("rita", "pw-rita-123", next=reverse("complaints:queue"))
        self.assertTrue(after_password.startswith(reverse("accounts:verify")))

        r = self.client.get(after_password, follow=True)

        self.assertEqual(r.redirect_chain[-1][0].split("?")[0], reverse("accounts:enrol"))
        self.assertContains(r, "设置两步验证")
        self.assertContains(r, "<svg")
        secret = totp_secret(TOTPDevice.objects.get(user=self.rita, confirmed=False))
        self.assertContains(r, " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)))
        self.assertContains(r, 'autocomplete="one-time-code"')
        self.assertContains(r, 'inputmode="numeric"')
        self.assertContains(r, '<label for="id_code">')

    def test_it_refuses_a_wrong_code_and_keeps_the_staff_pages_closed(self) -> None:
        self.sign_in_with_password("rita", "pw-rita-123")
        self.client.get(reverse("accounts:enrol"))
        device = TOTPDevice.objects.get(user=self.rita)

        r = self.client.post(reverse("accounts:enrol"), {"code": code_of(device, off_by=500_000)})

        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "验证码不正确或已过期")
        self.assertFalse(TOTPDevice.objects.get(pk=device.pk).confirmed)
        self.assertStopsAtSecondFactor(reverse("complaints:queue"))

    def test_it_confirms_the_right_code_and_shows_the_recovery_codes_once(self) -> None:
        self.sign_in_with_password("rita", "pw-rita-123")
        self.client.get(reverse("accounts:enrol"))
        device = TOTPDevice.objects.get(user=self.rita)

        r = self.client.post(
            reverse("accounts:enrol"), {"code": code_of(device), "next": reverse("complaints:queue")}, follow=True
        )

        self.assertTrue(TOTPDevice.objects.get(pk=device.pk).confirmed)
        codes = list(StaticToken.objects.filter(device__user=self.rita).values_list("token", flat=True))
        self.assertEqual(len(codes), 10)
        for code in codes:
            self.assertContains(r, code)
        self.assertContains(r, f'href="{reverse("complaints:queue")}"')
        again = self.client.get(reverse("accounts:recovery_codes"))
        for code in codes:
            self.assertNotContains(again, code)
        self.assertEqual(self.client.get(reverse("complaints:queue")).status_code, 200)


class VerificationTests(TwoFactorTestCase):
    def test_it_asks_an_enrolled_staff_member_for_the_code_then_opens_the_page_asked_for(self) -> None:
        device = totp_device_for(self.rita)
        after_password = self.sign_in_with_password("rita", "pw-rita-123", next=reverse("complaints:queue"))
        page = self.client.get(after_password)
        self.assertContains(page, "两步验证")
        self.assertContains(page, "使用恢复码")

        wrong = self.client.post(after_password, {"code": code_of(device, off_by=1)})
        self.assertContains(wrong, "错误：")
        self.assertStopsAtSecondFactor(reverse("complaints:queue"))

        self.after_the_wait()
        r = self.client.post(after_password, {"code": totp_code_for(self.rita)})
        self.assertRedirects(r, reverse("complaints:queue"))

    def test_it_accepts_each_recovery_code_once(self) -> None:
        codes = totp_enrolment_confirm(
            device=totp_enrolment_start(user=self.rita), code=code_of(totp_enrolment_start(user=self.rita))
        )
        assert codes is not None
        verify = reverse("accounts:verify")

        self.sign_in_with_password("rita", "pw-rita-123")
        first = self.client.post(verify, {"recovery_code": codes[0]}, follow=True)
        self.assertContains(first, "还剩 9 个")
        self.client.post(reverse("accounts:logout"))

        self.sign_in_with_password("rita", "pw-rita-123")
        used = self.client.post(verify, {"recovery_code": codes[0]})
        self.assertContains(used, "验证码不正确或已过期")
        self.assertStopsAtSecondFactor(reverse("complaints:queue"))
        self.after_the_wait()
        self.assertEqual(self.client.post(verify, {"recovery_code": codes[1].upper()}).status_code, 302)
        self.assertEqual(self.client.get(reverse("complaints:queue")).status_code, 200)

    def test_it_keeps_the_admin_closed_until_the_code_is_given(self) -> None:
        totp_device_for(self.ada)
        r = self.client.post(
            reverse("accounts:login"), {"username": "ada", "password": "pw-ada-123", "next": "/admin/"}
        )
        self.assertEqual(r.status_code, 302)

        self.assertStopsAtSecondFactor(reverse("admin:index"))
        self.assertStopsAtSecondFactor(reverse("admin:accounts_user_changelist"))

        self.client.post(reverse("accounts:verify"), {"code": totp_code_for(self.ada)})
        self.assertEqual(self.client.get(reverse("admin:index")).status_code, 200)

    def test_it_keeps_the_api_closed_to_a_half_signed_in_session(self) -> None:
        self.sign_in_with_password("rita", "pw-rita-123")
        r = self.client.get("/api/v1/complaints/")
        self.assertEqual(r.status_code, 403)
        self.assertEqual(r.json()["errors"], {})

    def test_it_does_not_ask_a_consumer_for_a_code(self) -> None:
        after_password = self.sign_in_with_password("carla", "pw-carla-123")
        self.assertEqual(after_password, reverse("home"))
        self.assertEqual(self.client.get(reverse("complaints:mine")).status_code, 200)
        self.assertFalse(TOTPDevice.objects.filter(user=self.carla).exists())

    def test_it_signs_every_staff_role_in_with_the_test_helper(self) -> None:
        for user in (self.ivan, self.rita, self.mei, self.ada):
            self.client.force_login(user)
            self.assertEqual(self.client.get(reverse("home"), follow=True).status_code, 200, user.username)
        auditor = User.objects.create_user("audrey", role=User.Role.AUDITOR)
        self.client.force_login(auditor)
        self.assertTrue(auditor.needs_second_factor)
        self.assertEqual(self.client.get(reverse("accounts:tokens")).status_code, 200)
