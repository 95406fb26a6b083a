from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from xiaobao.riskwarnings.models import Audience
from xiaobao.riskwarnings.rules import audiences_load
from xiaobao.riskwarnings.selectors import WarningFilters, public_warnings_filtered
from xiaobao.riskwarnings.tests.base import WarningsTestCase


class PublicApiTests(WarningsTestCase):
    def test_it_pages_like_the_public_complaints_api(self) -> None:
        for i in range(5):
            self.published(title=f"风险提示第{i}号")
        url = reverse("api:public-risk-warnings")
        first = self.client.get(url, {"size": 2}).json()
        self.assertEqual((first["count"], first["page"], first["size"]), (5, 1, 2))
        self.assertEqual([r["title"] for r in first["results"]], ["风险提示第4号", "风险提示第3号"])
        last = self.client.get(url, {"size": 2, "page": 3}).json()
        self.assertEqual([r["title"] for r in last["results"]], ["风险提示第0号"])
        beyond = self.client.get(url, {"size": 2, "page": 9}).json()
        self.assertEqual(beyond["results"], [])
        item = first["results"][0]
        self.assertEqual(
            set(item),
            {"id", "number", "title", "body", "scheme", "audiences", "regions", "authority", "published_at", "url"},
        )
        self.assertEqual(item["audiences"], [{"code": "elderly", "name": "老年人"}])
        self.assertTrue(item["url"].endswith(reverse("riskwarnings:detail", args=[item["number"]])))

    def test_it_refuses_bad_paging_in_words(self) -> None:
        url = reverse("api:public-risk-warnings")
        for params in ({"size": 101}, {"page": 0}, {"size": "many"}, {"region": "长春"}):
            with self.subTest(params=params):
                response = self.client.get(url, params)
                self.assertEqual(response.status_code, 400)
                self.assertIn("errors", response.json())

    def test_it_filters_by_audience_region_and_search_term(self) -> None:
        elderly = self.published(title="警惕养老诈骗", audiences=[self.elderly], regions=[self.changchun])
        students = self.published(
            title="警惕校园贷", body="不要借“校园贷”", audiences=[self.students], regions=[self.province]
        )
        everyone = self.published(title="警惕征信修复骗局", audiences=[self.everyone], regions=[self.province])
        siping = self.published(
            title="四平的提示", audiences=[self.elderly], regions=[self.changchun.__class__.objects.get(code="220300")]
        )
        url = reverse("api:public-risk-warnings")

        def numbers(**params: str) -> set[str]:
            return {r["number"] for r in self.client.get(url, params).json()["results"]}

        self.assertEqual(numbers(audience="elderly"), {elderly.number, everyone.number, siping.number})
        # A county in Changchun reads Changchun's warnings and the province's, not Siping's.
        self.assertEqual(numbers(region="220102"), {elderly.number, students.number, everyone.number})
        self.assertEqual(numbers(search_term="校园贷"), {students.number})
        self.assertEqual(numbers(audience="students", region="220100"), {students.number, everyone.number})

    def test_it_is_documented_in_the_openapi_schema(self) -> None:
        schema = self.client.get(reverse("api:schema"), {"format": "json"}).json()
        operation = schema["paths"]["/api/v1/public/risk-warnings/"]["get"]
        self.assertEqual(operation["operationId"], "public_risk_warnings_list")
        names = {p["name"] for p in operation["parameters"]}
        self.assertTrue({"page", "size", "audience", "region", "search_term"} <= names)
        self.assertIn("400", operation["responses"])


class AudienceFilterPropertyTests(HypothesisTestCase):
    """Whatever groups a warning is for, an audience filter finds it exactly when it names that group or
    everyone."""

    @settings(max_examples=25, deadline=None)
    @given(
        groups=st.sets(st.sampled_from(["elderly", "students", "rural", "all"]), min_size=1),
        wanted=st.sampled_from(["elderly", "students", "rural", "all"]),
    )
    def test_it_finds_a_warning_for_its_group_or_for_everyone(self, groups: set[str], wanted: str) -> None:
        from xiaobao.accounts.models import User
        from xiaobao.registry.models import Authority, Region
        from xiaobao.riskwarnings import services

        audiences_load()
        nfra = Authority.objects.get(code="nfra-jilin")
        writer = User.objects.create_user("w", role=User.Role.REGULATOR, authority=nfra)
        reviewer = User.objects.create_user("r", role=User.Role.REGULATOR, authority=nfra)
        warning = services.warning_draft(
            by=writer,
            title="提示",
            body="正文",
            scheme="手法",
            audiences=list(Audience.objects.filter(code__in=groups)),
            regions=[Region.objects.get(code="220000")],
        )
        services.warning_submit(warning=warning, by=writer)
        services.warning_publish(warning=warning, by=reviewer)
        found = public_warnings_filtered(WarningFilters(audience=wanted)).filter(pk=warning.pk).exists()
        self.assertEqual(found, wanted in groups or "all" in groups)
