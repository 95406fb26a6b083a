"""A regulator turns an alert into a public risk warning; a colleague publishes it; the public reads it on
the home page, on its own page (desktop, phone, elder mode) and in the feed."""

from datetime import date
from typing import Any

import pytest

from xiaobao.accounts.models import User
from xiaobao.registry.models import Authority, Institution, Region
from xiaobao.riskwarnings.models import RiskWarning
from xiaobao.riskwarnings.rules import audiences_load
from xiaobao.tests.browser.conftest import ICBC, PASSWORD, PHONE, REGULATOR_AUTHORITY
from xiaobao.tests.browser.test_accessibility import ELDER_BODY_PX, axe_violations, describe
from xiaobao.warning.models import Alert

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
expect = sync_api.expect

pytestmark = pytest.mark.browser

TITLE = "警惕冒用银行名义的“信用卡提额”“代理退费”骗局"


@pytest.fixture
def alert(regulator: User) -> Alert:
    """A red alert on ICBC's card complaints in Changchun, as the nightly scan raises it."""
    audiences_load()  # the live server's database is flushed between tests, seeded rows with it
    icbc = Institution.objects.get(name=ICBC)
    return Alert.objects.create(
        number="YJ-20261201-000007",
        kind=Alert.Kind.ANOMALY,
        dimension="institution",
        granularity="month",
        key=icbc.name,
        key_code=f"institution:{icbc.pk}",
        period_start=date(2026, 11, 1),
        period_end=date(2026, 11, 30),
        observed=42,
        expected=9.5,
        p_value=1e-6,
        score=6,
        level="red",
        authority=regulator.own_authority,
        institution=icbc,
        region=Region.objects.get(code="220100"),
    )


@pytest.fixture
def reviewer(site: str) -> User:
    """严处长, the regulator's consumer-protection head, reviews what her staff draft."""
    return User.objects.create_user(
        "yan-nfra",
        password=PASSWORD,
        role=User.Role.REGULATOR,
        authority=Authority.objects.get(code=REGULATOR_AUTHORITY),
        display_name="严处长",
    )


def test_it_turns_an_alert_into_a_warning_the_public_reads_on_the_home_page_and_in_the_feed(
    new_page: Any, login: Any, regulator: User, reviewer: User, alert: Alert, screenshot: Any
) -> None:
    page = new_page()
    login(page, regulator.username)
    page.goto(f"/warning/alerts/{alert.number}/")
    page.get_by_role("link", name="据此起草风险提示").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("起草风险提示")
    # The draft starts from the alert: what it is about, and where.
    expect(page.get_by_label("标题")).to_have_value(f"关于警惕“{ICBC}”相关风险的提示")
    expect(page.get_by_role("checkbox", name="长春市")).to_be_checked()
    page.get_by_label("标题").fill(TITLE)
    page.get_by_role("button", name="保存草稿").click()
    # Who is at risk is required, and the page says so in words.
    expect(page.locator("#id_audiences_error")).to_contain_text("错误")
    page.get_by_label("标题").fill(TITLE)
    page.get_by_role("checkbox", name="所有人").check()
    page.get_by_role("checkbox", name="老年人").check()
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("风险提示 FX-")
    expect(page.get_by_role("link", name=alert.number)).to_be_visible()
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator("#status")).to_contain_text("待审核")
    # The author is not offered the review.
    expect(page.get_by_role("button", name="审核通过并发布")).to_have_count(0)
    screenshot(page, "submitted")
    warning = RiskWarning.objects.get(title=TITLE)

    second = new_page()
    login(second, reviewer.username)
    second.goto(f"/risk-warnings/manage/{warning.number}/")
    second.get_by_role("button", name="审核通过并发布").click()
    expect(second.locator("#status")).to_contain_text("已发布")
    expect(second.get_by_role("list").filter(has_text="审核发布")).to_contain_text("严处长")

    visitor = new_page()
    visitor.goto("/")
    newest = visitor.get_by_role("region", name="最新风险提示")
    newest.get_by_role("link", name=TITLE).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(visitor.get_by_text(alert.number)).to_have_count(0)  # the evidence stays inside
    screenshot(visitor, "public")
    feed = visitor.request.get("/risk-warnings/feed/")
    assert feed.ok
    assert TITLE in feed.text() and f"/risk-warnings/{warning.number}/" in feed.text()


def test_it_reads_a_warning_without_serious_axe_violations_on_a_phone_in_elder_mode(
    new_page: Any, regulator: User, reviewer: User, screenshot: Any
) -> None:
    from xiaobao.riskwarnings import services
    from xiaobao.riskwarnings.models import Audience

    audiences_load()
    warning = services.warning_draft(
        by=regulator,
        title="警惕以“养老服务”为名的非法集资",
        body="近期有不法分子以养老服务为名，承诺高额回报。\n\n请牢记：保本高息、稳赚不赔的都是陷阱。",
        scheme="以养老公寓为名吸收老年人资金",
        audiences=list(Audience.objects.filter(code="elderly")),
        regions=list(Region.objects.filter(code="220000")),
    )
    services.warning_submit(warning=warning, by=regulator)
    services.warning_publish(warning=warning, by=reviewer)
    problems = []
    for viewport in (None, PHONE):
        page = new_page(viewport)
        page.goto("/risk-warnings/")
        page.get_by_role("button", name="长辈版").click()
        expect(page.locator("html")).to_have_class("size-standard elder")
        for name, url in (("list", "/risk-warnings/"), ("detail", f"/risk-warnings/{warning.number}/")):
            page.goto(url)
            expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
            found = axe_violations(page)
            if found:
                problems.append(describe(f"{name} {viewport}", found))
            body_px = page.evaluate("parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)")
            assert body_px >= ELDER_BODY_PX, f"{name}: body text {body_px}px in elder mode"
            widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            assert widths[0] <= widths[1], f"{name} scrolls sideways: {widths}"
            screenshot(page, f"{name}-{'phone' if viewport else 'desktop'}-elder")
    assert not problems, "\n".join(problems)
