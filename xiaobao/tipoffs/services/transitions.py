"""Every change to a fundraising report or clue: one function per action, each in one transaction.

An action checks that the actor is an officer of the lead department handling the report (or of one
above it) and that the report is in a state that allows it, writes the new state under a row lock,
and appends an immutable ReportEvent. What the reporter may see of an event is decided here, once:
plain-language status changes only, never an officer's note.

Nothing here ever receives the HTTP request: no address, user agent or cookie can reach a report."""

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xiaobao.accounts.models import User
from xiaobao.audit import trail
from xiaobao.core.language import on_the_record
from xiaobao.core.locks import lock
from xiaobao.core.numbers import number_next
from xiaobao.core.time import now, today
from xiaobao.lib.codes import is_valid_uscc
from xiaobao.registry.models import Authority, Institution, Region
from xiaobao.registry.selectors import due_in_workdays
from xiaobao.tipoffs.access import handles
from xiaobao.tipoffs.models import (
    Clue,
    ContactRead,
    Report,
    ReportEvent,
    ReportMessage,
    Reward,
    RewardTier,
)
from xiaobao.tipoffs.rules import triage_settings_for
from xiaobao.tipoffs.selectors import connected_groups, lead_department_for, regulator_for, unassigned_reports
from xiaobao.tipoffs.services.evidence import evidence_prepare, evidence_store
from xiaobao.tipoffs.services.matching import plain, report_keys
from xiaobao.tipoffs.services.receipts import receipt_new
from xiaobao.tipoffs.services.scoring import amount_text, risk_score_for

Status = Report.Status
Kind = ReportEvent.Kind

# Reports an officer may still triage, and clues still being worked on.
TRIAGE_STATUSES = (Status.RECEIVED, Status.UNDER_REVIEW, Status.NEEDS_INFO)
OPEN_CLUE_STATUSES = (Clue.Status.OPEN, Clue.Status.INVESTIGATING)
CONTACT_FIELDS = ("contact_name", "contact_phone", "contact_email")

SCHEME_MIN_CHARS = 10
TEXT_MAX_CHARS = 20_000  # a report or a message: far beyond any real account, short of an abuse

# ---------------------------------------------------------------------------------------------
# Helpers shared by the actions

# Read with a locked report or clue; only the row itself is locked.
REPORT_JOINS = ("authority", "clue")
CLUE_JOINS = ("authority",)


def _require_handler(by: User | None, authority_id: int) -> None:
    if by is None or not handles(by, authority_id):
        raise PermissionDenied(gettext_lazy("只有负责这件举报的处置非法集资部门工作人员可以办理。"))


def _require_status(report: Report, statuses: Sequence[str]) -> None:
    if report.status not in statuses:
        raise ValidationError(
            gettext_lazy("举报当前状态为“%(status)s”，不能执行此操作。"), params={"status": Status(report.status).label}
        )


def _require_open_clue(clue: Clue) -> None:
    if clue.status not in OPEN_CLUE_STATUSES:
        raise ValidationError(
            gettext_lazy("线索 %(number)s 当前状态为“%(status)s”，不能执行此操作。"),
            params={"number": clue.number, "status": Clue.Status(clue.status).label},
        )


def _text(value: str, field: str, message: Any, *, min_chars: int = 1) -> str:
    value = (value or "").strip()
    if len(value) < min_chars:
        raise ValidationError({field: message})
    if len(value) > TEXT_MAX_CHARS:
        raise ValidationError(
            {field: ValidationError(gettext_lazy("内容不能超过 %(max)s 字。"), params={"max": TEXT_MAX_CHARS})}
        )
    return value


def _event(
    kind: str,
    by: User | None,
    *,
    report: Report | None = None,
    clue: Clue | None = None,
    visible: bool = False,
    note: str = "",
    data: dict[str, Any] | None = None,
    due: date | None = None,
) -> ReportEvent:
    """One line of history. visible is only for status changes the reporter may read, whose note is
    written for the reporter; an officer's own words go in a separate, never-visible NOTE event."""
    return ReportEvent.objects.create(
        report=report,
        clue=clue,
        kind=kind,
        actor=by,
        at=now(),
        visible_to_reporter=visible,
        note=note,
        data=data or {},
        due_date=due,
    )


def _officer_note(by: User, text: str, *, report: Report | None = None, clue: Clue | None = None) -> None:
    if text:
        _event(Kind.NOTE, by, report=report, clue=clue, note=text)


