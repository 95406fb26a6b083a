"""An overdue complaint escalated to the province, in a real browser: the province office's officer finds it
on the overdue dashboard, counted under the city office that sat on it, and opens the case from its link."""

from datetime import timedelta
from typing import Any

import pytest

from xiaobao.accounts.models import User
from xiaobao.complaints.models import Deadline
from xiaobao.complaints.services import complaint_transfer, deadlines_sweep
from xiaobao.registry.models import Authority
from xiaobao.tests.browser.conftest import PASSWORD

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
expect = sync_api.expect

pytestmark = pytest.mark.browser


def test_it_shows_a_complaint_escalated_to_the_province_on_its_dashboard_and_opens_it(
    new_page: Any, screenshot: Any, login: Any, regulator: Any, file_complaint: Any
) -> None:
    city = Authority.objects.get(code="local-changchun")
    province = Authority.objects.get(code="local-jilin")
    officer = User.objects.create_user(
        "qin-local", password=PASSWORD, role=User.Role.REGULATOR, authority=province, display_name="秦处长"
    )
    complaint, _code = file_complaint()
    complaint = complaint_transfer(complaint=complaint, by=regulator, reason="属地方金融组织业务", to_authority=city)
    accept = complaint.deadlines.get(kind=Deadline.Kind.ACCEPT, closed_at__isnull=True)
    # The city office lets the acceptance deadline pass, then the escalation's own deadline.
    deadlines_sweep(today=accept.due_date + timedelta(days=1))
    accept.refresh_from_db()
    assert accept.escalation_level == 1 and accept.escalation_due is not None
    deadlines_sweep(today=accept.escalation_due + timedelta(days=1))

    page = new_page()
    login(page, officer.username)
    page.get_by_role("link", name="逾期督导").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("逾期督导看板")
    counts = page.get_by_role("table", name="逾期事项统计")
    row = counts.get_by_role("row").filter(has_text=city.name)
    expect(row).to_contain_text("投诉：受理转办")
    screenshot(page, "dashboard")
    row.get_by_role("link", name=f"{city.name} 投诉：受理转办：1 件").click()
    expect(page.get_by_role("heading", level=2)).to_have_text(f"{city.name} · 投诉：受理转办")
    page.get_by_role("link", name=complaint.number).click()
    page.wait_for_url(f"**/c/{complaint.number}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(complaint.number)
    expect(page.get_by_text(f"升级至 {province.name}").first).to_be_visible()
    screenshot(page, "case")

    # The city office itself is no province office: it has no dashboard.
    city_officer = User.objects.create_user(
        "lu-city", password=PASSWORD, role=User.Role.REGULATOR, authority=city, display_name="陆科员"
    )
    other = new_page()
    login(other, city_officer.username)
    expect(other.get_by_role("link", name="逾期督导")).to_have_count(0)
    response = other.goto("/oversight/overdue/")
    assert response is not None and response.status == 403
