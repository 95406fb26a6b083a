"""Per-product signals read from complaints and suitability checks: the figures behind a re-grading.

Read-only: complaints are counted, never changed. A product shows a signal when, in the window before
and including the day of the scan, its complaints reach the minimum and rose against the window before, when
mis-selling complaints (the causes the rules name) reach their threshold, or when refused checks do.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaobao.complaints.models import Complaint
from xiaobao.products.models import Product, SuitabilityCheck, SuitabilityRules

# The window each count looks back over, and the one before it for the rise.
WINDOW_DAYS = 90


@dataclass
class ProductFigures:
    product: Product
    complaints: int = 0
    complaints_before: int = 0
    mis_selling: int = 0
    refused_checks: int = 0
    reasons: list[dict[str, str]] = field(default_factory=list)

    @property
    def proposed_grade(self) -> int:
        return min(5, self.product.risk_grade + 1)


def _start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def product_figures(products: QuerySet[Product], *, on: date, rules: SuitabilityRules) -> list[ProductFigures]:
    """Each product's counts in the window ending with the day `on`, with the reasons they give."""
    end = _start(on + timedelta(days=1))
    start, before = end - timedelta(days=WINDOW_DAYS), end - timedelta(days=2 * WINDOW_DAYS)
    causes = rules.codes("mis_selling_causes")
    cause_match = Q(pk__in=[])
    for code in causes:
        cause_match |= Q(cause__code=code) | Q(cause__code__startswith=f"{code}-")
    counts = {
        row["product"]: row
        for row in Complaint.objects.filter(product__in=products, received_at__gte=before, received_at__lt=end)
        .values("product")
        .annotate(
            recent=Count("pk", filter=Q(received_at__gte=start)),
            earlier=Count("pk", filter=Q(received_at__lt=start)),
            mis=Count("pk", filter=Q(received_at__gte=start) & cause_match),
        )
    }
    refused = dict(
        SuitabilityCheck.objects.filter(product__in=products, allowed=False, at__gte=start, at__lt=end)
        .values_list("product")
        .annotate(n=Count("pk"))
    )
    figures = []
    for product in products.order_by("pk"):
        row: dict[str, Any] = dict(counts.get(product.pk, {}))
        f = ProductFigures(
            product=product,
            complaints=row.get("recent", 0),
            complaints_before=row.get("earlier", 0),
            mis_selling=row.get("mis", 0),
            refused_checks=refused.get(product.pk, 0),
        )
        rise = Decimal(f.complaints) >= rules.signal_rise_ratio * max(f.complaints_before, 1)
        if f.complaints >= rules.signal_min_complaints and rise:
            f.reasons.append(
                {
                    "code": "complaints_rising",
                    "message": _("近 %(days)s 天投诉 %(n)s 件，此前 %(days)s 天 %(m)s 件。")
                    % {"days": WINDOW_DAYS, "n": f.complaints, "m": f.complaints_before},
                }
            )
        if f.mis_selling >= rules.signal_mis_selling:
            f.reasons.append(
                {
                    "code": "mis_selling",
                    "message": _("近 %(days)s 天误导销售、未充分揭示风险或适当性类投诉 %(n)s 件。")
                    % {"days": WINDOW_DAYS, "n": f.mis_selling},
                }
            )
        if f.refused_checks >= rules.signal_refused_checks:
            f.reasons.append(
                {
                    "code": "refused_checks",
                    "message": _("近 %(days)s 天适当性校验被拒 %(n)s 次。")
                    % {"days": WINDOW_DAYS, "n": f.refused_checks},
                }
            )
        figures.append(f)
    return figures
