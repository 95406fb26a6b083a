"""The product journey in a real browser: the bank puts a product on its shelf, assesses a customer at the
counter and is refused an unsuitable sale with its reason; a consumer names the product in a complaint;
the regulator confirms a re-grading and the public page shows the new grade and its history."""

from collections.abc import Callable
from typing import Any

import pytest

from xiaobao.accounts.models import User
from xiaobao.complaints.models import Complaint
from xiaobao.core.time import today
from xiaobao.products.models import Product, Regrading
from xiaobao.products.rules import rules_load
from xiaobao.products.services import regrading_raise
from xiaobao.tests.browser.test_accessibility import axe_violations, describe

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
expect = sync_api.expect

pytestmark = pytest.mark.browser

PRODUCT = "工银理财·全鑫权益混合三年封闭"


def test_it_takes_a_product_from_the_shelf_to_a_confirmed_re_grading(
    new_page: Any,
    login: Callable[[Any, str], None],
    handler: User,
    regulator: User,
    fill_complaint_form: Callable[..., None],
    screenshot: Any,
) -> None:
    rules_load()  # the live server's database is flushed between browser tests; the migration's rules go too
    bank = new_page()
    login(bank, handler.username)
    bank.goto("/products/")
    bank.get_by_role("link", name="登记新产品").click()
    bank.get_by_label("产品代码").fill("WM-HH3")
    bank.get_by_label("登记编码").fill("Z7001625001203")
    bank.get_by_label("产品名称").fill(PRODUCT)
    bank.get_by_label("产品类别").select_option(label="B05-01 自营理财 / 理财产品销售")
    bank.get_by_label("风险等级").select_option(label="R3 中风险")
    bank.get_by_label("风险揭示书").fill("理财非存款、产品有风险、投资须谨慎。")
    bank.get_by_label("起售日期").fill("2026-12-01")
    bank.get_by_role("button", name="保存").click()
    expect(bank.get_by_role("heading", level=1)).to_have_text(PRODUCT)
    expect(bank.locator("#grade-history")).to_contain_text("R3")
    screenshot(bank, "shelf-product")

    # The customer answers the questionnaire at the counter: the second option everywhere is C2.
    bank.get_by_role("link", name="风险测评").click()
    bank.get_by_label("客户姓名").fill("王秀兰")
    for group in bank.locator("fieldset").all():
        group.locator("input[type=radio]").nth(1).check()
    bank.get_by_role("button", name="提交评估").click()
    expect(bank.locator("#assessment-result")).to_contain_text("C2 谨慎型")

    bank.get_by_role("link", name="销售前适当性校验").click()
    bank.locator("#id_product").select_option(label=f"WM-HH3 {PRODUCT}（R3）")
    bank.get_by_label("客户风险承受能力等级").select_option(label="C2 谨慎型")
    bank.get_by_label("评估日期").fill(today().isoformat())
    bank.get_by_label("客户年龄").fill("58")
    bank.get_by_role("button", name="校验").click()
    result = bank.locator("#check-result")
    expect(result).to_contain_text("不得销售")
    expect(result).to_contain_text("产品风险等级高于客户风险承受能力等级")
    screenshot(bank, "check-refused")

    # A consumer names the product in a complaint.
    guest = new_page()
    guest.goto("/complaints/new/")
    fill_complaint_form(guest, summary="理财销售时未揭示风险")
    guest.get_by_label("涉及的产品").select_option(label=f"{PRODUCT}（R3）")
    guest.get_by_role("button", name="提交投诉").click()
    expect(guest.get_by_role("heading", level=1)).to_have_text("投诉已提交")
    product = Product.objects.get(code="WM-HH3")
    assert Complaint.objects.get(summary="理财销售时未揭示风险").product == product

    # Signals raised a re-grading; the regulator confirms it.
    proposal = regrading_raise(
        product=product, to_grade=4, reasons=[{"code": "mis_selling", "message": "近 90 天误导销售类投诉 3 件。"}]
    )
    assert proposal is not None
    desk = new_page()
    login(desk, regulator.username)
    desk.goto("/products/regradings/")
    desk.get_by_role("link", name=PRODUCT).click()
    expect(desk.get_by_text("近 90 天误导销售类投诉 3 件。")).to_be_visible()
    desk.get_by_label("确认调整").check()
    desk.get_by_label("公开风险提示（确认时在产品页公开）").fill("该产品含权益资产，风险等级上调为 R4。")
    desk.get_by_role("button", name="提交决定").click()
    expect(desk.locator("#regrading-status")).to_have_text("已确认")
    assert Regrading.objects.get(pk=proposal.pk).status == Regrading.Status.CONFIRMED

    public = new_page()
    public.goto("/products/public/")
    public.get_by_role("link", name=PRODUCT).click()
    expect(public.locator(".grade")).to_have_text("R4 中高风险")
    history = public.locator("#grade-history tbody tr")
    expect(history).to_have_count(2)
    expect(history.nth(1)).to_contain_text("R3")
    expect(history.nth(1)).to_contain_text("R4")
    expect(public.get_by_text("该产品含权益资产，风险等级上调为 R4。")).to_be_visible()
    screenshot(public, "public-product")
    found = axe_violations(public)
    assert not found, describe(public.url, found)
    public.goto("/products/public/")
    found = axe_violations(public)
    assert not found, describe(public.url, found)
