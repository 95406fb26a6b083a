"""An organisation's administrator opens and closes its own staff accounts, and nobody else's."""

from django.urls import reverse

from xiaobao.accounts.models import ApiToken, User
from xiaobao.audit.models import Record
from xiaobao.testing import BaseTestCase, SignInClient, bearer


class StaffAdministrationTests(BaseTestCase):
    iris: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.iris = User.objects.create_user(
            "iris",
            password="pw-iris-123",
            role=User.Role.INSTITUTION,
            institution=cls.icbc,
            display_name="Iris",
            manages_staff=True,
        )

    def setUp(self) -> None:
        self.client.force_login(self.iris)

    def test_it_opens_a_clerk_account_in_the_administrators_own_institution(self) -> None:
        r = self.client.post(
            reverse("accounts:staff_create"), {"username": "new-clerk", "display_name": "新柜员", "email": ""}
        )

        self.assertRedirects(r, reverse("accounts:staff"), fetch_redirect_response=False)
        clerk = User.objects.get(username="new-clerk")
        self.assertEqual((clerk.role, clerk.institution), (User.Role.INSTITUTION, self.icbc))
        self.assertTrue(clerk.needs_second_factor)
        page = self.client.get(reverse("accounts:staff"))
        password = page.context["created"]["password"]
        self.assertTrue(clerk.check_password(password))
        self.assertNotContains(self.client.get(reverse("accounts:staff")), password, msg_prefix="shown once")
        self.assertTrue(
            Record.objects.filter(kind=Record.Kind.PERMISSION, object_id=clerk.username, username="iris").exists()
        )

    def test_it_lists_only_the_administrators_own_organisation(self) -> None:
        page = self.client.get(reverse("accounts:staff"))

        self.assertContains(page, "ivan")
        self.assertNotContains(page, "bob")
        self.assertNotContains(page, "rita")

    def test_it_answers_another_organisations_account_like_a_missing_one(self) -> None:
        for outsider in (self.bob, self.rita, self.carla, self.ada):
            r = self.client.post(reverse("accounts:staff_deactivate", args=[outsider.pk]))
            self.assertEqual(r.status_code, 404, outsider.username)
            outsider.refresh_from_db()
            self.assertTrue(outsider.is_active)

    def test_it_refuses_the_pages_to_staff_who_do_not_manage_accounts(self) -> None:
        self.client.force_login(self.ivan)

        self.assertEqual(self.client.get(reverse("accounts:staff")).status_code, 403)
        r = self.client.post(reverse("accounts:staff_create"), {"username": "sneaky", "display_name": "x"})
        self.assertEqual(r.status_code, 403)
        self.assertFalse(User.objects.filter(username="sneaky").exists())
        self.assertEqual(self.client.post(reverse("accounts:staff_deactivate", args=[self.iris.pk])).status_code, 404)

    def test_a_regulators_administrator_manages_only_that_departments_staff(self) -> None:
        User.objects.filter(pk=self.rita.pk).update(manages_staff=True)
        self.client.force_login(self.rita)

        self.client.post(reverse("accounts:staff_create"), {"username": "nfra-clerk", "display_name": "新科员"})

        clerk = User.objects.get(username="nfra-clerk")
        self.assertEqual((clerk.role, clerk.authority), (User.Role.REGULATOR, self.nfra))
        self.assertEqual(self.client.post(reverse("accounts:staff_deactivate", args=[self.pei.pk])).status_code, 404)
        self.assertEqual(self.client.post(reverse("accounts:staff_deactivate", args=[self.ivan.pk])).status_code, 404)

    def test_deactivation_ends_the_accounts_sessions_and_tokens_at_once(self) -> None:
        ivans_browser = SignInClient()
        ivans_browser.force_login(self.ivan)
        headers = bearer(self.ivan)
        self.assertEqual(ivans_browser.get(reverse("complaints:queue")).status_code, 200)

        r = self.client.post(reverse("accounts:staff_deactivate", args=[self.ivan.pk]))

        self.assertRedirects(r, reverse("accounts:staff"), fetch_redirect_response=False)
        self.ivan.refresh_from_db()
        self.assertFalse(self.ivan.is_active)
        self.assertRedirects(
            ivans_browser.get(reverse("complaints:queue")),
            f"{reverse('accounts:login')}?next={reverse('complaints:queue')}",
            fetch_redirect_response=False,
        )
        self.assertFalse(ApiToken.objects.filter(user=self.ivan).exists())
        self.assertEqual(self.client.get("/api/v1/complaints/", headers=headers).status_code, 401)
        self.assertTrue(
            Record.objects.filter(
                kind=Record.Kind.PERMISSION, object_id="ivan", field="is_active", username="iris"
            ).exists()
        )

    def test_an_administrator_cannot_close_their_own_account(self) -> None:
        r = self.client.post(reverse("accounts:staff_deactivate", args=[self.iris.pk]))

        self.assertEqual(r.status_code, 403)
        self.iris.refresh_from_db()
        self.assertTrue(self.iris.is_active)

    def test_it_refuses_a_username_that_is_taken(self) -> None:
        r = self.client.post(reverse("accounts:staff_create"), {"username": "BOB", "display_name": "x"})

        self.assertContains(r, "该用户名已被使用", status_code=400)
