"""Demo disputes: the demo mediator's cases in every state, through the real services.

Needs the demo accounts; runs once: a second run finds the demo mediator's profile and leaves
everything alone.
"""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import time_machine
from django.db import transaction
from django.utils import timezone

from xiaobao.accounts.models import User
from xiaobao.complaints.models import Complaint
from xiaobao.complaints.services import complaint_accept, complaint_answer, complaint_submit
from xiaobao.disputes import services
from xiaobao.disputes.models import Dispute, MediationBody, Mediator
from xiaobao.registry.models import Category, Institution, Label

MEDIATOR, CONSUMER, BANK, REGULATOR = "demo-mediator", "demo-consumer", "demo-bank", "demo-regulator"

# (summary, story, amount claimed, days ago it reached mediation, how far it got)
CASES: tuple[tuple[str, str, Decimal, int, str], ...] = (
    (
        "信用卡年费未经同意被扣收",
        "办卡时承诺免年费，账单却扣收年费600元，银行答复不予退还。",
        Decimal("600"),
        3,
        "applied",
    ),
    ("分期手续费与宣传不符", "办理账单分期时称“零利率”，实际收取手续费1,280元。", Decimal("1280"), 6, "mediating"),
    (
        "理财产品亏损，销售时未做风险评估",
        "理财经理推荐R4产品，本人风险评估为C2，亏损本金8万余元。",
        Decimal("86000"),
        12,
        "held",
    ),
    ("信用卡盗刷损失", "卡在身边，夜间被境外盗刷3笔共4,560元，银行认为本人保管不善。", Decimal("4560"), 20, "agreed"),
    ("贷款提前还款违约金", "提前还清房贷被收取违约金3,000元，合同未明确约定。", Decimal("3000"), 35, "performed"),
    ("催收电话骚扰家人", "逾期后催收人员多次致电本人父母和单位同事，要求赔偿精神损失。", Decimal("5000"), 30, "failed"),
    ("保险搭售", "办理贷款时被要求购买意外险2,400元，否则不予放款。", Decimal("2400"), 45, "confirmed"),
    ("ATM吞卡后账户被冻结", "ATM吞卡后账户被冻结两周，期间无法支取工资，产生滞纳金。", Decimal("300"), 8, "declined"),
)


def _complaint(
    consumer: User, regulator: User, bank: User, branch: Institution, summary: str, story: str, amount: Decimal
) -> Complaint:
    business = _business("信用卡")
    refund = Label.objects.filter(kind=Label.Kind.DEMAND, name="退费").first()
    complaint, _code, _created = complaint_submit(
        by=consumer,
        via=Complaint.Via.WEB,
        institution=branch,
        business=business,
        summary=summary,
        narrative=story,
        complainant_name=consumer.display_name or "王丽华",
        phone="13904310000",
        id_number="220102198507121234",
        address="长春市朝阳区红旗街100号",
        amount=amount,
        demands=[refund] if refund else [],
    )
    # Accepted the next day, answered within the fortnight: each step on its own day, as in the complaint replay.
    filed = timezone.now()
    with time_machine.travel(filed + timedelta(days=1, hours=2), tick=False):
        complaint_accept(complaint=complaint, by=regulator)
    with time_machine.travel(filed + timedelta(days=9, hours=3), tick=False):
        return complaint_answer(
            complaint=complaint,
            by=bank,
            outcome=Complaint.Outcome.NOT_UPHELD,
            decision="经核实，我行按合同约定和业务规则办理，未发现违规情形，不支持您的诉求。",
        )


def disputes_seed() -> str | None:
    """The demo mediator's profile and cases; None when the profile is there already."""
    users = {u.username: u for u in User.objects.filter(username__in=[MEDIATOR, CONSUMER, BANK, REGULATOR])}
    missing = sorted({MEDIATOR, CONSUMER, BANK, REGULATOR} - set(users))
    if missing:
        raise ValueError(f"demo accounts missing: {', '.join(missing)}")
    if Mediator.objects.filter(user=users[MEDIATOR]).exists():
        return None
    with transaction.atomic():
        made = _seed(users)
    counts = ", ".join(f"{Dispute.Status(s).label} {n}" for s, n in sorted(made.items()))
    return f"disputes: {sum(made.values())} ({counts}); mediator {MEDIATOR}"


def _seed(users: dict[str, User]) -> dict[str, int]:
    centre = MediationBody.objects.get(code="jl-bank-insurance")
    Mediator.objects.create(
        user=users[MEDIATOR],
        body=centre,
        qualifications="律师执业资格；吉林省银行业保险业纠纷调解员证书（2024）",
        capacity=20,
    )
    # The centre's only demo mediator heads it too: a mediation past its conclusion date is escalated to her.
    centre.head = users[MEDIATOR]
    centre.save(update_fields=["head"])
    made: dict[str, int] = {}
    for case in CASES:
        status = _case(users, *case)
        made[status] = made.get(status, 0) + 1
    status = _direct(users[BANK])
    made[status] = made.get(status, 0) + 1
    return made


