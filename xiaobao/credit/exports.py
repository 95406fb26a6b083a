"""The columns of the credit lists' downloads: the staff list, and the public list (organisations only,
the same fields as the public API)."""

from django.utils.translation import gettext as _

from xiaobao.credit.models import CreditEntry
from xiaobao.lib import export


def public_json(entry: CreditEntry) -> dict[str, object]:
    """One entry as the public API and its downloads give it: never a person, never an ID number."""
    return {
        "number": entry.number,
        "list": entry.list,
        "name": entry.public_name,
        "uscc": "" if entry.is_person else entry.uscc,
        "subject": entry.subject,
        "basis": entry.basis,
        "source": entry.source,
        "document": entry.document,
        "department": entry.department.name,
        "decided_on": entry.decided_on,
        "valid_from": entry.valid_from,
        "valid_until": entry.valid_until,
    }


def public_columns() -> list[export.Column]:
    return [
        export.Column(_("编号"), lambda e: e.number, 20),
        export.Column(_("名单"), lambda e: e.get_list_display(), 16),
        export.Column(_("主体名称"), lambda e: e.public_name, 36),
        export.Column(_("统一社会信用代码"), lambda e: "" if e.is_person else e.uscc, 22),
        export.Column(_("法律依据"), lambda e: e.basis, 40),
        export.Column(_("认定来源"), lambda e: e.get_source_display(), 16),
        export.Column(_("决定书文号"), lambda e: e.document, 24),
        export.Column(_("认定部门"), lambda e: e.department.name, 30),
        export.Column(_("认定日期"), lambda e: e.decided_on, 12, export.DATE),
        export.Column(_("有效期起"), lambda e: e.valid_from, 12, export.DATE),
        export.Column(_("有效期至"), lambda e: e.valid_until, 12, export.DATE),
    ]


def staff_columns() -> list[export.Column]:
    """The staff list; a person appears masked here too, since a spreadsheet travels further than a page."""
    return [
        *public_columns(),
        export.Column(_("主体类别"), lambda e: e.get_subject_display(), 10),
        export.Column(_("状态"), lambda e: e.get_status_display(), 14),
        export.Column(_("身份证号码"), lambda e: e.masked_id_number if e.is_person else "", 22),
        export.Column(_("起草人"), lambda e: str(e.drafted_by), 12),
        export.Column(_("复核人"), lambda e: str(e.checked_by or ""), 12),
        export.Column(_("公示日期"), lambda e: e.published_on, 12, export.DATE),
        export.Column(_("提前移出日期"), lambda e: e.ended_on, 12, export.DATE),
    ]
