"""Realistic demo data, made the way the product makes data: through the services, at their moments.

Two layers:

- `generate_specs()` / `iter_specs()` turn a seed into complaints as complainants would file them:
  who, about which institution, in which category, when, in what words. Pure Python over a snapshot
  of the reference data (`DemoReference`), so benchmarks can reuse it at any size.
- `demo_seed()` files those complaints and plays every later step (acceptance, answers, extensions,
  returns, transfers, messages, feedback, reviews, surveys and the daily deadline sweep) through the
  real services, with the clock moved to each step's historical moment, so events and deadlines are
  exactly what the product itself would have written.

Every person in it is invented: names are drawn from common characters; mobile numbers and GB 11643
identity numbers are random (a valid check character, no real person behind them); every generated
account has an e-mail address under the reserved domain demo.invalid (RFC 2606).
"""

import random
from collections import Counter, deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TextIO

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone

from xiaobao.accounts.models import User
from xiaobao.complaints import services
from xiaobao.complaints.access import GuestAccess
from xiaobao.complaints.models import (
    Complaint,
    Event,
    Message,
    NumberSequence,
    PersonalDataRead,
    SupervisionNotice,
    Survey,
)
from xiaobao.lib.codes import id_check_char
from xiaobao.lib.workdays import add_calendar_days, add_workdays, is_workday, next_workday
from xiaobao.registry.models import (
    Authority,
    Category,
    DeadlineRuleSet,
    Institution,
    Label,
    Region,
    SizeFigure,
    SupervisionLine,
)
from xiaobao.registry.selectors import calendar_exceptions, rule_set_for, size_figures_for, supervision_line_for

Status = Complaint.Status

DEFAULT_COMPLAINTS = 5200
DEFAULT_SEED = 2026
HISTORY_DAYS = 730  # 24 months of history before today
DEMO_EMAIL_DOMAIN = "demo.invalid"  # RFC 2606: reserved, never delivered; marks every generated account

# ---------------------------------------------------------------------------------------------
# The demo accounts printed by `make run`: (username, role, display name, organisation).

DEMO_CONSUMER = "demo-consumer"
DEMO_ACCOUNTS = (
    (DEMO_CONSUMER, User.Role.CONSUMER, "王丽华", None),
    ("demo-bank", User.Role.INSTITUTION, "刘志强", ("institution", "中国工商银行股份有限公司吉林省分行")),
    ("demo-bank2", User.Role.INSTITUTION, "孙雪梅", ("institution", "吉林银行股份有限公司")),
    ("demo-regulator", User.Role.REGULATOR, "赵振宇", ("authority", "nfra-jilin")),
    ("demo-city-regulator", User.Role.REGULATOR, "陈静", ("authority", "local-changchun")),
    ("demo-mediator", User.Role.MEDIATOR, "周文斌", None),
    ("demo-admin", User.Role.ADMIN, "郑海涛", None),
)

# ---------------------------------------------------------------------------------------------
# Where complaints come from and when.

# Complaint weight of each prefecture: resident population in 万人 from the Seventh National Census
# (吉林省第七次全国人口普查公报, 2020), raised by 25% for 长春 and 延边, whose urban, banked
# populations complain more per head; 松原 and 白城, mostly rural, lowered by 10%.
PREFECTURE_WEIGHTS = {
    "220100": 906.7 * 1.25,  # 长春市
    "220200": 362.4,  # 吉林市
    "220300": 181.5,  # 四平市
    "220400": 99.7,  # 辽源市
    "220500": 181.2,  # 通化市
    "220600": 95.1,  # 白山市
    "220700": 225.3 * 0.9,  # 松原市
    "220800": 155.1 * 0.9,  # 白城市
    "222400": 194.2 * 1.25,  # 延边朝鲜族自治州
}

# 春节 (first day of the lunar year): complaints peak in the weeks after it, when the holiday's
# spending shows on card statements and collection calls resume.
SPRING_FESTIVAL = {
    2023: date(2023, 1, 22),
    2024: date(2024, 2, 10),
    2025: date(2025, 1, 29),
    2026: date(2026, 2, 17),
    2027: date(2027, 2, 6),
    2028: date(2028, 1, 26),
    2029: date(2029, 2, 13),
    2030: date(2030, 2, 3),
}
# Monday to Sunday: people write after the weekend and far less on it.
WEEKDAY_FACTORS = (1.18, 1.08, 1.05, 1.02, 0.97, 0.46, 0.38)
# Hour of day of web submissions (0–23).
WEB_HOURS = (1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2, 4, 6, 7, 6, 4, 5, 6, 6, 5, 4, 3, 4, 5, 5, 4, 2)
# Office hours for what staff enter from the phone, letters and visits.
OFFICE_HOURS = (0, 0, 0, 0, 0, 0, 0, 0, 3, 6, 6, 5, 1, 3, 5, 5, 4, 0, 0, 0, 0, 0, 0, 0)

VIA_WEIGHTS = (
    (Complaint.Via.WEB, 64),
    (Complaint.Via.PHONE, 22),
    (Complaint.Via.WALK_IN, 7),
    (Complaint.Via.LETTER, 5),
    (Complaint.Via.API, 2),
)
VIA_PREFIX = {
    Complaint.Via.PHONE: "来电反映：",
    Complaint.Via.WALK_IN: "来访反映：",
    Complaint.Via.LETTER: "来信反映：",
    Complaint.Via.API: "12378热线工单转入。来电人反映：",
}

# ---------------------------------------------------------------------------------------------
# Invented people.

SURNAMES = (
    ("王", 7.1), ("李", 7.0), ("张", 6.8), ("刘", 5.4), ("陈", 3.5), ("杨", 3.1), ("赵", 2.6), ("孙", 2.2),
    ("于", 1.6), ("周", 1.5), ("吴", 1.4), ("徐", 1.3), ("高", 1.3), ("马", 1.2), ("姜", 1.2), ("黄", 1.1),
    ("朱", 1.0), ("郭", 1.0), ("胡", 0.9), ("韩", 0.9), ("宋", 0.8), ("曲", 0.6), ("董", 0.7), ("冯", 0.6),
    ("崔", 0.6), ("金", 0.6), ("付", 0.6), ("曹", 0.5), ("许", 0.5), ("吕", 0.5), ("魏", 0.5), ("田", 0.5),
    ("邢", 0.4), ("梁", 0.4), ("白", 0.4), ("任", 0.4), ("尹", 0.4), ("丁", 0.4), ("姚", 0.3), ("隋", 0.3),
    ("谷", 0.3), ("关", 0.3), ("佟", 0.3), ("鲁", 0.3), ("苏", 0.3), ("贾", 0.3), ("邹", 0.2), ("薛", 0.2),
)  # fmt: skip
# Common surnames of Korean Chinese, for complainants in 延边 and 长白.
KOREAN_SURNAMES = ("金", "朴", "崔", "李", "郑", "姜", "张", "全", "韩", "南", "玄", "申")
MALE_CHARS = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆旭宁龙林洋志国建海东春峰成立文振德永庆利"
FEMALE_CHARS = "丽娟敏静秀艳芳娜霞玲燕红梅婷雪慧颖琳洁欣悦佳莉萍兰凤春月丹晶璐倩妍淑彤萌桂荣"
# Mobile number prefixes in use by the three carriers.
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151",
    "152", "155", "156", "157", "158", "159", "166", "173", "175", "176", "177", "178",
    "180", "181", "182", "183", "185", "186", "187", "188", "189", "191", "193", "195",
    "198", "199",
)  # fmt: skip
STREETS = (
    "人民大街", "解放大路", "自由大路", "亚泰大街", "重庆路", "南湖大路", "卫星路", "普阳街", "西安大路",
    "延安大街", "吉林大路", "东盛大街", "长春大街", "临河街", "硅谷大街", "前进大街", "北京大街", "光明路",
    "建设街", "新华街", "和平路", "友谊路", "中华路", "胜利路", "青年路", "民主街", "繁荣路", "富民街",
)  # fmt: skip
RELATIVES = ("我母亲", "我父亲", "我爱人", "我单位领导", "我的同事", "我女儿", "我姐姐", "我的朋友")
COLLECTION_AGENTS = ("某资产管理公司", "一家自称律师事务所的机构", "外包催收公司", "某信息咨询公司")
WM_NAMES = ("稳享", "安鑫", "惠利", "盈丰", "月月享", "季季红", "添利", "恒盈")

# ---------------------------------------------------------------------------------------------
# What the complaints are about. Shares follow the regulator's published split of banking
# complaints (domain.md §4: credit cards ≈ 50%, personal loans ≈ 32%, wealth management ≈ 5%), the
# rest spread over the other sectors the platform covers.

CARD_TYPES = (("state-bank", 1.0), ("joint-stock-bank", 4.0), ("city-bank", 0.8), ("rural-bank", 0.25))
LOAN_TYPES = (
    ("state-bank", 1.0),
    ("joint-stock-bank", 1.5),
    ("city-bank", 1.2),
    ("rural-bank", 1.0),
    ("village-bank", 1.0),
)
DEPOSIT_TYPES = (
    ("state-bank", 1.0),
    ("joint-stock-bank", 0.6),
    ("city-bank", 1.0),
    ("rural-bank", 1.2),
    ("village-bank", 1.0),
)
WEALTH_TYPES = (("state-bank", 1.0), ("joint-stock-bank", 2.0), ("city-bank", 1.0), ("rural-bank", 0.4))
OUTCOMES = (Complaint.Outcome.UPHELD, Complaint.Outcome.PARTLY, Complaint.Outcome.NOT_UPHELD)


@dataclass(frozen=True)
class Topic:
    """One kind of complaint: its category, who it is about, and the words people use for it.

    Templates are str.format strings over the slots built in `SpecGenerator._slots`.
    """

    key: str
    share: float
    category: tuple[str, ...]  # names from the top of the business tree down to the node to file under
    types: tuple[tuple[str, float], ...]  # institution type codes and how much more each is complained about
    causes: tuple[tuple[str, int], ...]
    rights: tuple[str, ...]  # Label codes
    demands: tuple[str, ...]  # Label codes
    channels: tuple[str, ...]
    amount: tuple[float, float] | None
    summaries: tuple[str, ...]
    stories: tuple[str, ...]
    staff: tuple[str, ...]
    findings: tuple[str, str, str]  # upheld, partly, not upheld
    remedies: tuple[str, str]  # upheld, partly
    outcomes: tuple[int, int, int] = (40, 25, 35)
    # The share of the amount an upheld complaint gets back (a partly upheld one gets 30–70% of that):
    # a refunded fee is all of it, waived interest a small part of the debt.
    remedy_share: tuple[float, float] = (1.0, 1.0)
    refund: str = "相关费用"
    products: tuple[str, ...] = ("{bank}",)
    amount_optional: float = 0.0  # share of complaints that name no amount
    pboc: bool = False  # credit reporting is the central bank's: some get transferred there
    fundraising: bool = False


COLLECTION_STAFF = (
    "客服称催收工作已委托外包机构，银行无法控制其具体行为。",
    "我要求提供催收机构的名称和委托手续，客服称无法提供。",
    "客服称只要还清欠款，催收电话自然就会停止。",
)
CREDIT_REPORT_STAFF = (
    "客服称征信记录由系统自动报送，无法修改。",
    "网点称需要上级行审批，时间不确定。",
    "客服建议我“五年后记录会自动消除”。",
)

