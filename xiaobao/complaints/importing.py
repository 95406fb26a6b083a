"""Bulk import of complaints from another system: the CFPB public export as published, or the platform's template.

Imported complaints carry the source's own dates, institution and outcome; every other part of the
platform treats them like complaints handled here: they carry a number, a status, the authority of
the supervision line on their date, categories, an answer deadline where the dates allow one, and an
Event that says where they came from. A row the source still has open (the CFPB's "In progress") comes
in open, sent to the institution and waiting for its answer, with no clock of the platform's running:
the source decides when it is answered, so it counts neither as late nor as on time until then.

Speed without half-written records: rows are read as a stream (flat memory whatever the file's size),
each row is validated whole before anything is written, and valid rows are written in batches with
bulk inserts, one transaction per batch. Should a batch fail in the database anyway, it is written
again row by row, so a row is imported whole or not at all and the others are not held back.

Rows are keyed by the source's own complaint id. A later file with an id imported before updates that
record where the source moved it on (answered, closed, the company's response changed, the consumer
disputed it…), each change an event on the complaint's timeline; a row that matches its record
changes nothing, so a second run of the same file writes nothing.
"""

import csv
import functools
import hashlib
import io
import itertools
import shutil
import tempfile
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, cast

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, models, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xiaobao.accounts.models import User
from xiaobao.complaints.models import Complaint, Deadline, Event, ImportMapping, ImportRun
from xiaobao.core.numbers import numbers_reserve
from xiaobao.lib.codes import USCC_CHARSET, is_valid_uscc, uscc_check_char
from xiaobao.lib.export import UTF8_BOM
from xiaobao.lib.tabular import (
    Field,
    RejectReport,
    RowError,
    Table,
    parse_bool,
    parse_date,
    parse_money,
)
from xiaobao.lib.workdays import add_calendar_days
from xiaobao.registry.models import (
    Category,
    DeadlineRuleSet,
    Institution,
    InstitutionType,
    Label,
    Region,
    SupervisionLine,
)
from xiaobao.registry.selectors import calendar_exceptions, supervision_line_for

# 2,000 rows a transaction: large enough that the per-transaction cost (a commit, the number and
# duplicate look-ups) is spread thin, small enough that a write lock is held well under a second.
BATCH_ROWS = 2000
# A complaint only has the date it was received: noon keeps it on that date in any time zone's reading.
RECEIVED_AT = time(12, 0)
# Distinct unmapped values kept per field: the report names the source's vocabulary, not every row.
UNMAPPED_KEEP = 500
SUMMARY_MAX = 120
EARLIEST = date(2000, 1, 1)

CFPB = "cfpb"
XIAOBAO = "xiaobao"

# ---------------------------------------------------------------------------------------------
# The two profiles' columns

# As the CFPB's public export (consumerfinance.gov/data-research/consumer-complaints) writes them.
CFPB_FIELDS = (
    Field("received", ("Date received",), required=True),
    Field("product", ("Product",), required=True),
    Field("sub_product", ("Sub-product",)),
    Field("issue", ("Issue",), required=True),
    Field("sub_issue", ("Sub-issue",)),
    Field("narrative", ("Consumer complaint narrative",)),
    Field("public_response", ("Company public response",)),
    Field("company", ("Company",), required=True),
    Field("state", ("State",)),
    Field("zip", ("ZIP code",)),
    Field("tags", ("Tags",)),
    Field("consent", ("Consumer consent provided?",)),
    Field("via", ("Submitted via",)),
    Field("sent", ("Date sent to company",)),
    Field("response", ("Company response to consumer",)),
    Field("timely", ("Timely response?",)),
    Field("disputed", ("Consumer disputed?",)),
    Field("source_id", ("Complaint ID",), required=True),
)

# The platform's own template: Chinese headers, with English aliases for systems that export them.
XIAOBAO_FIELDS = (
    Field(
        "source_id",
        ("来源编号", "source_id", "Complaint ID"),
        True,
        gettext_lazy("原系统中的投诉编号，重复导入时据此跳过"),
    ),
    Field("received", ("收到日期", "received", "Date received"), True, gettext_lazy("2019-05-14 或 05/14/2019")),
    Field("institution", ("被投诉机构", "institution", "Company"), True, gettext_lazy("机构全称；未登记的机构将新建")),
    Field("uscc", ("统一社会信用代码", "uscc"), False, gettext_lazy("填写时优先按代码匹配机构")),
    Field("institution_type", ("机构类型", "institution_type"), False, gettext_lazy("新建机构时使用，填写代码或名称")),
    Field("region", ("地区", "region"), False, gettext_lazy("行政区划代码或名称")),
    Field("business", ("业务类别", "business"), True, gettext_lazy("分类代码（如 B03-02）或名称")),
    Field("cause", ("投诉原因", "cause"), False, gettext_lazy("分类代码（如 C07）或名称")),
    Field("channel", ("办理渠道", "channel"), False, gettext_lazy("分类代码或名称")),
    Field("summary", ("投诉事项", "summary"), True, gettext_lazy("不超过120字")),
    Field("narrative", ("投诉内容", "narrative")),
    Field("consent", ("同意公开", "consent_publish"), False, gettext_lazy("是/否：投诉人是否同意去除个人信息后公开")),
    Field("via", ("投诉渠道", "submitted_via"), False, gettext_lazy("网站、电话、信函、来访、电子邮件")),
    Field("amount", ("涉及金额（元）", "amount"), False, gettext_lazy("数字，单位元")),
    Field("sent", ("转办日期", "sent", "Date sent to company")),
    Field("answered", ("答复日期", "answered")),
    Field("closed", ("办结日期", "closed"), False, gettext_lazy("留空时取答复日期")),
    Field("outcome", ("处理结果", "outcome"), False, gettext_lazy("支持诉求、部分支持、不支持")),
    Field("decision", ("处理意见", "decision")),
    Field("remedy_amount", ("补偿/退还金额（元）", "remedy_amount")),
    Field("timely", ("是否及时答复", "timely", "Timely response?"), False, gettext_lazy("是/否；留空时按答复日期计算")),
)

