"""Every change to a dispute: one function per step, each in one transaction.

A step checks the actor's part in the dispute and the dispute's state, writes the new state, opens or
closes the dispute's clocks, and appends an Event (kind 纠纷化解) to the complaint's timeline, so the
complainant, the institution and the regulator read the whole story in one place.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypedDict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import WithAnnotations

from xiaobao.accounts.models import User
from xiaobao.complaints import access as complaint_access
from xiaobao.complaints.access import Actor
from xiaobao.complaints.models import Complaint, Event
from xiaobao.complaints.services import (
    complaint_feedback,
    complaint_notify,
    complaint_submit,
    escalation_target,
    event_append,
)
from xiaobao.core import time as core_time
from xiaobao.core.clocks import clock_close, clock_escalated, clock_open, clock_step
from xiaobao.core.language import on_the_record
from xiaobao.core.locks import lock
from xiaobao.core.notify import notify
from xiaobao.core.time import now, today
from xiaobao.disputes import access
from xiaobao.disputes.models import Dispute, DisputeDeadline, MediationBody, MediationSession, Mediator
from xiaobao.disputes.rules import dispute_rules_for
from xiaobao.lib.masking import mask_name
from xiaobao.registry.models import Category, EscalationRule, Institution
from xiaobao.registry.selectors import due_in_days, due_in_workdays, escalation_rules, institution_ancestor_ids

Status = Dispute.Status
Party = complaint_access.Party

# A consumer may take a complaint further once the institution has answered it: straight from the
# answer (this is the complaint's "申请调解" feedback), or after it was closed or handed to mediation.
COMPLAINT_STATUSES_FOR_DISPUTE = (Complaint.Status.ANSWERED, Complaint.Status.MEDIATION, Complaint.Status.CLOSED)


def _user(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None


def _require(dispute: Dispute, actor: Actor, parties: tuple[str, ...], statuses: tuple[str, ...]) -> str:
    party = access.party_of(actor, dispute)
    if party not in parties:
        raise PermissionDenied(gettext_lazy("您无权对该纠纷执行此操作。"))
    if dispute.status not in statuses:
        raise ValidationError(
            gettext_lazy("纠纷当前状态为“%(status)s”，不能执行此操作。"),
            params={"status": Status(dispute.status).label},
        )
    return party


# Read with the dispute under its lock: only the dispute's row is locked, the joins beside it are nullable.
LOCK_JOINS = ("complaint", "complaint__institution", "body", "mediator__user")


def _record(dispute: Dispute, actor: Actor, step: str, note: str = "", **data: Any) -> Event:
    """The step on the complaint's timeline. Data holds the dispute number, so the dispute's own page
    can show its part of the timeline."""
    return event_append(
        dispute.complaint,
        Event.Kind.DISPUTE,
        actor,
        from_status=dispute.complaint.status,
        note=f"{step}：{note}" if note else step,
        data={"dispute": dispute.number, "status": dispute.status, **{k: str(v) for k, v in data.items()}},
    )


def _notify(dispute: Dispute, parties: tuple[str, ...], text: str) -> None:
    """Tell the sides of a dispute: the complaint's parties as the complaint tells them, and the mediator."""
    for party in parties:
        if party == access.MEDIATOR:
            if dispute.mediator is not None:
                notify(text, users=[dispute.mediator.user], about=dispute.complaint)
        else:
            complaint_notify(dispute.complaint, party, text)


def _next_number(complaint: Complaint) -> str:
    # The complaint's number with the attempt's sequence: read out together with the complaint.
    return f"{complaint.number}-T{complaint.disputes.count() + 1}"


def _money(value: Decimal | None, field: str, *, required: bool = False) -> Decimal | None:
    if value is None:
        if required:
            raise ValidationError({field: gettext_lazy("请填写金额。")})
        return None
    if value < 0:
        raise ValidationError({field: gettext_lazy("金额不能为负数。")})
    return value.quantize(Decimal("0.01"))


def _complaint_for_new_dispute(complaint: Complaint, actor: Actor, party: str) -> Complaint:
    complaint = lock(complaint)
    if complaint_access.party_of(actor, complaint) != party:
        raise PermissionDenied(gettext_lazy("您无权对该投诉执行此操作。"))
    if complaint.status not in COMPLAINT_STATUSES_FOR_DISPUTE:
        raise ValidationError(gettext_lazy("机构答复投诉之后，才能申请调解、和解或提交仲裁、诉讼。"))
    if complaint.disputes.filter(status__in=Dispute.OPEN_STATUSES).exclude(status=Status.AGREED).exists():
        raise ValidationError(gettext_lazy("这件投诉已有正在进行的和解或调解，请先等待其结束。"))
    return complaint