def _branch(bank: User) -> Institution:
    """A branch in 长春 of the demo bank's institution, or the institution itself."""
    assert bank.institution is not None  # demo_accounts_write gives demo-bank its institution
    return bank.institution.branches.filter(region__code__startswith="2201").first() or bank.institution


def _business(word: str) -> Category:
    """The first business category whose name holds `word`, or any business category."""
    business = Category.objects.filter(dimension=Category.Dimension.BUSINESS)
    found = business.filter(name__contains=word).first() or business.first()
    assert found is not None  # load_reference ships the taxonomy
    return found


def _direct(bank: User) -> str:
    """A guest who applied for mediation directly yesterday, without complaining first: the bank must answer."""
    branch = _branch(bank)
    with time_machine.travel(timezone.now() - timedelta(days=1), tick=False):
        dispute, _code = services.dispute_apply_direct(
            by=None,
            institution=branch,
            business=_business("理财"),
            summary="代销保险当作存款销售",
            narrative="在网点存款时，工作人员推荐“存款产品”，实为五年期分红保险，提前退保损失本金6,200元。",
            claim_amount=Decimal("6200"),
            request="请求机构全额退还保费并赔偿损失6,200元，销售时未说明是保险产品。",
            complainant_name="赵秀兰",
            phone="13604310088",
        )
    return dispute.status


def _case(users: dict[str, User], summary: str, story: str, amount: Decimal, ago: int, stage: str) -> str:
    """One complaint taken to mediation `ago` days back, then as far as `stage`, each step on its own day."""
    bank, consumer, regulator, me = users[BANK], users[CONSUMER], users[REGULATOR], users[MEDIATOR]
    branch = _branch(bank)
    now = timezone.now()

    def back(days: float) -> Any:
        return time_machine.travel(now - timedelta(days=days), tick=False)

    with back(ago + 20):
        complaint = _complaint(consumer, regulator, bank, branch, summary, story, amount)
    with back(ago):
        dispute = services.dispute_apply(
            complaint=complaint,
            by=consumer,
            request=f"请求机构退还或赔偿 {amount} 元，对答复不满意，申请调解。",
            claim_amount=amount,
        )
    if stage == "applied":
        return dispute.status
    with back(ago - 1):
        if stage == "declined":
            reason = "该事项已按规定处理完毕，不同意调解。"
            return services.dispute_respond(dispute=dispute, by=bank, agree=False, reason=reason).status
        dispute = services.dispute_respond(dispute=dispute, by=bank, agree=True)
        if stage == "mediating":
            services.session_schedule(
                dispute=dispute,
                by=me,
                starts_at=now + timedelta(days=3),
                mode=Dispute.Mode.ONLINE,
                place="线上调解室（平台视频）",
            )
            return dispute.status
        in_person = amount > 50000
        session = services.session_schedule(
            dispute=dispute,
            by=me,
            starts_at=now - timedelta(days=ago - 2),
            mode=Dispute.Mode.IN_PERSON if in_person else Dispute.Mode.ONLINE,
            place="长春市南关区人民大街3299号 调解室2" if in_person else "线上调解室（平台视频）",
        )
    with back(ago - 2.1):
        record = "双方陈述意见。申请人坚持请求；被申请人表示愿意在核实后协商解决。"
        services.session_record(session=session, by=me, record=record)
    if stage == "held":
        return dispute.status
    if stage == "failed":
        with back(ago - 4):
            reason = "双方对赔偿金额分歧过大，无法达成一致。"
            return services.dispute_fail(dispute=dispute, by=me, reason=reason).status
    part = (amount * Decimal("0.8")).quantize(Decimal("0.01"))
    with back(ago - 3):
        dispute = services.dispute_agree(
            dispute=dispute,
            by=me,
            terms=f"被申请人自愿向申请人支付 {part} 元，双方就本纠纷再无其他争议。",
            agreed_amount=part,
            payment_due=timezone.localdate() + timedelta(days=10),
        )
    if stage == "agreed":
        return dispute.status
    with back(ago - 8):
        dispute = services.dispute_confirm_performance(dispute=dispute, by=consumer, note="款项已收到。")
    if stage == "confirmed":
        with back(ago - 9):
            services.dispute_judicial_confirmation(
                dispute=dispute,
                by=me,
                court="长春市南关区人民法院",
                result=Dispute.Confirmation.CONFIRMED,
                decided_on=timezone.localdate(),
            )
    return dispute.status
