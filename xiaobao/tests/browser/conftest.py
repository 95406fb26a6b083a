"""The browser tests: Debian's chromium, driven by Playwright, against pytest-django's live server.

No browser is ever downloaded: the tests use the chromium at XIAOBAO_CHROMIUM (default
/usr/bin/chromium) and are skipped, with the reason, when it is not there.
"""

import os
from collections.abc import Callable, Iterator
from decimal import Decimal
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.urls import get_resolver

from xiaobao.accounts.models import User
from xiaobao.complaints.models import Complaint
from xiaobao.complaints.services import complaint_submit
from xiaobao.registry.models import Authority, Category, Institution, Label
from xiaobao.registry.services import calendar_seed, reference_load
from xiaobao.testing import totp_code_for, totp_device_for
from xiaobao.tipoffs.rules import rules_load

CHROMIUM = os.environ.get("XIAOBAO_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags chromium keeps calling Google's services, and on a
# closed network those refused connections slow every page down.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
# An iPhone 12–15 sized screen: the narrow end of what the people this site serves hold.
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = Path(__file__).resolve().parents[3] / "var" / "screenshots"
PASSWORD = "pw-browser-123"
ICBC = "中国工商银行股份有限公司吉林省分行"
REGULATOR_AUTHORITY = "nfra-jilin"
# Long enough for a page on a busy two-core machine, short enough that a broken flow fails fast.
TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One chromium per test module; each test opens its own contexts (its own cookies)."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(
            f"chromium not found at {CHROMIUM}: install Debian's chromium and fonts-noto-cjk, "
            "or point XIAOBAO_CHROMIUM at a chromium binary"
        )
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    # Sync Playwright keeps an event loop running in this thread while it is started, and Django
    # refuses ORM calls from a thread with a running loop. The tests set up data through the
    # services in between browser steps, in this one thread, so the check is lifted while the
    # browser lives and put back when it closes.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_api.sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def site(browser: Any, live_server: Any, settings: Any) -> str:
    """The live server's address, with the reference data in place and cookies that work over http."""

    # The live server speaks plain http; secure cookies would never come back to it.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_COOKIES = False
    # live_server means a transactional database, flushed after every test: the reference data
    # the root conftest loaded once for the session, and the triage rules the migrations seeded,
    # are gone after the first browser test.
    if not Institution.objects.exists():
        reference_load()
        calendar_seed()
    rules_load()
    # The text templates the migrations seeded, likewise: without them no code reaches the outbox.
    import_module("xiaobao.core.migrations.0003_sms").seed_templates(django_apps, None)
    # The first request imports every view module through the URLconf (scikit-learn and jieba among them):
    # tens of seconds on a busy machine, more than a page is given. Imported here, outside that timeout.
    assert get_resolver().url_patterns
    return live_server.url


@pytest.fixture
def new_page(browser: Any, site: str) -> Iterator[Callable[..., Any]]:
    """Open a page in a fresh browser context: a new visitor with no cookies, reading Chinese."""
    contexts = []

    def open_page(viewport: dict[str, int] | None = None) -> Any:
        context = browser.new_context(
            base_url=site, viewport=viewport or DESKTOP, locale="zh-CN", timezone_id="Asia/Shanghai"
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[[Any, str], Path]:
    """Save a full-page screenshot as var/screenshots/<test>-<step>.png, for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = request.node.name.replace("[", "-").replace("]", "").replace("/", "-")

    def take(page: Any, step: str) -> Path:
        path = SCREENSHOTS / f"{name}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def login() -> Callable[[Any, str], None]:
    """Sign in on the login page as a person would: username, password, the 登录 button; staff then type
    the code their authenticator app shows (an app enrolled beforehand, as after a first sign-in)."""

    def sign_in(page: Any, username: str) -> None:
        user = User.objects.get(username=username)
        if user.needs_second_factor:
            totp_device_for(user)
        page.goto("/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        if user.needs_second_factor:
            page.wait_for_url(lambda url: "/accounts/two-factor/" in url)
            page.get_by_label("验证码", exact=False).first.fill(totp_code_for(user))
            page.get_by_role("button", name="验证并登录").click()
            page.wait_for_url(lambda url: "/accounts/two-factor/" not in url)

    return sign_in


@pytest.fixture
def handler(site: str) -> User:
    """柳经理 handles complaints at ICBC's Jilin provincial branch, and so sees its branches' too."""
    return User.objects.create_user(
        "liu-icbc",
        password=PASSWORD,
        role=User.Role.INSTITUTION,
        institution=Institution.objects.get(name=ICBC),
        display_name="柳经理",
    )


@pytest.fixture
def regulator(site: str) -> User:
    """任科长 works at the provincial financial regulator (国家金融监督管理总局吉林监管局)."""
    return User.objects.create_user(
        "ren-nfra",
        password=PASSWORD,
        role=User.Role.REGULATOR,
        authority=Authority.objects.get(code=REGULATOR_AUTHORITY),
        display_name="任科长",
    )


@pytest.fixture
def file_complaint(site: str) -> Callable[..., tuple[Complaint, str]]:
    """A guest's complaint filed through the service, as the web form would file it: (complaint, code)."""

    def file(**overrides: Any) -> tuple[Complaint, str]:
        icbc = Institution.objects.get(name=ICBC)
        fields: dict[str, Any] = {
            "by": None,
            "via": Complaint.Via.WEB,
            "institution": icbc.branches.filter(region__code__startswith="2201").first() or icbc,
            "business": Category.objects.get(dimension=Category.Dimension.BUSINESS, code="B03-02-04"),
            "summary": "信用卡年费未经同意被扣收",
            "narrative": "办卡时工作人员承诺免年费，本月账单却扣收年费600元，多次致电客服未获解决。",
            "complainant_name": "张丽",
            "phone": "13812345678",
            "amount": Decimal("600.00"),
            "demands": [Label.objects.get(kind=Label.Kind.DEMAND, name="退费")],
        }
        fields.update(overrides)
        complaint, code, _created = complaint_submit(**fields)
        return complaint, code

    return file


@pytest.fixture
def fill_complaint_form() -> Callable[..., None]:
    """Fill the public complaint form field by field, by the labels a person reads."""

    def fill(page: Any, *, summary: str = "信用卡年费未经同意被扣收", phone: str = "138 1234 5678") -> None:
        search = page.get_by_label("按名称查找机构")
        # The search box is an enhancement that appears once htmx has loaded; the list works without it.
        if search.is_visible():
            search.fill("工商银行")
            page.locator("#institution-search-status").get_by_text("找到").wait_for()
        page.get_by_label("被投诉的金融机构").select_option(label=ICBC)
        page.get_by_label("业务类别").select_option(label="信用卡 · 信用卡年费")
        page.get_by_label("投诉事项").fill(summary)
        page.get_by_label("事情经过").fill(
            "2026年3月在长春南湖支行办理信用卡，工作人员承诺首年免年费，本月账单却扣收年费600元，多次致电客服未获解决。"
        )
        page.get_by_label("涉及金额（元）").fill("600")
        page.get_by_role("checkbox", name="退费").check()
        page.get_by_label("您的姓名").fill("张丽")
        page.get_by_label("联系电话").fill(phone)
        page.get_by_role("checkbox", name="同意公开").check()

    return fill
