"""Two years of complaint handling, made the way the product makes it: through the services, at their moments.

`complaints_seed()` files the generator's complaints (`xiaobao.demo.generator`) and plays every later
step (acceptance, answers, extensions, returns, transfers, messages, feedback, reviews, surveys, the
regulator's follow-up calls and the daily deadline sweep) through the real services, with the clock
moved to each step's historical moment, so events and deadlines are exactly what the product itself
would have written. Every generated account has an e-mail address under demo.invalid.
"""

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from io import TextIOBase
from typing import Any

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
from xiaobao.demo.accounts import DEMO_CONSUMER, DEMO_EMAIL_DOMAIN, DEMO_PBOC, demo_accounts_write
from xiaobao.demo.generator import (
    DEFAULT_SEED,
    ComplaintSpec,
    DemoReference,
    Person,
    SpecGenerator,
    local_time,
    moment_at,
    money_text,
    prefecture_of,
)
from xiaobao.demo.topics import OUTCOMES, Topic
from xiaobao.lib.codes import id_check_char
from xiaobao.lib.workdays import add_calendar_days, add_workdays, is_workday, next_workday
from xiaobao.registry.models import Authority, DeadlineRuleSet, Institution, Label, SupervisionLine
from xiaobao.registry.selectors import supervision_line_for

