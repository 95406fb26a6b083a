"""The newest warnings on the home page, and the "draft a warning" button on an alert's or a clue's page.

A template tag, so the pages of the apps below (the home page, the alert and clue pages) offer warnings
without their code importing this app."""

from typing import Any

from django import template

from xiaobao.riskwarnings import access
from xiaobao.riskwarnings.selectors import newest_public

register = template.Library()

HOME_COUNT = 3


@register.inclusion_tag("riskwarnings/_newest.html")
def risk_warnings_newest(count: int = HOME_COUNT) -> dict[str, Any]:
    return {"warnings": newest_public(count)}


@register.filter
def may_write_warnings(user: Any) -> bool:
    return access.is_writer(user)
