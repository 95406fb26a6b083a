"""Reads of the reference data shared by screens, services and the deadline engine."""

import functools
import hashlib
import threading
import uuid
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from xiaobao.lib.workdays import add_calendar_days, add_workdays
from xiaobao.registry.escalation import default_for as escalation_default_for
from xiaobao.registry.models import (
    Authority,
    CalendarDay,
    Category,
    DeadlineRuleSet,
    EscalationRule,
    Institution,
    Penalty,
    SizeFigure,
    SupervisionLine,
)


def category_ancestor_ids(category: Category) -> list[int]:
    """The category and every category above it: a line for 个人金融信息 covers 个人征信 below it."""
    ids = [category.pk]
    parent_id = category.parent_id
    while parent_id is not None and parent_id not in ids:
        ids.append(parent_id)
        parent_id = Category.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()
    return ids


def supervision_line_for(
    *, institution: Institution, on: date, business: Category | None = None, authority: Authority | None = None
) -> SupervisionLine | None:
    """The line responsible for a complaint about the institution, received that day, about that business.

    A line for the business and the institution's type wins over one for the business at any institution,
    which wins over the line of the institution's type alone; among equals, the most specific region
    (a city's 金融办 over the province's). Without a business only the type's lines count: the
    institution's own regulator. With an authority, the best of that authority's lines: the line that
    should have applied when a complaint is transferred there.
    """
    codes = institution.region.ancestor_codes()
    matters = category_ancestor_ids(business) if business is not None else []
    # The lines' business lists are read in the query (whether a line names businesses, whether it names
    # this one), not loaded per line: routing runs on every complaint filed.
    covering = SupervisionLine.businesses.through._default_manager.filter(supervisionline_id=OuterRef("pk"))
    lines = (
        SupervisionLine.objects.filter(region_id__in=codes, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .filter(Q(institution_type_id=institution.type_id) | Q(institution_type__isnull=True))
        .annotate(names_business=Exists(covering), covers=Exists(covering.filter(category_id__in=matters)))
        .filter(Q(covers=True) | Q(names_business=False, institution_type__isnull=False))
        .select_related("authority", "region", "institution_type")
    )
    if authority is not None:
        lines = lines.filter(authority=authority)
    ranked = []
    for line in lines:
        # Business and type, then business at any institution, then the type's own regulator.
        specificity = (0 if line.institution_type_id is not None else 1) if line.names_business else 2
        # Overlapping lines in one region are a data error; the one that started last is the newer decision.
        ranked.append(((specificity, codes.index(line.region_id), -line.valid_from.toordinal()), line))
    return min(ranked, key=lambda pair: pair[0], default=(None, None))[1]


def rule_set_for(on: date) -> DeadlineRuleSet:
    """The time limits in force on that day: a complaint keeps the set in force when it was received."""
    rule_set = DeadlineRuleSet.objects.filter(valid_from__lte=on).order_by("-valid_from").first()
    if rule_set is None:
        raise DeadlineRuleSet.DoesNotExist(f"No deadline rule set is in force on {on}; run load_reference.")
    return rule_set


def escalation_rules() -> dict[str, EscalationRule]:
    """Every clock kind's escalation rule, by kind; a kind with no row gets the shipped default (unsaved)."""
    rules = {rule.clock: rule for rule in EscalationRule.objects.all()}
    for kind in EscalationRule.ClockKind.values:
        if kind not in rules:
            rules[kind] = EscalationRule(**escalation_default_for(kind))
    return rules


def institution_search(q: str, limit: int = 20) -> QuerySet[Institution]:
    q = q.strip()
    if not q:
        return Institution.objects.none()
    return (
        Institution.objects.filter(Q(name__icontains=q) | Q(short_name__icontains=q), is_active=True)
        .select_related("type", "region")
        .order_by("name")[:limit]
    )


def size_figures_for(institution_ids: Iterable[int], year: int) -> dict[int, SizeFigure]:
    """Each institution's size figures for the year, or its latest earlier year's when that year's are
    not in yet (banks publish a year's figures months after it ends). Institutions without any are absent."""
    found: dict[int, SizeFigure] = {}
    rows = SizeFigure.objects.filter(institution_id__in=list(institution_ids), year__lte=year)
    for figure in rows.order_by("institution_id", "-year"):
        found.setdefault(figure.institution_id, figure)
    return found


def penalties_for(
    *, institution: Institution | None = None, start: date | None = None, end: date | None = None
) -> QuerySet[Penalty]:
    """Published penalty decisions, newest first: against one institution and its branches when given,
    decided between start and end (both inclusive) when given."""
    qs = Penalty.objects.select_related("institution", "authority")
    if institution is not None:
        qs = qs.filter(institution_id__in=institution_descendant_ids(institution))
    if start is not None:
        qs = qs.filter(decided_on__gte=start)
    if end is not None:
        qs = qs.filter(decided_on__lte=end)
    return qs.order_by("-decided_on", "decision_number")


def _descendant_ids(model: type[Institution] | type[Authority], root_id: int) -> list[int]:
    """One query per level of the tree; branch trees are a few levels deep."""
    ids = [root_id]
    level = [root_id]
    while level:
        level = list(model.objects.filter(parent_id__in=level).exclude(pk__in=ids).values_list("pk", flat=True))
        ids.extend(level)
    return ids


def institution_descendant_ids(institution: Institution) -> list[int]:
    """The institution and every branch below it, at any depth."""
    return _descendant_ids(Institution, institution.pk)


def authority_descendant_ids(authority: Authority) -> list[int]:
    """The authority and every authority below it (a 监管局 and its 监管分局)."""
    return _descendant_ids(Authority, authority.pk)


Node = TypeVar("Node", Institution, Authority)


def _ancestors(node: Node) -> list[Node]:
    """One query per level above; the trees are a few levels deep."""
    chain: list[Node] = []
    current: Node | None = node
    while current is not None:
        chain.append(current)
        current = current.parent
    return chain


def institution_ancestors(institution: Institution) -> list[Institution]:
    """The institution and every level above it, itself first and the head office last."""
    return _ancestors(institution)


def institution_ancestor_ids(institution: Institution) -> list[int]:
    """The ids of the institution and of every level above it, itself first."""
    return [node.pk for node in _ancestors(institution)]


def authority_ancestors(authority: Authority) -> list[Authority]:
    """The authority and every authority above it, itself first (a 监管分局, its 监管局, ...)."""
    return _ancestors(authority)


def authority_ancestor_ids(authority: Authority) -> list[int]:
    """The ids of the authority and of every authority above it, itself first."""
    return [node.pk for node in _ancestors(authority)]


# The working calendar is read for every deadline, so each process keeps it in memory (267 rows: 7 ms
# to read from SQLite on a loaded development machine, 0.4 ms from memory). A version in the shared
# cache tells the processes apart from stale copies: an edit in one process bumps it when its
# transaction commits (transaction.on_commit), and every process reloads on its next read. A copy is
# never built while the current transaction has changed calendar rows it has not committed, so a
# rolled-back edit (or a test's rolled-back fixture) cannot linger in the memory of the process.
_calendar_memo: dict[str, tuple[str, dict[date, bool]]] = {}
_calendar_bumpers: dict[str, Callable[[], None]] = {}
# Per thread (a connection belongs to one thread): the databases with calendar edits not yet committed.
_uncommitted = threading.local()


def _calendar_version_key(alias: str) -> str:
    # Two databases (the development one and the test one) must not share a version.
    name = str(connections[alias].settings_dict["NAME"])
    return f"registry:calendar-version:{alias}:{hashlib.sha256(name.encode()).hexdigest()[:16]}"


def _uncommitted_edits() -> set[str]:
    if not hasattr(_uncommitted, "aliases"):
        _uncommitted.aliases = set()
    aliases: set[str] = _uncommitted.aliases
    return aliases


def calendar_invalidate(using: str = DEFAULT_DB_ALIAS) -> None:
    """Make every process reload the working calendar on its next read. Saving or deleting a CalendarDay
    calls it when the transaction commits; call it after writes that send no signals (bulk_create, update)."""
    _uncommitted_edits().discard(using)
    cache.set(_calendar_version_key(using), uuid.uuid4().hex, None)
    _calendar_memo.pop(using, None)


def _calendar_bumper(alias: str) -> Callable[[], None]:
    """The invalidation of one database's calendar, as a callable for commit hooks."""
    if alias not in _calendar_bumpers:
        _calendar_bumpers[alias] = functools.partial(calendar_invalidate, alias)
    return _calendar_bumpers[alias]


def _bump_once(alias: str) -> None:
    # Every edited row registers a hook: the first at commit bumps, the others find nothing pending.
    if alias in _uncommitted_edits():
        calendar_invalidate(alias)


def _calendar_change_pending(alias: str) -> bool:
    if not transaction.get_connection(alias).in_atomic_block:
        # Outside a transaction nothing is uncommitted: an edit was committed (and bumped) or rolled back.
        # After a rollback the thread reads the rows until it next reads here: slower, never stale.
        _uncommitted_edits().discard(alias)
        return False
    return alias in _uncommitted_edits()


@receiver([post_save, post_delete], sender=CalendarDay, dispatch_uid="registry.calendar_changed")
def _calendar_changed(sender: type[CalendarDay], using: str, **kwargs: Any) -> None:
    _uncommitted_edits().add(using)
    transaction.on_commit(functools.partial(_bump_once, using), using=using)


def _calendar_rows(alias: str) -> dict[date, bool]:
    return dict(CalendarDay.objects.using(alias).values_list("date", "is_workday"))


def calendar_exceptions() -> dict[date, bool]:
    """Every CalendarDay as {date: is_workday}, for xiaobao.lib.workdays."""
    alias = router.db_for_read(CalendarDay)
    if _calendar_change_pending(alias):
        return _calendar_rows(alias)
    key = _calendar_version_key(alias)
    version = cache.get(key)
    if version is None:
        cache.add(key, uuid.uuid4().hex, None)
        version = cache.get(key)
        if version is None:  # a dummy cache keeps nothing: nothing can be trusted either
            return _calendar_rows(alias)
    memo = _calendar_memo.get(alias)
    if memo is None or memo[0] != version:
        memo = (version, _calendar_rows(alias))
        _calendar_memo[alias] = memo
    # A copy: callers may add days for a what-if without touching everyone's calendar.
    return dict(memo[1])


def due_in_workdays(start: date, n: int) -> date:
    """The n-th working day after start on the official calendar (start is day 0, as statutes count)."""
    return add_workdays(start, n, calendar_exceptions())


def due_in_days(start: date, n: int) -> date:
    """n calendar days after start, moved to the next working day when the last one is a rest day."""
    return add_calendar_days(start, n, calendar_exceptions())