def _refresh_clue_risk(clue: Clue) -> None:
    """A clue is as alarming as its most alarming report."""
    top = clue.reports.order_by("-risk_score", "received_at").only("risk_score", "risk_reasons").first()
    clue.risk_score = top.risk_score if top else 0
    clue.risk_reasons = list(top.risk_reasons) if top else []


def _open_clue_sharing(authority_id: int, keys: Iterable[str]) -> Clue | None:
    """The open clue of the department sharing most identifiers with these keys, oldest first on a tie.

    Clue.keys is a JSON list, which SQLite cannot search by element: the department's open clues are
    compared in Python (a department has hundreds of open clues, not millions).
    """
    wanted = set(keys)
    if not wanted:
        return None
    best: tuple[int, datetime, Clue] | None = None
    clues = Clue.objects.filter(authority_id=authority_id, status__in=OPEN_CLUE_STATUSES).only(
        "pk", "keys", "created_at"
    )
    for clue in clues:
        shared = len(wanted & set(clue.keys))
        if shared and (best is None or (-shared, clue.created_at) < (-best[0], best[1])):
            best = (shared, clue.created_at, clue)
    return best[2] if best else None


def _join(report: Report, clue: Clue) -> None:
    """Put a (locked) report into a (locked) clue: the clue learns the report's identifiers."""
    report.clue = clue
    clue.keys = sorted(set(clue.keys) | set(report.keys))


# ---------------------------------------------------------------------------------------------
# Intake


# Intake