TOPICS: tuple[Topic, ...] = (
    # --- credit cards -------------------------------------------------------------------------
    Topic(
        key="cc_annual_fee",
        share=7,
        category=("银行卡", "信用卡", "信用卡年费"),
        types=CARD_TYPES,
        causes=(("定价收费", 6), ("营销方式和手段", 3), ("信息披露", 2)),
        rights=("fair-dealing", "information"),
        demands=("refund", "explanation"),
        channels=("营业现场", "移动客户端", "电话"),
        amount=(200, 1200),
        refund="年费",
        products=("{bank}白金信用卡", "{bank}车主信用卡", "{bank}联名信用卡", "{bank}商旅信用卡"),
        summaries=("信用卡年费未经告知被扣收", "办卡时承诺免年费，现被扣收年费{amount}元", "{bank}信用卡年费争议"),
        stories=(
            "本人于{d0}在{branch}经工作人员推荐办理了{product}，当时工作人员明确表示“首年免年费，以后每年刷卡满6次也免年费”。{d1}账单显示扣收年费{amount}元，我此前从未收到任何年费提醒。",
            "{d0}我在商场门口的{bank}摆台办了一张信用卡，办卡人员只说是“免年费的卡”，没有提到这是白金卡。{d1}我发现账单中扣收了年费{amount}元，查询后才知道这张卡的年费只能用积分抵扣一部分。",
            "我的{product}开卡后基本没有使用，{d1}收到短信称已扣收年费{amount}元。我要求销卡并退还年费，对方称年费已入账不能退还，只能办理分期。",
        ),
        staff=(
            "客服称“年费条款已写在领用合约中，您签了字就视为同意”。",
            "客服说需要提交申请，{days}个工作日内回复，但至今没有任何消息。",
            "网点工作人员称当时的办卡人员已经离职，无法核实其承诺。",
        ),
        findings=(
            "营销人员在办卡时确有“免年费”的表述，但未完整告知年费标准及减免条件，营销过程不规范",
            "{org}已在领用合约中载明年费标准，但扣收前的年费提醒短信因系统原因未成功发送",
            "您签署的领用合约及申请表已用加粗字体载明年费标准和减免条件，{org}在扣收前30日已通过账单和短信提醒，年费扣收符合合同约定",
        ),
        remedies=("全额退还年费{remedy}元，并对相关营销人员进行问责", "减免年费{remedy}元"),
        outcomes=(40, 25, 35),
    ),
    Topic(
        key="cc_installment",
        share=9,
        category=("银行卡", "信用卡", "信用卡分期"),
        types=CARD_TYPES,
        causes=(("信息披露", 5), ("定价收费", 4), ("营销方式和手段", 3)),
        rights=("information", "fair-dealing"),
        demands=("refund", "explanation"),
        channels=("电话", "移动客户端", "短信"),
        amount=(300, 9000),
        refund="分期手续费",
        products=("账单分期", "现金分期", "消费分期"),
        summaries=(
            "信用卡分期手续费实际费率远高于宣传",
            "账单分期未告知实际年化利率",
            "消费被自动转为分期，手续费{amount}元不认可",
        ),
        stories=(
            "{d1}，{bank}客服致电称我有一笔“优惠分期”额度，每月只收{rate}%的手续费，我同意办理了{months}期{product}。后来自己计算，实际年化费率接近{apr}%，客服从未告知，而且提前还款仍要收取全部剩余手续费。",
            "我在{app}上办理了{product}，页面只显示“每期手续费”，没有显示年化利率。{d1}我想提前结清，被告知需一次性收取剩余{months}期的手续费共{amount}元，我认为极不合理。",
            "{d1}我刷卡购买家电后，收到短信说这笔消费已自动转为分期，手续费合计{amount}元。我从未申请过分期，也没有同意过任何自动分期协议。",
        ),
        staff=(
            "客服称电话录音中我说了“可以”，就视为同意办理。",
            "客服称手续费率在页面上有展示，拒绝退还。",
            "客服只答应减免一期手续费，其余不予处理。",
        ),
        findings=(
            "营销录音中客服人员仅强调“每月手续费率”，未按规定同时告知年化利率及提前还款的收费规则，信息披露不充分",
            "分期业务系您本人通过{app}确认办理，但提前还款时剩余手续费的收取规则提示不够醒目",
            "您在办理前已阅读并勾选同意《分期付款业务协议》，页面已明示手续费总额及年化利率，提前还款规则亦在协议中载明",
        ),
        remedies=("退还已收取的分期手续费{remedy}元，并按您的要求取消剩余分期", "减免剩余期数手续费{remedy}元"),
        outcomes=(35, 30, 35),
    ),
    Topic(
        key="cc_collection",
        share=9,
        category=("银行卡", "信用卡", "信用卡催收"),
        types=CARD_TYPES,
        causes=(("债务催收方式和手段", 10), ("消费者信息安全", 2)),
        rights=("respect", "information-security"),
        demands=("stop-harassment", "verify-cause"),
        channels=("中、后台", "电话"),
        amount=(3000, 80000),
        amount_optional=0.5,
        summaries=(
            "信用卡催收人员频繁拨打家人和同事电话",
            "委外催收人员言语侮辱并向亲友泄露欠款",
            "催收人员冒充法院工作人员威胁",
        ),
        stories=(
            "我的{bank}信用卡因生意失败从{d1}开始逾期，欠款约{amount}元。近一个月催收人员每天打电话{times}次以上，还打给{relative}，说要“上门找我”“让我在单位待不下去”。",
            "{d1}起我陆续接到自称{agent}的电话，称受{bank}委托催收信用卡欠款。对方言语侮辱，还把我的欠款情况发给了通讯录里的亲友，严重影响我的生活和工作。",
            "我的信用卡逾期两个月，一直在和银行协商还款。但催收人员冒充法院工作人员，称“已经立案，三天内不还款就上门拘留”，还给我发送了伪造的律师函。",
        ),
        staff=COLLECTION_STAFF,
        findings=(
            "催收外包机构工作人员存在联系与债务无关的第三人、使用不文明用语等违规行为，{org}已暂停与该机构的合作",
            "通话记录显示催收频次超出{org}内部规定，但未发现冒充公检法人员的情形",
            "调取的催收录音显示催收人员用语规范，仅在您失联后联系了您预留的紧急联系人，未发现违规催收行为",
        ),
        remedies=(
            "停止对您及第三人的催收联系，更换催收人员，并对外包机构予以处罚",
            "调整催收频次，仅通过您本人手机联系，并对相关人员进行批评教育",
        ),
        outcomes=(40, 25, 35),
    ),
    Topic(
        key="cc_negotiation",
        remedy_share=(0.05, 0.15),
        share=8,
        category=("银行卡", "信用卡", "信用卡利息与违约金"),
        types=CARD_TYPES,
        causes=(("管理制度、业务规则与流程", 6), ("服务态度及服务质量", 3)),
        rights=("fair-dealing", "redress"),
        demands=("other", "explanation"),
        channels=("电话", "营业现场"),
        amount=(8000, 150000),
        refund="利息和违约金",
        summaries=("申请个性化分期还款被拒", "要求停息挂账、分期还本遭拒绝", "协商停息分期后银行未按约定办理"),
        stories=(
            "我因病住院失去收入来源，{bank}信用卡欠款{amount}元无力一次性偿还。{d1}我向银行申请个性化分期，提供了诊断证明和收入证明，希望分{months}期还本、减免利息，但银行一直拒绝。",
            "我名下{bank}信用卡欠款本金约{amount}元，目前失业。我多次打电话希望协商分期还款，客服只同意最多12期，且要求先还30%首付，超出了我的还款能力。",
            "{d1}我和{bank}信用卡中心协商还款，对方口头同意停息分期，但后来没有按约定办理，利息和违约金还在继续增加。",
        ),
        staff=(
            "客服称个性化分期需要“符合条件”，但不告诉我具体条件是什么。",
            "客服说只有先还清最低还款额才能申请。",
            "客服让我找第三方“协商机构”，对方要收取服务费。",
        ),
        findings=(
            "您确因重大疾病导致还款能力下降，符合{org}个性化分期还款的条件，前期受理环节未充分评估您提交的材料",
            "您的情况部分符合个性化分期条件，经重新评估，可在减免部分违约金的基础上分期还款",
            "经评估，您的收入状况和还款记录暂不符合个性化分期条件，{org}已向您说明可选择的其他还款方案",
        ),
        remedies=(
            "为您办理{months}期个性化分期还款，停止计收违约金并减免利息{remedy}元",
            "减免违约金{remedy}元，同意分{months}期偿还本金",
        ),
        outcomes=(35, 35, 30),
    ),
    Topic(
        key="cc_fraud",
        share=5,
        category=("银行卡", "信用卡", "信用卡盗刷"),
        types=CARD_TYPES,
        causes=(("消费者资金安全", 8), ("服务设施、设备、业务系统", 2)),
        rights=("property-safety", "redress"),
        demands=("compensation", "verify-cause"),
        channels=("第三方渠道", "网银", "移动客户端"),
        amount=(300, 40000),
        refund="被盗刷款项",
        summaries=("信用卡被境外盗刷{amount}元", "卡在身边却发生异地交易", "信用卡被绑定陌生支付账户盗刷"),
        stories=(
            "{d1}凌晨，我的{bank}信用卡（尾号{tail}）连续发生{times}笔境外网站交易，共计{amount}元。卡一直在我身边，我从未在境外网站消费，发现后立即致电挂失并报警。",
            "{d1}我收到短信提示信用卡在外地POS机消费{amount}元，当时我正在{city}上班，卡片就在钱包里。我当天就到派出所报了案，并向银行提出了争议交易申请。",
            "我的信用卡（尾号{tail}）在{d1}被人绑定到陌生的第三方支付账户，并在短时间内消费{amount}元，我没有收到任何验证码。",
        ),
        staff=(
            "银行称交易验证了密码和短信验证码，属于本人交易，不予赔付。",
            "客服称需等待国际卡组织调查，时间可能长达半年。",
            "银行要求我先还款，否则会产生逾期记录。",
        ),
        findings=(
            "涉案交易发生时卡片在您本人处，交易地与您所在地相距较远，且交易特征符合伪卡交易特征，{org}风控系统未能及时拦截",
            "部分交易确系伪卡交易，另有部分交易通过您本人绑定的支付账户完成，{org}无法认定为盗刷",
            "涉案交易均通过您本人手机接收的动态验证码完成验证，交易设备与您此前的常用设备一致，{org}无法认定为盗刷",
        ),
        remedies=(
            "承担盗刷损失{remedy}元并冲减您的欠款，相关利息、滞纳金全部免除",
            "对认定为伪卡交易的{remedy}元予以调账，并暂停计息",
        ),
        outcomes=(40, 25, 35),
    ),
    Topic(
        key="cc_limit",
        share=4,
        category=("银行卡", "信用卡", "信用卡额度"),
        types=CARD_TYPES,
        causes=(("管理制度、业务规则与流程", 6), ("信息披露", 2)),
        rights=("information", "fair-dealing"),
        demands=("restore-service", "explanation"),
        channels=("移动客户端", "电话"),
        amount=(5000, 80000),
        amount_optional=0.7,
        summaries=("信用卡额度无故被大幅降低", "按时还款的信用卡突然被冻结", "信用卡被止付，银行不说明原因"),
        stories=(
            "我使用{bank}信用卡五年，从未逾期。{d1}额度突然从{amount}元降到2000元，事先没有任何通知，导致我在外地刷卡失败，非常尴尬。",
            "{d1}我刷卡时被提示卡片已冻结，致电客服才知道是“系统风控”，要求我提供近半年的消费小票和工资流水才能解冻。",
            "我的信用卡一直按时全额还款，{d1}银行以“综合评分不足”为由把卡片止付，但不告诉我具体原因，也不说明怎么恢复。",
        ),
        staff=(
            "客服称额度调整属于银行的自主权利，无需通知持卡人。",
            "客服称风控原因不能透露。",
            "客服让我等待{days}个工作日，但一直没有结果。",
        ),
        findings=(
            "系统风险模型误将您的正常消费识别为异常交易并触发降额，降额前亦未按约定提前通知",
            "额度调整依据您近期的用卡情况作出，符合合同约定，但{org}未提前告知，服务存在不足",
            "根据领用合约，{org}有权根据持卡人的用卡情况调整额度，本次调整已通过短信通知您的预留手机号",
        ),
        remedies=("恢复原有额度并解除止付", "开通额度复核渠道并就未提前告知向您致歉"),
        outcomes=(30, 35, 35),
    ),
    Topic(
        key="cc_credit_report",
        share=3,
        category=("个人金融信息", "个人征信"),
        types=CARD_TYPES,
        causes=(("管理制度、业务规则与流程", 5), ("消费者信息安全", 3)),
        rights=("information-security", "fair-dealing"),
        demands=("correct-credit-record", "explanation"),
        channels=("中、后台", "营业现场"),
        amount=(50, 3000),
        amount_optional=0.3,
        refund="年费",
        pboc=True,
        summaries=(
            "未激活信用卡产生年费逾期，要求更正征信",
            "已按要求还款仍被上报逾期",
            "已销户结清的信用卡征信显示呆账",
        ),
        stories=(
            "{d1}我在办理房贷时发现征信报告上有{bank}信用卡逾期记录。原因是一张我从未激活的卡被扣收了{amount}元年费，我根本不知道，导致连续逾期。",
            "我按银行客服的要求在{d1}前还清了全部欠款，但{bank}仍然上报了逾期记录，现在影响我申请贷款。",
            "我的征信报告显示{bank}信用卡存在“呆账”记录，但我早在{d0}就已销户并结清，银行称查不到销户记录。",
        ),
        staff=CREDIT_REPORT_STAFF,
        findings=(
            "该笔逾期系未激活卡片产生的年费所致，{org}未尽到提醒义务，属于非恶意逾期",
            "逾期记录确系您未按期还款形成，但其中一期因{org}的还款提醒短信未送达，可申请更正",
            "经核对还款记录，您在相关账期内确未按时足额还款，征信报送数据真实准确",
        ),
        remedies=(
            "已向征信中心提交更正申请，删除相关逾期记录，并退还年费{remedy}元",
            "已就其中一期逾期记录提交更正申请",
        ),
    ),
    Topic(
        key="cc_marketing",
        share=3,
        category=("银行卡", "信用卡", "信用卡市场活动及增值服务"),
        types=CARD_TYPES,
        causes=(("营销方式和手段", 6), ("信息披露", 3)),
        rights=("information", "free-choice"),
        demands=("other", "refund"),
        channels=("移动客户端", "营业现场"),
        amount=(50, 3000),
        refund="返现和会员费",
        summaries=("刷卡返现活动未按宣传发放", "信用卡被捆绑收取会员服务费", "信用卡积分兑换商品未发货"),
        stories=(
            "{d1}我参加了{bank}信用卡“月月刷、月月返”活动，按要求每月刷满{times}笔，但活动结束后没有收到承诺的{amount}元返现。",
            "我在{app}上领取了所谓“免费权益”，没想到之后每月自动扣收会员费，至今已扣{amount}元，页面上的收费提示字体非常小。",
            "{d1}我用积分兑换的商品一直没有发货，积分已被扣除，价值约{amount}元，客服一直让我等待。",
        ),
        staff=(
            "客服称活动细则中写明“名额有限，先到先得”。",
            "客服称会员服务由第三方提供，银行不负责。",
            "客服称活动已结束，不予补发。",
        ),
        findings=(
            "活动系统存在统计错误，您的交易符合活动要求但未被计入",
            "您的部分交易不符合活动规则，但活动页面对规则的提示不够清晰",
            "您的交易中有多笔属于活动细则明确排除的交易类型，不符合返现条件",
        ),
        remedies=("补发返现及权益{remedy}元", "补偿等值{remedy}元"),
        outcomes=(40, 25, 35),
    ),
    Topic(
        key="cc_fee_interest",
        share=2,
        category=("银行卡", "信用卡", "信用卡利息与违约金"),
        types=CARD_TYPES,
        causes=(("定价收费", 6), ("合同条款", 3)),
        rights=("fair-dealing", "information"),
        demands=("refund", "explanation"),
        channels=("移动客户端", "电话"),
        amount=(50, 2500),
        refund="利息和违约金",
        summaries=("少还几十元被计收全额利息", "还款日当天还款仍被计收违约金", "逾期一天被收取违约金和利息"),
        stories=(
            "我的{bank}信用卡{d1}的账单金额为{amount}元，我在还款日前还了大部分，只差几十元，结果被按全部账单金额计收利息，这种计息方式明显不公平。",
            "{d1}是还款日，我当天下午通过他行转账还款，银行却认定逾期，收取违约金和利息共{amount}元。",
            "我因出差忘记还款，逾期一天，被收取违约金和利息合计{amount}元，还被告知会影响征信。",
        ),
        staff=(
            "客服称“全额计息”是合同约定，无法减免。",
            "客服称他行转账到账有延迟，需要自行承担后果。",
            "客服只同意减免一半违约金。",
        ),
        findings=(
            "您已在还款日当日完成还款，因跨行清算延迟导致系统未及时入账，不应认定为逾期",
            "您确有未足额还款的情形，但考虑到首次发生且金额较小，可适当减免",
            "利息及违约金按照领用合约约定的标准计收，计息方式已在合约中加粗提示",
        ),
        remedies=("退还利息及违约金{remedy}元，并确认不影响征信记录", "减免违约金{remedy}元"),
        outcomes=(40, 25, 35),
    ),
    # --- personal loans -----------------------------------------------------------------------
    Topic(
        key="loan_prepay",
        share=8,
        category=("贷款", "个人住房贷款", "提前还款"),
        types=LOAN_TYPES,
        causes=(("管理制度、业务规则与流程", 6), ("定价收费", 3), ("服务态度及服务质量", 2)),
        rights=("fair-dealing", "free-choice"),
        demands=("refund", "explanation"),
        channels=("营业现场", "移动客户端", "电话"),
        amount=(2000, 30000),
        refund="提前还款违约金",
        summaries=("房贷提前还款需排队数月", "提前还款被收取违约金{amount}元", "申请提前还款被网点推诿"),
        stories=(
            "我在{branch}有一笔个人住房贷款，{d1}申请提前还款{principal}万元，网点称本月额度已满，需要预约排队，至今已等待两个多月，期间利息照付。",
            "我{d0}在{branch}办理房贷，签合同时没有人提到提前还款违约金。{d1}我提前结清贷款时被收取违约金{amount}元，我认为不合理。",
            "{d1}我到{branch}申请部分提前还款，工作人员以“系统维护”“需要领导审批”为由多次推脱，还要求我购买他们的理财产品后才能优先办理。",
        ),
        staff=(
            "工作人员称“这是上级行的统一规定”。",
            "客户经理称每个月提前还款有额度限制。",
            "网点称违约金条款在合同第十二条，已经告知。",
        ),
        findings=(
            "网点在受理提前还款申请时存在设置不合理限制、变相搭售的问题，违反了{org}关于提前还款业务的管理规定",
            "合同中约定了提前还款违约金，但签约时客户经理未就该条款作重点提示",
            "您签订的借款合同第十二条以加粗字体约定了提前还款违约金，您已在该条款旁签字确认",
        ),
        remedies=("为您办理提前还款，并退还违约金{remedy}元", "减半收取违约金，退还{remedy}元"),
    ),
    Topic(
        key="loan_mortgage_rate",
        share=6,
        category=("贷款", "个人住房贷款", "贷款利率与重定价"),
        types=LOAN_TYPES,
        causes=(("定价收费", 6), ("合同条款", 3), ("信息披露", 2)),
        rights=("fair-dealing", "information"),
        demands=("explanation", "refund"),
        channels=("营业现场", "移动客户端"),
        amount=(3000, 60000),
        amount_optional=0.4,
        refund="多收的利息",
        summaries=("存量房贷利率未按规定调整", "房贷利率重定价后利率未下调", "申请转换房贷利率定价方式遭拒"),
        stories=(
            "我{d0}在{branch}办理的个人住房贷款，当前利率仍为{lpr_rate}%，远高于新发放贷款的利率。按照存量房贷利率调整的政策，银行应当统一调整，但我的贷款一直没有调整。",
            "我的房贷合同约定每年1月1日重定价，但今年重定价后利率没有变化，我咨询了多次，银行解释不清楚加点幅度是怎么确定的。",
            "我想把贷款转为加点幅度较低的定价方式，{branch}称必须先结清再重新申请，还要收取评估费。我因此多付的利息约{amount}元。",
        ),
        staff=(
            "客户经理称“二套房不在调整范围内”，但我是首套房。",
            "客服称需要等待总行统一批量调整。",
            "网点称系统里查不到我的调整申请。",
        ),
        findings=(
            "您的贷款符合存量首套住房贷款利率调整条件，因贷款性质在系统中登记有误未被纳入批量调整",
            "您的贷款已按政策批量调整，但调整后的利率未及时通知您，且重定价规则解释不够清楚",
            "您的贷款在系统中登记为第二套住房贷款，经核对不动产登记信息，认定结果无误，暂不符合调整条件",
        ),
        remedies=(
            "将贷款利率调整为{new_rate}%，并退还多收利息{remedy}元",
            "书面说明重定价规则，并退还多收利息{remedy}元",
        ),
        outcomes=(35, 30, 35),
    ),
    Topic(
        key="loan_bundling",
        share=4,
        category=("贷款", "个人消费贷款", "捆绑搭售"),
        types=LOAN_TYPES,
        causes=(("自主选择权", 6), ("营销方式和手段", 4)),
        rights=("free-choice", "fair-dealing"),
        demands=("refund", "terminate-contract"),
        channels=("营业现场",),
        amount=(1000, 20000),
        refund="保费",
        summaries=("办理贷款被要求购买保险", "贷款时被搭售理财产品", "贷款放款后被扣收不明保险费"),
        stories=(
            "{d1}我在{branch}申请{loan_kind}，客户经理说必须购买一份{amount}元的意外保险才能放款，我当时急用钱只能同意。",
            "我申请{loan_kind}时，银行要求我先购买{amount}元的理财产品，否则“审批很难通过”，放款后理财产品还亏了钱。",
            "我在{branch}办理{loan_kind}，放款后发现账户中被扣了一笔{amount}元的“保险费”，合同中根本没有提到，我也从没签过投保单。",
        ),
        staff=(
            "客户经理称保险是自愿购买的，有我的签字。",
            "网点称是合作保险公司的要求，与银行无关。",
            "客户经理说退保要扣手续费。",
        ),
        findings=(
            "客户经理在贷款办理过程中存在将购买保险作为放款条件的行为，违反了不得捆绑搭售的规定",
            "保险系您本人签字投保，但客户经理在营销过程中对保险的自愿性质说明不充分",
            "投保单及录音录像资料显示，您在知悉保险系自愿购买的情况下主动投保，贷款审批与保险购买无关",
        ),
        remedies=(
            "协助您全额退保，退还保费{remedy}元，并对客户经理予以处理",
            "协助办理退保，由{org}承担退保损失{remedy}元",
        ),
    ),
    Topic(
        key="loan_consumer_fin",
        share=7,
        category=("贷款", "个人消费贷款", "利息与费用"),
        types=(("consumer-finance", 1.0),),
        causes=(("定价收费", 6), ("信息披露", 3), ("营销方式和手段", 2)),
        rights=("fair-dealing", "information"),
        demands=("refund", "explanation"),
        channels=("移动客户端", "第三方渠道"),
        amount=(500, 15000),
        refund="服务费和担保费",
        summaries=("网络消费贷综合年化成本超过24%", "借款时被默认勾选付费服务", "消费贷提前还款被收取剩余全部服务费"),
        stories=(
            "{d1}我通过手机App向{bank}借款{principal2}元，分{months}期，宣传的是“日息低至万分之二”，但除了利息还被收取担保费和会员费，算下来综合年化成本超过{apr2}%。",
            "我在某购物平台点击“借钱”入口，借的是{bank}的贷款。放款时被默认勾选了“加速卡”服务，扣费{amount}元，我根本不知道这是什么。",
            "我借款{principal2}元，提前还款时被要求支付剩余全部期数的服务费共{amount}元，合同里没有任何显著提示。",
        ),
        staff=(
            "客服称费用都在电子合同中列明，借款前已经勾选同意。",
            "客服称担保费由合作担保公司收取，与公司无关。",
            "客服推荐我“再借一笔还旧账”。",
        ),
        findings=(
            "借款页面未以显著方式向您展示综合年化成本，且“加速卡”等增值服务默认勾选，不符合明示和自愿的要求",
            "合同已列明各项费用，但借款页面未同时展示年化利率，信息披露不够充分",
            "借款前借款页面已以年化利率形式展示综合借款成本，您已阅读并确认各项费用",
        ),
        remedies=("退还会员费、担保费等各项费用{remedy}元", "退还提前还款服务费{remedy}元"),
        outcomes=(40, 25, 35),
    ),
    Topic(
        key="loan_collection",
        share=4,
        category=("贷款", "个人消费贷款", "其他"),
        types=(*LOAN_TYPES, ("consumer-finance", 8.0)),
        causes=(("债务催收方式和手段", 10),),
        rights=("respect", "information-security"),
        demands=("stop-harassment", "verify-cause"),
        channels=("中、后台",),
        amount=(3000, 200000),
        amount_optional=0.5,
        summaries=("贷款逾期后催收人员骚扰亲友和单位", "催收人员上门张贴催收告知书", "已达成还款协议仍被频繁催收"),
        stories=(
            "我在{bank}的{loan_kind}因收入下降逾期{overdue}个月，欠款约{amount}元。{d1}以来，催收人员每天拨打我和{relative}的电话，甚至打到我单位，说我“骗贷”。",
            "{d1}有两名自称受{bank}委托的催收人员到我家中，在门上张贴催收告知书，邻居们都看到了，给我和家人造成很大压力。",
            "我已经和{bank}达成了分期还款协议，每月按时还款，但仍然不断有催收电话打来，言语粗暴。",
        ),
        staff=COLLECTION_STAFF,
        findings=(
            "委外催收人员存在向无关第三人透露债务信息、上门张贴告知书等违规行为，{org}已责令其整改并暂停合作",
            "催收频次超出{org}的内部规定，但未发现威胁恐吓行为",
            "催收录音显示催收人员用语规范，催收频次符合规定，未发现违规催收行为",
        ),
        remedies=(
            "停止对第三人的催收联系，更换催收机构，并就不当行为向您致歉",
            "调整催收频次，并对催收人员进行批评教育",
        ),
    ),
    Topic(
        key="loan_approval",
        remedy_share=(0.01, 0.05),
        share=3,
        category=("贷款", "个人消费贷款", "贷款审批与发放"),
        types=LOAN_TYPES,
        causes=(("管理制度、业务规则与流程", 6), ("服务态度及服务质量", 4)),
        rights=("information", "respect"),
        demands=("explanation", "verify-cause"),
        channels=("营业现场", "移动客户端"),
        amount=(50000, 800000),
        amount_optional=0.3,
        refund="违约金损失",
        summaries=("贷款审批拖延导致购房违约", "贷款被拒但不说明原因", "贷款结清后抵押解押手续办理缓慢"),
        stories=(
            "我{d1}在{branch}提交了个人住房贷款申请，材料齐全，客户经理承诺一个月内放款，但至今已近两个月仍未放款，导致我向开发商支付了违约金。",
            "我申请{loan_kind}{amount}元，资料都按要求补齐了，{d1}却被告知审批未通过，问原因只说“综合评分不足”。",
            "我的房贷已于{d1}全部结清，但{branch}迟迟不给办理抵押注销手续，我无法出售房屋。",
        ),
        staff=(
            "客户经理称审批在上级行，网点无法催促。",
            "工作人员称解押需要排队，要等一个月以上。",
            "客户经理换了三次，每次都让我重新提交材料。",
        ),
        findings=(
            "网点在贷款受理后未按规定时限推进审批，且未及时告知您办理进度，服务存在明显不足",
            "审批时长符合规定，但网点未及时向您反馈办理进度",
            "贷款审批系依据您的资信状况和{org}的授信政策作出，审批过程符合规定",
        ),
        remedies=("优先为您办理相关手续，并承担由此产生的违约金{remedy}元", "指定专人跟进办理进度并向您致歉"),
        outcomes=(35, 30, 35),
    ),
    Topic(
        key="loan_credit_report",
        share=2,
        category=("个人金融信息", "个人征信"),
        types=LOAN_TYPES,
        causes=(("管理制度、业务规则与流程", 5), ("消费者信息安全", 3)),
        rights=("information-security", "fair-dealing"),
        demands=("correct-credit-record",),
        channels=("中、后台", "营业现场"),
        amount=(500, 20000),
        amount_optional=0.5,
        pboc=True,
        summaries=("自动扣款失败导致房贷逾期记录", "被他人冒名贷款产生征信记录", "贷款已结清但征信仍显示逾期"),
        stories=(
            "我的房贷一直由工资卡自动扣款，{d1}因银行系统升级扣款失败，银行没有通知我，导致征信出现逾期记录。",
            "{d1}我查询征信时发现有一笔在{bank}的{loan_kind}，我从未申请过这笔贷款，怀疑被他人冒用身份办理。",
            "我在{d1}之前已全额还清贷款，但征信报告仍显示“逾期”，影响我申请新的贷款。",
        ),
        staff=CREDIT_REPORT_STAFF,
        findings=(
            "因{org}系统升级期间扣款失败且未向您发送提醒，该笔逾期不属于您的主观原因",
            "逾期记录上报数据准确，但{org}在扣款失败后未及时提醒，可就其中一期申请更正",
            "您在相关期间确未按时足额还款，征信报送数据真实准确",
        ),
        remedies=("已向征信中心提交更正申请并删除逾期记录", "已就其中一期逾期提交征信更正申请"),
    ),
    # --- wealth management ----------------------------------------------------------------------
    Topic(
        key="wm_misselling",
        remedy_share=(0.5, 1.0),
        share=3,
        category=("自营理财", "理财产品销售"),
        types=WEALTH_TYPES,
        causes=(("营销方式和手段", 5), ("产品收益", 4), ("信息披露", 3)),
        rights=("information", "property-safety"),
        demands=("compensation", "verify-cause"),
        channels=("营业现场",),
        amount=(10000, 500000),
        refund="本金损失",
        summaries=(
            "理财经理承诺保本，产品亏损{amount}元",
            "老年人风险测评被代填，买了高风险产品",
            "理财产品净值下跌，银行从未告知",
        ),
        stories=(
            "{d0}我在{branch}购买了{wm_product}，理财经理说“和存款一样安全，年化收益{yield_}%”。{d1}到期时却亏损了{amount}元，我才知道这是{risk}产品。",
            "我今年{age}岁，{d1}去{branch}存定期，理财经理让我在平板上“签几个字”，后来才发现风险测评是她帮我做的，买的是净值型理财产品，目前亏损{amount}元。",
            "我购买的{wm_product}业绩比较基准为{yield_}%，持有一年多实际收益为负，银行从未主动告知产品净值下跌的情况。",
        ),
        staff=(
            "理财经理称“产品说明书上写了不保本”。",
            "网点负责人说亏损是市场原因，银行没有责任。",
            "理财经理已调岗，网点称无法联系。",
        ),
        findings=(
            "销售过程的录音录像显示，理财经理存在代客户填写风险测评问卷、口头承诺保本等违规行为",
            "销售流程基本合规，但理财经理在推介时对产品风险的提示不够充分",
            "销售过程的录音录像完整，您的风险承受能力评级与产品风险等级匹配，您已在风险揭示书上手写确认",
        ),
        remedies=("补偿本金损失{remedy}元，并对理财经理予以问责", "给予补偿{remedy}元"),
        outcomes=(30, 35, 35),
    ),
    Topic(
        key="wm_insurance_as_deposit",
        share=1,
        category=("银行代理业务", "代理保险"),
        types=WEALTH_TYPES,
        causes=(("营销方式和手段", 6), ("信息披露", 3)),
        rights=("information", "free-choice"),
        demands=("terminate-contract", "refund"),
        channels=("营业现场",),
        amount=(10000, 200000),
        refund="保费",
        summaries=("去银行存钱被办成了保险", "存款到期转存被推销分红险", "银行代理保险退保损失大"),
        stories=(
            "{d1}我到{branch}存钱，工作人员说有一种“存款产品”利息更高，我就办了。后来才发现是{insurer}的分红型保险，每年要交{amount}元，要交满{years}年，现在退保要损失一大半。",
            "我母亲今年七十多岁，{d1}去{branch}转存定期时被推销了一份保险，工作人员没有说明这是保险，只说“五年后连本带利取出”，保费{amount}元。",
            "{d0}我在{branch}购买的“理财”实际是保险，现在急用钱想退保，只能拿回现金价值，损失{amount}元。",
        ),
        staff=(
            "网点称合同和回访录音都显示是我本人同意的。",
            "网点说保险是保险公司的事，让我去找保险公司。",
            "当时的销售人员已经离职。",
        ),
        findings=(
            "销售过程录音录像显示，销售人员将保险产品表述为“存款产品”，存在混淆保险与存款的误导行为",
            "销售过程未发现明显误导，但对犹豫期及退保损失的提示不够充分",
            "投保单、录音录像及回访记录均显示您已知悉所购产品为保险，并在犹豫期内予以确认",
        ),
        remedies=("协调保险公司全额退还保费{remedy}元", "协调退保并补偿损失{remedy}元"),
        outcomes=(35, 30, 35),
    ),
    Topic(
        key="wm_redemption",
        share=1,
        category=("自营理财", "赎回与到期兑付"),
        types=WEALTH_TYPES,
        causes=(("信息披露", 5), ("产品收益", 4)),
        rights=("information", "property-safety"),
        demands=("explanation", "compensation"),
        channels=("移动客户端", "营业现场"),
        amount=(10000, 300000),
        refund="利息损失",
        summaries=("理财产品到期后未按时兑付", "赎回理财资金迟迟不到账", "理财产品收益远低于业绩比较基准"),
        stories=(
            "我在{app}购买的{wm_product}应于{d1}到期，但到期后资金迟迟没有到账，客服只说“正在清算”。",
            "{d1}我申请赎回{amount}元理财资金，页面显示次日到账，但五天后仍未到账，影响我支付房款。",
            "我购买的{wm_product}业绩比较基准为{yield_}%，到期收益只有1%左右，银行从未说明原因，也没有定期披露净值。",
        ),
        staff=(
            "客服称清算时间以产品说明书为准。",
            "客服称业绩比较基准不代表实际收益。",
            "网点称需要等待理财子公司回复。",
        ),
        findings=(
            "因系统清算异常导致兑付延迟，{org}未及时告知您原因",
            "收益符合产品说明书的约定，但产品净值信息披露不够及时",
            "产品净值波动系市场原因所致，{org}已按说明书约定定期披露产品净值和报告",
        ),
        remedies=("补偿延迟兑付期间的利息损失{remedy}元", "补偿{remedy}元"),
        outcomes=(30, 30, 40),
    ),
    # --- payment --------------------------------------------------------------------------------
    Topic(
        key="pay_auto_debit",
        share=1.2,
        category=("非银行支付", "网络支付"),
        types=(("payment", 1.0),),
        causes=(("自主选择权", 4), ("定价收费", 4), ("信息披露", 3)),
        rights=("free-choice", "information"),
        demands=("refund",),
        channels=("第三方渠道", "移动客户端"),
        amount=(20, 2000),
        refund="扣款",
        summaries=("免密支付被自动扣款", "同一笔交易被重复扣款", "商户代扣未经同意连续扣款{amount}元"),
        stories=(
            "{d1}我发现绑定在{bank}的支付账户每月被自动扣款，累计已扣{amount}元，是某视频平台的自动续费，我从未开通过免密支付。",
            "我在使用{bank}收单的商户POS机刷卡消费，{d1}发现同一笔交易被重复扣款{amount}元。",
            "我的支付账户绑定了银行卡，{d1}起被一家网络商户通过{bank}连续代扣{times}笔，合计{amount}元。",
        ),
        staff=(
            "客服称扣款系商户发起，需联系商户处理。",
            "客服称已经为我提交工单，但一直没有回复。",
            "客服称代扣协议是我本人签约的。",
        ),
        findings=(
            "该商户的代扣协议签约流程不规范，无法证明系您本人授权",
            "部分扣款确有您本人授权，但商户未履行续费前的提醒义务",
            "扣款均基于您本人在商户页面签订的代扣协议，签约记录完整",
        ),
        remedies=("退还全部扣款{remedy}元，并关闭相关代扣协议", "退还部分扣款{remedy}元"),
        outcomes=(40, 25, 35),
    ),
    Topic(
        key="pay_settlement",
        remedy_share=(0.005, 0.02),
        share=1.0,
        category=("非银行支付", "银行卡收单"),
        types=(("payment", 1.0),),
        causes=(("管理制度、业务规则与流程", 6), ("服务态度及服务质量", 3)),
        rights=("property-safety", "information"),
        demands=("restore-service", "explanation"),
        channels=("第三方渠道",),
        amount=(2000, 80000),
        refund="资金占用损失",
        summaries=("POS机结算资金被冻结", "收款码被关闭，营业款无法提现", "商户营业款延迟结算"),
        stories=(
            "我是{city}一家小超市的个体户，使用{bank}的POS机收款。{d1}起收款资金被暂停结算，共{amount}元，客服只说“交易存在风险”。",
            "{d1}我的收款码被关闭，账户里{amount}元营业款无法提现，对方要求我提供全部进货单据。",
            "我使用{bank}的收款机具，{d1}起连续三天的营业款没有到账，合计{amount}元。",
        ),
        staff=("客服称风控原因不能透露。", "客服让我等待{days}个工作日。", "客服称需要我先补充材料。"),
        findings=(
            "风控系统将正常交易误判为风险交易导致延迟结算，现已解除",
            "风险核查符合规定，但核查周期过长且未及时告知您所需材料",
            "涉案交易存在套现特征，暂停结算符合收单协议及监管规定，您补充材料后已恢复结算",
        ),
        remedies=("恢复结算并补偿资金占用损失{remedy}元", "加快核查并恢复结算"),
        outcomes=(35, 30, 35),
    ),
    Topic(
        key="pay_prepaid",
        share=0.8,
        category=("非银行支付", "预付卡"),
        types=(("payment", 1.0),),
        causes=(("合同条款", 4), ("定价收费", 4)),
        rights=("fair-dealing", "property-safety"),
        demands=("refund",),
        channels=("第三方渠道", "营业现场"),
        amount=(100, 5000),
        refund="卡内余额",
        summaries=("预付卡过期后余额被扣除", "预付卡不能退卡赎回", "购物卡在合作商户无法使用"),
        stories=(
            "{d0}单位发放了{bank}发行的购物卡，{d1}使用时被告知卡已过期，余额{amount}元需要交“延期费”才能使用。",
            "我持有{bank}的预付卡，余额{amount}元，签约商户陆续解约，卡基本用不了，要求赎回被拒绝。",
            "{d1}我用预付卡在超市消费，被告知该商户已不受理，客服提供的可用商户名单与实际不符，卡内还有{amount}元。",
        ),
        staff=("客服称延期费是按规定收取的。", "客服称记名卡才能赎回。", "客服称商户名单以官网为准。"),
        findings=(
            "预付卡有效期届满前未按规定提醒持卡人，收取延期费缺乏依据",
            "赎回规则符合规定，但商户解约后未及时更新可用商户信息",
            "延期费及赎回规则已在购卡章程中载明，收取符合规定",
        ),
        remedies=("免费为您办理延期，退还已收取费用{remedy}元", "补偿{remedy}元并提供可用商户清单"),
    ),
    # --- deposits -------------------------------------------------------------------------------
    Topic(
        key="dep_withdrawal",
        share=1.2,
        category=("人民币储蓄", "活期储蓄"),
        types=DEPOSIT_TYPES,
        causes=(("管理制度、业务规则与流程", 6), ("服务态度及服务质量", 4)),
        rights=("free-choice", "respect"),
        demands=("explanation", "other"),
        channels=("营业现场",),
        amount=(5000, 200000),
        summaries=(
            "取自己的存款被要求出示用途证明",
            "老人卧床不能代取存款，被要求本人到场",
            "大额取现需提前预约，网点未提示",
        ),
        stories=(
            "{d1}我到{branch}取现{amount}元用于装修，工作人员反复盘问用途，还要求出示装修合同，否则不给办理。",
            "我父亲{age}岁，卧床不能行走，{d1}我持委托书去{branch}代取他的存款{amount}元，网点坚持要求本人到场。",
            "{d1}我在{branch}取款{amount}元，柜员说大额取现需要提前一天预约，我白跑了一趟，网点没有任何提示。",
        ),
        staff=("网点负责人称这是反洗钱规定。", "工作人员说“规定就是规定”。", "客服称各网点执行标准不同。"),
        findings=(
            "网点在办理业务时要求提供非必要的证明材料，执行反洗钱尽职调查要求机械化，影响了您的正常业务办理",
            "大额取现预约规定符合要求，但网点未提前公示相关规定，服务解释工作不到位",
            "网点根据反洗钱相关规定对大额现金交易进行了必要的尽职调查，处理符合规定",
        ),
        remedies=(
            "安排上门服务为您办理业务，并对相关员工进行批评教育",
            "在营业场所醒目位置公示大额取现预约规定并向您致歉",
        ),
        outcomes=(35, 35, 30),
    ),
    Topic(
        key="dep_account_restricted",
        share=1.0,
        category=("支付结算", "账户管理", "账户限制与止付"),
        types=DEPOSIT_TYPES,
        causes=(("管理制度、业务规则与流程", 6), ("信息披露", 3)),
        rights=("property-safety", "information"),
        demands=("restore-service",),
        channels=("移动客户端", "营业现场"),
        amount=(1000, 100000),
        amount_optional=0.5,
        summaries=("银行卡被限制非柜面交易", "工资卡被冻结无法使用", "账户只收不付，银行不说明原因"),
        stories=(
            "{d1}我的{bank}借记卡突然无法网上转账，网点称账户被“限制非柜面交易”，要求我说明资金来源。",
            "我的工资卡{d1}被冻结，卡内有{amount}元，银行说是有关部门的要求，但不告诉我是哪个单位、什么原因。",
            "我长期不用的银行卡{d1}被转为“只收不付”状态，需要本人带身份证到开户网点办理，而我人在外地。",
        ),
        staff=("网点称这是防范电信诈骗的统一要求。", "客服称无法查询冻结原因。", "网点称必须回开户网点办理。"),
        findings=(
            "账户管控系系统模型误判，{org}核实后已解除限制，但未及时告知您原因",
            "账户管控符合电信网络诈骗防范要求，但网点对解除流程的说明不够清楚",
            "账户限制系依据有权机关的冻结通知执行，{org}已告知您冻结机关的联系方式",
        ),
        remedies=("解除账户限制", "为您办理异地核实并解除限制"),
        outcomes=(35, 30, 35),
    ),
    Topic(
        key="dep_interest",
        share=0.8,
        category=("人民币储蓄", "存款利率与计息"),
        types=DEPOSIT_TYPES,
        causes=(("定价收费", 4), ("服务态度及服务质量", 4)),
        rights=("fair-dealing", "respect"),
        demands=("explanation", "refund"),
        channels=("营业现场",),
        amount=(100, 5000),
        refund="利息差额",
        summaries=("定期存款利息少算", "大额存单提前支取利息损失", "网点工作人员服务态度恶劣"),
        stories=(
            "{d0}我在{branch}存了三年定期，{d1}到期取款时发现利息比存单上的利率少算了{amount}元。",
            "我的大额存单{d1}急需提前支取，工作人员告知只能按活期计息，损失利息{amount}元，办理时没有人提醒过。",
            "{d1}我在{branch}办理业务时，工作人员态度冷淡，多次催促我“快点”，我问问题时被呵斥。",
        ),
        staff=(
            "网点负责人称计息由系统完成，不会出错。",
            "工作人员称提前支取规则在存单背面。",
            "网点负责人只是口头道歉。",
        ),
        findings=(
            "经复核计息过程，系统存在计息参数设置错误",
            "计息符合规定，但工作人员在办理时解释不清，服务态度欠佳",
            "计息符合存款协议约定，提前支取按活期计息的规则已在存单和协议中载明",
        ),
        remedies=("补付利息差额{remedy}元", "对相关员工进行批评教育并向您致歉"),
        outcomes=(35, 30, 35),
    ),
    # --- insurance ------------------------------------------------------------------------------
    Topic(
        key="ins_claim_car",
        share=0.7,
        category=("财产保险", "车险理赔"),
        types=(("property-insurer", 1.0),),
        causes=(("管理制度、业务规则与流程", 5), ("服务态度及服务质量", 3)),
        rights=("redress", "fair-dealing"),
        demands=("compensation",),
        channels=("电话", "移动客户端"),
        amount=(2000, 60000),
        refund="理赔款",
        summaries=("车险理赔定损金额过低", "车险理赔拖延超过30天", "车险报案后保险公司拒赔"),
        stories=(
            "{d1}我的车在{city}发生交通事故，向{bank}报案后，定损员给出的维修金额只有{amount}元，远低于4S店的维修报价。",
            "我的车辆{d1}出险，材料在当月就全部提交了，但{bank}至今未赔付，每次打电话都说“在审核”。",
            "{d1}我的车在暴雨中被水淹，{bank}以“二次启动”为由拒赔，但我根本没有启动过车辆，损失{amount}元。",
        ),
        staff=("理赔员称定损标准是统一的。", "客服称案件还在审核中。", "理赔员称拒赔依据是保险条款。"),
        findings=(
            "理赔时效超过合同约定，且定损过程未充分考虑维修厂的合理报价",
            "定损金额依据行业标准核定，但对部分配件价格的核定偏低",
            "根据现场勘查和车辆检测报告，损失属于保险条款中的责任免除情形",
        ),
        remedies=("重新核定并赔付{remedy}元", "补充赔付{remedy}元"),
    ),
    Topic(
        key="ins_claim_health",
        share=0.8,
        category=("人身保险", "理赔"),
        types=(("life-insurer", 1.0), ("property-insurer", 0.3)),
        causes=(("合同条款", 5), ("管理制度、业务规则与流程", 4)),
        rights=("redress", "information"),
        demands=("compensation", "explanation"),
        channels=("电话", "营业现场"),
        amount=(3000, 150000),
        refund="保险金",
        summaries=("重疾险理赔被以未如实告知为由拒赔", "医疗险理赔材料被反复要求补充", "住院医疗费用理赔金额有争议"),
        stories=(
            "我{d0}投保了{bank}的重大疾病保险，{d1}确诊后申请理赔{amount}元，保险公司以“投保前有就诊记录未告知”为由拒赔，但投保时业务员从未问过。",
            "{d1}我因病在{city}住院，出院后申请理赔{amount}元，保险公司先后四次要求补充材料，至今未赔付。",
            "我的住院费用为{amount}元，保险公司只赔了一小部分，理由是部分药品“不在报销范围”，投保时并未说明。",
        ),
        staff=("客服称需要理赔部门审核。", "理赔员称拒赔是依据保险条款。", "客服称材料不全不能结案。"),
        findings=(
            "经重新核查，投保时的健康告知问卷未包含相关询问事项，以未如实告知为由拒赔依据不足",
            "部分费用属于合同约定的除外责任，其余费用可予以赔付",
            "您投保前已确诊相关疾病且未在健康告知中如实告知，依据《保险法》第十六条，{org}不承担保险责任",
        ),
        remedies=("赔付保险金{remedy}元", "补充赔付{remedy}元"),
    ),
    Topic(
        key="ins_surrender",
        share=0.8,
        category=("人身保险", "退保"),
        types=(("life-insurer", 1.0),),
        causes=(("合同条款", 5), ("信息披露", 4)),
        rights=("information", "fair-dealing"),
        demands=("refund", "terminate-contract"),
        channels=("营业现场", "电话"),
        amount=(5000, 100000),
        refund="保费",
        summaries=("退保只退现金价值损失大", "业务员诱导退旧保新", "犹豫期内退保被拒"),
        stories=(
            "{d0}业务员向我推销了{bank}的年金险，说“随时可以取出”。{d1}我急需用钱申请退保，只能拿回现金价值，损失{amount}元。",
            "{d1}业务员劝我把原来的保单退了买新产品，说收益更高，结果退保损失{amount}元，新保单的收益也没有说的那么高。",
            "我{d1}投保后第9天申请退保，保险公司称已过犹豫期，不能全额退还保费{amount}元。",
        ),
        staff=("客服称退保金额按合同计算。", "业务员称当时已经讲清楚了。", "客服称犹豫期从签收保单次日起算。"),
        findings=(
            "业务员在销售过程中存在夸大收益、未如实说明退保损失的误导行为",
            "退保金额计算符合合同约定，但业务员对退保损失的提示不够充分",
            "保单已过犹豫期，退保金额按合同约定的现金价值计算，您在投保时已签署风险提示书",
        ),
        remedies=("全额退还已交保费{remedy}元", "补偿退保损失{remedy}元"),
    ),
    Topic(
        key="ins_misselling",
        share=0.7,
        category=("人身保险", "销售误导"),
        types=(("life-insurer", 1.0), ("insurance-intermediary", 2.0)),
        causes=(("营销方式和手段", 6), ("信息披露", 3)),
        rights=("information", "free-choice"),
        demands=("terminate-contract", "refund"),
        channels=("电话", "移动客户端"),
        amount=(3000, 60000),
        refund="保费",
        summaries=("电话推销保险夸大收益", "保险业务员承诺高额分红", "网上投保时被默认勾选附加险"),
        stories=(
            "{d1}{bank}的电话销售人员说“交一年保费送一年保障，还能返现”，我同意后发现每年都要缴{amount}元，要交{years}年。",
            "业务员在推销时承诺“每年分红不低于6%”，{d1}收到的分红报告只有不到1%，我已交保费{amount}元。",
            "我在网上投保意外险时，页面默认勾选了附加险，多扣了{amount}元。",
        ),
        staff=("客服称分红不保证。", "客服称投保页面有完整提示。", "客服称回访时我已确认。"),
        findings=(
            "销售录音显示，销售人员存在夸大保险责任和收益的表述，构成销售误导",
            "销售过程未发现明显误导，但对分红的不确定性提示不够充分",
            "投保页面、回访录音均显示您知悉产品条款及分红的不确定性",
        ),
        remedies=("全额退还保费{remedy}元", "补偿{remedy}元"),
    ),
    # --- securities -----------------------------------------------------------------------------
    Topic(
        key="sec_system",
        remedy_share=(0.3, 0.8),
        share=0.5,
        category=("证券", "经纪业务", "交易系统"),
        types=(("securities-firm", 1.0),),
        causes=(("服务设施、设备、业务系统", 8),),
        rights=("property-safety", "redress"),
        demands=("compensation", "explanation"),
        channels=("移动客户端", "网银"),
        amount=(2000, 80000),
        refund="损失",
        summaries=("交易软件故障无法卖出股票", "委托卖出未成交且撤单失败", "委托单未成交但资金被冻结"),
        stories=(
            "{d1}上午开盘后，{bank}的交易App一直无法登录，我想卖出的股票当天大幅下跌，损失约{amount}元。",
            "{d1}我挂出的卖单显示“已报”，但一直没有成交，撤单也失败，事后发现系统当时出现故障，损失{amount}元。",
            "{d1}我的委托单未成交，但账户内{amount}元资金被冻结了一整天，影响我第二天的交易。",
        ),
        staff=("客服称系统故障期间可通过电话委托下单。", "营业部称损失属于市场风险。", "客服称已向技术部门反映。"),
        findings=(
            "当日交易系统确因扩容故障导致部分客户无法正常登录，{org}未及时发布公告提示备用交易方式",
            "系统故障属实，但故障期间电话委托等备用渠道畅通",
            "经核查系统日志，故障时段您的账户未发起任何委托，损失与系统故障之间不存在因果关系",
        ),
        remedies=("补偿损失{remedy}元", "补偿{remedy}元"),
        outcomes=(30, 30, 40),
    ),
    Topic(
        key="sec_commission",
        share=0.5,
        category=("证券", "经纪业务", "佣金与费用"),
        types=(("securities-firm", 1.0),),
        causes=(("定价收费", 6), ("信息披露", 3)),
        rights=("fair-dealing", "information"),
        demands=("refund", "explanation"),
        channels=("营业现场", "移动客户端"),
        amount=(500, 20000),
        refund="多收的佣金",
        summaries=("股票交易佣金远高于开户时约定", "开户时承诺的低佣金未兑现", "证券账户被收取不明费用"),
        stories=(
            "{d0}我在{branch}开户，客户经理承诺佣金万分之一点五，{d1}我核对交割单发现实际按万分之三收取，多收了{amount}元。",
            "我开户时客户经理说可以调低佣金，但一直没有调整，至今多付佣金约{amount}元。",
            "{d1}我的证券账户被扣收了一笔{amount}元的“投顾服务费”，我从未签署过投顾协议。",
        ),
        staff=("营业部称佣金以系统设置为准。", "客户经理已离职。", "客服称服务费是我在App上确认开通的。"),
        findings=(
            "客户经理未按开户时的约定设置佣金费率",
            "佣金设置符合约定，但投顾服务开通时的费用提示不够明显",
            "佣金费率与您签署的开户协议一致",
        ),
        remedies=("退还多收佣金{remedy}元", "退还{remedy}元"),
    ),
    Topic(
        key="sec_margin",
        remedy_share=(0.3, 0.8),
        share=0.5,
        category=("证券", "融资融券"),
        types=(("securities-firm", 1.0),),
        causes=(("合同条款", 4), ("管理制度、业务规则与流程", 4)),
        rights=("property-safety", "information"),
        demands=("compensation", "explanation"),
        channels=("移动客户端", "电话"),
        amount=(10000, 300000),
        refund="损失",
        summaries=("未收到追保通知即被强制平仓", "追加资金后仍被强制平仓", "强制平仓价格不合理"),
        stories=(
            "{d1}我的融资融券账户维持担保比例跌到警戒线附近，{bank}没有通知我追加担保物，次日一开盘就强制平仓，损失{amount}元。",
            "{d1}我收到追保短信后当天上午就转入了资金，但下午仍被强制平仓，损失{amount}元。",
            "我的两融账户被强平时，成交价明显低于当时市价，损失约{amount}元。",
        ),
        staff=("营业部称合同中约定了平仓规则。", "客服称短信已按规定发送。", "营业部称平仓由系统自动执行。"),
        findings=(
            "您转入资金后维持担保比例已恢复，系统仍执行强制平仓，平仓处理不当",
            "平仓依据合同执行，但追保通知仅通过短信发送，未按约定进行电话通知",
            "平仓前已按合同约定通过短信、电话通知追加担保物，平仓操作符合合同约定",
        ),
        remedies=("补偿平仓损失{remedy}元", "补偿{remedy}元"),
        outcomes=(25, 30, 45),
    ),
    # --- local financial organisations ------------------------------------------------------------
    Topic(
        key="local_small_loan",
        share=1.2,
        category=("地方金融组织业务", "小额贷款"),
        types=(("microcredit", 1.0),),
        causes=(("定价收费", 6), ("合同条款", 3), ("债务催收方式和手段", 2)),
        rights=("fair-dealing", "information"),
        demands=("refund", "explanation"),
        channels=("营业现场", "移动客户端"),
        amount=(2000, 100000),
        refund="预扣的利息和服务费",
        summaries=(
            "小额贷款公司预扣利息（砍头息）",
            "小贷公司另收管理费，实际利率远超约定",
            "提前还款被收取三个月利息",
        ),
        stories=(
            "{d1}我向{bank}借款{principal2}元，合同写的是{principal2}元，但实际到手少了{amount}元，说是“服务费”和“首期利息”。",
            "我在{bank}借款，月利率写的是1.5%，但另外还要每月交“管理费”，综合算下来年化超过36%，已多付{amount}元。",
            "{d1}我提前还款，{bank}要求支付三个月的利息作为违约金，共{amount}元。",
        ),
        staff=("公司称服务费是第三方收取的。", "公司称合同是我自愿签订的。", "公司负责人拒绝见面。"),
        findings=(
            "在发放贷款时存在预先扣除利息和服务费的行为，违反了《吉林省地方金融监督管理条例》的相关规定",
            "贷款利率符合合同约定，但另行收取的管理费缺乏合同依据",
            "借款合同约定的利率及费用符合规定，提前还款违约金按合同约定收取",
        ),
        remedies=("退还预扣的利息和服务费{remedy}元", "退还管理费{remedy}元"),
    ),
    Topic(
        key="local_guarantee",
        share=0.5,
        category=("地方金融组织业务", "融资担保"),
        types=(("financing-guarantee", 1.0),),
        causes=(("定价收费", 6), ("合同条款", 3)),
        rights=("fair-dealing", "free-choice"),
        demands=("refund",),
        channels=("营业现场",),
        amount=(2000, 50000),
        refund="担保费",
        summaries=("贷款结清后担保公司不退保证金", "提前结清贷款后担保费不予退还", "贷款时被强制指定担保公司收费"),
        stories=(
            "{d1}我申请创业担保贷款，{bank}除了担保费外还要求交纳{amount}元“保证金”，说贷款还清后退还，现在贷款已结清，保证金却迟迟不退。",
            "我提前结清贷款后，要求按比例退还未到期的担保费{amount}元，{bank}不同意。",
            "银行告诉我贷款必须由{bank}担保，担保费{amount}元，我没有选择的余地。",
        ),
        staff=("公司称保证金退还需要走审批流程。", "公司称担保费一次性收取，不予退还。", "公司称担保是银行要求的。"),
        findings=(
            "贷款结清后未按约定及时退还保证金",
            "担保费一次性收取符合合同约定，但提前结清后未到期部分的处理规则未充分告知",
            "担保费及保证金按合同约定收取，退还流程符合规定",
        ),
        remedies=("退还保证金{remedy}元", "按比例退还担保费{remedy}元"),
    ),
    Topic(
        key="local_pawn",
        remedy_share=(0.02, 0.08),
        share=0.3,
        category=("地方金融组织业务", "典当"),
        types=(("pawnshop", 1.0),),
        causes=(("合同条款", 5), ("定价收费", 4)),
        rights=("property-safety", "fair-dealing"),
        demands=("refund", "explanation"),
        channels=("营业现场",),
        amount=(5000, 150000),
        refund="综合费用",
        summaries=("典当物品逾期被绝当处理", "典当综合费用过高", "赎当时被要求额外付费"),
        stories=(
            "{d1}我将金饰典当给{bank}，当金{amount}元。我只晚了两天去赎当，对方称已经绝当，不让赎回。",
            "我在{bank}办理车辆典当，每月综合费率高达4%，还被收取了停车费、评估费等，已多付{amount}元。",
            "{d1}我去{bank}赎当时，被要求额外支付{amount}元的“保管费”，当票上没有写这一项。",
        ),
        staff=("典当行称当票背面有约定。", "典当行称逾期即绝当。", "典当行称费用是行业惯例。"),
        findings=(
            "绝当处理未按规定给予5日的赎当宽限期",
            "综合费率符合规定，但另行收取的保管费缺乏当票约定",
            "当票载明的综合费率、续当和绝当规则符合规定，处理并无不当",
        ),
        remedies=("允许您赎回当物，并退还多收费用{remedy}元", "退还保管费{remedy}元"),
    ),
    # --- suspected illegal fundraising ------------------------------------------------------------
    Topic(
        key="fr_pension",
        share=0.3,
        category=("涉嫌非法集资", "养老服务"),
        types=(("unlicensed", 1.0),),
        causes=(("消费者资金安全", 6), ("产品收益", 4)),
        rights=("property-safety", "information"),
        demands=("compensation",),
        channels=("营业现场",),
        amount=(20000, 300000),
        fundraising=True,
        summaries=(
            "养老公寓“会员卡”承诺高额返利后无法兑付",
            "缴纳养老服务费后公司失联",
            "以“养老投资”名义吸收老年人资金",
        ),
        stories=(
            "{d0}我在{bank}缴纳{amount}元办理了“养老公寓会员卡”，对方承诺每年返利12%，到期全额退还本金。从{d1}起返利停止发放，公司办公室已人去楼空。",
            "{d1}我参加了{bank}组织的“健康讲座”，听信工作人员的宣传交了{amount}元“床位预订费”，承诺年息10%，现在一分钱也拿不回来。",
            "我母亲{age}岁，被{bank}的工作人员以送鸡蛋、免费旅游为名拉去听课，先后交了{amount}元，说是“养老投资”，现在无法退回。",
        ),
        staff=(
            "公司工作人员称“老板在处理，过段时间就能兑付”。",
            "公司电话已无人接听。",
            "工作人员让我再拉几个人入会就能先退款。",
        ),
        findings=("", "", ""),
        remedies=("", ""),
        outcomes=(0, 0, 100),
    ),
    Topic(
        key="fr_private_sale",
        remedy_share=(0.3, 0.6),
        share=0.2,
        category=("银行代理业务", "代理信托及资产管理产品"),
        types=WEALTH_TYPES,
        causes=(("消费者资金安全", 6), ("营销方式和手段", 4)),
        rights=("property-safety", "information"),
        demands=("compensation", "verify-cause"),
        channels=("营业现场",),
        amount=(50000, 1000000),
        refund="本金",
        summaries=(
            "银行理财经理私售“高息产品”后无法兑付",
            "在银行网点购买的理财产品实为私募",
            "疑似银行员工“飞单”，本金无法收回",
        ),
        stories=(
            "{d0}我在{branch}的贵宾室，经理财经理介绍购买了一款年化8%的“理财产品”，投入{amount}元，合同盖的却是一家投资公司的章。{d1}到期后无法兑付，才知道是员工私自销售的产品。",
            "{d0}理财经理说有一款“内部产品”保本保息，我在网点转账{amount}元到一家公司账户。{d1}起利息停发，理财经理也联系不上了。",
            "我在{branch}购买的所谓“银行理财”，在{bank}的官网和App上都查不到，涉及金额{amount}元，到期未兑付。",
        ),
        staff=("网点称该产品不是本行产品，与银行无关。", "网点负责人让我去报案。", "网点称员工个人行为由其个人负责。"),
        findings=(
            "涉事员工存在私自销售非本行产品（飞单）的违规行为，{org}已将其开除并移送公安机关，并对网点管理责任进行追究",
            "涉事员工确有私售行为，{org}对网点管理存在疏漏，但涉案资金未经{org}账户流转",
            "经核查，涉案产品非{org}发行或代销，资金未经{org}账户流转，{org}已配合公安机关调查",
        ),
        remedies=("先行垫付部分本金{remedy}元，并配合公安机关追偿", "给予补偿{remedy}元，并配合公安机关追偿"),
        outcomes=(20, 30, 50),
    ),
)

