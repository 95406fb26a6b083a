"""Evaluation in a real browser: an examiner scores an institution's manual indicators, sends the period
for review, signs it off, and the institution then reads its published grade."""

from datetime import date
from typing import Any

import pytest

from xiaobao.accounts.models import User
from xiaobao.ratings import services
from xiaobao.ratings.models import Evaluation, Indicator, Period, Scheme
from xiaobao.ratings.rules import schemes_load
from xiaobao.registry.models import Institution
from xiaobao.tests.browser.conftest import ICBC

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
expect = sync_api.expect

pytestmark = pytest.mark.browser

OTHER_BANK = "吉林银行股份有限公司"


@pytest.fixture
def period(site: str, regulator: User) -> Period:
    """The 2025 evaluation under the national scheme, its automatic indicators computed."""
    schemes_load()  # the live server's flush empties the tables the data migration filled
    opened = services.period_open(
        scheme=Scheme.objects.get(code="cbirc-2021", is_current=True),
        name="2025年度消费者权益保护评估",
        start=date(2025, 1, 1),
        end=date(2025, 12, 31),
        visibility=Period.Visibility.PUBLIC,
        institutions=[Institution.objects.get(name=ICBC), Institution.objects.get(name=OTHER_BANK)],
        by=regulator,
    )
    services.period_compute(period=opened, by=regulator)
    # 吉林银行 is scored already; the examiner's work in the browser is ICBC's.
    other = opened.evaluations.get(institution__name=OTHER_BANK)
    for row in other.scores.filter(indicator__kind=Indicator.Kind.MANUAL):
        services.indicator_score(row=row, score=70, note="材料基本齐全", by=regulator)
    return opened


def test_it_lets_an_examiner_score_an_institution_and_publish_its_grade(
    new_page: Any, login: Any, regulator: User, handler: User, period: Period, screenshot: Any
) -> None:
    page = new_page()
    login(page, regulator.username)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="评估与满意度").click()
    page.get_by_role("link", name="2025年度消费者权益保护评估").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("2025年度消费者权益保护评估")
    page.get_by_role("link", name=ICBC).click()

    manual = list(
        Evaluation.objects.get(period=period, institution__name=ICBC)
        .scores.filter(indicator__kind=Indicator.Kind.MANUAL)
        .select_related("indicator")
    )
    for row, score in zip(manual, ["90", "85", "80"], strict=False):
        name = row.indicator.name
        page.get_by_label(f"“{name}”得分（0–100）").fill(score)
        page.get_by_label(f"“{name}”评分理由").fill("查阅了董事会决议、考核办法和宣传活动台账")
        page.get_by_role("button", name=f"保存“{name}”评分").click()
        expect(page.get_by_text("评分已保存。")).to_be_visible()
    expect(page.get_by_text("尚未发布：仅本机构和评估人员可见")).to_be_visible()
    screenshot(page, "scored")

    page.get_by_role("link", name="2025年度消费者权益保护评估").click()
    page.get_by_role("button", name="提交复核").click()
    expect(page.get_by_text("评分已提交复核。")).to_be_visible()
    page.get_by_role("button", name="签发发布").click()
    expect(page.get_by_text("评级已签发发布。")).to_be_visible()
    expect(page.get_by_role("heading", name="评级结果")).to_be_visible()

    evaluation = Evaluation.objects.get(period=period, institution__name=ICBC)
    assert evaluation.published_at is not None and evaluation.grade
    row = page.get_by_role("row").filter(has_text=ICBC)
    expect(row).to_contain_text(str(evaluation.total))
    expect(row).to_contain_text(evaluation.grade)
    # The ranking's chart is drawn beside its table.
    expect(page.locator("[data-chart-option='ranking-chart']")).to_have_attribute("data-chart-ready", "true")
    screenshot(page, "published")

    # The bank's handler reads the grade, the explanation per indicator and where to improve.
    bank = new_page()
    login(bank, handler.username)
    bank.goto(f"/ratings/evaluations/{evaluation.pk}/")
    expect(bank.locator("#grade")).to_have_text(evaluation.grade)
    expect(bank.get_by_text("查阅了董事会决议、考核办法和宣传活动台账").first).to_be_visible()
    expect(bank.get_by_role("heading", name="如何提升")).to_be_visible()
    expect(bank.locator("[data-chart-option='radar-chart']")).to_have_attribute("data-chart-ready", "true")
