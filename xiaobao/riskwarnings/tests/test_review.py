from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from xiaobao.riskwarnings import services
from xiaobao.riskwarnings.models import RiskWarning, WarningEvent
from xiaobao.riskwarnings.tests.base import WarningsTestCase


class ReviewTests(WarningsTestCase):
    def test_it_numbers_a_draft_and_keeps_it_off_the_public_pages(self) -> None:
        warning = self.draft()
        self.assertRegex(warning.number, r"^FX-\d{8}-\d{6}$")
        self.assertEqual(warning.status, RiskWarning.Status.DRAFT)
        self.assertEqual(warning.authority, self.nfra)
        self.assertEqual(self.client.get(reverse("riskwarnings:detail", args=[warning.number])).status_code, 404)
        self.assertNotContains(self.client.get(reverse("riskwarnings:list")), warning.title)

    def test_it_refuses_the_author_publishing_her_own_draft(self) -> None:
        warning = self.draft()
        services.warning_submit(warning=warning, by=self.rita)
        with self.assertRaisesMessage(PermissionDenied, "起草人不能审核"):
            services.warning_publish(warning=warning, by=self.rita)
        warning.refresh_from_db()
        self.assertEqual(warning.status, RiskWarning.Status.IN_REVIEW)

    def test_it_refuses_the_author_through_the_page_too(self) -> None:
        warning = self.draft()
        services.warning_submit(warning=warning, by=self.rita)
        self.client.force_login(self.rita)
        page = self.client.get(reverse("riskwarnings:desk_detail", args=[warning.number]))
        self.assertNotContains(page, "审核通过并发布")
        self.assertContains(page, "须由另一名同事审核发布")
        response = self.client.post(reverse("riskwarnings:desk_action", args=[warning.number, "publish"]))
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "起草人不能审核", status_code=403)
        warning.refresh_from_db()
        self.assertEqual(warning.status, RiskWarning.Status.IN_REVIEW)

    def test_it_publishes_when_a_colleague_reviews_and_records_each_step(self) -> None:
        warning = self.draft()
        self.client.force_login(self.rita)
        self.client.post(reverse("riskwarnings:desk_action", args=[warning.number, "submit"]))
        self.client.force_login(self.rex)
        response = self.client.post(
            reverse("riskwarnings:desk_action", args=[warning.number, "publish"]),
            {"publish-note": "表述准确，同意发布"},
        )
        self.assertRedirects(response, reverse("riskwarnings:desk_detail", args=[warning.number]))
        warning.refresh_from_db()
        self.assertEqual(warning.status, RiskWarning.Status.PUBLISHED)
        self.assertEqual(warning.published_by, self.rex)
        self.assertIsNotNone(warning.published_at)
        steps = list(warning.events.values_list("kind", "actor__username"))
        self.assertEqual(
            steps,
            [
                (WarningEvent.Kind.DRAFTED, "rita"),
                (WarningEvent.Kind.SUBMITTED, "rita"),
                (WarningEvent.Kind.PUBLISHED, "rex"),
            ],
        )
        self.assertContains(self.client.get(reverse("riskwarnings:list")), warning.title)

    def test_it_lets_no_one_publish_a_draft_that_was_not_submitted(self) -> None:
        warning = self.draft()
        with self.assertRaises(ValidationError):
            services.warning_publish(warning=warning, by=self.rex)

    def test_it_keeps_review_within_the_department_and_those_above_it(self) -> None:
        warning = self.draft()
        services.warning_submit(warning=warning, by=self.rita)
        # Lou is at Changchun's local regulator, not the provincial banking regulator that wrote it.
        with self.assertRaises(PermissionDenied):
            services.warning_publish(warning=warning, by=self.lou)

    def test_it_sends_a_draft_back_with_what_to_change(self) -> None:
        warning = self.draft()
        services.warning_submit(warning=warning, by=self.rita)
        with self.assertRaises(ValidationError):
            services.warning_return(warning=warning, by=self.rex, note="  ")
        services.warning_return(warning=warning, by=self.rex, note="请补充报警电话")
        warning.refresh_from_db()
        self.assertEqual(warning.status, RiskWarning.Status.DRAFT)
        self.assertEqual(warning.events.last().note, "请补充报警电话")  # type: ignore[union-attr]

    def test_it_withdraws_a_warning_off_the_public_list_with_a_reason_the_public_reads(self) -> None:
        warning = self.published()
        self.assertContains(self.client.get(reverse("riskwarnings:list")), warning.title)
        with self.assertRaises(ValidationError):
            services.warning_withdraw(warning=warning, by=self.rex, reason="")
        services.warning_withdraw(warning=warning, by=self.rex, reason="所涉平台已整改，提示内容不再准确")
        self.assertNotContains(self.client.get(reverse("riskwarnings:list")), warning.title)
        self.assertNotContains(self.client.get(reverse("riskwarnings:feed")), warning.number)
        self.assertEqual(self.client.get(reverse("api:public-risk-warnings")).json()["count"], 0)
        page = self.client.get(reverse("riskwarnings:detail", args=[warning.number]))
        self.assertContains(page, "所涉平台已整改")
        self.assertNotContains(page, "不向陌生账户转账")
        self.assertEqual(warning.events.last().kind, WarningEvent.Kind.WITHDRAWN)  # type: ignore[union-attr]

    def test_it_refuses_a_warning_without_who_is_at_risk_and_writes_nothing(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.draft(audiences=[])
        self.assertIn("audiences", caught.exception.message_dict)
        self.assertFalse(RiskWarning.objects.exists())

    def test_it_shows_the_form_again_with_the_errors_in_words(self) -> None:
        self.client.force_login(self.rita)
        response = self.client.post(reverse("riskwarnings:desk_new"), {"title": "标题"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "错误", status_code=400)
        self.assertFalse(RiskWarning.objects.exists())

    def test_it_edits_a_draft_but_not_one_in_review(self) -> None:
        warning = self.draft()
        self.client.force_login(self.rita)
        data = {
            "title": "警惕冒充养老机构的集资骗局",
            "scheme": "冒充养老机构",
            "body": "正文",
            "audiences": [self.elderly.pk, self.everyone.pk],
            "regions": [self.changchun.pk],
        }
        response = self.client.post(reverse("riskwarnings:desk_edit", args=[warning.number]), data)
        self.assertRedirects(response, reverse("riskwarnings:desk_detail", args=[warning.number]))
        warning.refresh_from_db()
        self.assertEqual(warning.title, "警惕冒充养老机构的集资骗局")
        self.assertEqual(set(warning.audiences.values_list("code", flat=True)), {"elderly", "all"})
        services.warning_submit(warning=warning, by=self.rita)
        with self.assertRaises(ValidationError):
            services.warning_edit(
                warning=warning,
                by=self.rita,
                title="x",
                body="y",
                scheme="z",
                audiences=[self.elderly],
                regions=[self.province],
            )