PROFILES: dict[str, Sequence[Field]] = {CFPB: CFPB_FIELDS, XIAOBAO: XIAOBAO_FIELDS}

# The CFPB's "Company response to consumer", as an outcome. "Closed" alone says nothing of the result.
CFPB_OUTCOMES = {
    "closed with monetary relief": Complaint.Outcome.UPHELD,
    "closed with relief": Complaint.Outcome.UPHELD,
    "closed with non-monetary relief": Complaint.Outcome.PARTLY,
    "closed with explanation": Complaint.Outcome.NOT_UPHELD,
    "closed without relief": Complaint.Outcome.NOT_UPHELD,
    "closed": "",
    "untimely response": "",
}
CFPB_OPEN_RESPONSES = {"in progress"}
CFPB_VIA = {
    "web": Complaint.Via.WEB,
    "web referral": Complaint.Via.WEB,
    "phone": Complaint.Via.PHONE,
    "postal mail": Complaint.Via.LETTER,
    "fax": Complaint.Via.LETTER,
    "email": Complaint.Via.EMAIL,
    "referral": Complaint.Via.IMPORT,
}
# "Older American" is the CFPB's tag for consumers aged 62 and over: the platform's vulnerable-group tag.
CFPB_TAG_LABELS = {"older american": "vulnerable"}

# The registry type a new institution gets from the sector of its complaint's business category.
SECTOR_TYPES: dict[str, str] = {
    InstitutionType.Sector.BANKING: "joint-stock-bank",
    InstitutionType.Sector.INSURANCE: "life-insurer",
    InstitutionType.Sector.SECURITIES: "securities-firm",
    InstitutionType.Sector.PAYMENT: "payment",
    InstitutionType.Sector.LOCAL: "microcredit",
    InstitutionType.Sector.UNLICENSED: "unlicensed",
}
# A business category with no sector of its own (e.g. 个人金融信息) fits every sector: banking is the most common.
FALLBACK_TYPE = "joint-stock-bank"


def name_key(name: str) -> str:
    """Institution names compare without case, repeated spaces, trailing dots or bracket width."""
    name = name.replace("（", "(").replace("）", ")")
    return " ".join(name.split()).strip(" .,;").casefold()


def provisional_uscc(name: str, salt: int = 0) -> str:
    """A stable, checksum-valid code for an institution known only by name. "YY" heads no code a
    registration authority issues, so an administrator can tell these from real ones at a glance."""
    digest = hashlib.sha256(f"{name_key(name)}#{salt}".encode()).digest()
    body = "YY" + "".join(USCC_CHARSET[b % len(USCC_CHARSET)] for b in digest[:15])
    return body + uscc_check_char(body)


# ---------------------------------------------------------------------------------------------
# One validated row


@dataclass
class InstitutionRef:
    """An institution a row names: one in the registry (pk), or one the import will create."""

    name: str
    type_id: int
    region_id: str
    uscc: str = ""
    pk: int | None = None


@dataclass
class Row:
    number: int
    raw: Sequence[Any]
    source_id: str
    received: date
    institution: InstitutionRef
    business: Category
    summary: str
    narrative: str = ""
    cause: Category | None = None
    channel: Category | None = None
    region_id: str | None = None
    consent: bool = False
    via: str = Complaint.Via.IMPORT
    amount: Decimal | None = None
    sent: date | None = None
    answered: date | None = None
    closed: date | None = None
    outcome: str = ""
    decision: str = ""
    remedy_amount: Decimal | None = None
    timely: bool | None = None
    tag_ids: list[int] = field(default_factory=list)
    status: str = Complaint.Status.CLOSED
    original: dict[str, str] = field(default_factory=dict)
    unmapped: list[str] = field(default_factory=list)


