"""Penalty decisions and institution size figures in from CSV or XLSX.

Both files are small (hundreds to thousands of rows), so each row goes through the same service a
form uses, in its own savepoint: a row is saved whole or rejected whole, with its number and reason
in the report. Rows are keyed (decision number and institution; institution and year), so a second
run of the same file changes nothing, and a corrected file updates the rows it corrects, with history.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import IO, Any, TypeVar

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xiaobao.lib.tabular import Field, RejectReport, RowError, Table, parse_count, parse_date, parse_money
from xiaobao.registry.access import Actor, can_record_penalties
from xiaobao.registry.models import Authority, Institution, Penalty
from xiaobao.registry.services import penalty_save, size_figure_save

By = TypeVar("By")

PENALTY_FIELDS = (
    Field("institution", ("被处罚机构", "institution", "机构名称"), True),
    Field("uscc", ("统一社会信用代码", "uscc")),
    Field("decided_on", ("处罚日期", "decided_on", "作出处罚决定的日期"), True),
    Field("decision_number", ("处罚决定书文号", "decision_number", "行政处罚决定书文号"), True),
    Field("violation", ("主要违法违规事实", "violation", "主要违法违规行为")),
    Field("basis", ("处罚依据", "basis", "行政处罚依据"), True),
    Field("penalty_type", ("处罚种类", "penalty_type"), True, gettext_lazy("警告、罚款、没收违法所得等")),
    Field("content", ("处罚内容", "content", "行政处罚决定")),
    Field("amount", ("罚没金额（元）", "amount")),
    Field("authority", ("作出决定机关", "authority", "作出处罚决定的机关名称"), True),
)

SIZE_FIELDS = (
    Field("institution", ("机构名称", "institution", "金融机构"), True),
    Field("uscc", ("统一社会信用代码", "uscc")),
    Field("year", ("年度", "year"), True),
    Field("personal_customers", ("个人客户数", "personal_customers", "customers")),
    Field("outlets", ("营业网点数", "outlets", "branches")),
    Field("deposits", ("存款余额（元）", "deposits")),
    Field("source", ("数据来源", "source")),
)


@dataclass
class ImportSummary:
    rows: int = 0
    imported: int = 0  # created or changed
    skipped: int = 0  # already as in the file
    rejected: int = 0


def _institution(values: dict[str, str]) -> Institution:
    if values.get("uscc"):
        found = Institution.objects.filter(uscc=values["uscc"].upper()).first()
    else:
        found = Institution.objects.filter(name=values["institution"]).first()
    if found is None:
        raise RowError(
            _("机构“%(name)s”未在机构名录中登记：请先在管理后台添加。")
            % {"name": values["institution"] or values["uscc"]}
        )
    return found


def _penalty_type(text: str) -> str:
    for value, label in Penalty.Type.choices:
        if text in (value, str(label)):
            return value
    raise RowError(_("处罚种类“%(value)s”不在可选范围内。") % {"value": text})


def _authority(text: str) -> Authority:
    found = Authority.objects.filter(code=text).first() or Authority.objects.filter(name=text).first()
    if found is None:
        raise RowError(_("作出决定机关“%(value)s”不在监管部门名录中。") % {"value": text})
    return found


def _penalty_row(values: dict[str, str], by: Actor | AnonymousUser) -> bool:
    for key in ("decided_on", "decision_number", "basis", "penalty_type", "authority"):
        if not values[key]:
            label = next(f.headers[0] for f in PENALTY_FIELDS if f.key == key)
            raise RowError(_("缺少%(column)s。") % {"column": label})
    institution = _institution(values)
    fields: dict[str, Any] = {
        "institution": institution,
        "decided_on": parse_date(values["decided_on"], _("处罚日期")),
        "decision_number": values["decision_number"],
        "violation": values.get("violation", ""),
        "basis": values["basis"],
        "penalty_type": _penalty_type(values["penalty_type"]),
        "content": values.get("content", ""),
        "amount": parse_money(values["amount"], _("罚没金额")) if values.get("amount") else None,
        "authority": _authority(values["authority"]),
    }
    existing = Penalty.objects.filter(institution=institution, decision_number=values["decision_number"]).first()
    if existing is not None and all(getattr(existing, k) == v for k, v in fields.items()):
        return False
    penalty_save(by=by, penalty=existing, **fields)
    return True


def _size_row(values: dict[str, str], by: Actor | AnonymousUser | None) -> bool:
    del by  # size figures are reference data kept by administrators; the admin checks who may import
    institution = _institution(values)
    year = parse_count(values["year"], _("年度"))
    if not 1990 <= year <= 2100:
        raise RowError(_("年度“%(value)s”不合理。") % {"value": values["year"]})
    fields: dict[str, Any] = {
        "personal_customers": parse_count(values["personal_customers"], _("个人客户数"))
        if values.get("personal_customers")
        else None,
        "outlets": parse_count(values["outlets"], _("营业网点数")) if values.get("outlets") else None,
        "deposits": parse_money(values["deposits"], _("存款余额")) if values.get("deposits") else None,
        "source": values.get("source", "")[:200],
    }
    _figure, changed = size_figure_save(institution=institution, year=year, **fields)
    return changed


def _run(
    raw: IO[bytes],
    file_name: str,
    fields: Sequence[Field],
    save_row: Callable[[dict[str, str], By], bool],
    by: By,
    report_out: IO[str],
) -> ImportSummary:
    with translation.override(settings.LANGUAGE_CODE):
        table = Table(raw, file_name, fields)
        report = RejectReport(report_out, table.headers)
        summary = ImportSummary()
        for number, values, raw_row in table:
            summary.rows += 1
            try:
                with transaction.atomic():
                    changed = save_row(values, by)
            except RowError as exc:
                report.add(number, str(exc), raw_row)
                continue
            except ValidationError as exc:
                report.add(number, "；".join(str(m) for m in exc.messages), raw_row)
                continue
            summary.imported += changed
            summary.skipped += not changed
        summary.rejected = report.count
    return summary


def penalties_import(
    *, raw: IO[bytes], file_name: str, by: Actor | AnonymousUser, report_out: IO[str]
) -> ImportSummary:
    if not can_record_penalties(by):
        raise PermissionDenied(gettext_lazy("只有监管部门工作人员和管理员可以登记行政处罚。"))
    return _run(raw, file_name, PENALTY_FIELDS, _penalty_row, by, report_out)


def size_figures_import(
    *, raw: IO[bytes], file_name: str, by: Actor | AnonymousUser | None, report_out: IO[str]
) -> ImportSummary:
    return _run(raw, file_name, SIZE_FIELDS, _size_row, by, report_out)


def import_from_path(
    importer: Callable[..., ImportSummary], *, path: str, by: Actor | None, report_path: str
) -> ImportSummary:
    """A management command's run: the file on disk, the report beside it (removed when nothing was rejected)."""
    from pathlib import Path

    with open(path, "rb") as raw, open(report_path, "w", encoding="utf-8", newline="") as report_out:
        summary = importer(raw=raw, file_name=Path(path).name, by=by, report_out=report_out)
    if not summary.rejected:
        Path(report_path).unlink(missing_ok=True)
    return summary
