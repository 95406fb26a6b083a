"""Small presentation helpers for the complaint pages: names in the reader's language, money, history lines."""

from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import gettext as _

from xiaobao.complaints.models import Complaint, Event, Survey
from xiaobao.core.forms import localized_name

register = template.Library()


@register.filter
def lname(obj: Any) -> str:
    return localized_name(obj) if obj is not None else ""


@register.filter
def yuan(amount: Decimal | None) -> str:
    if amount is None or amount == "":
        return ""
    return _("%(amount)s 元") % {"amount": f"{Decimal(amount):,.2f}"}


def _choice_label(choices: type, value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


@register.filter
def event_details(event: Event) -> list[str]:
    """The facts an event's data records, in words (its note is shown separately)."""
    d = event.data or {}
    lines: list[str] = []
    match event.kind:
        case Event.Kind.SUBMITTED:
            if d.get("via"):
                lines.append(_("投诉渠道：%(via)s") % {"via": _choice_label(Complaint.Via, d["via"])})
            if d.get("authority"):
                lines.append(_("受理部门：%(name)s") % {"name": d["authority"]})
        case Event.Kind.ACCEPTED:
            if d.get("institution"):
                lines.append(_("转 %(name)s 办理") % {"name": d["institution"]})
        case Event.Kind.TRANSFERRED:
            if d.get("institution"):
                lines.append(_("改由 %(name)s 办理") % {"name": d["institution"]})
            if d.get("authority"):
                lines.append(_("转至 %(name)s") % {"name": d["authority"]})
        case Event.Kind.NOT_ACCEPTED:
            if d.get("reason"):
                lines.append(_("理由：%(reason)s") % {"reason": d["reason"]})
        case Event.Kind.EXTENDED:
            lines.append(
                _("理由：%(reason)s；期限由 %(old)s 延长至 %(new)s")
                % {"reason": d.get("reason", ""), "old": d.get("from", ""), "new": d.get("to", "")}
            )
        case Event.Kind.ANSWERED:
            if d.get("outcome"):
                lines.append(_("处理结果：%(outcome)s") % {"outcome": _choice_label(Complaint.Outcome, d["outcome"])})
            if d.get("remedy"):
                lines.append(_("补救措施：%(remedy)s") % {"remedy": d["remedy"]})
            if d.get("amount"):
                lines.append(_("补偿/退还金额：%(amount)s") % {"amount": yuan(d["amount"])})
        case Event.Kind.FEEDBACK:
            if d.get("choice"):
                lines.append(_choice_label(Complaint.Feedback, d["choice"]))
        case Event.Kind.REVIEW_DECIDED:
            lines.append(_("维持机构的处理") if d.get("upheld") else _("退回机构重新办理"))
        case Event.Kind.SUPERVISED:
            if d.get("due"):
                lines.append(_("回复期限：%(due)s") % {"due": d["due"]})
        case Event.Kind.SURVEYED:
            if d.get("score"):
                lines.append(_choice_label(Survey.Score, d["score"]))
    return lines