class Reference:
    """The reference data a run reads for every row, loaded once: taxonomy, mappings, registry, rules."""

    def __init__(self, source: str) -> None:
        self.source = source
        categories = list(Category.objects.filter(is_active=True).select_related("parent"))
        self.category_by_code = {c.code.casefold(): c for c in categories}
        self.category_by_name: dict[tuple[str, str], Category | None] = {}
        for c in categories:
            key = (c.dimension, c.name.casefold())
            self.category_by_name[key] = None if key in self.category_by_name else c  # None: ambiguous
        self.mappings: dict[tuple[str, str], ImportMapping] = {
            (m.field, name_key(m.value)): m for m in ImportMapping.objects.filter(source=source)
        }
        self.fallback_business = self.category_by_code.get("b14") or next(
            c for c in categories if c.dimension == Category.Dimension.BUSINESS
        )
        self.types_by_code = {t.code: t for t in InstitutionType.objects.all()}
        self.types_by_name = {t.name: t for t in self.types_by_code.values()}
        self.regions = {r.code: r for r in Region.objects.all()}
        self.region_by_name = {r.name: r for r in self.regions.values()}
        # New institutions from a file without regions are placed in the province (the first, by code).
        self.home_region = min(
            (r for r in self.regions.values() if r.level == Region.Level.PROVINCE), key=lambda r: r.code
        )
        self.institutions: dict[str, InstitutionRef] = {}
        self.by_uscc: dict[str, InstitutionRef] = {}
        registered = list(Institution.objects.only("pk", "name", "short_name", "uscc", "type_id", "region_id"))
        for inst in registered:
            self.by_uscc[inst.uscc] = InstitutionRef(inst.name, inst.type_id, inst.region_id, inst.uscc, inst.pk)
        # Short names first, so that one institution's full name wins over another's short name.
        for attr in ("short_name", "name"):
            for inst in registered:
                if getattr(inst, attr):
                    self.institutions[name_key(getattr(inst, attr))] = self.by_uscc[inst.uscc]
        for (fld, value_key), mapping in self.mappings.items():
            if fld == ImportMapping.Field.COMPANY and mapping.institution is not None:
                self.institutions[value_key] = self.by_uscc[mapping.institution.uscc]
        self.labels = {lab.code: lab.pk for lab in Label.objects.filter(kind=Label.Kind.SENSITIVITY, is_active=True)}
        self.rule_sets = sorted(DeadlineRuleSet.objects.all(), key=lambda r: r.valid_from)
        if not self.rule_sets:
            raise DeadlineRuleSet.DoesNotExist("No deadline rule set: run load_reference.")
        self.calendar = calendar_exceptions()
        self._lines: dict[tuple[int, str, int], tuple[SupervisionLine | None, bool]] = {}
        self._bounds: dict[int, list[date]] = {}
        self._mapped: dict[tuple[str, str], Category | None] = {}
        self.today = timezone.localdate()

    # Taxonomy ------------------------------------------------------------------------------

    def category(self, dimension: str, text: str, label: str) -> Category | None:
        if not text:
            return None
        found = self.category_by_code.get(text.casefold())
        if found is None:
            key = (dimension, text.casefold())
            if key in self.category_by_name and self.category_by_name[key] is None:
                raise RowError(
                    _("%(label)s“%(value)s”有多个同名分类，请填写分类代码。") % {"label": label, "value": text}
                )
            found = self.category_by_name.get(key)
        if found is None or found.dimension != dimension:
            raise RowError(_("%(label)s“%(value)s”不在分类表中。") % {"label": label, "value": text})
        return found

    def mapped(self, fld: str, value: str) -> Category | None:
        key = (fld, value)
        if key not in self._mapped:
            mapping = self.mappings.get((fld, name_key(value))) if value else None
            found = None
            if mapping is not None and mapping.category_code:
                found = self.category_by_code.get(mapping.category_code.casefold())
            self._mapped[key] = found
        return self._mapped[key]

    # Registry ------------------------------------------------------------------------------

    def institution(
        self, name: str, *, uscc: str = "", type_text: str = "", region_id: str, business: Category
    ) -> InstitutionRef:
        if uscc:
            uscc = uscc.upper()
            if not is_valid_uscc(uscc):
                raise RowError(_("统一社会信用代码“%(value)s”无效。") % {"value": uscc})
            if uscc in self.by_uscc:
                return self.by_uscc[uscc]
        if name in self.institutions:  # the name exactly as a row before wrote it: no normalising
            return self.institutions[name]
        key = name_key(name)
        if key in self.institutions:
            self.institutions[name] = self.institutions[key]
            return self.institutions[key]
        if type_text:
            itype = self.types_by_code.get(type_text) or self.types_by_name.get(type_text)
            if itype is None:
                raise RowError(_("机构类型“%(value)s”不在机构类型表中。") % {"value": type_text})
        else:
            itype = self.types_by_code.get(self._sector_type(business)) or self.types_by_code[FALLBACK_TYPE]
        ref = InstitutionRef(name=" ".join(name.split())[:100], type_id=itype.pk, region_id=region_id, uscc=uscc)
        self.institutions[key] = ref
        if uscc:
            self.by_uscc[uscc] = ref
        return ref

    @staticmethod
    def _sector_type(business: Category) -> str:
        node = business
        while not node.sectors and node.parent is not None:
            node = node.parent
        sector = node.sectors.split(",")[0].strip() if node.sectors else ""
        return SECTOR_TYPES.get(sector, FALLBACK_TYPE)

    def region(self, text: str) -> Region | None:
        if not text:
            return None
        found = self.regions.get(text) or self.region_by_name.get(text)
        if found is None:
            raise RowError(_("地区“%(value)s”不在行政区划表中。") % {"value": text})
        return found

    # Routing and rules ---------------------------------------------------------------------

    def line(self, ref: InstitutionRef, on: date) -> tuple[SupervisionLine, bool]:
        """The supervision line on that date; for a date before any line (old CFPB records), the first
        line of the type, flagged as a fallback so the event can say so.

        The answer only changes on the days a line of the type starts or ends, so the selector is asked
        once per stretch between those days, not once per row.
        """
        if ref.type_id not in self._bounds:
            bounds: set[date] = set()
            for start, end in SupervisionLine.objects.filter(institution_type_id=ref.type_id).values_list(
                "valid_from", "valid_to"
            ):
                bounds.add(start)
                if end is not None:
                    bounds.add(end + timedelta(days=1))
            self._bounds[ref.type_id] = sorted(bounds)
        bounds_of_type = self._bounds[ref.type_id]
        stretch = bisect_right(bounds_of_type, on)
        key = (ref.type_id, ref.region_id, stretch)
        if key not in self._lines:
            probe = Institution(type_id=ref.type_id, region=self.regions[ref.region_id])
            found = supervision_line_for(institution=probe, on=on)
            fallback = False
            if found is None and stretch == 0 and bounds_of_type:
                found, fallback = supervision_line_for(institution=probe, on=bounds_of_type[0]), True
            self._lines[key] = (found, fallback)
        found, fallback = self._lines[key]
        if found is None:
            raise RowError(_("未找到该机构在 %(date)s 的监管部门：请管理员先维护监管分工。") % {"date": on})
        return found, fallback

    def rule_set(self, on: date) -> DeadlineRuleSet:
        chosen = self.rule_sets[0]  # records older than every rule set are judged by the first one
        for rule_set in self.rule_sets:
            if rule_set.valid_from <= on:
                chosen = rule_set
        return chosen


# ---------------------------------------------------------------------------------------------
# Parsing one row per profile


_RECEIVED = gettext_lazy("收到日期")
_LATER_DATES = (
    ("sent", gettext_lazy("转办日期")),
    ("answered", gettext_lazy("答复日期")),
    ("closed", gettext_lazy("办结日期")),
)


def _dates_in_order(row: Row, today: date) -> None:
    if row.received > today:
        raise RowError(_("收到日期 %(date)s 晚于今天。") % {"date": row.received})
    if row.received < EARLIEST:
        raise RowError(_("收到日期 %(date)s 早于 2000 年。") % {"date": row.received})
    previous, previous_label = row.received, _RECEIVED
    for attr, label in _LATER_DATES:
        value = getattr(row, attr)
        if value is None:
            continue
        if value < previous:
            raise RowError(_("%(later)s早于%(earlier)s。") % {"later": label, "earlier": previous_label})
        if value > today:
            raise RowError(_("%(label)s %(date)s 晚于今天。") % {"label": label, "date": value})
        previous, previous_label = value, label


