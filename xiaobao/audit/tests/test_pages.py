import io
from datetime import timedelta

import time_machine
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from xiaobao.accounts.models import User
from xiaobao.audit import trail
from xiaobao.audit.models import Chain, Record
from xiaobao.testing import BaseTestCase, streamed, totp_code_for, totp_device_for, worksheet

Kind = Record.Kind


class AuditorPageTests(BaseTestCase):
    """Aud is the security auditor (安全审计员): the only one who reads the trail."""

    aud: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.aud = User.objects.create_user("aud", password="pw-aud-123", role=User.Role.AUDITOR, display_name="Aud")

    def setUp(self) -> None:
        super().setUp()
        self.use_fresh_pages()
        complaint, _code = self.file_complaint(by=self.carla)
        self.number = complaint.number
        with time_machine.travel(timezone.now() - timedelta(days=10), tick=False):
            trail.record(Kind.SIGN_IN, user=self.ivan, address="10.1.2.3")
        trail.record(Kind.PERSONAL_DATA, user=self.rita, address="10.9.9.9", obj=complaint, field="id_number")
        trail.record(Kind.DOWNLOAD, user=self.rita, address="10.9.9.9", obj=complaint, field="合同.pdf")
        self.client.force_login(self.aud)

    def page(self, **params: str) -> str:
        response = self.client.get(reverse("audit:trail"), params)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_it_lists_the_trail_newest_first(self) -> None:
        page = self.page()

        self.assertLess(page.index("合同.pdf"), page.index("id_number"))
        self.assertIn("10.1.2.3", page)

    def test_it_filters_by_user_kind_object_address_and_dates(self) -> None:
        by_kind = self.page(kind=Kind.DOWNLOAD, user="rita", object_id=self.number)
        self.assertIn("合同.pdf", by_kind)
        self.assertNotIn("id_number", by_kind)

        by_address = self.page(address="10.1.2.3")
        self.assertIn("10.1.2.3", by_address)
        self.assertNotIn("10.9.9.9", by_address)

        today = timezone.localdate().isoformat()
        recent = self.page(date_from=today, date_to=today)
        self.assertIn("合同.pdf", recent)
        self.assertNotIn("10.1.2.3", recent)

    def test_it_says_when_nothing_matches(self) -> None:
        self.assertIn("没有符合筛选条件的审计记录", self.page(user="nobody"))

    def test_it_pages_a_long_trail(self) -> None:
        for _ in range(55):
            trail.record(Kind.EXPORT, user=self.rita, field="x.xlsx")

        first = self.page(kind=Kind.EXPORT)
        second = self.page(kind=Kind.EXPORT, page="2")

        self.assertIn("第 1 页，共 2 页", first)
        self.assertEqual(second.count("x.xlsx"), 5)

    def test_it_exports_the_filtered_rows_and_records_the_export(self) -> None:
        response = self.client.get(reverse("audit:export"), {"user": "rita"})

        sheet = worksheet(load_workbook(io.BytesIO(streamed(response))))
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[0][:3], ("序号", "时间", "用户名"))
        kinds = {row[4] for row in rows[1:]}
        self.assertEqual(kinds, {"查看个人信息", "下载附件"})
        (export,) = Record.objects.filter(kind=Kind.EXPORT)
        self.assertEqual((export.user, export.detail), (self.aud, "user=rita"))

    def test_it_answers_everyone_else_404_administrators_included(self) -> None:
        for persona in (self.ada, self.rita, self.ivan, self.carla, self.mei):
            self.client.force_login(persona)
            with self.subTest(persona=persona.username):
                self.assertEqual(self.client.get(reverse("audit:trail")).status_code, 404)
                self.assertEqual(self.client.get(reverse("audit:export")).status_code, 404)
        self.client.logout()
        self.assertEqual(self.client.get(reverse("audit:trail")).status_code, 404)

    def test_it_sends_the_auditor_home_to_the_trail_and_links_it_in_the_header(self) -> None:
        response = self.client.get(reverse("home"))

        self.assertRedirects(response, reverse("audit:trail"))
        self.assertIn(f'href="{reverse("audit:trail")}"', self.page())

    def test_it_offers_no_admin_page_to_change_or_delete_the_trail(self) -> None:
        self.assertNotIn(Record, admin.site._registry)
        self.assertNotIn(Chain, admin.site._registry)


class EmptyTrailTests(BaseTestCase):
    def test_it_says_the_trail_is_empty(self) -> None:
        auditor = User.objects.create_user("aud", password="pw-aud-123", role=User.Role.AUDITOR)
        self.client.force_login(auditor)
        Record.objects.all().delete()  # the account and its sign-in were recorded

        self.assertContains(self.client.get(reverse("audit:trail")), "还没有审计记录")


class SignInHistoryTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.use_fresh_pages()

    def test_it_shows_a_user_their_own_sign_ins_and_failed_attempts(self) -> None:
        totp_device_for(self.ivan)
        self.client.post(reverse("accounts:login"), {"username": "ivan", "password": "not-my-password"})
        self.client.post(reverse("accounts:login"), {"username": "ivan", "password": "pw-ivan-123"})
        self.client.post(reverse("accounts:verify"), {"code": totp_code_for(self.ivan)})
        trail.record(Kind.SIGN_IN, user=self.rita, address="10.7.7.7")

        page = self.client.get(reverse("audit:sign_in_history")).content.decode()

        self.assertIn("127.0.0.1", page)
        self.assertIn("失败", page)
        self.assertIn("成功", page)
        self.assertNotIn("10.7.7.7", page, "Rita's sign-ins are hers alone")
        self.assertIn(f'href="{reverse("audit:sign_in_history")}"', page)

    def test_it_asks_a_guest_to_sign_in(self) -> None:
        response = self.client.get(reverse("audit:sign_in_history"))

        self.assertRedirects(response, f"{reverse('accounts:login')}?next={reverse('audit:sign_in_history')}")
