"""Evaluation in a real browser: an examiner scores an institution's manual indicators, sends the period
for review, signs it off, and the institution then reads its published grade."""

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from xiaobao.accounts.models import User
from xiaobao.ratings import services
from xiaobao.ratings.models import Evaluation, Indicator, Period, Questionnaire, Response, Scheme
from xiaobao.ratings.rules import schemes_load
from xiaobao.registry.models import Institution
from xiaobao.tests.browser.conftest import ICBC, PHONE
from xiaobao.tests.browser.test_accessibility import VIEWPORTS, axe_violations, describe, widest

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
        services.indicator_score(row=row, score=Decimal(70), note="材料基本齐全", by=regulator)
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


@pytest.fixture
def published(period: Period, regulator: User) -> Period:
    """The same period with ICBC scored too, sent for review and signed off: public."""
    icbc = period.evaluations.get(institution__name=ICBC)
    for row in icbc.scores.filter(indicator__kind=Indicator.Kind.MANUAL):
        services.indicator_score(row=row, score=Decimal(85), note="制度齐全，执行记录完整", by=regulator)
    services.period_submit(period=period, by=regulator)
    return services.period_publish(period=period, by=regulator)


@pytest.fixture
def survey(site: str, regulator: User) -> Questionnaire:
    questionnaire = services.questionnaire_create(
        title="银行业金融消费者满意度测评",
        run_by="吉林省银行业协会",
        intro="匿名填写，约需2分钟。",
        questions=["网点服务态度", "收费是否透明"],
        institutions=[Institution.objects.get(name=ICBC), Institution.objects.get(name=OTHER_BANK)],
        by=regulator,
    )
    return services.questionnaire_advance(questionnaire=questionnaire, by=regulator)


def ratings_public_pages(page: Any, survey: Questionnaire, published: Period) -> Iterator[str]:
    """The pages a member of the public meets: the survey answered anonymously, then the published ranking."""
    page.goto("/")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="评估与满意度").click()
    yield "ratings-index"
    page.get_by_role("link", name="查看满意度测评和投诉办结满意度").click()
    yield "satisfaction"
    page.get_by_role("link", name="参加测评").click()
    yield "survey"
    page.get_by_role("button", name="提交答卷").click()
    expect(page.get_by_role("alert").filter(has_text="提交未成功")).to_be_visible()
    yield "survey-errors"
    page.get_by_label("您评价的机构").select_option(label=ICBC)
    for group in ("网点服务态度", "收费是否透明"):
        page.get_by_role("group", name=group).get_by_label("满意", exact=True).check()
    page.get_by_role("button", name="提交答卷").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("感谢参与")
    yield "survey-thanks"
    page.goto(f"/ratings/periods/{published.pk}/")
    yield "ranking"
    page.get_by_role("link", name=ICBC).click()
    expect(page.locator("#grade")).not_to_be_empty()
    yield "evaluation"


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_it_has_no_serious_axe_violations_on_the_public_ratings_pages(
    new_page: Any, screenshot: Any, viewport: str, survey: Questionnaire, published: Period
) -> None:
    page = new_page(VIEWPORTS[viewport])
    problems = []
    for name in ratings_public_pages(page, survey, published):
        found = axe_violations(page)
        if found:
            screenshot(page, name)
            problems.append(describe(f"{viewport} {name} {page.url}", found))
    assert not problems, "axe-core found serious or critical violations:\n" + "\n".join(problems)
    # One anonymous answer sheet per visitor, and nothing about who sent it.
    assert Response.objects.filter(questionnaire=survey).count() == 1


def test_it_declares_chinese_and_fits_a_phone_screen_on_the_public_ratings_pages(
    new_page: Any, screenshot: Any, survey: Questionnaire, published: Period
) -> None:
    page = new_page(PHONE)
    too_wide = []
    for name in ratings_public_pages(page, survey, published):
        expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if widths[0] > widths[1]:
            too_wide.append(f"{name}: {widths[0]}px wide in a {widths[1]}px window{widest(page)}")
        screenshot(page, name)
    assert not too_wide, "pages scroll sideways on a phone:\n" + "\n".join(too_wide)
