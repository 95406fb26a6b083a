"""Every change to a complaint: one function per transition, each in one transaction.

A transition checks that the actor has a part in the complaint and that the complaint is in a state
that allows it, writes the new state, appends an immutable Event and opens or closes Deadline rows.
"""

import difflib
import secrets
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xiaobao.accounts.models import User
from xiaobao.audit import trail
from xiaobao.complaints.access import WRITABLE_THREADS, Actor, Party, party_of
from xiaobao.complaints.models import (
    Attachment,
    Complaint,
    Deadline,
    Event,
    Message,
    PersonalDataRead,
    SupervisionNotice,
    Survey,
    phone_hash_of,
)
from xiaobao.core import time as core_time
from xiaobao.core.clocks import clock_close, clock_escalated, clock_extend, clock_open, clock_step, percents
from xiaobao.core.files import attachment_type, attachment_validate
from xiaobao.core.language import on_the_record
from xiaobao.core.locks import lock
from xiaobao.core.notify import notify
from xiaobao.core.numbers import number_next
from xiaobao.core.time import now, today
from xiaobao.lib.crypto import lookup_hash
from xiaobao.products.models import Product
from xiaobao.registry.models import Authority, Category, DeadlineRuleSet, EscalationRule, Institution, Label, Region
from xiaobao.registry.selectors import (
    authority_ancestors,
    due_in_days,
    due_in_workdays,
    escalation_rules,
    institution_ancestor_ids,
    institution_ancestors,
    rule_set_for,
    supervision_line_for,
)

Status = Complaint.Status


# Codes without look-alike characters (no 0/O, 1/I/L), read out over the phone to a guest.
GUEST_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
GUEST_CODE_LENGTH = 10  # ~49 bits: beyond online guessing at the look-up's rate limit


# ---------------------------------------------------------------------------------------------
# Helpers shared by the transitions


def _require(complaint: Complaint, actor: Actor, parties: Sequence[str], statuses: Sequence[str]) -> str:
    party = party_of(actor, complaint)
    if party is None or party not in parties:
        raise PermissionDenied(gettext_lazy("您无权对该投诉执行此操作。"))
    if complaint.is_imported:
        # Its source system handles it; the next import of that system's data carries its progress.
        raise ValidationError(gettext_lazy("该投诉由来源系统办理，办理进展以后续导入的数据为准。"))
    if complaint.status not in statuses:
        raise ValidationError(
            gettext_lazy("投诉当前状态为“%(status)s”，不能执行此操作。"),
            params={"status": Status(complaint.status).label},
        )
    return party


