from datetime import date

from django.urls import reverse

from xiaobao.riskwarnings.models import Evidence, RiskWarning
from xiaobao.riskwarnings.tests.base import WarningsTestCase
from xiaobao.tipoffs.models import Report
from xiaobao.tipoffs.services import clue_open, report_submit
from xiaobao.warning.models import Alert


class DraftFromEvidenceTests(WarningsTestCase):
    def form(self, **extra: object) -> dict[str, object]:
        return {
            "title": "警惕信用卡“代理投诉”“代理退费”骗局",
            "scheme": "冒充“维权机构”收取代理费",
            "body": "正文",
            "audiences": [self.everyone.pk],
            "regions": [self.changchun.pk],
            **extra,
        }

    def test_it_offers_the_button_on_the_alert_page(self) -> None:
        alert = self.alert()
        self.client.force_login(self.rita)
        page = self.client.get(reverse("warning:alert", args=[alert.number]))
        self.assertContains(page, f"{reverse('riskwarnings:desk_new')}?kind=alert&amp;key={alert.number}")

    def test_it_prefills_a_draft_from_an_alert_and_links_it_for_staff_only(self) -> None:
        alert = self.alert()
        self.client.force_login(self.rita)
        page = self.client.get(reverse("riskwarnings:desk_new"), {"kind": "alert", "key": alert.number})
        self.assertContains(page, f"关于警惕“{self.icbc.name}”相关风险的提示")
        self.assertContains(page, f'value="{alert.number}"')
        response = self.client.post(reverse("riskwarnings:desk_new"), self.form(kind="alert", key=alert.number))
        warning = RiskWarning.objects.get()
        self.assertRedirects(response, reverse("riskwarnings:desk_detail", args=[warning.number]))
        evidence = Evidence.objects.get(warning=warning)
        self.assertEqual((evidence.kind, evidence.key, evidence.linked_by), ("alert", alert.number, self.rita))
        staff_page = self.client.get(reverse("riskwarnings:desk_detail", args=[warning.number]))
        self.assertContains(staff_page, reverse("warning:alert", args=[alert.number]))
        # Published, the public page never names the alert.
        from xiaobao.riskwarnings import services

        services.warning_submit(warning=warning, by=self.rita)
        services.warning_publish(warning=warning, by=self.rex)
        self.client.logout()
        public = self.client.get(reverse("riskwarnings:detail", args=[warning.number]))
        self.assertContains(public, warning.title)
        self.assertNotContains(public, alert.number)
        api = self.client.get(reverse("api:public-risk-warnings")).content.decode()
        self.assertNotIn(alert.number, api)

    def test_it_answers_404_for_evidence_the_writer_may_not_see(self) -> None:
        alert = self.alert()
        # Lou, at Changchun's local regulator, does not handle the provincial banking regulator's alert.
        self.client.force_login(self.lou)
        response = self.client.get(reverse("riskwarnings:desk_new"), {"kind": "alert", "key": alert.number})
        self.assertEqual(response.status_code, 404)
        response = self.client.post(reverse("riskwarnings:desk_new"), self.form(kind="alert", key=alert.number))
        self.assertEqual(response.status_code, 404)
        self.assertFalse(RiskWarning.objects.exists())
        self.client.force_login(self.rita)
        unknown = self.client.get(reverse("riskwarnings:desk_new"), {"kind": "horoscope", "key": "x"})
        self.assertEqual(unknown.status_code, 404)

    def test_it_drafts_from_a_fundraising_clue_on_the_clue_page(self) -> None:
        report, _code = report_submit(
            by=None,
            subject_kind=Report.SubjectKind.COMPANY,
            subject_name="长春福寿康养老服务有限公司",
            subject_region=self.changchun.children.first() or self.changchun,
            scheme="在社区免费健康讲座上发传单，说投资养老公寓保本高息、稳赚不赔。",
        )
        clue = clue_open(report=report, by=self.fay)
        self.client.force_login(self.fay)
        page = self.client.get(reverse("tipoffs:clue", args=[clue.number]))
        self.assertContains(page, "据此起草风险提示")
        draft = self.client.get(reverse("riskwarnings:desk_new"), {"kind": "clue", "key": clue.number})
        self.assertContains(draft, "长春福寿康养老服务有限公司")
        self.client.post(reverse("riskwarnings:desk_new"), self.form(kind="clue", key=clue.number))
        warning = RiskWarning.objects.get()
        self.assertEqual(warning.authority, self.fay.authority)
        self.assertEqual(list(warning.evidence.values_list("kind", "key")), [("clue", clue.number)])
        # Clues are the lead department's working files: the banking regulator cannot draft from one.
        self.client.force_login(self.rita)
        response = self.client.get(reverse("riskwarnings:desk_new"), {"kind": "clue", "key": clue.number})
        self.assertEqual(response.status_code, 404)

    def test_it_proposes_a_fundraising_warning_from_a_risk_alert(self) -> None:
        alert = Alert.objects.create(
            number="YJ-20261201-000009",
            kind=Alert.Kind.RISK,
            dimension="risk",
            key="长春金鼎国际交易中心有限公司",
            key_code="entity:1",
            period_start=date(2026, 12, 1),
            period_end=date(2026, 12, 1),
            observed=82,
            expected=80,
            score=82,
            level="red",
            authority=self.fay.own_authority,
            region=self.changchun,
        )
        self.client.force_login(self.fay)
        page = self.client.get(reverse("riskwarnings:desk_new"), {"kind": "alert", "key": alert.number})
        self.assertContains(page, "警惕“长春金鼎国际交易中心有限公司”涉嫌非法集资的风险")
        self.assertContains(page, "保本高息、稳赚不赔")
