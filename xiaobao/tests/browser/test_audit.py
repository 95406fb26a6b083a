"""The auditor finds, on the audit trail, a regulator's reveal of a complainant's ID number and the
attachment the regulator downloaded."""

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from xiaobao.accounts.models import User
from xiaobao.tests.browser.conftest import PASSWORD

pytestmark = pytest.mark.browser

ID_NUMBER = "220102199003071235"


def test_it_lets_the_auditor_find_a_reveal_and_a_download_by_filtering(
    new_page: Any, screenshot: Any, login: Any, file_complaint: Any, regulator: Any, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    scan = SimpleUploadedFile("身份证复印件.pdf", b"%PDF-1.4 id card", content_type="application/pdf")
    complaint, _code = file_complaint(id_number=ID_NUMBER, attachments=[scan])
    User.objects.create_user("wu-audit", password=PASSWORD, role=User.Role.AUDITOR, display_name="吴审计")

    desk = new_page()
    login(desk, regulator.username)
    desk.goto(f"/c/{complaint.number}/")
    personal = desk.locator("#personal")
    expect(personal).not_to_contain_text(ID_NUMBER)
    personal.get_by_role("button", name="显示完整联系方式").click()
    expect(desk.locator("#personal")).to_contain_text(ID_NUMBER)
    with desk.expect_download() as download:
        desk.get_by_role("link", name="身份证复印件.pdf").click()
    assert download.value.suggested_filename == "身份证复印件.pdf"

    audit = new_page()
    login(audit, "wu-audit")
    expect(audit.get_by_role("heading", level=1)).to_have_text("安全审计")
    filters = audit.get_by_role("form", name="筛选记录")
    filters.get_by_label("对象编号").fill(complaint.number)
    filters.get_by_label("类型").select_option(label="查看个人信息")
    filters.get_by_role("button", name="筛选").click()
    rows = audit.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(regulator.username)
    expect(rows.first).to_contain_text("id_number")
    screenshot(audit, "reveal-found")

    filters = audit.get_by_role("form", name="筛选记录")
    filters.get_by_label("类型").select_option(label="下载附件")
    filters.get_by_label("用户名").fill(regulator.username)
    filters.get_by_role("button", name="筛选").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("身份证复印件.pdf")
    expect(rows.first).to_contain_text(re.compile(r"127\.0\.0\.1"))
    screenshot(audit, "download-found")
