"""Signing in: one limit per address and one lockout per account for the page, the admin and the API;
staff signed out when idle."""

from datetime import timedelta
from typing import Any

import time_machine
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from xiaobao.accounts.models import POLICY_FROM, SecurityPolicy, User
from xiaobao.testing import BaseTestCase, totp_code_for, totp_device_for

LOGIN = reverse("accounts:login")
TOKEN = reverse("api:token")
LOCKED = "账户已锁定，请 30 分钟后再试或联系管理员解锁。"


class SignInTestCase(BaseTestCase):
    def setUp(self) -> None:
        # The per-address counters live in the cache; the locks live in the database, rolled back per test.
        cache.clear()

    def sign_in(self, username: str, password: str, address: str = "10.0.0.1", **data: str) -> Any:
        return self.client.post(LOGIN, {"username": username, "password": password, **data}, REMOTE_ADDR=address)

    def token(self, username: str, password: str, address: str = "10.0.0.1") -> Any:
        return self.client.post(
            TOKEN, {"username": username, "password": password}, content_type="application/json", REMOTE_ADDR=address
        )

    def fail_sign_in(self, username: str, times: int, address: str = "10.0.0.1") -> None:
        for _attempt in range(times):
            self.sign_in(username, "wrong-guess", address)

    def signed_in_as(self) -> str | None:
        return self.client.session.get("_auth_user_id")


class LockoutTests(SignInTestCase):
    def test_it_locks_an_account_guessed_at_from_several_addresses(self) -> None:
        for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"):
            self.fail_sign_in("ivan", 1, address)

        r = self.sign_in("ivan", "pw-ivan-123", "10.0.0.6")

        self.assertContains(r, LOCKED, status_code=403)
        self.assertIsNone(self.signed_in_as())
        kept = "".join(AccessAttempt.objects.values_list("post_data", flat=True))
        self.assertNotIn("wrong-guess", kept, "a guessed password is never stored")

    def test_it_says_it_is_locked_on_the_failure_that_locks_it(self) -> None:
        self.fail_sign_in("ivan", 4)

        self.assertContains(self.sign_in("ivan", "wrong-guess"), LOCKED, status_code=403)

    def test_it_answers_a_locked_account_alike_for_the_right_and_a_wrong_password_and_a_name_that_is_none(
        self,
    ) -> None:
        self.fail_sign_in("ivan", 5)
        self.fail_sign_in("nobody-here", 5)

        answers = [
            self.sign_in("ivan", "pw-ivan-123"),
            self.sign_in("ivan", "another-guess"),
            self.sign_in("nobody-here", "pw-ivan-123"),
        ]

        for r in answers:
            self.assertContains(r, LOCKED, status_code=403)
            self.assertTrue(29 * 60 < int(r["Retry-After"]) <= 30 * 60, r["Retry-After"])
        self.assertNotContains(answers[0], "请输入一个正确的", status_code=403)
        self.assertIsNone(self.signed_in_as())

    def test_it_does_not_lock_out_a_colleague_at_the_same_address(self) -> None:
        self.fail_sign_in("ivan", 5, "10.0.0.1")

        r = self.sign_in("bob", "pw-bob-123", "10.0.0.1")

        # Past the password, on to the second factor: the colleague's lock did not stop him.
        self.assertRedirects(r, f"{reverse('accounts:verify')}?next=%2F", fetch_redirect_response=False)
        self.assertEqual(self.signed_in_as(), str(self.bob.pk))

    def test_it_counts_only_consecutive_failures(self) -> None:
        self.fail_sign_in("ivan", 4)
        self.assertEqual(self.sign_in("ivan", "pw-ivan-123").status_code, 302)
        self.client.logout()
        self.fail_sign_in("ivan", 4)

        self.assertEqual(self.sign_in("ivan", "pw-ivan-123").status_code, 302)

    def test_it_counts_token_requests_toward_the_same_lockout(self) -> None:
        self.fail_sign_in("ivan", 3)
        for _attempt in range(2):
            self.assertEqual(self.token("ivan", "wrong-guess", "10.9.9.9").status_code, 403 if _attempt else 400)

        r = self.token("ivan", "pw-ivan-123", "10.9.9.9")

        self.assertEqual(r.status_code, 403)
        self.assertEqual(r.json(), {"detail": LOCKED, "errors": {}})
        self.assertTrue(29 * 60 < int(r["Retry-After"]) <= 30 * 60, r["Retry-After"])
        self.assertNotIn("token", r.json())
        self.assertContains(self.sign_in("ivan", "pw-ivan-123"), LOCKED, status_code=403)

    def test_it_lets_the_account_in_again_after_the_lockout_minutes(self) -> None:
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            self.fail_sign_in("ivan", 5)
        with time_machine.travel(start + timedelta(minutes=29), tick=False):
            self.assertContains(self.sign_in("ivan", "pw-ivan-123"), "请 1 分钟后再试或联系管理员解锁", status_code=403)
        with time_machine.travel(start + timedelta(minutes=30, seconds=1), tick=False):
            r = self.sign_in("ivan", "pw-ivan-123")

        self.assertEqual(r.status_code, 302)
        self.assertEqual(self.signed_in_as(), str(self.ivan.pk))

    def test_it_lets_an_administrator_unlock_the_account(self) -> None:
        self.fail_sign_in("ivan", 5)
        self.client.force_login(self.ada)
        users = reverse("admin:accounts_user_changelist")
        listed = self.client.get(users, {"locked": "yes"})
        self.assertContains(listed, ">ivan<")
        self.assertNotContains(listed, ">bob<")

        r = self.client.post(users, {"action": "unlock", "_selected_action": [self.ivan.pk, self.bob.pk]}, follow=True)

        self.assertContains(r, "已解锁 1 个账户：ivan。现在可以重新登录。")
        self.client.logout()
        self.assertEqual(self.sign_in("ivan", "pw-ivan-123").status_code, 302)

    def test_it_follows_thresholds_changed_in_the_security_policy(self) -> None:
        SecurityPolicy.objects.create(valid_from=POLICY_FROM, failures_before_lockout=2, lockout_minutes=5)
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            self.fail_sign_in("ivan", 1)
            self.assertContains(
                self.sign_in("ivan", "wrong-guess"), "账户已锁定，请 5 分钟后再试或联系管理员解锁。", status_code=403
            )
        with time_machine.travel(start + timedelta(minutes=6), tick=False):
            self.assertEqual(self.sign_in("ivan", "pw-ivan-123").status_code, 302)


