"""Accounts in a real browser: a consumer registers with the code texted to her (read from the console
backend's outbox), finds the complaint she filed as a guest with the same phone, and resets her password;
a bank's administrator opens a clerk's account and closes another's, whose open session ends at once."""

import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.db.models import F

from xiaobao.accounts.models import PhoneCode, User
from xiaobao.complaints.models import Complaint
from xiaobao.registry.models import Institution
from xiaobao.tests.browser.conftest import ICBC, PASSWORD

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
expect = sync_api.expect

pytestmark = pytest.mark.browser

PHONE = "13987654321"
NEW_PASSWORD = "Changbai-mountain-7"
RESET_PASSWORD = "Songhua-river-2026"


def texted_code(to: str = "+86" + PHONE) -> str:
    """The last code the console backend wrote for the number, as the phone would show it."""
    codes = [
        match.group(1)
        for line in settings.SMS_OUTBOX.read_text(encoding="utf-8").splitlines()
        if json.loads(line)["to"] == to and (match := re.search(r"验证码为(\d{6})", json.loads(line)["text"]))
    ]
    assert codes, "no code in the outbox"
    return codes[-1]


def test_it_lets_a_consumer_register_with_a_texted_code_find_her_guest_complaint_and_reset_her_password(
    new_page: Any, file_complaint: Callable[..., tuple[Complaint, str]], screenshot: Any
) -> None:
    settings.SMS_OUTBOX.unlink(missing_ok=True)
    complaint, _code = file_complaint(phone="139 8765 4321")
    page = new_page()

    page.goto("/accounts/login/")
    page.get_by_role("link", name="没有账户？用手机号码注册").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("注册")
    page.get_by_label("手机号码").fill(PHONE)
    page.get_by_role("button", name="获取验证码").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("完成注册")
    page.get_by_label("短信验证码").fill(texted_code())
    page.get_by_label("姓名或称呼").fill("王秀兰")
    page.get_by_label("新密码", exact=False).first.fill(NEW_PASSWORD)
    page.get_by_label("再次输入新密码").fill(NEW_PASSWORD)
    screenshot(page, "register")
    page.get_by_role("button", name="注册").click()

    # The complaint she filed as a guest with the same phone is on her own list.
    expect(page.get_by_text(complaint.number)).to_be_visible()
    screenshot(page, "mine")
    page.get_by_role("button", name=re.compile("^退出")).click()

    # Later she forgets the password: a code by text, and a new password.
    # (Two minutes on: a number waits between two codes.)
    PhoneCode.objects.update(created_at=F("created_at") - timedelta(minutes=2))
    page.goto("/accounts/login/")
    page.get_by_role("link", name="忘记密码？").click()
    page.get_by_label("手机号码或电子邮箱").fill(PHONE)
    page.get_by_role("button", name="发送").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("重置密码")
    page.get_by_label("短信验证码").fill(texted_code())
    page.get_by_label("新密码", exact=False).first.fill(RESET_PASSWORD)
    page.get_by_label("再次输入新密码").fill(RESET_PASSWORD)
    page.get_by_role("button", name="重置密码").click()

    expect(page.get_by_text("密码已重置，请用新密码登录。")).to_be_visible()
    page.get_by_label("用户名").fill(PHONE)
    page.get_by_label("密码").fill(RESET_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text(complaint.number)).to_be_visible()


@pytest.fixture
def bank_admin(site: str) -> User:
    return User.objects.create_user(
        "admin-icbc",
        password=PASSWORD,
        role=User.Role.INSTITUTION,
        institution=Institution.objects.get(name=ICBC),
        display_name="管理员",
        manages_staff=True,
    )


def test_it_lets_a_banks_administrator_open_a_clerks_account_and_close_another_whose_session_ends_at_once(
    new_page: Any, login: Callable[[Any, str], None], bank_admin: User, handler: User, screenshot: Any
) -> None:
    # The clerk who leaves is at work, signed in.
    clerk_page = new_page()
    login(clerk_page, handler.username)
    clerk_page.goto("/work/")
    expect(clerk_page.get_by_role("heading", level=1)).to_be_visible()
    assert "/accounts/login/" not in clerk_page.url

    page = new_page()
    login(page, bank_admin.username)
    page.get_by_role("link", name="本单位账户").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("本单位账户")
    page.get_by_label("用户名").fill("new-clerk")
    page.get_by_label("姓名").fill("新柜员")
    page.get_by_role("button", name="开设账户").click()
    expect(page.locator("#initial-password")).to_be_visible()
    assert User.objects.get(username="new-clerk").institution == bank_admin.institution

    page.get_by_role("button", name=f"停用 {handler.username}").click()
    expect(page.get_by_text(f"账户 {handler.username} 已停用")).to_be_visible()
    screenshot(page, "staff")

    # The clerk's next click lands on the sign-in page.
    clerk_page.reload()
    expect(clerk_page).to_have_url(re.compile(r"/accounts/login/"))
