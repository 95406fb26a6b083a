"""Hand-made complaint series for the scan's tests: rows written directly, as a history would have left them."""

from datetime import date, datetime, time
from itertools import count

from django.utils import timezone

from xiaobao.complaints.models import Complaint
from xiaobao.registry.models import Authority, Category, DeadlineRuleSet, Institution
from xiaobao.testing import first_of

_numbers = count(1)


def complaints_on(
    day: date,
    n: int,
    *,
    institution: Institution,
    business: Category,
    authority: Authority,
    region: str = "220102",
    summary: str = "信用卡年费未经同意被扣收",
) -> list[Complaint]:
    rule_set = first_of(DeadlineRuleSet.objects.order_by("valid_from"))
    at = timezone.make_aware(datetime.combine(day, time(10, 0)))
    rows = [
        Complaint(
            number=f"JL-{day:%Y%m%d}-T{next(_numbers):05d}",
            received_at=at,
            rule_set=rule_set,
            complainant_name="张丽",
            phone="13812345678",
            institution=institution,
            authority=authority,
            business=business,
            region_id=region,
            summary=summary,
            narrative=summary + "，多次致电客服未获解决。",
        )
        for _ in range(n)
    ]
    return Complaint.objects.bulk_create(rows)