def _source_id(values: dict[str, str]) -> str:
    source_id = values["source_id"]
    if not source_id:
        raise RowError(_("缺少来源编号。"))
    if len(source_id) > 64:
        raise RowError(_("来源编号超过64个字符。"))
    return source_id


def parse_cfpb(number: int, values: dict[str, str], raw: Sequence[Any], ref: Reference) -> Row:
    source_id = _source_id(values)
    received = parse_date(values["received"], "Date received") if values["received"] else None
    if received is None:
        raise RowError(_("缺少收到日期（Date received）。"))
    company = values["company"]
    if not company:
        raise RowError(_("缺少被投诉机构（Company）。"))
    product = values["product"]
    if not product:
        raise RowError(_("缺少产品（Product）。"))
    response = values.get("response", "")
    # Still with the company: imported open, as sent and waiting for the answer.
    is_open = response.casefold() in CFPB_OPEN_RESPONSES
    unmapped: list[str] = []
    business = ref.mapped("sub_product", values.get("sub_product", "")) or ref.mapped("product", product)
    if business is None:
        business = ref.fallback_business
        unmapped.append(f"product:{product}")
    issue = values["issue"]
    cause = ref.mapped("sub_issue", values.get("sub_issue", "")) or ref.mapped("issue", issue)
    if cause is None and issue:
        unmapped.append(f"issue:{issue}")
    outcome = "" if is_open else CFPB_OUTCOMES.get(response.casefold())
    if outcome is None:
        outcome = ""
        if response:
            unmapped.append(f"response:{response}")
    via_text = values.get("via", "")
    via = CFPB_VIA.get(via_text.casefold())
    if via is None:
        via = Complaint.Via.IMPORT
        if via_text:
            unmapped.append(f"via:{via_text}")
    timely = parse_bool(values.get("timely", ""), "Timely response?")
    if response.casefold() == "untimely response":
        timely = False
    if is_open:
        # The export writes "Yes" before the company has answered at all: nothing is known yet.
        timely = None
    tags = [t.strip() for t in values.get("tags", "").split(",") if t.strip()]
    summary = " / ".join(v for v in (issue, values.get("sub_issue", "")) if v) or product
    decision = "\n".join(
        f"{label}: {values[key]}"
        for key, label in (("response", "Company response to consumer"), ("public_response", "Company public response"))
        if values.get(key)
    )
    row = Row(
        number=number,
        raw=raw,
        source_id=source_id,
        received=received,
        institution=ref.institution(company, region_id=ref.home_region.code, business=business),
        business=business,
        cause=cause,
        summary=_cut(summary, SUMMARY_MAX),
        narrative=values.get("narrative", ""),
        consent=values.get("consent", "").casefold() == "consent provided",
        via=via,
        sent=parse_date(values["sent"], "Date sent to company") if values.get("sent") else None,
        outcome=outcome,
        decision=decision,
        timely=timely,
        tag_ids=[
            ref.labels[CFPB_TAG_LABELS[t.casefold()]] for t in tags if CFPB_TAG_LABELS.get(t.casefold()) in ref.labels
        ],
        status=Complaint.Status.WITH_INSTITUTION if is_open else Complaint.Status.CLOSED,
        original={k: v for k, v in values.items() if v and k not in ("narrative", "source_id")},
        unmapped=unmapped,
    )
    _dates_in_order(row, ref.today)
    return row


XIAOBAO_OUTCOMES = {
    "支持诉求": Complaint.Outcome.UPHELD,
    "支持": Complaint.Outcome.UPHELD,
    "部分支持": Complaint.Outcome.PARTLY,
    "不支持": Complaint.Outcome.NOT_UPHELD,
    **{value: value for value in Complaint.Outcome.values},
}


def _choice(text: str, choices: type[models.Choices], label: str) -> str:
    if not text:
        return ""
    for value, name in choices.choices:
        if text in (value, str(name)):
            return value
    raise RowError(_("%(label)s“%(value)s”不在可选范围内。") % {"label": label, "value": text})


def parse_xiaobao(number: int, values: dict[str, str], raw: Sequence[Any], ref: Reference) -> Row:
    source_id = _source_id(values)
    if not values["received"]:
        raise RowError(_("缺少收到日期。"))
    received = parse_date(values["received"], _("收到日期"))
    if not values["institution"]:
        raise RowError(_("缺少被投诉机构。"))
    business = ref.category(Category.Dimension.BUSINESS, values["business"], _("业务类别"))
    if business is None:
        raise RowError(_("缺少业务类别。"))
    summary = values["summary"]
    if not summary:
        raise RowError(_("缺少投诉事项。"))
    if len(summary) > SUMMARY_MAX:
        raise RowError(_("投诉事项超过120字。"))
    region = ref.region(values.get("region", ""))
    outcome_text = values.get("outcome", "")
    if outcome_text and outcome_text not in XIAOBAO_OUTCOMES:
        raise RowError(_("处理结果“%(value)s”应为：支持诉求、部分支持、不支持。") % {"value": outcome_text})

    def day(key: str, label: str) -> date | None:
        return parse_date(values[key], label) if values.get(key) else None

    answered = day("answered", _("答复日期"))
    row = Row(
        number=number,
        raw=raw,
        source_id=source_id,
        received=received,
        institution=ref.institution(
            values["institution"],
            uscc=values.get("uscc", ""),
            type_text=values.get("institution_type", ""),
            region_id=(region or ref.home_region).code,
            business=business,
        ),
        business=business,
        cause=ref.category(Category.Dimension.CAUSE, values.get("cause", ""), _("投诉原因")),
        channel=ref.category(Category.Dimension.CHANNEL, values.get("channel", ""), _("办理渠道")),
        region_id=region.code if region else None,
        summary=summary,
        narrative=values.get("narrative", ""),
        consent=bool(parse_bool(values.get("consent", ""), _("同意公开"))),
        via=_choice(values.get("via", ""), Complaint.Via, _("投诉渠道")) or Complaint.Via.IMPORT,
        amount=parse_money(values["amount"], _("涉及金额")) if values.get("amount") else None,
        sent=day("sent", _("转办日期")),
        answered=answered,
        closed=day("closed", _("办结日期")) or answered,
        outcome=XIAOBAO_OUTCOMES.get(outcome_text, ""),
        decision=values.get("decision", ""),
        remedy_amount=parse_money(values["remedy_amount"], _("补偿/退还金额")) if values.get("remedy_amount") else None,
        timely=parse_bool(values.get("timely", ""), _("是否及时答复")),
        original={k: v for k, v in values.items() if v and k in ("institution", "business", "cause", "region")},
    )
    _dates_in_order(row, ref.today)
    return row