CONTACTS = (
    "我多次拨打{bank}客服电话反映，",
    "我到网点找过负责人，",
    "我向{bank}投诉过，",
    "我通过{app}的在线客服反映后，",
)
CLOSINGS = {
    "refund": ("要求退还{refund}{amount}元。", "要求{bank}退还{refund}。"),
    "compensation": ("要求{bank}赔偿我的损失{amount}元。", "要求{bank}承担责任，赔偿损失。"),
    "stop-harassment": ("要求立即停止骚扰我本人及家人、同事。", "要求停止暴力催收，规范催收行为。"),
    "restore-service": ("要求尽快恢复正常使用。", "要求解除限制，恢复正常使用。"),
    "correct-credit-record": ("要求更正我的征信记录，消除不良影响。",),
    "terminate-contract": ("要求解除合同，退还已交的全部款项。",),
    "verify-cause": ("请监管部门督促{bank}核实情况，给我一个明确说法。",),
    "explanation": ("希望{bank}给出书面解释。", "希望尽快给予答复。"),
    "other": ("希望{bank}能根据我的实际情况妥善解决。", "希望尽快妥善解决。"),
}
# Extra sentences and the sensitivity tags they earn.
EXTRAS = (
    ("如果再不处理，我就向媒体曝光。", "public-opinion", 0.04),
    ("如不能解决，我将向人民法院起诉。", "judicial", 0.04),
    ("我们小区还有好几户邻居有同样的遭遇。", "collective", 0.02),
)
PHONE_IN_NARRATIVE = 0.08  # share of narratives that repeat the complainant's mobile (the scrubber must find it)

