"""Demo risk warnings: eight of the last year, written as the province's regulators write them. One was
drafted from an early-warning alert (built first by `xiaobao.demo.warning`) and one awaits the demo
regulator's review."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import time_machine
from django.db import transaction
from django.utils import timezone

from xiaobao.accounts.models import User
from xiaobao.demo.accounts import DEMO_FUNDRAISING, DEMO_REGULATOR
from xiaobao.registry.models import Authority, Region
from xiaobao.riskwarnings import services
from xiaobao.riskwarnings.evidence import evidence_find
from xiaobao.riskwarnings.models import Audience, RiskWarning
from xiaobao.riskwarnings.rules import audiences_load
from xiaobao.warning.access import alerts_for
from xiaobao.warning.models import Alert

# The colleagues who draft what the demo accounts review: a reviewer is never the author.
WRITER = ("demo-warnings-writer", "沈晓文", "nfra-jilin")
FUNDRAISING_WRITER = ("demo-fundraising-writer", "周立群", "fundraising-jilin")


@dataclass(frozen=True)
class Demo:
    days_ago: int  # when it was published (drafted two days before)
    fundraising: bool  # written by the fundraising department rather than the banking regulator
    title: str
    scheme: str
    audiences: tuple[str, ...]
    regions: tuple[str, ...]
    body: str


WARNINGS = (
    Demo(
        330,
        True,
        "关于防范以“养老服务”为名实施非法集资的风险提示",
        "以养老公寓床位、“养老服务会员卡”、以房养老为名，承诺高额回报吸收老年人资金",
        ("elderly",),
        ("220000",),
        "近期，我省部分地区出现不法分子以“养老服务”“养老公寓”“会员卡”等名义，通过免费体检、健康讲座、"
        "旅游观光、赠送礼品等方式接近老年人，承诺“预交费用、高额返利”“到期还本付息”，诱导老年人投入养老积蓄。\n\n"
        "请广大老年朋友牢记：正规养老机构不会承诺高额返利，预付费须有明确合同和资金监管；对“免费午餐”保持警惕，"
        "大额支出前多与子女商量。子女要多关心父母的资金往来。发现线索可向当地处置非法集资部门举报。",
    ),
    Demo(
        280,
        True,
        "警惕“保本高息、稳赚不赔”的非法集资陷阱",
        "以合作社入股、种养殖项目分红为名，承诺保本高息，拉亲友入伙给提成",
        ("rural", "elderly"),
        ("220000", "222400"),
        "春耕前后，个别地区有人以农民专业合作社、种养殖基地、特色农产品项目为名，宣称“入股即分红”“年息18%”"
        "“保本保息、稳赚不赔”，并以介绍亲友入股给予提成的方式扩大规模。\n\n"
        "凡是未经依法许可、向社会公开宣传、承诺还本付息或给予回报、向不特定对象吸收资金的，都涉嫌非法集资。"
        "参与非法集资的损失由参与人自行承担。请勿轻信高息承诺，保管好合同、收据和转账记录，发现可疑情况及时举报。",
    ),
    Demo(
        220,
        False,
        "关于警惕虚假投资理财App的风险提示",
        "通过短视频、社交群组引流，诱导下载非官方渠道的“理财”App，先小额返利后无法提现",
        ("all",),
        ("220000",),
        "近期有不法分子通过短视频平台、聊天群组发布“荐股”“理财课程”，以“老师带单”“内部渠道”为名，"
        "诱导投资者通过链接或二维码下载所谓理财App。初期小额投入可以提现，待投入加大后即以“账户异常”"
        "“缴纳保证金”等理由拒绝出金，最终App无法登录。\n\n"
        "请通过正规渠道购买理财产品，核实销售机构是否持有金融牌照；不点击陌生链接，不下载来路不明的App，"
        "不向个人账户转账。已经受骗的，请保存聊天记录和转账凭证，立即向公安机关报案。",
    ),
    Demo(
        160,
        False,
        "警惕“代理退保”骗局 谨防个人信息泄露和资金损失",
        "以“全额退保”“挽回损失”为名收取高额手续费，诱导退保后购买其他产品",
        ("all",),
        ("220000",),
        "近期，有不法分子自称“维权团队”“退保顾问”，声称可以帮助消费者“全额退保”，"
        "收取退保金额20%至50%的“手续费”，有的还诱导消费者将退保资金购买高风险理财产品，甚至索要身份证、银行卡等敏感信息。\n\n"
        "退保是消费者的合同权利，可以直接向保险公司申请，无需中介代办。对保险销售有异议的，可以向保险公司投诉，"
        "也可以拨打12378银行保险消费者投诉维权热线。请勿将个人信息交给陌生人，谨防“代理退保”造成二次损失。",
    ),
    Demo(
        120,
        False,
        "关于防范“校园贷”“培训贷”风险的提示",
        "以“零利息”“低门槛”“先学习后付款”为诱饵，诱导在校学生借贷，实际费用远超宣传",
        ("students",),
        ("220100", "220200"),
        "开学季前后，一些网络借贷平台、培训机构以“零首付”“零利息”“先培训后付款”等话术吸引在校学生，"
        "借款合同中隐藏服务费、违约金等高额费用，逾期后暴力催收，给学生和家庭造成严重困扰。\n\n"
        "请同学们树立理性消费观念，确有资金需求的，通过学校资助政策、国家助学贷款等正规渠道解决；"
        "不出借身份证、学生证，不替他人借款。遇到暴力催收请及时告诉家长、老师并向公安机关报案。",
    ),
    Demo(
        75,
        False,
        "“征信修复”“征信洗白”是骗局 请勿轻信",
        "以“花钱删除逾期记录”“内部渠道修复征信”为名收取费用，或骗取个人信息",
        ("all",),
        ("220000",),
        "近期，有不法分子在网络和电话中宣称可以“花钱修复征信”“消除逾期记录”“内部渠道洗白征信”，"
        "收取数千元“服务费”后失联，或以此骗取身份证、银行卡和验证码。\n\n"
        "征信记录依法如实记载，任何机构和个人都无权删除真实的不良信息；不良信息自不良行为终止之日起保存5年。"
        "对信用报告有异议的，可以免费向中国人民银行征信中心或其分支机构、报送数据的金融机构提出异议申请。",
    ),
)
AWAITING = Demo(
    0,
    False,
    "警惕冒充金融监管部门“注销校园贷账户”的诈骗",
    "冒充监管部门或平台客服，以“注销校园贷账户、否则影响征信”为由诱导转账",
    ("students", "all"),
    ("220000",),
    "近期，有不法分子冒充金融监管部门或网络借贷平台客服，致电称对方大学期间开通过“校园贷”账户，"
    "“不注销将影响征信”，随后诱导对方在多个平台借款并转入所谓“安全账户”。\n\n"
    "金融监管部门不会打电话要求注销账户，更不会要求转账。接到此类电话请立即挂断，拨打96110反诈专线咨询。",
)


def _writer(spec: tuple[str, str, str]) -> User:
    username, name, authority = spec
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(
            username,
            password=None,
            role=User.Role.REGULATOR,
            authority=Authority.objects.get(code=authority),
            display_name=name,
        )
    return user


def _write(
    demo: Demo,
    *,
    by: User,
    reviewer: User | None,
    evidence: list[tuple[str, str]] | None = None,
    drafted: datetime | None = None,
) -> RiskWarning:
    published = timezone.now() - timedelta(days=demo.days_ago, hours=demo.days_ago % 5)
    drafted = drafted or published - timedelta(days=2)
    with time_machine.travel(drafted, tick=False):
        warning = services.warning_draft(
            by=by,
            title=demo.title,
            body=demo.body,
            scheme=demo.scheme,
            audiences=list(Audience.objects.filter(code__in=demo.audiences)),
            regions=list(Region.objects.filter(code__in=demo.regions)),
            evidence=evidence or [],
        )
    with time_machine.travel(drafted + (published - drafted) / 2, tick=False):
        services.warning_submit(warning=warning, by=by)
    if reviewer is not None:
        with time_machine.travel(published, tick=False):
            services.warning_publish(warning=warning, by=reviewer, note="内容准确，同意发布。")
    return warning


@transaction.atomic
def riskwarnings_seed() -> str | None:
    """The demo warnings; None when they are there already."""
    if RiskWarning.objects.exists():
        return None
    audiences_load()
    regulator = User.objects.get(username=DEMO_REGULATOR)
    fundraising = User.objects.get(username=DEMO_FUNDRAISING)
    writer, fundraising_writer = _writer(WRITER), _writer(FUNDRAISING_WRITER)
    for demo in WARNINGS:
        if demo.fundraising:
            _write(demo, by=fundraising_writer, reviewer=fundraising)
        else:
            _write(demo, by=writer, reviewer=regulator)
    # The province's fundraising department turned its strongest risk alert into a warning (the banking
    # regulator's strongest alert when there is none), and a colleague reviewed it.
    author, reviewer = fundraising, fundraising_writer
    alert = alerts_for(author).filter(kind=Alert.Kind.RISK).order_by("-score", "id").first()
    if alert is None:
        author, reviewer = regulator, writer
        alert = alerts_for(author).order_by("-score", "id").first()
    if alert is not None:
        proposal = evidence_find(author, "alert", alert.number)
        demo = Demo(
            0,
            True,
            proposal.title,
            proposal.scheme,
            ("elderly", "all"),
            tuple(r.code for r in proposal.regions) or ("220000",),
            proposal.body,
        )
        # Drafted the hour after the alert was raised, published now.
        drafted = min(alert.created_at + timedelta(hours=1), timezone.now() - timedelta(minutes=30))
        _write(demo, by=author, reviewer=reviewer, evidence=[("alert", alert.number)], drafted=drafted)
    _write(AWAITING, by=writer, reviewer=None)
    published = RiskWarning.objects.filter(status=RiskWarning.Status.PUBLISHED).count()
    return f"risk warnings: {published} published, 1 awaiting review{'' if alert else ' (no alert to draft from)'}"
