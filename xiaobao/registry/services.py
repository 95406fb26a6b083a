"""Loading and refreshing the reference data: the files in reference/ and the official calendar."""

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import chinese_calendar
from chinese_calendar.constants import Holiday
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaobao.lib.codes import is_valid_uscc
from xiaobao.registry.access import Actor, can_record_penalties, issuing_authorities_for
from xiaobao.registry.models import (
    Authority,
    CalendarDay,
    Category,
    DeadlineRuleSet,
    Institution,
    InstitutionType,
    Label,
    Penalty,
    Region,
    SizeFigure,
    SupervisionLine,
)

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"

# Written into simple_history's change reason, so a later run can tell its own rows from an
# administrator's edits, which it must leave alone.
CALENDAR_SEED_REASON = "calendar_seed: chinese-calendar"

# institutions.json gives each head office's customers and outlets as orders of magnitude for the
# demonstration, without a year: they are filed under the last full year before the platform's launch.
REFERENCE_SIZE_YEAR = 2025
REFERENCE_SIZE_SOURCE = "institutions.json（量级示意）"

# The platform's history starts in 2016 (the Jilin implementing opinions are dated December 2016).
CALENDAR_FIRST_YEAR = 2016


def _rows(name: str) -> list[dict[str, Any]]:
    with (REFERENCE_DIR / name).open(encoding="utf-8") as f:
        return json.load(f)["rows"]


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _upsert(model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any]) -> tuple[models.Model, bool]:
    """update_or_create that writes only when something differs, so a second run leaves no history rows.

    values use attribute names (region_id, not region) so foreign keys compare without queries.
    """
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean(validate_unique=False, validate_constraints=False)
        obj.save()
        return obj, True
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if not changed:
        return obj, False
    for name in changed:
        setattr(obj, name, values[name])
    obj.full_clean(validate_unique=False, validate_constraints=False)
    obj.save(update_fields=[model._meta.get_field(name).name for name in changed])
    return obj, True


def _load_regions() -> tuple[int, int]:
    rows = sorted(_rows("regions.json"), key=lambda r: (r["level"], r["code"]))
    changed = 0
    for row in rows:
        _obj, did = _upsert(
            Region, {"code": row["code"]}, {"name": row["name"], "level": row["level"], "parent_id": row["parent"]}
        )
        changed += did
    return len(rows), changed


def _load_authorities() -> tuple[int, int]:
    rows = _rows("authorities.json")
    by_code = {row["code"]: row for row in rows}
    ids: dict[str, int] = {}
    changed = 0

    def load(row: dict[str, Any]) -> int:
        if row["code"] in ids:
            return ids[row["code"]]
        parent_id = load(by_code[row["parent"]]) if row.get("parent") else None
        values = {
            "name": row["name"],
            "kind": row["kind"],
            "region_id": row["region"],
            "parent_id": parent_id,
            "hotline": row.get("hotline", ""),
            "valid_from": _date(row.get("valid_from")) or Authority._meta.get_field("valid_from").get_default(),
            "valid_to": _date(row.get("valid_to")),
        }
        obj, did = _upsert(Authority, {"code": row["code"]}, values)
        nonlocal changed
        changed += did
        ids[row["code"]] = obj.pk
        return obj.pk

    for row in rows:
        load(row)
    return len(rows), changed


def _load_types() -> tuple[dict[str, int], int]:
    ids: dict[str, int] = {}
    changed = 0
    for row in _rows("institution_types.json"):
        obj, did = _upsert(InstitutionType, {"code": row["code"]}, {"name": row["name"], "sector": row["sector"]})
        ids[row["code"]] = obj.pk
        changed += did
    return ids, changed


def _load_lines(type_ids: dict[str, int]) -> tuple[int, int]:
    """The lines by institution type alone; the lines by business follow the taxonomy they name."""
    authority_ids = dict(Authority.objects.values_list("code", "pk"))
    count = changed = 0
    for row in _rows("supervision_lines.json"):
        if row.get("businesses"):
            continue
        for type_code in row["types"]:
            _obj, did = _upsert(
                SupervisionLine,
                {
                    "code": "",
                    "institution_type_id": type_ids[type_code],
                    "region_id": row["region"],
                    "valid_from": _date(row["valid_from"]),
                },
                {
                    "authority_id": authority_ids[row["authority"]],
                    "valid_to": _date(row["valid_to"]),
                    "basis": row.get("basis", ""),
                    "note": row.get("note", ""),
                },
            )
            count += 1
            changed += did
    return count, changed