@on_the_record
def report_submit(
    *,
    by: User | None,
    subject_kind: str,
    subject_name: str,
    subject_region: Region | None,
    scheme: str,
    subject_uscc: str = "",
    subject_address: str = "",
    institution: Institution | None = None,
    websites: str = "",
    apps: str = "",
    social_accounts: str = "",
    phones: str = "",
    collecting_accounts: str = "",
    promised_return: Decimal | None = None,
    amount: Decimal | None = None,
    people: int | None = None,
    since: str = "",
    promoted_where: str = "",
    anonymous: bool = True,
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    wants_reward: bool = False,
    evidence: Iterable[UploadedFile] = (),
) -> tuple[Report, str]:
    """File a report. Returns (report, receipt): the 16-digit receipt exists only in this answer.

    Routed by 条例 Art. 20 to the lead department where the company is registered or the person
    lives (subject_region); a licensed institution named in it also notifies its regulator. A report
    about an entity that already has an open clue joins it at once, but the reporter still sees
    "received": what an officer has decided is theirs to tell, and an instant "clue opened" would let
    anyone learn by reporting a company whether it is already under investigation.
    """
    if subject_kind not in Report.SubjectKind.values:
        raise ValidationError({"subject_kind": gettext_lazy("请选择被举报的是单位还是个人。")})
    subject_name = _text(subject_name, "subject_name", gettext_lazy("请填写被举报单位的名称或个人的姓名。"))
    scheme = _text(
        scheme,
        "scheme",
        ValidationError(gettext_lazy("请用至少 %(n)s 个字描述您了解的情况。"), params={"n": SCHEME_MIN_CHARS}),
        min_chars=SCHEME_MIN_CHARS,
    )
    subject_uscc = plain(subject_uscc).upper()
    if subject_uscc and not is_valid_uscc(subject_uscc):
        raise ValidationError(
            {"subject_uscc": gettext_lazy("统一社会信用代码应为18位，且校验位正确；不清楚可以不填。")}
        )
    for field, value in (("promised_return", promised_return), ("amount", amount), ("people", people)):
        if value is not None and value < 0:
            raise ValidationError({field: gettext_lazy("不能为负数。")})
    if anonymous:
        # Anonymous means nothing that identifies the reporter is kept, even if the form sent it.
        contact_name = contact_phone = contact_email = ""
        if wants_reward:
            raise ValidationError(
                {"wants_reward": gettext_lazy("举报奖励只发给实名举报人：如需申请奖励，请选择实名举报并留下联系方式。")}
            )
    else:
        contact_name = contact_name.strip()
        contact_phone, contact_email = contact_phone.strip(), contact_email.strip()
        if not contact_name:
            raise ValidationError({"contact_name": gettext_lazy("实名举报请填写您的姓名。")})
        if not contact_phone and not contact_email:
            raise ValidationError({"contact_phone": gettext_lazy("实名举报请至少留下电话或电子邮箱中的一项。")})
    if subject_region is None:
        raise ValidationError({"subject_region": gettext_lazy("请选择被举报单位的注册地或个人的住所地。")})
    received_at = now()
    on = timezone.localdate(received_at)
    authority = lead_department_for(region=subject_region, on=on)
    if authority is None:
        raise ValidationError(
            {"subject_region": gettext_lazy("该地区暂无处置非法集资牵头部门受理网上举报，请拨打当地举报电话。")}
        )
    # The slow parts, re-encoding images and hashing the receipt, come before the write transaction:
    # on SQLite it holds the database's one write lock.
    prepared = evidence_prepare(evidence)
    receipt, digest = receipt_new()
    report = Report(
        received_at=received_at,
        receipt_hash=digest,
        # An account is linked only to a report its owner signs with their name.
        reporter=by if by is not None and not anonymous and by.role == User.Role.CONSUMER else None,
        subject_kind=subject_kind,
        subject_name=subject_name,
        subject_uscc=subject_uscc,
        subject_address=subject_address.strip(),
        subject_region=subject_region,
        institution=institution,
        websites=websites.strip(),
        apps=apps.strip(),
        social_accounts=social_accounts.strip(),
        phones=phones.strip(),
        collecting_accounts=collecting_accounts.strip(),
        scheme=scheme,
        promised_return=promised_return,
        amount=amount,
        people=people,
        since=since.strip(),
        promoted_where=promoted_where.strip(),
        anonymous=anonymous,
        contact_name=contact_name,
        contact_phone=contact_phone,
        contact_email=contact_email,
        wants_reward=wants_reward,
        authority=authority,
        notified_authority=regulator_for(institution=institution, on=on),
    )
    report.full_clean(exclude=["number", "receipt_hash", "clue", "keys", "risk_reasons"], validate_unique=False)
    report.keys = report_keys(report)
    report.risk_score, report.risk_reasons = risk_score_for(report)
    with transaction.atomic():
        # JB-YYYYMMDD-NNNNNN (举报): read out over the phone, in order of receipt within a day.
        report.number = number_next("JB", day=today(), used=Report.objects)
        report.save()
        rules = triage_settings_for(on)
        staff = by if by is not None and by.is_staff_member else None
        _event(
            Kind.RECEIVED,
            staff,
            report=report,
            visible=True,
            due=due_in_workdays(today(), rules.triage_workdays),
            data={"authority": authority.name},
        )
        if report.notified_authority is not None:
            _event(Kind.REGULATOR_NOTIFIED, None, report=report, data={"authority": report.notified_authority.name})
        clue = _open_clue_sharing(authority.pk, report.keys)
        if clue is not None:
            clue = lock(clue, related=CLUE_JOINS)
            _join(report, clue)
            report.save(update_fields=["clue"])
            _refresh_clue_risk(clue)
            clue.save(update_fields=["keys", "risk_score", "risk_reasons"])
            _event(Kind.JOINED_CLUE, None, report=report, clue=clue, data={"clue": clue.number})
        evidence_store(report, prepared)
    return report, receipt


# ---------------------------------------------------------------------------------------------
# The receipt channel


def _status_before_asking(report: Report) -> str:
    asked = report.events.filter(kind=Kind.ASKED).order_by("-at", "-id").first()
    before = (asked.data or {}).get("from", "") if asked else ""
    # A report asked about before anyone reviewed it is under review once the answer comes.
    return before if before in (Status.UNDER_REVIEW, Status.CLUE_OPENED) else Status.UNDER_REVIEW


@on_the_record
def reporter_message(*, report: Report, body: str, evidence: Iterable[UploadedFile] = ()) -> ReportMessage:
    """The reporter writes through the receipt channel; an answer to a question resumes the triage."""
    body = _text(body, "body", gettext_lazy("请填写留言内容。"))
    prepared = evidence_prepare(evidence)  # before the write transaction, as in report_submit
    with transaction.atomic():
        report = lock(report, related=REPORT_JOINS)
        if report.status == Status.CLOSED:
            raise ValidationError(gettext_lazy("这件举报已经办结，不能再留言。如有新情况，请提交新的举报。"))
        message = ReportMessage.objects.create(report=report, party=ReportMessage.Party.REPORTER, body=body, at=now())
        evidence_store(report, prepared, message)
        if report.status == Status.NEEDS_INFO:
            report.status = _status_before_asking(report)
            report.save(update_fields=["status"])
            rules = triage_settings_for(today())
            _event(
                Kind.ANSWERED, None, report=report, visible=True, due=due_in_workdays(today(), rules.triage_workdays)
            )
    return message