GREETINGS = (
    "您好，我是{bank}消费者权益保护专员，已收到您的投诉，将于{days}个工作日内与您电话联系核实情况，请保持电话畅通。",
    "您好，您的投诉已由{branch}负责核实处理，客户经理{staff}会尽快与您联系。",
    "您好，我们已收到您反映的问题，正在调取相关业务资料，请您耐心等待。",
)
CONSUMER_MESSAGES = (
    "请尽快处理，问题已经拖了很久了。",
    "我已经把相关截图整理好了，需要的话可以提供。",
    "今天客户经理给我打了电话，但没有给出解决方案。",
    "请问什么时候能有处理结果？",
)
INSTITUTION_NOTES = (
    "已调取通话录音和业务档案，正在核实。",
    "已联系营销人员了解情况，待其书面说明。",
    "该客户此前已多次来电，需由消保部门统一回复。",
    "已提交分管领导审批。",
)
REGULATOR_MESSAGES = (
    "请高度重视，在规定期限内妥善处理并答复投诉人。",
    "该投诉已超过答复期限，请说明未按时办理的原因及目前进展。",
    "请核实后报送处理情况，并做好投诉人的解释工作。",
)
REGULATOR_NOTES = (
    "该机构近期同类投诉较多，已纳入关注。",
    "投诉人情绪激动，需跟进机构答复情况。",
)
REVIEW_REQUESTS = (
    "对答复不认可：机构称已告知，但我从未收到任何提醒。",
    "答复没有回应我的主要诉求，请监管部门核查。",
    "机构只是口头解释，没有提供任何证据。",
    "处理结果明显不公平，申请核查。",
)
MEDIATION_NOTES = ("希望通过调解解决。", "双方分歧较大，申请调解。", "")
WITHDRAW_SUBMITTED = ("重复提交，申请撤回。", "填写有误，撤回后重新提交。")
WITHDRAW_HANDLED = ("已与{bank}协商一致，问题已解决，申请撤回投诉。", "{bank}已主动联系并解决了问题，撤回投诉。")
RETURN_REASONS = (
    "经核实，投诉人反映的业务在{other}办理，不属于本机构，请转该机构处理。",
    "经核实，投诉人并非本机构客户，请重新转办。",
)
REACCEPT_NOTES = ("经核实，投诉事项属于贵机构的办理范围，请依规处理并按时答复。",)
ACCEPT_NOTES = ("", "", "请于规定时限内答复投诉人并报送处理结果。", "投诉人诉求明确，请尽快核实处理。")
PBOC_TRANSFER = "投诉人反映的是个人征信异议事项，属于人民银行分支机构的职责范围，转人民银行吉林省分行处理。"
EXTENSION_NOTES = (
    "需调取第三方机构资料，申请延长办理期限。",
    "案情较复杂，涉及多个部门，需进一步调查核实。",
    "投诉人需补充提供相关材料。",
)
SUPERVISION_RESPONSES = (
    "已联系投诉人说明情况，正在核实，预计{days}个工作日内答复。",
    "已成立专项小组处理，将于近日向投诉人作出答复。",
)
REVIEW_UPHELD = (
    "经核查，{inst}已按规定调查核实并作出答复，处理意见依据充分，维持原处理意见，核查办结。",
    "经调阅材料、询问双方，{inst}的处理符合合同约定和相关规定，核查办结。",
)
REVIEW_REDO = (
    "经核查，{inst}的答复未对投诉人反映的主要问题作出说明，要求重新核实并作出答复。",
    "经核查，{inst}的调查不充分，要求重新调取相关资料核实后答复投诉人。",
)
SURVEY_COMMENTS = {
    5: ("处理及时，工作人员态度很好。", "感谢监管部门和银行的帮助。", ""),
    4: ("问题基本解决了。", "处理结果满意，就是时间有点长。", ""),
    3: ("结果勉强接受。", "沟通还可以，但解决得不彻底。", ""),
    2: ("处理太慢，结果也不理想。", "只是走了个流程。", ""),
    1: ("没有解决任何问题。", "答复敷衍，非常失望。", ""),
}
SURVEY_SCORES = {  # weights of scores 5..1 by outcome
    Complaint.Outcome.UPHELD: (55, 30, 10, 3, 2),
    Complaint.Outcome.PARTLY: (25, 35, 25, 10, 5),
    Complaint.Outcome.NOT_UPHELD: (8, 17, 30, 25, 20),
}
REFUSAL_NOTES = {
    "outside-scope": (
        "您反映的事项涉及对{bank}工作人员的违纪举报，不属于金融消费投诉的受理范围，请通过{bank}纪检监察渠道反映。"
    ),
    "not-consumer-dispute": "您以企业名义办理的对公业务，不属于金融消费纠纷，不予受理，建议通过协商或诉讼途径解决。",
    "adjudicated": "您反映的事项已经人民法院作出生效判决，依规不予受理，请依法申请执行或通过审判监督程序解决。",
    "anonymous-no-facts": (
        "投诉未提供具体的交易时间、业务信息等事实，无法核实，不予受理；如需投诉，请补充具体事实后重新提交。"
    ),
    "duplicate": (
        "该投诉与您此前提交的投诉 {original} 为同一事项，原投诉已在办理中，本次不再重复受理，请关注原投诉的办理进展。"
    ),
}
FUNDRAISING_REFUSAL = (
    "您反映的问题涉嫌非法集资，不属于金融消费纠纷，已作为非法集资线索移交处置非法集资工作机构依法处置。"
    "请您妥善保存合同、收据、转账记录等证据，并可向当地公安机关报案。"
)
RANDOM_REFUSALS = (("outside-scope", 35), ("not-consumer-dispute", 25), ("adjudicated", 20), ("anonymous-no-facts", 20))


