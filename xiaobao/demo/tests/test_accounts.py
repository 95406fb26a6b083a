"""The demo staff accounts pass the second step of sign-in with the published TOTP secret."""

import base64

from django.conf import settings
from django.test import TestCase, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from xiaobao.accounts.two_factor import has_second_factor, second_factor_check
from xiaobao.demo.accounts import demo_accounts_write, demo_second_factor_seed

SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"


class DemoSecondFactorTests(TestCase):
    @override_settings(DEMO_TOTP_SECRET=SECRET)
    def test_it_gives_every_demo_staff_account_the_published_secret(self) -> None:
        accounts = demo_accounts_write()

        staff = [name for name in accounts if name != "demo-consumer"]
        self.assertEqual(demo_second_factor_seed(), f"second factor: {len(staff)} demo staff accounts")
        self.assertIsNone(demo_second_factor_seed())  # a second run finds them there

        code = f"{totp(base64.b32decode(SECRET)):06d}"
        for username, user in accounts.items():
            if username == "demo-consumer":
                self.assertFalse(has_second_factor(user))
                continue
            self.assertIsNotNone(second_factor_check(user=user, code=code), username)

    def test_it_reads_the_secret_from_the_environment_with_a_default(self) -> None:
        self.assertEqual(len(base64.b32decode(settings.DEMO_TOTP_SECRET)), 20)
        demo_accounts_write()
        demo_second_factor_seed()
        device = TOTPDevice.objects.get(user__username="demo-regulator")
        self.assertEqual(bytes.fromhex(device.key), base64.b32decode(settings.DEMO_TOTP_SECRET))
