"""API tokens: staff give their second factor for one, each expires with the policy, and the owner sees and
revokes them; a password change or a deactivated account ends them all."""

from datetime import date, timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from xiaobao.accounts.models import ApiToken, SecurityPolicy, User
from xiaobao.accounts.tokens import api_token_issue
from xiaobao.testing import BaseTestCase, totp_code_for, totp_device_for

TOKEN_URL = "/api/v1/auth/token"
LIST_URL = "/api/v1/complaints/"


class TokenTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.use_fresh_pages()
        for user, password in ((self.rita, "pw-rita-123"), (self.carla, "pw-carla-123")):
            user.set_password(password)
            user.save(update_fields=["password"])

    def opens(self, key: str) -> int:
        return self.client.get(LIST_URL, headers={"Authorization": f"Bearer {key}"}).status_code


class TokenEndpointTests(TokenTestCase):
    def ask(self, **body: str) -> tuple[int, dict]:
        r = self.client.post(TOKEN_URL, body, content_type="application/json")
        return r.status_code, r.json()

    def test_it_names_the_missing_code_of_a_staff_account(self) -> None:
        totp_device_for(self.rita)
        status, body = self.ask(username="rita", password="pw-rita-123")
        self.assertEqual(status, 401)
        self.assertEqual(body, {"detail": "请填写两步验证码。", "errors": {"otp": ["请填写两步验证码。"]}})
        self.assertFalse(ApiToken.objects.exists())

    def test_it_names_a_wrong_code(self) -> None:
        right = totp_code_for(self.rita)
        wrong = f"{(int(right) + 1) % 1_000_000:06d}"
        status, body = self.ask(username="rita", password="pw-rita-123", otp=wrong)
        self.assertEqual(status, 401)
        self.assertEqual(list(body["errors"]), ["otp"])
        self.assertFalse(ApiToken.objects.exists())

    def test_it_issues_a_token_with_the_right_code(self) -> None:
        status, body = self.ask(username="rita", password="pw-rita-123", otp=totp_code_for(self.rita), name="督办系统")
        self.assertEqual(status, 200)
        self.assertEqual(body["name"], "督办系统")
        self.assertEqual(self.opens(body["token"]), 200)

    def test_it_sends_a_staff_member_without_an_authenticator_to_enrol_first(self) -> None:
        status, body = self.ask(username="rita", password="pw-rita-123", otp="123456")
        self.assertEqual(status, 401)
        self.assertIn("设置两步验证", body["errors"]["otp"][0])

    def test_it_asks_a_consumer_for_no_code(self) -> None:
        status, body = self.ask(username="carla", password="pw-carla-123")
        self.assertEqual(status, 200)
        self.assertEqual(self.opens(body["token"]), 200)

    def test_it_documents_the_code_and_the_401(self) -> None:
        schema = self.client.get("/api/v1/schema/", {"format": "json"}).json()
        operation = schema["paths"]["/api/v1/auth/token"]["post"]
        self.assertIn("401", operation["responses"])
        request = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        self.assertIn("otp", schema["components"]["schemas"][request]["properties"])


class TokenLifetimeTests(TokenTestCase):
    def test_it_lets_a_token_expire_after_the_policy_lifetime(self) -> None:
        SecurityPolicy.objects.create(valid_from=date(2020, 1, 1), token_lifetime_days=7)
        token, key = api_token_issue(user=self.carla, name="网点终端")
        self.assertEqual(token.expires_at - token.created_at, timedelta(days=7))

        with time_machine.travel(timezone.now() + timedelta(days=6, hours=23)):
            self.assertEqual(self.opens(key), 200)
        with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
            r = self.client.get(LIST_URL, headers={"Authorization": f"Bearer {key}"})
            self.assertEqual(r.status_code, 401)
            self.assertEqual(r.json(), {"detail": "令牌无效或已过期。", "errors": {}})

    def test_it_ends_every_token_when_the_password_changes(self) -> None:
        keys = [api_token_issue(user=self.carla, name=name)[1] for name in ("手机", "电脑")]
        self.carla.set_password("a-new-password-2026")
        self.carla.save()
        self.assertEqual([self.opens(key) for key in keys], [401, 401])
        self.assertFalse(ApiToken.objects.filter(user=self.carla).exists())

    def test_it_ends_every_token_when_the_account_is_deactivated(self) -> None:
        _token, key = api_token_issue(user=self.rita, name="督办系统")
        _token, other = api_token_issue(user=self.carla, name="手机")
        User.objects.get(pk=self.rita.pk).save()  # an ordinary save keeps them
        self.assertEqual(self.opens(key), 200)

        self.rita.is_active = False
        self.rita.save()

        self.assertEqual(self.opens(key), 401)
        self.assertFalse(ApiToken.objects.filter(user=self.rita).exists())
        self.assertEqual(self.opens(other), 200)


class TokenPageTests(TokenTestCase):
    def test_it_lists_the_owners_tokens_with_their_dates(self) -> None:
        token, key = api_token_issue(user=self.rita, name="督办系统")
        api_token_issue(user=self.ivan, name="伊万的系统")
        self.opens(key)
        self.client.force_login(self.rita)

        page = self.client.get(reverse("accounts:tokens"))

        self.assertContains(page, "督办系统")
        self.assertContains(page, token.prefix)
        self.assertNotContains(page, key)
        self.assertNotContains(page, "伊万的系统")
        token.refresh_from_db()
        self.assertIsNotNone(token.last_used_at)
        for when in (token.created_at, token.last_used_at, token.expires_at):
            self.assertContains(page, timezone.localtime(when).strftime("%Y-%m-%d %H:%M"))

    def test_it_lets_the_owner_revoke_a_token(self) -> None:
        token, key = api_token_issue(user=self.rita, name="督办系统")
        _kept, kept_key = api_token_issue(user=self.rita, name="统计系统")
        self.client.force_login(self.rita)

        r = self.client.post(reverse("accounts:token_revoke", args=[token.pk]), follow=True)

        self.assertContains(r, "已作废")
        self.assertEqual(self.opens(key), 401)
        self.assertEqual(self.opens(kept_key), 200)

    def test_it_answers_someone_elses_token_like_a_missing_one(self) -> None:
        token, key = api_token_issue(user=self.rita, name="督办系统")
        self.client.force_login(self.ivan)

        r = self.client.post(reverse("accounts:token_revoke", args=[token.pk]))
        missing = self.client.post(reverse("accounts:token_revoke", args=[token.pk + 1000]))

        self.assertEqual(r.status_code, 404)
        self.assertEqual(missing.status_code, 404)
        self.assertEqual(self.opens(key), 200)
