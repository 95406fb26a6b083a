"""Reading warnings: the filters the public list, the API and the desk share, and the newest ones."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from xiaobao.registry.models import Region
from xiaobao.riskwarnings.access import public_warnings
from xiaobao.riskwarnings.models import RiskWarning
from xiaobao.riskwarnings.rules import EVERYONE


@dataclass(frozen=True)
class WarningFilters:
    audience: str = ""  # an audience code; warnings for everyone match too
    region: str = ""  # a region code; warnings for the regions above it and below it match too
    search_term: str = ""
    status: str = ""  # the desk's filter; the public reads published warnings only


def region_q(code: str) -> Q:
    """Warnings that concern a place: addressed to it, to a region containing it (the province's reach every
    city), or to a region inside it (a county's concern its city)."""
    region = Region.objects.filter(code=code).first()
    if region is None:
        return Q(pk__in=[])
    codes = [region.code]
    parent = region.parent
    while parent is not None:
        codes.append(parent.code)
        parent = parent.parent
    q = Q(regions__code__in=codes)
    # GB/T 2260: a province is 22 0000, its cities 22 01 00, their counties 22 01 02.
    if region.level == Region.Level.PROVINCE:
        q |= Q(regions__code__startswith=region.code[:2])
    elif region.level == Region.Level.PREFECTURE:
        q |= Q(regions__code__startswith=region.code[:4])
    return q


def warnings_filtered(qs: QuerySet[RiskWarning], filters: WarningFilters) -> QuerySet[RiskWarning]:
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.audience:
        qs = qs.filter(Q(audiences__code=filters.audience) | Q(audiences__code=EVERYONE))
    if filters.region:
        qs = qs.filter(region_q(filters.region))
    for word in filters.search_term.split():
        qs = qs.filter(Q(title__icontains=word) | Q(body__icontains=word) | Q(scheme__icontains=word))
    # The joins above can repeat a warning: the ids are filtered, the rows read once.
    return RiskWarning.objects.filter(pk__in=qs.values("pk"))


def public_warnings_filtered(filters: WarningFilters) -> QuerySet[RiskWarning]:
    qs = warnings_filtered(public_warnings(), WarningFilters(filters.audience, filters.region, filters.search_term))
    return qs.prefetch_related("audiences", "regions").order_by("-published_at", "-id")


def newest_public(limit: int) -> list[RiskWarning]:
    return list(
        public_warnings()
        .select_related("authority")
        .prefetch_related("audiences")
        .order_by("-published_at", "-id")[:limit]
    )


def region_choices() -> QuerySet[Region]:
    """The province and its cities: the places a reader filters by (counties are found under their city)."""
    return Region.objects.filter(level__in=(Region.Level.PROVINCE, Region.Level.PREFECTURE)).order_by("code")