PARSERS: dict[str, Callable[[int, dict[str, str], Sequence[Any], Reference], Row]] = {
    CFPB: parse_cfpb,
    XIAOBAO: parse_xiaobao,
}


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------------------------------------
# Writing a batch


@functools.lru_cache(maxsize=8192)
def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, RECEIVED_AT))


# Field classes whose Python value is already what the database driver takes.
_PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.BooleanField,
    models.IntegerField,
    models.SlugField,
    models.ForeignKey,
)


def _preparer(field: models.Field) -> Callable[[Any], Any]:
    """How one column's Python value becomes the driver's: only what the backend needs, nothing per row."""
    db = connections[DEFAULT_DB_ALIAS]  # the connection itself: the module-level proxy costs a look-up per use
    ops = db.ops
    if isinstance(field, models.DateTimeField):
        # An import's datetimes are a few hundred distinct days at noon: convert each once.
        return functools.lru_cache(maxsize=8192)(ops.adapt_datetimefield_value)
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.DecimalField):
        return lambda v: ops.adapt_decimalfield_value(v, field.max_digits, field.decimal_places)
    if type(field) in _PLAIN_FIELDS or (
        isinstance(field, models.IntegerField) and type(field).get_prep_value is models.IntegerField.get_prep_value
    ):
        return lambda v: v
    if isinstance(field, models.TextField):  # encrypted text: an empty value stays empty, unencrypted
        return lambda v: v if v == "" else field.get_db_prep_save(v, db)
    return lambda v: field.get_db_prep_save(v, db)  # JSON, encrypted text and the like


