"""Reads shared by the public pages, the public API and the staff pages."""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from xiaobao.products.models import GradeChange, Product, Regrading


@dataclass(frozen=True)
class ProductFilters:
    institution: list[str] = field(default_factory=list)
    type: list[str] = field(default_factory=list)
    risk_grade: list[str] = field(default_factory=list)
    status: list[str] = field(default_factory=list)
    search_term: str = ""


def products_filtered(qs: QuerySet[Product], filters: ProductFilters) -> QuerySet[Product]:
    """Each filter narrows; values within one filter are alternatives. A type covers the categories below it
    (category codes nest by prefix: B05, B05-01)."""
    if filters.institution:
        qs = qs.filter(Q(institution__name__in=filters.institution) | Q(institution__uscc__in=filters.institution))
    if filters.type:
        match = Q(pk__in=[])
        for code in filters.type:
            match |= Q(business__code=code) | Q(business__code__startswith=f"{code}-")
        qs = qs.filter(match)
    if filters.risk_grade:
        qs = qs.filter(risk_grade__in=[int(g[1:]) for g in filters.risk_grade])
    if filters.status:
        qs = qs.filter(status__in=filters.status)
    term = filters.search_term.strip()
    if term:
        qs = qs.filter(
            Q(name__icontains=term)
            | Q(code__iexact=term)
            | Q(registration_code__iexact=term)
            | Q(issuer__icontains=term)
            | Q(institution__name__icontains=term)
        )
    return qs.order_by("institution__name", "risk_grade", "code", "pk")


def grade_history(product: Product) -> QuerySet[GradeChange]:
    return GradeChange.objects.filter(product=product).order_by("at", "pk")


def public_warnings(product: Product) -> QuerySet[Regrading]:
    """Risk warnings the regulator published with a confirmed re-grading."""
    return (
        Regrading.objects.filter(product=product, status=Regrading.Status.CONFIRMED)
        .exclude(public_warning="")
        .order_by("-decided_at")
    )
