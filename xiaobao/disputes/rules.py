"""Dispute-resolution rules and mediation bodies as shipped.

Everything here only seeds empty rows (matched by date or code): an administrator's edits are never
overwritten. The data migration and a fresh test database call the same loader.
"""

from datetime import date
from decimal import Decimal
from typing import Any

from django.apps import apps as global_apps
from django.apps.registry import Apps

from xiaobao.disputes.models import DisputeRules

# The first rule row. Jilin publishes no time limit for an institution's answer to a mediation request;
# 5 working days follows the banking and insurance mediation centres' practice of confirming within a
# working week [U]. 30 days to conclude mediation is 人民调解法's customary limit as used by the courts'
# 诉调对接 rules (法发〔2016〕14号) [S]. Small claims: the fast-track ceilings of local banking mediation
# schemes range from 10,000 to 50,000 元 [U]; the larger one is seeded, with halved limits (2 working days
# to answer, 15 days to conclude). All of it is editable in the admin.
DISPUTE_RULES_FROM = date(2021, 5, 1)
DISPUTE_RULES_BASIS = (
    "机构答复调解申请 5 个工作日（行业调解组织实践）；调解 30 日内办结（诉调对接规定）；"
    "5 万元以下为小额纠纷，机构 2 个工作日内答复，15 日内办结。均可由管理员调整。"
)

_BANKING_INSURANCE = "banking,insurance"
_SECURITIES = "securities"

# The kinds of mediation body a Jilin consumer meets, with demo-plausible names: the province's banking
# and insurance mediation centre and its city offices, the national securities mediation service, the
# payment and local-finance mediation committees, a court-linked (诉调对接) workstation in every
# prefecture, and people's mediation committees. Addresses and telephone numbers are illustrative.
MEDIATION_BODIES: tuple[dict[str, Any], ...] = (
    {
        "code": "jl-bank-insurance",
        "name": "吉林省银行业保险业纠纷调解中心",
        "kind": "industry",
        "region_id": "220000",
        "sectors": _BANKING_INSURANCE,
        "max_amount": None,
        "address": "长春市南关区人民大街3299号",
        "phone": "0431-88900000",
        "hours": "工作日 8:30–11:30，13:00–17:00",
        "description": "由省银行业协会、保险行业协会设立，受理银行保险机构与消费者之间的民商事纠纷，免费调解。",
        "sort": 10,
    },
    {
        "code": "csrc-isc",
        "name": "中证中小投资者服务中心（吉林调解工作站）",
        "kind": "securities",
        "region_id": "220000",
        "sectors": _SECURITIES,
        "max_amount": None,
        "address": "长春市朝阳区西安大路1178号",
        "phone": "12386",
        "hours": "工作日 9:00–17:00",
        "description": "证券期货基金纠纷调解，可在线申请；小额速调。",
        "sort": 20,
    },
    {
        "code": "jl-payment",
        "name": "吉林省支付清算协会金融消费纠纷调解委员会",
        "kind": "industry",
        "region_id": "220000",
        "sectors": "payment",
        "max_amount": None,
        "address": "长春市南关区人民大街2888号",
        "phone": "0431-88901234",
        "hours": "工作日 8:30–16:30",
        "description": "受理非银行支付机构与消费者之间的纠纷。",
        "sort": 30,
    },
    {
        "code": "jl-local-finance",
        "name": "吉林省地方金融纠纷人民调解委员会",
        "kind": "people",
        "region_id": "220000",
        "sectors": "local",
        "max_amount": Decimal("500000.00"),
        "address": "长春市朝阳区延安大街1号",
        "phone": "0431-88905678",
        "hours": "工作日 8:30–16:30",
        "description": "受理小额贷款、融资担保、典当、融资租赁、商业保理等地方金融组织的纠纷。",
        "sort": 40,
    },
    *(
        {
            "code": f"court-{code}",
            "name": f"{court}诉调对接金融纠纷调解工作室",
            "kind": "court",
            "region_id": code,
            "sectors": "",
            "max_amount": None,
            "address": f"{city}{court}诉讼服务中心",
            "phone": "12368",
            "hours": "工作日 8:30–11:30，13:30–17:00",
            "description": "人民法院委派、委托调解的金融纠纷；调解协议可当场申请司法确认。",
            "sort": 100 + i,
        }
        for i, (code, city, court) in enumerate(
            (
                ("220100", "长春市", "长春市中级人民法院"),
                ("220200", "吉林市", "吉林市中级人民法院"),
                ("220300", "四平市", "四平市中级人民法院"),
                ("220400", "辽源市", "辽源市中级人民法院"),
                ("220500", "通化市", "通化市中级人民法院"),
                ("220600", "白山市", "白山市中级人民法院"),
                ("220700", "松原市", "松原市中级人民法院"),
                ("220800", "白城市", "白城市中级人民法院"),
                ("222400", "延边朝鲜族自治州", "延边朝鲜族自治州中级人民法院"),
            )
        )
    ),
    {
        "code": "people-changchun-chaoyang",
        "name": "长春市朝阳区金融消费纠纷人民调解委员会",
        "kind": "people",
        "region_id": "220104",
        "sectors": "",
        "max_amount": Decimal("50000.00"),
        "address": "长春市朝阳区湖西路社区服务中心",
        "phone": "0431-85201234",
        "hours": "工作日 8:30–16:30",
        "description": "社区就近调解小额金融消费纠纷。",
        "sort": 200,
    },
    {
        "code": "people-yanji",
        "name": "延吉市金融消费纠纷人民调解委员会",
        "kind": "people",
        "region_id": "222401",
        "sectors": "",
        "max_amount": Decimal("50000.00"),
        "address": "延吉市公园路司法所",
        "phone": "0433-2512345",
        "hours": "工作日 8:30–16:30（提供朝鲜语服务）",
        "description": "就近调解小额金融消费纠纷，可用朝鲜语沟通。",
        "sort": 210,
    },
)


def rules_load(*, apps: Apps | None = None) -> dict[str, int]:
    """Create the shipped rule row and mediation bodies that are missing; leave every existing row alone.

    apps is the historical registry when called from a data migration. Returns rows created per kind.
    """
    registry = apps or global_apps
    rules_model = registry.get_model("disputes", "DisputeRules")
    body_model = registry.get_model("disputes", "MediationBody")
    created = {"rules": 0, "bodies": 0}
    if not rules_model.objects.exists():
        rules_model.objects.create(valid_from=DISPUTE_RULES_FROM, basis=DISPUTE_RULES_BASIS)
        created["rules"] += 1
    for body in MEDIATION_BODIES:
        fields = dict(body)
        _obj, made = body_model.objects.get_or_create(code=fields.pop("code"), defaults=fields)
        created["bodies"] += made
    return created


def dispute_rules_for(on: date) -> DisputeRules:
    """The rules in force on that day; the model's defaults when an administrator left none in force."""
    found = DisputeRules.objects.filter(valid_from__lte=on).order_by("-valid_from").first()
    return found or DisputeRules(valid_from=DISPUTE_RULES_FROM)
