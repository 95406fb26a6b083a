"""Writes of the credit lists: draft, second check and publication, objection, repair. Each step is one
function that checks the actor, locks the row, writes the change and a timeline event in one transaction."""

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xiaobao.accounts.models import User
from xiaobao.core.clocks import clock_close, clock_open
from xiaobao.core.language import on_the_record
from xiaobao.core.locks import lock
from xiaobao.core.notify import notify
from xiaobao.core.numbers import number_next
from xiaobao.core.time import now, today
from xiaobao.credit import access
from xiaobao.credit.models import CreditDeadline, CreditEntry, CreditEvent, CreditList, Objection, Repair
from xiaobao.credit.rules import credit_rules
from xiaobao.lib.codes import is_valid_id_number, is_valid_uscc
from xiaobao.registry.models import Institution, Penalty
from xiaobao.registry.selectors import due_in_workdays

NUMBER_PREFIX = "XY"  # 信用
NOT_DEPARTMENT = gettext_lazy("只有认定部门的工作人员可以办理。")


def _event(entry: CreditEntry, kind: str, by: User, note: str = "") -> CreditEvent:
    return CreditEvent.objects.create(entry=entry, kind=kind, actor=by, at=now(), note=note)


def _require_department(entry: CreditEntry, by: User) -> None:
    if not access.handles(by, entry):
        raise PermissionDenied(NOT_DEPARTMENT)


def _subject_staff(entry: CreditEntry) -> list[User]:
    if entry.institution_id is None:
        return []
    return list(User.objects.filter(institution_id=entry.institution_id, is_active=True))


def _department_staff(entry: CreditEntry) -> list[User]:
    return list(User.objects.filter(authority_id=entry.department_id, is_active=True))


@transaction.atomic
@on_the_record
def entry_draft(
    *,
    credit_list: str,
    subject: str,
    basis: str,
    source: str,
    document: str,
    decided_on: date,
    by: User,
    institution: Institution | None = None,
    name: str = "",
    uscc: str = "",
    person_name: str = "",
    person_id_number: str = "",
    penalty: Penalty | None = None,
    facts: str = "",
    valid_from: date | None = None,
    valid_until: date | None = None,
) -> CreditEntry:
    """A department's draft entry, waiting for a second person's check before it is published."""
    if not access.is_department_staff(by):
        raise PermissionDenied(_("只有监管部门或处置非法集资部门的工作人员可以起草红黑名单。"))
    if credit_list not in CreditList.values:
        raise ValidationError({"list": _("请选择红名单或黑名单。")})
    errors: dict[str, Any] = {}
    if source == CreditEntry.Source.PENALTY:
        if penalty is None:
            errors["penalty"] = _("来源为行政处罚决定时，请选择处罚决定。")
        else:
            institution = penalty.institution
            subject = CreditEntry.Subject.INSTITUTION
            document = document or penalty.decision_number
            decided_on = decided_on or penalty.decided_on
    if subject == CreditEntry.Subject.INSTITUTION:
        if institution is None:
            errors["institution"] = _("请选择金融机构。")
        else:
            name, uscc = institution.name, institution.uscc
        person_name = person_id_number = ""
    elif subject == CreditEntry.Subject.COMPANY:
        uscc = uscc.strip().upper()
        if not name.strip():
            errors["name"] = _("请填写企业名称。")
        if not is_valid_uscc(uscc):
            errors["uscc"] = _("统一社会信用代码无效：应为18位，且校验位符合 GB 32100。")
        institution, person_name, person_id_number = None, "", ""
    elif subject == CreditEntry.Subject.PERSON:
        person_id_number = person_id_number.strip().upper()
        if not person_name.strip():
            errors["person_name"] = _("请填写自然人姓名。")
        if not is_valid_id_number(person_id_number):
            errors["person_id_number"] = _("身份证号码应为18位，最后一位是数字或X，请核对。")
        # A person's name is kept only encrypted; the plain column stays empty so no search can find it.
        institution, name, uscc = None, "", ""
    else:
        errors["subject"] = _("请选择主体类别。")
    if not basis.strip():
        errors["basis"] = _("请写明法律依据（条款）。")
    if not document.strip():
        errors["document"] = _("请填写决定书或判决书文号。")
    if errors:
        raise ValidationError(errors)
    start = valid_from or decided_on
    end = valid_until or start + timedelta(days=credit_rules(start).default_validity_days - 1)
    if end < start:
        raise ValidationError({"valid_until": _("有效期至不能早于有效期起。")})
    entry = CreditEntry.objects.create(
        number=number_next(NUMBER_PREFIX, day=today(), used=CreditEntry.objects),
        list=credit_list,
        subject=subject,
        institution=institution,
        name=name.strip(),
        uscc=uscc,
        person_name=person_name.strip(),
        person_id_number=person_id_number,
        basis=basis.strip(),
        facts=facts.strip(),
        source=source,
        penalty=penalty,
        document=document.strip(),
        decided_on=decided_on,
        valid_from=start,
        valid_until=end,
        department=by.own_authority,
        drafted_by=by,
        created_at=now(),
    )
    _event(entry, CreditEvent.Kind.DRAFTED, by, f"{entry.get_list_display()} {entry.document}")
    return entry