def _insert(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """INSERT the rows (by attribute name; the rest take the model's defaults) with one executemany.

    bulk_create builds a model instance and prepares every value through the ORM for each row; at a
    million rows that costs more than the database's own work, and nothing here needs what it adds.
    """
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    preparers = [(f.attname, _preparer(f)) for f in fields]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from the model, values as parameters
        quote(model._meta.db_table),
        ", ".join(quote(cast(str, f.column)) for f in fields),  # a concrete field has a column
        ", ".join(["%s"] * len(fields)),
    )
    params = [[prep(row[name]) if name in row else prep(defaults[name]) for name, prep in preparers] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _create_institution(ref: InstitutionRef) -> None:
    uscc, salt = ref.uscc, 0
    if not uscc:
        uscc = provisional_uscc(ref.name)
        while Institution.objects.filter(uscc=uscc).exists():
            salt += 1
            uscc = provisional_uscc(ref.name, salt)
    inst = Institution.objects.create(
        uscc=uscc, name=ref.name, type_id=ref.type_id, region_id=ref.region_id, is_imported=True, is_demo=False
    )
    ref.pk, ref.uscc = inst.pk, uscc


def _by_source_id(source: str, source_ids: list[str]) -> "QuerySet[Complaint]":
    """The complaints of a source with these ids, through the unique index on (source, source_id).

    The index is partial (only rows with an id), and SQLite uses a partial index only when the query
    repeats its condition: without the exclude() each batch would scan the whole table.
    """
    return Complaint.objects.filter(source=source, source_id__in=source_ids).exclude(source_id="").order_by()


@dataclass
class Outcome:
    imported: int = 0
    updated: int = 0
    skipped: int = 0
    created: list[str] = field(default_factory=list)


# The columns a row sets and a later row of the same id may change, with the words an update event uses.
_TRACKED: dict[str, Any] = {
    "status": gettext_lazy("状态"),
    "submitted_via": gettext_lazy("投诉渠道"),
    "received_at": gettext_lazy("收到日期"),
    "region_id": gettext_lazy("地区"),
    "institution_id": gettext_lazy("被投诉机构"),
    "channel_id": gettext_lazy("办理渠道"),
    "business_id": gettext_lazy("业务类别"),
    "cause_id": gettext_lazy("投诉原因"),
    "amount": gettext_lazy("涉及金额"),
    "summary": gettext_lazy("投诉事项"),
    "narrative": gettext_lazy("投诉内容"),
    "consent_publish": gettext_lazy("同意公开"),
    "sent_at": gettext_lazy("转办日期"),
    "answered_at": gettext_lazy("答复日期"),
    "outcome": gettext_lazy("处理结果"),
    "decision": gettext_lazy("处理意见"),
    "remedy_amount": gettext_lazy("补偿/退还金额"),
    "closed_at": gettext_lazy("办结日期"),
    "timely_as_recorded": gettext_lazy("是否及时答复"),
}
# Set with the institution and the date of receipt: they follow them, and are not reported on their own.
_ROUTED = ("authority_id", "supervision_line_id", "rule_set_id")


def _values(row: Row, ref: Reference) -> tuple[dict[str, Any], bool, int]:
    """The complaint's columns as the row gives them; whether the authority is the first line's, for a
    date before every line; and the answer days of the rule set in force on the date of receipt."""
    line, fallback = ref.line(row.institution, row.received)
    rule_set = ref.rule_set(row.received)
    is_open = row.status in Complaint.OPEN_STATUSES
    closed = None if is_open else (row.closed or row.answered or row.sent or row.received)
    values = {
        "status": row.status,
        "submitted_via": row.via,
        "received_at": _at(row.received),
        "rule_set_id": rule_set.pk,
        "region_id": row.region_id,
        "institution_id": row.institution.pk,
        "authority_id": line.authority_id,
        "supervision_line_id": line.pk,
        "channel_id": row.channel.pk if row.channel else None,
        "business_id": row.business.pk,
        "cause_id": row.cause.pk if row.cause else None,
        "amount": row.amount,
        "summary": row.summary,
        "narrative": row.narrative,
        "consent_publish": row.consent,
        "sent_at": _at(row.sent) if row.sent else None,
        "answered_at": _at(row.answered) if row.answered else None,
        "outcome": row.outcome,
        "decision": row.decision,
        "remedy_amount": row.remedy_amount,
        "closed_at": _at(closed) if closed else None,
        "timely_as_recorded": row.timely,
    }
    return values, fallback, rule_set.answer_days


def _answer_deadline(pk: int, row: Row, days: int, ref: Reference) -> dict[str, Any] | None:
    """The answer clock of a row that gives its answer date: closed on that date, so met or missed by it."""
    if not row.answered:
        return None
    start = row.sent or row.received
    return {
        "complaint_id": pk,
        "kind": Deadline.Kind.ANSWER,
        "party": Deadline.Party.INSTITUTION,
        "opened_at": _at(start),
        "start_date": start,
        "due_date": add_calendar_days(start, days, ref.calendar),
        "closed_at": _at(row.answered),
    }


def _event_data(row: Row, ref: Reference, file_name: str) -> dict[str, Any]:
    data: dict[str, Any] = {"source": ref.source, "source_id": row.source_id, "file": file_name, "row": row.number}
    if row.original:
        data["original"] = row.original
    if row.unmapped:
        data["unmapped"] = row.unmapped
    return data


def _write(rows: list[Row], *, ref: Reference, by: User | None, file_name: str, outcome: Outcome) -> None:
    """Insert the rows not imported before and update the records a row changes; the caller holds the
    transaction."""
    known = {
        c["source_id"]: c
        for c in _by_source_id(ref.source, [r.source_id for r in rows]).values("pk", "source_id", *_TRACKED, *_ROUTED)
    }
    todo = [r for r in rows if r.source_id not in known]
    if known:
        _update([r for r in rows if r.source_id in known], known, ref=ref, by=by, file_name=file_name, outcome=outcome)
    if not todo:
        return
    for row in todo:
        if row.institution.pk is None:
            _create_institution(row.institution)
            outcome.created.append(row.institution.name)
    numbers = numbers_reserve(Complaint.NUMBER_PREFIX, Counter(r.received for r in todo), used=Complaint.objects)
    complaints, fallbacks, answer_days = [], [], []
    by_id = by.pk if by else None
    for row in todo:
        values, fallback, days = _values(row, ref)
        fallbacks.append(fallback)
        answer_days.append(days)
        complaints.append(
            {
                **values,
                "number": next(numbers[row.received]),
                "created_by_id": by_id,
                "accepted_at": _at(row.sent or row.received),
                "remedies_open": [],
                "is_imported": True,
                "source": ref.source,
                "source_id": row.source_id,
            }
        )
    _insert(Complaint, complaints)
    ids = dict(_by_source_id(ref.source, [r.source_id for r in todo]).values_list("source_id", "pk"))
    now = timezone.now()
    events, deadlines, tags = [], [], []
    note = _("自文件“%(file)s”导入的投诉。") % {"file": file_name}
    for row, fallback, days in zip(todo, fallbacks, answer_days, strict=True):
        pk = ids[row.source_id]
        data = _event_data(row, ref, file_name)
        if fallback:
            data["authority_fallback"] = True
        events.append(
            {
                "complaint_id": pk,
                "kind": Event.Kind.IMPORTED,
                "actor_id": by_id,
                "at": now,
                "visibility": Event.Visibility.STAFF,
                "to_status": row.status,
                "note": note,
                "data": data,
            }
        )
        deadline = _answer_deadline(pk, row, days, ref)
        if deadline:
            deadlines.append(deadline)
        tags += [{"complaint_id": pk, "label_id": label} for label in row.tag_ids]
    _insert(Event, events)
    _insert(Deadline, deadlines)
    _insert(Complaint.tags.through, tags)
    outcome.imported += len(todo)


def _latest_originals(pks: list[int]) -> dict[int, dict[str, str]]:
    """The source's own values of each record as the last import or update saw them."""
    latest: dict[int, dict[str, str]] = {}
    for pk, data in (
        Event.objects.filter(complaint_id__in=pks, kind__in=[Event.Kind.IMPORTED, Event.Kind.IMPORT_UPDATED])
        .order_by("complaint_id", "at", "pk")
        .values_list("complaint_id", "data")
    ):
        latest[pk] = (data or {}).get("original", {})
    return latest


def _shown(value: Any) -> Any:
    """A value as an update event keeps it: JSON, dates as the day they stand for."""
    if isinstance(value, datetime):
        return timezone.localtime(value).date().isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _update(
    rows: list[Row],
    known: dict[str, dict[str, Any]],
    *,
    ref: Reference,
    by: User | None,
    file_name: str,
    outcome: Outcome,
) -> None:
    """Bring the records of rows imported before up to what the source says now, one event per record
    that changed; rows that match their record change nothing."""
    originals = _latest_originals([known[r.source_id]["pk"] for r in rows])
    now = timezone.now()
    by_id = by.pk if by else None
    events, deadlines, answer_moved = [], [], []
    for row in rows:
        stored = known[row.source_id]
        pk = stored["pk"]
        if row.institution.pk is None:
            _create_institution(row.institution)
            outcome.created.append(row.institution.name)
        values, fallback, days = _values(row, ref)
        changes = {name: values[name] for name in _TRACKED if values[name] != stored[name]}
        before = originals.get(pk, {})
        source_changes = {
            key: [before.get(key, ""), row.original.get(key, "")]
            for key in sorted(set(before) | set(row.original))
            if before.get(key, "") != row.original.get(key, "")
        }
        if not changes and not source_changes:
            outcome.skipped += 1
            continue
        update = dict(changes)
        if "institution_id" in changes or "received_at" in changes:
            update.update({name: values[name] for name in _ROUTED})
        if update:
            Complaint.objects.filter(pk=pk).update(**update)
        if "answered_at" in changes:
            answer_moved.append(pk)
            deadline = _answer_deadline(pk, row, days, ref)
            if deadline:
                deadlines.append(deadline)
        labels = [str(_TRACKED[name]) for name in changes]
        if source_changes:
            headers = {f.key: f.headers[0] for f in PROFILES[ref.source]}
            labels.append(
                _("来源字段 %(fields)s") % {"fields": "、".join(headers.get(key, key) for key in source_changes)}
            )
        data = _event_data(row, ref, file_name)
        data["changes"] = {name: [_shown(stored[name]), _shown(values[name])] for name in changes}
        if source_changes:
            data["source_changes"] = source_changes
        if fallback:
            data["authority_fallback"] = True
        events.append(
            {
                "complaint_id": pk,
                "kind": Event.Kind.IMPORT_UPDATED,
                "actor_id": by_id,
                "at": now,
                "visibility": Event.Visibility.STAFF,
                "from_status": stored["status"],
                "to_status": values["status"],
                "note": _("来源文件“%(file)s”更新了：%(fields)s。") % {"file": file_name, "fields": "、".join(labels)},
                "data": data,
            }
        )
        outcome.imported += 1
        outcome.updated += 1
    # An answer date the source moved replaces the clock the earlier row closed.
    if answer_moved:
        Deadline.objects.filter(complaint_id__in=answer_moved, kind=Deadline.Kind.ANSWER).delete()
    _insert(Deadline, deadlines)
    _insert(Event, events)


# ---------------------------------------------------------------------------------------------
# A run


ProgressCallback = Callable[[int, float | None], None]


def complaints_import(
    *,
    raw: IO[bytes],
    file_name: str,
    profile: str,
    by: User | None,
    report_out: IO[str],
    progress: ProgressCallback | None = None,
    batch_rows: int = BATCH_ROWS,
) -> ImportRun:
    """Import one CSV or XLSX file of the given profile. Rejected rows go to report_out (CSV).

    Raises lib.tabular.TableError, before writing anything, when the file cannot be read or lacks a
    required column.
    """
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}")
    with translation.override(settings.LANGUAGE_CODE):
        table = Table(raw, file_name, PROFILES[profile])
        ref = Reference(profile)
        run = ImportRun.objects.create(
            profile=profile, file_name=file_name[:200], by=by, ignored_columns=table.ignored_columns
        )
        report = RejectReport(report_out, table.headers)
        parse = PARSERS[profile]
        outcome = Outcome()
        unmapped: dict[str, Counter[str]] = {}
        batch: list[Row] = []
        seen: dict[str, int] = {}
        rows = 0
        for number, values, raw_row in table:
            rows += 1
            try:
                row = parse(number, values, raw_row, ref)
                if row.source_id in seen:
                    raise RowError(_("来源编号与第 %(row)s 行重复。") % {"row": seen[row.source_id]})
            except RowError as exc:
                reason = str(exc)
                if table.format == "csv" and table.cells_read < len(table.headers):
                    # A download cut off mid-file ends in such a row: say so rather than only what it lacks.
                    reason += _("该行只有 %(cells)s 列，表头有 %(headers)s 列，文件可能在此处被截断。") % {
                        "cells": table.cells_read,
                        "headers": len(table.headers),
                    }
                report.add(number, reason, raw_row)
                continue
            seen[row.source_id] = number
            for item in row.unmapped:
                fld, _sep, value = item.partition(":")
                counter = unmapped.setdefault(fld, Counter())
                if value in counter or len(counter) < UNMAPPED_KEEP:
                    counter[value] += 1
            batch.append(row)
            if len(batch) >= batch_rows:
                _write_batch(batch, ref=ref, by=by, file_name=file_name, outcome=outcome, report=report)
                batch, seen = [], {}
                if progress:
                    progress(rows, table.fraction_done(rows))
        _write_batch(batch, ref=ref, by=by, file_name=file_name, outcome=outcome, report=report)
        if progress:
            progress(rows, 1.0)
        run.rows = rows
        run.imported, run.updated, run.skipped = outcome.imported, outcome.updated, outcome.skipped
        run.rejected = report.count
        run.unmapped = {fld: dict(counter.most_common()) for fld, counter in unmapped.items()}
        run.institutions_created = outcome.created
        run.finished_at = timezone.now()
        run.save()
    return run


