"""The suitability rules as one pure function: who may be sold what, and why not.

No database and no request: the rule values come in as arguments (they are data, kept with history in
`SuitabilityRules`), so the same function answers the API, the counter page, the benchmark and the table
tests. Grades and levels are the integers 1–5 of R1–R5 and C1–C5.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

# Reason codes: a contract with the institutions' sales systems, which branch on them.
GRADE_ABOVE_LEVEL = "grade_above_level"
LOWEST_LEVEL_R1_ONLY = "lowest_level_r1_only"
NO_UPWARD_EXCEPTION = "no_upward_exception"
UPWARD_EXCEPTION = "upward_exception"
ASSESSMENT_EXPIRED = "assessment_expired"
RECORDING_REQUIRED = "recording_required"
EXTRA_WARNING = "extra_warning"
PRODUCT_NOT_ON_SALE = "product_not_on_sale"

MESSAGES: dict[str, StrOrPromise] = {
    GRADE_ABOVE_LEVEL: _("产品风险等级高于客户风险承受能力等级。"),
    LOWEST_LEVEL_R1_ONLY: _("风险承受能力最低类别（C1）的客户只能购买 R1 级产品，不得例外。"),
    NO_UPWARD_EXCEPTION: _("银行理财产品不得向风险承受能力等级低于产品风险等级的客户销售，客户主动要求也不行。"),
    UPWARD_EXCEPTION: _("客户主动要求购买高于其风险承受能力等级的产品：须书面确认并再次提示风险。"),
    ASSESSMENT_EXPIRED: _("客户的风险承受能力评估已过有效期，须重新评估后才能销售。"),
    RECORDING_REQUIRED: _("向老年客户销售或销售 R4 及以上产品须同步录音录像（双录），请填写双录编号。"),
    EXTRA_WARNING: _("老年客户或 R4 及以上产品：须向客户额外提示风险并在双录中确认。"),
    PRODUCT_NOT_ON_SALE: _("产品不在销售期内。"),
}


@dataclass(frozen=True)
class Rules:
    """The rule values in force (see SuitabilityRules for each one's source)."""

    elderly_age: int = 65
    recording_from_grade: int = 4
    validity_months: int = 12


@dataclass(frozen=True)
class Sale:
    """What the sales system knows at the moment of the sale."""

    grade: int
    level: int
    assessed_on: date
    today: date
    age: int | None = None
    recording_ref: str = ""
    customer_insists: bool = False
    upward_exception_allowed: bool = True
    on_sale: bool = True


@dataclass(frozen=True)
class Reason:
    code: str
    blocking: bool

    @property
    def message(self) -> str:
        return str(MESSAGES[self.code])


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reasons: tuple[Reason, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.reasons)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has no such day (31 Jan + 1 → 28/29 Feb)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)  # unreachable: every month has a 28th


def assessment_expires_on(assessed_on: date, rules: Rules) -> date:
    """The last day an assessment may be relied on."""
    return add_months(assessed_on, rules.validity_months)


def check(sale: Sale, rules: Rules) -> Verdict:
    """Every reason that applies, blocking or not; the sale is allowed when none blocks it."""
    reasons: list[Reason] = []
    if not sale.on_sale:
        reasons.append(Reason(PRODUCT_NOT_ON_SALE, True))
    if sale.today > assessment_expires_on(sale.assessed_on, rules):
        reasons.append(Reason(ASSESSMENT_EXPIRED, True))
    if sale.grade > sale.level:
        if sale.level == 1:
            # The lowest category is never overridden, whatever the customer asks (domain.md §9).
            reasons.append(Reason(LOWEST_LEVEL_R1_ONLY, True))
        elif not sale.customer_insists:
            reasons.append(Reason(GRADE_ABOVE_LEVEL, True))
        elif not sale.upward_exception_allowed:
            reasons.append(Reason(NO_UPWARD_EXCEPTION, True))
        else:
            reasons.append(Reason(UPWARD_EXCEPTION, False))
    elderly = sale.age is not None and sale.age >= rules.elderly_age
    if elderly or sale.grade >= rules.recording_from_grade:
        if not sale.recording_ref.strip():
            reasons.append(Reason(RECORDING_REQUIRED, True))
        reasons.append(Reason(EXTRA_WARNING, False))
    return Verdict(allowed=not any(r.blocking for r in reasons), reasons=tuple(reasons))
