"""Who may open the province's oversight pages: the administrator, and regulators of a province-level
authority over their own tree. A city regulator or an institution is refused; an authority outside the
officer's tree answers 404, like one that does not exist."""

from django.http import Http404

from xiaobao.accounts.models import User
from xiaobao.registry.models import Authority, Region
from xiaobao.registry.selectors import authority_descendant_ids


def is_province_officer(user: User) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.role == User.Role.ADMIN:
        return True
    return user.role == User.Role.REGULATOR and user.own_authority.region.level == Region.Level.PROVINCE


def authority_ids_for(user: User) -> list[int] | None:
    """The authorities whose items the user sees; None is all of them (the administrator)."""
    if user.role == User.Role.ADMIN:
        return None
    return authority_descendant_ids(user.own_authority)


def get_authority_for(user: User, pk: str) -> Authority:
    ids = authority_ids_for(user)
    qs = Authority.objects.all() if ids is None else Authority.objects.filter(pk__in=ids)
    try:
        return qs.get(pk=int(pk))
    except (ValueError, Authority.DoesNotExist):
        raise Http404 from None
