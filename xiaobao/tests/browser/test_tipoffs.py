"""Fundraising reports in a real browser: an anonymous report followed through its receipt, a named one
that earns a reward, and the reporter's pages checked like every other public page."""

import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from PIL import Image

from xiaobao.accounts.models import User
from xiaobao.registry.models import Authority
from xiaobao.tests.browser.conftest import PASSWORD, PHONE
from xiaobao.tests.browser.test_accessibility import AXE, VIEWPORTS, axe_violations, describe, widest
from xiaobao.tipoffs.models import Clue, ContactRead, Report, Reward

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
expect = sync_api.expect

pytestmark = pytest.mark.browser

RECEIPT_RE = re.compile(r"\d{4} \d{4} \d{4} \d{4}")
COMPANY = "吉林省长青养老服务有限公司"
SCHEME = "在老年活动室办免费健康讲座，发宣传单说投资养老公寓保本高息、稳赚不赔，年息18%，已有几十位老人交了钱。"
QUESTION = "宣传单上留的联系电话是多少？讲座在哪个小区办的？"
ANSWER = "电话是 0431-8888 6666，讲座在南关区幸福里小区活动室，每周三上午。"


def flyer_png() -> bytes:
    """A photo of the flyer, as a phone would upload it."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def officer(site: str) -> User:
    """方科员 works at Changchun's illegal-fundraising lead department (长春市处非办)."""
    return User.objects.create_user(
        "fang-chufei",
        password=PASSWORD,
        role=User.Role.REGULATOR,
        authority=Authority.objects.get(code="fundraising-changchun"),
        display_name="方科员",
    )


def fill_report(page: Any, *, evidence: bool = False) -> None:
    """The report form as the retired teacher fills it: who, where, what, and the flyer's photo."""
    page.get_by_role("radio", name="单位").check()
    page.get_by_label("单位名称或个人姓名").fill(COMPANY)
    page.get_by_label("所在地区").select_option(label="南关区")
    page.get_by_label("对方收钱用的账户").fill("6222 0212 3456 7890")
    page.get_by_label("发生了什么").fill(SCHEME)
    page.get_by_label("承诺的年收益率（%）").fill("18")
    page.get_by_label("大约多少人参与").fill("40")
    page.get_by_label("在哪里宣传").fill("免费健康讲座")
    if evidence:
        page.get_by_label("证据材料").set_input_files(
            files=[{"name": "宣传单.png", "mimeType": "image/png", "buffer": flyer_png()}]
        )


def submit_and_read_receipt(page: Any) -> str:
    page.get_by_role("button", name="提交举报").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("举报已提交")
    receipt = page.locator("#receipt").inner_text().strip()
    assert RECEIPT_RE.fullmatch(receipt), receipt
    expect(page.get_by_text("请现在就把这16位举报回执号抄写下来")).to_be_visible()
    return receipt


def look_up(page: Any, receipt: str) -> None:
    """举报查询 from the main navigation, with the receipt as written on the slip."""
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="举报查询").click()
    page.get_by_label("举报回执号").fill(receipt)
    page.get_by_role("button", name="查询", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("举报办理情况")


def open_report(desk: Any, number: str) -> None:
    desk.get_by_role("navigation", name="主导航").get_by_role("link", name="举报线索").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("举报线索")
    desk.get_by_role("link", name=number).click()
    expect(desk.get_by_role("heading", level=1)).to_have_text(f"举报 {number}")


def test_it_follows_an_anonymous_report_with_a_photo_from_question_to_answer_to_clue(
    new_page: Any, screenshot: Any, login: Any, officer: User
) -> None:
    page = new_page()
    page.goto("/")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="我要举报").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("我要举报")
    expect(page.get_by_text("不需要留姓名")).to_be_visible()
    fill_report(page, evidence=True)
    screenshot(page, "form-filled")
    receipt = submit_and_read_receipt(page)
    screenshot(page, "receipt")
    # The receipt is nowhere but on that page: not in the address, not in a cookie of this site.
    assert receipt.replace(" ", "") not in page.url
    assert not [c for c in page.context.cookies() if c["name"] == "sessionid"]
    report = Report.objects.get()
    assert report.anonymous and report.evidence.count() == 1

    desk = new_page()
    login(desk, officer.username)
    desk.get_by_role("navigation", name="主导航").get_by_role("link", name="举报线索").click()
    expect(desk.get_by_role("row").filter(has=desk.get_by_role("link", name=report.number))).to_contain_text(COMPANY)
    screenshot(desk, "officer-queue")
    open_report(desk, report.number)
    expect(desk.get_by_role("region", name="举报人", exact=True)).to_contain_text("匿名举报")
    expect(desk.get_by_role("region", name="证据材料")).to_contain_text("证据1.png")
    ask = desk.locator("#action-ask")
    ask.get_by_label("请举报人补充什么").fill(QUESTION)
    screenshot(desk, "officer-asking")
    ask.get_by_role("button", name="发给举报人").click()
    expect(desk.get_by_text("已请举报人补充情况。")).to_be_visible()
    expect(desk.locator("#status")).to_contain_text("需要补充情况")

    # Days later, in a fresh browser, with only the receipt written on paper.
    later = new_page()
    later.goto("/")
    look_up(later, receipt)
    expect(later.locator("#status")).to_contain_text("需要补充情况")
    expect(later.get_by_role("region", name="留言", exact=True)).to_contain_text(QUESTION)
    screenshot(later, "reporter-sees-question")
    later.get_by_label("补充情况或回复").fill(ANSWER)
    later.get_by_role("button", name="发送").click()
    expect(later.get_by_role("status")).to_contain_text("您的回复已发送")
    expect(later.get_by_role("region", name="留言", exact=True)).to_contain_text(ANSWER)
    screenshot(later, "reporter-answered")

    desk.reload()
    expect(desk.get_by_role("region", name="与举报人的留言")).to_contain_text(ANSWER)
    expect(desk.locator("#status")).to_contain_text("核实中")
    opening = desk.locator("#action-open")
    opening.get_by_label("承办人").select_option(label="方科员")
    opening.get_by_role("button", name="立为线索").click()
    expect(desk.get_by_text("已立为线索。")).to_be_visible()
    expect(desk.locator("#status")).to_contain_text("已立为线索")
    screenshot(desk, "clue-opened")
    clue = Clue.objects.get()
    desk.locator("#status").get_by_role("link", name=clue.number).click()
    expect(desk.get_by_role("heading", level=1)).to_have_text(f"线索 {clue.number}")
    expect(desk.get_by_role("region", name="这条线索的举报")).to_contain_text(report.number)
    screenshot(desk, "clue")

    later.goto("/")
    look_up(later, receipt)
    expect(later.locator("#status")).to_contain_text("已立为线索")


