"""Who may see and change which products: the one place that decides it.

An institution's staff see and edit their institution's shelf (and its branches'); a regulator sees the
products of the institutions it supervises (the institution types of its supervision lines in force, in
its regions); the public sees only products on sale. Not-yours answers exactly like does-not-exist.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from xiaobao.accounts.models import User
from xiaobao.core.time import today
from xiaobao.products.models import Product, Regrading
from xiaobao.registry.models import Region, SupervisionLine
from xiaobao.registry.selectors import authority_descendant_ids, institution_descendant_ids

_PREFIX: dict[int, int] = {Region.Level.PROVINCE: 2, Region.Level.PREFECTURE: 4, Region.Level.COUNTY: 6}


def remit_filter(user: User) -> Q:
    """The institutions a regulator supervises: each line in force names a type and a region."""
    on = today()
    lines = (
        SupervisionLine.objects.filter(
            authority_id__in=authority_descendant_ids(user.own_authority),
            institution_type__isnull=False,
            valid_from__lte=on,
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .select_related("region")
    )
    remit = Q(pk__in=[])
    for line in lines:
        prefix = line.region.code[: _PREFIX.get(line.region.level, 6)]
        remit |= Q(institution__type_id=line.institution_type_id, institution__region__code__startswith=prefix)
    return remit


def products_for(user: User) -> QuerySet[Product]:
    qs = Product.objects.select_related("institution", "business")
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    match user.role:
        case User.Role.INSTITUTION:
            return qs.filter(institution_id__in=institution_descendant_ids(user.own_institution))
        case User.Role.REGULATOR:
            return qs.filter(remit_filter(user))
        case User.Role.ADMIN:
            return qs
    return qs.none()


def public_products() -> QuerySet[Product]:
    return Product.objects.filter(status=Product.Status.ON_SALE).select_related("institution", "business")


def get_product_for(user: User, pk: int, *, write: bool = False) -> Product:
    """A product the user may see (write: may edit, which only its institution's staff may); 404 otherwise."""
    qs = products_for(user)
    if write and user.role != User.Role.INSTITUTION:
        qs = qs.none()
    found = qs.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def get_product_by_code_for(user: User, code: str) -> Product:
    """The caller's institution's product with that code: a sales system names its own products."""
    if user.role != User.Role.INSTITUTION:
        raise Http404
    found = products_for(user).filter(code=code).order_by("pk").first()
    if found is None:
        raise Http404
    return found


def get_public_product(pk: int) -> Product:
    found = public_products().filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def regradings_for(user: User) -> QuerySet[Regrading]:
    return Regrading.objects.filter(product__in=products_for(user)).select_related("product", "product__institution")


def get_regrading_for(user: User, pk: int) -> Regrading:
    found = regradings_for(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def may_manage_shelf(user: User) -> bool:
    return user.is_authenticated and user.role == User.Role.INSTITUTION


def may_decide_grades(user: User) -> bool:
    return user.is_authenticated and user.role in (User.Role.REGULATOR, User.Role.ADMIN)
