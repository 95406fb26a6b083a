"""Every write of early warning: the scan that raises alerts, the watch list and its scores, and the
alert workflow (new → assigned → investigating → confirmed or false positive).

Each workflow action checks that the actor handles the alert (access.handles_alert), changes it
under a row lock and appends an immutable AlertEvent, in one transaction.
"""

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from xiaobao.accounts.models import User
from xiaobao.core.locks import lock
from xiaobao.core.notify import notify
from xiaobao.core.numbers import number_next
from xiaobao.core.time import now, today
from xiaobao.lib.codes import is_valid_uscc
from xiaobao.registry.models import Category, Institution, InstitutionType, Region
from xiaobao.registry.selectors import authority_descendant_ids, supervision_line_for
from xiaobao.tipoffs.models import Report
from xiaobao.tipoffs.selectors import lead_department_for
from xiaobao.warning import access, risk, selectors
from xiaobao.warning.detection import Judgement, Params, background, judge, level_for
from xiaobao.warning.models import (
    LEVEL_ORDER,
    Alert,
    AlertEvent,
    Granularity,
    Level,
    RiskScore,
    ScanRun,
    WatchEntity,
)
from xiaobao.warning.rules import detection_params, risk_settings_for, warning_settings_for
from xiaobao.warning.topics import emerging_topics

Status = Alert.Status
FIELDS = ("dimension", "key", "period", "observed", "expected", "score", "level")
REASON_MIN_CHARS = 4
IMPORT_MAX_ROWS = 5_000
IMPORT_MAX_BYTES = 5 * 1024 * 1024


def period_label(start: date, end: date, granularity: str) -> str:
    """2025-12-31 for a day, 2025-W52 for an ISO week, 2025-12 for a month, start/end otherwise."""
    if granularity == Granularity.DAY:
        return start.isoformat()
    if granularity == Granularity.WEEK:
        year, week, _day = start.isocalendar()
        return f"{year}-W{week:02d}"
    if granularity == Granularity.MONTH:
        return f"{start:%Y-%m}"
    return start.isoformat() if start == end else f"{start.isoformat()}/{end.isoformat()}"


def alert_row(alert: Alert) -> dict[str, Any]:
    """An alert as warning_scan prints it: exactly the contract's fields."""
    return {
        "dimension": alert.dimension,
        "key": alert.key,
        "period": period_label(alert.period_start, alert.period_end, alert.granularity),
        "observed": int(alert.observed) if float(alert.observed).is_integer() else alert.observed,
        "expected": None if alert.expected is None else round(alert.expected, 2),
        "score": alert.score,
        "level": alert.level,
    }


@dataclass
class ScanResult:
    run: ScanRun
    alerts: list[Alert] = field(default_factory=list)  # found in this scan, raised now or before


# ---------------------------------------------------------------------------------------------
# The scan


def scan_run(*, as_of: date, by: User | None = None, topics: bool = True, risk_index: bool = True) -> ScanResult:
    """Judge every complaint series by day, week and month, look for emerging topics, score the watch
    list; raise an alert for each finding not raised before and notify the responsible regulator."""
    run = ScanRun.objects.create(as_of=as_of, by=by)
    result = ScanResult(run=run)
    rules = warning_settings_for(as_of)
    heads = selectors.head_offices()
    findings: list[tuple[str, tuple[Any, ...], list[date], list[int], Judgement]] = []
    for granularity in Granularity.values:
        params = detection_params(rules, granularity)
        current = selectors.current_period(as_of, granularity)
        window = rules.window(granularity)
        lag = selectors.YEAR_LAG[granularity]
        first = selectors.shift_period(current, granularity, -(window + lag))
        counts = selectors.complaint_counts(granularity=granularity, first=first, current=current, heads=heads)
        run.series += len(counts.series)
        for key, periods, row, judgement in series_findings(counts, params=params, window=window, lag=lag):
            findings.append((granularity, key, periods, row, judgement))
    run.findings = len(findings)
    names = _names(findings)
    for group in _grouped(findings):
        alert, created = _raise_series_alert(run, group, names, heads, rules)
        result.alerts.append(alert)
        run.raised += created
    if topics:
        for alert, created in _raise_topic_alerts(run, as_of, rules):
            result.alerts.append(alert)
            run.raised += created
    if risk_index:
        watch_sync(as_of=as_of)
        entities = list(WatchEntity.objects.select_related("region", "institution__type"))
        run.entities = len(entities)
        for entity in entities:
            entity_alert, created = entity_score(entity=entity, as_of=as_of, run=run)
            if entity_alert is not None:
                result.alerts.append(entity_alert)
                run.raised += created
    run.finished_at = now()
    run.save()
    return result


