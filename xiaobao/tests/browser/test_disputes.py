"""Mediation through the real pages: the consumer applies after an unsatisfying answer, the bank agrees,
the mediator schedules a sitting and records the agreement, the agreement PDF names the parties and the
amount, and the consumer confirms payment."""

import io
import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from xiaobao.accounts.models import User
from xiaobao.complaints.models import Complaint
from xiaobao.complaints.services import complaint_accept, complaint_answer
from xiaobao.disputes.models import Dispute, MediationBody, Mediator
from xiaobao.disputes.rules import rules_load
from xiaobao.tests.browser.conftest import PASSWORD
from xiaobao.tests.browser.test_accessibility import AXE, axe_violations, describe

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
pypdf = pytest.importorskip("pypdf", reason="pypdf (requirements-dev.txt) reads the agreement back")
expect = sync_api.expect

pytestmark = pytest.mark.browser

CENTRE = "吉林省银行业保险业纠纷调解中心"


@pytest.fixture
def mediation_rules(site: str) -> None:
    # The live server's database is emptied after every test, the seeded bodies and clocks with it.
    rules_load()


@pytest.fixture
def consumer(site: str) -> User:
    """张丽 has an account and complains about her credit card's annual fee."""
    return User.objects.create_user("zhang-li", password=PASSWORD, role=User.Role.CONSUMER, display_name="张丽")


@pytest.fixture
def mediator(mediation_rules: None) -> User:
    """周调解员 mediates at the province's banking and insurance mediation centre."""
    user = User.objects.create_user("zhou-mediator", password=PASSWORD, role=User.Role.MEDIATOR, display_name="周文斌")
    Mediator.objects.create(user=user, body=MediationBody.objects.get(code="jl-bank-insurance"))
    return user


def test_it_takes_an_unsatisfied_consumer_through_mediation_to_a_paid_agreement(
    new_page: Any,
    screenshot: Any,
    login: Any,
    file_complaint: Any,
    handler: User,
    regulator: User,
    consumer: User,
    mediator: User,
) -> None:
    complaint, _code = file_complaint(by=consumer, amount=Decimal("600.00"))
    complaint_accept(complaint=complaint, by=regulator)
    complaint_answer(
        complaint=complaint,
        by=handler,
        outcome=Complaint.Outcome.NOT_UPHELD,
        decision="经核实，年费收取符合领用合约约定，不予退还。",
    )

    # The consumer reads the answer and applies for mediation from the complaint's page.
    me = new_page()
    login(me, consumer.username)
    me.goto(f"/c/{complaint.number}/")
    me.get_by_role("link", name="申请调解").click()
    expect(me.get_by_role("heading", level=1)).to_have_text("申请调解")
    me.get_by_label("调解请求和理由").fill("请求退还年费600元。办卡时工作人员承诺免年费，答复不认可。")
    me.get_by_label("请求金额（元）").fill("600")
    me.get_by_role("radio", name="线上").check()
    screenshot(me, "apply")
    me.get_by_role("button", name="提交调解申请").click()
    expect(me.get_by_role("heading", level=1)).to_have_text(re.compile(r"纠纷 JL-\d{8}-\d+-T1"))
    expect(me.locator("#status")).to_contain_text("待机构答复")
    expect(me.locator("#status")).to_contain_text("小额纠纷快速解决")
    dispute = Dispute.objects.get(complaint=complaint)

    # The bank agrees on its dispute desk; the platform assigns the centre's mediator.
    bank = new_page()
    login(bank, handler.username)
    bank.get_by_role("navigation", name="主导航").get_by_role("link", name="纠纷化解").click()
    bank.get_by_role("link", name=dispute.number).click()
    bank.get_by_role("radio", name="同意调解", exact=True).check()
    bank.get_by_role("button", name="提交答复").click()
    expect(bank.locator("#status")).to_contain_text("调解中")
    expect(bank.get_by_text(CENTRE).first).to_be_visible()

    # The mediator lands on the assigned cases, schedules a sitting and records the agreement.
    desk = new_page()
    login(desk, mediator.username)
    expect(desk.get_by_role("heading", level=1)).to_have_text("我承办的纠纷")
    desk.get_by_role("link", name=dispute.number).click()
    sitting = timezone.localtime() + timedelta(days=2)
    schedule = desk.locator("#action-schedule")
    schedule.get_by_label("调解时间").fill(f"{sitting:%Y-%m-%d}T10:00")
    schedule.get_by_role("radio", name="线上").check()
    schedule.get_by_label("地点或线上会议链接").fill("线上调解室 8801")
    schedule.get_by_role("button", name="安排并通知双方").click()
    expect(desk.get_by_text("调解会议已安排，已通知双方。")).to_be_visible()
    expect(desk.get_by_text("线上调解室 8801").first).to_be_visible()

    agree = desk.locator("#action-agree")
    agree.get_by_label("协议内容").fill("被申请人于十日内向申请人退还信用卡年费人民币600元。")
    agree.get_by_label("协议金额（元）").fill("600")
    agree.get_by_label("履行期限").fill(f"{timezone.localdate() + timedelta(days=10):%Y-%m-%d}")
    agree.get_by_role("button", name="记录协议").click()
    expect(desk.locator("#status")).to_contain_text("已达成协议")
    screenshot(desk, "agreed")

    with desk.expect_download() as download:
        desk.get_by_role("link", name="下载调解协议书（PDF）").click()
    pdf = pypdf.PdfReader(io.BytesIO(download.value.path().read_bytes()))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "调解协议书" in text
    assert "张丽" in text
    assert complaint.institution.name in text
    assert "600.00" in text
    assert CENTRE in text

    # The consumer sees the agreement and confirms the bank paid.
    me.goto(f"/disputes/{dispute.number}/")
    expect(me.locator("#agreed-amount")).to_contain_text("600.00")
    me.locator("#action-performed").get_by_label("说明").fill("已于今日收到退款600元。")
    me.get_by_role("button", name="确认已履行").click()
    expect(me.locator("#status")).to_contain_text("协议已履行")
    screenshot(me, "performed")
    dispute.refresh_from_db()
    assert dispute.status == Dispute.Status.PERFORMED
    # And every step is on the complaint's own timeline.
    me.goto(f"/c/{complaint.number}/")
    for step in ("申请调解", "机构同意调解", "分派调解", "安排调解会议", "达成调解协议", "投诉人确认协议已履行"):
        expect(me.locator(".timeline").get_by_text(step).first).to_be_visible()


