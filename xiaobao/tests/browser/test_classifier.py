"""Suggested categories in a real browser: the hint under the complaint form, through htmx."""

from pathlib import Path
from typing import Any

import pytest

from xiaobao.classifier.services import classifier_train
from xiaobao.classifier.tests.synthetic import labelled

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
expect = sync_api.expect

pytestmark = pytest.mark.browser


def test_it_hints_a_category_as_the_consumer_describes_the_complaint(
    new_page: Any, site: str, settings: Any, tmp_path: Path, screenshot: Any
) -> None:
    settings.VAR_DIR = tmp_path
    codes = {"信用卡": "B03-02", "贷款": "B02", "理财": "B05", "保险": "B21"}
    rows = labelled(15)
    classifier_train(name="default", texts=[t for t, _ in rows], labels=[codes[lab] for _, lab in rows],
                     trained_from="browser test")  # fmt: skip
    page = new_page()
    page.goto("/complaints/new/")
    business = page.get_by_label("业务类别").input_value()
    page.get_by_label("事情经过").fill("保险理赔一个月还没处理，代理人对重疾险拒赔的说法前后矛盾")
    page.get_by_label("事情经过").blur()
    hint = page.locator("#category-suggestions")
    expect(hint).to_contain_text("人身保险")
    expect(hint).to_contain_text("自行选择")
    screenshot(page, "hint")
    assert page.get_by_label("业务类别").input_value() == business  # a hint: nothing is chosen for the consumer