def series_findings(
    counts: selectors.Counts, *, params: Params, window: int, lag: int
) -> list[tuple[tuple[Any, ...], list[date], list[int], Judgement]]:
    """Judge the last period of every series in counts; the history window and what was found."""
    last = len(counts.periods) - 1
    start = max(0, last - window)
    totals = counts.totals
    found: list[tuple[tuple[Any, ...], list[date], list[int], Judgement]] = []
    # A history is needed to judge against: where the platform's data covers less than half of the
    # window (its first weeks in service, or before an import), nothing can be called unusual yet.
    if 2 * sum(1 for t in totals[start:last] if t > 0) < window:
        return found
    # Each kind of series (institutions, categories, …) is judged against the typical movement of its
    # kind where there are enough series to tell it, else against the rest of the complaints.
    kinds: dict[str, list[list[int]]] = {}
    for key, row in counts.series.items():
        kinds.setdefault(key[0], []).append(row)
    backgrounds = {
        kind: background(rows, start=start, last=last, min_mean=params.min_volume) for kind, rows in kinds.items()
    }
    for key, row in counts.series.items():
        if row[last] < params.min_volume:
            continue
        others = backgrounds[key[0]] or [t - r for t, r in zip(totals, row, strict=True)]
        judgement = judge(
            counts=row[start:], others=others[start:], params=params, year_ago=_year_ago(row, others, lag, window)
        )
        if judgement is not None:
            found.append((key, counts.periods[start:], row[start:], judgement))
    return found


def _year_ago(row: list[int], others: Sequence[float], lag: int, window: int) -> tuple[int, float] | None:
    """The series' count a year before the current period, and what its share then expected of it;
    None when the data does not reach back far enough (every period of that window must have data)."""
    if not lag:
        return None
    then = len(row) - 1 - lag
    if then - window < 0 or not all(others[then - window : then + 1]):
        return None
    rest = sum(others[then - window : then])
    share = sum(row[then - window : then]) / rest if rest else 0.0
    return row[then], share * others[then]


def _names(findings: Sequence[tuple[str, tuple[Any, ...], Any, Any, Any]]) -> dict[str, dict[Any, Any]]:
    inst_ids: set[int] = set()
    cat_ids: set[int] = set()
    region_ids: set[str] = set()  # regions are keyed by their code
    ids_of: dict[str, set[Any]] = {"institution": inst_ids, "business": cat_ids, "cause": cat_ids, "region": region_ids}
    for _g, key, *_rest in findings:
        for part, value in zip(key[0].split("_"), key[1:], strict=True):
            ids_of[part].add(value)
    return {
        "institution": Institution.objects.select_related("type", "region").in_bulk(inst_ids),
        "category": Category.objects.in_bulk(cat_ids),
        "region": Region.objects.in_bulk(region_ids),
    }


def _display(dimension: str, ids: tuple[Any, ...], names: dict[str, dict[Any, Any]]) -> str:
    parts = []
    for part, value in zip(dimension.split("_"), ids, strict=True):
        table = names["category"] if part in ("business", "cause") else names[part]
        obj = table.get(value)
        parts.append(str(obj) if part != "business" and part != "cause" else (obj.name if obj else str(value)))
    return " · ".join(parts)


Finding = tuple[str, tuple[Any, ...], list[date], list[int], Judgement]