def _load_business_lines(type_ids: dict[str, int]) -> tuple[int, int]:
    """Lines naming business categories, matched by their code: one per institution type they also
    name (the code gains the type's), or one for any institution."""
    authority_ids = dict(Authority.objects.values_list("code", "pk"))
    category_ids = dict(Category.objects.values_list("code", "pk"))
    count = changed = 0
    for row in _rows("supervision_lines.json"):
        if not row.get("businesses"):
            continue
        types: list[str | None] = list(row.get("types") or [None])
        for type_code in types:
            line, did = _upsert(
                SupervisionLine,
                {"code": f"{row['code']}-{type_code}" if type_code and len(types) > 1 else row["code"]},
                {
                    "institution_type_id": type_ids[type_code] if type_code else None,
                    "region_id": row["region"],
                    "authority_id": authority_ids[row["authority"]],
                    "valid_from": _date(row["valid_from"]),
                    "valid_to": _date(row["valid_to"]),
                    "basis": row.get("basis", ""),
                    "note": row.get("note", ""),
                },
            )
            wanted = {category_ids[code] for code in row["businesses"]}
            assert isinstance(line, SupervisionLine)
            if set(line.businesses.values_list("pk", flat=True)) != wanted:
                line.businesses.set(wanted)
                did = True
            count += 1
            changed += did
    return count, changed


def _walk(
    nodes: list[dict[str, Any]], key: str, parent: dict[str, Any] | None = None
) -> Iterator[tuple[dict, dict | None, int]]:
    """Pre-order, so every parent is written before its children; yields (node, parent, depth)."""
    depth = 1 if parent is None else parent["_depth"] + 1
    for node in nodes:
        node["_depth"] = depth
        yield node, parent, depth
        yield from _walk(node.get(key, []), key, node)


def _load_institutions(type_ids: dict[str, int]) -> tuple[int, int]:
    count = changed = 0
    seen: set[str] = set()
    for node, parent, _depth in _walk(_rows("institutions.json"), "branches"):
        uscc = node["uscc"].strip().upper()
        if not is_valid_uscc(uscc):
            raise ImproperlyConfigured(f"institutions.json: {node['name']} has an invalid USCC {uscc!r}")
        if uscc in seen:
            raise ImproperlyConfigured(f"institutions.json: USCC {uscc} is used twice")
        seen.add(uscc)
        obj, did = _upsert(
            Institution,
            {"uscc": uscc},
            {
                "name": node["name"],
                "short_name": node.get("short_name", ""),
                "type_id": type_ids[node["type"]],
                "region_id": node["region"],
                "parent_id": parent["_pk"] if parent else None,
                "is_demo": node.get("is_demo", True),
            },
        )
        node["_pk"] = obj.pk
        count += 1
        changed += did
        if node.get("personal_customers") is not None or node.get("outlets") is not None:
            _figure, did = _upsert(
                SizeFigure,
                {"institution_id": obj.pk, "year": REFERENCE_SIZE_YEAR},
                {
                    "personal_customers": node.get("personal_customers"),
                    "outlets": node.get("outlets"),
                    "source": REFERENCE_SIZE_SOURCE,
                },
            )
            changed += did
    return count, changed


def _load_categories() -> tuple[int, int]:
    count = changed = 0
    seen: set[str] = set()
    for group in _rows("categories.json"):
        for node, parent, depth in _walk(group["nodes"], "children"):
            if node["code"] in seen:
                raise ImproperlyConfigured(f"categories.json: code {node['code']} is used twice")
            seen.add(node["code"])
            # Sectors not written on a node are its parent's: a subcategory fits where its class fits.
            node["sectors"] = node.get("sectors", parent["sectors"] if parent else "")
            count += 1
            obj, did = _upsert(
                Category,
                {"code": node["code"]},
                {
                    "dimension": group["dimension"],
                    "name": node["name"],
                    "name_en": node.get("name_en", ""),
                    "parent_id": parent["_pk"] if parent else None,
                    "level": depth,
                    # File order, so ordering by sort lists the tree as it is written.
                    "sort": node.get("sort", count * 10),
                    "sectors": node["sectors"],
                },
            )
            node["_pk"] = obj.pk
            changed += did
    return count, changed


def _load_labels() -> tuple[int, int]:
    rows = _rows("labels.json")
    changed = 0
    for row in rows:
        _obj, did = _upsert(
            Label,
            {"kind": row["kind"], "code": row["code"]},
            {"name": row["name"], "name_en": row.get("name_en", ""), "sort": row.get("sort", 0)},
        )
        changed += did
    return len(rows), changed


def _load_rule_sets() -> tuple[int, int]:
    rows = _rows("rule_sets.json")
    changed = 0
    for row in rows:
        values = {k: v for k, v in row.items() if k != "valid_from"}
        _obj, did = _upsert(DeadlineRuleSet, {"valid_from": _date(row["valid_from"])}, values)
        changed += did
    return len(rows), changed