@on_the_record
@transaction.atomic
def officer_message(*, report: Report, by: User, body: str) -> ReportMessage:
    """A message the reporter reads with the receipt: written for the reporter, not a file note."""
    report = lock(report, related=REPORT_JOINS)
    _require_handler(by, report.authority_id)
    body = _text(body, "body", gettext_lazy("请填写留言内容。"))
    return ReportMessage.objects.create(
        report=report, party=ReportMessage.Party.OFFICER, author=by, body=body, at=now()
    )


# ---------------------------------------------------------------------------------------------
# Triage of a report


@on_the_record
@transaction.atomic
def report_ask(*, report: Report, by: User, question: str) -> Report:
    """Ask the reporter for more, through the receipt channel; the reporter has working days to answer."""
    report = lock(report, related=REPORT_JOINS)
    _require_handler(by, report.authority_id)
    _require_status(report, (*TRIAGE_STATUSES, Status.CLUE_OPENED))
    question = _text(question, "question", gettext_lazy("请填写需要举报人补充的问题。"))
    before = report.status
    if before == Status.NEEDS_INFO:
        before = _status_before_asking(report)
    report.status = Status.NEEDS_INFO
    report.save(update_fields=["status"])
    rules = triage_settings_for(today())
    ReportMessage.objects.create(report=report, party=ReportMessage.Party.OFFICER, author=by, body=question, at=now())
    _event(
        Kind.ASKED,
        by,
        report=report,
        visible=True,
        data={"from": before},
        due=due_in_workdays(today(), rules.ask_reporter_workdays),
    )
    return report


@on_the_record
@transaction.atomic
def report_review(*, report: Report, by: User) -> Report:
    """An officer starts checking the report (核实)."""
    report = lock(report, related=REPORT_JOINS)
    _require_handler(by, report.authority_id)
    _require_status(report, (Status.RECEIVED, Status.NEEDS_INFO))
    report.status = Status.UNDER_REVIEW
    report.save(update_fields=["status"])
    rules = triage_settings_for(today())
    _event(Kind.REVIEWING, by, report=report, visible=True, due=due_in_workdays(today(), rules.triage_workdays))
    return report


@on_the_record
@transaction.atomic
def report_notify_regulator(*, report: Report, by: User) -> Report:
    """Notify the regulator of the licensed institution the report names, as supervised today.

    A report is notified on submission when the institution has a regulator; this is for one that had
    none then, or whose supervisor has changed since (the 2023 reform moved whole sectors)."""
    report = lock(report, related=REPORT_JOINS)
    _require_handler(by, report.authority_id)
    if report.institution_id is None:
        raise ValidationError(gettext_lazy("这件举报没有涉及持牌金融机构，无需通报监管部门。"))
    regulator = regulator_for(institution=report.institution, on=today())
    if regulator is None:
        raise ValidationError(gettext_lazy("未找到该机构的监管部门，请联系平台管理员维护监管分工。"))
    if report.notified_authority_id == regulator.pk:
        raise ValidationError(
            gettext_lazy("已通报 %(authority)s，无需重复通报。"), params={"authority": regulator.name}
        )
    report.notified_authority = regulator
    report.save(update_fields=["notified_authority"])
    _event(Kind.REGULATOR_NOTIFIED, by, report=report, data={"authority": regulator.name})
    return report


def _close_clue_if_done(clue: Clue, by: User) -> None:
    """A clue whose every report was closed as not fundraising is closed with them."""
    if clue.status in OPEN_CLUE_STATUSES and not clue.reports.exclude(status=Status.CLOSED).exists():
        clue.status = Clue.Status.CLOSED
        clue.closed_at = now()
        clue.save(update_fields=["status", "closed_at"])
        _event(Kind.CLOSED, by, clue=clue, note=_("线索中的举报均已办结。"))


