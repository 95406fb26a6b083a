"""English, the second language: a complete catalogue, and pages and API errors that really speak it.

The source strings are Chinese. The English catalogue is locale/en/LC_MESSAGES/django.po, compiled
to django.mo next to it; both are committed, so a checkout runs in English without GNU gettext.
After adding or changing a translatable string:

    .venv/bin/python manage.py makemessages -l en --ignore=.venv --ignore=node_modules --ignore=var --ignore=bench --no-obsolete
    (translate the new entries in django.po, drop their fuzzy flags)
    .venv/bin/python manage.py compilemessages --ignore=.venv --ignore=node_modules
"""

import ast
import gettext
import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings
from django.template import engines
from django.template.backends.django import DjangoTemplates
from django.template.base import FilterExpression, Variable
from django.templatetags.i18n import BlockTranslateNode, TranslateNode
from django.test import SimpleTestCase
from django.urls import reverse

from xiaobao.accounts.models import User
from xiaobao.complaints.models import Complaint
from xiaobao.complaints.services import complaint_accept
from xiaobao.registry.models import Label
from xiaobao.testing import BaseTestCase, bearer

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")
TEMPLATES = ROOT / "xiaobao" / "templates"
# Chinese characters and CJK punctuation (、。「」 and the full-width forms such as （）：，).
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
QUOTED = re.compile(r"“[^”]*”")
# %(name)s and %% in python-format strings: a translation must keep exactly the same ones.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%%")
# The functions whose literal arguments makemessages extracts from Python code.
GETTEXT_FUNCTIONS = {
    "_": ("msgid",),
    "gettext": ("msgid",),
    "gettext_lazy": ("msgid",),
    "gettext_noop": ("msgid",),
    "ngettext": ("msgid", "plural"),
    "ngettext_lazy": ("msgid", "plural"),
    "pgettext": ("context", "msgid"),
    "pgettext_lazy": ("context", "msgid"),
    "npgettext": ("context", "msgid", "plural"),
    "npgettext_lazy": ("context", "msgid", "plural"),
}


@dataclass
class Entry:
    msgid: str = ""
    context: str | None = None
    plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.context, self.msgid)


def _unquote(text: str) -> str:
    return text[1:-1].encode("raw_unicode_escape").decode("unicode_escape")


def read_catalogue(path: Path = CATALOGUE) -> list[Entry]:
    """The entries of a .po file (header left out); small, because the file is written by gettext."""
    entries: list[Entry] = []
    entry, target = Entry(), ""
    for number, raw in enumerate([*path.read_text(encoding="utf-8").splitlines(), ""], start=1):
        line = raw.strip()
        if not line:
            if entry.line and entry.msgid:
                entries.append(entry)
            entry, target = Entry(), ""
        elif line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = _unquote(line)
            if target == "msgctxt":
                entry.context = (entry.context or "") + value
            elif target == "msgid":
                entry.msgid += value
            elif target == "msgid_plural":
                entry.plural = (entry.plural or "") + value
            else:
                index = int(target[7:-1]) if target.startswith("msgstr[") else 0
                entry.msgstr[index] += value
        else:
            keyword, _space, value = line.partition(" ")
            entry.line = entry.line or number
            target = keyword
            if keyword == "msgctxt":
                entry.context = _unquote(value)
            elif keyword == "msgid":
                entry.msgid = _unquote(value)
            elif keyword == "msgid_plural":
                entry.plural = _unquote(value)
            else:
                index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
                entry.msgstr[index] = _unquote(value)
    return entries


