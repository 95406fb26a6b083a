"""Demo illegal-fundraising reports: schemes as reporters describe them, filed through the real services."""

import random
from datetime import timedelta
from decimal import Decimal

import time_machine
from django.db import transaction
from django.utils import timezone

from xiaobao.accounts.models import User
from xiaobao.demo.accounts import DEMO_FUNDRAISING
from xiaobao.registry.models import Region
from xiaobao.tipoffs import services
from xiaobao.tipoffs.models import Report

# (entity, kind, region, uscc, collecting account, website, scheme, promised %, amount, people)
SCHEMES: list[tuple[str, str, str, str, str, str, str, str | None, int | None, int | None]] = [
    (
        "吉林省鑫盛财富管理有限公司",
        "company",
        "220104",
        "",
        "6222021001122334455",
        "xinsheng-cf.example",
        "在小区门口发传单，说投资养老项目保本保息，年化收益18%，每月返息，介绍亲戚朋友加入还有提成。",
        "18",
        300000,
        200,
    ),
    (
        "长春金鼎国际交易中心有限公司",
        "company",
        "220102",
        "",
        "6217003810012345678",
        "",
        "微信群里天天发原始股，说明年上市翻十倍，稳赚不赔，让大家转账到个人账户认购。",
        "36",
        1200000,
        400,
    ),
    (
        "吉林市康乐养生会馆",
        "company",
        "220202",
        "",
        "6228480018812345670",
        "",
        "免费听健康讲座送鸡蛋，然后推销养老公寓会员卡，交5万元每年返8%，到期还本。",
        "8",
        800000,
        160,
    ),
    (
        "延边众筹互助平台",
        "company",
        "222401",
        "",
        "",
        "zhonghu-app.example",
        "App上做互助理财，拉人头发展下线，每拉一个人返现200元，说是区块链技术零风险。",
        "24",
        None,
        900,
    ),
    (
        "四平绿源生态农业合作社",
        "company",
        "220302",
        "",
        "6230520060012345678",
        "",
        "合作社说代养殖肉牛，每头牛投入1万元，一年返1500元分红，到期回购，已经收了很多村民的钱。",
        "15",
        2600000,
        310,
    ),
    (
        "王某",
        "person",
        "220581",
        "",
        "6212260712345678901",
        "",
        "邻居王某在村里借钱，说是帮银行放贷，日息千分之三，已有几十户把积蓄交给他。",
        "109",
        500000,
        60,
    ),
    (
        "白山鼎泰商贸有限公司",
        "company",
        "220602",
        "",
        "",
        "",
        "售后包租：买商铺后公司返租，每年固定收益12%，签合同时说公司担保不会亏。",
        "12",
        3500000,
        120,
    ),
    (
        "松原元宇宙数字资产有限公司",
        "company",
        "220702",
        "",
        "6222021001122334455",
        "",
        "推销虚拟币矿机，说挖矿每天产币，收益固定，还让我们拉熟人买，收款账户和鑫盛那家是同一个。",
        "60",
        700000,
        150,
    ),
]


def tipoffs_seed(*, seed: int = 2026) -> str | None:
    """Reports from the last 40 days about the schemes above, a few already opened as clues or asked
    about by the demo fundraising officer; None when the demo reports are there already."""
    officer = User.objects.filter(username=DEMO_FUNDRAISING).first()
    if officer is None or officer.authority is None:
        return "demo tip-offs left out: the illegal-fundraising lead department is not in the reference data"
    if Report.objects.filter(subject_name=SCHEMES[0][0]).exists():
        return None
    rng = random.Random(seed)
    regions = {r.code: r for r in Region.objects.filter(code__in={scheme[2] for scheme in SCHEMES})}
    now = timezone.now()
    made = 0
    with transaction.atomic():
        for index, (name, kind, region, uscc, account, web, scheme, rate, amount, people) in enumerate(SCHEMES):
            reports = 1 + rng.randrange(3) + (3 if index in (0, 7) else 0)
            for n in range(reports):
                when = now - timedelta(days=rng.randrange(1, 40), hours=rng.randrange(9))
                named = n == 0 and index % 3 == 0
                with time_machine.travel(when, tick=False):
                    report, _receipt = services.report_submit(
                        by=None,
                        subject_kind=kind,
                        subject_name=name,
                        subject_region=regions[region],
                        scheme=scheme if n == 0 else f"我也被拉进去了：{scheme[:40]}……",
                        subject_uscc=uscc,
                        websites=web,
                        collecting_accounts=account,
                        promised_return=Decimal(rate) if rate else None,
                        amount=Decimal(amount) if amount else None,
                        people=people,
                        promoted_where="小区、微信群" if n % 2 else "老年活动中心",
                        anonymous=not named,
                        contact_name="赵女士" if named else "",
                        contact_phone="13904315566" if named else "",
                        wants_reward=named,
                    )
                made += 1
                if index in (0, 4) and n == 0:
                    services.clue_open(report=report, by=officer, assign_to=officer)
                elif index == 2 and n == 0:
                    services.report_ask(
                        report=report, by=officer, question="请问讲座的具体地点和时间？是否有收款收据？"
                    )
    clues = Report.objects.exclude(clue=None).count()
    return f"tip-offs: {made} reports, {clues} in clues; officer {DEMO_FUNDRAISING} ({officer.authority.name})"