Status = Complaint.Status
DEFAULT_COMPLAINTS = 5200

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
# What the regulator notes after calling back a complainant who rated the handling poorly (差评回访).
FOLLOW_UP_RESULTS = (
    "已电话回访投诉人。投诉人对办理时间过长不满意，已要求{bank}加强与投诉人的沟通，投诉人表示理解。",
    "已电话回访投诉人。投诉人认为答复未解决实际问题，已督促{bank}再次联系投诉人协商处理方案。",
    "已电话回访投诉人。投诉人仍坚持原诉求，已告知其可向调解组织申请调解或依法提起诉讼。",
    "两次致电未接通，已发送短信告知投诉人可申请调解，并将该件列入机构投诉处理质量检查。",
)
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
    # A poor survey (below 基本满意) gets the regulator's call back this many working days later; None: never.
    follow_up_wd: int | None = 2


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
        path.refusal = rng.choices([code for code, _w in RANDOM_REFUSALS], [w for _c, w in RANDOM_REFUSALS])[0]
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
        # Most calls back come within the 5 working days the rule set allows; some late, a few forgotten.
        roll = rng.random()
        path.follow_up_wd = rng.randint(1, 4) if roll < 0.88 else rng.randint(6, 15) if roll < 0.97 else None
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
RESULTS: dict[str, str] = {
    Complaint.Outcome.UPHELD: "您反映的情况属实，诉求予以支持。",
    Complaint.Outcome.PARTLY: "您的诉求部分成立。",
    Complaint.Outcome.NOT_UPHELD: "您的诉求缺乏事实和合同依据，不予支持，敬请谅解。",
}
EXTENSION_REASONS = ("complex-facts", "third-party", "multiple-parties", "awaiting-materials")
DESIGNATED_REGULATORS = {
    "nfra-jilin": "demo-regulator",
    "local-changchun": "demo-city-regulator",
    "pboc-jilin": DEMO_PBOC,
}


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
    """Delete the complaints the demo accounts and generated staff filed; accounts stay and are reused.

    Complaints taken to mediation stay with their disputes: the disputes stage built on them.
    """
    complaints = demo_complaints().filter(disputes__isnull=True)
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
    def __init__(self, *, reference: DemoReference, seed: int = DEFAULT_SEED, out: TextIOBase | None = None) -> None:
        self.ref = reference
        self.generator = SpecGenerator(reference, seed)
        self.rng = random.Random(seed + 1)  # the handling paths
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
        accounts = demo_accounts_write()
        for username in ("demo-bank", "demo-bank2"):
            institution_id = accounts[username].institution_id
            assert institution_id is not None  # demo_accounts_write gives both an institution
            self.handlers[self.ref.heads[institution_id]] = accounts[username]
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
            moment = moment_at(day, 9 * 60 + 30 + self.rng.randint(0, 150))
        else:
            moment = moment_at(self.ref.today - timedelta(days=n), 9 * 60 + self.rng.randint(0, 600))
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
            person = demo_person if account else self.generator.person(prefecture_of(institution.region_id))
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
            local = local_time(after)
            if local.date() > day:
                day = next_workday(local.date(), exceptions)
            if local.date() == day:
                earliest = max(earliest, local.hour * 60 + local.minute + 10)
                if earliest > 17 * 60:
                    day, earliest = next_workday(day + timedelta(days=1), exceptions), 8 * 60 + 40
        return moment_at(day, self.rng.randint(earliest, max(earliest, 17 * 60 + 20)))

    def _anytime(self, day: date, after: datetime) -> datetime:
        """When a complainant acts: any day, 07:30–22:30, later than `after`."""
        earliest = 7 * 60 + 30
        local = local_time(after)
        if local.date() >= day:
            day = local.date()
            earliest = max(earliest, local.hour * 60 + local.minute + 10)
            if earliest > 22 * 60 + 30:
                day, earliest = day + timedelta(days=1), 7 * 60 + 30
        return moment_at(day, self.rng.randint(earliest, max(earliest, 22 * 60 + 30)))

    def _lapse(self, answered: datetime) -> datetime:
        """When the sweep closes an answer nobody replied to: the night after the review window ends."""
        due = add_calendar_days(local_time(answered).date(), self.ref.rule_set.review_request_days, self.ref.exceptions)
        return moment_at(due + timedelta(days=1), 30)

    def plan(self, spec: ComplaintSpec, path: Path) -> list[Step]:
        """Every step of one complaint's path, with the moment it happens."""
        rng, steps, i = self.rng, [], spec.index
        exceptions = self.ref.exceptions

        def add(at: datetime, kind: str, **params: Any) -> datetime:
            self.order += 1
            steps.append((at, self.order, i, kind, params))
            return at

        def day(moment: datetime, plus: int = 0) -> date:
            return local_time(moment).date() + timedelta(days=plus)

        received = add(spec.received_at, "submit")
        if path.decision == "withdraw":
            add(received + timedelta(minutes=rng.randint(15, 600)), "withdraw", reason=rng.choice(WITHDRAW_SUBMITTED))
            return steps
        local = local_time(received)
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
            surveyed = add(self._anytime(day(later, path.survey_after), after=later), "survey", score=path.survey)
            if path.survey < Survey.FOLLOW_UP_BELOW and path.follow_up_wd is not None:
                called = add_workdays(day(surveyed), path.follow_up_wd, exceptions)
                add(self._office(called, after=surveyed), "follow_up")
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
                slots["remedy"] = money_text(remedy_amount)
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
            home = prefecture_of(self.specs[index].person.region_code)
            tree = [n for n in self.ref.trees[self.ref.heads[institution_id]] if n != institution_id]
            near = [n for n in tree if prefecture_of(self.ref.institutions[n].region_id) == home]
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
        rng = self.rng
        if kind == "submit":
            institution = self.ref.institutions[spec.institution_id]
            by = self.filers[index] if spec.via == Complaint.Via.WEB else self._entering_staff(institution)
            self.complaints[index], _code, _created = services.complaint_submit(
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
            return
        complaint = self.complaints[index]
        match kind:
            case "accept":
                complaint = services.complaint_accept(
                    complaint=complaint, by=self._regulator(complaint.authority_id), note=rng.choice(ACCEPT_NOTES)
                )
            case "refuse":
                code = params["reason"]
                if code == "fundraising":
                    refusal, note = self._label(Label.Kind.REFUSAL, "not-consumer-dispute"), FUNDRAISING_REFUSAL
                else:
                    refusal = self._label(Label.Kind.REFUSAL, code)
                    original = self.complaints.get(spec.repeat_of) if spec.repeat_of is not None else None
                    note = REFUSAL_NOTES[code].format(original=original.number if original else "", **slots)
                complaint = services.complaint_refuse(
                    complaint=complaint, by=self._regulator(complaint.authority_id), reason=refusal, note=note
                )
            case "transfer":
                assert self.pboc is not None  # plan() transfers only when there is a central bank branch
                # Credit reporting reaches the central bank by its business line; only one the lines sent
                # elsewhere is transferred by hand.
                if complaint.authority.kind != Authority.Kind.PBOC:
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
            case "follow_up":
                complaint = services.complaint_follow_up(
                    complaint=complaint,
                    by=self._regulator(complaint.authority_id),
                    result=rng.choice(FOLLOW_UP_RESULTS).format(**slots),
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
        by: User | GuestAccess
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
                    (
                        moment_at(first + timedelta(days=k), 30),
                        self.order,
                        SWEEP,
                        "sweep",
                        {"day": first + timedelta(days=k)},
                    )
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
                        self._say(f"  {filed:>6} complaints filed (clock at {local_time(at):%Y-%m-%d})")
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


def complaints_seed(
    *,
    complaints: int = DEFAULT_COMPLAINTS,
    seed: int = DEFAULT_SEED,
    force: bool = False,
    out: TextIOBase | None = None,
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