def _entity_code(dimension: str, ids: tuple[Any, ...]) -> str:
    """What an alert is about: the institution for every series of an institution, else the series itself."""
    parts = dict(zip(dimension.split("_"), ids, strict=True))
    if "institution" in parts:
        return f"institution:{parts['institution']}"
    return "|".join(f"{part}:{value}" for part, value in parts.items())


def _series_code(dimension: str, ids: tuple[Any, ...]) -> str:
    return "|".join(f"{part}:{value}" for part, value in zip(dimension.split("_"), ids, strict=True))


def _grouped(findings: Sequence[Finding]) -> list[list[Finding]]:
    """The findings of one institution and period together, strongest first (the smallest tail
    probability; on a tie the institution overall before a part of it), strongest group first."""
    groups: dict[tuple[str, str, date], list[Finding]] = {}
    for finding in findings:
        granularity, key, periods, _row, _judgement = finding
        groups.setdefault((granularity, _entity_code(key[0], key[1:]), periods[-1]), []).append(finding)
    ordered = [
        sorted(group, key=lambda f: (f[4].p_value, f[1][0] != Alert.Dimension.INSTITUTION, -f[4].observed))
        for group in groups.values()
    ]
    return sorted(ordered, key=lambda g: g[0][4].p_value)


def _finding_row(finding: Finding, names: dict[str, dict[Any, Any]], params: Params) -> dict[str, Any]:
    _granularity, key, _periods, _row, judgement = finding
    return {
        "dimension": key[0],
        "key": _display(key[0], key[1:], names),
        "key_code": _series_code(key[0], key[1:]),
        "observed": judgement.observed,
        "expected": round(judgement.expected, 2),
        "p_value": judgement.p_value,
        "score": judgement.score,
        "level": level_for(judgement.p_value, params),
    }