def test_it_rewards_a_named_report_and_tells_the_reporter_through_the_receipt(
    new_page: Any, screenshot: Any, login: Any, officer: User
) -> None:
    page = new_page()
    page.goto("/report/")
    fill_report(page)
    page.get_by_role("radio", name=re.compile("^留下姓名和联系方式")).check()
    page.get_by_label("您的姓名").fill("王淑芬")
    page.get_by_label("您的电话").fill("139 0431 0000")
    page.get_by_role("checkbox", name="申请举报奖励").check()
    screenshot(page, "named-form")
    receipt = submit_and_read_receipt(page)
    report = Report.objects.get()
    assert not report.anonymous and report.wants_reward

    desk = new_page()
    login(desk, officer.username)
    open_report(desk, report.number)
    reporter = desk.get_by_role("region", name="举报人", exact=True)
    expect(reporter).to_contain_text("139****0000")
    expect(reporter).not_to_contain_text("13904310000")
    reporter.get_by_role("button", name="显示完整联系方式").click()
    expect(desk.get_by_role("region", name="举报人", exact=True)).to_contain_text("13904310000")
    assert ContactRead.objects.filter(report=report, user=officer).count() == 1
    screenshot(desk, "contact-revealed")

    opening = desk.locator("#action-open")
    opening.get_by_label("承办人").select_option(label="方科员")
    opening.get_by_role("button", name="立为线索").click()
    expect(desk.get_by_text("已立为线索。")).to_be_visible()
    reward = desk.locator("#action-reward")
    reward.get_by_role("radio", name="给予奖励").check()
    reward.get_by_label("奖励档次").select_option(label="立案奖励")
    reward.get_by_label("奖励金额（元）").fill("800")
    reward.get_by_label("理由").fill("实名首次举报，线索经核查属实。")
    screenshot(desk, "deciding-reward")
    reward.get_by_role("button", name="作出奖励决定").click()
    expect(desk.get_by_text("奖励决定已作出。")).to_be_visible()
    assert Reward.objects.get(report=report).granted

    later = new_page()
    later.goto("/")
    look_up(later, receipt)
    decision = later.get_by_role("region", name="奖励决定", exact=True)
    expect(decision).to_contain_text("800.00 元")
    expect(decision).to_contain_text("实名首次举报，线索经核查属实。")
    screenshot(later, "reporter-sees-reward")


def reporter_pages(page: Any) -> Iterator[str]:
    """The reporter's pages in the order a reporter meets them; yield each page's name while on it."""
    page.goto("/")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="我要举报").click()
    yield "report-form"
    page.get_by_role("button", name="提交举报").click()
    expect(page.get_by_role("alert").filter(has_text="提交未成功")).to_be_visible()
    yield "report-form-errors"
    fill_report(page)
    receipt = submit_and_read_receipt(page)
    yield "report-receipt"
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="举报查询").click()
    page.get_by_label("举报回执号").fill("1234 5678 1234 5678")
    page.get_by_role("button", name="查询", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("回执号不正确或不存在")
    yield "lookup-wrong"
    look_up(page, receipt)
    yield "report-status"


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_it_has_no_serious_axe_violations_on_the_reporters_pages(new_page: Any, screenshot: Any, viewport: str) -> None:
    assert AXE.exists(), f"{AXE} is missing: run `npm ci` (axe-core is in package.json)"
    page = new_page(VIEWPORTS[viewport])
    problems = []
    for name in reporter_pages(page):
        found = axe_violations(page)
        if found:
            screenshot(page, name)
            problems.append(describe(f"{viewport} {name} {page.url}", found))
    assert not problems, "axe-core found serious or critical violations:\n" + "\n".join(problems)


def test_it_declares_chinese_and_fits_a_phone_screen_on_the_reporters_pages(new_page: Any, screenshot: Any) -> None:
    page = new_page(PHONE)
    too_wide = []
    for name in reporter_pages(page):
        expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if widths[0] > widths[1]:
            too_wide.append(f"{name}: {widths[0]}px wide in a {widths[1]}px window{widest(page)}")
        screenshot(page, name)
    assert not too_wide, "pages scroll sideways on a phone:\n" + "\n".join(too_wide)
