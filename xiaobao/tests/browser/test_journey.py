"""A complaint's journey through the real pages, in a real browser: guest, regulator, bank, review, overdue."""

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from xiaobao.accounts.models import User
from xiaobao.complaints.models import Complaint, PersonalDataRead
from xiaobao.complaints.services import complaint_accept, complaint_answer, deadlines_sweep
from xiaobao.tests.browser.conftest import ICBC

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
expect = sync_api.expect

pytestmark = pytest.mark.browser

NUMBER_RE = re.compile(r"JL-\d{8}-\d+")
DECISION = "经核实，年费系系统错误扣收，已于今日全额退还600元，并向您致歉。"


def receipt(page: Any) -> tuple[str, str]:
    """The number and query code the receipt page shows, read as the person would copy them."""
    number = page.locator("#receipt-number").inner_text().strip()
    code = page.locator("#receipt-code").inner_text().strip()
    return number, code


def track(page: Any, number: str, code: str) -> None:
    """查询进度 from the main navigation, with the number and the code."""
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="查询进度").click()
    page.get_by_label("投诉编号").fill(number)
    page.get_by_label("查询码").fill(code)
    page.get_by_role("button", name="查询", exact=True).click()


def test_it_lets_a_guest_file_a_complaint_and_look_it_up_with_number_and_code(
    new_page: Any, screenshot: Any, fill_complaint_form: Any
) -> None:
    page = new_page()
    page.goto("/")
    screenshot(page, "home")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="我要投诉").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("我要投诉")

    fill_complaint_form(page)
    screenshot(page, "form-filled")
    page.get_by_role("button", name="提交投诉").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("投诉已提交")
    number, code = receipt(page)
    assert NUMBER_RE.fullmatch(number), number
    assert re.fullmatch(r"[A-Z0-9]{5} [A-Z0-9]{5}", code), code
    expect(page.get_by_text("请现在就把投诉编号和查询码抄写下来")).to_be_visible()
    screenshot(page, "receipt")

    # A new visit with only the paper slip: a fresh browser, the number and the code as written down.
    later = new_page()
    later.goto("/")
    track(later, number, code)

    expect(later.get_by_role("heading", level=1)).to_have_text(f"投诉 {number}")
    expect(later.locator("#status")).to_contain_text("待受理")
    expect(later.get_by_text("信用卡年费未经同意被扣收").first).to_be_visible()
    screenshot(later, "tracked")


def test_it_lets_the_regulator_accept_and_the_bank_answer_without_revealing_personal_data(
    new_page: Any, screenshot: Any, login: Any, file_complaint: Any, handler: Any, regulator: Any
) -> None:
    complaint, _code = file_complaint()

    desk = new_page()
    login(desk, regulator.username)
    desk.get_by_role("navigation", name="投诉分类").get_by_role("link", name=re.compile("^新投诉")).click()
    desk.get_by_role("link", name=complaint.number).click()
    accept = desk.locator("#action-accept")
    accept.get_by_label("受理意见").fill("属于银行卡业务投诉，转机构办理。")
    screenshot(desk, "regulator-accepting")
    accept.get_by_role("button", name="受理并转办").click()
    expect(desk.get_by_text("已受理，并已转机构办理。")).to_be_visible()
    expect(desk.locator("#status")).to_contain_text("机构办理中")

    bank = new_page()
    login(bank, handler.username)
    expect(bank.get_by_role("heading", level=1)).to_have_text("工作台")
    row = bank.get_by_role("row").filter(has=bank.get_by_role("link", name=complaint.number))
    expect(row).to_contain_text("信用卡年费未经同意被扣收")
    screenshot(bank, "bank-queue")
    row.get_by_role("link", name=complaint.number).click()

    # Contact details stay masked: answering does not need them, and every reveal is audited.
    personal = bank.locator("#personal")
    expect(personal).to_contain_text("138****5678")
    expect(personal).to_contain_text("张*")
    expect(personal).not_to_contain_text("13812345678")
    expect(personal.get_by_role("button", name="显示完整联系方式")).to_be_visible()

    answer = bank.locator("#action-answer")
    answer.get_by_role("radio", name="支持诉求").check()
    answer.get_by_label("处理意见").fill(DECISION)
    answer.get_by_label("补救措施").fill("退还年费")
    answer.get_by_label("补偿/退还金额（元）").fill("600")
    screenshot(bank, "bank-answering")
    answer.get_by_role("button", name="提交答复").click()

    expect(bank.get_by_text("答复已提交，投诉人会收到通知。")).to_be_visible()
    expect(bank.locator("#status")).to_contain_text("机构已答复")
    expect(bank.get_by_role("region", name="办理结果")).to_contain_text(DECISION)
    screenshot(bank, "bank-answered")
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.ANSWERED
    assert complaint.remedy == "退还年费"
    assert not PersonalDataRead.objects.filter(complaint=complaint).exists()


