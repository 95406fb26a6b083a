"""Writing a risk warning: draft, edit, submit for review, return, publish, withdraw. Every step checks the
actor's right to take it, locks the row for a transition, and leaves an event with who and when."""

from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from xiaobao.accounts.models import User
from xiaobao.core import time as core_time
from xiaobao.core.locks import lock
from xiaobao.core.numbers import number_next
from xiaobao.registry.models import Region
from xiaobao.riskwarnings import access
from xiaobao.riskwarnings.evidence import evidence_find
from xiaobao.riskwarnings.models import Audience, Evidence, RiskWarning, WarningEvent

# 风险提示: FX-YYYYMMDD-NNNNNN, read out like every other number of the platform.
NUMBER_PREFIX = "FX"

WRITERS_ONLY = _("只有监管部门和处置非法集资部门的工作人员可以撰写风险提示。")


def _record(warning: RiskWarning, kind: str, by: User, note: str = "") -> None:
    WarningEvent.objects.create(warning=warning, kind=kind, actor=by, at=core_time.now(), note=note)


def _check_content(
    *, title: str, body: str, scheme: str, audiences: Sequence[Audience], regions: Sequence[Region]
) -> None:
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [str(_("请填写标题。"))]
    if not body.strip():
        errors["body"] = [str(_("请填写正文。"))]
    if not scheme.strip():
        errors["scheme"] = [str(_("请写明风险手法。"))]
    if not audiences:
        errors["audiences"] = [str(_("请至少选择一类提示对象。"))]
    if not regions:
        errors["regions"] = [str(_("请至少选择一个地区。"))]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def warning_draft(
    *,
    by: User,
    title: str,
    body: str,
    scheme: str,
    audiences: Sequence[Audience],
    regions: Sequence[Region],
    evidence: Iterable[tuple[str, str]] = (),
) -> RiskWarning:
    """A new draft of the writer's department, linked to the evidence it was drafted from (kind, key).

    Each piece of evidence is found again through its own access check, so a draft can only cite what its
    writer may see."""
    if not access.is_writer(by):
        raise PermissionDenied(WRITERS_ONLY)
    _check_content(title=title, body=body, scheme=scheme, audiences=audiences, regions=regions)
    now = core_time.now()
    warning = RiskWarning.objects.create(
        number=number_next(NUMBER_PREFIX, day=core_time.today(), used=RiskWarning.objects),
        title=title.strip(),
        body=body.strip(),
        scheme=scheme.strip(),
        authority=by.own_authority,
        created_by=by,
        created_at=now,
    )
    warning.audiences.set(audiences)
    warning.regions.set(regions)
    for kind, key in dict.fromkeys(evidence):
        proposal = evidence_find(by, kind, key)
        Evidence.objects.create(
            warning=warning, kind=kind, key=key, label=proposal.label[:300], linked_by=by, linked_at=now
        )
    _record(warning, WarningEvent.Kind.DRAFTED, by)
    return warning


@transaction.atomic
def warning_edit(
    *,
    warning: RiskWarning,
    by: User,
    title: str,
    body: str,
    scheme: str,
    audiences: Sequence[Audience],
    regions: Sequence[Region],
) -> RiskWarning:
    if not access.acts_for(by, warning):
        raise PermissionDenied(_("只有本部门的工作人员可以修改这条风险提示。"))
    _check_content(title=title, body=body, scheme=scheme, audiences=audiences, regions=regions)
    warning = lock(warning)
    if not warning.is_editable:
        raise ValidationError(_("只有草稿可以修改；待审核的请先退回修改。"))
    warning.title, warning.body, warning.scheme = title.strip(), body.strip(), scheme.strip()
    warning.save(update_fields=["title", "body", "scheme"])
    warning.audiences.set(audiences)
    warning.regions.set(regions)
    _record(warning, WarningEvent.Kind.EDITED, by)
    return warning


@transaction.atomic
def warning_submit(*, warning: RiskWarning, by: User) -> RiskWarning:
    if not access.acts_for(by, warning):
        raise PermissionDenied(_("只有本部门的工作人员可以提交这条风险提示。"))
    warning = lock(warning)
    if warning.status != RiskWarning.Status.DRAFT:
        raise ValidationError(_("只有草稿可以提交审核。"))
    warning.status = RiskWarning.Status.IN_REVIEW
    warning.save(update_fields=["status"])
    _record(warning, WarningEvent.Kind.SUBMITTED, by)
    return warning


def _check_reviewer(warning: RiskWarning, by: User) -> None:
    if by.pk == warning.created_by_id:
        raise PermissionDenied(_("风险提示须由起草人以外的另一名工作人员审核，起草人不能审核自己起草的提示。"))
    if not access.may_review(by, warning):
        raise PermissionDenied(_("只有发布部门或其上级部门的工作人员可以审核这条风险提示。"))


@transaction.atomic
def warning_return(*, warning: RiskWarning, by: User, note: str) -> RiskWarning:
    """The reviewer sends the draft back with what to change."""
    _check_reviewer(warning, by)
    if not note.strip():
        raise ValidationError({"note": [str(_("请写明需要修改的地方。"))]})
    warning = lock(warning)
    if warning.status != RiskWarning.Status.IN_REVIEW:
        raise ValidationError(_("只有待审核的风险提示可以退回。"))
    warning.status = RiskWarning.Status.DRAFT
    warning.save(update_fields=["status"])
    _record(warning, WarningEvent.Kind.RETURNED, by, note.strip())
    return warning


@transaction.atomic
def warning_publish(*, warning: RiskWarning, by: User, note: str = "") -> RiskWarning:
    _check_reviewer(warning, by)
    warning = lock(warning)
    if warning.status != RiskWarning.Status.IN_REVIEW:
        raise ValidationError(_("只有待审核的风险提示可以发布。"))
    warning.status = RiskWarning.Status.PUBLISHED
    warning.published_at = core_time.now()
    warning.published_by = by
    warning.save(update_fields=["status", "published_at", "published_by"])
    _record(warning, WarningEvent.Kind.PUBLISHED, by, note.strip())
    return warning


@transaction.atomic
def warning_withdraw(*, warning: RiskWarning, by: User, reason: str) -> RiskWarning:
    """Take a published warning off the public list; its page keeps a notice with the reason."""
    if not access.acts_for(by, warning):
        raise PermissionDenied(_("只有发布部门或其上级部门的工作人员可以撤回这条风险提示。"))
    if not reason.strip():
        raise ValidationError({"reason": [str(_("请说明撤回原因，公众会看到这一说明。"))]})
    warning = lock(warning)
    if warning.status != RiskWarning.Status.PUBLISHED:
        raise ValidationError(_("只有已发布的风险提示可以撤回。"))
    warning.status = RiskWarning.Status.WITHDRAWN
    warning.withdrawn_at = core_time.now()
    warning.withdrawn_reason = reason.strip()
    warning.save(update_fields=["status", "withdrawn_at", "withdrawn_reason"])
    _record(warning, WarningEvent.Kind.WITHDRAWN, by, reason.strip())
    return warning
