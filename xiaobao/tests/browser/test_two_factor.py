"""A regulator's first sign-in in a real browser: the password, the authenticator enrolled from the QR
code's key, the recovery codes once; the next sign-in asks for the code."""

import base64
import re
from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from xiaobao.accounts.models import User
from xiaobao.tests.browser.conftest import PASSWORD

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
expect = sync_api.expect

pytestmark = pytest.mark.browser


def app_code(secret: str) -> str:
    """What an authenticator app shows for the key typed in from the page."""
    key = secret.replace(" ", "").upper()
    return f"{totp(base64.b32decode(key + '=' * (-len(key) % 8))):06d}"


def sign_in_with_password(page: Any, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_it_enrols_a_regulator_on_first_sign_in_and_asks_for_the_code_next_time(
    new_page: Any, regulator: User, screenshot: Any
) -> None:
    page = new_page()
    sign_in_with_password(page, regulator.username)

    expect(page.get_by_role("heading", level=1)).to_have_text("设置两步验证")
    expect(page.get_by_role("img", name="添加本平台到验证器应用的二维码")).to_be_visible()
    code_box = page.get_by_label(re.compile("^验证码"))
    expect(code_box).to_have_attribute("autocomplete", "one-time-code")
    expect(code_box).to_have_attribute("inputmode", "numeric")
    secret = page.locator("#totp-secret").inner_text()
    screenshot(page, "enrol")

    # Until the code is given, the work pages send the regulator back to the second step.
    page.goto("/work/")
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/"))
    page.goto("/accounts/two-factor/enrol/")
    page.get_by_label(re.compile("^验证码")).fill(app_code(secret))
    page.get_by_role("button", name="确认并启用").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("恢复码")
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    screenshot(page, "recovery-codes")
    page.get_by_role("link", name="我已保存，继续").click()
    expect(page.get_by_role("link", name="工作台")).to_be_visible()
    page.get_by_role("button", name=re.compile("^退出")).click()

    # The next sign-in asks for the code; the app shows a new one every 30 seconds.
    TOTPDevice.objects.filter(user=regulator).update(last_t=-1)
    sign_in_with_password(page, regulator.username)
    expect(page.get_by_role("heading", level=1)).to_have_text("两步验证")
    page.get_by_label(re.compile("^验证码")).fill(app_code(secret))
    page.get_by_role("button", name="验证并登录").click()
    expect(page).to_have_url(re.compile(r"/work/"))
    expect(page.get_by_role("heading", level=1)).not_to_have_text("两步验证")
