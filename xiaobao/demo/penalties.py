"""Demonstration penalty decisions against the demonstration institutions, so /penalties/ has content.

Idempotent: rows are matched by institution and decision number, and only created when missing.
Every decision number says 演示 so that nobody mistakes them for published decisions.
"""

from datetime import date
from decimal import Decimal

from django.db import transaction

from xiaobao.registry.models import Authority, Institution, Penalty

# (institution name, date, number, violation, basis, type, content, amount, authority code)
DEMO_PENALTIES: tuple[tuple[str, date, str, str, str, str, str, str | None, str], ...] = (
    (
        "中国工商银行股份有限公司吉林省分行",
        date(2025, 9, 12),
        "吉金罚决字〔2025〕演示1号",
        "信用卡分期业务息费披露不充分；客户投诉处理不及时",
        "《中华人民共和国银行业监督管理法》第四十六条；《银行保险机构消费者权益保护管理办法》",
        Penalty.Type.FINE,
        "罚款60万元",
        "600000.00",
        "nfra-jilin",
    ),
    (
        "吉林银行股份有限公司",
        date(2025, 6, 3),
        "吉金罚决字〔2025〕演示2号",
        "个人贷款业务搭售保险产品",
        "《中华人民共和国银行业监督管理法》第四十六条",
        Penalty.Type.FINE,
        "罚款45万元",
        "450000.00",
        "nfra-jilin",
    ),
    (
        "吉林银行股份有限公司",
        date(2024, 11, 20),
        "吉银罚决字〔2024〕演示3号",
        "未按规定履行客户身份识别义务",
        "《中华人民共和国反洗钱法》第三十二条",
        Penalty.Type.FINE_AND_CONFISCATION,
        "罚款30万元，没收违法所得2.1万元",
        "321000.00",
        "pboc-jilin",
    ),
    (
        "中国农业银行股份有限公司吉林省分行",
        date(2024, 8, 15),
        "吉金罚决字〔2024〕演示4号",
        "营业网点拒收现金",
        "《中华人民共和国人民币管理条例》第四十二条",
        Penalty.Type.WARNING,
        "警告",
        None,
        "pboc-jilin",
    ),
)


@transaction.atomic
def penalties_seed() -> str | None:
    """The decisions above, each created once; None when none was missing."""
    created = 0
    for name, decided_on, number, violation, basis, kind, content, amount, authority in DEMO_PENALTIES:
        institution = Institution.objects.filter(name=name).first()
        issuer = Authority.objects.filter(code=authority).first()
        if institution is None or issuer is None:
            continue  # reference data without this institution or authority: leave the example out
        _obj, made = Penalty.objects.get_or_create(
            institution=institution,
            decision_number=number,
            defaults={
                "decided_on": decided_on,
                "violation": violation,
                "basis": basis,
                "penalty_type": kind,
                "content": content,
                "amount": Decimal(amount) if amount else None,
                "authority": issuer,
            },
        )
        created += made
    return f"penalty decisions: {created}" if created else None
