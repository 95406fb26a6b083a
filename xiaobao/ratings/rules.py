"""The evaluation schemes as shipped, seeded into empty tables by a data migration and editable in the admin.

Two schemes:

- "seed-2016": the six dimensions of the Jilin implementation opinions §5 (环境建设, 义务履行, 争议处理,
  宣传教育, 信息反馈, 监督评价). Jilin never published weights for them, so the weights here are PROPOSED
  DEFAULTS for the regulator to set: the two dimensions the platform can measure best (义务履行 and
  争议处理: deadlines, outcomes, reviews, mediation) take a quarter each, as 操作与服务 and 纠纷化解 do
  nationally; the rest follow the national scheme's proportions. Inspection findings are a dimension of
  their own here (监督评价), so there is no separate deduction (cap 0).
- "cbirc-2021": the national scheme of 2021 (domain.md §8): 体制建设 10%, 机制与运行 25%, 操作与服务 30%,
  教育宣传 10%, 纠纷化解 25%, minus up to 25 points for 监督检查 findings.

Grade bands are unpublished for Jilin as well; both schemes propose five grades (一级 ≥ 90, 二级 ≥ 80,
三级 ≥ 70, 四级 ≥ 60, 五级 below), the lowest two with a rectification task, for the regulator to edit.
Missing data is renormalised (see scoring.py): a small institution with no complaint in the year is
not punished for the silence.
"""

from decimal import Decimal
from typing import Any

from django.apps import apps as global_apps
from django.apps.registry import Apps

D = Decimal

BANDS: tuple[tuple[str, Decimal, bool], ...] = (
    ("一级", D("90"), False),
    ("二级", D("80"), False),
    ("三级", D("70"), False),
    ("四级", D("60"), True),
    ("五级", D("0"), True),
)


def auto(code: str, name: str, metric: str, best: str, worst: str, weight: str = "1") -> dict[str, Any]:
    return {
        "code": code,
        "name": name,
        "kind": "automatic",
        "metric": metric,
        "best": D(best),
        "worst": D(worst),
        "weight": D(weight),
    }


def manual(code: str, name: str, guidance: str, weight: str = "1") -> dict[str, Any]:
    return {"code": code, "name": name, "kind": "manual", "metric": "", "guidance": guidance, "weight": D(weight)}


# Thresholds of the automatic indicators (full marks … zero): the 2021 scheme scores against the
# regulator's own figures, which are not published; these are proposed defaults. Rates are percentages.
ON_TIME = auto("on_time", "按时答复率", "on_time_rate", "100", "80")
UPHELD = auto("upheld", "诉求支持率", "upheld_rate", "60", "10")
PER_10K = auto("per_10k", "万名客户投诉量", "complaints_per_10k", "0.5", "5")
REVIEW = auto("review", "申请核查率", "review_rate", "0", "20")
MEDIATION_ACCEPT = auto("mediation_accept", "调解受理率", "mediation_acceptance", "100", "50")
MEDIATION_SUCCESS = auto("mediation_success", "调解成功率", "mediation_success", "80", "20")
CLOSURE_SAT = auto("closure_sat", "办结满意度", "closure_satisfaction", "4.8", "3")
SURVEY_SAT = auto("survey_sat", "满意度测评得分", "survey_satisfaction", "4.8", "3")
NOTICES = auto("notices", "百件投诉督办数", "supervision_notices", "0", "5")
REPORTED = auto("reported", "按时报送自评", "reported_on_time", "1", "0")

SCHEMES: tuple[dict[str, Any], ...] = (
    {
        "code": "seed-2016",
        "name": "吉林省金融消费者权益保护评估（六方面）",
        "basis": "吉金办联字〔2016〕12号 第（五）条",
        "description": "六个方面的权重为建议默认值，由监管部门确定后在管理后台修改（修改会生成新版本）。",
        "deduction_cap": D("0"),
        "dimensions": (
            (
                "environment",
                "环境建设",
                D("15"),
                [manual("governance", "消保机构、制度与人员保障", "查阅机构设置、制度文件和人员配备。")],
            ),
            ("duties", "义务履行", D("25"), [ON_TIME, PER_10K]),
            ("disputes", "争议处理", D("25"), [UPHELD, REVIEW, MEDIATION_ACCEPT, MEDIATION_SUCCESS]),
            (
                "education",
                "宣传教育",
                D("10"),
                [manual("education", "金融知识宣传教育", "查阅宣传活动记录、覆盖人数和特殊群体服务。")],
            ),
            ("reporting", "信息反馈", D("10"), [REPORTED]),
            ("supervision", "监督评价", D("15"), [NOTICES, CLOSURE_SAT, SURVEY_SAT]),
        ),
    },
    {
        "code": "cbirc-2021",
        "name": "银行保险机构消费者权益保护监管评价（2021）",
        "basis": "银保监发〔2021〕24号",
        "description": "五个要素的权重依2021年监管评价办法；监督检查发现问题扣分，合计不超过25分。",
        "deduction_cap": D("25"),
        "dimensions": (
            (
                "structure",
                "体制建设",
                D("10"),
                [manual("structure", "消保体制机制建设", "董事会、高管层职责，消保部门设置和考核。")],
            ),
            (
                "mechanism",
                "机制与运行",
                D("25"),
                [
                    manual("mechanism", "消保审查、考核与问责", "消保审查、内部考核、问责和信息报送。"),
                    REPORTED,
                    NOTICES,
                ],
            ),
            ("service", "操作与服务", D("30"), [ON_TIME, PER_10K, CLOSURE_SAT, SURVEY_SAT]),
            ("education", "教育宣传", D("10"), [manual("education", "教育宣传", "常态化宣传和集中宣传活动。")]),
            ("disputes", "纠纷化解", D("25"), [UPHELD, REVIEW, MEDIATION_ACCEPT, MEDIATION_SUCCESS]),
        ),
    },
)


def schemes_load(*, apps: Apps | None = None) -> int:
    """Create each shipped scheme that has no version yet; an existing one, edited or not, is left alone.

    apps is the historical registry when called from a data migration. Returns schemes created.
    """
    registry = apps or global_apps
    scheme_model = registry.get_model("ratings", "Scheme")
    dimension_model = registry.get_model("ratings", "Dimension")
    indicator_model = registry.get_model("ratings", "Indicator")
    band_model = registry.get_model("ratings", "GradeBand")
    created = 0
    for spec in SCHEMES:
        if scheme_model.objects.filter(code=spec["code"]).exists():
            continue
        scheme = scheme_model.objects.create(
            code=spec["code"],
            version=1,
            name=spec["name"],
            basis=spec["basis"],
            description=spec["description"],
            deduction_cap=spec["deduction_cap"],
        )
        for order, (code, name, weight, indicators) in enumerate(spec["dimensions"]):
            dim = dimension_model.objects.create(scheme=scheme, code=code, name=name, weight=weight, order=order)
            for i, ind in enumerate(indicators):
                indicator_model.objects.create(dimension=dim, order=i, **ind)
        for grade, min_score, rectify in BANDS:
            band_model.objects.create(scheme=scheme, grade=grade, min_score=min_score, needs_rectification=rectify)
        created += 1
    return created
