"""The public columns of an export and of the nightly full-data file: one list, so both agree."""

from typing import Any

from django.utils.translation import gettext as _

from xiaobao.complaints.models import Complaint
from xiaobao.disclosure.models import PublicComplaint
from xiaobao.lib.export import DATE, INTEGER, Column


def _yes_no(value: bool | None) -> str:
    return "" if value is None else (_("是") if value else _("否"))


def _label(category: Any) -> str:
    return category.label if category else ""


def public_columns() -> list[Column]:
    via = dict(Complaint.Via.choices)
    return [
        Column(_("投诉编号"), lambda r: r.number, 22),
        Column(_("收到日期"), lambda r: r.date_received, 12, DATE),
        Column(_("被投诉机构"), lambda r: r.institution_name, 34),
        Column(_("业务大类"), lambda r: _label(r.product), 14),
        Column(_("业务类别"), lambda r: _label(r.business), 18),
        Column(_("投诉原因"), lambda r: _label(r.cause), 22),
        Column(_("办理渠道"), lambda r: _label(r.channel), 14),
        Column(_("投诉渠道"), lambda r: str(via.get(r.submitted_via, r.submitted_via)), 10),
        Column(_("地区"), lambda r: r.region_name, 14),
        Column(_("转办机构日期"), lambda r: r.date_sent, 12, DATE),
        Column(_("机构答复日期"), lambda r: r.date_answered, 12, DATE),
        Column(_("机构答复"), lambda r: r.get_response_display(), 24),
        Column(_("处理结果"), lambda r: r.get_outcome_display() if r.outcome else "", 10),
        Column(_("按时答复"), lambda r: _yes_no(r.timely), 8),
        Column(_("答复用时（天）"), lambda r: r.days_to_answer, 10, INTEGER),
        Column(_("投诉事项"), lambda r: r.summary, 30),
        Column(_("投诉内容"), lambda r: r.narrative, 60),
    ]


def public_rows_json(row: PublicComplaint) -> dict[str, Any]:
    """One published complaint as the API and JSON exports give it (CFPB's field names where they fit)."""
    return {
        "complaint_id": row.number,
        "date_received": row.date_received,
        "date_sent_to_company": row.date_sent,
        "date_answered": row.date_answered,
        "date_closed": row.date_closed,
        "company": row.institution_name,
        "company_group": row.group.name if row.group_id else "",
        "product": _category(row.product),
        "business": _category(row.business),
        "cause": _category(row.cause),
        "channel": _category(row.channel),
        "submitted_via": row.submitted_via,
        "region": {"code": row.region_code, "name": row.region_name} if row.region_code else None,
        "company_response": row.response,
        "company_response_label": row.get_response_display(),
        "outcome": row.outcome or None,
        "timely": row.timely,
        "days_to_answer": row.days_to_answer,
        "review_requested": row.review_requested,
        "mediation": row.mediation,
        "has_narrative": row.has_narrative,
        "summary": row.summary,
        "complaint_what_happened": row.narrative,
    }


def _category(category: Any) -> dict[str, str] | None:
    return {"code": category.code, "name": category.label} if category else None