# ---------------------------------------------------------------------------------------------
# A snapshot of the reference data the generator draws from.


def _prefecture(code: str) -> str:
    return code[:4] + "00"


def _brand(head: Institution) -> str:
    """The name people use for an institution: 工商银行, not 中国工商银行股份有限公司吉林省分行."""
    name = head.short_name or head.name
    for suffix in ("吉林省分行", "吉林省分公司", "吉林分公司", "吉林分行", "长春分行", "长春分公司"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


@dataclass
class DemoReference:
    """Everything the generator needs from the database, read once."""

    now: datetime
    today: date
    exceptions: dict[date, bool]
    rule_set: DeadlineRuleSet
    regions: dict[str, Region]
    counties: dict[str, tuple[list[str], list[float]]]  # prefecture code -> county codes and weights
    institutions: dict[int, Institution]
    heads: dict[int, int]  # institution id -> its head office's id
    trees: dict[int, list[int]]  # head office id -> every node of its tree
    leaves: set[int]
    topics: list[Topic]
    business: dict[str, Category]  # topic key -> category
    groups: dict[str, tuple[list[int], list[float]]]  # topic key -> head offices and their weights
    causes: dict[str, Category]
    channels: dict[str, Category]
    labels: dict[tuple[str, str], Label]
    authorities: dict[str, Authority]
    insurers: list[str]

    @classmethod
    def load(cls, now: datetime | None = None) -> "DemoReference":
        now = now or timezone.now()
        today = timezone.localdate(now)
        regions = {r.code: r for r in Region.objects.all()}
        counties: dict[str, tuple[list[str], list[float]]] = {}
        for code, region in sorted(regions.items()):
            if region.level == Region.Level.COUNTY and _prefecture(code) in PREFECTURE_WEIGHTS:
                codes, weights = counties.setdefault(_prefecture(code), ([], []))
                codes.append(code)
                # Urban districts hold most of a prefecture's people; county-level cities more than counties.
                weights.append(3.0 if region.name.endswith("区") else 1.5 if region.name.endswith("市") else 1.0)
        institutions = {i.pk: i for i in Institution.objects.filter(is_active=True).select_related("type", "region")}
        heads: dict[int, int] = {}
        for pk in institutions:
            node = pk
            while institutions.get(node) is not None and institutions[node].parent_id in institutions:
                node = institutions[node].parent_id
            heads[pk] = node
        trees: dict[int, list[int]] = {}
        for pk in sorted(institutions):
            trees.setdefault(heads[pk], []).append(pk)
        parents = {i.parent_id for i in institutions.values() if i.parent_id}
        leaves = {pk for pk in institutions if pk not in parents}

        categories = list(Category.objects.filter(is_active=True))
        by_id = {c.pk: c for c in categories}
        business_nodes = [c for c in categories if c.dimension == Category.Dimension.BUSINESS]

        def chain(c: Category) -> list[str]:
            names = [c.name]
            while c.parent_id in by_id:
                c = by_id[c.parent_id]
                names.append(c.name)
            return list(reversed(names))

        def resolve(path: tuple[str, ...]) -> Category | None:
            while path:
                for node in business_nodes:
                    names = chain(node)
                    if names[-1] == path[-1] and _is_subsequence(path[:-1], names[:-1]):
                        return node
                path = path[:-1]
            return None

        topics: list[Topic] = []
        business: dict[str, Category] = {}
        groups: dict[str, tuple[list[int], list[float]]] = {}
        for topic in TOPICS:
            category = resolve(topic.category)
            multipliers = dict(topic.types)
            heads_ = [h for h in sorted(trees) if institutions[h].type.code in multipliers]
            if category is None or not heads_:
                continue  # the reference data lacks this kind of complaint or institution: leave it out
            sizes = size_figures_for(heads_, timezone.localdate().year)
            weights = [float(_size_weight(sizes.get(h))) * multipliers[institutions[h].type.code] for h in heads_]
            topics.append(topic)
            business[topic.key] = category
            groups[topic.key] = (heads_, weights)

        return cls(
            now=now,
            today=today,
            exceptions=calendar_exceptions(),
            rule_set=rule_set_for(today),
            regions=regions,
            counties=counties,
            institutions=institutions,
            heads=heads,
            trees=trees,
            leaves=leaves,
            topics=topics,
            business=business,
            groups=groups,
            causes={c.name: c for c in categories if c.dimension == Category.Dimension.CAUSE},
            channels={c.name: c for c in categories if c.dimension == Category.Dimension.CHANNEL},
            labels={(label.kind, label.code): label for label in Label.objects.filter(is_active=True)},
            authorities={a.code: a for a in Authority.objects.all()},
            insurers=sorted({_brand(institutions[h]) for h in trees if institutions[h].type.code == "life-insurer"}),
        )

    def brand(self, institution_id: int) -> str:
        return _brand(self.institutions[self.heads[institution_id]])

    def display(self, institution_id: int) -> str:
        institution = self.institutions[institution_id]
        return institution.short_name or institution.name

    def label(self, kind: str, code: str) -> Label | None:
        return self.labels.get((kind, code))


def _size_weight(figure: SizeFigure | None) -> int:
    """How much of the province's complaints a head office draws: its customers, or 5,000 per outlet."""
    if figure is None:
        return 5000
    return figure.personal_customers or (figure.outlets or 1) * 5000


def _is_subsequence(needle: Sequence[str], haystack: Sequence[str]) -> bool:
    it = iter(haystack)
    return all(any(name == hay for hay in it) for name in needle)


# ---------------------------------------------------------------------------------------------
# Complaints as filed.


@dataclass(frozen=True)
class Person:
    name: str
    gender: str  # "m" or "f"
    birth: date
    region_code: str
    phone: str
    id_number: str
    address: str


@dataclass
class ComplaintSpec:
    """One complaint as its complainant files it; ids refer to the reference snapshot."""

    index: int
    topic: str
    received_at: datetime
    via: str
    person: Person
    institution_id: int
    business_id: int
    cause_id: int | None
    channel_id: int | None
    right_ids: list[int]
    demand_ids: list[int]
    tag_ids: list[int]
    amount: Decimal | None
    summary: str
    narrative: str
    consent_publish: bool
    repeat_of: int | None = None
    slots: dict[str, str] = field(default_factory=dict, repr=False)


def _money(value: Decimal | float) -> str:
    text = f"{Decimal(value):.2f}"
    return text[:-3] if text.endswith(".00") else text


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment)


def _at(day: date, minutes: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time()) + timedelta(minutes=minutes))


def _date_text(day: date, received: date) -> str:
    return f"{day.month}月{day.day}日" if day.year == received.year else f"{day.year}年{day.month}月{day.day}日"


