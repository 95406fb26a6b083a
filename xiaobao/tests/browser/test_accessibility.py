"""The public pages checked the way people with weak sight, shaky hands or no mouse use them.

axe-core catches about half of real problems automatically; the language, phone width, elder
mode and keyboard checks below cover what it cannot see.
"""

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from xiaobao.tests.browser.conftest import DESKTOP, PHONE

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
expect = sync_api.expect

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[3] / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.2 AA, the platform's automated gate (GB/T 37668 一级 and 二级 are close to WCAG A and AA).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = ("serious", "critical")
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}
# MIIT's elderly-friendly specification: body text >= 18 px and targets >= 60 px in elder mode;
# headings >= 30 px at the largest text size.
ELDER_BODY_PX = 18
ELDER_TARGET_PX = 60
LARGEST_H1_PX = 30
# The form has about 45 stops from the skip link to 提交投诉; more means focus is lost or looping.
MAX_TAB_STOPS = 80
HAN = re.compile(r"[\u4e00-\u9fff]")


def public_pages(page: Any, fill_complaint_form: Callable[..., None]) -> Iterator[str]:
    """Visit every public page in the order a guest meets them; yield each page's name while on it."""
    page.goto("/")
    yield "home"
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="我要投诉").click()
    yield "form"
    page.get_by_role("button", name="提交投诉").click()
    expect(page.get_by_role("alert").filter(has_text="提交未成功")).to_be_visible()
    yield "form-errors"
    fill_complaint_form(page)
    page.get_by_role("button", name="提交投诉").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("投诉已提交")
    yield "receipt"
    page.get_by_role("link", name="查看投诉详情").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("投诉 JL-")
    yield "detail"
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="查询进度").click()
    yield "track"
    page.get_by_role("link", name="用手机号码找回查询码").click()
    yield "track-recover"
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="登录").click()
    yield "login"
    page.get_by_role("link", name="忘记密码？").click()
    yield "password-reset"
    page.goto("/accounts/login/sms/")
    yield "sms-sign-in"
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="注册").click()
    yield "register"
    page.goto("/penalties/")
    yield "penalties"
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="红黑名单").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("红黑名单公示")
    yield "credit"
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="金融产品").click()
    yield "products"
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="风险提示").click()
    yield "risk-warnings"


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core in the page and return its serious and critical violations.

    The site's CSP (script-src 'self') blocks the inline <script> that add_script_tag(path=...)
    writes; page.evaluate runs through the DevTools protocol, which CSP does not govern.
    """
    if page.evaluate("typeof window.axe") == "undefined":
        page.evaluate(AXE.read_text())
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return [v for v in results["violations"] if v["impact"] in BLOCKING]


def describe(where: str, violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{where}] {v['id']} ({v['impact']}): {v['help']}  {v['helpUrl']}")
        for node in v["nodes"][:5]:
            lines.append(f"    at {' '.join(node['target'])}: {node['failureSummary'].replace(chr(10), ' ')}")
            lines.append(f"       {node['html'][:160]}")
    return "\n".join(lines)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_it_has_no_serious_axe_violations_on_any_public_page(
    new_page: Any, screenshot: Any, fill_complaint_form: Any, viewport: str
) -> None:
    assert AXE.exists(), f"{AXE} is missing: run `npm ci` (axe-core is in package.json)"
    page = new_page(VIEWPORTS[viewport])
    problems = []
    for name in public_pages(page, fill_complaint_form):
        found = axe_violations(page)
        if found:
            screenshot(page, name)
            problems.append(describe(f"{viewport} {name} {page.url}", found))
    assert not problems, "axe-core found serious or critical violations:\n" + "\n".join(problems)


def test_it_declares_chinese_and_fits_a_phone_screen_on_every_public_page(
    new_page: Any, screenshot: Any, fill_complaint_form: Any
) -> None:
    page = new_page(PHONE)
    too_wide = []
    for name in public_pages(page, fill_complaint_form):
        # axe-core accepts any valid lang, even "en" on a Chinese page: the value itself is checked here.
        expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if widths[0] > widths[1]:
            too_wide.append(f"{name}: {widths[0]}px wide in a {widths[1]}px window{widest(page)}")
        screenshot(page, name)
    assert not too_wide, "pages scroll sideways on a phone:\n" + "\n".join(too_wide)


def widest(page: Any) -> str:
    """The element that sticks out furthest to the right, to say where a horizontal scroll comes from."""
    found = page.evaluate(
        """() => {
            let best = null, right = window.innerWidth;
            for (const el of document.body.querySelectorAll('*')) {
                const r = el.getBoundingClientRect();
                if (r.right > right) { right = r.right; best = el; }
            }
            return best && `${best.tagName.toLowerCase()}.${best.className} (right edge ${Math.round(right)}px)`;
        }"""
    )
    return f"; widest: {found}" if found else ""


def test_it_declares_english_when_switched_to_english(new_page: Any, screenshot: Any) -> None:
    page = new_page()
    page.goto("/complaints/new/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")

    page.get_by_role("button", name="English").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile("/complaints/new/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("File a complaint")
    screenshot(page, "form-en")
    page.goto("/track/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    english_heading = page.get_by_role("heading", level=1).inner_text()
    english_nav = page.get_by_role("navigation", name="Main navigation").inner_text()
    page.get_by_role("button", name="中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("heading", level=1)).to_have_text("查询投诉进度")

    # lang="en" over Chinese words makes a screen reader read them with an English voice.
    assert not HAN.search(english_heading), f"the English page's heading is Chinese: {english_heading}"
    assert not HAN.search(english_nav), f"the English page's navigation is Chinese: {english_nav}"


def box(page: Any, locator: Any) -> list[str]:
    """Each element under locator smaller than the elder-mode target, by its name and size."""
    small = []
    for i in range(locator.count()):
        item = locator.nth(i)
        size = item.bounding_box()
        if size is None or size["width"] < ELDER_TARGET_PX or size["height"] < ELDER_TARGET_PX:
            what = item.evaluate(
                "e => `<${e.tagName.toLowerCase()}${e.id ? ' id=' + e.id : ''}> “${(e.innerText || e.labels?.[0]?.innerText || '').trim()}”`"
            )
            shown = f"{size['width']:.0f}×{size['height']:.0f}px" if size else "not shown"
            small.append(f"{page.url} {what}: {shown}")
    return small


def px(page: Any, selector: str, prop: str) -> float:
    value = page.evaluate("([s, p]) => getComputedStyle(document.querySelector(s))[p]", [selector, prop])
    return float(value.removesuffix("px"))


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_it_enlarges_text_and_targets_in_elder_mode(new_page: Any, screenshot: Any, viewport: str) -> None:
    page = new_page(VIEWPORTS[viewport])
    page.goto("/")

    page.get_by_role("button", name="长辈版").click()

    expect(page.get_by_role("button", name="退出长辈版")).to_have_attribute("aria-pressed", "true")
    assert px(page, "body", "fontSize") >= ELDER_BODY_PX
    header = page.locator("header")
    small = box(page, header.get_by_role("navigation", name="主导航").locator("a, button"))
    small += box(page, header.get_by_role("button"))
    screenshot(page, "home")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="我要投诉").click()
    assert px(page, "body", "fontSize") >= ELDER_BODY_PX
    small += box(page, page.get_by_role("button", name="提交投诉"))
    # The file picker and each tick box's label are targets on the same form.
    small += box(page, page.get_by_label("附件"))
    small += box(page, page.locator("label.choice"))
    screenshot(page, "form")
    assert not small, f"targets under {ELDER_TARGET_PX}×{ELDER_TARGET_PX}px in elder mode:\n" + "\n".join(small)
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the form scrolls sideways in elder mode: {widths}{widest(page)}"


def test_it_makes_headings_at_least_30px_at_the_largest_text_size(new_page: Any, screenshot: Any) -> None:
    page = new_page()
    page.goto("/")

    page.get_by_role("button", name="特大").click()

    expect(page.get_by_role("button", name="特大")).to_have_attribute("aria-pressed", "true")
    assert px(page, "h1", "fontSize") >= LARGEST_H1_PX
    page.goto("/complaints/new/")
    assert px(page, "h1", "fontSize") >= LARGEST_H1_PX
    screenshot(page, "form")


def test_it_can_be_used_by_keyboard_with_a_visible_focus_on_every_stop(new_page: Any) -> None:
    page = new_page()
    page.goto("/complaints/new/")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="跳到主要内容")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    # From the top of the page to the submit button, every stop on the way shows where focus is.
    page.goto("/complaints/new/")
    stops: list[Any] = []
    invisible: list[Any] = []
    submit = page.get_by_role("button", name="提交投诉")
    while len(stops) < MAX_TAB_STOPS:
        page.keyboard.press("Tab")
        stop = page.evaluate(
            """() => {
                const el = document.activeElement, style = getComputedStyle(el), r = el.getBoundingClientRect();
                const name = el.labels?.[0]?.innerText || el.innerText || el.name || '';
                return {
                    what: `${el.tagName.toLowerCase()}#${el.id} “${name.trim().split('\\n')[0].slice(0, 30)}”`,
                    outline: parseFloat(style.outlineWidth) || 0,
                    outlineStyle: style.outlineStyle,
                    shown: r.width > 0 && r.height > 0,
                };
            }"""
        )
        stops.append(stop["what"])
        if stop["outline"] <= 0 or stop["outlineStyle"] == "none" or not stop["shown"]:
            invisible.append(json.dumps(stop, ensure_ascii=False))
        if submit.evaluate("e => e === document.activeElement"):
            break
    trail = "\n  ".join(stops)
    assert submit.evaluate("e => e === document.activeElement"), f"Tab never reached 提交投诉:\n  {trail}"
    assert len(set(stops)) == len(stops), f"focus went round in a loop:\n  {trail}"
    assert not invisible, "tab stops without a visible focus indicator:\n" + "\n".join(invisible)