@on_the_record
@transaction.atomic
def report_close(*, report: Report, by: User, reason: str) -> Report:
    """Close as not illegal fundraising. The reporter learns that it is closed; the reason stays on file."""
    report = lock(report, related=REPORT_JOINS)
    _require_handler(by, report.authority_id)
    _require_status(report, (*TRIAGE_STATUSES, Status.CLUE_OPENED))
    reason = _text(reason, "reason", gettext_lazy("请写明不属于非法集资的理由。"))
    report.status = Status.CLOSED
    report.save(update_fields=["status"])
    _event(Kind.CLOSED, by, report=report, visible=True)
    _officer_note(by, reason, report=report)
    if report.clue is not None:
        _close_clue_if_done(lock(report.clue, related=CLUE_JOINS), by)
    return report


# ---------------------------------------------------------------------------------------------
# Clues


def _check_assignee(to: User | None, authority_id: int, field: str) -> None:
    if to is not None and not handles(to, authority_id):
        raise ValidationError({field: gettext_lazy("承办人须是负责该线索的处置非法集资部门的工作人员。")})


def _assign(clue: Clue, by: User, to: User) -> None:
    clue.assigned_to = to
    clue.status = Clue.Status.INVESTIGATING
    rules = triage_settings_for(today())
    _event(
        Kind.ASSIGNED,
        by,
        clue=clue,
        data={"to": str(to), "to_id": to.pk},
        due=due_in_workdays(today(), rules.triage_workdays),
    )


@on_the_record
@transaction.atomic
def clue_open(*, report: Report, by: User, assign_to: User | None = None) -> Clue:
    """Make the report a clue, or add it to the open clue about the same entity.

    The report's group comes along: every report of the department not yet in a clue that shares an
    identifier with it, directly or through another report (the group the queue shows). Reports of
    the clue still waiting for triage are marked as a clue with this one; a report awaiting the
    reporter's answer joins but keeps waiting.
    """
    report = lock(report, related=REPORT_JOINS)
    _require_handler(by, report.authority_id)
    _require_status(report, TRIAGE_STATUSES)
    _check_assignee(assign_to, report.authority_id, "assign_to")

    pool = list(unassigned_reports(authority_id=report.authority_id).exclude(pk=report.pk).only("pk", "keys"))
    clue = report.clue if report.clue and report.clue.status in OPEN_CLUE_STATUSES else None
    seed_keys = set(report.keys) | set(clue.keys if clue else [])
    seed = "seed"
    groups = connected_groups([(seed, seed_keys), *((r.pk, set(r.keys)) for r in pool)])
    group = [pk for pk in next(g for g in groups if seed in g) if pk != seed]
    group_keys = seed_keys.union(*(set(r.keys) for r in pool if r.pk in group))
    if clue is None:
        clue = _open_clue_sharing(report.authority_id, group_keys)
    if clue is None:
        clue = Clue(authority=report.authority, title=report.subject_name, keys=sorted(group_keys))
        clue.number = number_next("XS", day=today(), used=Clue.objects)  # XS: 线索
        clue.save()
        _event(Kind.CLUE_OPENED, by, clue=clue, data={"report": report.number})
    clue = lock(clue, related=CLUE_JOINS)

    members = list(Report.objects.select_for_update().filter(pk__in=[report.pk, *group]).order_by("received_at"))
    members += list(Report.objects.select_for_update().filter(clue=clue).exclude(pk__in=[m.pk for m in members]))
    for member in members:
        joined = member.clue_id != clue.pk
        if joined:
            _join(member, clue)
            _event(Kind.JOINED_CLUE, by, report=member, clue=clue, data={"clue": clue.number})
        opens = member.pk == report.pk or member.status in (Status.RECEIVED, Status.UNDER_REVIEW)
        if opens:
            member.status = Status.CLUE_OPENED
            _event(Kind.CLUE_OPENED, by, report=member, visible=True, data={"clue": clue.number})
        if joined or opens:
            member.save(update_fields=["clue", "status"])
    clue.keys = sorted(set(clue.keys).union(*(set(m.keys) for m in members)))
    _refresh_clue_risk(clue)
    if assign_to is not None and assign_to != clue.assigned_to:
        _assign(clue, by, assign_to)
    clue.save()
    return clue


