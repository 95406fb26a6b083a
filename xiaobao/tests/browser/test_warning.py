"""An officer works an alert in a real browser: from the dashboard's map and top risks to closure."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from xiaobao.accounts.models import User
from xiaobao.registry.models import Category, Institution
from xiaobao.tests.browser.conftest import ICBC
from xiaobao.warning.models import Alert
from xiaobao.warning.services import scan_run
from xiaobao.warning.tests.series import complaints_on

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
expect = sync_api.expect

pytestmark = pytest.mark.browser


@pytest.fixture
def spike(regulator: User) -> Alert:
    """ICBC draws three credit-card complaints a day for four weeks, then thirty yesterday."""
    icbc = Institution.objects.get(name=ICBC)
    branch = icbc.branches.filter(region__code__startswith="2201").first() or icbc
    other = Institution.objects.get(name="吉林银行股份有限公司")
    card = Category.objects.get(dimension=Category.Dimension.BUSINESS, code="B03-02-04")
    as_of = timezone.localdate() - timedelta(days=1)
    for i in range(28, 0, -1):
        day = as_of - timedelta(days=i)
        complaints_on(day, 3, institution=branch, business=card, authority=regulator.own_authority)
        complaints_on(day, 3, institution=other, business=card, authority=regulator.own_authority, region="220202")
    complaints_on(as_of, 30, institution=branch, business=card, authority=regulator.own_authority)
    complaints_on(as_of, 3, institution=other, business=card, authority=regulator.own_authority, region="220202")
    scan_run(as_of=as_of, topics=False, risk_index=False)
    return Alert.objects.get(dimension="institution", granularity="day")


def test_it_lets_an_officer_work_an_alert_from_the_dashboard_to_closure(
    new_page: Any, login: Any, regulator: User, spike: Alert, screenshot: Any
) -> None:
    page = new_page()
    login(page, regulator.username)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="监测预警").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("监测预警")
    # The map and the trend are drawn, and their tables carry the same figures.
    expect(page.locator('[data-chart-option="alert-map"]')).to_have_attribute("data-chart-ready", "true")
    expect(page.locator('[data-chart-option="alert-trend"]')).to_have_attribute("data-chart-ready", "true")
    expect(
        page.get_by_role("table", name="各市（州）未办结预警").get_by_role("row", name=re.compile(r"^长春市 [1-9]"))
    ).to_be_visible()
    screenshot(page, "dashboard")

    page.get_by_role("table", name="风险最高的未办结预警").get_by_role("link", name=spike.number).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"预警 {spike.number}")
    expect(page.get_by_text("本期收到投诉 30 件")).to_be_visible()
    expect(page.locator('[data-chart-option="alert-history"]')).to_have_attribute("data-chart-ready", "true")

    page.get_by_role("button", name="开始核查").click()
    expect(page.locator("#status")).to_contain_text("核查中")

    close = page.locator("#action-close")
    close.get_by_role("button", name="办结").click()
    # The outcome and the reason are required, and the page says so in words next to them.
    expect(close.locator("#id_close-reason_error")).to_contain_text("错误")
    close.get_by_role("radio", name="误报").check()
    close.get_by_label("办结说明").fill("系统升级导致集中来电，已恢复正常，不属于风险事件。")
    close.get_by_role("button", name="办结").click()
    expect(page.locator("#status")).to_contain_text("误报")
    expect(page.get_by_role("list").filter(has_text="认定误报并办结")).to_be_visible()
    screenshot(page, "closed")

    spike.refresh_from_db()
    assert spike.status == Alert.Status.FALSE_POSITIVE
    assert spike.assigned_to == regulator
