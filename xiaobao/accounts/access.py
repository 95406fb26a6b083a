"""Who a request comes from, typed, and which roles may open the pages every role sees in the header.

Views and the navigation ask the same functions, so a link is shown exactly to those its page lets in.
"""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from xiaobao.accounts.models import ApiToken, User
from xiaobao.registry.models import Authority


def user_of(request: HttpRequest) -> User:
    """The signed-in user of a page behind login_required."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied  # a view that forgot login_required refuses rather than fails
    return user


def signed_in(request: HttpRequest) -> User | None:
    """The signed-in user of a page that guests may open too, or None for a guest."""
    user = request.user
    return user if isinstance(user, User) else None


def second_factor_given(request: HttpRequest) -> bool:
    """Whether this session gave its second factor (django-otp's middleware marks it)."""
    return bool(getattr(request.user, "is_verified", lambda: False)())


def files_in_own_name(user: User | AnonymousUser | None) -> bool:
    """Guests and consumers file complaints and apply for mediation for themselves; staff accounts may not."""
    return not isinstance(user, User) or user.role == User.Role.CONSUMER


def enters_for_others(user: User | AnonymousUser | None) -> bool:
    """Regulator staff (and administrators) register complaints received by phone, letter, visit or email."""
    return isinstance(user, User) and user.role in (User.Role.REGULATOR, User.Role.ADMIN)


def may_file_complaint(user: User | AnonymousUser | None) -> bool:
    """Who the complaint form lets in: filers in their own name, and staff who enter for others."""
    return files_in_own_name(user) or enters_for_others(user)


def is_fundraising_officer(user: User | AnonymousUser | None) -> bool:
    """Staff of an illegal-fundraising lead department (处非办): their work starts at the tip-off desk."""
    return bool(
        isinstance(user, User)
        and user.is_active
        and user.role == User.Role.REGULATOR
        and user.authority_id is not None
        and user.own_authority.kind == Authority.Kind.FUNDRAISING
    )


def get_api_token_for(user: User, pk: int) -> ApiToken:
    """A token only its owner sees or revokes; anyone else's answers like one that does not exist."""
    token = ApiToken.objects.filter(pk=pk, user=user).first()
    if token is None:
        raise Http404
    return token
