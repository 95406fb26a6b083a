"""The credit-list rules in force and the seeded measures: shipped defaults fill empty tables; the admin
edits them with history."""

from datetime import date
from typing import Any

from django.apps import apps as global_apps
from django.apps.registry import Apps

from xiaobao.core.time import today
from xiaobao.credit.models import CREDIT_RULES_FROM, CreditRules

# The measures the lists trigger by default (issue: 守信激励、失信惩戒 of the seed, §13).
DEFAULT_MEASURES: list[dict[str, Any]] = [
    {
        "code": "black-rating-cap",
        "list": "black",
        "kind": "rating_cap",
        "name": "评级不得高于三级",
        "description": "列入黑名单的机构在有效期内的金融消费者权益保护评估等级最高为三级。",
        "best_grade": 3,
    },
    {
        "code": "black-no-demonstration",
        "list": "black",
        "kind": "no_demonstration",
        "name": "不得设立示范点",
        "description": "列入黑名单的机构在有效期内不得申报或保留金融消费者权益保护示范点。",
        "best_grade": None,
    },
    {
        "code": "red-simplified-checks",
        "list": "red",
        "kind": "simplified_checks",
        "name": "简化检查",
        "description": "列入红名单的机构在有效期内适当减少现场检查频次，优先采用非现场方式。",
        "best_grade": None,
    },
]


def rules_load(*, apps: Apps | None = None) -> int:
    """Create the first rules row and the default measures where missing; rows already there stay."""
    registry = apps or global_apps
    rules = registry.get_model("credit", "CreditRules")
    measure = registry.get_model("credit", "Measure")
    created = 0
    if not rules.objects.exists():
        rules.objects.create(
            valid_from=CREDIT_RULES_FROM,
            basis="失信行为纠正后的信用信息修复管理办法（试行）（国家发展改革委令2023年第58号）",
        )
        created += 1
    for row in DEFAULT_MEASURES:
        _obj, made = measure.objects.get_or_create(code=row["code"], defaults=row)
        created += int(made)
    return created


def credit_rules(on: date | None = None) -> CreditRules:
    """The rules in force on that day (today by default); the defaults when none is in force."""
    on = on or today()
    found = CreditRules.objects.filter(valid_from__lte=on).order_by("-valid_from").first()
    return found or CreditRules(valid_from=CREDIT_RULES_FROM)