# ---------------------------------------------------------------------------------------------
# Mediation


def _check_application(request: str, mode: str) -> None:
    if len(request.strip()) < 10:
        raise ValidationError({"request": gettext_lazy("请写明您的调解请求和理由（至少10个字）。")})
    if mode not in Dispute.Mode.values:
        raise ValidationError({"mode": gettext_lazy("请选择调解方式。")})


def _open_mediation(
    complaint: Complaint, by: Actor, *, request: str, claim_amount: Decimal | None, mode: str, origin: str
) -> Dispute:
    """The mediation request goes to the institution, whose clock to agree or decline starts now."""
    rules = dispute_rules_for(today())
    small = rules.is_small_claim(claim_amount if claim_amount is not None else complaint.amount)
    dispute = Dispute.objects.create(
        number=_next_number(complaint),
        complaint=complaint,
        path=Dispute.Path.MEDIATION,
        origin=origin,
        status=Status.APPLIED,
        small_claim=small,
        claim_amount=claim_amount,
        request=request.strip(),
        mode=mode,
        created_at=now(),
        created_by=_user(by),
    )
    due = due_in_workdays(today(), rules.answer_limit(small))
    clock_open(dispute.deadlines, kind=DisputeDeadline.Kind.ANSWER, party=DisputeDeadline.Party.INSTITUTION, due=due)
    direct = origin == Dispute.Origin.DIRECT
    _record(
        dispute,
        by,
        _("直接申请调解") if direct else _("申请调解"),
        _("请求金额 %(amount)s 元；%(track)s；机构应于 %(due)s 前答复是否同意调解。")
        % {
            "amount": claim_amount if claim_amount is not None else "—",
            "track": _("小额纠纷快速解决") if small else _("普通程序"),
            "due": due,
        },
        due=due.isoformat(),
    )
    _notify(
        dispute,
        (Party.INSTITUTION,),
        (
            _("%(name)s 就与贵机构的纠纷直接申请调解（%(number)s），请于 %(due)s 前答复是否同意。")
            if direct
            else _("投诉人就 %(number)s 申请调解，请于 %(due)s 前答复是否同意。")
        )
        % {"number": complaint.number, "due": due, "name": mask_name(complaint.complainant_name)},
    )
    if direct:
        _notify(
            dispute,
            (Party.CONSUMER,),
            _("您的调解申请 %(number)s 已提交，%(institution)s 应于 %(due)s 前答复是否同意调解。")
            % {"number": complaint.number, "institution": complaint.institution.name, "due": due},
        )
    return dispute


@on_the_record
@transaction.atomic
def dispute_apply(
    *, complaint: Complaint, by: Actor, request: str, claim_amount: Decimal | None, mode: str = Dispute.Mode.ONLINE
) -> Dispute:
    """The consumer asks for mediation of a complaint whose answer did not satisfy them."""
    complaint = _complaint_for_new_dispute(complaint, by, Party.CONSUMER)
    _check_application(request, mode)
    claim_amount = _money(claim_amount, "claim_amount")
    if complaint.status == Complaint.Status.ANSWERED:
        # The answer's "申请调解" feedback closes the complaint's own handling and stops its review clock.
        complaint = complaint_feedback(complaint=complaint, by=by, choice=Complaint.Feedback.MEDIATION, note=request)
    return _open_mediation(
        complaint, by, request=request, claim_amount=claim_amount, mode=mode, origin=Dispute.Origin.COMPLAINT
    )