@transaction.atomic
def reference_load() -> dict[str, int]:
    """Load every file in reference/, matching rows by their natural keys.

    Running it again changes nothing; rows an administrator added are kept, and rows the files
    describe are brought back to what the files say. Returns the rows per kind and how many were
    created or changed.
    """
    counts: dict[str, int] = {}
    changed = 0
    counts["regions"], n = _load_regions()
    changed += n
    counts["authorities"], n = _load_authorities()
    changed += n
    type_ids, n = _load_types()
    counts["institution_types"] = len(type_ids)
    changed += n
    counts["supervision_lines"], n = _load_lines(type_ids)
    changed += n
    counts["institutions"], n = _load_institutions(type_ids)
    changed += n
    counts["categories"], n = _load_categories()
    changed += n
    n_lines, n = _load_business_lines(type_ids)
    counts["supervision_lines"] += n_lines
    changed += n
    counts["labels"], n = _load_labels()
    changed += n
    counts["rule_sets"], n = _load_rule_sets()
    changed += n
    counts["changed"] = changed
    return counts


def _official_exceptions(year: int) -> dict[date, tuple[bool, str]] | None:
    """The year's weekday holidays and working weekends per chinese-calendar; None if it lacks the year."""
    day = date(year, 1, 1)
    try:
        chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return None
    exceptions: dict[date, tuple[bool, str]] = {}
    while day.year == year:
        is_holiday, english = chinese_calendar.get_holiday_detail(day)
        weekend = day.weekday() >= 5
        if is_holiday != weekend:
            name = Holiday(english).chinese if english else ""
            exceptions[day] = (not is_holiday, name if is_holiday else f"{name}调休上班")
        day += timedelta(days=1)
    return exceptions


def _package_last_year() -> int:
    year = timezone.localdate().year + 1
    while year > CALENDAR_FIRST_YEAR and _official_exceptions(year) is None:
        year -= 1
    return year


@transaction.atomic
def calendar_seed(*, years: range | None = None) -> int:
    """Write the official holidays and make-up working days (调休) for every year chinese-calendar covers.

    A day an administrator has edited, added or deleted is left as the administrator left it: the
    package can lag behind a late State Council notice, or a local government can add a day.
    Years the package does not cover are skipped, and no row is ever deleted. Returns the number
    of rows created or changed.
    """
    years = years if years is not None else range(CALENDAR_FIRST_YEAR, _package_last_year() + 1)
    written = 0
    for year in years:
        official = _official_exceptions(year)
        if not official:
            continue
        existing = {d.date: d for d in CalendarDay.objects.filter(date__year=year)}
        last_change: dict[date, Any] = {}
        for record in CalendarDay.history.filter(date__year=year).order_by("history_date", "history_id"):
            last_change[record.date] = record
        for day, (is_workday, name) in sorted(official.items()):
            row = existing.get(day)
            record = last_change.get(day)
            if record is not None and record.history_change_reason != CALENDAR_SEED_REASON:
                continue  # an administrator's edit or deletion stands
            if row is None and record is None:
                row = CalendarDay(date=day, is_workday=is_workday, name=name)
            elif row is None or record is None:
                continue  # a row without seed history, or deleted by hand: not ours to touch
            elif row.is_workday == is_workday and row.name == name:
                continue
            else:
                row.is_workday, row.name = is_workday, name
            row._change_reason = CALENDAR_SEED_REASON  # type: ignore[attr-defined]  # simple_history reads it on save
            row.save()
            written += 1
    return written


# ---------------------------------------------------------------------------------------------
# Penalty decisions and size figures


@transaction.atomic
def penalty_save(*, by: Actor | AnonymousUser, penalty: Penalty | None = None, **values: Any) -> Penalty:
    """Record a penalty decision, or correct one; history keeps every version."""
    if not can_record_penalties(by):
        raise PermissionDenied(_("只有监管部门工作人员和管理员可以登记行政处罚。"))
    if penalty is not None:
        penalty = Penalty.objects.select_for_update(of=("self",)).get(pk=penalty.pk)
    else:
        penalty = Penalty(created_by_id=by.pk)
    for name, value in values.items():
        setattr(penalty, name, value)
    if not issuing_authorities_for(by).filter(pk=penalty.authority_id).exists():
        raise ValidationError({"authority": _("只能登记本部门或下级部门作出的处罚决定。")})
    penalty.full_clean()
    penalty.save()
    return penalty


@transaction.atomic
def size_figure_save(*, institution: Institution, year: int, **values: Any) -> tuple[SizeFigure, bool]:
    """Create or update an institution's figures for a year; True when something changed."""
    figure = SizeFigure.objects.select_for_update(of=("self",)).filter(
        institution=institution, year=year
    ).first() or SizeFigure(institution=institution, year=year)
    changed = figure.pk is None or any(getattr(figure, k) != v for k, v in values.items())
    if changed:
        for name, value in values.items():
            setattr(figure, name, value)
        figure.full_clean()
        figure.save()
    return figure, changed
