"""Whatever an outsider types into a public form, the platform answers with a page or a refusal,
never a server error: arbitrary text, huge numbers, odd dates and nested data in every field of every
form a visitor can reach without signing in, with DEBUG off as in production."""

from html.parser import HTMLParser
from typing import Any

from django.test import override_settings
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from xiaobao.testing import BaseTestCase

# The pages with a form anyone can fill in (query-string filters included).
PUBLIC_FORM_PAGES = (
    "/complaints/new/",
    "/track/",
    "/report/",
    "/report/lookup/",
    "/mediation/apply/",
    "/public/",
    "/penalties/",
    "/publications/",
    "/accounts/login/",
    "/accounts/login/sms/",
    "/accounts/register/",
    "/accounts/password/reset/",
    "/track/recover/",
)
# The second steps of the flows that text a code: reached with the number of the first step in the session.
CODE_STEP_PAGES = (
    ("/accounts/register/confirm/", "register"),
    ("/accounts/login/sms/code/", "sign_in"),
    ("/accounts/password/reset/code/", "reset"),
)
# Enough to reach each field with each kind of hostile value; few enough to run the whole in about two minutes.
EXAMPLES_PER_FORM = 15

HOSTILE = st.sampled_from(
    [
        "9" * 40,
        "-" + "9" * 40,
        "1" * 5000,
        "1e400",
        "-1e400",
        "NaN",
        "inf",
        str(2**63),
        str(-(2**63) - 1),
        "0",
        "-1",
        "0001-01-01",
        "9999-12-31",
        "10000-01-01",
        "2026-02-30",
        "2026-13-01",
        "1899-12-31 25:61",
        "[" * 2000 + "]" * 2000,
        '{"a":' * 1000 + "1" + "}" * 1000,
        "a[b][c][d]",
        "\x00",
        "\ud7ff\ufffe",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "../../etc/passwd",
        "",
        " ",
    ]
)
EVERY_FIELD = ("9" * 40, "1e400", "9999-12-31", "0001-01-01", "[" * 2000 + "]" * 2000)
VALUE = st.one_of(HOSTILE, st.text(max_size=40), st.integers().map(str), st.dates().map(str))
VALUES = st.lists(VALUE, min_size=1, max_size=3)


class _Forms(HTMLParser):
    """The forms of a page: method and the names of their fields."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form":
            self.forms.append(
                {"method": (found.get("method") or "get").lower(), "action": found.get("action"), "names": []}
            )
        elif (
            tag in ("input", "select", "textarea")
            and self.forms
            and found.get("name") not in (None, "csrfmiddlewaretoken")
            and found.get("type") not in ("file", "submit")
        ):
            self.forms[-1]["names"].append(found["name"])


def forms_on(html: str) -> list[dict[str, Any]]:
    parser = _Forms()
    parser.feed(html)
    return [form for form in parser.forms if form["names"]]


@override_settings(DEBUG=False)
class PublicFormPropertyTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.use_fresh_pages()

    def test_every_public_form_answers_hostile_input_without_a_server_error(self) -> None:
        seen: set[tuple[str, str, tuple[str, ...]]] = set()
        for url in PUBLIC_FORM_PAGES:
            page = self.client.get(url)
            self.assertEqual(page.status_code, 200, url)
            for form in forms_on(page.content.decode()):
                target = form["action"] or url
                key = (target, form["method"], tuple(sorted(set(form["names"]))))
                # The forms of the page frame (language, text size) are the same on every page: checked once.
                if key in seen:
                    continue
                seen.add(key)
                with self.subTest(url=url, action=target):
                    self.throw_at(target, form["method"], list(key[2]))
        self.assertGreaterEqual(len(seen), len(PUBLIC_FORM_PAGES))

    def test_every_code_step_answers_hostile_input_without_a_server_error(self) -> None:
        for url, purpose in CODE_STEP_PAGES:
            session = self.client.session
            session["xiaobao_flow_phone"] = {"phone": "+8613812345678", "purpose": purpose}
            session.save()
            page = self.client.get(url)
            self.assertEqual(page.status_code, 200, url)
            [form] = [f for f in forms_on(page.content.decode()) if f["method"] == "post" and not f["action"]]
            with self.subTest(url=url):
                self.throw_at(url, "post", sorted(set(form["names"])))

    def throw_at(self, url: str, method: str, names: list[str]) -> None:
        def check(data: dict[str, list[str]]) -> None:
            send = self.client.post if method == "post" else self.client.get
            try:
                response = send(url, data)
            except Exception as exc:  # the test client re-raises what would have been a 500
                raise AssertionError(f"{method.upper()} {url} {data!r:.500} raised {exc!r}") from exc
            self.assertLess(response.status_code, 500, f"{method.upper()} {url} {data!r:.500}")

        test = given(data=st.fixed_dictionaries({}, optional={name: VALUES for name in names}))(check)
        # Besides the generated ones, every field at once with each value the probe found a server error with.
        for value in EVERY_FIELD:
            test = example(data={name: [value] for name in names})(test)
        settings(
            max_examples=EXAMPLES_PER_FORM,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )(test)()
