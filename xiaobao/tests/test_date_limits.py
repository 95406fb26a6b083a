"""Dates at the limits of what a date can be (9999-12-31, 0001-01-01) are refused where they enter, by name,
instead of overflowing the month and day arithmetic further in."""

from django.urls import reverse

from xiaobao.testing import BaseTestCase

FAR = ("9999-12-31", "0001-01-01")


class DateLimitTests(BaseTestCase):
    def test_it_shows_the_queue_with_the_date_filter_refused(self) -> None:
        self.client.force_login(self.rita)
        for day in FAR:
            with self.subTest(day=day):
                response = self.client.get(reverse("complaints:queue"), {"received_to": day})
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "日期不能")

    def test_it_shows_the_mediation_statistics_with_the_date_refused(self) -> None:
        self.client.force_login(self.rita)
        for day in FAR:
            with self.subTest(day=day):
                self.assertEqual(self.client.get(reverse("disputes:stats"), {"start": day}).status_code, 200)

    def test_it_answers_400_naming_the_date_on_the_public_api(self) -> None:
        for name in ("api:public-institutions", "api:public-trends", "api:public-complaints"):
            for param in ("date_received_min", "date_received_max"):
                for day in FAR:
                    with self.subTest(path=name, param=param, day=day):
                        response = self.client.get(reverse(name), {param: day})
                        self.assertEqual(response.status_code, 400)
                        self.assertIn(param, response.json()["errors"])
