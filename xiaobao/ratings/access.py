"""Who may see and act on evaluation periods, evaluations and satisfaction surveys: the one place that decides.

- Regulators run periods: they see and act on the periods of their authority and the authorities below it.
- An institution's staff see their own evaluation at every stage, unpublished scores included, marked as
  such; another institution's evaluation only once published in a public period.
- Everyone else sees published public periods. Not-yours answers 404, exactly like not-found.
"""

from typing import TypeGuard

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from xiaobao.accounts.models import User
from xiaobao.ratings.models import Evaluation, Period, Questionnaire
from xiaobao.registry.selectors import authority_descendant_ids, institution_descendant_ids

PUBLIC = Q(status=Period.Status.PUBLISHED, visibility=Period.Visibility.PUBLIC)


def _is_regulator(user: User | AnonymousUser) -> TypeGuard[User]:
    return isinstance(user, User) and user.is_active and user.role == User.Role.REGULATOR


def _is_institution(user: User | AnonymousUser) -> TypeGuard[User]:
    return isinstance(user, User) and user.is_active and user.role == User.Role.INSTITUTION


def _is_admin(user: User | AnonymousUser) -> bool:
    return isinstance(user, User) and user.role == User.Role.ADMIN


def periods_for(user: User | AnonymousUser) -> QuerySet[Period]:
    qs = Period.objects.select_related("scheme", "authority")
    if _is_regulator(user):
        return qs.filter(authority_id__in=authority_descendant_ids(user.own_authority))
    if _is_admin(user):
        return qs
    if _is_institution(user):
        own = Evaluation.objects.filter(institution_id__in=institution_descendant_ids(user.own_institution))
        return qs.filter(PUBLIC | Q(pk__in=own.values("period_id")))
    return qs.filter(PUBLIC)


def get_period_for(user: User | AnonymousUser, pk: int) -> Period:
    try:
        return periods_for(user).get(pk=pk)
    except Period.DoesNotExist:
        raise Http404 from None


def is_examiner_of(user: User | AnonymousUser, period: Period) -> bool:
    """A regulator of the authority running the period (or one above it) scores and publishes."""
    return _is_regulator(user) and period.authority_id in authority_descendant_ids(user.own_authority)


def oversees(user: User | AnonymousUser, period: Period) -> bool:
    """Sees every evaluation of the period with its working scores: its examiners, and administrators."""
    return is_examiner_of(user, period) or _is_admin(user)


def is_own(user: User | AnonymousUser, evaluation: Evaluation) -> bool:
    return _is_institution(user) and evaluation.institution_id in institution_descendant_ids(user.own_institution)


def evaluations_for(user: User | AnonymousUser, period: Period) -> QuerySet[Evaluation]:
    """The rows of a period this user may open (the ranking shows only these)."""
    qs = period.evaluations.select_related("institution", "institution__type")
    if is_examiner_of(user, period) or _is_admin(user):
        return qs
    own = (
        Q(institution_id__in=institution_descendant_ids(user.own_institution)) if _is_institution(user) else Q(pk=None)
    )
    if period.is_published and period.visibility == Period.Visibility.PUBLIC:
        return qs.filter(Q(published_at__isnull=False) | own)
    return qs.filter(own)


def get_evaluation_for(user: User | AnonymousUser, pk: int) -> Evaluation:
    try:
        evaluation = Evaluation.objects.select_related("period", "period__scheme", "institution").get(pk=pk)
    except Evaluation.DoesNotExist:
        raise Http404 from None
    period = get_period_for(user, evaluation.period_id)
    if not evaluations_for(user, period).filter(pk=evaluation.pk).exists():
        raise Http404
    return evaluation


def sees_working_scores(user: User | AnonymousUser, evaluation: Evaluation) -> bool:
    """The examiners and the institution itself see scores before publication; others only the published figures."""
    return is_examiner_of(user, evaluation.period) or is_own(user, evaluation) or _is_admin(user)


# ---------------------------------------------------------------------------------------------
# Satisfaction questionnaires


def manages_questionnaire(user: User | AnonymousUser, questionnaire: Questionnaire) -> bool:
    return _is_regulator(user) and questionnaire.authority_id in authority_descendant_ids(user.own_authority)


def questionnaires_for(user: User | AnonymousUser) -> QuerySet[Questionnaire]:
    qs = Questionnaire.objects.all()
    public = Q(status__in=[Questionnaire.Status.OPEN, Questionnaire.Status.PUBLISHED])
    if _is_regulator(user):
        return qs.filter(public | Q(authority_id__in=authority_descendant_ids(user.own_authority)))
    return qs.filter(public)


def get_questionnaire_for(user: User | AnonymousUser, pk: int) -> Questionnaire:
    try:
        return questionnaires_for(user).get(pk=pk)
    except Questionnaire.DoesNotExist:
        raise Http404 from None


def sees_results(user: User | AnonymousUser, questionnaire: Questionnaire) -> bool:
    return questionnaire.status == Questionnaire.Status.PUBLISHED or manages_questionnaire(user, questionnaire)
