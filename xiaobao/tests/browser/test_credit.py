"""A penalty decision becomes a black-list entry in a real browser: one officer drafts it, a second checks
and publishes it, the public list shows it, the bank objects on its page and the department answers."""

import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from xiaobao.accounts.models import User
from xiaobao.credit.models import CreditEntry
from xiaobao.credit.rules import rules_load
from xiaobao.registry.models import Authority, Institution, Penalty
from xiaobao.tests.browser.conftest import ICBC, PASSWORD, REGULATOR_AUTHORITY

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
expect = sync_api.expect

pytestmark = pytest.mark.browser

DECISION = "吉金罚决字〔2026〕12号"


@pytest.fixture
def penalty(site: str, regulator: User) -> Penalty:
    rules_load()  # the measures and periods, gone with the flushed database of the previous browser test
    return Penalty.objects.create(
        institution=Institution.objects.get(name=ICBC),
        decided_on=date(2026, 3, 2),
        decision_number=DECISION,
        violation="未按规定处理消费者投诉",
        basis="《中华人民共和国银行业监督管理法》第四十六条",
        penalty_type=Penalty.Type.FINE,
        amount=Decimal("500000.00"),
        authority=regulator.own_authority,
    )


@pytest.fixture
def checker(site: str) -> User:
    """韩处长, at the same regulator, checks what colleagues draft."""
    return User.objects.create_user(
        "han-nfra",
        password=PASSWORD,
        role=User.Role.REGULATOR,
        authority=Authority.objects.get(code=REGULATOR_AUTHORITY),
        display_name="韩处长",
    )


def test_it_takes_a_penalty_to_a_published_black_list_entry_and_answers_the_banks_objection(
    new_page: Any, login: Any, regulator: User, checker: User, handler: User, penalty: Penalty, screenshot: Any
) -> None:
    drafter = new_page()
    login(drafter, regulator.username)
    drafter.get_by_role("navigation", name="主导航").get_by_role("link", name="信用名单办理").click()
    expect(drafter.get_by_text("还没有红黑名单条目")).to_be_visible()
    drafter.get_by_role("link", name="起草名单条目").click()
    drafter.get_by_label("名单").select_option("black")
    drafter.get_by_label("认定来源").select_option("penalty")
    drafter.get_by_label("行政处罚决定").select_option(label=f"{DECISION} · {ICBC}（2026-03-02）")
    drafter.get_by_label("法律依据（条款）").fill("《中华人民共和国银行业监督管理法》第四十六条")
    drafter.get_by_role("button", name="保存草稿，提交复核").click()
    expect(drafter.get_by_role("heading", level=1)).to_contain_text("名单条目 XY-")
    expect(drafter.locator("#status")).to_contain_text("待复核")
    # The drafter is not offered the check.
    expect(drafter.get_by_role("button", name="提交复核结论")).to_have_count(0)
    number = drafter.get_by_role("heading", level=1).inner_text().split()[-1]
    screenshot(drafter, "drafted")

    second = new_page()
    login(second, checker.username)
    second.goto(f"/credit/{number}/")
    check = second.locator("#action-check")
    check.get_by_role("radio", name="通过，予以公示").check()
    check.get_by_label("复核意见").fill("事实清楚，依据充分")
    check.get_by_role("button", name="提交复核结论").click()
    expect(second.locator("#status")).to_contain_text("已公示")
    expect(second.get_by_role("list").filter(has_text="复核通过并公示")).to_be_visible()

    public = new_page()
    public.goto("/credit/public/")
    expect(public.get_by_role("table").get_by_role("row", name=re.compile(ICBC))).to_be_visible()
    screenshot(public, "public")

    bank = new_page()
    login(bank, handler.username)
    bank.get_by_role("navigation", name="主导航").get_by_role("link", name="信用名单办理").click()
    bank.get_by_role("link", name=number).click()
    objection = bank.locator("#action-object")
    objection.get_by_role("button", name="提交异议").click()
    expect(objection.locator("#id_object-reason_error")).to_contain_text("错误")
    objection.get_by_label("异议理由").fill("该处罚决定已申请行政复议，请暂缓公示。")
    objection.get_by_role("button", name="提交异议").click()
    expect(bank.get_by_text("异议已提交")).to_be_visible()

    drafter.goto(f"/credit/{number}/")
    answer = drafter.locator("#action-answer")
    answer.get_by_role("radio", name="异议不成立，维持列入").check()
    answer.get_by_label("答复理由").fill("申请复议不停止处罚决定的执行，维持列入。")
    answer.get_by_role("button", name="提交答复").click()
    expect(drafter.get_by_text("异议已答复")).to_be_visible()

    bank.reload()
    expect(bank.get_by_text(re.compile("^答复：申请复议不停止处罚决定的执行"))).to_be_visible()
    expect(bank.get_by_role("list").filter(has_text="异议不成立")).to_be_visible()
    screenshot(bank, "answered")

    entry = CreditEntry.objects.get(number=number)
    assert (entry.drafted_by, entry.checked_by, entry.status) == (regulator, checker, CreditEntry.Status.PUBLISHED)
    assert entry.objections.get().decided_by == regulator
