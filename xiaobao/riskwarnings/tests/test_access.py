from django.urls import reverse

from xiaobao.riskwarnings.tests.base import WarningsTestCase


class AccessTests(WarningsTestCase):
    def test_it_sends_a_visitor_to_sign_in_for_the_desk(self) -> None:
        response = self.client.get(reverse("riskwarnings:desk"))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])

    def test_it_refuses_a_bank_clerk_and_a_consumer_every_desk_page(self) -> None:
        warning = self.draft()
        pages = [
            reverse("riskwarnings:desk"),
            reverse("riskwarnings:desk_export"),
            reverse("riskwarnings:desk_new"),
            reverse("riskwarnings:desk_detail", args=[warning.number]),
            reverse("riskwarnings:desk_edit", args=[warning.number]),
        ]
        for user in (self.ivan, self.carla):
            self.client.force_login(user)
            for url in pages:
                with self.subTest(user=user.username, url=url):
                    response = self.client.get(url)
                    self.assertEqual(response.status_code, 403)
                    self.assertNotContains(response, warning.title, status_code=403)
            response = self.client.post(reverse("riskwarnings:desk_action", args=[warning.number, "submit"]))
            self.assertEqual(response.status_code, 403)
        warning.refresh_from_db()
        self.assertEqual(warning.status, "draft")

    def test_it_lets_an_administrator_read_the_desk_but_not_write(self) -> None:
        warning = self.draft()
        self.client.force_login(self.ada)
        self.assertContains(self.client.get(reverse("riskwarnings:desk")), warning.number)
        page = self.client.get(reverse("riskwarnings:desk_detail", args=[warning.number]))
        self.assertNotContains(page, "提交审核")
        self.assertEqual(self.client.get(reverse("riskwarnings:desk_new")).status_code, 403)

    def test_it_answers_a_department_outside_the_warning_404_on_its_edit_page(self) -> None:
        warning = self.draft()
        self.client.force_login(self.lou)
        self.assertEqual(self.client.get(reverse("riskwarnings:desk_edit", args=[warning.number])).status_code, 404)

    def test_it_lists_filters_and_exports_the_desk(self) -> None:
        first = self.draft(title="警惕虚假理财App")
        second = self.published(title="警惕代理退保骗局")
        self.client.force_login(self.rita)
        page = self.client.get(reverse("riskwarnings:desk"), {"status": "published"})
        self.assertContains(page, second.number)
        self.assertNotContains(page, first.number)
        empty = self.client.get(reverse("riskwarnings:desk"), {"q": "没有这个词"})
        self.assertContains(empty, "没有符合筛选条件的风险提示")
        from io import BytesIO

        from openpyxl import load_workbook

        from xiaobao.testing import streamed, worksheet

        response = self.client.get(reverse("riskwarnings:desk_export"))
        self.assertEqual(response.status_code, 200)
        body = streamed(response) if response.streaming else response.content
        sheet = worksheet(load_workbook(BytesIO(body)))
        titles = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
        self.assertEqual(titles, {"警惕虚假理财App", "警惕代理退保骗局"})