@on_the_record
@transaction.atomic
def dispute_apply_direct(
    *,
    by: User | None,
    institution: Institution,
    business: Category,
    summary: str,
    narrative: str,
    claim_amount: Decimal | None,
    request: str,
    complainant_name: str,
    phone: str,
    email: str = "",
    mode: str = Dispute.Mode.ONLINE,
    idempotency_key: str = "",
) -> tuple[Dispute, str]:
    """The consumer applies for mediation straight away, without a complaint answered first.

    The application is filed as a complaint through the one intake (routing, numbering, encrypted
    contact details, the guest's query code), already in mediation, and the dispute opens with it.
    Returns (dispute, guest code or ""); a repeated request with the same key returns the first dispute.
    """
    _check_application(request, mode)
    claim_amount = _money(claim_amount, "claim_amount", required=True)
    complaint, code, created = complaint_submit(
        by=by,
        via=Complaint.Via.WEB,
        institution=institution,
        business=business,
        summary=summary,
        narrative=narrative,
        amount=claim_amount,
        complainant_name=complainant_name,
        phone=phone,
        email=email,
        idempotency_key=idempotency_key,
        mediation=True,
    )
    if not created:
        earlier = complaint.disputes.filter(origin=Dispute.Origin.DIRECT).first()
        if earlier is None:
            raise ValidationError(gettext_lazy("这份申请已经提交过，请在“我的投诉”中查看。"))
        return earlier, ""
    dispute = _open_mediation(
        complaint, by, request=request, claim_amount=claim_amount, mode=mode, origin=Dispute.Origin.DIRECT
    )
    return dispute, code


class _Load(TypedDict):
    load: int  # the mediator's open cases


def mediator_candidates(dispute: Dispute) -> list[Mediator]:
    """Mediators who may take the dispute, best first.

    Remit: bodies whose sectors, area and amount limit cover the institution and the claim. Specialised
    bodies (those that name their sectors) come before general ones, then the nearest body. 回避: a
    mediator tied to the institution or any office above it is left out. Load: mediators at capacity
    are left out; among the rest, the one with the fewest open cases comes first.
    """
    institution = dispute.complaint.institution
    amount = dispute.claim_amount if dispute.claim_amount is not None else dispute.complaint.amount
    bodies = [
        b for b in MediationBody.objects.filter(is_active=True) if b.covers(institution=institution, amount=amount)
    ]
    if not bodies:
        return []
    chain = institution_ancestor_ids(institution)
    rank = {b.pk: (0 if b.sectors else 1, -len(b.region_id.rstrip("0")), b.sort) for b in bodies}
    mediators: QuerySet[WithAnnotations[Mediator, _Load]] = (
        Mediator.objects.filter(body__in=bodies, is_active=True, user__is_active=True)
        .exclude(conflicts__in=chain)
        .annotate(load=Count("disputes", filter=Q(disputes__status=Status.MEDIATING)))
        .select_related("user", "body")
    )
    free = [m for m in mediators if m.load < m.capacity]
    free.sort(key=lambda m: (rank[m.body_id], m.load, m.pk))
    return list(free)


def _assign(dispute: Dispute, mediator: Mediator) -> None:
    dispute.mediator, dispute.body, dispute.assigned_at = mediator, mediator.body, now()
    dispute.status = Status.MEDIATING
    rules = dispute_rules_for(today())
    due = due_in_days(today(), rules.mediation_limit(dispute.small_claim))
    clock_close(dispute.deadlines, DisputeDeadline.Kind.MEDIATION)
    clock_open(dispute.deadlines, kind=DisputeDeadline.Kind.MEDIATION, party=DisputeDeadline.Party.MEDIATOR, due=due)
    dispute.save()
    _record(
        dispute,
        None,
        _("分派调解"),
        _("由 %(body)s 调解员 %(mediator)s 主持调解，应于 %(due)s 前办结。")
        % {"body": mediator.body.name, "mediator": mediator, "due": due},
        due=due.isoformat(),
    )
    _notify(
        dispute,
        (access.MEDIATOR,),
        _("纠纷 %(number)s 已分派给您调解，请于 %(due)s 前办结。") % {"number": dispute.number, "due": due},
    )
    _notify(
        dispute,
        (Party.CONSUMER, Party.INSTITUTION),
        _("纠纷 %(number)s 由 %(body)s 调解，调解员将与您联系安排调解。")
        % {"number": dispute.number, "body": mediator.body.name},
    )