def _write_batch(
    batch: list[Row], *, ref: Reference, by: User | None, file_name: str, outcome: Outcome, report: RejectReport
) -> None:
    """One transaction for the batch; on a database error, one per row, so only the faulty rows fail."""
    if not batch:
        return
    attempt = Outcome()
    try:
        with transaction.atomic():
            _write(batch, ref=ref, by=by, file_name=file_name, outcome=attempt)
    except DatabaseError:
        _forget_rolled_back(batch)
        for row in batch:
            single = Outcome()
            try:
                with transaction.atomic():
                    _write([row], ref=ref, by=by, file_name=file_name, outcome=single)
            except DatabaseError as exc:
                _forget_rolled_back([row])
                report.add(row.number, _("数据库拒绝写入：%(error)s") % {"error": str(exc)[:200]}, row.raw)
                continue
            _merge(outcome, single)
        return
    _merge(outcome, attempt)


def _forget_rolled_back(rows: list[Row]) -> None:
    """Institutions created inside a transaction that failed are gone with it: create them again next time."""
    refs = {id(r.institution): r.institution for r in rows if r.institution.pk is not None}
    alive = set(Institution.objects.filter(pk__in=[ref.pk for ref in refs.values()]).values_list("pk", flat=True))
    for ref in refs.values():
        if ref.pk not in alive:
            ref.pk = None
            if ref.uscc.startswith("YY"):
                ref.uscc = ""


def _merge(total: Outcome, part: Outcome) -> None:
    total.imported += part.imported
    total.updated += part.updated
    total.skipped += part.skipped
    total.created += part.created