@transaction.atomic
@on_the_record
def entry_check(*, entry: CreditEntry, approve: bool, note: str, by: User) -> CreditEntry:
    """The second person's check: approved entries are published (the objection period starts), refused
    ones end with the reason. The drafter never checks their own draft."""
    entry = lock(entry)
    _require_department(entry, by)
    if entry.status != CreditEntry.Status.DRAFT:
        raise ValidationError(_("该条目已复核。"))
    if entry.drafted_by_id == by.pk:
        raise PermissionDenied(_("复核须由起草人以外的工作人员办理。"))
    if not approve and not note.strip():
        raise ValidationError({"note": _("请写明复核未通过的理由。")})
    entry.checked_by = by
    if approve:
        day = today()
        entry.status = CreditEntry.Status.PUBLISHED
        entry.published_at = now()
        entry.published_on = day
        entry.objection_due = due_in_workdays(day, credit_rules(day).objection_workdays)
        _event(entry, CreditEvent.Kind.PUBLISHED, by, note.strip())
        if entry.institution_id is not None:
            notify(
                _("%(name)s被列入%(list)s（%(number)s），可在 %(due)s 前提出异议。")
                % {
                    "name": entry.name,
                    "list": entry.get_list_display(),
                    "number": entry.number,
                    "due": entry.objection_due,
                },
                users=_subject_staff(entry),
                reference=entry.number,
            )
    else:
        entry.status = CreditEntry.Status.REJECTED
        _event(entry, CreditEvent.Kind.REJECTED, by, note.strip())
    entry.save()
    return entry


@transaction.atomic
@on_the_record
def objection_file(*, entry: CreditEntry, reason: str, by: User) -> Objection:
    """The subject objects within the objection period; the department's answer clock starts."""
    entry = lock(entry)
    if not access.is_subject(by, entry):
        raise PermissionDenied(_("只有名单所涉机构的工作人员可以提出异议。"))
    if entry.status != CreditEntry.Status.PUBLISHED or entry.objection_due is None:
        raise ValidationError(_("该条目目前不能提出异议。"))
    day = today()
    if day > entry.objection_due:
        raise ValidationError(_("异议期已过（截至 %(day)s）。") % {"day": entry.objection_due})
    if entry.objections.filter(outcome=Objection.Outcome.PENDING).exists():
        raise ValidationError(_("已有一项异议正在处理。"))
    if not reason.strip():
        raise ValidationError({"reason": _("请写明异议理由。")})
    objection = Objection.objects.create(entry=entry, reason=reason.strip(), filed_by=by, filed_at=now())
    due = due_in_workdays(day, credit_rules(day).objection_answer_workdays)
    clock_open(entry.deadlines, kind=CreditDeadline.Kind.OBJECTION, party="department", due=due)
    _event(entry, CreditEvent.Kind.OBJECTED, by, objection.reason)
    entry.save(update_fields=["updated_at"])
    notify(
        _("%(number)s 收到异议，请于 %(due)s 前答复。") % {"number": entry.number, "due": due},
        users=_department_staff(entry),
        reference=entry.number,
    )
    return objection