@on_the_record
@transaction.atomic
def dispute_respond(*, dispute: Dispute, by: Actor, agree: bool, reason: str = "") -> Dispute:
    """The institution agrees to mediation (the platform then assigns a body and mediator) or declines with a reason."""
    dispute = lock(dispute, related=LOCK_JOINS)
    _require(dispute, by, (access.INSTITUTION,), (Status.APPLIED,))
    deadline = dispute.deadlines.filter(kind=DisputeDeadline.Kind.ANSWER, closed_at__isnull=True).first()
    if deadline is not None and deadline.is_overdue():
        raise ValidationError(
            gettext_lazy("答复期限 %(due)s 已过，视为不同意调解。"), params={"due": deadline.due_date}
        )
    if not agree and len(reason.strip()) < 5:
        raise ValidationError({"reason": gettext_lazy("不同意调解时，请向投诉人说明理由（至少5个字）。")})
    clock_close(dispute.deadlines, DisputeDeadline.Kind.ANSWER)
    dispute.answered_at = now()
    if not agree:
        dispute.status, dispute.decline_reason, dispute.closed_at = Status.DECLINED, reason.strip(), now()
        dispute.save()
        _record(dispute, by, _("机构不同意调解"), dispute.decline_reason)
        _notify(
            dispute,
            (Party.CONSUMER,),
            _("%(institution)s 不同意调解纠纷 %(number)s。您可以申请仲裁或提起诉讼。")
            % {"institution": dispute.complaint.institution.name, "number": dispute.number},
        )
        return dispute
    dispute.status = Status.UNASSIGNED
    dispute.save()
    _record(dispute, by, _("机构同意调解"), reason.strip())
    candidates = mediator_candidates(dispute)
    if candidates:
        _assign(dispute, candidates[0])
    else:
        _notify(
            dispute,
            (Party.REGULATOR,),
            _("纠纷 %(number)s 没有可分派的调解员（受理范围、回避或承办上限），请人工分派。")
            % {"number": dispute.number},
        )
    return dispute


@on_the_record
@transaction.atomic
def dispute_assign(*, dispute: Dispute, by: Actor, mediator: Mediator) -> Dispute:
    """The regulator or an administrator assigns (or reassigns) a mediator by hand; remit and 回避 still apply."""
    dispute = lock(dispute, related=LOCK_JOINS)
    _require(dispute, by, (access.REGULATOR, access.ADMIN), (Status.UNASSIGNED, Status.MEDIATING))
    if mediator.pk == dispute.mediator_id:
        raise ValidationError({"mediator": gettext_lazy("该调解员已在承办这件纠纷。")})
    if mediator.pk not in {m.pk for m in mediator_candidates(dispute)}:
        raise ValidationError(
            {"mediator": gettext_lazy("该调解员不能承办：超出其调解组织的受理范围、需要回避或已达承办上限。")}
        )
    _assign(dispute, mediator)
    return dispute


@on_the_record
@transaction.atomic
def session_schedule(*, dispute: Dispute, by: Actor, starts_at: datetime, mode: str, place: str) -> MediationSession:
    """The mediator schedules a sitting; both parties get a notice with the time and the place or link."""
    dispute = lock(dispute, related=LOCK_JOINS)
    _require(dispute, by, (access.MEDIATOR,), (Status.MEDIATING,))
    assert isinstance(by, User)  # only a mediator's account is the mediator party
    if starts_at <= now():
        raise ValidationError({"starts_at": gettext_lazy("调解时间必须晚于现在。")})
    if mode not in Dispute.Mode.values:
        raise ValidationError({"mode": gettext_lazy("请选择调解方式。")})
    if not place.strip():
        raise ValidationError({"place": gettext_lazy("请填写调解地点或线上会议链接。")})
    session = MediationSession.objects.create(
        dispute=dispute, starts_at=starts_at, mode=mode, place=place.strip(), scheduled_by=by
    )
    when = f"{timezone.localtime(starts_at):%Y-%m-%d %H:%M}"
    notice = _("纠纷 %(number)s 定于 %(when)s %(mode)s调解，地点：%(place)s。") % {
        "number": dispute.number,
        "when": when,
        "mode": Dispute.Mode(mode).label,
        "place": session.place,
    }
    _record(dispute, by, _("安排调解会议"), notice, session=session.pk)
    _notify(dispute, (Party.CONSUMER, Party.INSTITUTION), notice)
    return session


@on_the_record
@transaction.atomic
def session_record(*, session: MediationSession, by: Actor, record: str) -> MediationSession:
    """The mediator writes the record (笔录) of a sitting that has taken place."""
    dispute = lock(session.dispute, related=LOCK_JOINS)
    _require(dispute, by, (access.MEDIATOR,), (Status.MEDIATING,))
    session = MediationSession.objects.select_for_update().get(pk=session.pk, dispute=dispute)
    if session.starts_at > now():
        raise ValidationError(gettext_lazy("调解会议尚未开始，不能填写笔录。"))
    if len(record.strip()) < 10:
        raise ValidationError({"record": gettext_lazy("请填写调解笔录（至少10个字）。")})
    session.record, session.recorded_at = record.strip(), now()
    session.save(update_fields=["record", "recorded_at"])
    _record(dispute, by, _("调解笔录"), session.record, session=session.pk)
    return session


