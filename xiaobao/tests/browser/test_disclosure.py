"""The public complaint database in a real browser: a member of the public searches in Chinese,
filters, opens a complaint and downloads the result as Excel and CSV."""

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from xiaobao.complaints.services import complaint_accept
from xiaobao.disclosure.services import public_rebuild
from xiaobao.registry.models import Category
from xiaobao.testing import first_of, worksheet
from xiaobao.tests.browser.conftest import DESKTOP, PHONE
from xiaobao.tests.browser.test_accessibility import AXE, axe_violations, describe

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
expect = sync_api.expect

pytestmark = pytest.mark.browser


@pytest.fixture
def published(file_complaint: Any, regulator: Any) -> list[str]:
    """Three accepted complaints in the public database: two about card fees, one about a loan."""
    numbers = []
    loan = first_of(Category.objects.filter(dimension=Category.Dimension.BUSINESS, name__contains="贷款"))
    for overrides in (
        {
            "narrative": "信用卡年费被扣收600元，客户经理王建国承诺首年免年费，手机13812345678。",
            "consent_publish": True,
        },
        {"narrative": "办卡时说免年费，账单却扣了年费300元，客服一直推诿。", "consent_publish": True},
        {
            "business": loan,
            "summary": "提前还款违约金过高",
            "narrative": "提前还款被收违约金。",
            "consent_publish": True,
        },
    ):
        complaint, _code = file_complaint(**overrides)
        numbers.append(complaint_accept(complaint=complaint, by=regulator).number)
    public_rebuild()
    return numbers


def test_it_lets_the_public_search_in_chinese_filter_open_and_export(
    new_page: Any, screenshot: Any, published: list[str]
) -> None:
    page = new_page()
    page.goto("/")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="投诉公开查询").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("投诉公开查询")
    expect(page.get_by_text("数据更新于")).to_be_visible()

    page.get_by_label("关键词").fill("年费")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("heading", name="共找到 2 件投诉")).to_be_visible()
    expect(page.locator("mark", has_text="年费").first).to_be_visible()
    expect(page.get_by_text("王建国")).to_have_count(0)
    expect(page.get_by_text("13812345678")).to_have_count(0)

    page.get_by_label("业务类别").select_option(label="贷款")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("heading", name="共找到 0 件投诉")).to_be_visible()
    page.get_by_label("业务类别").select_option(label="全部")
    page.get_by_label("关键词").fill("首年 年费")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("heading", name="共找到 1 件投诉")).to_be_visible()
    screenshot(page, "results")

    page.get_by_role("link", name="信用卡年费未经同意被扣收").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"公开投诉 {published[0]}")
    expect(page.get_by_text("【姓名】")).to_be_visible()
    expect(page.get_by_text("【手机号】", exact=False)).to_be_visible()
    page.go_back()

    with page.expect_download() as download:
        page.get_by_role("link", name="Excel 表格").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    sheet = worksheet(load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())))
    assert sheet.cell(row=1, column=1).value == "投诉编号"
    assert [sheet.cell(row=r, column=1).value for r in range(2, sheet.max_row + 1)] == [published[0]]

    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert rows[0][0] == "投诉编号"
    assert [row[0] for row in rows[1:]] == [published[0]]
    assert "王建国" not in rows[1][-1]


@pytest.mark.parametrize("viewport", {"desktop": DESKTOP, "phone": PHONE})
def test_it_has_no_serious_axe_violations_on_the_public_database(
    new_page: Any, screenshot: Any, published: list[str], viewport: str
) -> None:
    assert AXE.exists()
    page = new_page(DESKTOP if viewport == "desktop" else PHONE)
    problems = []
    for name, url in (
        ("search", "/public/?search_term=年费"),
        ("detail", f"/public/{published[0]}/"),
        ("statistics", "/public/statistics/"),
    ):
        assert page.goto(url).ok, f"{name} did not load"
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (
            f"{name} scrolls sideways"
        )
        found = axe_violations(page)
        if found:
            screenshot(page, name)
            problems.append(describe(f"{viewport} {name}", found))
    assert not problems, "\n".join(problems)
