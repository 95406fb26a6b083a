from defusedxml import ElementTree
from django.conf import settings
from django.urls import reverse

from xiaobao.riskwarnings import services
from xiaobao.riskwarnings.tests.base import WarningsTestCase

ATOM = "{http://www.w3.org/2005/Atom}"


class FeedTests(WarningsTestCase):
    def test_it_is_valid_atom_with_the_published_warnings_newest_first(self) -> None:
        older = self.published(title="警惕“稳赚不赔”的非法集资")
        newer = self.published(title="警惕虚假理财App")
        draft = self.draft(title="尚未审核的草稿")
        response = self.client.get(reverse("riskwarnings:feed"))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("application/atom+xml"))
        feed = ElementTree.fromstring(response.content)
        self.assertEqual(feed.tag, f"{ATOM}feed")
        # RFC 4287 §4.1.1: a feed has exactly one id, title and updated.
        for name in ("id", "title", "updated"):
            self.assertEqual(len(feed.findall(f"{ATOM}{name}")), 1, name)
            self.assertTrue(feed.findtext(f"{ATOM}{name}"), name)
        self.assertIn("风险提示", feed.findtext(f"{ATOM}title") or "")
        entries = feed.findall(f"{ATOM}entry")
        self.assertEqual([e.findtext(f"{ATOM}title") for e in entries], [newer.title, older.title])
        self.assertNotIn(draft.title, response.content.decode())
        for entry in entries:
            for name in ("id", "title", "updated", "summary"):
                self.assertTrue(entry.findtext(f"{ATOM}{name}"), name)
            link = entry.find(f"{ATOM}link")
            assert link is not None
            self.assertEqual(link.get("rel"), "alternate")
            self.assertTrue(link.get("href", "").startswith("http"))
        first = entries[0]
        self.assertTrue((first.findtext(f"{ATOM}id") or "").startswith("tag:"))
        self.assertTrue((first.find(f"{ATOM}link").get("href") or "").endswith(f"/risk-warnings/{newer.number}/"))

    def test_it_drops_a_withdrawn_warning(self) -> None:
        warning = self.published()
        services.warning_withdraw(warning=warning, by=self.rita, reason="内容已过时")
        feed = ElementTree.fromstring(self.client.get(reverse("riskwarnings:feed")).content)
        self.assertEqual(feed.findall(f"{ATOM}entry"), [])


class PublicPagesTests(WarningsTestCase):
    def test_it_shows_the_newest_warnings_on_the_home_page(self) -> None:
        warnings = [self.published(title=f"提示{i}") for i in range(4)]
        page = self.client.get("/")
        self.assertContains(page, "最新风险提示")
        for w in warnings[1:]:
            self.assertContains(page, reverse("riskwarnings:detail", args=[w.number]))
        self.assertNotContains(page, reverse("riskwarnings:detail", args=[warnings[0].number]))

    def test_it_filters_the_public_list_and_says_when_nothing_matches(self) -> None:
        self.published(title="警惕养老诈骗")
        page = self.client.get(reverse("riskwarnings:list"), {"audience": "students"})
        self.assertContains(page, "没有符合条件的风险提示")
        page = self.client.get(reverse("riskwarnings:list"), {"audience": "elderly", "region": "220100"})
        self.assertContains(page, "警惕养老诈骗")

    def test_it_offers_reading_aloud_and_printing_on_the_warning_page(self) -> None:
        warning = self.published()
        page = self.client.get(reverse("riskwarnings:detail", args=[warning.number]))
        self.assertContains(page, 'data-read-aloud="#warning-article"')
        self.assertContains(page, "打印本页")
        self.assertContains(page, '<html lang="zh-CN"')
        self.client.cookies["elder_mode"] = "1"
        elder = self.client.get(reverse("riskwarnings:detail", args=[warning.number]))
        self.assertContains(elder, 'class="size-standard elder"')

    def test_it_speaks_english_on_the_public_pages_and_in_api_errors(self) -> None:
        warning = self.published()
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        listing = self.client.get(reverse("riskwarnings:list"))
        self.assertContains(listing, "Find risk warnings")
        self.assertContains(listing, "Subscribe to risk warnings (Atom feed)")
        page = self.client.get(reverse("riskwarnings:detail", args=[warning.number]))
        self.assertContains(page, "Who is at risk")
        self.assertContains(page, "Older people")
        self.assertContains(page, "Read this page aloud")
        self.assertNotContains(page, "提示对象")
        # The record itself stays in the official language it was written in.
        self.assertContains(page, warning.title)
        self.client.force_login(self.rita)
        desk = self.client.get(reverse("riskwarnings:desk"))
        self.assertContains(desk, "Risk warnings desk")
