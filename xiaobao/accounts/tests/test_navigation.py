"""The header and the mediation page offer each role only the links it may follow."""

from typing import Any

from django.urls import reverse

from xiaobao.testing import BaseTestCase


class NavigationTests(BaseTestCase):
    """Each role sees 我要投诉 and 直接申请调解 exactly when the page behind the link lets it in."""

    def links(self, user: Any) -> tuple[bool, bool]:
        if user is not None:
            self.client.force_login(user)
        page = self.client.get(reverse("disputes:bodies"))
        self.assertEqual(page.status_code, 200)
        html = page.content.decode()
        return (
            f'href="{reverse("complaints:new")}"' in html,
            f'href="{reverse("disputes:direct")}"' in html,
        )

    def opens(self, url: str) -> bool:
        return self.client.get(url, follow=True).status_code == 200

    def assertLinks(self, user: Any, *, complaint: bool, mediation: bool) -> None:
        self.assertEqual(self.links(user), (complaint, mediation))
        # The rule the header follows is the one the pages apply.
        self.assertEqual(self.opens(reverse("complaints:new")), complaint)
        self.assertEqual(self.opens(reverse("disputes:direct")), mediation)

    def test_it_shows_a_guest_both_links(self) -> None:
        self.assertLinks(None, complaint=True, mediation=True)

    def test_it_shows_a_consumer_both_links(self) -> None:
        self.assertLinks(self.carla, complaint=True, mediation=True)

    def test_it_shows_a_bank_handler_neither_link(self) -> None:
        self.assertLinks(self.ivan, complaint=False, mediation=False)

    def test_it_shows_a_mediator_neither_link(self) -> None:
        self.assertLinks(self.mei, complaint=False, mediation=False)

    def test_it_shows_a_regulator_the_complaint_link_which_opens_staff_entry_but_not_mediation(self) -> None:
        self.assertLinks(self.rita, complaint=True, mediation=False)
        self.assertRedirects(self.client.get(reverse("complaints:new")), reverse("complaints:staff_new"))

    def test_it_shows_an_administrator_the_complaint_link_but_not_mediation(self) -> None:
        self.assertLinks(self.ada, complaint=True, mediation=False)