def _user(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None


def event_append(
    complaint: Complaint,
    kind: str,
    actor: Actor,
    *,
    from_status: str = "",
    visibility: str = Event.Visibility.ALL,
    note: str = "",
    data: dict | None = None,
) -> Event:
    """Append a line to the complaint's timeline, in the state the complaint is in now."""
    return Event.objects.create(
        complaint=complaint,
        kind=kind,
        actor=_user(actor),
        at=now(),
        visibility=visibility,
        from_status=from_status,
        to_status=complaint.status,
        note=note,
        data=data or {},
    )


def complaint_notify(complaint: Complaint, party: str, text: str) -> None:
    """Tell the people on one side of a complaint, in the platform and, for the complainant, by e-mail.
    An institution's notices reach the staff of the branch and of every level above it."""
    email, reference, phone = "", "", ""
    if party == Party.CONSUMER:
        users = [complaint.consumer] if complaint.consumer_id else []
        email, reference = complaint.email, complaint.number
        # A guest is told by text at the number given on the complaint; an account by its owner's choice.
        phone = "" if complaint.consumer_id else complaint.phone
    elif party == Party.INSTITUTION:
        chain = institution_ancestor_ids(complaint.institution)
        users = list(User.objects.filter(role=User.Role.INSTITUTION, institution_id__in=chain, is_active=True))
    else:
        users = list(User.objects.filter(role=User.Role.REGULATOR, authority=complaint.authority_id, is_active=True))
    notify(text, users=users, about=complaint, email=email, reference=reference, phone=phone)


def _find_duplicate(
    *, consumer: User | None, identity_hash: str, institution: Institution, narrative: str, since: datetime
) -> Complaint | None:
    """Same complainant, same institution, a similar story within the window: flagged, never dropped."""
    if not consumer and not identity_hash:
        return None
    qs = Complaint.objects.filter(institution=institution, received_at__gte=since)
    qs = qs.filter(consumer=consumer) if consumer else qs.filter(identity_hash=identity_hash)
    for earlier in qs.order_by("-received_at").only("pk", "number", "narrative")[:20]:
        matcher = difflib.SequenceMatcher(None, earlier.narrative, narrative, autojunk=False)
        if matcher.quick_ratio() >= 0.6 and matcher.ratio() >= 0.6:
            return earlier
    return None


def _store_attachments(
    complaint: Complaint, files: Iterable[UploadedFile], party: str, message: Message | None = None
) -> None:
    for f in files:
        attachment_validate(f)
        Attachment.objects.create(
            complaint=complaint,
            message=message,
            file=f,
            name=(f.name or "")[:200],
            content_type=attachment_type(f) or "application/octet-stream",
            size=f.size or 0,
            uploaded_by_party=party,
        )


# ---------------------------------------------------------------------------------------------
# Intake


@on_the_record
@transaction.atomic
def complaint_submit(
    *,
    by: User | None,
    via: str,
    institution: Institution,
    business: Category,
    summary: str,
    narrative: str,
    complainant_name: str,
    phone: str,
    id_number: str = "",
    email: str = "",
    address: str = "",
    region: Region | None = None,
    channel: Category | None = None,
    cause: Category | None = None,
    rights: Iterable[Label] = (),
    demands: Iterable[Label] = (),
    tags: Iterable[Label] = (),
    amount: Decimal | None = None,
    consent_publish: bool = False,
    idempotency_key: str = "",
    attachments: Iterable[UploadedFile] = (),
    received_at: datetime | None = None,
    mediation: bool = False,
    product: Product | None = None,
) -> tuple[Complaint, str, bool]:
    """File a complaint from any channel. Returns (complaint, guest code or "", created).

    A consumer filing for themselves owns the complaint; anyone else (a guest, or staff entering a
    phone call or letter) gets a secret code that lets the complainant follow it without an account.
    With an idempotency key, a repeated request returns the complaint the first one created.

    With mediation=True the consumer applies for mediation directly (§15), and the caller opens the
    dispute in the same transaction. The complaint is then the record the dispute hangs off: it goes to
    the institution at once, in the state the "申请调解" feedback leaves a complaint in, with no clock
    of its own (no acceptance by the regulator, no answer to the complaint): the institution runs one
    clock, the dispute's, to say whether it agrees to mediate.
    """
    if idempotency_key and by is not None:
        earlier = Complaint.objects.filter(created_by=by, idempotency_key=idempotency_key).first()
        if earlier is not None:
            return earlier, "", False
    if by is not None and by.role not in (User.Role.CONSUMER, User.Role.REGULATOR, User.Role.ADMIN):
        raise PermissionDenied(gettext_lazy("只有投诉人本人或监管部门工作人员可以登记投诉。"))
    if business.dimension != Category.Dimension.BUSINESS:
        raise ValidationError({"business": gettext_lazy("请选择业务类别。")})
    if channel is not None and channel.dimension != Category.Dimension.CHANNEL:
        raise ValidationError({"channel": gettext_lazy("办理渠道选择有误。")})
    if cause is not None and cause.dimension != Category.Dimension.CAUSE:
        raise ValidationError({"cause": gettext_lazy("投诉原因选择有误。")})
    if product is not None and product.institution.head_office() != institution.head_office():
        raise ValidationError({"product": gettext_lazy("所选产品不是被投诉机构的产品。")})
    attachments = list(attachments)
    for f in attachments:
        attachment_validate(f)

    received_at = received_at or now()
    received_on = timezone.localdate(received_at)
    line = supervision_line_for(institution=institution, on=received_on, business=business)
    if line is None:
        raise ValidationError({"institution": gettext_lazy("未找到该机构的监管部门，请联系平台管理员维护监管分工。")})
    own_line = supervision_line_for(institution=institution, on=received_on) if line.businesses.exists() else line
    copy_to = own_line.authority if own_line is not None and own_line.authority_id != line.authority_id else None
    rule_set: DeadlineRuleSet = rule_set_for(received_on)
    consumer = by if by is not None and by.role == User.Role.CONSUMER else None
    guest_code = "" if consumer else "".join(secrets.choice(GUEST_CODE_ALPHABET) for _i in range(GUEST_CODE_LENGTH))
    identity = (id_number or phone).strip()
    identity_hash = lookup_hash(identity) if identity else ""
    duplicate = _find_duplicate(
        consumer=consumer,
        identity_hash=identity_hash,
        institution=institution,
        narrative=narrative,
        since=received_at - timedelta(days=rule_set.duplicate_window_days),
    )

    complaint = Complaint.objects.create(
        number=number_next(Complaint.NUMBER_PREFIX, day=received_on, used=Complaint.objects),
        status=Status.MEDIATION if mediation else Status.SUBMITTED,
        feedback=Complaint.Feedback.MEDIATION if mediation else "",
        sent_at=received_at if mediation else None,
        closed_at=received_at if mediation else None,
        submitted_via=via,
        received_at=received_at,
        rule_set=rule_set,
        idempotency_key=idempotency_key if by is not None else "",
        consumer=consumer,
        created_by=by,
        guest_code_hash=lookup_hash(guest_code) if guest_code else "",
        complainant_name=complainant_name.strip(),
        id_number=id_number.strip().upper(),
        phone=phone.strip(),
        phone_hash=phone_hash_of(phone),
        email=email.strip(),
        address=address.strip(),
        identity_hash=identity_hash,
        region=region,
        institution=institution,
        authority=line.authority,
        supervision_line=line,
        copy_authority=copy_to,
        channel=channel,
        business=business,
        product=product,
        cause=cause,
        amount=amount,
        summary=summary.strip(),
        narrative=narrative.strip(),
        consent_publish=consent_publish,
        duplicate_of=duplicate,
    )
    # A new complaint has no links yet: add() only what was chosen (set() would first query for old ones).
    for relation, chosen in ((complaint.rights, rights), (complaint.demands, demands), (complaint.tags, tags)):
        chosen = list(chosen)
        if chosen:
            relation.add(*chosen)
    _store_attachments(complaint, attachments, Party.CONSUMER)
    event_append(
        complaint,
        Event.Kind.SUBMITTED,
        by,
        data={"via": via, "authority": line.authority.name, **({"mediation": True} if mediation else {})},
    )
    if copy_to is not None:
        event_append(
            complaint,
            Event.Kind.COPIED,
            None,
            from_status=complaint.status,
            visibility=Event.Visibility.REGULATOR,
            note=_("%(reason)s；抄送被投诉机构的监管部门%(copy)s，供其知悉，不由其办理。")
            % {"reason": complaint.routing_explanation(), "copy": copy_to.name},
            data={"authority": copy_to.name},
        )
    if duplicate is not None:
        event_append(
            complaint,
            Event.Kind.DUPLICATE_FLAGGED,
            None,
            from_status=complaint.status,
            visibility=Event.Visibility.REGULATOR,
            note=_("与 %(number)s 的投诉人、机构相同且内容相似。") % {"number": duplicate.number},
            data={"duplicate_of": duplicate.number},
        )
    if mediation:
        return complaint, guest_code, True
    clock_open(
        complaint.deadlines,
        kind=Deadline.Kind.ACCEPT,
        party=Party.REGULATOR,
        due=due_in_workdays(received_on, rule_set.accept_workdays),
        opened_at=received_at,
        start=received_on,
    )
    complaint_notify(
        complaint,
        Party.CONSUMER,
        _("您的投诉 %(number)s 已提交，将由 %(authority)s 受理。")
        % {"number": complaint.number, "authority": line.authority.name},
    )
    return complaint, guest_code, True


@on_the_record
@transaction.atomic
def complaint_correct(
    *, complaint: Complaint, by: Actor, summary: str, narrative: str, amount: Decimal | None
) -> Complaint:
    """The complainant may correct what they wrote within minutes of filing, before anyone has acted on it."""
    complaint = lock(complaint)
    _require(complaint, by, [Party.CONSUMER], [Status.SUBMITTED])
    limit = timedelta(minutes=complaint.rule_set.withdraw_minutes)
    if now() - complaint.received_at > limit:
        raise ValidationError(
            gettext_lazy("提交已超过 %(minutes)s 分钟，不能再修改；如需补充，请在留言中说明。"),
            params={"minutes": complaint.rule_set.withdraw_minutes},
        )
    complaint.summary, complaint.narrative, complaint.amount = summary.strip(), narrative.strip(), amount
    complaint.save(update_fields=["summary", "narrative", "amount"])
    event_append(complaint, Event.Kind.CORRECTED, by, from_status=complaint.status)
    return complaint


# ---------------------------------------------------------------------------------------------
# The regulator: accept, refuse, transfer


def _send_to_institution(complaint: Complaint) -> None:
    # Sending a complaint on to an institution is accepting it, whichever action does it (a transfer too).
    complaint.accepted_at = complaint.accepted_at or now()
    complaint.sent_at = now()
    complaint.status = Status.WITH_INSTITUTION
    due = due_in_days(today(), complaint.rule_set.answer_days)
    clock_open(complaint.deadlines, kind=Deadline.Kind.ANSWER, party=Party.INSTITUTION, due=due)
    complaint_notify(
        complaint,
        Party.INSTITUTION,
        _("新投诉 %(number)s 已转办贵机构，请在 %(days)s 日内答复。")
        % {"number": complaint.number, "days": complaint.rule_set.answer_days},
    )


@on_the_record
@transaction.atomic
def complaint_accept(*, complaint: Complaint, by: Actor, note: str = "") -> Complaint:
    """受理: the regulator accepts the complaint and sends it to the institution that must answer."""
    complaint = lock(complaint)
    _require(complaint, by, [Party.REGULATOR], [Status.SUBMITTED, Status.RETURNED])
    before = complaint.status
    clock_close(complaint.deadlines, Deadline.Kind.ACCEPT)
    complaint.accepted_at = complaint.accepted_at or now()
    _send_to_institution(complaint)
    complaint.save()
    event_append(
        complaint,
        Event.Kind.ACCEPTED,
        by,
        from_status=before,
        note=note,
        data={"institution": complaint.institution.name},
    )
    complaint_notify(
        complaint,
        Party.CONSUMER,
        _("您的投诉 %(number)s 已受理，并已转 %(institution)s 办理。")
        % {"number": complaint.number, "institution": complaint.institution.name},
    )
    return complaint


@on_the_record
@transaction.atomic
def complaint_refuse(*, complaint: Complaint, by: Actor, reason: Label, note: str) -> Complaint:
    """不予受理, always with a reason code and an explanation the complainant can read."""
    complaint = lock(complaint)
    _require(complaint, by, [Party.REGULATOR], [Status.SUBMITTED, Status.RETURNED])
    if reason.kind != Label.Kind.REFUSAL:
        raise ValidationError({"reason": gettext_lazy("请选择不予受理的理由。")})
    if not note.strip():
        raise ValidationError({"note": gettext_lazy("请向投诉人说明不予受理的具体原因。")})
    before = complaint.status
    complaint.status = Status.NOT_ACCEPTED
    complaint.refusal_reason = reason
    complaint.closed_at = now()
    complaint.save()
    clock_close(complaint.deadlines)
    event_append(complaint, Event.Kind.NOT_ACCEPTED, by, from_status=before, note=note, data={"reason": reason.name})
    complaint_notify(
        complaint,
        Party.CONSUMER,
        _("您的投诉 %(number)s 不予受理：%(reason)s。") % {"number": complaint.number, "reason": reason.name},
    )
    return complaint


@on_the_record
@transaction.atomic
def complaint_transfer(
    *,
    complaint: Complaint,
    by: Actor,
    reason: str,
    to_authority: Authority | None = None,
    to_institution: Institution | None = None,
) -> Complaint:
    """转办: to another authority (which must then accept it), or to another institution.

    A new institution is routed like a new complaint: when its supervisor is another authority,
    the complaint goes there to be accepted; otherwise it goes straight to the institution.
    """
    complaint = lock(complaint)
    _require(complaint, by, [Party.REGULATOR], [Status.SUBMITTED, Status.RETURNED, Status.WITH_INSTITUTION])
    if not reason.strip():
        raise ValidationError({"reason": gettext_lazy("请填写转办理由。")})
    if to_authority is None and to_institution is None:
        raise ValidationError(gettext_lazy("请选择转办的监管部门或机构。"))
    same_institution = to_institution is None or to_institution.pk == complaint.institution_id
    same_authority = to_authority is None or to_authority.pk == complaint.authority_id
    if same_institution and same_authority:
        # Re-sending to where it already is would silently restart the institution's clock.
        raise ValidationError(gettext_lazy("投诉已在该部门或机构办理，无需转办。"))
    before = complaint.status
    routed_line_id = complaint.supervision_line_id
    data: dict[str, str] = {}
    if to_institution is not None:
        line = supervision_line_for(institution=to_institution, on=today(), business=complaint.business)
        if line is None:
            raise ValidationError({"to_institution": gettext_lazy("未找到该机构的监管部门。")})
        data["institution"] = to_institution.name
        complaint.institution = to_institution
        complaint.supervision_line = line
        own_line = supervision_line_for(institution=to_institution, on=today())
        complaint.copy_authority = own_line.authority if own_line is not None else None
        to_authority = to_authority or line.authority
    clock_close(complaint.deadlines, Deadline.Kind.ACCEPT, Deadline.Kind.ANSWER, Deadline.Kind.SUPERVISION)
    if to_authority is not None and to_authority.pk != complaint.authority_id:
        data["authority"] = to_authority.name
        # The line that routed it, for the report of transfers by the line that should have applied.
        if routed_line_id is not None:
            data["from_line_id"] = str(routed_line_id)
        # The line that should have applied, so that transfers by reason show which rules need correcting;
        # none when no line gives that authority this complaint.
        should = supervision_line_for(
            institution=complaint.institution, on=today(), business=complaint.business, authority=to_authority
        )
        data["line"] = should.explain(business=complaint.business) if should is not None else ""
        if should is not None:
            data["line_id"] = str(should.pk)
            complaint.supervision_line = should
        complaint.authority = to_authority
        complaint.status = Status.SUBMITTED
        complaint.sent_at = None
        due = due_in_workdays(today(), complaint.rule_set.accept_workdays)
        clock_open(complaint.deadlines, kind=Deadline.Kind.ACCEPT, party=Party.REGULATOR, due=due)
    else:
        _send_to_institution(complaint)
    if complaint.copy_authority_id == complaint.authority_id:
        complaint.copy_authority = None
    complaint.save()
    event_append(complaint, Event.Kind.TRANSFERRED, by, from_status=before, note=reason, data=data)
    if complaint.status == Status.SUBMITTED:
        complaint_notify(
            complaint, Party.REGULATOR, _("投诉 %(number)s 已转至贵部门，请受理。") % {"number": complaint.number}
        )
    return complaint


# ---------------------------------------------------------------------------------------------
# The institution: return, extend, answer, respond to supervision


@on_the_record
@transaction.atomic
def complaint_return(*, complaint: Complaint, by: Actor, reason: str) -> Complaint:
    """ "Not our remit": the institution hands the complaint back, and the regulator must re-route it."""
    complaint = lock(complaint)
    _require(complaint, by, [Party.INSTITUTION], [Status.WITH_INSTITUTION])
    if not reason.strip():
        raise ValidationError({"reason": gettext_lazy("请说明不属于本机构办理的理由，以便监管部门重新转办。")})
    before = complaint.status
    complaint.status = Status.RETURNED
    complaint.save()
    # A supervision notice demanded an answer the institution no longer owes: its clock stops too.
    clock_close(complaint.deadlines, Deadline.Kind.ANSWER, Deadline.Kind.SUPERVISION)
    due = due_in_workdays(today(), complaint.rule_set.accept_workdays)
    clock_open(complaint.deadlines, kind=Deadline.Kind.ACCEPT, party=Party.REGULATOR, due=due)
    event_append(complaint, Event.Kind.RETURNED, by, from_status=before, visibility=Event.Visibility.STAFF, note=reason)
    complaint_notify(
        complaint, Party.REGULATOR, _("机构申请退回投诉 %(number)s，请重新转办。") % {"number": complaint.number}
    )
    return complaint


@on_the_record
@transaction.atomic
def complaint_extend(*, complaint: Complaint, by: Actor, tier: str, reason: Label, note: str) -> Complaint:
    """Complex cases get up to 30 days, especially complex ones up to 60 after internal approval;
    the complainant is told why, before the current time limit runs out."""
    complaint = lock(complaint)
    _require(complaint, by, [Party.INSTITUTION], [Status.WITH_INSTITUTION])
    if reason.kind != Label.Kind.EXTENSION:
        raise ValidationError({"reason": gettext_lazy("请选择延期理由。")})
    deadline = complaint.deadlines.filter(kind=Deadline.Kind.ANSWER, closed_at__isnull=True).get()
    if today() > deadline.due_date:
        raise ValidationError(gettext_lazy("办理期限已过，不能再申请延期。"))
    rules = complaint.rule_set
    limits: dict[str, int] = {Complaint.Level.COMPLEX: rules.complex_days, Complaint.Level.MAJOR: rules.max_days}
    days = limits.get(tier)
    if days is None:
        raise ValidationError({"tier": gettext_lazy("请选择“复杂”或“特别复杂”。")})
    new_due = due_in_days(deadline.start_date, days)
    if new_due <= deadline.due_date:
        raise ValidationError(
            {
                "tier": ValidationError(
                    gettext_lazy("新的期限必须晚于当前期限 %(due)s。"), params={"due": deadline.due_date}
                )
            }
        )
    old_due = deadline.due_date
    clock_extend(deadline, due=new_due, warned_percent=0)
    complaint.level = tier
    complaint.save(update_fields=["level"])
    event_append(
        complaint,
        Event.Kind.EXTENDED,
        by,
        from_status=complaint.status,
        note=note,
        data={"reason": reason.name, "from": old_due.isoformat(), "to": new_due.isoformat()},
    )
    complaint_notify(
        complaint,
        Party.CONSUMER,
        _("投诉 %(number)s 的办理期限延长至 %(due)s，原因：%(reason)s。")
        % {"number": complaint.number, "due": new_due, "reason": reason.name},
    )
    return complaint


@on_the_record
@transaction.atomic
def complaint_answer(
    *,
    complaint: Complaint,
    by: Actor,
    outcome: str,
    decision: str,
    remedy: str = "",
    remedy_amount: Decimal | None = None,
    remedies_open: Sequence[str] = (),
) -> Complaint:
    """The institution's decision: what was checked, the outcome, any remedy, and the paths still open."""
    complaint = lock(complaint)
    _require(complaint, by, [Party.INSTITUTION], [Status.WITH_INSTITUTION])
    if outcome not in Complaint.Outcome.values:
        raise ValidationError({"outcome": gettext_lazy("请选择处理结果。")})
    if len(decision.strip()) < 10:
        raise ValidationError({"decision": gettext_lazy("请写明核实情况、处理依据和处理意见（至少10个字）。")})
    if remedy_amount is not None and remedy_amount < 0:
        raise ValidationError({"remedy_amount": gettext_lazy("金额不能为负数。")})
    unknown = set(remedies_open) - set(Complaint.Remedy.values)
    if unknown:
        raise ValidationError({"remedies_open": gettext_lazy("后续救济途径选择有误。")})
    before = complaint.status
    complaint.status = Status.ANSWERED
    complaint.outcome = outcome
    complaint.decision = decision.strip()
    complaint.remedy = remedy.strip()
    complaint.remedy_amount = remedy_amount
    complaint.remedies_open = list(remedies_open) or list(Complaint.Remedy.values)
    complaint.answered_at = now()
    complaint.save()
    clock_close(complaint.deadlines, Deadline.Kind.ANSWER)
    # Answering the complaint is what a supervision notice demanded: it closes the notice's clock too.
    for notice in complaint.supervision_notices.filter(responded_at__isnull=True):
        notice.responded_at = now()
        notice.response = notice.response or _("已向投诉人作出答复。")
        notice.save(update_fields=["responded_at", "response"])
    clock_close(complaint.deadlines, Deadline.Kind.SUPERVISION)
    due = due_in_days(today(), complaint.rule_set.review_request_days)
    clock_open(complaint.deadlines, kind=Deadline.Kind.REVIEW_REQUEST, party=Party.CONSUMER, due=due)
    event_append(
        complaint,
        Event.Kind.ANSWERED,
        by,
        from_status=before,
        note=complaint.decision,
        data={"outcome": outcome, "remedy": complaint.remedy, "amount": str(remedy_amount or "")},
    )
    complaint_notify(
        complaint,
        Party.CONSUMER,
        _("%(institution)s 已答复您的投诉 %(number)s，请查看并反馈意见。")
        % {"institution": complaint.institution.name, "number": complaint.number},
    )
    return complaint


@on_the_record
@transaction.atomic
def supervision_respond(*, notice: SupervisionNotice, by: Actor, response: str) -> SupervisionNotice:
    complaint = lock(notice.complaint)
    _require(complaint, by, [Party.INSTITUTION], Complaint.OPEN_STATUSES)
    notice = lock(notice)
    if notice.responded_at:
        raise ValidationError(gettext_lazy("该督办通知已回复。"))
    if not response.strip():
        raise ValidationError({"response": gettext_lazy("请填写督办回复内容。")})
    notice.response, notice.responded_at = response.strip(), now()
    notice.save(update_fields=["response", "responded_at"])
    # The clock may already have stopped (the complaint was returned or transferred): keep when it stopped.
    Deadline.objects.filter(pk=notice.deadline_id, closed_at__isnull=True).update(closed_at=now())
    event_append(
        complaint,
        Event.Kind.SUPERVISION_ANSWERED,
        by,
        from_status=complaint.status,
        visibility=Event.Visibility.STAFF,
        note=notice.response,
    )
    return notice


# ---------------------------------------------------------------------------------------------
# The complainant: feedback, withdrawal, survey


@on_the_record
@transaction.atomic
def complaint_feedback(*, complaint: Complaint, by: Actor, choice: str, note: str = "") -> Complaint:
    """Accept the answer, ask the regulator to review it (核查), or go to mediation."""
    complaint = lock(complaint)
    _require(complaint, by, [Party.CONSUMER], [Status.ANSWERED])
    if choice not in (Complaint.Feedback.SATISFIED, Complaint.Feedback.REVIEW, Complaint.Feedback.MEDIATION):
        raise ValidationError({"choice": gettext_lazy("请选择您对处理结果的意见。")})
    if choice == Complaint.Feedback.REVIEW and not note.strip():
        raise ValidationError({"note": gettext_lazy("申请核查时，请说明您不认可处理结果的理由。")})
    before = complaint.status
    complaint.feedback = choice
    clock_close(complaint.deadlines, Deadline.Kind.REVIEW_REQUEST)
    if choice == Complaint.Feedback.REVIEW:
        complaint.status = Status.UNDER_REVIEW
        due = due_in_days(today(), complaint.rule_set.review_days)
        clock_open(complaint.deadlines, kind=Deadline.Kind.REVIEW, party=Party.REGULATOR, due=due)
        complaint_notify(
            complaint, Party.REGULATOR, _("投诉人对 %(number)s 的处理结果申请核查。") % {"number": complaint.number}
        )
    elif choice == Complaint.Feedback.MEDIATION:
        complaint.status = Status.MEDIATION
        complaint.closed_at = now()
    else:
        complaint.status = Status.CLOSED
        complaint.closed_at = now()
    complaint.save()
    event_append(complaint, Event.Kind.FEEDBACK, by, from_status=before, note=note, data={"choice": choice})
    if choice != Complaint.Feedback.REVIEW:
        complaint_notify(
            complaint,
            Party.INSTITUTION,
            _("投诉人已反馈 %(number)s：%(choice)s。")
            % {"number": complaint.number, "choice": complaint.get_feedback_display()},
        )
    return complaint


@on_the_record
@transaction.atomic
def complaint_review_decide(*, complaint: Complaint, by: Actor, upheld: bool, result: str) -> Complaint:
    """核查: the regulator either confirms the institution's handling (closed) or orders it redone."""
    complaint = lock(complaint)
    _require(complaint, by, [Party.REGULATOR], [Status.UNDER_REVIEW])
    if len(result.strip()) < 10:
        raise ValidationError({"result": gettext_lazy("请写明核查情况和结论（至少10个字）。")})
    before = complaint.status
    complaint.review_result = result.strip()
    clock_close(complaint.deadlines, Deadline.Kind.REVIEW)
    if upheld:
        complaint.status = Status.CLOSED
        complaint.closed_at = now()
    else:
        _send_to_institution(complaint)
    complaint.save()
    event_append(
        complaint,
        Event.Kind.REVIEW_DECIDED,
        by,
        from_status=before,
        note=complaint.review_result,
        data={"upheld": upheld},
    )
    complaint_notify(complaint, Party.CONSUMER, _("您的投诉 %(number)s 核查已有结论。") % {"number": complaint.number})
    return complaint


@on_the_record
@transaction.atomic
def complaint_withdraw(*, complaint: Complaint, by: Actor, reason: str = "") -> Complaint:
    """Withdrawal ends handling the same day, at any open stage."""
    complaint = lock(complaint)
    _require(complaint, by, [Party.CONSUMER], Complaint.OPEN_STATUSES)
    before = complaint.status
    complaint.status = Status.WITHDRAWN
    complaint.closed_at = now()
    complaint.save()
    clock_close(complaint.deadlines)
    event_append(complaint, Event.Kind.WITHDRAWN, by, from_status=before, note=reason)
    if complaint.sent_at:
        complaint_notify(
            complaint, Party.INSTITUTION, _("投诉人已撤回投诉 %(number)s。") % {"number": complaint.number}
        )
    return complaint


@on_the_record
@transaction.atomic
def complaint_consent_withdraw(*, complaint: Complaint, by: Actor) -> Complaint:
    """The complainant takes back consent to publish the narrative, at any stage; the public
    projection drops the narrative on its next build."""
    complaint = lock(complaint)
    _require(complaint, by, [Party.CONSUMER], Status.values)
    if not complaint.consent_publish:
        return complaint
    complaint.consent_publish = False
    complaint.save(update_fields=["consent_publish"])
    event_append(
        complaint, Event.Kind.CORRECTED, by, note=_("投诉人撤回了公开投诉内容的同意。"), data={"consent_publish": False}
    )
    return complaint


@on_the_record
@transaction.atomic
def survey_submit(*, complaint: Complaint, by: Actor, score: int, comment: str = "") -> Survey:
    complaint = lock(complaint)
    _require(complaint, by, [Party.CONSUMER], [Status.CLOSED])
    if score not in Survey.Score.values:
        raise ValidationError({"score": gettext_lazy("请选择评价等级。")})
    if Survey.objects.filter(complaint=complaint).exists():
        raise ValidationError(gettext_lazy("您已评价过这件投诉，每件投诉只能评价一次。"))
    survey = Survey.objects.create(complaint=complaint, score=score, comment=comment.strip(), at=now())
    event_append(complaint, Event.Kind.SURVEYED, by, from_status=complaint.status, data={"score": score})
    if score < Survey.FOLLOW_UP_BELOW:
        due = due_in_workdays(today(), complaint.rule_set.follow_up_workdays)
        deadline = clock_open(complaint.deadlines, kind=Deadline.Kind.FOLLOW_UP, party=Party.REGULATOR, due=due)
        complaint_notify(
            complaint,
            Party.REGULATOR,
            _("投诉人对 %(number)s 的办理评价为“%(score)s”，请于 %(due)s 前回访。")
            % {"number": complaint.number, "score": Survey.Score(score).label, "due": deadline.due_date},
        )
    return survey


@on_the_record
@transaction.atomic
def complaint_follow_up(*, complaint: Complaint, by: Actor, result: str) -> Complaint:
    """回访: the regulator records what it learnt calling back a complainant who rated the handling poorly."""
    complaint = lock(complaint)
    _require(complaint, by, [Party.REGULATOR], [Status.CLOSED])
    if not complaint.deadlines.filter(kind=Deadline.Kind.FOLLOW_UP, closed_at__isnull=True).exists():
        raise ValidationError(gettext_lazy("这件投诉没有待回访的差评。"))
    if len(result.strip()) < 10:
        raise ValidationError({"result": gettext_lazy("请写明回访情况和处理意见（至少10个字）。")})
    clock_close(complaint.deadlines, Deadline.Kind.FOLLOW_UP)
    event_append(
        complaint,
        Event.Kind.FOLLOWED_UP,
        by,
        from_status=complaint.status,
        visibility=Event.Visibility.STAFF,
        note=result.strip(),
    )
    return complaint


# ---------------------------------------------------------------------------------------------
# Messages


@on_the_record
@transaction.atomic
def message_post(
    *, complaint: Complaint, by: Actor, thread: str, body: str, files: Iterable[UploadedFile] = ()
) -> Message:
    party = party_of(by, complaint)
    if party is None or thread not in WRITABLE_THREADS.get(Party(party), []):
        raise PermissionDenied(gettext_lazy("您无权在此留言。"))
    if not body.strip():
        raise ValidationError({"body": gettext_lazy("请填写留言内容。")})
    if complaint.status in Complaint.FINAL_STATUSES and thread == Message.Thread.CONSUMER:
        raise ValidationError(gettext_lazy("投诉已结束，不能再留言。"))
    message = Message.objects.create(
        complaint=complaint, thread=thread, author=_user(by), author_party=party, body=body.strip(), at=now()
    )
    _store_attachments(complaint, files, party, message)
    if thread == Message.Thread.CONSUMER:
        other = Party.INSTITUTION if party == Party.CONSUMER else Party.CONSUMER
        complaint_notify(complaint, other, _("投诉 %(number)s 有新留言。") % {"number": complaint.number})
    elif thread == Message.Thread.REGULATOR:
        other = Party.INSTITUTION if party == Party.REGULATOR else Party.REGULATOR
        complaint_notify(complaint, other, _("投诉 %(number)s 有监管沟通留言。") % {"number": complaint.number})
    return message


# ---------------------------------------------------------------------------------------------
# Clocks: warnings before a deadline, supervision after it


@on_the_record
@transaction.atomic
def complaint_supervise(*, complaint: Complaint, by: Actor, reason: str) -> SupervisionNotice:
    """督办: a formal notice to the institution with a deadline of its own. by=None is the platform's
    automatic escalation of an overdue answer."""
    complaint = lock(complaint)
    if by is not None:
        _require(complaint, by, [Party.REGULATOR], [Status.WITH_INSTITUTION])
    elif complaint.status != Status.WITH_INSTITUTION:
        raise ValidationError(gettext_lazy("只有机构办理中的投诉可以督办。"))
    if not reason.strip():
        raise ValidationError({"reason": gettext_lazy("请填写督办事由。")})
    due = due_in_workdays(today(), complaint.rule_set.supervision_workdays)
    deadline = clock_open(complaint.deadlines, kind=Deadline.Kind.SUPERVISION, party=Party.INSTITUTION, due=due)
    notice = SupervisionNotice.objects.create(
        complaint=complaint,
        authority=complaint.authority,
        issued_by=_user(by),
        issued_at=now(),
        reason=reason.strip(),
        deadline=deadline,
    )
    event_append(
        complaint,
        Event.Kind.SUPERVISED,
        by,
        from_status=complaint.status,
        visibility=Event.Visibility.STAFF,
        note=notice.reason,
        data={"due": deadline.due_date.isoformat()},
    )
    complaint_notify(
        complaint,
        Party.INSTITUTION,
        _("%(authority)s 对投诉 %(number)s 发出督办通知，请于 %(due)s 前办理并回复。")
        % {"authority": complaint.authority.name, "number": complaint.number, "due": deadline.due_date},
    )
    complaint_notify(complaint, Party.REGULATOR, _("投诉 %(number)s 已督办。") % {"number": complaint.number})
    return notice


def escalation_target(*, complaint: Complaint, target: str, level: int) -> tuple[str, list[User]]:
    """Who acts on an overdue clock of this complaint (or of a dispute over it), by the rule's target:
    the name to record and the people to tell.

    The first level goes where the rule says: the authority above the one handling the case, or the
    institution's head office. The second goes to the top of the handling authority's tree, the province,
    whatever the first was. A mediation body's head is the disputes' own (they pass their body's people)."""
    chain = authority_ancestors(complaint.authority)
    if level == 1 and target == EscalationRule.Target.HEAD_OFFICE:
        head = institution_ancestors(complaint.institution)[-1]
        users = User.objects.filter(role=User.Role.INSTITUTION, institution=head, is_active=True)
        return head.name, list(users)
    authority = chain[min(1, len(chain) - 1)] if level == 1 else chain[-1]
    users = User.objects.filter(role=User.Role.REGULATOR, authority=authority, is_active=True)
    return authority.name, list(users)


def _warn(deadline: Deadline, percent: int) -> None:
    Deadline.objects.filter(pk=deadline.pk).update(warned_percent=percent)
    event_append(
        deadline.complaint,
        Event.Kind.WARNED,
        None,
        from_status=deadline.complaint.status,
        visibility=Event.Visibility.STAFF,
        note=_("%(kind)s 期限 %(due)s 已用去 %(percent)s%%。")
        % {"kind": deadline.get_kind_display(), "due": deadline.due_date, "percent": percent},
        data={"deadline": deadline.kind, "percent": percent},
    )
    complaint_notify(
        deadline.complaint,
        deadline.party,
        _("投诉 %(number)s 的%(kind)s期限将于 %(due)s 到期。")
        % {"number": deadline.complaint.number, "kind": deadline.get_kind_display(), "due": deadline.due_date},
    )


def _escalate(deadline: Deadline, rule: EscalationRule, level: int, today: date) -> bool:
    """Escalate an overdue clock to the level given; True when it also issued a supervision notice."""
    complaint = deadline.complaint
    supervise = level == 1 and deadline.kind == Deadline.Kind.ANSWER and complaint.status == Status.WITH_INSTITUTION
    if supervise:
        # An overdue answer is supervised (督办) as well: a formal notice with a reply clock of its own.
        complaint_supervise(
            complaint=complaint,
            by=None,
            reason=_("投诉 %(number)s 已超过答复期限（%(due)s），请立即办理并回复。")
            % {"number": complaint.number, "due": deadline.due_date},
        )
    days = rule.escalation_workdays if level == 1 else rule.second_workdays
    due = due_in_workdays(today, days)
    to, users = escalation_target(complaint=complaint, target=rule.target, level=level)
    clock_escalated(deadline, level=level, due=due, to=to)
    text = _("投诉 %(number)s 的%(kind)s期限 %(due)s 已过，升级至 %(to)s，请于 %(until)s 前督促办理。") % {
        "number": complaint.number,
        "kind": deadline.get_kind_display(),
        "due": deadline.due_date,
        "to": to,
        "until": due,
    }
    event_append(
        complaint,
        Event.Kind.ESCALATED,
        None,
        from_status=complaint.status,
        visibility=Event.Visibility.STAFF,
        note=text,
        data={"deadline": deadline.kind, "level": level, "to": to, "due": due.isoformat()},
    )
    notify(text, users=users, about=complaint)
    complaint_notify(complaint, deadline.party, text)
    return supervise


@on_the_record
def deadlines_sweep(*, today: date | None = None) -> dict[str, int]:
    """The periodic clock: warn the party that must act at each of its rule's warning points, escalate
    an overdue clock by its rule (an overdue answer is supervised as well), escalate an overdue
    escalation once more, and close complaints whose review window lapsed."""
    today = today or core_time.today()
    counts = {"warned": 0, "supervised": 0, "escalated": 0, "closed": 0}
    rules = escalation_rules()
    open_deadlines = Deadline.objects.filter(closed_at__isnull=True).select_related("complaint", "complaint__rule_set")
    for deadline in open_deadlines.exclude(party=Party.CONSUMER).iterator():
        rule = rules.get(f"complaints.{deadline.kind}")
        if rule is None:
            continue
        points = rule.warn_points() or percents(deadline.complaint.rule_set.warn_percents)
        step = clock_step(deadline, warn_percents=points, today=today)
        if step is None or (step.action == "escalate" and not rule.is_active):
            continue
        with transaction.atomic():
            # Locked and read again: a second sweep running at the same time must not step it twice.
            deadline = lock(deadline, related=("complaint", "complaint__rule_set"))
            if clock_step(deadline, warn_percents=points, today=today) != step:
                continue
            if step.action == "warn":
                _warn(deadline, step.value)
                counts["warned"] += 1
                continue
            counts["supervised"] += _escalate(deadline, rule, step.value, today)
            counts["escalated"] += 1
    lapsed = Deadline.objects.filter(
        kind=Deadline.Kind.REVIEW_REQUEST, closed_at__isnull=True, due_date__lt=today
    ).select_related("complaint")
    for deadline in lapsed:
        with transaction.atomic():
            complaint = lock(deadline.complaint)
            if complaint.status != Status.ANSWERED:
                continue
            complaint.status, complaint.feedback, complaint.closed_at = Status.CLOSED, Complaint.Feedback.NONE, now()
            complaint.save(update_fields=["status", "feedback", "closed_at"])
            clock_close(complaint.deadlines, Deadline.Kind.REVIEW_REQUEST)
            event_append(
                complaint,
                Event.Kind.CLOSED,
                None,
                from_status=Status.ANSWERED,
                note=_("申请核查期限届满，投诉人未提出异议，自动办结。"),
            )
        counts["closed"] += 1
    return counts


# ---------------------------------------------------------------------------------------------
# Audit


def personal_data_read(*, complaint: Complaint, by: User, fields: Sequence[str], purpose: str, ip: str | None) -> None:
    """Record that a staff member saw a complainant's personal data. Consumers reading their own are not logged.

    The complaint keeps its own list of reads; the auditor reads them, with every other audited act, on
    the audit trail."""
    if by.is_staff_member:
        with transaction.atomic():
            PersonalDataRead.objects.create(
                user=by, complaint=complaint, fields=",".join(fields), purpose=purpose, ip=ip, at=now()
            )
            trail.record(
                trail.Kind.PERSONAL_DATA, user=by, address=ip, obj=complaint, field=",".join(fields), detail=purpose
            )


# ---------------------------------------------------------------------------------------------
# The complainant's phone: a verified number sees its guest complaints; a lost query code is renewed by text


def complaints_link_phone(*, user: User) -> int:
    """Guest complaints given this consumer's verified mobile number join the account (never a tip-off:
    reports are not complaints, and their receipts stay the only key to them)."""
    if user.role != User.Role.CONSUMER or not user.phone_hash:
        return 0
    return Complaint.objects.filter(consumer__isnull=True, phone_hash=user.phone_hash).update(consumer=user)


@transaction.atomic
def complaint_query_code_renew(*, number: str, phone: str) -> bool:
    """A new query code texted to the number given on a guest's complaint; the old code stops working.

    False, and nothing sent, when the number and phone do not belong together or the phone has had its
    day's codes: the page answers the same either way, so it tells nobody which pairs exist."""
    from xiaobao.accounts.policy import security_policy
    from xiaobao.core.sms import Purpose as SmsPurpose
    from xiaobao.core.sms import sms_count_since, sms_send
    from xiaobao.lib.phones import mobile_e164

    e164 = mobile_e164(phone)
    complaint = Complaint.objects.select_for_update().filter(number=number.strip().upper()).first()
    if e164 is None or complaint is None or not complaint.guest_code_hash or complaint.consumer_id:
        return False
    if mobile_e164(complaint.phone) != e164:
        return False
    policy = security_policy()
    at = now()
    sent = (SmsPurpose.QUERY_CODE,)
    if (
        sms_count_since(e164, at - timedelta(hours=1), purposes=sent) >= policy.sms_codes_per_number_per_hour
        or sms_count_since(e164, at - timedelta(days=1), purposes=sent) >= policy.sms_codes_per_number_per_day
    ):
        return False
    code = "".join(secrets.choice(GUEST_CODE_ALPHABET) for _i in range(GUEST_CODE_LENGTH))
    complaint.guest_code_hash = lookup_hash(code)
    complaint.save(update_fields=["guest_code_hash"])
    event_append(
        complaint,
        Event.Kind.CODE_RENEWED,
        None,
        from_status=complaint.status,
        note=_("应投诉人申请，新查询码已发送到投诉时留下的手机号码，原查询码作废。"),
    )
    sms_send(to=e164, purpose=SmsPurpose.QUERY_CODE, params={"number": complaint.number, "code": code})
    return True
