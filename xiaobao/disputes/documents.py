"""The papers a dispute produces: the mediation agreement (调解协议书) and the case file (卷宗) as a ZIP."""

import io
import zipfile
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from xiaobao.accounts.models import User
from xiaobao.audit import trail
from xiaobao.complaints.access import Party
from xiaobao.complaints.models import Complaint, Event, PersonalDataRead
from xiaobao.complaints.selectors import attachments_for
from xiaobao.disputes.models import Dispute
from xiaobao.lib.pdf import pdf_document


def _day(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = timezone.localtime(value)
    return f"{value:%Y年%m月%d日}"


def _yuan(value: Decimal | None) -> str:
    return _("%(amount)s 元") % {"amount": f"{value:,.2f}"} if value is not None else "—"


def _parties(complaint: Complaint) -> list[tuple[str, str]]:
    consumer = [
        _("申请人（金融消费者）：%(name)s") % {"name": complaint.complainant_name},
    ]
    if complaint.id_number:
        consumer.append(_("身份证号码：%(id)s") % {"id": complaint.id_number})
    consumer.append(_("联系电话：%(phone)s") % {"phone": complaint.phone})
    if complaint.address:
        consumer.append(_("住址：%(address)s") % {"address": complaint.address})
    institution = complaint.institution
    return [("p", line) for line in consumer] + [
        ("p", _("被申请人（金融机构）：%(name)s") % {"name": institution.name}),
        ("p", _("统一社会信用代码：%(uscc)s") % {"uscc": institution.uscc}),
    ]


def agreement_lines(dispute: Dispute) -> list[tuple[str, str]]:
    """调解协议书: the parties, the dispute, the terms, the amount and the deadline, the signatures."""
    complaint = dispute.complaint
    with override(settings.LANGUAGE_CODE):
        title = _("调解协议书") if dispute.path == Dispute.Path.MEDIATION else _("和解协议书")
        lines: list[tuple[str, str]] = [
            ("title", title),
            ("right", _("编号：%(number)s") % {"number": dispute.number}),
            *_parties(complaint),
        ]
        if dispute.body is not None:
            lines.append(("p", _("调解组织：%(body)s") % {"body": dispute.body.name}))
            lines.append(("p", _("调解员：%(mediator)s") % {"mediator": dispute.mediator}))
        lines += [
            ("h2", _("纠纷事项")),
            (
                "p",
                _("申请人于 %(day)s 就“%(summary)s”向 %(institution)s 投诉（投诉编号 %(number)s），对处理结果不满意。")
                % {
                    "day": _day(complaint.received_at),
                    "summary": complaint.summary,
                    "institution": complaint.institution.name,
                    "number": complaint.number,
                },
            ),
        ]
        if dispute.request:
            lines.append(("p", _("申请人的请求：%(request)s") % {"request": dispute.request}))
        lines += [
            ("h2", _("协议内容")),
            (
                "p",
                _("经调解，双方自愿达成如下协议：")
                if dispute.path == Dispute.Path.MEDIATION
                else _("经协商，双方自愿达成如下协议："),
            ),
            ("p", dispute.terms),
            ("p", _("协议金额：%(amount)s") % {"amount": _yuan(dispute.agreed_amount)}),
            ("p", _("履行期限：%(day)s 前") % {"day": _day(dispute.payment_due)} if dispute.payment_due else "—"),
            (
                "p",
                _(
                    "本协议自双方签字（盖章）之日起生效，具有法律约束力，当事人应当按照约定履行。"
                    "双方可以自本协议生效之日起三十日内共同向有管辖权的人民法院申请司法确认。"
                ),
            ),
            ("right", _("申请人（签字）：%(name)s") % {"name": complaint.complainant_name}),
            ("right", _("被申请人（盖章）：%(name)s") % {"name": complaint.institution.name}),
        ]
        if dispute.mediator_id:
            assert dispute.body is not None  # a mediator is assigned together with their body
            lines.append(("right", _("调解员（签字）：%(name)s") % {"name": dispute.mediator}))
            lines.append(("right", _("调解组织（盖章）：%(name)s") % {"name": dispute.body.name}))
        lines.append(("right", _day(dispute.agreed_at or dispute.created_at)))
    return lines


def dossier_lines(dispute: Dispute, events: Iterable[Event]) -> list[tuple[str, str]]:
    """卷宗 summary: the complaint, the institution's decision, the timeline and the mediation records."""
    complaint = dispute.complaint
    with override(settings.LANGUAGE_CODE):
        lines: list[tuple[str, str]] = [
            ("title", _("纠纷卷宗 %(number)s") % {"number": dispute.number}),
            ("h2", _("当事人")),
            *_parties(complaint),
            ("h2", _("投诉")),
            ("p", _("投诉编号：%(number)s") % {"number": complaint.number}),
            ("p", _("收到时间：%(day)s") % {"day": _day(complaint.received_at)}),
            ("p", _("业务类别：%(name)s") % {"name": complaint.business.name}),
            ("p", _("投诉事项：%(summary)s") % {"summary": complaint.summary}),
            ("p", _("事情经过：%(text)s") % {"text": complaint.narrative}),
            ("p", _("涉及金额：%(amount)s") % {"amount": _yuan(complaint.amount)}),
            ("h2", _("机构处理意见")),
        ]
        if complaint.answered_at:
            lines += [
                ("p", _("答复时间：%(day)s") % {"day": _day(complaint.answered_at)}),
                ("p", _("处理结果：%(outcome)s") % {"outcome": complaint.get_outcome_display()}),
                ("p", complaint.decision),
            ]
            if complaint.remedy_amount is not None:
                lines.append(("p", _("补偿/退还金额：%(amount)s") % {"amount": _yuan(complaint.remedy_amount)}))
        else:
            lines.append(("p", _("机构尚未答复。")))
        lines += [
            ("h2", _("纠纷化解")),
            (
                "p",
                _("途径：%(path)s；状态：%(status)s")
                % {"path": dispute.get_path_display(), "status": dispute.get_status_display()},
            ),
        ]
        if dispute.body is not None:
            lines.append(
                (
                    "p",
                    _("调解组织：%(body)s；调解员：%(mediator)s")
                    % {"body": dispute.body.name, "mediator": dispute.mediator},
                )
            )
        if dispute.decline_reason:
            lines.append(("p", _("机构不同意调解的理由：%(reason)s") % {"reason": dispute.decline_reason}))
        if dispute.terms:
            lines.append(
                (
                    "p",
                    _("协议内容：%(terms)s（%(amount)s）")
                    % {"terms": dispute.terms, "amount": _yuan(dispute.agreed_amount)},
                )
            )
        if dispute.outcome_note:
            lines.append(("p", _("结果说明：%(note)s") % {"note": dispute.outcome_note}))
        sessions = list(dispute.sessions.all())
        if sessions:
            lines.append(("h2", _("调解记录")))
            for s in sessions:
                when = f"{timezone.localtime(s.starts_at):%Y-%m-%d %H:%M}"
                lines.append(
                    (
                        "p",
                        _("%(when)s %(mode)s，%(place)s")
                        % {"when": when, "mode": s.get_mode_display(), "place": s.place},
                    )
                )
                lines.append(("bullet", s.record or _("（尚无笔录）")))
        lines.append(("h2", _("办理记录")))
        for event in events:
            when = f"{timezone.localtime(event.at):%Y-%m-%d %H:%M}"
            lines.append(("bullet", f"{when} {event.get_kind_display()} {event.note}".strip()))
    return lines


def dossier_zip(dispute: Dispute, events: Iterable[Event]) -> bytes:
    """The summary PDF and the complaint's attachments as the complainant sees them, in one ZIP."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{dispute.number}-卷宗摘要.pdf", pdf_document(dossier_lines(dispute, events)))
        if dispute.agreed_at:
            archive.writestr(f"{dispute.number}-协议书.pdf", pdf_document(agreement_lines(dispute)))
        used: set[str] = set()
        for i, attachment in enumerate(attachments_for(Party.CONSUMER, dispute.complaint), start=1):
            # Names come from uploaders: keep only the last path part, and never let two collide.
            name = attachment.name.replace("\\", "/").rsplit("/", 1)[-1] or "file"
            name = f"附件/{i:02d}-{name}"
            if name in used:
                continue
            used.add(name)
            with attachment.file.open("rb") as f:
                archive.writestr(name, f.read())
    return buffer.getvalue()


def personal_data_shown(*, dispute: Dispute, user: User, purpose: str, ip: str | None) -> None:
    """A document with the complainant's identity went to someone other than the complainant: audit it."""
    if user.role in (
        User.Role.INSTITUTION,
        User.Role.REGULATOR,
        User.Role.MEDIATOR,
        User.Role.ADMIN,
    ):
        fields = [f for f in ("complainant_name", "id_number", "phone", "address") if getattr(dispute.complaint, f)]
        with transaction.atomic():
            PersonalDataRead.objects.create(
                user=user, complaint=dispute.complaint, fields=",".join(fields), purpose=purpose, ip=ip
            )
            trail.record(
                trail.Kind.PERSONAL_DATA, user=user, address=ip, obj=dispute, field=",".join(fields), detail=purpose
            )
