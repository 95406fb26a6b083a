"""Demonstration red and black list entries, each with its history written through the services on the
days it happened: one objected to and answered, one repaired, one expired, one red, one about a person
(shown masked on the public side). Every document number says 演示."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.db import transaction
from django.utils import timezone

from xiaobao.accounts.models import User
from xiaobao.credit import services
from xiaobao.credit.models import CreditEntry
from xiaobao.credit.rules import rules_load
from xiaobao.demo.accounts import DEMO_CHECKER, DEMO_REGULATOR, demo_accounts_write
from xiaobao.registry.models import Institution, Penalty

SHANGHAI = ZoneInfo("Asia/Shanghai")
BASIS_BANKING = "《中华人民共和国银行业监督管理法》第四十六条"
BASIS_FUNDRAISING = "《防范和处置非法集资条例》第三十三条"


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def _published(drafter: User, checker: User, day: date, **fields: object) -> CreditEntry:
    with time_machine.travel(_at(day, 9), tick=False):
        entry = services.entry_draft(by=drafter, **fields)  # type: ignore[arg-type]
    with time_machine.travel(_at(day + timedelta(days=1)), tick=False):
        return services.entry_check(entry=entry, approve=True, note="事实清楚，依据充分（演示）", by=checker)


def credit_seed() -> str | None:
    """Five entries with their history; None when the demo entries are there already."""
    if CreditEntry.objects.filter(document__contains="演示").exists():
        return None
    rules_load()
    if not User.objects.filter(username=DEMO_CHECKER).exists():
        demo_accounts_write()
    drafter = User.objects.get(username=DEMO_REGULATOR)
    checker = User.objects.get(username=DEMO_CHECKER)
    bank = User.objects.get(username="demo-bank")
    bank2 = User.objects.get(username="demo-bank2")
    today = timezone.localdate()
    with transaction.atomic():
        # ICBC, from the 2025 penalty: objected to within the period, the objection answered and rejected.
        icbc_penalty = Penalty.objects.get(decision_number="吉金罚决字〔2025〕演示1号")
        start = today - timedelta(days=60)
        objected = _published(
            drafter,
            checker,
            start,
            credit_list="black",
            subject="institution",
            source="penalty",
            penalty=icbc_penalty,
            basis=BASIS_BANKING,
            document="",
            decided_on=start,
            facts="信用卡分期业务息费披露不充分，一年内被处罚且投诉处理不及时（演示）",
        )
        with time_machine.travel(_at(start + timedelta(days=5)), tick=False):
            services.objection_file(entry=objected, reason="处罚所涉问题已于2025年底整改完毕，请求不予列入。", by=bank)
        with time_machine.travel(_at(start + timedelta(days=12)), tick=False):
            services.objection_decide(
                entry=objected,
                upheld=False,
                decision="整改完成不影响列入认定，可在最短公示期满后申请信用修复。",
                by=drafter,
            )
        # 吉林银行, published over a year ago: penalty paid and commitment signed, repaired.
        jlb_penalty = Penalty.objects.get(decision_number="吉金罚决字〔2025〕演示2号")
        old = today - timedelta(days=400)
        repaired = _published(
            drafter,
            checker,
            old,
            credit_list="black",
            subject="institution",
            source="penalty",
            penalty=jlb_penalty,
            basis=BASIS_BANKING,
            document="",
            decided_on=old,
        )
        with time_machine.travel(_at(today - timedelta(days=20)), tick=False):
            services.repair_apply(
                entry=repaired,
                statement="罚款已于规定期限内缴清，整改报告已报送，已签署信用承诺书。",
                penalty_fulfilled=True,
                commitment_signed=True,
                by=bank2,
            )
        with time_machine.travel(_at(today - timedelta(days=15)), tick=False):
            services.repair_decide(
                entry=repaired,
                grant=True,
                penalty_fulfilled=True,
                commitment_signed=True,
                decision="经核实已履行处罚决定并签署承诺书，准予信用修复。",
                by=drafter,
            )
        # A company from a fundraising decision, whose validity ended last month: off the public list.
        ended = today - timedelta(days=30)
        _published(
            drafter,
            checker,
            ended - timedelta(days=364),
            credit_list="black",
            subject="company",
            source="fundraising",
            name="长春市汇鑫财富投资咨询有限公司（演示）",
            uscc="91220101MA17YB8D34",
            basis=BASIS_FUNDRAISING,
            document="长处非决〔2024〕演示5号",
            decided_on=ended - timedelta(days=364),
            valid_until=ended,
        )
        # A red-list bank after a grade-one rating.
        abc = Institution.objects.get(name="中国农业银行股份有限公司吉林省分行")
        red_day = today - timedelta(days=90)
        _published(
            drafter,
            checker,
            red_day,
            credit_list="red",
            subject="institution",
            source="rating",
            institution=abc,
            basis="《银行保险机构消费者权益保护监管评价办法》第二十条",
            document="吉金评〔2025〕演示1号",
            decided_on=red_day,
        )
        # A person convicted of illegal fundraising: on the staff side only; the public never sees them.
        person_day = today - timedelta(days=45)
        _published(
            drafter,
            checker,
            person_day,
            credit_list="black",
            subject="person",
            source="fundraising",
            person_name="赵某某",
            person_id_number="220103197805120032",
            basis=BASIS_FUNDRAISING,
            document="（2025）吉0102刑初演示88号",
            decided_on=person_day,
        )
    return "credit: 5 entries (1 objected and answered, 1 repaired, 1 expired, 1 red, 1 person)"
