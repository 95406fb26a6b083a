from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from xiaobao.accounts.models import User
from xiaobao.publications.models import Publication
from xiaobao.registry.models import Authority, Region


def may_review(user: User | AnonymousUser) -> bool:
    """Province-wide reports are reviewed and published by a provincial regulator (not a city's, not 处非办)."""
    if not isinstance(user, User):
        return False
    if user.role == User.Role.ADMIN:
        return True
    authority = user.authority
    return (
        user.role == User.Role.REGULATOR
        and authority is not None
        and authority.kind != Authority.Kind.FUNDRAISING
        and authority.region.level == Region.Level.PROVINCE
    )


def get_publication_for(user: User | AnonymousUser, number: str) -> Publication:
    """The public reads published and withdrawn reports; drafts exist only for their reviewers (404 otherwise)."""
    try:
        publication = Publication.objects.get(number=number)
    except Publication.DoesNotExist:
        raise Http404 from None
    if publication.status == Publication.Status.DRAFT and not may_review(user):
        raise Http404
    return publication


def publications_for(user: User | AnonymousUser) -> QuerySet[Publication]:
    qs = Publication.objects.all()
    return qs if may_review(user) else qs.exclude(status=Publication.Status.DRAFT)