def _agreement(dispute: Dispute, terms: str, amount: Decimal | None, payment_due: date | None) -> None:
    if len(terms.strip()) < 10:
        raise ValidationError({"terms": gettext_lazy("请写明协议内容（至少10个字）。")})
    amount = _money(amount, "agreed_amount")
    if amount is not None and amount > 0 and payment_due is None:
        raise ValidationError({"payment_due": gettext_lazy("约定了金额时，请填写履行期限。")})
    if payment_due is not None and payment_due < today():
        raise ValidationError({"payment_due": gettext_lazy("履行期限不能早于今天。")})
    dispute.terms, dispute.agreed_amount, dispute.payment_due = terms.strip(), amount, payment_due
    dispute.agreed_at, dispute.status = now(), Status.AGREED


def _open_payment_clock(dispute: Dispute) -> None:
    if dispute.payment_due is not None:
        clock_open(
            dispute.deadlines,
            kind=DisputeDeadline.Kind.PAYMENT,
            party=DisputeDeadline.Party.INSTITUTION,
            due=dispute.payment_due,
        )


def _agreement_note(dispute: Dispute) -> str:
    if dispute.agreed_amount is not None and dispute.payment_due is not None:
        return _("%(terms)s（金额 %(amount)s 元，履行期限 %(due)s）") % {
            "terms": dispute.terms,
            "amount": dispute.agreed_amount,
            "due": dispute.payment_due,
        }
    return dispute.terms


@on_the_record
@transaction.atomic
def dispute_agree(
    *, dispute: Dispute, by: Actor, terms: str, agreed_amount: Decimal | None, payment_due: date | None
) -> Dispute:
    """The mediator records the agreement. Ordinary disputes need a recorded sitting first; small claims
    follow the simplified procedure and may be agreed without one (e.g. by telephone)."""
    dispute = lock(dispute, related=LOCK_JOINS)
    _require(dispute, by, (access.MEDIATOR,), (Status.MEDIATING,))
    if not dispute.small_claim and not dispute.sessions.filter(recorded_at__isnull=False).exists():
        raise ValidationError(gettext_lazy("普通程序须至少召开一次调解会议并填写笔录后，才能记录调解协议。"))
    _agreement(dispute, terms, agreed_amount, payment_due)
    clock_close(dispute.deadlines, DisputeDeadline.Kind.MEDIATION)
    dispute.save()
    _open_payment_clock(dispute)
    _record(dispute, by, _("达成调解协议"), _agreement_note(dispute), amount=dispute.agreed_amount or "")
    _notify(
        dispute,
        (Party.CONSUMER, Party.INSTITUTION),
        _("纠纷 %(number)s 已达成调解协议，可下载调解协议书。") % {"number": dispute.number},
    )
    return dispute


@on_the_record
@transaction.atomic
def dispute_fail(*, dispute: Dispute, by: Actor, reason: str) -> Dispute:
    """调解不成: the mediator ends the mediation; arbitration and litigation remain open."""
    dispute = lock(dispute, related=LOCK_JOINS)
    _require(dispute, by, (access.MEDIATOR,), (Status.MEDIATING,))
    if len(reason.strip()) < 5:
        raise ValidationError({"reason": gettext_lazy("请写明调解不成的原因（至少5个字）。")})
    dispute.status, dispute.outcome_note, dispute.closed_at = Status.FAILED, reason.strip(), now()
    dispute.save()
    clock_close(dispute.deadlines)
    _record(dispute, by, _("调解不成"), dispute.outcome_note)
    _notify(
        dispute,
        (Party.CONSUMER, Party.INSTITUTION),
        _("纠纷 %(number)s 调解不成。您可以下载卷宗，申请仲裁或提起诉讼。") % {"number": dispute.number},
    )
    return dispute


@on_the_record
@transaction.atomic
def dispute_withdraw(*, dispute: Dispute, by: Actor, reason: str = "") -> Dispute:
    dispute = lock(dispute, related=LOCK_JOINS)
    _require(dispute, by, (access.CONSUMER,), (Status.APPLIED, Status.UNASSIGNED, Status.MEDIATING))
    dispute.status, dispute.outcome_note, dispute.closed_at = Status.WITHDRAWN, reason.strip(), now()
    dispute.save()
    clock_close(dispute.deadlines)
    _record(dispute, by, _("撤回"), dispute.outcome_note)
    _notify(
        dispute, (Party.INSTITUTION, access.MEDIATOR), _("投诉人已撤回纠纷 %(number)s。") % {"number": dispute.number}
    )
    return dispute


