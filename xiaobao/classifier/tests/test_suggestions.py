import tempfile
from pathlib import Path

from django.test import Client, override_settings
from django.urls import reverse

from xiaobao.accounts.models import User
from xiaobao.classifier.models import ClassifierModel
from xiaobao.classifier.selectors import category_suggest
from xiaobao.classifier.services import classifier_train
from xiaobao.classifier.tests.synthetic import labelled
from xiaobao.complaints.services import complaint_accept
from xiaobao.testing import BaseTestCase

_var = tempfile.mkdtemp(prefix="classifier-suggest-tests-")
# The synthetic topics as the platform's business categories (codes from the reference data).
CODES = {"信用卡": "B03-02", "贷款": "B02", "理财": "B05", "保险": "B21"}


@override_settings(VAR_DIR=Path(_var))
class SuggestionTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        rows = labelled(15)
        classifier_train(
            name="default", texts=[t for t, _ in rows], labels=[CODES[lab] for _, lab in rows], trained_from="test"
        )

    def detail(self, user: User) -> str:
        complaint, _code = self.file_complaint(by=self.carla)
        complaint_accept(complaint=complaint, by=self.rita)
        self.client.force_login(user)
        response = self.client.get(reverse("complaints:detail", args=[complaint.number]))
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_it_suggests_three_categories_with_probabilities_best_first(self) -> None:
        suggestions = category_suggest("信用卡年费未经同意被扣收，办卡时说免年费")
        self.assertEqual(len(suggestions), 3)
        self.assertEqual(suggestions[0][0], "B03-02")
        probabilities = [p for _label, p in suggestions]
        self.assertEqual(probabilities, sorted(probabilities, reverse=True))
        self.assertTrue(0 < sum(probabilities) <= 1.0001)
        self.assertEqual(category_suggest("  "), [])
        self.assertEqual(category_suggest("信用卡年费", model="nobody-trained-this"), [])

    def test_it_shows_the_regulator_suggested_categories_on_the_complaint(self) -> None:
        page = self.detail(self.rita)
        self.assertIn("建议分类", page)
        self.assertIn("银行卡 / 信用卡", page)  # the suggestion named by its category path, not its code
        self.assertIn("仅供参考", page)
        self.assertIn("一致", page)  # the complaint is filed as a credit-card complaint, as suggested
        self.assertRegex(page, r"\d+%")

    def test_it_shows_no_suggestions_to_the_bank_or_the_complainant(self) -> None:
        self.assertNotIn("建议分类", self.detail(self.ivan))
        self.assertNotIn("建议分类", self.detail(self.carla))

    def test_it_tells_the_regulator_when_no_model_is_trained(self) -> None:
        ClassifierModel.objects.all().delete()
        page = self.detail(self.rita)
        self.assertIn("建议分类", page)
        self.assertIn("尚未训练分类模型", page)

    def test_it_hints_categories_on_the_complaint_form_without_choosing_one(self) -> None:
        form = self.client.get(reverse("complaints:new")).content.decode()
        url = reverse("classifier:intake_suggestions")
        self.assertIn(f'hx-post="{url}"', form)
        response = self.client.post(
            url, {"summary": "重疾险拒赔", "narrative": "保险理赔一个月还没处理，代理人说法前后矛盾"}
        )
        self.assertEqual(response.status_code, 200)
        hint = response.content.decode()
        self.assertIn("人身保险", hint)
        self.assertIn("自行选择", hint)
        self.assertNotIn("<select", hint)  # a hint, never a choice made for the consumer
        self.assertNotIn("（可能性 0%）", hint)  # long shots are left out

    def test_it_says_nothing_on_the_form_until_there_is_text(self) -> None:
        response = self.client.post(reverse("classifier:intake_suggestions"), {"summary": "", "narrative": ""})
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("可能", response.content.decode())

    def test_it_answers_form_hints_only_to_a_post_from_the_form(self) -> None:
        url = reverse("classifier:intake_suggestions")
        self.assertEqual(self.client.get(url).status_code, 405)
        self.assertEqual(Client(enforce_csrf_checks=True).post(url, {"narrative": "信用卡年费"}).status_code, 403)