@on_the_record
@transaction.atomic
def clue_assign(*, clue: Clue, by: User, to: User) -> Clue:
    """Give the clue to an officer (承办人): its verification (核查) starts."""
    clue = lock(clue, related=CLUE_JOINS)
    _require_handler(by, clue.authority_id)
    _require_open_clue(clue)
    if to is None:
        raise ValidationError({"to": gettext_lazy("请选择承办人。")})
    _check_assignee(to, clue.authority_id, "to")
    if clue.assigned_to_id == to.pk:
        raise ValidationError({"to": gettext_lazy("该线索已由此人承办。")})
    _assign(clue, by, to)
    clue.save(update_fields=["assigned_to", "status"])
    return clue


@on_the_record
@transaction.atomic
def clue_merge(*, clue: Clue, into: Clue, by: User) -> Clue:
    """Two clues turned out to be one entity: the reports of clue move into `into`, and clue is closed."""
    if clue.pk == into.pk:
        raise ValidationError({"into": gettext_lazy("不能把线索合并到它自己。")})
    # Locks in a fixed order, so two officers merging the same pair in opposite directions cannot deadlock.
    first, second = sorted([clue, into], key=lambda c: c.pk)
    locked = {c.pk: lock(c, related=CLUE_JOINS) for c in (first, second)}
    clue, into = locked[clue.pk], locked[into.pk]
    _require_handler(by, clue.authority_id)
    _require_handler(by, into.authority_id)
    _require_open_clue(clue)
    _require_open_clue(into)
    if clue.authority_id != into.authority_id:
        raise ValidationError(
            {"into": gettext_lazy("只能合并同一处非部门的线索；属于其他地区的，请先移送该地区处非部门。")}
        )
    moved = list(Report.objects.select_for_update().filter(clue=clue))
    for report in moved:
        _join(report, into)
        report.save(update_fields=["clue"])
        _event(Kind.MERGED, by, report=report, clue=into, data={"from": clue.number, "into": into.number})
    into.keys = sorted(set(into.keys) | set(clue.keys))
    _refresh_clue_risk(into)
    into.save(update_fields=["keys", "risk_score", "risk_reasons"])
    clue.status = Clue.Status.CLOSED
    clue.closed_at = now()
    clue.save(update_fields=["status", "closed_at"])
    _event(Kind.MERGED, by, clue=clue, data={"into": into.number, "reports": len(moved)})
    _event(Kind.MERGED, by, clue=into, data={"from": clue.number, "reports": len(moved)})
    return into


REFER_POLICE = "police"
REFER_REGION = "region"


@on_the_record
@transaction.atomic
def clue_refer(*, clue: Clue, by: User, to: str, authority: Authority | None, note: str) -> Clue:
    """Refer to the police (suspected crime) or to another region's lead department (条例 Art. 20).

    A clue referred to another region moves there whole, reports included, and is open again for
    that department to triage; the referring officers no longer see it."""
    clue = lock(clue, related=CLUE_JOINS)
    _require_handler(by, clue.authority_id)
    _require_open_clue(clue)
    note = _text(note, "note", gettext_lazy("请写明移送的理由和依据。"))
    reports = list(Report.objects.select_for_update().filter(clue=clue).exclude(status=Status.CLOSED))
    if to == REFER_POLICE:
        clue.status = Clue.Status.REFERRED
        clue.save(update_fields=["status"])
        _event(Kind.REFERRED_POLICE, by, clue=clue, note=note)
        for report in reports:
            report.status = Status.REFERRED
            report.save(update_fields=["status"])
            _event(Kind.REFERRED_POLICE, by, report=report, clue=clue, visible=True)
        return clue
    if to != REFER_REGION:
        raise ValidationError({"to": gettext_lazy("请选择移送公安机关或其他地区处非部门。")})
    on = today()
    if (
        authority is None
        or authority.kind != Authority.Kind.FUNDRAISING
        or authority.valid_from > on
        or (authority.valid_to is not None and authority.valid_to < on)
    ):
        raise ValidationError({"authority": gettext_lazy("请选择接收线索的处置非法集资牵头部门。")})
    if authority.pk == clue.authority_id:
        raise ValidationError({"authority": gettext_lazy("线索已由该部门办理，无需移送。")})
    before = clue.authority
    clue.authority = authority
    clue.status = Clue.Status.OPEN
    clue.assigned_to = None
    clue.save(update_fields=["authority", "status", "assigned_to"])
    _event(Kind.REFERRED_REGION, by, clue=clue, note=note, data={"from": before.name, "to": authority.name})
    for report in reports:
        report.authority = authority
        report.save(update_fields=["authority"])
        _event(
            Kind.REFERRED_REGION,
            by,
            report=report,
            clue=clue,
            visible=True,
            note=_("已移送%(authority)s办理。") % {"authority": authority.name},
        )
    return clue