def python_messages() -> set[tuple[str | None, str]]:
    """(context, msgid) of every literal passed to a gettext function in the project's Python code."""
    found: set[tuple[str | None, str]] = set()
    for path in [*(ROOT / "xiaobao").rglob("*.py"), *(ROOT / "config").rglob("*.py")]:
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            roles = GETTEXT_FUNCTIONS.get(name or "")
            if not roles or len(node.args) < len(roles):
                continue
            args = dict(zip(roles, node.args, strict=False))
            literals = {role: arg.value for role, arg in args.items() if isinstance(arg, ast.Constant)}
            msgid, context = literals.get("msgid"), literals.get("context")
            if isinstance(msgid, str):
                assert context is None or isinstance(context, str), f"a message context is a string: {context!r}"
                found.add((context, msgid))
    return found


def template_messages() -> set[tuple[str | None, str]]:
    """(context, msgid) of every {% translate %} and {% blocktranslate %} in the project's templates."""
    backend = engines["django"]
    assert isinstance(backend, DjangoTemplates)
    engine = backend.engine
    found: set[tuple[str | None, str]] = set()
    for path in TEMPLATES.rglob("*.html"):
        nodelist = engine.get_template(str(path.relative_to(TEMPLATES))).nodelist
        for node in nodelist.get_nodes_by_type(TranslateNode):
            assert isinstance(node, TranslateNode)
            literal = _literal(node.filter_expression)
            if literal is not None:
                found.add((_literal(node.message_context), literal))
        for node in nodelist.get_nodes_by_type(BlockTranslateNode):
            assert isinstance(node, BlockTranslateNode)
            found.add((_literal(node.message_context), node.render_token_list(node.singular)[0]))
    return found


def _literal(expression: FilterExpression | None) -> str | None:
    """The quoted string a template tag was given, or None for a variable (or no argument)."""
    if expression is None:
        return None
    value = expression.var
    if isinstance(value, Variable):
        value = value.literal
    return str(value) if isinstance(value, str) else None


