"""Demonstration shelves for the two demo banks, demo-consumer's risk assessment at C3, complaints that
name a product, and a re-grading waiting for demo-regulator, all through the real services.

Idempotent: nothing is written when demo-bank's shelf is there already.

Registration codes follow the real shapes without being real: a wealth-management product's 产品登记编码
is one letter (C for a bank's own product, Z for a wealth-management company's) + the 7-digit registry code
of the issuer + 6 digits (year and serial); a fund's code is its 6-digit exchange code; an insurance
product is filed under its 备案编号. The serials here are invented.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from xiaobao.accounts.models import User
from xiaobao.complaints.models import Complaint
from xiaobao.complaints.services import complaint_submit
from xiaobao.core.time import now
from xiaobao.grading.services import grading_scan
from xiaobao.products.models import Assessment, Product
from xiaobao.products.rules import current_questionnaire
from xiaobao.products.services import assessment_record, product_create
from xiaobao.registry.models import Category, Label

Row = tuple[str, str, str, str, int, str, int | None, str, str | None, str]
DISCLOSURE_WM = "理财非存款、产品有风险、投资须谨慎。本产品不保证本金和收益，业绩比较基准不代表实际收益。"
DISCLOSURE_FUND = "基金有风险，投资须谨慎。基金过往业绩不代表未来表现，代销机构不承担基金的投资风险。"
DISCLOSURE_INS = "本产品为保险产品，不是存款，也不是理财产品。犹豫期 15 天内退保可退还全部保费，之后退保可能有损失。"
DISCLOSURE_LOAN = "请按期还款，逾期将产生罚息并影响个人信用记录。年化利率按单利计算。"
DISCLOSURE_DEP = "存款受《存款保险条例》保护，同一存款人在同一家银行的存款本息合计 50 万元以内全额赔付。"

# (code, registration code, name, business code, grade, issuer, term days, yield basis, rate, disclosure)
ICBC: list[Row] = [
    ("DEP-3Y", "", "工银三年期整存整取定期存款", "B01-02", 1, "", 1095, "fixed", "1.750", DISCLOSURE_DEP),
    ("DEP-CD20", "", "工银2026年第8期个人大额存单（3年）", "B01-03", 1, "", 1095, "fixed", "1.900", DISCLOSURE_DEP),
    (
        "WM-TX7",
        "Z7001626000118",
        "工银理财·天天鑫现金管理7号",
        "B05-01",
        1,
        "工银理财有限责任公司",
        None,
        "benchmark",
        "1.650",
        DISCLOSURE_WM,
    ),
    (
        "WM-HX90",
        "Z7001626000342",
        "工银理财·恒鑫固收90天持有期",
        "B05-01",
        2,
        "工银理财有限责任公司",
        90,
        "benchmark",
        "2.500",
        DISCLOSURE_WM,
    ),
    (
        "WM-JX1Y",
        "Z7001625000876",
        "工银理财·鑫得利一年定开增强",
        "B05-01",
        2,
        "工银理财有限责任公司",
        365,
        "benchmark",
        "2.900",
        DISCLOSURE_WM,
    ),
    (
        "WM-HH3",
        "Z7001625001203",
        "工银理财·全鑫权益混合三年封闭",
        "B05-01",
        3,
        "工银理财有限责任公司",
        1095,
        "benchmark",
        "4.200",
        DISCLOSURE_WM,
    ),
    (
        "FD-110011",
        "110011",
        "易方达优质精选混合（代销）",
        "B06-02",
        4,
        "易方达基金管理有限公司",
        None,
        "floating",
        None,
        DISCLOSURE_FUND,
    ),
    (
        "FD-000198",
        "000198",
        "天弘余额宝货币（代销）",
        "B06-02",
        1,
        "天弘基金管理有限公司",
        None,
        "floating",
        None,
        DISCLOSURE_FUND,
    ),
    (
        "FD-161725",
        "161725",
        "招商中证白酒指数（代销）",
        "B06-02",
        5,
        "招商基金管理有限公司",
        None,
        "floating",
        None,
        DISCLOSURE_FUND,
    ),
    (
        "FD-001938",
        "001938",
        "中欧时代先锋股票（代销）",
        "B06-02",
        4,
        "中欧基金管理有限公司",
        None,
        "floating",
        None,
        DISCLOSURE_FUND,
    ),
    (
        "INS-ZX5",
        "（工银安盛）〔2024〕两全保险018号",
        "工银安盛鑫享五年期两全保险（分红型）",
        "B06-01",
        2,
        "工银安盛人寿保险有限公司",
        1825,
        "floating",
        None,
        DISCLOSURE_INS,
    ),
    (
        "INS-YL",
        "（工银安盛）〔2023〕年金保险027号",
        "工银安盛御享颐生养老年金保险",
        "B06-01",
        2,
        "工银安盛人寿保险有限公司",
        3650,
        "fixed",
        "2.500",
        DISCLOSURE_INS,
    ),
    (
        "INS-TL",
        "（工银安盛）〔2025〕投资连结保险004号",
        "工银安盛稳盈投资连结保险",
        "B06-01",
        5,
        "工银安盛人寿保险有限公司",
        3650,
        "floating",
        None,
        DISCLOSURE_INS,
    ),
    ("LN-RONGE", "", "工银融e借个人消费贷款", "B02-02", 2, "", 1095, "none", None, DISCLOSURE_LOAN),
    ("LN-HOUSE", "", "个人住房贷款（首套）", "B02-01", 2, "", 10950, "none", None, DISCLOSURE_LOAN),
    ("CC-QX", "", "工银奋斗信用卡分期（取现分期）", "B03-02", 3, "", 360, "none", None, DISCLOSURE_LOAN),
    ("WM-GOLD", "C1020526000051", "工银如意积存金（挂钩黄金）", "B05-01", 4, "", None, "floating", None, DISCLOSURE_WM),
]
JLB: list[Row] = [
    ("JL-DEP1Y", "", "吉林银行一年期整存整取", "B01-02", 1, "", 365, "fixed", "1.400", DISCLOSURE_DEP),
    ("JL-CD", "", "吉林银行个人大额存单（2年）", "B01-03", 1, "", 730, "fixed", "1.650", DISCLOSURE_DEP),
    (
        "JL-WM-YL",
        "C1097326000215",
        "吉林银行“吉祥”稳利180天",
        "B05-01",
        2,
        "",
        180,
        "benchmark",
        "2.650",
        DISCLOSURE_WM,
    ),
    ("JL-WM-RY", "C1097325000488", "吉林银行“如意”添利一年", "B05-01", 2, "", 365, "benchmark", "2.950", DISCLOSURE_WM),
    (
        "JL-WM-XF",
        "C1097325000932",
        "吉林银行“鑫福”混合类两年封闭",
        "B05-01",
        3,
        "",
        730,
        "benchmark",
        "3.800",
        DISCLOSURE_WM,
    ),
    (
        "JL-WM-QY",
        "Z7003826000077",
        "吉银理财·权益精选一号",
        "B05-01",
        4,
        "吉银理财有限责任公司",
        None,
        "benchmark",
        "5.500",
        DISCLOSURE_WM,
    ),
    (
        "JL-FD-519",
        "519674",
        "银河创新成长混合（代销）",
        "B06-02",
        4,
        "银河基金管理有限公司",
        None,
        "floating",
        None,
        DISCLOSURE_FUND,
    ),
    (
        "JL-FD-003",
        "003003",
        "华夏现金增利货币（代销）",
        "B06-02",
        1,
        "华夏基金管理有限公司",
        None,
        "floating",
        None,
        DISCLOSURE_FUND,
    ),
    (
        "JL-FD-512",
        "512880",
        "国泰中证全指证券公司ETF联接（代销）",
        "B06-02",
        5,
        "国泰基金管理有限公司",
        None,
        "floating",
        None,
        DISCLOSURE_FUND,
    ),
    (
        "JL-FD-217",
        "217022",
        "招商产业债券（代销）",
        "B06-02",
        2,
        "招商基金管理有限公司",
        None,
        "floating",
        None,
        DISCLOSURE_FUND,
    ),
    (
        "JL-INS-ZS",
        "（中国人寿）〔2024〕终身寿险062号",
        "国寿鑫享金生终身寿险（代理）",
        "B06-01",
        2,
        "中国人寿保险股份有限公司",
        None,
        "fixed",
        "2.500",
        DISCLOSURE_INS,
    ),
    (
        "JL-INS-WN",
        "（泰康人寿）〔2025〕万能型保险011号",
        "泰康稳健添利万能险（代理）",
        "B06-01",
        3,
        "泰康人寿保险有限责任公司",
        3650,
        "floating",
        None,
        DISCLOSURE_INS,
    ),
    (
        "JL-INS-TL",
        "（平安人寿）〔2024〕投资连结保险009号",
        "平安智盈投资连结保险（代理）",
        "B06-01",
        5,
        "中国平安人寿保险股份有限公司",
        None,
        "floating",
        None,
        DISCLOSURE_INS,
    ),
    ("JL-LN-XF", "", "吉林银行“吉易贷”个人消费贷款", "B02-02", 2, "", 1095, "none", None, DISCLOSURE_LOAN),
    ("JL-LN-JY", "", "吉林银行个人经营贷款", "B02-03", 3, "", 1095, "none", None, DISCLOSURE_LOAN),
    ("JL-CC-FQ", "", "吉林银行信用卡账单分期", "B03-02", 3, "", 360, "none", None, DISCLOSURE_LOAN),
]
SHELVES = {"demo-bank": ICBC, "demo-bank2": JLB}
# The product whose mis-selling complaints raise the pending re-grading, and what the complaints say.
MIS_SOLD = ("demo-bank", "WM-HH3")
MIS_SELLING_STORIES = [
    "网点理财经理说这款产品“和存款一样稳、保本”，没有说明是权益混合类，现在亏损百分之八。",
    "我今年七十一岁，柜台推荐我买三年封闭的理财，没有录音录像，也没告诉我中途不能取。",
    "客户经理代我做的风险测评，我是保守型却买了R3的产品，没给我看风险揭示书。",
    "宣传单写年化4.2%，实际到手不到1%，销售时只讲收益不讲风险。",
]


@transaction.atomic
def products_seed() -> str | None:
    """The two shelves, the consumer's assessment, four complaints and the scan; None when already there."""
    staff = {u.username: u for u in User.objects.filter(username__in=[*SHELVES, "demo-consumer"])}
    missing = [name for name in [*SHELVES, "demo-consumer"] if name not in staff]
    if missing:
        raise ValueError(f"demo accounts missing: {', '.join(missing)} (run the complaints stage first)")
    if Product.objects.filter(institution=staff["demo-bank"].institution).exists():
        return None
    categories = {c.code: c for c in Category.objects.filter(dimension=Category.Dimension.BUSINESS)}
    made: dict[tuple[str, str], Product] = {}
    launched = date(2025, 3, 3)
    for username, rows in SHELVES.items():
        user = staff[username]
        for i, (code, reg, name, business, grade, issuer, term, basis, rate, disclosure) in enumerate(rows):
            made[(username, code)] = product_create(
                by=user,
                institution=user.own_institution,
                risk_grade=grade,
                code=code,
                registration_code=reg,
                name=name,
                business=categories[business],
                issuer=issuer,
                complexity=Product.Complexity.COMPLEX if grade >= 4 else Product.Complexity.SIMPLE,
                term_days=term,
                yield_basis=basis,
                yield_rate=Decimal(rate) if rate else None,
                fees="认购费 0；销售服务费 0.30%/年；托管费 0.02%/年" if business.startswith("B05") else "",
                redemption="到期前不可赎回" if term else "开放日可赎回，T+1 到账",
                risk_disclosure=disclosure,
                on_sale_from=launched + timedelta(days=17 * i),
            )
    questionnaire = current_questionnaire()
    if questionnaire is not None and not Assessment.objects.filter(consumer=staff["demo-consumer"]).exists():
        # The middle option of every question: 18 points, C3 稳健型.
        answers = {q.pk: list(q.options.all())[2].pk for q in questionnaire.questions.prefetch_related("options")}
        assessment_record(by=staff["demo-consumer"], questionnaire=questionnaire, answers=answers)
    product = made[MIS_SOLD]
    misleading = Category.objects.get(code="C04")
    demand = Label.objects.filter(kind=Label.Kind.DEMAND).first()
    for i, story in enumerate(MIS_SELLING_STORIES):
        complaint_submit(
            by=None,
            via=Complaint.Via.WEB,
            institution=product.institution,
            business=product.business,
            product=product,
            cause=misleading,
            summary="理财销售时未揭示风险",
            narrative=story,
            complainant_name=["赵桂兰", "钱国庆", "孙丽华", "李建军"][i],
            phone=f"1394310{i:04d}",
            demands=[demand] if demand else [],
            received_at=now() - timedelta(days=5 + 6 * i),
        )
    raised = grading_scan(on=now().date())
    return f"products: {len(made)} on two shelves, {len(raised)} re-grading proposal(s) pending"