def test_it_lists_mediation_bodies_by_region_without_serious_axe_violations(
    new_page: Any, screenshot: Any, mediation_rules: None
) -> None:
    page = new_page()
    page.goto("/")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="调解组织").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("金融纠纷调解组织")
    expect(page.get_by_role("heading", name="延边朝鲜族自治州", exact=True)).to_be_visible()
    expect(page.get_by_text(CENTRE)).to_be_visible()
    # The Jilin map is drawn from the locally served ECharts and map files, beside its table.
    expect(page.locator('[data-chart-ready="true"]')).to_be_visible()
    expect(page.get_by_role("table").filter(has_text="长春市")).to_be_visible()
    screenshot(page, "bodies")
    assert AXE.exists(), f"{AXE} is missing: run `npm ci`"
    found = axe_violations(page)
    assert not found, describe("mediation bodies", found)


def test_it_lets_a_guest_apply_for_mediation_directly_and_follow_it_with_number_and_code(
    new_page: Any, screenshot: Any, login: Any, handler: User, mediator: User
) -> None:
    from xiaobao.tests.browser.conftest import ICBC
    from xiaobao.tests.browser.test_journey import receipt, track

    page = new_page()
    page.goto("/mediation/")
    page.get_by_role("link", name="直接申请调解").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("直接申请调解")
    page.get_by_role("button", name="提交调解申请").click()
    # Nothing filled in: the summary names what is missing, and nothing was filed.
    expect(page.get_by_role("alert")).to_contain_text("与您有争议的金融机构")
    assert not Dispute.objects.exists()

    page.get_by_label("与您有争议的金融机构").select_option(label=ICBC)
    page.get_by_label("业务类别").select_option(label="信用卡 · 信用卡年费")
    page.get_by_label("纠纷事项").fill("信用卡年费未经同意被扣收")
    page.get_by_label("事情经过").fill("办卡时工作人员承诺首年免年费，本月账单扣收年费600元，与网点协商未果。")
    page.get_by_label("争议金额（元）").fill("600")
    page.get_by_label("调解请求和理由").fill("请求退还年费600元。")
    page.get_by_label("您的姓名").fill("王芳")
    page.get_by_label("联系电话").fill("139 1234 5678")
    screenshot(page, "direct-apply")
    assert AXE.exists(), f"{AXE} is missing: run `npm ci`"
    found = axe_violations(page)
    assert not found, describe("direct mediation form", found)
    page.get_by_role("button", name="提交调解申请").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("调解申请已提交")
    number, code = receipt(page)
    screenshot(page, "direct-receipt")

    # Later, in another browser: number and code open the complaint and its mediation request.
    later = new_page()
    later.goto("/")
    track(later, number, code)
    later.get_by_role("link", name=re.compile(rf"{number}-T1")).first.click()
    expect(later.locator("#status")).to_contain_text("待机构答复")
    expect(later.locator("#status")).to_contain_text("直接申请调解")

    # The bank finds it on its dispute desk and agrees; the centre's mediator takes it.
    bank = new_page()
    login(bank, handler.username)
    bank.get_by_role("navigation", name="主导航").get_by_role("link", name="纠纷化解").click()
    bank.get_by_role("link", name=f"{number}-T1").click()
    bank.get_by_role("radio", name="同意调解", exact=True).check()
    bank.get_by_role("button", name="提交答复").click()
    expect(bank.locator("#status")).to_contain_text("调解中")
    expect(bank.get_by_text(CENTRE).first).to_be_visible()