@on_the_record
@transaction.atomic
def dispute_confirm_performance(*, dispute: Dispute, by: Actor, note: str = "") -> Dispute:
    """The consumer confirms the institution did what the agreement says (paid, refunded, corrected)."""
    dispute = lock(dispute, related=LOCK_JOINS)
    _require(dispute, by, (access.CONSUMER,), (Status.AGREED,))
    dispute.status, dispute.performed_at, dispute.closed_at = Status.PERFORMED, now(), now()
    dispute.save()
    clock_close(dispute.deadlines, DisputeDeadline.Kind.PAYMENT)
    _record(dispute, by, _("投诉人确认协议已履行"), note.strip())
    _notify(
        dispute,
        (Party.INSTITUTION, access.MEDIATOR),
        _("投诉人已确认纠纷 %(number)s 的协议履行完毕。") % {"number": dispute.number},
    )
    return dispute


@on_the_record
@transaction.atomic
def dispute_judicial_confirmation(
    *, dispute: Dispute, by: Actor, court: str, result: str, decided_on: date | None = None
) -> Dispute:
    """司法确认: a mediation agreement taken to court; the court, and later its ruling, are recorded."""
    dispute = lock(dispute, related=LOCK_JOINS)
    _require(dispute, by, (access.CONSUMER, access.MEDIATOR), (Status.AGREED, Status.PERFORMED))
    if dispute.path != Dispute.Path.MEDIATION:
        raise ValidationError(gettext_lazy("只有调解协议可以申请司法确认。"))
    if not court.strip():
        raise ValidationError({"court": gettext_lazy("请填写受理司法确认的人民法院。")})
    if result not in Dispute.Confirmation.values:
        raise ValidationError({"result": gettext_lazy("请选择司法确认的进展。")})
    if result != Dispute.Confirmation.PENDING and decided_on is None:
        raise ValidationError({"decided_on": gettext_lazy("请填写法院裁定的日期。")})
    dispute.court, dispute.confirmation, dispute.confirmation_on = court.strip(), result, decided_on
    dispute.save(update_fields=["court", "confirmation", "confirmation_on"])
    _record(
        dispute,
        by,
        _("司法确认"),
        _("%(court)s：%(result)s") % {"court": dispute.court, "result": Dispute.Confirmation(result).label},
    )
    return dispute


# ---------------------------------------------------------------------------------------------
# Settlement between the parties (自行和解)


@on_the_record
@transaction.atomic
def settlement_propose(
    *, complaint: Complaint, by: Actor, terms: str, agreed_amount: Decimal | None, payment_due: date | None
) -> Dispute:
    """The institution records the settlement it reached with the consumer; the consumer confirms it."""
    complaint = _complaint_for_new_dispute(complaint, by, Party.INSTITUTION)
    dispute = Dispute(
        number=_next_number(complaint),
        complaint=complaint,
        path=Dispute.Path.SETTLEMENT,
        status=Status.PROPOSED,
        created_at=now(),
        created_by=_user(by),
    )
    rules = dispute_rules_for(today())
    dispute.small_claim = rules.is_small_claim(agreed_amount)
    _agreement(dispute, terms, agreed_amount, payment_due)
    dispute.status, dispute.agreed_at = Status.PROPOSED, None
    dispute.save()
    _open_payment_clock(dispute)
    _record(dispute, by, _("机构登记和解方案"), _agreement_note(dispute))
    _notify(
        dispute,
        (Party.CONSUMER,),
        _("%(institution)s 登记了与您的和解方案（%(number)s），请确认。")
        % {"institution": complaint.institution.name, "number": dispute.number},
    )
    return dispute


@on_the_record
@transaction.atomic
def settlement_answer(*, dispute: Dispute, by: Actor, accept: bool, note: str = "") -> Dispute:
    dispute = lock(dispute, related=LOCK_JOINS)
    _require(dispute, by, (access.CONSUMER,), (Status.PROPOSED,))
    if accept:
        dispute.status, dispute.agreed_at = Status.AGREED, now()
        step = _("投诉人确认和解")
    else:
        dispute.status, dispute.closed_at = Status.REJECTED, now()
        clock_close(dispute.deadlines)
        step = _("投诉人不接受和解")
    dispute.outcome_note = note.strip()
    dispute.save()
    _record(dispute, by, step, dispute.outcome_note)
    _notify(dispute, (Party.INSTITUTION,), _("%(step)s：%(number)s。") % {"step": step, "number": dispute.number})
    return dispute


