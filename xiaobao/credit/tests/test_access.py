"""Who sees which entry: the department its own and those below it, the subject's staff the published
entries about their institution, nobody else anything but the public list. Not-yours is a 404."""

from datetime import date
from io import BytesIO

from openpyxl import load_workbook

from xiaobao.audit.models import Record
from xiaobao.credit.tests.base import PERSON, PERSON_ID, CreditTestCase
from xiaobao.testing import streamed, worksheet


class AccessTests(CreditTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.use_fresh_pages()
        self.icbc_entry = self.published()
        self.other_entry = self.published(
            penalty=None,
            source="decision",
            institution=self.other_bank,
            document="吉金决〔2026〕2号",
            decided_on=date(2026, 4, 1),
        )
        self.icbc_draft = self.draft(document="吉金罚决字〔2026〕8号")

    def test_it_shows_the_institution_only_entries_about_itself(self) -> None:
        self.client.force_login(self.ivan)
        page = self.client.get("/credit/")
        self.assertContains(page, self.icbc_entry.number)
        self.assertNotContains(page, self.other_entry.number)
        # A draft is not the subject's to see until it is checked and published.
        self.assertNotContains(page, self.icbc_draft.number)
        self.assertEqual(self.client.get(f"/credit/{self.icbc_draft.number}/").status_code, 404)
        self.assertEqual(self.client.get(f"/credit/{self.icbc_entry.number}/").status_code, 200)

    def test_it_answers_another_institutions_entry_like_one_that_does_not_exist(self) -> None:
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(f"/credit/{self.icbc_entry.number}/").status_code, 404)
        self.assertEqual(self.client.get("/credit/XY-20990101-000001/").status_code, 404)
        posted = self.client.post(f"/credit/{self.icbc_entry.number}/object/", {"object-reason": "不是我们"})
        self.assertEqual(posted.status_code, 404)
        self.assertFalse(self.icbc_entry.objections.exists())

    def test_it_hides_another_departments_entries_from_a_regulator(self) -> None:
        self.client.force_login(self.pei)
        self.assertEqual(self.client.get(f"/credit/{self.icbc_entry.number}/").status_code, 404)
        self.assertNotContains(self.client.get("/credit/"), self.icbc_entry.number)

    def test_it_turns_away_consumers_and_guests(self) -> None:
        self.client.force_login(self.carla)
        self.assertEqual(self.client.get("/credit/").status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.get("/credit/").status_code, 302)
        self.assertEqual(self.client.get("/credit/public/").status_code, 200)

    def test_it_shows_a_persons_details_only_to_the_department_and_records_the_read(self) -> None:
        entry = self.person_entry()
        self.client.force_login(self.rhea)
        page = self.client.get(f"/credit/{entry.number}/")
        self.assertContains(page, PERSON_ID)
        self.assertContains(page, PERSON)
        self.assertTrue(Record.objects.filter(kind="personal_data", object_id=entry.number, user=self.rhea).exists())

    def test_it_masks_a_person_in_the_staff_export(self) -> None:
        self.person_entry()
        self.client.force_login(self.rita)
        export = self.client.get("/credit/export/")
        self.assertEqual(export.status_code, 200)
        sheet = worksheet(load_workbook(BytesIO(streamed(export))))
        text = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None)
        self.assertIn(self.icbc_entry.number, text)
        self.assertNotIn(PERSON_ID, text)
        self.assertNotIn(PERSON, text)


class PageTests(CreditTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.use_fresh_pages()

    def test_it_drafts_from_a_penalty_decision_and_publishes_after_the_second_check(self) -> None:
        self.client.force_login(self.rita)
        form = self.client.get(f"/credit/new/?penalty={self.penalty.pk}")
        self.assertContains(form, "吉金罚决字〔2026〕7号")
        posted = self.client.post(
            "/credit/new/",
            {
                "credit_list": "black",
                "source": "penalty",
                "penalty": self.penalty.pk,
                "subject": "institution",
                "basis": "《中华人民共和国银行业监督管理法》第四十六条",
            },
        )
        self.assertEqual(posted.status_code, 302)
        number = posted["Location"].strip("/").split("/")[-1]
        page = self.client.get(f"/credit/{number}/")
        self.assertNotContains(page, "提交复核结论")  # the drafter is not offered the check
        self.client.force_login(self.rhea)
        self.assertContains(self.client.get(f"/credit/{number}/"), "提交复核结论")
        done = self.client.post(f"/credit/{number}/check/", {"check-outcome": "publish", "check-note": "同意"})
        self.assertEqual(done.status_code, 302)
        self.assertContains(self.client.get("/credit/public/"), self.icbc.name)

    def test_it_says_what_is_missing_on_the_draft_form_and_writes_nothing(self) -> None:
        self.client.force_login(self.rita)
        posted = self.client.post(
            "/credit/new/",
            {
                "credit_list": "black",
                "source": "decision",
                "subject": "company",
                "uscc": "91220101MA0Y3L8Q4W",
                "name": "某公司",
                "basis": "第三十三条",
                "document": "吉金决1号",
                "decided_on": "2026-04-01",
            },
        )
        self.assertContains(posted, "统一社会信用代码无效", status_code=400)
        self.assertEqual(self.client.get("/credit/").status_code, 200)
        self.assertContains(self.client.get("/credit/"), "还没有红黑名单条目")

    def test_it_filters_the_staff_list(self) -> None:
        entry = self.published()
        self.client.force_login(self.rita)
        self.assertContains(self.client.get("/credit/", {"credit_list": "black"}), entry.number)
        red = self.client.get("/credit/", {"credit_list": "red"})
        self.assertNotContains(red, entry.number)
        self.assertContains(red, "没有符合筛选条件的条目")

    def test_it_lets_the_institution_object_on_its_page_and_the_department_answer(self) -> None:
        entry = self.published()
        self.client.force_login(self.ivan)
        empty = self.client.post(f"/credit/{entry.number}/object/", {"object-reason": ""})
        self.assertContains(empty, "错误", status_code=400)
        self.client.post(f"/credit/{entry.number}/object/", {"object-reason": "处罚决定已被复议撤销"})
        self.assertContains(self.client.get(f"/credit/{entry.number}/"), "处罚决定已被复议撤销")
        self.client.force_login(self.rita)
        self.client.post(
            f"/credit/{entry.number}/answer/", {"answer-outcome": "rejected", "answer-decision": "复议维持原处罚决定"}
        )
        objection = entry.objections.get()
        self.assertEqual((objection.outcome, objection.decided_by), ("rejected", self.rita))
        self.client.force_login(self.ivan)
        self.assertContains(self.client.get(f"/credit/{entry.number}/"), "复议维持原处罚决定")


class NavigationTests(CreditTestCase):
    """The header offers 信用名单办理 exactly to those the page lets in; 红黑名单 to everyone."""

    def test_it_links_the_staff_pages_for_exactly_those_they_let_in(self) -> None:
        for user in (self.rita, self.ivan, self.pei, self.carla, self.mei, self.ada):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                home = self.client.get("/credit/public/").content.decode()
                self.assertIn('href="/credit/public/"', home)
                linked = 'href="/credit/"' in home
                opens = self.client.get("/credit/").status_code == 200
                self.assertEqual(linked, opens)
                self.assertEqual(opens, user in (self.rita, self.ivan, self.pei))