class OverlongNameTests(SignInTestCase):
    def test_it_refuses_a_name_longer_than_any_account_before_counting_it_against_a_lock(self) -> None:
        name = "长" * 300

        page = self.sign_in(name, "whatever")
        api = self.client.post(TOKEN, {"username": name, "password": "whatever"}, content_type="application/json")

        self.assertEqual(page.status_code, 200)
        self.assertIn("username", page.context["form"].errors)
        self.assertEqual(api.status_code, 400)
        self.assertIn("username", api.json()["errors"])
        self.assertFalse(AccessAttempt.objects.exists())


class AddressLimitTests(SignInTestCase):
    @override_settings(RATELIMIT_ENABLE=True, LOGIN_RATE="3/h")
    def test_it_answers_429_with_the_time_to_wait(self) -> None:
        for username in ("ivan", "bob", "rita"):
            self.assertEqual(self.sign_in(username, "wrong-guess").status_code, 200)

        r = self.sign_in("mei", "pw-mei-123")

        self.assertEqual(r.status_code, 429)
        wait = int(r["Retry-After"])
        self.assertTrue(0 < wait <= 3600, wait)
        minutes = -(-wait // 60)
        self.assertContains(r, f"登录尝试过于频繁，请 {minutes} 分钟后再试。", status_code=429)
        self.assertIsNone(self.signed_in_as())
        self.assertEqual(self.sign_in("mei", "pw-mei-123", "10.0.0.2").status_code, 302, "another address")

    @override_settings(RATELIMIT_ENABLE=True, LOGIN_RATE="3/h")
    def test_it_counts_the_page_and_the_api_against_one_limit(self) -> None:
        self.sign_in("ivan", "wrong-guess")
        self.token("bob", "wrong-guess")
        self.sign_in("rita", "wrong-guess")

        r = self.token("mei", "pw-mei-123")

        self.assertEqual(r.status_code, 429)
        self.assertRegex(r.json()["detail"], r"^登录尝试过于频繁，请 \d+ 分钟后再试。$")
        self.assertGreater(int(r["Retry-After"]), 0)
        self.assertEqual(self.sign_in("mei", "pw-mei-123").status_code, 429)

    @override_settings(RATELIMIT_ENABLE=True, LOGIN_RATE="3/h")
    def test_it_limits_the_admin_login_like_the_page(self) -> None:
        entry = self.client.get(reverse("admin:index"), follow=True)
        self.assertEqual(entry.redirect_chain[-1][0], f"{LOGIN}?next=%2Fadmin%2F")
        # A password posted to the admin's old login address signs nobody in.
        r = self.client.post(reverse("admin:login"), {"username": "ada", "password": "pw-ada-123"})
        self.assertRedirects(r, LOGIN, fetch_redirect_response=False)
        self.assertIsNone(self.signed_in_as())
        for _attempt in range(3):
            self.sign_in("ada", "wrong-guess", next="/admin/")

        r = self.sign_in("ada", "pw-ada-123", next="/admin/")

        self.assertEqual(r.status_code, 429)
        self.assertIsNone(self.signed_in_as())

    def test_it_takes_an_administrator_from_the_login_page_into_the_admin(self) -> None:
        totp_device_for(self.ada)
        after_password = self.sign_in("ada", "pw-ada-123", next="/admin/")["Location"]

        r = self.client.post(after_password, {"code": totp_code_for(self.ada)})

        self.assertRedirects(r, "/admin/")

    def test_it_refuses_the_admin_to_a_signed_in_clerk_without_sending_them_round_in_circles(self) -> None:
        self.client.force_login(self.ivan)

        r = self.client.get(reverse("admin:index"), follow=True)

        self.assertContains(r, "当前账户无权进入管理后台。", status_code=403)


class IdleTimeoutTests(SignInTestCase):
    def visit(self, user: User, url: str, *minutes: int) -> list[Any]:
        """Sign in, then open the page at each of the given minutes after signing in."""
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            self.client.force_login(user)
            self.assertEqual(self.client.get(url).status_code, 200)
        answers = []
        for minute in minutes:
            with time_machine.travel(start + timedelta(minutes=minute), tick=False):
                answers.append(self.client.get(url))
        return answers

    def test_it_signs_out_staff_after_the_policys_idle_minutes(self) -> None:
        queue = reverse("complaints:queue")

        (r,) = self.visit(self.rita, queue, 31)

        self.assertRedirects(r, f"{LOGIN}?next={queue}", fetch_redirect_response=False)
        self.assertContains(self.client.get(r["Location"]), "您已长时间未操作，为保护信息安全已自动退出，请重新登录。")
        self.assertIsNone(self.signed_in_as())

    def test_it_keeps_staff_signed_in_while_they_work(self) -> None:
        queue = reverse("complaints:queue")

        answers = self.visit(self.ivan, queue, 20, 40, 60, 80, 100, 120)

        self.assertEqual([r.status_code for r in answers], [200] * 6)

    def test_it_keeps_a_consumers_session_beyond_the_staff_idle_minutes(self) -> None:
        (r,) = self.visit(self.carla, reverse("complaints:mine"), 120)

        self.assertEqual(r.status_code, 200)

    def test_it_follows_the_idle_minutes_in_the_security_policy(self) -> None:
        SecurityPolicy.objects.create(valid_from=POLICY_FROM, staff_idle_minutes=10)

        still, gone = self.visit(self.mei, reverse("disputes:list"), 9, 20)

        self.assertEqual(still.status_code, 200)
        self.assertEqual(gone.status_code, 302)
        self.assertTrue(gone["Location"].startswith(LOGIN), gone["Location"])