# ---------------------------------------------------------------------------------------------
# Rewards


def reward_ineligibility(report: Report) -> list[str]:
    """Why the report cannot earn a reward, in plain words; empty when it can.

    The usual local conditions (domain.md §7, e.g. Tianjin): a real-name reporter who asked for the
    reward, the first report of the matter, and a matter confirmed by investigation."""
    reasons = []
    if report.anonymous or not report.contact_name:
        reasons.append(_("举报人未实名举报"))
    if not report.wants_reward:
        reasons.append(_("举报人未申请奖励"))
    clue = report.clue
    if clue is None:
        reasons.append(_("举报尚未立为线索"))
    else:
        first = clue.reports.order_by("received_at", "pk").values_list("pk", flat=True).first()
        if first != report.pk:
            reasons.append(_("不是该线索的首次举报"))
        if clue.status not in (Clue.Status.INVESTIGATING, Clue.Status.REFERRED):
            reasons.append(_("线索尚未经核查确认"))
    return reasons


@on_the_record
@transaction.atomic
def reward_decide(
    *, report: Report, by: User, granted: bool, tier: RewardTier | None, amount: Decimal | None, reason: str
) -> Reward:
    """Grant or refuse a reward; the reporter reads the decision, and its reason, with the receipt."""
    report = lock(report, related=REPORT_JOINS)
    _require_handler(by, report.authority_id)
    if Reward.objects.filter(report=report).exists():
        raise ValidationError(gettext_lazy("这件举报已作出奖励决定。"))
    reason = _text(reason, "reason", gettext_lazy("请写明奖励决定的理由。"))
    if granted:
        unmet = reward_ineligibility(report)
        if unmet:
            raise ValidationError(gettext_lazy("不符合奖励条件：%(reasons)s。"), params={"reasons": "；".join(unmet)})
        if tier is None:
            raise ValidationError({"tier": gettext_lazy("请选择奖励档次。")})
        if amount is None or not tier.min_amount <= amount <= tier.max_amount:
            raise ValidationError(
                {
                    "amount": ValidationError(
                        gettext_lazy("“%(tier)s”的奖励金额应在 %(min)s 元至 %(max)s 元之间。"),
                        params={
                            "tier": tier.name,
                            "min": amount_text(tier.min_amount),
                            "max": amount_text(tier.max_amount),
                        },
                    )
                }
            )
        text = _("经审核，您的举报获得奖励 %(amount)s 元（%(tier)s）。工作人员将通过您留下的联系方式通知领取。") % {
            "amount": amount_text(amount),
            "tier": tier.name,
        }
    else:
        tier, amount = None, None
        text = _("经审核，您的举报未获得奖励。理由：%(reason)s") % {"reason": reason}
    reward = Reward.objects.create(
        report=report, tier=tier, granted=granted, amount=amount, reason=reason, decided_by=by, decided_at=now()
    )
    _event(
        Kind.REWARD_DECIDED,
        by,
        report=report,
        visible=True,
        note=text,
        data={"granted": granted, "amount": str(amount or ""), "tier": tier.name if tier else ""},
    )
    return reward


# ---------------------------------------------------------------------------------------------
# Audit


def contact_read(*, report: Report, by: User, fields: Sequence[str], purpose: str, ip: str | None = None) -> None:
    """Record that an officer handling the report saw the reporter's contact details in full.

    Only officers of the department handling the report may; a regulator notified of it may not."""
    if not handles(by, report.authority_id):
        raise PermissionDenied(gettext_lazy("只有办理这件举报的处置非法集资部门工作人员可以查看举报人的联系方式。"))
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise ValueError(f"not contact fields: {sorted(unknown)}")
    if fields:
        # The report keeps its own list of reads; the auditor reads them on the audit trail. The address
        # is the officer's: nothing about the reporter's connection is kept anywhere.
        with transaction.atomic():
            ContactRead.objects.create(user=by, report=report, fields=",".join(fields), purpose=purpose[:100], at=now())
            trail.record(
                trail.Kind.PERSONAL_DATA, user=by, address=ip, obj=report, field=",".join(fields), detail=purpose
            )