def _merged(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Findings of an earlier scan and of this one, one per series (this scan's where both have it)."""
    rows = {r["key_code"]: r for r in old}
    rows.update((r["key_code"], r) for r in new)
    return sorted(rows.values(), key=lambda r: (r["p_value"], r["dimension"] != Alert.Dimension.INSTITUTION))


def _raise_series_alert(
    run: ScanRun,
    group: list[Finding],
    names: dict[str, dict[Any, Any]],
    heads: dict[int, int],
    rules: Any,
) -> tuple[Alert, bool]:
    """One alert for the group: the strongest finding sets its level, score and evidence, every
    finding is listed on it. A later scan adds what it finds to the alert already raised."""
    granularity, key, periods, row, judgement = group[0]
    dimension, ids = key[0], key[1:]
    params = detection_params(rules, granularity)
    key_code = _entity_code(dimension, ids)
    findings = [_finding_row(f, names, params) for f in group]
    start = periods[-1]
    existing = Alert.objects.filter(
        kind=Alert.Kind.ANOMALY, key_code=key_code, granularity=granularity, period_start=start
    ).first()
    if existing is not None:
        merged = _merged(existing.findings, findings)
        if merged != existing.findings:
            Alert.objects.filter(pk=existing.pk).update(findings=merged)
            existing.findings = merged
        return existing, False
    end = selectors.period_end(start, granularity)
    parts = dict(zip(dimension.split("_"), ids, strict=True))
    complaints = selectors.series_complaints(q=selectors.series_filter(dimension, ids, heads), start=start, end=end)
    institution = names["institution"].get(parts["institution"]) if "institution" in parts else None
    authority_id = None
    if institution is not None:
        line = supervision_line_for(institution=institution, on=end)
        authority_id = line.authority_id if line else None
    authority_id = authority_id or selectors.majority_authority(complaints)
    region = None
    if "region" in parts:
        region = names["region"].get(parts["region"])
    elif institution is not None:
        region = Region.objects.filter(pk=institution.region.prefecture_code).first()
    explanation = {
        "labels": [period_label(p, selectors.period_end(p, granularity), granularity) for p in periods],
        "observed": row,
        "expected": [round(x, 2) for x in (*judgement.expected_history, judgement.expected)],
        "share": judgement.share,
        "dispersion": round(judgement.dispersion, 2),
        "seasonal_factor": round(judgement.seasonal_factor, 3),
        "window": len(periods) - 1,
        "min_volume": params.min_volume,
        "min_ratio": params.min_ratio,
        "series": findings[0]["key"],
        "complaints": list(selectors.complaint_texts(complaints, limit=rules.top_complaints)),
    }
    return _create_alert(
        run=run,
        kind=Alert.Kind.ANOMALY,
        # The alert is about the institution whichever of its series was strongest.
        dimension=Alert.Dimension.INSTITUTION if institution is not None else dimension,
        granularity=granularity,
        key=str(institution) if institution is not None else _display(dimension, ids, names),
        key_code=key_code,
        period_start=start,
        period_end=end,
        observed=judgement.observed,
        expected=judgement.expected,
        p_value=judgement.p_value,
        score=judgement.score,
        level=level_for(judgement.p_value, params),
        authority_id=authority_id,
        region=region,
        institution=institution,
        explanation=explanation,
        findings=findings,
    )


def _raise_topic_alerts(run: ScanRun, as_of: date, rules: Any) -> list[tuple[Alert, bool]]:
    from xiaobao.complaints.models import Complaint

    params = detection_params(rules, Granularity.WEEK)
    out = []
    start = as_of - timedelta(days=rules.topic_recent_days - 1)
    for topic in emerging_topics(as_of=as_of, rules=rules, p_threshold=params.p_yellow):
        category = Category.objects.filter(pk=topic.business_id).first()
        key_code = f"business:{topic.business_id}|term:{topic.terms[0]}"[:120]
        existing = Alert.objects.filter(kind=Alert.Kind.TOPIC, key_code=key_code, period_start=start).first()
        if existing is not None:
            out.append((existing, False))
            continue
        complaints = Complaint.objects.filter(pk__in=topic.complaint_ids)
        explanation = {
            "terms": topic.terms,
            "recent_days": rules.topic_recent_days,
            "baseline_days": rules.topic_baseline_days,
            "complaints": list(selectors.complaint_texts(complaints, limit=rules.top_complaints)),
            "complaint_count": len(topic.complaint_ids),
        }
        out.append(
            _create_alert(
                run=run,
                kind=Alert.Kind.TOPIC,
                dimension=Alert.Dimension.TOPIC,
                granularity="",
                key=f"{category.name if category else topic.business_id} · {'、'.join(topic.terms[:3])}",
                key_code=key_code,
                period_start=start,
                period_end=as_of,
                observed=topic.recent,
                expected=topic.expected,
                p_value=topic.p_value,
                score=topic.score,
                level=level_for(topic.p_value, params),
                authority_id=selectors.majority_authority(complaints),
                region=None,
                institution=None,
                explanation=explanation,
            )
        )
    return out


def _create_alert(*, run: ScanRun | None, authority_id: int | None, **fields: Any) -> tuple[Alert, bool]:
    if authority_id is None:
        raise ValueError(f"No responsible authority for the alert on {fields['key']}")
    try:
        with transaction.atomic():
            # YJ-YYYYMMDD-NNNNNN (预警), numbered in the order alerts are raised within a day.
            number = number_next("YJ", day=today(), used=Alert.objects)
            alert = Alert.objects.create(number=number, scan=run, authority_id=authority_id, **fields)
            AlertEvent.objects.create(alert=alert, kind=AlertEvent.Kind.RAISED, data={"scan": run.pk if run else None})
            _notify_authority(alert)
    except IntegrityError:
        # Another scan raised it first: the alert exists once per series and period.
        existing = Alert.objects.get(
            kind=fields["kind"],
            key_code=fields["key_code"],
            granularity=fields["granularity"],
            period_start=fields["period_start"],
        )
        return existing, False
    return alert, True


def _notify_authority(alert: Alert) -> None:
    text = _("新预警 %(number)s（%(level)s）：%(key)s，%(period)s。") % {
        "number": alert.number,
        "level": alert.get_level_display(),
        "key": alert.key,
        "period": period_label(alert.period_start, alert.period_end, alert.granularity),
    }
    users = User.objects.filter(role=User.Role.REGULATOR, authority_id=alert.authority_id, is_active=True)
    notify(text, users=users)


# ---------------------------------------------------------------------------------------------
# The watch list and the risk index


def watch_sync(*, as_of: date) -> int:
    """Put on the watch list every company named in a report, and every unlicensed company that
    drew complaints, unless already there (matched by credit code or name). Returns how many were added."""
    entities = list(WatchEntity.objects.all())
    index: dict[str, WatchEntity] = {k: e for e in entities for k in e.keys}
    added = 0
    reports = Report.objects.filter(subject_kind=Report.SubjectKind.COMPANY).select_related("subject_region")
    for report in reports.order_by("received_at"):
        keys = risk.entity_keys_for(name=report.subject_name, uscc=report.subject_uscc)
        if not keys or any(k in index for k in keys):
            continue
        authority = lead_department_for(region=report.subject_region, on=as_of) or report.authority
        entity = WatchEntity.objects.create(
            name=report.subject_name.strip(),
            uscc=report.subject_uscc.strip().upper(),
            region=report.subject_region,
            source=WatchEntity.Source.REPORT,
            authority=authority,
            keys=keys,
        )
        index.update(dict.fromkeys(keys, entity))
        added += 1
    unlicensed = Institution.objects.filter(
        type__sector=InstitutionType.Sector.UNLICENSED, complaints__isnull=False
    ).distinct()
    for institution in unlicensed.select_related("region"):
        keys = risk.entity_keys_for(name=institution.name, uscc=institution.uscc)
        if any(k in index for k in keys):
            continue
        lead = lead_department_for(region=institution.region, on=as_of)
        if lead is None:
            continue
        entity = WatchEntity.objects.create(
            name=institution.name,
            uscc=institution.uscc,
            region=institution.region,
            source=WatchEntity.Source.COMPLAINT,
            institution=institution,
            authority=lead,
            keys=keys,
        )
        index.update(dict.fromkeys(keys, entity))
        added += 1
    return added


@transaction.atomic
def entity_score(*, entity: WatchEntity, as_of: date, run: ScanRun | None = None) -> tuple[Alert | None, bool]:
    """Score the entity, keep the score in its history, and raise an alert when it reaches a band it
    has no open alert for (or a higher one). Returns the entity's alert for its band, if it is in one,
    and whether it was raised now."""
    rules = risk_settings_for(as_of)
    result = risk.risk_index(entity, as_of=as_of, rules=rules)
    dims = [d.as_json() for d in result.dimensions]
    last = entity.scores.first()
    if last is None or last.as_of != as_of or last.score != result.score or last.dimensions != dims:
        RiskScore.objects.create(
            entity=entity, rules=rules, as_of=as_of, score=result.score, level=result.level, dimensions=dims
        )
    WatchEntity.objects.filter(pk=entity.pk).update(score=result.score, level=result.level, scored_at=now())
    entity.score, entity.level = result.score, result.level
    if not result.level:
        return None, False
    open_alerts = Alert.objects.filter(kind=Alert.Kind.RISK, entity=entity, status__in=Alert.OPEN_STATUSES)
    for open_alert in open_alerts.order_by("-created_at"):
        if LEVEL_ORDER[Level(open_alert.level)] >= LEVEL_ORDER[Level(result.level)]:
            return open_alert, False
    threshold = {Level.RED: rules.red_from, Level.ORANGE: rules.orange_from, Level.YELLOW: rules.yellow_from}
    alert, created = _create_alert(
        run=run,
        kind=Alert.Kind.RISK,
        dimension=Alert.Dimension.RISK,
        granularity="",
        key=entity.name,
        key_code=f"entity:{entity.pk}",
        period_start=as_of,
        period_end=as_of,
        observed=float(result.score),
        expected=float(threshold[Level(result.level)]),
        p_value=None,
        score=float(result.score),
        level=result.level,
        authority_id=entity.authority_id,
        region=Region.objects.filter(pk=entity.region.prefecture_code).first(),
        institution=entity.institution,
        entity=entity,
        explanation={"dimensions": dims},
    )
    return alert, created


# Column headings an imported list may use, in Chinese or English.
IMPORT_COLUMNS = {
    "name": ("名称", "企业名称", "单位名称", "name", "company"),
    "uscc": ("统一社会信用代码", "信用代码", "credit_code", "uscc"),
    "business_scope": ("经营范围", "business_scope", "scope"),
    "region": ("注册地", "注册地区", "所在地区", "region", "registered_region"),
    "ad_texts": ("宣传文本", "广告文本", "宣传内容", "advertising", "ad_texts"),
}


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


def _table(name: str, data: bytes) -> list[list[str]]:
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise ValidationError(_("无法读取 Excel 文件，请另存为 .xlsx 后重试。")) from exc
        assert sheet is not None  # an .xlsx opens on a sheet; one without any failed here before as well
        return [["" if v is None else str(v).strip() for v in row] for row in sheet.iter_rows(values_only=True)]
    if name.lower().endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValidationError(_("无法识别 CSV 文件的编码，请保存为 UTF-8。"))
        return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]
    raise ValidationError(_("请上传 CSV 或 XLSX 文件。"))


def _region(value: str) -> Region | None:
    value = value.strip()
    if value.isdigit():
        return Region.objects.filter(pk=value).first()
    matches = list(Region.objects.filter(name=value).order_by("-level"))
    return matches[0] if len(matches) == 1 else None


@transaction.atomic
def watch_import(*, name: str, data: bytes, by: User, as_of: date | None = None) -> ImportResult:
    """Add or update companies from a list; all rows or none. Each is then scored."""
    if not (by.role == User.Role.ADMIN or access.is_fundraising_officer(by)):
        raise PermissionDenied
    if len(data) > IMPORT_MAX_BYTES:
        raise ValidationError(_("文件不能超过 5 MB。"))
    as_of = as_of or today()
    rows = [r for r in _table(name, data) if any(c for c in r)]
    if not rows:
        raise ValidationError(_("文件是空的。"))
    header = [h.strip().lower() for h in rows[0]]
    columns: dict[str, int] = {}
    for field_name, aliases in IMPORT_COLUMNS.items():
        for i, h in enumerate(header):
            if h in {a.lower() for a in aliases}:
                columns[field_name] = i
                break
    missing = [IMPORT_COLUMNS[f][0] for f in ("name", "region") if f not in columns]
    if missing:
        raise ValidationError(_("缺少必填列：%(columns)s。") % {"columns": "、".join(missing)})
    if len(rows) - 1 > IMPORT_MAX_ROWS:
        raise ValidationError(_("一次最多导入 %(n)s 行。") % {"n": IMPORT_MAX_ROWS})
    result = ImportResult()
    prepared = []
    for line, row in enumerate(rows[1:], start=2):
        values = {f: (row[i] if i < len(row) else "") for f, i in columns.items()}
        entity_name, uscc = values["name"].strip(), values.get("uscc", "").strip().upper()
        if not entity_name:
            result.errors.append(_("第 %(line)s 行：名称不能为空。") % {"line": line})
            continue
        if uscc and not is_valid_uscc(uscc):
            result.errors.append(_("第 %(line)s 行：统一社会信用代码无效。") % {"line": line})
            continue
        region = _region(values["region"])
        if region is None:
            result.errors.append(
                _("第 %(line)s 行：找不到注册地“%(region)s”，请填写区划代码或完整名称。")
                % {"line": line, "region": values["region"]}
            )
            continue
        authority = lead_department_for(region=region, on=as_of)
        if authority is None or not (
            by.role == User.Role.ADMIN or authority.pk in authority_descendant_ids(by.own_authority)
        ):
            result.errors.append(
                _("第 %(line)s 行：注册地“%(region)s”不属于本部门辖区。") % {"line": line, "region": region.name}
            )
            continue
        prepared.append((entity_name, uscc, values, region, authority))
    if result.errors:
        transaction.set_rollback(True)
        return result
    for entity_name, uscc, values, region, authority in prepared:
        keys = risk.entity_keys_for(name=entity_name, uscc=uscc)
        entity = WatchEntity.objects.filter(uscc=uscc).first() if uscc else None
        if entity is None:
            entity = next((e for e in WatchEntity.objects.all() if set(e.keys) & set(keys)), None)
        fields = {
            "name": entity_name,
            "uscc": uscc,
            "business_scope": values.get("business_scope", ""),
            "region": region,
            "ad_texts": values.get("ad_texts", ""),
            "authority": authority,
            "keys": keys,
        }
        if entity is None:
            entity = WatchEntity.objects.create(source=WatchEntity.Source.IMPORT, added_by=by, **fields)
            result.created += 1
        else:
            for k, v in fields.items():
                setattr(entity, k, v)
            entity.save()
            result.updated += 1
        entity_score(entity=entity, as_of=as_of)
    return result


# ---------------------------------------------------------------------------------------------
# The alert workflow


def _require_handler(alert: Alert, by: User) -> None:
    if not access.handles_alert(by, alert):
        raise PermissionDenied


def _require_open(alert: Alert) -> None:
    if not alert.is_open:
        raise ValidationError(_("该预警已办结，不能再操作。"))


def _event(alert: Alert, kind: str, by: User | None, note: str = "", **data: Any) -> AlertEvent:
    return AlertEvent.objects.create(alert=alert, kind=kind, actor=by, note=note, data=data)


@transaction.atomic
def alert_assign(*, alert: Alert, to: User, by: User) -> Alert:
    alert = lock(alert)
    _require_handler(alert, by)
    _require_open(alert)
    if not access.handles_alert(to, alert):
        raise ValidationError({"to": _("承办人须是负责该预警的部门的工作人员。")})
    alert.assigned_to = to
    if alert.status == Status.NEW:
        alert.status = Status.ASSIGNED
    alert.save(update_fields=["assigned_to", "status"])
    _event(alert, AlertEvent.Kind.ASSIGNED, by, to=to.pk, to_name=str(to))
    if to != by:
        notify(_("预警 %(number)s 已分派给您：%(key)s。") % {"number": alert.number, "key": alert.key}, users=[to])
    return alert


@transaction.atomic
def alert_investigate(*, alert: Alert, by: User) -> Alert:
    alert = lock(alert)
    _require_handler(alert, by)
    _require_open(alert)
    if alert.status == Status.INVESTIGATING:
        raise ValidationError(_("该预警已在核查中。"))
    alert.status = Status.INVESTIGATING
    alert.assigned_to = alert.assigned_to or by
    alert.save(update_fields=["status", "assigned_to"])
    _event(alert, AlertEvent.Kind.INVESTIGATING, by)
    return alert


@transaction.atomic
def alert_close(*, alert: Alert, by: User, confirmed: bool, reason: str) -> Alert:
    """Close as confirmed or as a false positive; the reason feeds the review of the thresholds."""
    alert = lock(alert)
    _require_handler(alert, by)
    _require_open(alert)
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN_CHARS:
        raise ValidationError({"reason": _("请写明办结说明（至少 %(n)s 个字）。") % {"n": REASON_MIN_CHARS}})
    alert.status = Status.CONFIRMED if confirmed else Status.FALSE_POSITIVE
    alert.close_reason = reason[:2000]
    alert.closed_at = now()
    alert.assigned_to = alert.assigned_to or by
    alert.save(update_fields=["status", "close_reason", "closed_at", "assigned_to"])
    kind = AlertEvent.Kind.CONFIRMED if confirmed else AlertEvent.Kind.FALSE_POSITIVE
    _event(alert, kind, by, note=alert.close_reason)
    return alert


@transaction.atomic
def alert_note(*, alert: Alert, by: User, note: str) -> AlertEvent:
    alert = lock(alert)
    _require_handler(alert, by)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("备注不能为空。")})
    return _event(alert, AlertEvent.Kind.NOTE, by, note=note[:2000])