def test_it_lets_the_guest_ask_for_review_and_the_regulator_see_it(
    new_page: Any, screenshot: Any, login: Any, file_complaint: Any, handler: Any, regulator: Any
) -> None:
    complaint, code = file_complaint()
    complaint_accept(complaint=complaint, by=regulator)
    complaint_answer(
        complaint=complaint, by=handler, outcome="not_upheld", decision="经核实，年费按合同约定收取，不予退还。"
    )

    guest = new_page()
    guest.goto("/")
    track(guest, complaint.number, code)
    expect(guest.locator("#status")).to_contain_text("机构已答复")
    feedback = guest.locator("#action-feedback")
    feedback.get_by_role("radio", name="不认可，申请监管部门核查").check()
    feedback.get_by_label("理由或说明").fill("办卡时工作人员明确承诺免年费，有录音为证，机构未核实。")
    screenshot(guest, "asking-review")
    feedback.get_by_role("button", name="提交意见").click()
    expect(guest.get_by_text("您的意见已提交。")).to_be_visible()
    expect(guest.locator("#status")).to_contain_text("核查中")
    screenshot(guest, "review-asked")

    desk = new_page()
    login(desk, regulator.username)
    # Deciding the review is the regulator's own work: it waits in 待我处理, the default tab.
    row = desk.get_by_role("row").filter(has=desk.get_by_role("link", name=complaint.number))
    expect(row).to_contain_text("核查中")
    screenshot(desk, "regulator-queue")
    row.get_by_role("link", name=complaint.number).click()
    expect(desk.locator("#status")).to_contain_text("核查中")
    expect(desk.get_by_role("heading", name="核查结论")).to_be_visible()
    expect(desk.get_by_role("heading", name="办理记录").locator("xpath=..")).to_contain_text("有录音为证")
    screenshot(desk, "regulator-review")


def overdue_complaint(file_complaint: Any, regulator: User) -> Complaint:
    """A complaint the regulator accepted 30 days ago that the bank never answered, after the clock's sweep."""
    with time_machine.travel(timezone.now() - timedelta(days=30), tick=False):
        complaint, _code = file_complaint(summary="贷款提前还款违约金收取过高")
        complaint_accept(complaint=complaint, by=regulator)
    assert deadlines_sweep()["supervised"] == 1
    return complaint


def test_it_shows_the_regulator_an_overdue_answer_escalated_to_a_supervision_notice(
    new_page: Any, screenshot: Any, login: Any, file_complaint: Any, regulator: Any
) -> None:
    complaint = overdue_complaint(file_complaint, regulator)

    desk = new_page()
    login(desk, regulator.username)
    desk.get_by_role("navigation", name="投诉分类").get_by_role("link", name=re.compile("^全部")).click()
    row = desk.get_by_role("row").filter(has=desk.get_by_role("link", name=complaint.number))
    expect(row).to_contain_text("已逾期")
    screenshot(desk, "all-tab")
    row.get_by_role("link", name=complaint.number).click()

    notices = desk.get_by_role("region", name="督办通知")
    expect(notices).to_contain_text("逾期自动督办")
    expect(notices).to_contain_text("已超过答复期限")
    expect(desk.get_by_role("region", name="办理时限")).to_contain_text("已逾期")
    screenshot(desk, "supervision-notice")


def test_it_lists_an_institutions_overdue_answer_in_the_regulators_overdue_tab(
    new_page: Any, screenshot: Any, login: Any, file_complaint: Any, regulator: Any
) -> None:
    complaint = overdue_complaint(file_complaint, regulator)

    desk = new_page()
    login(desk, regulator.username)
    desk.get_by_role("navigation", name="投诉分类").get_by_role("link", name=re.compile("^已逾期")).click()
    screenshot(desk, "overdue-tab")
    row = desk.get_by_role("row").filter(has=desk.get_by_role("link", name=complaint.number))
    expect(row).to_contain_text("已逾期", timeout=3000)


def test_it_says_what_is_wrong_in_words_and_keeps_what_was_typed(new_page: Any, screenshot: Any) -> None:
    page = new_page()
    page.goto("/complaints/new/")

    page.get_by_role("button", name="提交投诉").click()

    summary = page.get_by_role("alert").filter(has_text="提交未成功")
    expect(summary).to_be_visible()
    # The summary takes focus, so a screen reader reads the list of problems first.
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name=re.compile("^投诉事项："))).to_be_visible()
    # Each error is said in words next to its field and is part of the field's description.
    for label in ("被投诉的金融机构", "业务类别", "投诉事项", "事情经过", "您的姓名", "联系电话"):
        field = page.get_by_label(label, exact=False).first
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_accessible_description(re.compile("错误："))
    expect(page.locator("#id_phone_error")).to_have_text(re.compile("^错误："))
    screenshot(page, "empty")

    # Following a link in the summary lands on the field.
    summary.get_by_role("link", name=re.compile("^联系电话：")).click()
    expect(page.get_by_label("联系电话")).to_be_focused()

    page.get_by_label("被投诉的金融机构").select_option(label=ICBC)
    page.get_by_label("投诉事项").fill("理财产品到期未按约定兑付")
    page.get_by_label("事情经过").fill("去年在网点购买理财产品，到期后本金和收益均未到账，客户经理一直推脱。")
    page.get_by_label("您的姓名").fill("王建国")
    page.get_by_label("联系电话").fill("12345")
    page.get_by_role("button", name="提交投诉").click()

    expect(page.get_by_role("alert").filter(has_text="提交未成功")).to_be_visible()
    expect(page.locator("#id_phone_error")).to_have_text(re.compile("^错误：请填写11位手机号码"))
    expect(page.get_by_label("被投诉的金融机构").locator("option:checked")).to_have_text(ICBC)
    expect(page.get_by_label("投诉事项")).to_have_value("理财产品到期未按约定兑付")
    expect(page.get_by_label("事情经过")).to_have_value(
        "去年在网点购买理财产品，到期后本金和收益均未到账，客户经理一直推脱。"
    )
    expect(page.get_by_label("您的姓名")).to_have_value("王建国")
    expect(page.get_by_label("联系电话")).to_have_value("12345")
    expect(page.locator("#id_summary_error")).to_have_count(0)
    screenshot(page, "partly-wrong")