# ---------------------------------------------------------------------------------------------
# Arbitration and litigation


@on_the_record
@transaction.atomic
def dispute_refer(
    *, complaint: Complaint, by: Actor, path: str, forum: str, case_number: str = "", referred_on: date | None = None
) -> Dispute:
    """The consumer records that the case went to an arbitration commission or a court."""
    if path not in (Dispute.Path.ARBITRATION, Dispute.Path.LITIGATION):
        raise ValidationError({"path": gettext_lazy("请选择仲裁或诉讼。")})
    complaint = _complaint_for_new_dispute(complaint, by, Party.CONSUMER)
    if not forum.strip():
        raise ValidationError({"forum": gettext_lazy("请填写仲裁委员会或人民法院的名称。")})
    referred_on = referred_on or today()
    if referred_on > today():
        raise ValidationError({"referred_on": gettext_lazy("提交日期不能晚于今天。")})
    dispute = Dispute.objects.create(
        number=_next_number(complaint),
        complaint=complaint,
        path=path,
        status=Status.REFERRED,
        forum=forum.strip(),
        case_number=case_number.strip(),
        referred_on=referred_on,
        created_at=now(),
        created_by=_user(by),
    )
    _record(
        dispute,
        by,
        _("提交仲裁") if path == Dispute.Path.ARBITRATION else _("提起诉讼"),
        f"{dispute.forum} {dispute.case_number}".strip(),
    )
    return dispute


@on_the_record
@transaction.atomic
def dispute_decide(
    *, dispute: Dispute, by: Actor, outcome: str, awarded_amount: Decimal | None, decided_on: date
) -> Dispute:
    """The award or judgment, as the consumer reports it."""
    dispute = lock(dispute, related=LOCK_JOINS)
    _require(dispute, by, (access.CONSUMER,), (Status.REFERRED,))
    if len(outcome.strip()) < 5:
        raise ValidationError({"outcome": gettext_lazy("请写明裁决或判决结果（至少5个字）。")})
    if decided_on > today() or (dispute.referred_on and decided_on < dispute.referred_on):
        raise ValidationError({"decided_on": gettext_lazy("裁判日期应在提交日期与今天之间。")})
    dispute.outcome_note, dispute.awarded_amount = outcome.strip(), _money(awarded_amount, "awarded_amount")
    dispute.decided_on, dispute.status, dispute.closed_at = decided_on, Status.DECIDED, now()
    dispute.save()
    _record(
        dispute,
        by,
        _("裁判结果"),
        _("%(outcome)s（支持金额 %(amount)s 元）")
        % {"outcome": dispute.outcome_note, "amount": dispute.awarded_amount if awarded_amount is not None else "—"},
    )
    return dispute


# ---------------------------------------------------------------------------------------------
# The clock


