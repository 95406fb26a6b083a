"""A member of the public reads the latest quarterly report: its charts, its tables and its files."""

from datetime import date
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from xiaobao.complaints.services import complaint_accept
from xiaobao.disclosure.rules import rules_load as disclosure_rules_load
from xiaobao.disclosure.services import public_rebuild
from xiaobao.publications.services import publication_draft, publication_publish
from xiaobao.registry.models import Region
from xiaobao.tests.browser.test_accessibility import axe_violations, describe

pytestmark = pytest.mark.browser


def test_it_shows_the_latest_quarterly_report_with_its_charts_and_files(
    new_page: Any, screenshot: Any, file_complaint: Any, regulator: Any
) -> None:
    disclosure_rules_load()
    for _i in range(4):
        complaint, _code = file_complaint(region=Region.objects.get(code="220102"))
        complaint_accept(complaint=complaint, by=regulator)
    public_rebuild()
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    draft = publication_draft(year=today.year, quarter=quarter, by=regulator, today=date(today.year + 1, 1, 20))
    publication_publish(publication=draft, by=regulator)

    page = new_page()
    page.goto("/publications/")
    expect(page.get_by_role("heading", level=1)).to_have_text("投诉情况通报")
    page.get_by_role("region", name="最新一期").get_by_role("link", name=draft.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(draft.title)
    # The map of Jilin and the monthly line are drawn, and the figures are in tables beside them.
    expect(page.locator('[data-chart-option="chart-by-region"][data-chart-ready="true"]')).to_be_visible()
    expect(page.locator('[data-chart-option="chart-by-month"][data-chart-ready="true"]')).to_be_visible()
    region_table = page.get_by_role("table", name="按地区（市州）")
    expect(region_table.get_by_role("row", name="长春市 <10")).to_be_visible()
    screenshot(page, "report")
    found = axe_violations(page)
    assert not found, describe(page.url, found)

    with page.expect_download() as pdf:
        page.get_by_role("link", name="PDF 文件").click()
    assert pdf.value.suggested_filename == f"{draft.number}.pdf"
    with page.expect_download() as xlsx:
        page.get_by_role("link", name="Excel 表格").click()
    assert xlsx.value.suggested_filename == f"{draft.number}.xlsx"
