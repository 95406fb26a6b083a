from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from xiaobao.accounts.models import User
from xiaobao.registry.models import Authority
from xiaobao.testing import BaseTestCase
from xiaobao.warning.models import Alert, AlertEvent, WatchEntity
from xiaobao.warning.services import scan_run
from xiaobao.warning.tests.series import complaints_on

AS_OF = date(2026, 3, 18)


class AlertDeskTests(BaseTestCase):
    alert: Alert
    rosa: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for i in range(28, 0, -1):
            day = AS_OF - timedelta(days=i)
            complaints_on(day, 3, institution=cls.icbc_changchun, business=cls.credit_card, authority=cls.nfra)
            complaints_on(day, 3, institution=cls.other_bank, business=cls.credit_card, authority=cls.nfra)
        complaints_on(AS_OF, 30, institution=cls.icbc_changchun, business=cls.credit_card, authority=cls.nfra)
        complaints_on(AS_OF, 3, institution=cls.other_bank, business=cls.credit_card, authority=cls.nfra)
        scan_run(as_of=AS_OF, topics=False, risk_index=False)
        cls.alert = Alert.objects.get(dimension="institution", granularity="day")
        cls.rosa = User.objects.create_user(
            "rosa", password="pw-rosa-123", role=User.Role.REGULATOR, authority=cls.nfra, display_name="Rosa"
        )

    def test_it_shows_the_dashboard_with_map_trend_and_top_risks_to_a_regulator(self):
        self.client.force_login(self.rita)
        response = self.client.get(reverse("warning:dashboard"))
        self.assertContains(response, self.alert.number)
        self.assertContains(response, 'id="alert-map"')
        self.assertContains(response, 'id="alert-trend"')
        self.assertContains(response, "长春市")
        self.assertContains(response, "echarts/map/jilin.js")

    def test_it_keeps_consumers_and_handlers_out_of_the_desk(self):
        for user in (self.carla, self.ivan, self.mei):
            self.client.force_login(user)
            self.assertEqual(self.client.get(reverse("warning:dashboard")).status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.get(reverse("warning:dashboard")).status_code, 302)

    def test_it_answers_404_for_an_alert_of_another_authority(self):
        self.client.force_login(self.lou)
        self.assertEqual(self.client.get(reverse("warning:alert", args=[self.alert.number])).status_code, 404)
        self.assertNotContains(self.client.get(reverse("warning:alerts")), self.alert.number)
        response = self.client.post(reverse("warning:alert_investigate", args=[self.alert.number]))
        self.assertEqual(response.status_code, 404)

    def test_it_explains_the_alert_with_its_history_and_complaints(self):
        self.client.force_login(self.rita)
        response = self.client.get(reverse("warning:alert", args=[self.alert.number]))
        self.assertContains(response, "本期收到投诉 30 件")
        self.assertContains(response, 'id="alert-history"')
        self.assertContains(response, self.alert.explanation["complaints"][0]["number"])

    def test_it_lists_the_dimensions_of_an_institutions_alert_on_its_page_and_in_the_list(self):
        self.client.force_login(self.rita)
        self.assertEqual([f["dimension"] for f in self.alert.findings], ["institution", "institution_business"])
        page = self.client.get(reverse("warning:alert", args=[self.alert.number]))
        self.assertContains(page, "预警维度")
        self.assertContains(page, "机构×业务类别")
        self.assertContains(page, f"{self.icbc.name} · {self.credit_card.name}")
        listing = self.client.get(reverse("warning:alerts"))
        self.assertContains(listing, self.alert.number)
        self.assertContains(listing, f"机构×业务类别：{self.icbc.name} · {self.credit_card.name}")

    def test_it_takes_an_alert_from_new_to_closed_as_a_false_positive(self):
        self.client.force_login(self.rita)
        url = lambda name: reverse(f"warning:alert_{name}", args=[self.alert.number])  # noqa: E731
        self.client.post(url("assign"), {"assign-to": self.rosa.pk})
        self.alert.refresh_from_db()
        self.assertEqual((self.alert.status, self.alert.assigned_to), (Alert.Status.ASSIGNED, self.rosa))
        self.client.force_login(self.rosa)
        self.client.post(url("investigate"))
        self.alert.refresh_from_db()
        self.assertEqual(self.alert.status, Alert.Status.INVESTIGATING)
        response = self.client.post(url("close"), {"close-outcome": "false_positive", "close-reason": ""})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "办结说明", status_code=400)
        self.client.post(
            url("close"), {"close-outcome": "false_positive", "close-reason": "系统升级导致集中来电，已恢复"}
        )
        self.alert.refresh_from_db()
        self.assertEqual(self.alert.status, Alert.Status.FALSE_POSITIVE)
        self.assertEqual(
            list(self.alert.events.values_list("kind", flat=True)),
            ["raised", "assigned", "investigating", "false_positive"],
        )
        # The closed alert counts in the thresholds' review, and cannot be worked again.
        self.assertContains(self.client.get(reverse("warning:dashboard")), "误报")
        self.client.post(url("investigate"))
        self.alert.refresh_from_db()
        self.assertEqual(self.alert.status, Alert.Status.FALSE_POSITIVE)
        self.assertEqual(self.alert.events.filter(kind=AlertEvent.Kind.INVESTIGATING).count(), 1)

    def test_it_only_assigns_staff_of_the_responsible_authority(self):
        self.client.force_login(self.rita)
        response = self.client.post(
            reverse("warning:alert_assign", args=[self.alert.number]), {"assign-to": self.lou.pk}
        )
        self.assertEqual(response.status_code, 400)
        self.alert.refresh_from_db()
        self.assertIsNone(self.alert.assigned_to)

    def test_it_exports_the_filtered_alerts_to_excel(self):
        self.client.force_login(self.rita)
        response = self.client.get(reverse("warning:alerts_export"), {"dimension": "institution"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("spreadsheetml", response["Content-Type"])


class WatchListPageTests(BaseTestCase):
    fay: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.fay = User.objects.create_user(
            "fay",
            password="pw-fay-123",
            role=User.Role.REGULATOR,
            authority=Authority.objects.get(code="fundraising-changchun"),
        )

    def test_it_imports_a_list_and_shows_each_company_with_its_score(self):
        self.client.force_login(self.fay)
        data = "名称,注册地,宣传文本\n长春金鼎国际交易中心有限公司,220102,原始股稳赚不赔年化36%\n".encode()
        response = self.client.post(
            reverse("warning:watch"), {"file": SimpleUploadedFile("list.csv", data, "text/csv")}, follow=True
        )
        self.assertContains(response, "导入完成")
        entity = WatchEntity.objects.get()
        page = self.client.get(reverse("warning:entity", args=[entity.pk]))
        self.assertContains(page, "稳赚不赔")
        self.assertContains(page, "收益率偏离")

    def test_it_shows_which_rows_are_wrong_and_imports_none(self):
        self.client.force_login(self.fay)
        data = "名称,注册地\n长春某甲公司,220102\n长春某乙公司,不存在的地方\n".encode()
        response = self.client.post(reverse("warning:watch"), {"file": SimpleUploadedFile("list.csv", data)})
        self.assertContains(response, "第 3 行", status_code=400)
        self.assertEqual(WatchEntity.objects.count(), 0)

    def test_it_hides_the_watch_list_from_a_bank_regulator(self):
        WatchEntity.objects.create(
            name="长春某公司",
            region_id="220102",
            source=WatchEntity.Source.IMPORT,
            authority=self.fay.own_authority,
        )
        entity = WatchEntity.objects.get()
        self.client.force_login(self.rita)
        self.assertEqual(self.client.get(reverse("warning:entity", args=[entity.pk])).status_code, 404)
        self.assertEqual(self.client.post(reverse("warning:watch")).status_code, 403)