class SpecGenerator:
    """Draws complaints from one seeded random stream: the same seed and day give the same complaints."""

    def __init__(self, reference: DemoReference, seed: int = DEFAULT_SEED) -> None:
        self.ref = reference
        # Demo data, not secrets: a seeded, reproducible stream is the point.
        self.rng = random.Random(seed)  # noqa: S311
        self.topics = {t.key: t for t in reference.topics}
        self.topic_keys = [t.key for t in reference.topics]
        self.topic_weights = [t.share for t in reference.topics]
        self.recent: deque[ComplaintSpec] = deque()

    # -- when -----------------------------------------------------------------------------------

    def day_weight(self, day: date) -> float:
        weight = WEEKDAY_FACTORS[day.weekday()]
        official = self.ref.exceptions.get(day)
        if official is False:
            weight = 0.4  # a public holiday
        elif official is True:
            weight = 0.95  # a make-up working weekend (调休)
        festival = SPRING_FESTIVAL.get(day.year)
        if festival is not None and 8 <= (day - festival).days <= 30:
            weight *= 1.45
        if day.month == 3 and 8 <= day.day <= 22:  # around 3·15 金融消费者权益日
            weight *= 2.0 if day.day == 15 else 1.45
        if day.month == 11 and 11 <= day.day <= 30:  # after 双十一 shopping
            weight *= 1.3
        years_back = (self.ref.today - day).days / 365
        return weight * (1 - 0.1 * years_back)  # complaint volumes grow about 10% a year

    def _receipt_time(self, day: date, via: str) -> datetime:
        hours = WEB_HOURS if via == Complaint.Via.WEB else OFFICE_HOURS
        hour = self.rng.choices(range(24), hours)[0]
        moment = _at(day, hour * 60 + self.rng.randint(0, 59))
        latest = self.ref.now - timedelta(minutes=2)
        if moment > latest:
            midnight = _at(day, 0)
            span = max(0, int((latest - midnight).total_seconds()))
            moment = midnight + timedelta(seconds=self.rng.randint(0, span))
        return moment

    # -- who ------------------------------------------------------------------------------------

    def person(self, prefecture: str, county: str | None = None) -> Person:
        rng = self.rng
        if county is None:
            codes, weights = self.ref.counties.get(prefecture) or ([prefecture], [1.0])
            county = rng.choices(codes, weights)[0]
        gender = rng.choice("mf")
        korean = (prefecture == "222400" or county == "220623") and rng.random() < 0.35
        surname = rng.choice(KOREAN_SURNAMES) if korean else rng.choices(*zip(*SURNAMES, strict=True))[0]
        chars = MALE_CHARS if gender == "m" else FEMALE_CHARS
        given = "".join(rng.choice(chars) for _ in range(1 if rng.random() < 0.3 else 2))
        age = int(rng.triangular(20, 82, 42))
        birth = self.ref.today - timedelta(days=age * 365 + rng.randint(0, 364))
        sequence = rng.randrange(0, 999, 2) + (1 if gender == "m" else 0)  # GB 11643: odd for men
        first17 = f"{county}{birth:%Y%m%d}{sequence:03d}"
        phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}"
        address = ""
        if rng.random() < 0.6:
            pref = self.ref.regions.get(prefecture)
            cty = self.ref.regions.get(county)
            address = (
                f"吉林省{pref.name if pref else ''}{cty.name if cty and cty.code != prefecture else ''}"
                f"{rng.choice(STREETS)}{rng.randint(1, 3999)}号{rng.randint(1, 30)}栋"
                f"{rng.randint(1, 6)}单元{rng.randint(1, 28)}0{rng.randint(1, 4)}室"
            )
        return Person(surname + given, gender, birth, county, phone, first17 + id_check_char(first17), address)

    def institution(self, topic: Topic) -> tuple[int, str, str | None]:
        """(institution, complainant's prefecture, complainant's county or None)."""
        rng = self.rng
        heads, weights = self.ref.groups[topic.key]
        head = rng.choices(heads, weights)[0]
        home = _prefecture(self.ref.institutions[head].region_id)
        if self.ref.institutions[head].type.sector in ("local", "unlicensed") and rng.random() < 0.85:
            prefecture = home  # small local firms serve their own city
        else:
            prefecture = rng.choices(list(PREFECTURE_WEIGHTS), list(PREFECTURE_WEIGHTS.values()))[0]
        nodes = [n for n in self.ref.trees[head] if _prefecture(self.ref.institutions[n].region_id) == prefecture]
        if not nodes:
            return head, prefecture, None  # no branch there: the complaint goes to the provincial office
        node = rng.choices(nodes, [2.0 if n in self.ref.leaves else 1.0 for n in nodes])[0]
        region = self.ref.institutions[node].region
        county = region.code if region.level == Region.Level.COUNTY and rng.random() < 0.75 else None
        return node, prefecture, county

    # -- what -----------------------------------------------------------------------------------

    def _amount(self, topic: Topic) -> Decimal:
        low, high = topic.amount or (100, 1000)
        value = low * (high / low) ** self.rng.random()
        if value < 1000 or self.rng.random() < 0.6:
            step = 1 if value < 1000 else 10 if value < 20000 else 100
            return Decimal(int(value / step) * step or step)
        return Decimal(value).quantize(Decimal("0.01"), ROUND_HALF_UP)

    def _slots(self, topic: Topic, institution_id: int, person: Person, received: datetime, amount: Decimal) -> dict:
        rng = self.rng
        day = timezone.localdate(received)
        d1 = day - timedelta(days=rng.randint(5, 90))
        d0 = day - timedelta(days=rng.randint(200, 1800))
        bank = self.ref.brand(institution_id)
        rate = rng.choice(("0.60", "0.66", "0.70", "0.75", "0.80"))
        prefecture = self.ref.regions.get(_prefecture(person.region_code))
        city = prefecture.name.removesuffix("市").removesuffix("朝鲜族自治州") if prefecture else "长春"
        sector = self.ref.institutions[institution_id].type.sector
        slots = {
            "bank": bank,
            "branch": self.ref.display(institution_id),
            "org": "我行" if sector == "banking" else "我公司",
            "d0": f"{d0.year}年{d0.month}月",
            "d1": _date_text(d1, day),
            "amount": _money(amount),
            "tail": f"{rng.randint(0, 9999):04d}",
            "months": str(rng.choice((3, 6, 12, 24, 36))),
            "overdue": str(rng.randint(2, 8)),
            "rate": rate,
            "apr": f"{float(rate) * 12 * 1.8:.1f}",
            "apr2": rng.choice(("24", "30", "35")),
            "times": str(rng.randint(3, 30)),
            "days": str(rng.randint(3, 15)),
            "relative": rng.choice(RELATIVES),
            "agent": rng.choice(COLLECTION_AGENTS),
            "city": city,
            "app": f"{bank}App",
            "principal": str(rng.randint(5, 60)),
            "principal2": str(rng.randint(3, 50) * 1000),
            "loan_kind": rng.choice(("个人消费贷款", "个人经营贷款", "个人汽车贷款")),
            "wm_product": f"“{rng.choice(WM_NAMES)}”{rng.randint(1, 30)}号净值型理财产品",
            "risk": rng.choice(("中风险（R3）", "中高风险（R4）")),
            "yield_": f"{rng.uniform(3.2, 4.8):.2f}",
            "lpr_rate": rng.choice(("4.90", "5.15", "5.39", "5.88")),
            "new_rate": rng.choice(("3.05", "3.10", "3.15")),
            "years": str(rng.choice((5, 10, 20))),
            "age": str(max(0, (day - person.birth).days // 365)),
            "insurer": rng.choice(self.ref.insurers) if self.ref.insurers else "某保险公司",
            "staff": rng.choice([s for s, _w in SURNAMES[:20]]) + "经理",
            "refund": topic.refund,
        }
        slots["product"] = rng.choice(topic.products).format(**slots)
        return slots

    def spec(
        self,
        index: int,
        topic: Topic,
        received_at: datetime,
        via: str,
        person: Person,
        institution_id: int,
    ) -> ComplaintSpec:
        rng = self.rng
        ref = self.ref
        amount = self._amount(topic)
        slots = self._slots(topic, institution_id, person, received_at, amount)
        tags = []
        story = rng.randrange(len(topic.stories))
        parts = [VIA_PREFIX.get(via, ""), topic.stories[story].format(**slots)]
        if rng.random() < 0.8:
            parts.append(rng.choice(CONTACTS).format(**slots) + rng.choice(topic.staff).format(**slots))
        for sentence, tag, chance in EXTRAS:
            if rng.random() < chance:
                parts.append(sentence)
                tags.append(tag)
        demands = [topic.demands[0]] + [d for d in topic.demands[1:] if rng.random() < 0.5]
        parts.extend(rng.choice(CLOSINGS[d]).format(**slots) for d in demands)
        if rng.random() < PHONE_IN_NARRATIVE:
            parts.append(f"我的联系电话是{person.phone}。")
        age = int(slots["age"])
        if age >= 65 and rng.random() < 0.6:
            tags.append("vulnerable")
        if via == Complaint.Via.LETTER and rng.random() < 0.3:
            tags.append("petition")
        if topic.fundraising and rng.random() < 0.4:
            tags.append("collective")
        rights = [topic.rights[0]] + [r for r in topic.rights[1:] if rng.random() < 0.4]
        causes = [(ref.causes[name], w) for name, w in topic.causes if name in ref.causes]
        channels = [ref.channels[name] for name in topic.channels if name in ref.channels]
        return ComplaintSpec(
            index=index,
            topic=topic.key,
            received_at=received_at,
            via=via,
            person=person,
            institution_id=institution_id,
            business_id=ref.business[topic.key].pk,
            cause_id=rng.choices(*zip(*causes, strict=True))[0].pk if causes else None,
            channel_id=rng.choice(channels).pk if channels else None,
            right_ids=[label.pk for code in rights if (label := ref.label(Label.Kind.RIGHT, code))],
            demand_ids=[label.pk for code in demands if (label := ref.label(Label.Kind.DEMAND, code))],
            tag_ids=[label.pk for code in dict.fromkeys(tags) if (label := ref.label(Label.Kind.SENSITIVITY, code))],
            amount=None if rng.random() < topic.amount_optional else amount,
            summary=topic.summaries[story % len(topic.summaries)].format(**slots)[:120],
            narrative="".join(parts),
            consent_publish=rng.random() < 0.35,
            slots=slots,
        )

    def _repeat(self, index: int, received_at: datetime) -> ComplaintSpec | None:
        """The same person about the same thing again, a few days to weeks later: flagged as a duplicate."""
        while self.recent and (received_at - self.recent[0].received_at).days > 25:
            self.recent.popleft()
        earlier = [s for s in self.recent if (received_at - s.received_at).days >= 3 and s.repeat_of is None]
        if not earlier:
            return None
        original = self.rng.choice(earlier)
        prefix = VIA_PREFIX.get(original.via, "")
        return replace(
            original,
            index=index,
            received_at=received_at,
            narrative=prefix + "此前已就此事投诉，至今未得到解决，再次投诉。" + original.narrative[len(prefix) :],
            repeat_of=original.index,
            slots=dict(original.slots),
        )

    def iter_specs(self, n: int, *, start: int = 0) -> Iterator[ComplaintSpec]:
        """n complaints over the HISTORY_DAYS days up to now, in order of receipt."""
        if not self.topic_keys:
            raise ValueError(
                "The reference data has no institutions or categories to complain about; run load_reference."
            )
        rng = self.rng
        days = [self.ref.today - timedelta(days=k) for k in range(HISTORY_DAYS - 1, -1, -1)]
        counts = Counter(rng.choices(range(len(days)), [self.day_weight(d) for d in days], k=n))
        vias, via_weights = zip(*VIA_WEIGHTS, strict=True)
        index = start
        for position, day in enumerate(days):
            receipts = []
            for _i in range(counts.get(position, 0)):
                via = rng.choices(vias, via_weights)[0]
                if via != Complaint.Via.WEB and not is_workday(day, self.ref.exceptions):
                    via = Complaint.Via.WEB  # staff enter calls and letters on working days
                receipts.append((self._receipt_time(day, via), via))
            for received_at, via in sorted(receipts):
                spec = self._repeat(index, received_at) if rng.random() < 0.02 else None
                if spec is None:
                    topic = self.topics[rng.choices(self.topic_keys, self.topic_weights)[0]]
                    institution_id, prefecture, county = self.institution(topic)
                    spec = self.spec(index, topic, received_at, via, self.person(prefecture, county), institution_id)
                self.recent.append(spec)
                index += 1
                yield spec


def generate_specs(n: int, *, seed: int = DEFAULT_SEED, reference: DemoReference | None = None) -> list[ComplaintSpec]:
    """n realistic complaints over the last 24 months, without writing anything (for benchmarks too)."""
    return list(SpecGenerator(reference or DemoReference.load(), seed).iter_specs(n))


# ---------------------------------------------------------------------------------------------
# What happens to a complaint after it is filed.


@dataclass
class Path:
    """The handling a complaint will get, drawn when it is filed and played out step by step.

    Offsets are days unless named _wd (working days). Steps that would fall after now are never
    played, so a recent complaint is still open wherever its path has got to.
    """

    decision: str = "accept"  # accept | refuse | transfer (to the central bank, then accept) | withdraw
    accept_wd: int = 1
    refusal: str = "outside-scope"
    greet: bool = False
    consumer_message: bool = False
    note: bool = False
    regulator_message: bool = False
    ret: str = ""  # "" | reroute (to another branch) | reaccept
    ret_after: int = 1
    reroute_wd: int = 1
    withdraw_after: int | None = None
    extend: str = ""  # "" | complex | major
    extend_after: int = 10
    answer_after: int = 8
    respond: bool = False
    outcome: str = Complaint.Outcome.UPHELD
    feedback: str = ""  # "" (none: closed when the review window lapses) | satisfied | review | mediation
    feedback_after: int = 2
    review_upheld: bool = True
    review_after: int = 15
    reanswer_after: int = 8
    reoutcome: str = Complaint.Outcome.PARTLY
    refeedback: str = ""
    survey: int = 0  # 0: no survey
    survey_after: int = 0


FEEDBACK_WEIGHTS = {  # satisfied, review, mediation, none
    Complaint.Outcome.UPHELD: (78, 2, 1, 19),
    Complaint.Outcome.PARTLY: (55, 10, 5, 30),
    Complaint.Outcome.NOT_UPHELD: (30, 20, 8, 42),
}
FEEDBACK_CHOICES = (Complaint.Feedback.SATISFIED, Complaint.Feedback.REVIEW, Complaint.Feedback.MEDIATION, "")


def draw_path(rng: random.Random, spec: ComplaintSpec, topic: Topic, *, pboc: bool = True) -> Path:
    """Shares: about 4% not accepted, 4% withdrawn, 6% extended, 7% answered late, 2.5% returned."""
    path = Path(accept_wd=rng.choices((0, 1, 2, 3, 4), (18, 42, 25, 11, 4))[0])
    if topic.fundraising:
        path.decision, path.refusal = "refuse", "fundraising"
        return path
    if spec.repeat_of is not None and rng.random() < 0.55:
        path.decision, path.refusal = "refuse", "duplicate"
        return path
    roll = rng.random()
    if roll < 0.035:
        path.decision = "refuse"
        path.refusal = rng.choices(*zip(*RANDOM_REFUSALS, strict=True))[0]
        return path
    if roll < 0.045:
        path.decision = "withdraw"
        return path
    if topic.pboc and pboc and rng.random() < 0.35:
        path.decision = "transfer"
    path.greet = rng.random() < 0.4
    path.consumer_message = rng.random() < 0.15
    path.note = rng.random() < 0.15
    # A complaint the central bank took over is not returned as well: re-routing it to another branch
    # would send it back to the banking regulator, a path this generator does not play.
    if rng.random() < 0.025 and path.decision == "accept":
        path.ret = rng.choice(("reroute", "reaccept"))
        path.ret_after, path.reroute_wd = rng.randint(1, 3), rng.randint(1, 2)
    if rng.random() < 0.03:
        path.withdraw_after = rng.randint(2, 12)
        return path
    if rng.random() < 0.06:
        path.extend = rng.choices(("complex", "major"), (3, 1))[0]
        path.extend_after = rng.randint(8, 13)
        path.answer_after = rng.randint(17, 29) if path.extend == "complex" else rng.randint(31, 55)
    elif rng.random() < 0.07:
        path.answer_after = rng.randint(16, 35)  # late: the sweep escalates it to a supervision notice
        path.respond = rng.random() < 0.6
        path.regulator_message = rng.random() < 0.5
    else:
        path.answer_after = int(rng.triangular(2, 15, 7))
    path.outcome = rng.choices(OUTCOMES, topic.outcomes)[0]
    path.feedback = rng.choices(FEEDBACK_CHOICES, FEEDBACK_WEIGHTS[path.outcome])[0]
    final_outcome = path.outcome
    if path.feedback == Complaint.Feedback.SATISFIED:
        path.feedback_after = rng.choices((0, 1, 2, 3, 5, 7), (25, 30, 15, 10, 10, 10))[0]
        survey_chance = 0.8
    elif path.feedback == Complaint.Feedback.REVIEW:
        path.feedback_after = rng.randint(3, 25)
        path.review_upheld = rng.random() < 0.7
        path.review_after = rng.randint(8, 28)
        path.reanswer_after = rng.randint(5, 14)
        path.reoutcome = rng.choice((Complaint.Outcome.PARTLY, Complaint.Outcome.UPHELD))
        path.refeedback = Complaint.Feedback.SATISFIED if rng.random() < 0.6 else ""
        survey_chance = 0.55 if path.review_upheld else 0.7
        final_outcome = Complaint.Outcome.NOT_UPHELD if path.review_upheld else path.reoutcome
    elif path.feedback == Complaint.Feedback.MEDIATION:
        path.feedback_after = rng.randint(5, 25)
        survey_chance = 0.0
    else:
        survey_chance = 0.12
    if rng.random() < survey_chance:
        path.survey = rng.choices((5, 4, 3, 2, 1), SURVEY_SCORES[final_outcome])[0]
        path.survey_after = rng.choices((0, 1, 2, 3, 5), (40, 25, 15, 10, 10))[0]
    return path


# ---------------------------------------------------------------------------------------------
# The complaints every demo account finds waiting: each state, at the organisations the demo
# accounts belong to, whatever the seed and size.

ICBC = "中国工商银行股份有限公司吉林省分行"
JILIN_BANK = "吉林银行股份有限公司"


@dataclass(frozen=True)
class Scenario:
    institution: str  # an institution's exact name
    topic: str
    ago: tuple[str, int]  # ("minutes" | "workdays" | "days", n) before now
    path: dict[str, Any]
    account: str = ""  # the demo account filing it, or a new complainant
    via: str = Complaint.Via.WEB
    branch: bool = False  # a sub-branch in 长春 under the institution rather than the institution itself


SAT, REVIEW, MEDIATION = Complaint.Feedback.SATISFIED, Complaint.Feedback.REVIEW, Complaint.Feedback.MEDIATION
UP, PART, NOT = Complaint.Outcome.UPHELD, Complaint.Outcome.PARTLY, Complaint.Outcome.NOT_UPHELD
SCENARIOS = (
    # demo-consumer's own complaints, one in each state a complainant meets
    Scenario(ICBC, "cc_annual_fee", ("minutes", 100), {"accept_wd": 2}, DEMO_CONSUMER, branch=True),
    Scenario(JILIN_BANK, "loan_prepay", ("workdays", 4), {"greet": True, "answer_after": 20}, DEMO_CONSUMER),
    Scenario(
        "中国建设银行股份有限公司吉林省分行",
        "cc_installment",
        ("workdays", 12),
        {"answer_after": 6, "outcome": PART, "feedback": SAT, "feedback_after": 40},
        DEMO_CONSUMER,
    ),
    Scenario(
        "招商银行股份有限公司长春分行",
        "cc_collection",
        ("days", 50),
        {"answer_after": 9, "outcome": NOT, "feedback": REVIEW, "feedback_after": 6, "review_after": 60},
        DEMO_CONSUMER,
    ),
    Scenario(
        "中国人寿保险股份有限公司吉林省分公司",
        "ins_claim_health",
        ("days", 95),
        {"answer_after": 12, "outcome": UP, "feedback": SAT, "feedback_after": 1, "survey": 5},
        DEMO_CONSUMER,
    ),
    Scenario(
        "长春市南关区恒信小额贷款有限责任公司",
        "local_small_loan",
        ("days", 70),
        {"answer_after": 10, "outcome": PART},
        DEMO_CONSUMER,
    ),
    Scenario(
        "拉卡拉支付股份有限公司吉林分公司",
        "pay_auto_debit",
        ("days", 30),
        {"withdraw_after": 4, "greet": True},
        DEMO_CONSUMER,
    ),
    Scenario(
        "中国建设银行股份有限公司吉林省分行",
        "dep_interest",
        ("days", 75),
        {"decision": "refuse", "refusal": "adjudicated"},
        DEMO_CONSUMER,
    ),
    Scenario(
        ICBC,
        "loan_bundling",
        ("days", 120),
        {"answer_after": 10, "outcome": NOT, "feedback": MEDIATION, "feedback_after": 8},
        DEMO_CONSUMER,
        branch=True,
    ),
    # demo-bank: overdue (one answered the supervision notice), extended, returned, new, answered, closed
    Scenario(ICBC, "cc_negotiation", ("days", 28), {"answer_after": 80, "regulator_message": True}, branch=True),
    Scenario(
        ICBC, "cc_fraud", ("days", 24), {"accept_wd": 0, "answer_after": 70, "respond": True}, via=Complaint.Via.PHONE
    ),
    Scenario(
        ICBC, "wm_misselling", ("days", 18), {"extend": "complex", "extend_after": 10, "answer_after": 27}, branch=True
    ),
    Scenario(
        ICBC,
        "dep_account_restricted",
        ("workdays", 3),
        {"accept_wd": 0, "ret": "reroute", "ret_after": 1, "reroute_wd": 10},
        branch=True,
    ),
    Scenario(ICBC, "cc_limit", ("workdays", 2), {"greet": True, "note": True, "answer_after": 14}, branch=True),
    Scenario(ICBC, "loan_mortgage_rate", ("workdays", 10), {"answer_after": 5, "feedback": SAT, "feedback_after": 45}),
    Scenario(
        ICBC,
        "cc_fee_interest",
        ("days", 50),
        {"answer_after": 8, "outcome": NOT, "feedback": SAT, "feedback_after": 3, "survey": 2},
        branch=True,
    ),
    # demo-bank2
    Scenario(JILIN_BANK, "loan_collection", ("days", 30), {"answer_after": 80}, via=Complaint.Via.PHONE),
    Scenario(JILIN_BANK, "cc_annual_fee", ("workdays", 5), {"answer_after": 20}),
    Scenario(
        JILIN_BANK,
        "dep_withdrawal",
        ("workdays", 13),
        {"accept_wd": 2, "answer_after": 7, "feedback": SAT, "feedback_after": 50},
    ),
    # demo-city-regulator: local financial organisations in 长春
    Scenario("长春市宝利典当有限公司", "local_pawn", ("workdays", 1), {"accept_wd": 3}),
    Scenario("长春市南关区恒信小额贷款有限责任公司", "local_small_loan", ("workdays", 6), {"answer_after": 25}),
    Scenario(
        "吉林省信用融资担保投资集团有限公司",
        "local_guarantee",
        ("days", 70),
        {"answer_after": 9, "feedback": SAT, "feedback_after": 2, "survey": 4},
    ),
    # demo-regulator
    Scenario(
        "中国农业银行股份有限公司吉林省分行",
        "cc_collection",
        ("minutes", 50),
        {"accept_wd": 2},
        via=Complaint.Via.PHONE,
    ),
    Scenario("交通银行股份有限公司吉林省分行", "loan_approval", ("workdays", 2), {"accept_wd": 5}),
    Scenario(
        "中国建设银行股份有限公司吉林省分行",
        "wm_insurance_as_deposit",
        ("days", 40),
        {"answer_after": 8, "outcome": NOT, "feedback": REVIEW, "feedback_after": 5, "review_after": 50},
    ),
    Scenario(
        "招商银行股份有限公司长春分行",
        "cc_fraud",
        ("days", 100),
        {"answer_after": 12, "outcome": PART, "feedback": MEDIATION, "feedback_after": 9},
    ),
    Scenario(
        "中国邮政储蓄银行股份有限公司吉林省分行",
        "loan_prepay",
        ("days", 150),
        {
            "answer_after": 10,
            "outcome": NOT,
            "feedback": REVIEW,
            "feedback_after": 5,
            "review_upheld": False,
            "review_after": 20,
            "reanswer_after": 8,
            "reoutcome": PART,
            "refeedback": SAT,
            "survey": 3,
        },
    ),
    Scenario(
        "中国光大银行股份有限公司长春分行",
        "cc_credit_report",
        ("days", 60),
        {"decision": "transfer", "answer_after": 10, "outcome": UP, "feedback": SAT, "survey": 4},
    ),
)


# ---------------------------------------------------------------------------------------------
# Playing it all out through the services.

Step = tuple[datetime, int, int, str, dict[str, Any]]  # (when, order, spec index or -1, kind, parameters)
SWEEP = -1
EVIDENCE = (
    "业务档案和通话录音",
    "交易流水和合同文本",
    "营业网点监控录像和业务凭证",
    "系统日志和短信发送记录",
    "销售过程录音录像和合同文本",
)
RESULTS = {
    Complaint.Outcome.UPHELD: "您反映的情况属实，诉求予以支持。",
    Complaint.Outcome.PARTLY: "您的诉求部分成立。",
    Complaint.Outcome.NOT_UPHELD: "您的诉求缺乏事实和合同依据，不予支持，敬请谅解。",
}
EXTENSION_REASONS = ("complex-facts", "third-party", "multiple-parties", "awaiting-materials")
DESIGNATED_REGULATORS = {"nfra-jilin": "demo-regulator", "local-changchun": "demo-city-regulator"}


class DemoReferenceMissing(Exception):
    """The reference data the demo data set is built on has not been loaded."""


def _check_reference() -> None:
    missing = [name for name in (ICBC, JILIN_BANK) if not Institution.objects.filter(name=name).exists()]
    missing += [code for code in ("nfra-jilin", "local-changchun") if not Authority.objects.filter(code=code).exists()]
    if not DeadlineRuleSet.objects.exists():
        missing.append("DeadlineRuleSet")
    if missing:
        raise DemoReferenceMissing(f"reference data missing: {', '.join(missing)}")


def demo_present() -> bool:
    """The whole data set is written in one transaction, so its first account stands for all of it."""
    return User.objects.filter(username=DEMO_CONSUMER, email=f"{DEMO_CONSUMER}@{DEMO_EMAIL_DOMAIN}").exists()


def demo_clear() -> int:
    """Delete the complaints the demo accounts and generated staff filed; accounts stay and are reused."""
    complaints = demo_complaints()
    days = {timezone.localdate(at) for at in complaints.values_list("received_at", flat=True)}
    count = complaints.count()
    # Notices protect their deadline rows, and read audits their complaint: they go first.
    SupervisionNotice.objects.filter(complaint__in=complaints).delete()
    PersonalDataRead.objects.filter(complaint__in=complaints).delete()
    complaints.delete()
    still_used = {timezone.localdate(at) for at in Complaint.objects.values_list("received_at", flat=True)}
    NumberSequence.objects.filter(prefix=Complaint.NUMBER_PREFIX, day__in=days - still_used).delete()
    return count


class Seeder:
    def __init__(self, *, reference: DemoReference, seed: int = DEFAULT_SEED, out: TextIO | None = None) -> None:
        self.ref = reference
        self.generator = SpecGenerator(reference, seed)
        self.rng = random.Random(seed + 1)  # noqa: S311 (the handling paths: demo data, reproducible on purpose)
        self.out = out
        self.order = 0
        self.specs: dict[int, ComplaintSpec] = {}
        self.complaints: dict[int, Complaint] = {}
        self.filers: dict[int, User] = {}  # spec index -> the consumer account that filed it
        self.regulators: dict[int, User] = {}  # authority id -> the staff member acting for it
        self.handlers: dict[int, User] = {}  # head office id -> its complaint handler
        self.reroutes: dict[int, Institution | None] = {}  # spec index -> the branch it is re-routed to
        self.lines: dict[int, SupervisionLine | None] = {}
        self.dead: set[int] = set()
        self.skipped: Counter[str] = Counter()
        today = reference.today
        self.pboc = next(
            (
                a
                for a in reference.authorities.values()
                if a.kind == Authority.Kind.PBOC
                and a.valid_from <= today
                and (a.valid_to is None or a.valid_to >= today)
            ),
            None,
        )
        self.categories = {
            c.pk: c for c in (*reference.business.values(), *reference.causes.values(), *reference.channels.values())
        }
        self.labels = {label.pk: label for label in reference.labels.values()}

    # -- people ---------------------------------------------------------------------------------

    def _say(self, text: str) -> None:
        if self.out is not None:
            self.out.write(text + "\n")

    def demo_accounts(self) -> dict[str, User]:
        accounts = {}
        # One hash for the one published password: Argon2 is slow on purpose, seven times over is seconds.
        password = make_password(settings.DEMO_PASSWORD)
        for username, role, name, org in DEMO_ACCOUNTS:
            user = User.objects.filter(username=username).first() or User(username=username)
            user.role, user.display_name = role, name
            user.last_name, user.first_name = name[0], name[1:]
            user.email = f"{username}@{DEMO_EMAIL_DOMAIN}"
            user.institution = Institution.objects.get(name=org[1]) if org and org[0] == "institution" else None
            user.authority = Authority.objects.get(code=org[1]) if org and org[0] == "authority" else None
            user.is_staff = user.is_superuser = role == User.Role.ADMIN
            user.is_active = True
            user.password = password
            user.save()
            accounts[username] = user
        for username in ("demo-bank", "demo-bank2"):
            self.handlers[self.ref.heads[accounts[username].institution_id]] = accounts[username]
        return accounts

    def _staff(self, username: str, **fields: Any) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            name = self.generator.person("220100").name
            user = User(
                username=username,
                display_name=name,
                last_name=name[0],
                first_name=name[1:],
                email=f"{username}@{DEMO_EMAIL_DOMAIN}",
                **fields,
            )
            user.set_unusable_password()  # acts in the demo history; nobody signs in as it
            user.save()
        return user

    def _regulator(self, authority_id: int) -> User:
        if authority_id not in self.regulators:
            authority = next(a for a in self.ref.authorities.values() if a.pk == authority_id)
            username = DESIGNATED_REGULATORS.get(authority.code, f"staff-{authority.code}")
            self.regulators[authority_id] = self._staff(username, role=User.Role.REGULATOR, authority=authority)
        return self.regulators[authority_id]

    def _entering_staff(self, institution: Institution) -> User | None:
        """Calls, letters and visits are entered by staff of the authority the complaint will go to."""
        today = timezone.localdate()
        line = self.lines.get(institution.pk)
        if line is None or line.valid_from > today or (line.valid_to is not None and line.valid_to < today):
            line = self.lines[institution.pk] = supervision_line_for(institution=institution, on=today)
        return self._regulator(line.authority_id) if line else None

    def _handler(self, institution_id: int) -> User:
        head = self.ref.heads[institution_id]
        if head not in self.handlers:
            institution = self.ref.institutions[head]
            self.handlers[head] = self._staff(f"handler-{head}", role=User.Role.INSTITUTION, institution=institution)
        return self.handlers[head]

    def _consumer(self, index: int) -> User | GuestAccess:
        """The complainant: their account, or the code-holding guest when staff entered the complaint."""
        return self.filers.get(index) or GuestAccess(self.complaints[index].number)

    def consumer_accounts(self, specs: Sequence[ComplaintSpec]) -> None:
        """One account per complainant who filed on the web, created in bulk."""
        people: dict[str, tuple[str, Person]] = {}
        for spec in specs:
            if spec.via == Complaint.Via.WEB and spec.index not in self.filers and spec.person.id_number not in people:
                people[spec.person.id_number] = (f"consumer-{len(people) + 1:05d}", spec.person)
        existing = {u.username: u for u in User.objects.filter(username__in=[u for u, _p in people.values()])}
        fresh = []
        for username, person in people.values():
            if username in existing:
                existing[username].display_name = person.name
                continue
            user = User(
                username=username,
                role=User.Role.CONSUMER,
                display_name=person.name,
                last_name=person.name[0],
                first_name=person.name[1:],
                email=f"{username}@{DEMO_EMAIL_DOMAIN}",
            )
            user.set_unusable_password()
            fresh.append(user)
        User.objects.bulk_update(existing.values(), ["display_name"])
        User.objects.bulk_create(fresh)
        accounts = {u.username: u for u in User.objects.filter(username__in=[u for u, _p in people.values()])}
        for spec in specs:
            if spec.via == Complaint.Via.WEB and spec.index not in self.filers:
                self.filers[spec.index] = accounts[people[spec.person.id_number][0]]

    # -- what to play ---------------------------------------------------------------------------

    def _scenario_time(self, ago: tuple[str, int]) -> datetime:
        unit, n = ago
        now = self.ref.now
        if unit == "minutes":
            return now - timedelta(minutes=n)
        if unit == "workdays":
            day = self.ref.today
            for _i in range(n):
                day -= timedelta(days=1)
                while not is_workday(day, self.ref.exceptions):
                    day -= timedelta(days=1)
            moment = _at(day, 9 * 60 + 30 + self.rng.randint(0, 150))
        else:
            moment = _at(self.ref.today - timedelta(days=n), 9 * 60 + self.rng.randint(0, 600))
        return min(moment, now - timedelta(minutes=30))

    def scenario_specs(self, start: int, accounts: dict[str, User]) -> list[tuple[ComplaintSpec, Path]]:
        demo_person = Person(
            name="王丽华",
            gender="f",
            birth=date(1986, 4, 12),
            region_code="220104",
            phone="13904317765",
            id_number="22010419860412126" + id_check_char("22010419860412126"),
            address="吉林省长春市朝阳区西安大路1166号3栋2单元502室",
        )
        planned = []
        by_name = {i.name: i for i in self.ref.institutions.values()}
        for offset, scenario in enumerate(SCENARIOS):
            institution = by_name.get(scenario.institution)
            topic = self.generator.topics.get(scenario.topic)
            if institution is None or topic is None:
                continue  # the reference data no longer has it: the random complaints still cover the state
            if scenario.branch:
                branches = sorted(
                    (n for n in self.ref.trees[self.ref.heads[institution.pk]] if n in self.ref.leaves),
                    key=lambda n: (not self.ref.institutions[n].region_id.startswith("2201"), n),
                )
                institution = self.ref.institutions[branches[0]] if branches else institution
            account = accounts.get(scenario.account)
            person = demo_person if account else self.generator.person(_prefecture(institution.region_id))
            index = start + offset
            spec = self.generator.spec(
                index, topic, self._scenario_time(scenario.ago), scenario.via, person, institution.pk
            )
            if account:
                self.filers[index] = account
            planned.append((spec, Path(**scenario.path)))
        return planned

    def _office(self, day: date, after: datetime | None = None) -> datetime:
        """A moment in office hours on the first working day from `day`, later than `after`."""
        exceptions = self.ref.exceptions
        day = next_workday(day, exceptions)
        earliest = 8 * 60 + 40
        if after is not None:
            local = _local(after)
            if local.date() > day:
                day = next_workday(local.date(), exceptions)
            if local.date() == day:
                earliest = max(earliest, local.hour * 60 + local.minute + 10)
                if earliest > 17 * 60:
                    day, earliest = next_workday(day + timedelta(days=1), exceptions), 8 * 60 + 40
        return _at(day, self.rng.randint(earliest, max(earliest, 17 * 60 + 20)))

    def _anytime(self, day: date, after: datetime) -> datetime:
        """When a complainant acts: any day, 07:30–22:30, later than `after`."""
        earliest = 7 * 60 + 30
        local = _local(after)
        if local.date() >= day:
            day = local.date()
            earliest = max(earliest, local.hour * 60 + local.minute + 10)
            if earliest > 22 * 60 + 30:
                day, earliest = day + timedelta(days=1), 7 * 60 + 30
        return _at(day, self.rng.randint(earliest, max(earliest, 22 * 60 + 30)))

    def _lapse(self, answered: datetime) -> datetime:
        """When the sweep closes an answer nobody replied to: the night after the review window ends."""
        due = add_calendar_days(_local(answered).date(), self.ref.rule_set.review_request_days, self.ref.exceptions)
        return _at(due + timedelta(days=1), 30)

    def plan(self, spec: ComplaintSpec, path: Path) -> list[Step]:
        """Every step of one complaint's path, with the moment it happens."""
        rng, steps, i = self.rng, [], spec.index
        exceptions = self.ref.exceptions

        def add(at: datetime, kind: str, **params: Any) -> datetime:
            self.order += 1
            steps.append((at, self.order, i, kind, params))
            return at

        def day(moment: datetime, plus: int = 0) -> date:
            return _local(moment).date() + timedelta(days=plus)

        received = add(spec.received_at, "submit")
        if path.decision == "withdraw":
            add(received + timedelta(minutes=rng.randint(15, 600)), "withdraw", reason=rng.choice(WITHDRAW_SUBMITTED))
            return steps
        local = _local(received)
        start = local.date()
        if not is_workday(start, exceptions) or local.time() >= time(16, 30):
            start = next_workday(start + timedelta(days=1), exceptions)
        decided = self._office(add_workdays(start, path.accept_wd, exceptions), after=received)
        if path.decision == "refuse":
            add(decided, "refuse", reason=path.refusal)
            return steps
        if path.decision == "transfer" and self.pboc is not None:
            add(decided, "transfer")
            decided = self._office(add_workdays(day(decided), rng.randint(1, 2), exceptions), after=decided)
        sent = add(decided, "accept")
        if path.ret:
            returned = add(self._office(day(sent, path.ret_after), after=sent), "return", mode=path.ret)
            sent = add(
                self._office(add_workdays(day(returned), path.reroute_wd, exceptions), after=returned), "reroute"
            )
        due = add_calendar_days(day(sent), self.ref.rule_set.answer_days, exceptions)
        greeted = self._office(day(sent, rng.randint(0, 2)), after=sent) if path.greet else None
        if path.withdraw_after is not None:
            withdrawn = self._anytime(day(sent, path.withdraw_after), after=sent + timedelta(hours=3))
            if greeted is not None and greeted < withdrawn:
                add(greeted, "message", party="institution")
            add(withdrawn, "withdraw", reason=rng.choice(WITHDRAW_HANDLED).format(**spec.slots))
            return steps
        last = sent
        if path.extend:
            extended = self._office(day(sent, path.extend_after), after=sent)
            if day(extended) <= due:
                last = add(extended, "extend", tier=path.extend)
        answered = self._office(day(sent, path.answer_after), after=last)
        optional = [(greeted, "message", {"party": "institution"})] if greeted is not None else []
        if path.consumer_message:
            optional.append((self._anytime(day(sent, rng.randint(2, 6)), after=sent), "message", {"party": "consumer"}))
        if path.note:
            optional.append((self._office(day(sent, rng.randint(1, 4)), after=sent), "message", {"party": "note"}))
        if path.regulator_message:
            optional.append((self._office(due + timedelta(days=rng.randint(1, 3))), "message", {"party": "regulator"}))
        if path.respond:
            optional.append((self._office(add_workdays(due, rng.randint(2, 4), exceptions)), "respond", {}))
        for at, kind, params in optional:
            if at < answered:
                add(at, kind, **params)
        add(answered, "answer", outcome=path.outcome)
        closed: datetime | None = None
        if not path.feedback:
            closed = self._lapse(answered)
        else:
            replied = add(
                self._anytime(day(answered, path.feedback_after), after=answered), "feedback", choice=path.feedback
            )
            if path.feedback == Complaint.Feedback.SATISFIED:
                closed = replied
            elif path.feedback == Complaint.Feedback.REVIEW:
                reviewed = add(
                    self._office(day(replied, path.review_after), after=replied), "review", upheld=path.review_upheld
                )
                if path.review_upheld:
                    closed = reviewed
                else:
                    again = add(
                        self._office(day(reviewed, path.reanswer_after), after=reviewed),
                        "answer",
                        outcome=path.reoutcome,
                        second=True,
                    )
                    if path.refeedback:
                        closed = add(
                            self._anytime(day(again, rng.randint(0, 5)), after=again),
                            "feedback",
                            choice=path.refeedback,
                        )
                    else:
                        closed = self._lapse(again)
        if path.survey and closed is not None:
            later = closed + timedelta(hours=1)
            add(self._anytime(day(later, path.survey_after), after=later), "survey", score=path.survey)
        return steps

    # -- playing one step -----------------------------------------------------------------------

    def _decision(self, spec: ComplaintSpec, outcome: str, second: bool) -> tuple[str, str, Decimal | None]:
        """The institution's answer: what was checked, the finding, the outcome and any remedy."""
        rng = self.rng
        topic = self.generator.topics[spec.topic]
        slots = dict(spec.slots)
        position = OUTCOMES.index(outcome)
        remedy_amount = None
        remedy = ""
        if position < 2:
            template = topic.remedies[position]
            if "{remedy}" in template:
                base = spec.amount if spec.amount is not None else Decimal(slots["amount"])
                low, high = topic.remedy_share
                share = Decimal(str(round(rng.uniform(low, high), 3)))
                if position == 1:
                    share *= Decimal(rng.randint(30, 70)) / 100
                remedy_amount = (base * share).quantize(Decimal(1), ROUND_HALF_UP) or Decimal(1)
                slots["remedy"] = _money(remedy_amount)
            remedy = template.format(**slots)
        person = spec.person
        title = person.name[0] + ("先生" if person.gender == "m" else "女士")
        today = timezone.localdate()
        contacted = today - timedelta(days=rng.randint(0, 3))
        parts = [f"尊敬的{title}："]
        if second:
            parts.append("根据监管部门的核查意见，{org}重新进行了调查核实。".format(**slots))
        parts.append(
            f"{slots['org']}已收到您反映的“{spec.summary}”问题，并于{contacted.month}月{contacted.day}日与您电话沟通。"
            f"经调取{rng.choice(EVIDENCE)}核实：{topic.findings[position].format(**slots)}。{RESULTS[outcome]}"
        )
        if remedy:
            parts.append(f"处理措施：{remedy}。")
        parts.append("如您对处理结果有异议，可自收到本答复之日起30日内申请核查，也可申请调解、仲裁或依法提起诉讼。")
        return "".join(parts), remedy[:200], remedy_amount

    def _sibling(self, index: int, institution_id: int) -> Institution | None:
        """Another branch of the same institution, near the complainant if one is: where the complaint belongs."""
        if index not in self.reroutes:
            home = _prefecture(self.specs[index].person.region_code)
            tree = [n for n in self.ref.trees[self.ref.heads[institution_id]] if n != institution_id]
            near = [n for n in tree if _prefecture(self.ref.institutions[n].region_id) == home]
            choices = near or tree
            self.reroutes[index] = self.ref.institutions[self.rng.choice(choices)] if choices else None
        return self.reroutes[index]

    def _label(self, kind: str, code: str) -> Label:
        label = self.ref.label(kind, code)
        if label is None:
            label = next(v for (k, _c), v in sorted(self.ref.labels.items()) if k == kind)
        return label

    def play(self, index: int, kind: str, params: dict[str, Any]) -> None:
        if index == SWEEP:
            services.deadlines_sweep(today=params["day"])
            return
        spec = self.specs[index]
        slots = spec.slots
        complaint = self.complaints.get(index)
        rng = self.rng
        match kind:
            case "submit":
                institution = self.ref.institutions[spec.institution_id]
                by = self.filers[index] if spec.via == Complaint.Via.WEB else self._entering_staff(institution)
                complaint, _code, _created = services.complaint_submit(
                    by=by,
                    via=spec.via,
                    institution=institution,
                    business=self.categories[spec.business_id],
                    summary=spec.summary,
                    narrative=spec.narrative,
                    complainant_name=spec.person.name,
                    phone=spec.person.phone,
                    id_number=spec.person.id_number,
                    address=spec.person.address,
                    region=self.ref.regions.get(spec.person.region_code),
                    channel=self.categories.get(spec.channel_id) if spec.channel_id else None,
                    cause=self.categories.get(spec.cause_id) if spec.cause_id else None,
                    rights=[self.labels[pk] for pk in spec.right_ids],
                    demands=[self.labels[pk] for pk in spec.demand_ids],
                    tags=[self.labels[pk] for pk in spec.tag_ids],
                    amount=spec.amount,
                    consent_publish=spec.consent_publish,
                    received_at=spec.received_at,
                )
            case "accept":
                complaint = services.complaint_accept(
                    complaint=complaint, by=self._regulator(complaint.authority_id), note=rng.choice(ACCEPT_NOTES)
                )
            case "refuse":
                code = params["reason"]
                if code == "fundraising":
                    reason, note = self._label(Label.Kind.REFUSAL, "not-consumer-dispute"), FUNDRAISING_REFUSAL
                else:
                    reason = self._label(Label.Kind.REFUSAL, code)
                    original = self.complaints.get(spec.repeat_of) if spec.repeat_of is not None else None
                    note = REFUSAL_NOTES[code].format(original=original.number if original else "", **slots)
                complaint = services.complaint_refuse(
                    complaint=complaint, by=self._regulator(complaint.authority_id), reason=reason, note=note
                )
            case "transfer":
                complaint = services.complaint_transfer(
                    complaint=complaint,
                    by=self._regulator(complaint.authority_id),
                    reason=f"投诉人反映的是个人征信异议事项，属于人民银行分支机构的职责范围，转{self.pboc.name}处理。",
                    to_authority=self.pboc,
                )
            case "withdraw":
                complaint = services.complaint_withdraw(
                    complaint=complaint, by=self._consumer(index), reason=params["reason"]
                )
            case "message":
                self._message(index, complaint, params["party"])
            case "return":
                sibling = self._sibling(index, complaint.institution_id) if params["mode"] == "reroute" else None
                reason = (
                    RETURN_REASONS[0].format(other=sibling.short_name or sibling.name) if sibling else RETURN_REASONS[1]
                )
                complaint = services.complaint_return(
                    complaint=complaint, by=self._handler(complaint.institution_id), reason=reason
                )
            case "reroute":
                sibling = self.reroutes.get(index)
                regulator = self._regulator(complaint.authority_id)
                if sibling is not None:
                    complaint = services.complaint_transfer(
                        complaint=complaint,
                        by=regulator,
                        reason=f"经核实，投诉人反映的业务由{sibling.name}办理，转该机构处理。",
                        to_institution=sibling,
                    )
                else:
                    complaint = services.complaint_accept(complaint=complaint, by=regulator, note=REACCEPT_NOTES[0])
            case "extend":
                complaint = services.complaint_extend(
                    complaint=complaint,
                    by=self._handler(complaint.institution_id),
                    tier=Complaint.Level.COMPLEX if params["tier"] == "complex" else Complaint.Level.MAJOR,
                    reason=self._label(Label.Kind.EXTENSION, rng.choice(EXTENSION_REASONS)),
                    note=rng.choice(EXTENSION_NOTES),
                )
            case "respond":
                notice = complaint.supervision_notices.filter(responded_at__isnull=True).first()
                if notice is None:
                    self.skipped["respond"] += 1
                    return
                services.supervision_respond(
                    notice=notice,
                    by=self._handler(complaint.institution_id),
                    response=rng.choice(SUPERVISION_RESPONSES).format(**slots),
                )
            case "answer":
                decision, remedy, remedy_amount = self._decision(spec, params["outcome"], params.get("second", False))
                complaint = services.complaint_answer(
                    complaint=complaint,
                    by=self._handler(complaint.institution_id),
                    outcome=params["outcome"],
                    decision=decision,
                    remedy=remedy,
                    remedy_amount=remedy_amount,
                )
            case "feedback":
                choice = params["choice"]
                note = {
                    Complaint.Feedback.REVIEW: rng.choice(REVIEW_REQUESTS),
                    Complaint.Feedback.MEDIATION: rng.choice(MEDIATION_NOTES),
                }.get(choice, "")
                complaint = services.complaint_feedback(
                    complaint=complaint, by=self._consumer(index), choice=choice, note=note
                )
            case "review":
                texts = REVIEW_UPHELD if params["upheld"] else REVIEW_REDO
                complaint = services.complaint_review_decide(
                    complaint=complaint,
                    by=self._regulator(complaint.authority_id),
                    upheld=params["upheld"],
                    result=rng.choice(texts).format(inst=self.ref.display(complaint.institution_id)),
                )
            case "survey":
                score = params["score"]
                services.survey_submit(
                    complaint=complaint,
                    by=self._consumer(index),
                    score=score,
                    comment=rng.choice(SURVEY_COMMENTS[score]),
                )
        self.complaints[index] = complaint

    def _message(self, index: int, complaint: Complaint, party: str) -> None:
        rng = self.rng
        slots = self.specs[index].slots
        if party == "institution":
            by, thread, body = self._handler(complaint.institution_id), Message.Thread.CONSUMER, rng.choice(GREETINGS)
        elif party == "note":
            by, thread, body = (
                self._handler(complaint.institution_id),
                Message.Thread.INSTITUTION_NOTE,
                rng.choice(INSTITUTION_NOTES),
            )
        elif party == "regulator":
            by, thread = self._regulator(complaint.authority_id), Message.Thread.REGULATOR
            body = rng.choice(REGULATOR_MESSAGES)
        else:
            by, thread, body = self._consumer(index), Message.Thread.CONSUMER, rng.choice(CONSUMER_MESSAGES)
        services.message_post(complaint=complaint, by=by, thread=thread, body=body.format(**slots))
        if party == "regulator" and rng.random() < 0.3:
            services.message_post(
                complaint=complaint,
                by=by,
                thread=Message.Thread.REGULATOR_NOTE,
                body=rng.choice(REGULATOR_NOTES),
            )

    # -- the whole run --------------------------------------------------------------------------

    def run(self, n: int) -> dict[str, Any]:
        # A development requirement: imported here so the generator (used by benchmarks) works without it.
        import time_machine

        accounts = self.demo_accounts()
        planned = self.scenario_specs(n, accounts) if n > 0 else []
        randoms = max(0, n - len(planned))
        pboc = self.pboc is not None
        for spec in self.generator.iter_specs(randoms):
            planned.append((spec, draw_path(self.rng, spec, self.generator.topics[spec.topic], pboc=pboc)))
        for spec, _path in planned:
            self.specs[spec.index] = spec
        self.consumer_accounts([spec for spec, _path in planned])
        steps: list[Step] = []
        for spec, path in planned:
            steps.extend(self.plan(spec, path))
        if planned:
            first = min(timezone.localdate(spec.received_at) for spec, _path in planned)
            for k in range(1, (self.ref.today - first).days + 1):
                self.order += 1
                steps.append(
                    (_at(first + timedelta(days=k), 30), self.order, SWEEP, "sweep", {"day": first + timedelta(days=k)})
                )
        steps.sort(key=lambda step: (step[0], step[1]))
        now = self.ref.now
        filed = 0
        with time_machine.travel(steps[0][0] if steps else now, tick=False) as traveller:
            for at, _order, index, kind, params in steps:
                if at > now or index in self.dead:
                    continue  # the future, or a path the live data took elsewhere
                traveller.move_to(at)
                try:
                    self.play(index, kind, params)
                except ValidationError:
                    # The sweep got there first (closed an answer the complainant was to reply to):
                    # the rest of this path no longer applies.
                    self.skipped[kind] += 1
                    self.dead.add(index)
                    continue
                if kind == "submit":
                    filed += 1
                    if filed % 1000 == 0:
                        self._say(f"  {filed:>6} complaints filed (clock at {_local(at):%Y-%m-%d})")
        return {"filed": filed, "skipped": dict(self.skipped)}


def demo_complaints() -> QuerySet[Complaint]:
    """Every demo complaint: each was filed by a generated account (a consumer's, or staff entering a call)."""
    return Complaint.objects.filter(created_by__email__endswith=f"@{DEMO_EMAIL_DOMAIN}")


def demo_summary() -> dict[str, Any]:
    """Counts a person checking the demo data wants to see: per status, and the clocks and records behind them."""
    complaints = demo_complaints()
    statuses = dict(complaints.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    closed = complaints.filter(status=Status.CLOSED)
    return {
        "statuses": {value: statuses.get(value, 0) for value in Status.values},
        "closed_with_survey": closed.filter(survey__isnull=False).count(),
        "closed_without_survey": closed.filter(survey__isnull=True).count(),
        "events": Event.objects.filter(complaint__in=complaints).count(),
        "supervision_notices": SupervisionNotice.objects.filter(complaint__in=complaints).count(),
        "messages": Message.objects.filter(complaint__in=complaints).count(),
        "surveys": Survey.objects.filter(complaint__in=complaints).count(),
    }


def demo_seed(
    *, complaints: int = DEFAULT_COMPLAINTS, seed: int = DEFAULT_SEED, force: bool = False, out: TextIO | None = None
) -> dict[str, Any] | None:
    """Write the demo data set, or return None when it is already there (and force is not set).

    One transaction: a run that fails leaves nothing behind, so "already present" always means complete.
    """
    if demo_present() and not force:
        return None
    _check_reference()
    with transaction.atomic():
        cleared = demo_clear() if force else 0
        reference = DemoReference.load()
        result = Seeder(reference=reference, seed=seed, out=out).run(complaints)
        result["cleared"] = cleared
        result.update(demo_summary())
    return result