@transaction.atomic
@on_the_record
def objection_decide(*, entry: CreditEntry, upheld: bool, decision: str, by: User) -> Objection:
    """The department answers with reasons: upheld removes the entry from the list that day (its history
    stays); rejected keeps it."""
    entry = lock(entry)
    _require_department(entry, by)
    objection = entry.objections.filter(outcome=Objection.Outcome.PENDING).first()
    if objection is None:
        raise ValidationError(_("没有待答复的异议。"))
    if not decision.strip():
        raise ValidationError({"decision": _("请写明答复理由。")})
    objection.outcome = Objection.Outcome.UPHELD if upheld else Objection.Outcome.REJECTED
    objection.decision = decision.strip()
    objection.decided_by = by
    objection.decided_at = now()
    objection.save()
    clock_close(entry.deadlines, CreditDeadline.Kind.OBJECTION)
    if upheld:
        entry.status = CreditEntry.Status.REMOVED
        entry.ended_on = today()
        _event(entry, CreditEvent.Kind.OBJECTION_UPHELD, by, objection.decision)
    else:
        _event(entry, CreditEvent.Kind.OBJECTION_REJECTED, by, objection.decision)
    entry.save()
    notify(
        _("%(number)s 的异议已答复：%(outcome)s。%(decision)s")
        % {"number": entry.number, "outcome": objection.get_outcome_display(), "decision": objection.decision},
        users=[objection.filed_by],
        reference=entry.number,
    )
    return objection


@transaction.atomic
@on_the_record
def repair_apply(
    *, entry: CreditEntry, statement: str, penalty_fulfilled: bool, commitment_signed: bool, by: User
) -> Repair:
    """The subject asks for credit repair after the minimum publication period (the department may enter a
    request received on paper for a company or a person); the decision clock starts."""
    entry = lock(entry)
    if not (access.is_subject(by, entry) or access.handles(by, entry)):
        raise PermissionDenied(_("只有名单所涉机构或认定部门的工作人员可以申请信用修复。"))
    if entry.status != CreditEntry.Status.PUBLISHED or entry.list != CreditList.BLACK:
        raise ValidationError(_("只有公示中的黑名单条目可以申请信用修复。"))
    day = today()
    rules = credit_rules(day)
    earliest = entry.repair_from(rules)
    if earliest is None or day < earliest:
        raise ValidationError(
            _("最短公示期（%(days)s 天）未满，%(day)s 起可申请信用修复。")
            % {"days": rules.repair_min_days, "day": earliest}
        )
    if entry.repairs.filter(outcome=Repair.Outcome.PENDING).exists():
        raise ValidationError(_("已有一项信用修复申请正在处理。"))
    if not statement.strip():
        raise ValidationError({"statement": _("请说明纠正失信行为的情况。")})
    repair = Repair.objects.create(
        entry=entry,
        statement=statement.strip(),
        applied_by=by,
        applied_at=now(),
        penalty_fulfilled=penalty_fulfilled,
        commitment_signed=commitment_signed,
    )
    due = due_in_workdays(day, rules.repair_answer_workdays)
    clock_open(entry.deadlines, kind=CreditDeadline.Kind.REPAIR, party="department", due=due)
    _event(entry, CreditEvent.Kind.REPAIR_APPLIED, by, repair.statement)
    entry.save(update_fields=["updated_at"])
    return repair


@transaction.atomic
@on_the_record
def repair_decide(
    *,
    entry: CreditEntry,
    grant: bool,
    penalty_fulfilled: bool,
    commitment_signed: bool,
    decision: str,
    by: User,
) -> Repair:
    """The department checks the conditions (penalty or judgment fulfilled, commitment signed) and records
    them: granted only when both hold; the entry then leaves the list that day, keeping its history."""
    entry = lock(entry)
    _require_department(entry, by)
    repair = entry.repairs.filter(outcome=Repair.Outcome.PENDING).first()
    if repair is None:
        raise ValidationError(_("没有待决定的信用修复申请。"))
    if grant and not (penalty_fulfilled and commitment_signed):
        raise ValidationError(_("须核实已履行处罚或判决义务并已签署信用承诺书，方可准予修复。"))
    if not decision.strip():
        raise ValidationError({"decision": _("请写明决定理由。")})
    repair.penalty_fulfilled = penalty_fulfilled
    repair.commitment_signed = commitment_signed
    repair.outcome = Repair.Outcome.GRANTED if grant else Repair.Outcome.REFUSED
    repair.decision = decision.strip()
    repair.decided_by = by
    repair.decided_at = now()
    repair.save()
    clock_close(entry.deadlines, CreditDeadline.Kind.REPAIR)
    if grant:
        entry.status = CreditEntry.Status.REPAIRED
        entry.ended_on = today()
        _event(entry, CreditEvent.Kind.REPAIRED, by, repair.decision)
    else:
        _event(entry, CreditEvent.Kind.REPAIR_REFUSED, by, repair.decision)
    entry.save()
    notify(
        _("%(number)s 的信用修复申请：%(outcome)s。")
        % {"number": entry.number, "outcome": repair.get_outcome_display()},
        users=[repair.applied_by],
        reference=entry.number,
    )
    return repair