# Rejected rows the command prints when the operator names no report file.
REJECTS_SHOWN = 20
REPORT_SUFFIXES = (".csv", ".xlsx")


@dataclass
class FileImport:
    run: ImportRun
    # The first rejected rows (row number, reason), for a summary on the terminal.
    rejects: list[tuple[str, str]]


def import_file(
    *,
    path: str | Path,
    profile: str,
    by: User | None,
    report_path: str | Path | None = None,
    progress: ProgressCallback | None = None,
) -> FileImport:
    """The management command's entry: a file on disk; the rejected rows, with their reasons and the
    row as it came, go to report_path (CSV or XLSX by its extension) when one is given."""
    if report_path is not None and Path(report_path).suffix.lower() not in REPORT_SUFFIXES:
        raise ValueError(f"{report_path}: the report is written as .csv or .xlsx")
    with open(path, "rb") as raw, tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as report_out:
        run = complaints_import(
            raw=raw, file_name=Path(path).name, profile=profile, by=by, report_out=report_out, progress=progress
        )
        report_out.seek(0)
        if report_out.read(1) != UTF8_BOM:
            report_out.seek(0)
        reader = csv.reader(report_out)
        header = next(reader)
        rejects = [(line[0], line[1]) for line in itertools.islice(reader, REJECTS_SHOWN)]
        if report_path is not None:
            report_out.seek(0)
            _write_report(report_out, Path(report_path), header)
    return FileImport(run, rejects)


def _write_report(report_csv: IO[str], report_path: Path, header: list[str]) -> None:
    if report_path.suffix.lower() == ".csv":
        with open(report_path, "w", encoding="utf-8", newline="") as out:
            shutil.copyfileobj(report_csv, out)
        return
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("被拒绝的行"))
    reader = csv.reader(report_csv)
    next(reader)
    sheet.append(header)
    for line in reader:
        sheet.append([int(line[0]) if line[0].isdigit() else line[0], *line[1:]])
    workbook.save(report_path)


# ---------------------------------------------------------------------------------------------
# The template


def template_workbook() -> bytes:
    """The platform's import template: the header row, and a sheet that explains each column."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.worksheet import Worksheet

    with translation.override(settings.LANGUAGE_CODE):
        workbook = Workbook()
        sheet = workbook.active
        assert isinstance(sheet, Worksheet)  # a new workbook opens on its one worksheet
        sheet.title = _("投诉数据")
        sheet.append([f.headers[0] for f in XIAOBAO_FIELDS])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        about = workbook.create_sheet(_("填写说明"))
        about.append([_("列名"), _("英文列名"), _("必填"), _("说明")])
        for f in XIAOBAO_FIELDS:
            about.append([f.headers[0], f.headers[1], _("是") if f.required else _("否"), str(f.help)])
        for cell in about[1]:
            cell.font = Font(bold=True)
        out = io.BytesIO()
        workbook.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# Merging an institution an import created into the registered one it stands for


@transaction.atomic
def institution_merge(*, source: Institution, into: Institution, by: User) -> int:
    """Move everything filed under an institution an import created to the registered institution it
    stands for, then delete it; later imports map its name there. Returns the complaints moved.

    The complaints keep their dates; their authority follows the new institution's supervision line
    on each complaint's date, as an import would have routed them, and each gets an event saying so.
    """
    from django.core.exceptions import PermissionDenied, ValidationError

    if by.role != User.Role.ADMIN:
        raise PermissionDenied(gettext_lazy("只有管理员可以合并机构。"))
    if not source.is_imported:
        raise ValidationError(gettext_lazy("只能合并导入时新建的机构。"))
    if source.pk == into.pk:
        raise ValidationError(gettext_lazy("不能与自身合并。"))
    source = Institution.objects.select_for_update(of=("self",)).get(pk=source.pk)
    ref = Reference(CFPB)
    target = InstitutionRef(into.name, into.type_id, into.region_id, into.uscc, into.pk)
    moved = list(
        Complaint.objects.filter(institution=source).values_list("pk", "received_at", "authority_id", "source")
    )
    by_line: dict[int, tuple[SupervisionLine, list[int]]] = {}
    for pk, received_at, _authority, _source in moved:
        line, _fallback = ref.line(target, timezone.localtime(received_at).date())
        by_line.setdefault(line.pk, (line, []))[1].append(pk)
    for line, pks in by_line.values():
        Complaint.objects.filter(pk__in=pks).update(
            institution=into, authority_id=line.authority_id, supervision_line=line
        )
    with translation.override(settings.LANGUAGE_CODE):
        note = _("被投诉机构由导入时新建的“%(source)s”更正为“%(into)s”。") % {"source": source.name, "into": into.name}
        mapping_note = _("合并导入机构时自动添加")
    now = timezone.now()
    _insert(
        Event,
        [
            {
                "complaint_id": pk,
                "kind": Event.Kind.INSTITUTION_MERGED,
                "actor_id": by.pk,
                "at": now,
                "visibility": Event.Visibility.STAFF,
                "from_status": Complaint.Status.CLOSED,
                "to_status": Complaint.Status.CLOSED,
                "note": note,
                "data": {"from": source.uscc, "to": into.uscc, "from_authority": authority},
            }
            for pk, _received, authority, _source in moved
        ],
    )
    source.penalties.update(institution=into)
    for figure in source.size_figures.all():
        if not into.size_figures.filter(year=figure.year).exists():
            figure.institution = into
            figure.save(update_fields=["institution"])
    for mapping in ImportMapping.objects.filter(field=ImportMapping.Field.COMPANY, institution=source):
        mapping.institution = into
        mapping.save(update_fields=["institution"])
    # The next import of the same source maps the name straight to the registered institution.
    for source_name in sorted({m[3] for m in moved if m[3]}):
        ImportMapping.objects.update_or_create(
            source=source_name,
            field=ImportMapping.Field.COMPANY,
            value=source.name,
            defaults={"institution": into, "note": mapping_note},
        )
    source.delete()
    return len(moved)