class VisibleText(HTMLParser):
    """The text of a page a person sees or hears, by the element it sits in."""

    SKIPPED = {"script", "style", "option", "optgroup", "textarea"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self) -> None:
        super().__init__()
        self.lang = ""
        self.stack: list[tuple[str, bool]] = []
        self.texts: list[tuple[tuple[str, ...], str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "html":
            self.lang = attributes.get("lang") or ""
        # Text marked lang="zh-CN" (the 中文 button) is Chinese on purpose, and read as Chinese.
        chinese = (attributes.get("lang") or "").startswith("zh") or (bool(self.stack) and self.stack[-1][1])
        for name in ("aria-label", "title", "placeholder", "alt"):
            if attributes.get(name) and not chinese:
                self.texts.append(((*self.tags(), tag), attributes[name] or ""))
        if tag not in self.VOID:
            self.stack.append((tag, chinese))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        tags = self.tags()
        if data.strip() and not self.SKIPPED & set(tags) and not (self.stack and self.stack[-1][1]):
            self.texts.append((tags, data.strip()))

    def tags(self) -> tuple[str, ...]:
        return tuple(tag for tag, _chinese in self.stack)

    def within(self, *tags: str) -> list[str]:
        return [text for where, text in self.texts if set(tags) & set(where)]


def read_page(html: str) -> VisibleText:
    page = VisibleText()
    page.feed(html)
    return page


class CatalogueTests(SimpleTestCase):
    def test_it_translates_every_message_and_leaves_none_fuzzy(self) -> None:
        entries = read_catalogue()

        self.assertGreater(len(entries), 500, "the catalogue is nearly empty: was makemessages run?")
        for entry in entries:
            with self.subTest(line=entry.line, msgid=entry.msgid):
                self.assertNotIn("fuzzy", entry.flags)
                self.assertEqual(sorted(entry.msgstr), [0, 1] if entry.plural else [0])
                for text in entry.msgstr.values():
                    self.assertTrue(text.strip(), "untranslated")
                    self.assertNotEqual(text, entry.msgid, "left in Chinese")
                    # A Chinese name in “quotes” is what to type where the data is Chinese.
                    unquoted = QUOTED.sub("", text)
                    self.assertIsNone(CJK.search(unquoted), "Chinese characters or punctuation in the English")

    def test_it_keeps_every_placeholder_of_the_chinese(self) -> None:
        for entry in read_catalogue():
            sources = [entry.msgid, entry.plural] if entry.plural else [entry.msgid]
            wanted = Counter(PLACEHOLDER.findall(sources[-1])) | Counter(PLACEHOLDER.findall(sources[0]))
            for index, text in entry.msgstr.items():
                with self.subTest(line=entry.line, msgid=entry.msgid, form=index):
                    self.assertEqual(Counter(PLACEHOLDER.findall(text)), wanted)

    def test_it_ships_the_compiled_catalogue_of_the_current_translations(self) -> None:
        with COMPILED.open("rb") as handle:
            compiled = gettext.GNUTranslations(handle)

        for entry in read_catalogue():
            with self.subTest(line=entry.line, msgid=entry.msgid):
                if entry.plural is not None:
                    for count, index in ((1, 0), (2, 1)):
                        got = (
                            compiled.npgettext(entry.context, entry.msgid, entry.plural, count)
                            if entry.context is not None
                            else compiled.ngettext(entry.msgid, entry.plural, count)
                        )
                        self.assertEqual(got, entry.msgstr[index], "django.mo is stale: run compilemessages")
                else:
                    got = (
                        compiled.pgettext(entry.context, entry.msgid)
                        if entry.context is not None
                        else compiled.gettext(entry.msgid)
                    )
                    self.assertEqual(got, entry.msgstr[0], "django.mo is stale: run compilemessages")

    def test_it_has_an_entry_for_every_string_marked_for_translation(self) -> None:
        known = {entry.key for entry in read_catalogue()}

        marked = python_messages() | template_messages()

        self.assertGreater(len(marked), 500, "the extraction found almost nothing: it no longer matches the code")
        self.assertEqual(sorted(marked - known, key=str), [], "run makemessages and translate the new entries")


class EnglishPageTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def assertSpeaksEnglish(self, html: str) -> VisibleText:
        page = read_page(html)
        self.assertEqual(page.lang, "en")
        for text in page.within("nav", "h1", "h2"):
            self.assertIsNone(CJK.search(text), f"Chinese in the navigation or a heading: {text!r}")
        return page

    def test_it_switches_to_english_with_the_language_button(self) -> None:
        self.client.cookies.clear()

        response = self.client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)

        self.assertRedirects(response, "/")
        self.assertContains(response, "<h1>Financial consumer protection</h1>", html=True)
        self.assertSpeaksEnglish(response.content.decode())
        self.assertContains(response, '<button name="language" value="zh-hans" class="btn btn-tool" lang="zh-CN">')

    def test_it_shows_the_home_page_in_english(self) -> None:
        page = self.assertSpeaksEnglish(self.client.get(reverse("home")).content.decode())

        self.assertIn("File a complaint", page.within("nav"))
        self.assertIn("How a complaint is handled", page.within("h2"))
        self.assertEqual([text for _where, text in page.texts if CJK.search(text)], [])

    def test_it_shows_the_complaint_form_in_english_apart_from_names_of_institutions_and_places(self) -> None:
        page = self.assertSpeaksEnglish(self.client.get(reverse("complaints:new")).content.decode())

        self.assertIn("File a complaint", page.within("h1"))
        self.assertIn("Submit complaint", page.within("button"))
        self.assertIn("Phone number", page.within("label"))
        self.assertIn("(required)", page.within("span"))
        # Institutions and counties are named in Chinese inside their <option>s; everything else is English.
        self.assertEqual([text for _where, text in page.texts if CJK.search(text)], [])

    def test_it_explains_a_wrong_phone_number_on_the_complaint_form_in_english(self) -> None:
        data = {
            "institution": self.icbc_changchun.pk,
            "business": self.credit_card.pk,
            "summary": "Annual fee charged without consent",
            "narrative": "The branch promised no annual fee, yet this month's statement charged 600 yuan.",
            "complainant_name": "Zhang Li",
            "phone": "12345",
            "demands": [Label.objects.get(kind=Label.Kind.DEMAND, name="退费").pk],
        }

        response = self.client.post(reverse("complaints:new"), data)

        self.assertEqual(response.status_code, 200)
        self.assertFalse(Complaint.objects.exists())
        page = self.assertSpeaksEnglish(response.content.decode())
        self.assertIn("Your form was not submitted. Please fix these problems and submit it again:", page.within("h2"))
        self.assertContains(response, "Error: Enter an 11-digit mobile number, or a landline number with its area code")
        self.assertIn(
            "Phone number: Enter an 11-digit mobile number, or a landline number with its area code "
            "(for example 0431-88886666).",
            page.within("a"),
        )

    def test_it_shows_the_login_page_in_english(self) -> None:
        page = self.assertSpeaksEnglish(self.client.get(reverse("accounts:login")).content.decode())

        self.assertIn("Log in", page.within("h1"))
        self.assertEqual([text for _where, text in page.texts if CJK.search(text)], [])

    def test_it_shows_the_complainant_their_complaint_in_english(self) -> None:
        complaint, _code = self.file_complaint(by=self.carla)
        complaint_accept(complaint=complaint, by=self.rita)
        self.client.force_login(self.carla)

        response = self.client.get(reverse("complaints:detail", kwargs={"number": complaint.number}))

        page = self.assertSpeaksEnglish(response.content.decode())
        self.assertIn(f"Complaint {complaint.number}", page.within("h1"))
        self.assertContains(response, "With the institution")
        self.assertIn("Accept and transfer to the institution", page.within("strong"))


class EnglishApiErrorTests(BaseTestCase):
    def post(self, url: str, data: dict, user: User) -> dict:
        response = self.client.post(
            url,
            data,
            content_type="application/json",
            headers={**bearer(user), "Accept-Language": "en"},
        )
        return {"status": response.status_code, **response.json()}

    def action_url(self, complaint: Complaint, action: str) -> str:
        return reverse(f"api:complaint-{action}", kwargs={"number": complaint.number})

    def test_it_explains_a_bad_field_in_english(self) -> None:
        body = {
            "institution": self.icbc_changchun.uscc,
            "business": self.credit_card.code,
            "summary": "Annual fee charged without consent",
            "narrative": "The branch promised no annual fee, yet this month's statement charged 600 yuan.",
            "complainant_name": "Zhang Li",
            "phone": "12345",
        }

        answer = self.post(reverse("api:complaint-list"), body, self.carla)

        self.assertEqual(answer["status"], 400)
        self.assertEqual(
            answer["errors"]["phone"],
            [
                "Enter a valid phone number: an 11-digit mobile number, or a landline number with its area code "
                "(such as 0431-88888888)."
            ],
        )
        self.assertFalse(Complaint.objects.exists())

    def test_it_says_in_english_why_the_state_does_not_allow_an_action(self) -> None:
        complaint, _code = self.file_complaint(by=self.carla)
        complaint_accept(complaint=complaint, by=self.rita)

        answer = self.post(self.action_url(complaint, "accept"), {}, self.rita)

        self.assertEqual(answer["status"], 400)
        self.assertEqual(
            answer["detail"], "The complaint's status is now “With the institution”, so this action is not possible."
        )

    def test_it_says_in_english_that_the_caller_may_not_act(self) -> None:
        complaint, _code = self.file_complaint(by=self.carla)

        answer = self.post(self.action_url(complaint, "accept"), {}, self.carla)

        self.assertEqual(answer["status"], 403)
        self.assertEqual(answer["detail"], "You are not allowed to take this action on this complaint.")
        complaint.refresh_from_db()
        self.assertEqual(complaint.status, Complaint.Status.SUBMITTED)
