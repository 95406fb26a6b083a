"""The rules in force and their defaults: the matching rules and the first risk-tolerance questionnaire.

`rules_load` seeds them (a data migration calls it, and the browser tests after a flush); it adds only
what is missing, so an administrator's edits stay.
"""

from datetime import date
from typing import Any

from django.apps import apps as global_apps

from xiaobao.products import matching
from xiaobao.products.models import RULES_FROM, Questionnaire, SuitabilityRules

RULES_BASIS = """\
产品风险等级不高于客户风险承受能力等级：《商业银行理财业务监督管理办法》（银保监会令2018年第6号）第二十八条；《证券期货投资者适当性管理办法》（证监会令第130号）第十八、十九条。
最低类别客户只能购买最低风险等级产品：《证券期货投资者适当性管理办法》第十九条；《商业银行理财业务监督管理办法》第二十八条。
银行理财不得向等级较低的客户销售、不得突破：《商业银行理财业务监督管理办法》第二十八条（不得通过对理财产品进行拆分等方式，向风险承受能力等级低于理财产品风险等级的投资者销售理财产品）。
双录：《银行保险机构消费者权益保护管理办法》（金融监管总局令2023年第4号）第十八条；《商业银行理财业务监督管理办法》第二十七条（营业场所专区销售录音录像）。
老年客户额外提示：《银行保险机构消费者权益保护管理办法》第二十九条（对老年人等特殊群体加强风险提示）；年龄界线 65 岁为本省惯例，可调整。
评估有效期一年，过期须重新评估：《商业银行理财业务监督管理办法》第二十八条（风险承受能力评估有效期）。
分级动态管理：吉金办联字〔2016〕12号 第七条；适当性原则：第十四条。"""

QUESTIONNAIRE_VERSION = "2026-01"
QUESTIONNAIRE_BASIS = "参照《商业银行理财业务监督管理办法》附件《商业银行理财产品销售管理要求》中的风险承受能力评估要素：年龄、财务状况、投资经验、投资目的、风险偏好、可承受损失。"
# (question, [(option, score), …]); six questions scored 1–5, so totals run from 6 to 30.
QUESTIONS: list[tuple[str, list[tuple[str, int]]]] = [
    ("您的年龄", [("65 岁及以上", 1), ("56–64 岁", 2), ("46–55 岁", 3), ("36–45 岁", 4), ("18–35 岁", 5)]),
    (
        "家庭年收入",
        [("5 万元以下", 1), ("5–10 万元", 2), ("10–20 万元", 3), ("20–50 万元", 4), ("50 万元以上", 5)],
    ),
    (
        "投资经验",
        [
            ("只有存款", 1),
            ("买过国债或保本型产品", 2),
            ("买过理财或债券基金", 3),
            ("买过股票或混合基金", 4),
            ("有期货、期权等衍生品经验", 5),
        ],
    ),
    (
        "投资目的",
        [("保住本金", 1), ("略高于存款利息", 2), ("稳定增值", 3), ("较高收益", 4), ("追求高收益", 5)],
    ),
    (
        "这笔钱多久不用",
        [("随时要用", 1), ("1 年以内", 2), ("1–3 年", 3), ("3–5 年", 4), ("5 年以上", 5)],
    ),
    (
        "能承受的最大亏损",
        [("不能亏损", 1), ("5% 以内", 2), ("5%–15%", 3), ("15%–30%", 4), ("30% 以上", 5)],
    ),
]
BANDS = [(6, 1), (11, 2), (16, 3), (21, 4), (26, 5)]


def rules_load(*, apps: Any = global_apps) -> None:
    rules_model = apps.get_model("products", "SuitabilityRules")
    if not rules_model.objects.exists():
        rules_model.objects.create(valid_from=RULES_FROM, basis=RULES_BASIS)
    questionnaire_model = apps.get_model("products", "Questionnaire")
    if questionnaire_model.objects.exists():
        return
    questionnaire = questionnaire_model.objects.create(
        version=QUESTIONNAIRE_VERSION,
        title="个人客户风险承受能力评估问卷",
        validity_months=12,
        is_active=True,
        basis=QUESTIONNAIRE_BASIS,
    )
    question_model = apps.get_model("products", "Question")
    option_model = apps.get_model("products", "Option")
    band_model = apps.get_model("products", "Band")
    for sort, (text, options) in enumerate(QUESTIONS, start=1):
        question = question_model.objects.create(questionnaire=questionnaire, text=text, sort=sort)
        for position, (option, score) in enumerate(options, start=1):
            option_model.objects.create(question=question, text=option, score=score, sort=position)
    for min_score, level in BANDS:
        band_model.objects.create(questionnaire=questionnaire, min_score=min_score, level=level)


def suitability_rules_for(on: date) -> SuitabilityRules:
    """The rules in force on that day; the model's defaults when none is."""
    found = SuitabilityRules.objects.filter(valid_from__lte=on).order_by("-valid_from").first()
    return found or SuitabilityRules(valid_from=RULES_FROM)


def matching_rules(rules: SuitabilityRules, *, validity_months: int) -> matching.Rules:
    return matching.Rules(
        elderly_age=rules.elderly_age,
        recording_from_grade=rules.recording_from_grade,
        validity_months=validity_months,
    )


def current_questionnaire() -> Questionnaire | None:
    return Questionnaire.objects.filter(is_active=True).order_by("-version").first()


def level_for(score: int, bands: list[tuple[int, int]]) -> int:
    """The level of the highest band the score reaches; below every band, the lowest level."""
    level = 1
    for min_score, band_level in sorted(bands):
        if score >= min_score:
            level = band_level
    return level
