"""A credit-reporting complaint about a bank, in a real browser: it goes to the central bank, which accepts
it, and the bank's own regulator reads it as a copy (抄送) and has nothing to act on."""

import re
from typing import Any

import pytest

from xiaobao.accounts.models import User
from xiaobao.complaints.models import Complaint
from xiaobao.registry.models import Authority
from xiaobao.tests.browser.conftest import PASSWORD

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
expect = sync_api.expect

pytestmark = pytest.mark.browser

HUAXIA = "华夏银行股份有限公司长春分行"
SUMMARY = "征信报告出现本人从未办理的贷款"


def test_it_sends_a_banks_credit_report_complaint_to_the_central_bank_and_copies_the_banking_regulator(
    new_page: Any, screenshot: Any, login: Any, regulator: Any
) -> None:
    officer = User.objects.create_user(
        "gao-pboc",
        password=PASSWORD,
        role=User.Role.REGULATOR,
        authority=Authority.objects.get(code="pboc-jilin"),
        display_name="高科长",
    )

    consumer = new_page()
    consumer.goto("/complaints/new/")
    consumer.get_by_label("被投诉的金融机构").select_option(label=HUAXIA)
    consumer.get_by_label("业务类别").select_option(label="个人征信")
    consumer.get_by_label("投诉事项").fill(SUMMARY)
    consumer.get_by_label("事情经过").fill(
        "今年5月申请房贷时发现征信报告上有一笔华夏银行的消费贷款逾期，本人从未办理过这笔贷款，要求核实并更正征信记录。"
    )
    consumer.get_by_label("您的姓名").fill("李桂芳")
    consumer.get_by_label("联系电话").fill("139 4312 0876")
    consumer.get_by_role("button", name="提交投诉").click()
    expect(consumer.get_by_role("heading", level=1)).to_have_text("投诉已提交")
    number = consumer.locator("#receipt-number").inner_text().strip()
    screenshot(consumer, "receipt")
    complaint = Complaint.objects.get(number=number)
    assert complaint.authority.code == "pboc-jilin"

    central_bank = new_page()
    login(central_bank, officer.username)
    central_bank.get_by_role("navigation", name="投诉分类").get_by_role("link", name=re.compile("^新投诉")).click()
    central_bank.get_by_role("link", name=number).click()
    expect(central_bank.locator(".routing")).to_have_text(
        "按业务类别「个人征信」由中国人民银行吉林省分行负责（《征信业管理条例》）"
    )
    accept = central_bank.locator("#action-accept")
    accept.get_by_label("受理意见").fill("属于个人征信异议，转机构核实更正。")
    accept.get_by_role("button", name="受理并转办").click()
    expect(central_bank.get_by_text("已受理，并已转机构办理。")).to_be_visible()
    screenshot(central_bank, "central-bank-accepted")

    banking = new_page()
    login(banking, regulator.username)
    banking.get_by_role("navigation", name="投诉分类").get_by_role("link", name=re.compile("^全部")).click()
    row = banking.get_by_role("row").filter(has=banking.get_by_role("link", name=number))
    expect(row).to_contain_text("抄送")
    screenshot(banking, "banking-queue")
    row.get_by_role("link", name=number).click()
    expect(banking.locator("#copy-notice")).to_contain_text("本部门可以查阅，不能办理")
    expect(banking.locator("#status")).to_contain_text("机构办理中")
    expect(banking.locator(".action")).to_have_count(0)
    screenshot(banking, "banking-copy")

    # The copy is there to read: it is no work of the banking regulator's.
    banking.go_back()
    banking.get_by_role("navigation", name="投诉分类").get_by_role("link", name=re.compile("^待我处理")).click()
    banking.wait_for_url(re.compile("queue=awaiting"))
    expect(banking.get_by_role("link", name=number)).to_have_count(0)