@on_the_record
def disputes_sweep(*, today: date | None = None) -> dict[str, int]:
    """An institution that lets the answer deadline pass has declined mediation; the consumer is told
    at once, so they can turn to arbitration or the courts without waiting. An agreement whose payment
    deadline passed without the consumer confirming it is chased once, with the institution and the consumer."""
    today = today or core_time.today()
    counts = {"expired": 0, "reminded": 0, "warned": 0, "escalated": 0}
    overdue = DisputeDeadline.objects.filter(
        kind=DisputeDeadline.Kind.ANSWER, closed_at__isnull=True, due_date__lt=today
    ).values_list("dispute_id", flat=True)
    for dispute_id in list(overdue):
        with transaction.atomic():
            dispute = lock(Dispute(pk=dispute_id), related=LOCK_JOINS)
            if dispute.status != Status.APPLIED:
                continue
            dispute.status, dispute.closed_at = Status.EXPIRED, now()
            dispute.save(update_fields=["status", "closed_at"])
            clock_close(dispute.deadlines, DisputeDeadline.Kind.ANSWER)
            _record(dispute, None, _("机构逾期未答复"), _("视为不同意调解。"))
            _notify(
                dispute,
                (Party.CONSUMER, Party.REGULATOR),
                _("%(institution)s 未在期限内答复纠纷 %(number)s 的调解申请，视为不同意调解。")
                % {"institution": dispute.complaint.institution.name, "number": dispute.number},
            )
        counts["expired"] += 1
    unpaid = DisputeDeadline.objects.filter(
        kind=DisputeDeadline.Kind.PAYMENT, closed_at__isnull=True, reminded_at__isnull=True, due_date__lt=today
    ).values_list("pk", "dispute_id")
    for deadline_id, dispute_id in list(unpaid):
        with transaction.atomic():
            dispute = lock(Dispute(pk=dispute_id), related=LOCK_JOINS)
            if dispute.status != Status.AGREED:
                continue
            DisputeDeadline.objects.filter(pk=deadline_id).update(reminded_at=now())
            _record(
                dispute,
                None,
                _("协议履行逾期"),
                _("履行期限 %(due)s 已过，投诉人尚未确认履行。") % {"due": dispute.payment_due},
            )
            _notify(
                dispute,
                (Party.INSTITUTION, access.MEDIATOR),
                _("纠纷 %(number)s 的协议履行期限 %(due)s 已过，投诉人尚未确认履行，请尽快履行。")
                % {"number": dispute.number, "due": dispute.payment_due},
            )
            _notify(
                dispute,
                (Party.CONSUMER,),
                _(
                    "纠纷 %(number)s 的协议履行期限 %(due)s 已过。已收到款项请在纠纷页面确认履行；"
                    "未收到的，可以联系调解员，或持经司法确认的协议向人民法院申请强制执行。"
                )
                % {"number": dispute.number, "due": dispute.payment_due},
            )
        counts["reminded"] += 1
    rules = escalation_rules()
    running = DisputeDeadline.objects.filter(closed_at__isnull=True).select_related(
        "dispute__complaint__authority", "dispute__complaint__institution", "dispute__body__head"
    )
    for deadline in running.iterator():
        rule = rules.get(f"disputes.{deadline.kind}")
        if rule is None:
            continue
        step = clock_step(deadline, warn_percents=rule.warn_points(), today=today)
        if step is None or (step.action == "escalate" and not rule.is_active):
            continue
        with transaction.atomic():
            # Locked and read again: a second sweep running at the same time must not step it twice.
            deadline = lock(
                deadline, related=("dispute__complaint__authority", "dispute__complaint__institution", "dispute__body")
            )
            if clock_step(deadline, warn_percents=rule.warn_points(), today=today) != step:
                continue
            if step.action == "warn":
                _dispute_warn(deadline, step.value)
                counts["warned"] += 1
            else:
                _dispute_escalate(deadline, rule, step.value, today)
                counts["escalated"] += 1
    return counts


def _dispute_warn(deadline: DisputeDeadline, percent: int) -> None:
    dispute = deadline.dispute
    DisputeDeadline.objects.filter(pk=deadline.pk).update(warned_percent=percent)
    text = _("纠纷 %(number)s 的%(kind)s期限将于 %(due)s 到期（已用去 %(percent)s%%）。") % {
        "number": dispute.number,
        "kind": deadline.get_kind_display(),
        "due": deadline.due_date,
        "percent": percent,
    }
    _record(dispute, None, _("时限预警"), text, deadline=deadline.kind, percent=percent)
    _notify(dispute, (deadline.party,), text)


def _dispute_escalate(deadline: DisputeDeadline, rule: EscalationRule, level: int, today: date) -> None:
    """An overdue dispute clock goes to the rule's first level, an overdue escalation to the province.
    A mediation body's head is its own: the body's named head, or without one its active mediators."""
    dispute = deadline.dispute
    if level == 1 and rule.target == EscalationRule.Target.MEDIATION_HEAD and dispute.body is not None:
        body = dispute.body
        to = body.name
        users = [body.head] if body.head is not None else [m.user for m in body.mediators.filter(is_active=True)]
    else:
        to, users = escalation_target(complaint=dispute.complaint, target=rule.target, level=level)
    due = due_in_workdays(today, rule.escalation_workdays if level == 1 else rule.second_workdays)
    clock_escalated(deadline, level=level, due=due, to=to)
    text = _("纠纷 %(number)s 的%(kind)s期限 %(due)s 已过，升级至 %(to)s，请于 %(until)s 前督促办理。") % {
        "number": dispute.number,
        "kind": deadline.get_kind_display(),
        "due": deadline.due_date,
        "to": to,
        "until": due,
    }
    _record(dispute, None, _("逾期升级"), text, deadline=deadline.kind, level=level, to=to)
    notify(text, users=users, about=dispute.complaint)
    _notify(dispute, (deadline.party,), text)
