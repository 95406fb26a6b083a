"""Reads shared by the complaint pages: work queues, a consumer's list, what one viewer may see and do.

Every query starts from access.complaints_for (or a complaint already fetched through the access
chokepoint), so a list can never show more than its viewer may open.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaobao.accounts.models import User
from xiaobao.complaints.access import VISIBLE_THREADS, Party, complaints_for, handled_by
from xiaobao.complaints.models import Attachment, Complaint, Deadline, Notification, SupervisionNotice, Survey
from xiaobao.registry.models import Category

Status = Complaint.Status

QUEUE_NEW = "new"
QUEUE_DUE_SOON = "due_soon"
QUEUE_OVERDUE = "overdue"
QUEUE_AWAITING = "awaiting"
QUEUE_ALL = "all"
QUEUES = (QUEUE_NEW, QUEUE_DUE_SOON, QUEUE_OVERDUE, QUEUE_AWAITING, QUEUE_ALL)

# Columns never needed in a list, and personal data a list must not carry: deferring them keeps
# decryption off the hot path and keeps exports free of personal data by construction.
LIST_DEFERRED = ("complainant_name", "id_number", "phone", "email", "address", "narrative", "decision", "review_result")


def staff_party(user: User) -> str | None:
    """The side a staff member works on in the queues; admins look at them as a regulator does."""
    if not user.is_authenticated:
        return None
    if user.role == User.Role.INSTITUTION:
        return Party.INSTITUTION
    if user.role in (User.Role.REGULATOR, User.Role.ADMIN):
        return Party.REGULATOR
    return None


def _open_deadlines() -> QuerySet[Deadline]:
    return Deadline.objects.filter(closed_at__isnull=True)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def first_warn_fraction(warn_percents: str) -> float:
    fractions = sorted(int(p) / 100 for p in (warn_percents or "").split(",") if p.strip().isdigit())
    return fractions[0] if fractions else 1.0


def due_state(due: date | None, start: date | None, warn_percents: str, today: date) -> str:
    """ "overdue", "due_soon" (the first warning point of the rule set has passed) or ""."""
    if due is None:
        return ""
    if today > due:
        return "overdue"
    total = (due - start).days if start else 0
    elapsed = (today - start).days if start else 0
    if elapsed / (total or 1) >= first_warn_fraction(warn_percents):
        return "due_soon"
    return ""


def category_descendant_ids(category: Category) -> list[int]:
    """The category and everything below it, from one query over its dimension."""
    rows = Category.objects.filter(dimension=category.dimension).values_list("pk", "parent_id")
    children: dict[int | None, list[int]] = {}
    for pk, parent in rows:
        children.setdefault(parent, []).append(pk)
    found, stack = [], [category.pk]
    while stack:
        pk = stack.pop()
        found.append(pk)
        stack.extend(children.get(pk, []))
    return found


def category_paths() -> dict[int, str]:
    """Every category's full path ("银行卡 / 信用卡 / 年费"), from one query."""
    rows = {pk: (name, parent) for pk, name, parent in Category.objects.values_list("pk", "name", "parent_id")}
    paths: dict[int, str] = {}

    def path(pk: int) -> str:
        if pk not in paths:
            name, parent = rows[pk]
            paths[pk] = f"{path(parent)} / {name}" if parent in rows else name
        return paths[pk]

    for pk in rows:
        path(pk)
    return paths


# ---------------------------------------------------------------------------------------------
# Work queues


def _due_soon_ids(qs: QuerySet[Complaint], party: str, today: date) -> list[int]:
    """Complaints with an open deadline of this party past its first warning point, not yet overdue.

    The warning point is a fraction of each deadline's own length under its complaint's rule set,
    which SQL cannot compare portably; one query brings the open deadlines and Python decides.
    """
    rows = (
        _open_deadlines()
        .filter(complaint__in=qs.values("pk"), party=party, due_date__gte=today)
        .values_list("complaint_id", "start_date", "due_date", "complaint__rule_set__warn_percents")
    )
    return sorted({cid for cid, start, due, warn in rows if due_state(due, start, warn, today) == "due_soon"})


def _queue_base(user: User, queue: str, today: date, base: QuerySet[Complaint] | None) -> QuerySet[Complaint]:
    party = staff_party(user)
    qs = base if base is not None else complaints_for(user)
    if party is None:
        return qs.none()
    mine = _open_deadlines().filter(complaint=OuterRef("pk"), party=party)
    if queue != QUEUE_ALL:
        # Copies (抄送) are there to read: they show under 全部 and never count as work to do.
        qs = handled_by(user, qs)
    if queue == QUEUE_NEW:
        if party == Party.REGULATOR:
            return qs.filter(status__in=[Status.SUBMITTED, Status.RETURNED])
        # Sent to the institution and not answered since it was (last) sent; an imported record still
        # open is answered in its source system, not here.
        return qs.filter(status=Status.WITH_INSTITUTION, is_imported=False).filter(
            Q(answered_at__isnull=True) | Q(answered_at__lt=F("sent_at"))
        )
    if queue == QUEUE_DUE_SOON:
        return qs.filter(pk__in=_due_soon_ids(qs, party, today))
    if queue == QUEUE_OVERDUE:
        if party == Party.REGULATOR:
            # The regulator answers for its own clocks and oversees the institutions' (谁监管、谁负责).
            late = _open_deadlines().filter(
                complaint=OuterRef("pk"), party__in=[Party.REGULATOR, Party.INSTITUTION], due_date__lt=today
            )
            return qs.filter(Exists(late))
        return qs.filter(Exists(mine.filter(due_date__lt=today)))
    if queue == QUEUE_AWAITING:
        return qs.filter(Exists(mine))
    return qs


def _apply_filters(qs: QuerySet[Complaint], filters: dict[str, Any]) -> QuerySet[Complaint]:
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("business"):
        qs = qs.filter(business_id__in=category_descendant_ids(filters["business"]))
    if filters.get("institution"):
        qs = qs.filter(institution__name__icontains=filters["institution"].strip())
    if filters.get("received_from"):
        qs = qs.filter(received_at__gte=_day_start(filters["received_from"]))
    if filters.get("received_to"):
        qs = qs.filter(received_at__lt=_day_start(filters["received_to"] + timedelta(days=1)))
    if filters.get("q"):
        term = filters["q"].strip()
        qs = qs.filter(Q(number__icontains=term) | Q(summary__icontains=term))
    return qs


def with_next_due(
    qs: QuerySet[Complaint], *, exclude_kinds: Iterable[str] = (), exclude_party: str = ""
) -> QuerySet[Complaint]:
    """Annotate the earliest open deadline (date, start, kind) inside the list query itself: no N+1."""
    nxt = _open_deadlines().filter(complaint=OuterRef("pk")).order_by("due_date", "pk")
    if exclude_kinds:
        nxt = nxt.exclude(kind__in=list(exclude_kinds))
    if exclude_party:
        nxt = nxt.exclude(party=exclude_party)
    return qs.annotate(
        next_due=Subquery(nxt.values("due_date")[:1]),
        next_due_start=Subquery(nxt.values("start_date")[:1]),
        next_due_kind=Subquery(nxt.values("kind")[:1]),
    )


def complaint_queue_for(
    *,
    user: User,
    queue: str,
    filters: dict[str, Any] | None = None,
    today: date | None = None,
    base: QuerySet[Complaint] | None = None,
) -> QuerySet[Complaint]:
    """One tab of the staff work queue, filtered, with the next staff deadline of each row.

    base is access.complaints_for(user) when the caller already has it: building it walks the
    institution or authority tree, which one page should do once, not once per tab.
    """
    today = today or timezone.localdate()
    queue = queue if queue in QUEUES else QUEUE_ALL
    qs = _apply_filters(_queue_base(user, queue, today, base), filters or {})
    # The complainant's own window to ask for review is not staff work.
    qs = with_next_due(qs, exclude_party=Party.CONSUMER)
    qs = qs.select_related("institution", "business", "authority", "rule_set").defer(*LIST_DEFERRED)
    if queue in (QUEUE_DUE_SOON, QUEUE_OVERDUE, QUEUE_AWAITING):
        return qs.order_by(F("next_due").asc(nulls_last=True), "received_at", "pk")
    if queue == QUEUE_NEW:
        return qs.order_by("received_at", "pk")
    return qs.order_by("-received_at", "-pk")


def queue_counts_for(
    user: User, *, today: date | None = None, base: QuerySet[Complaint] | None = None
) -> dict[str, int]:
    """How many complaints each tab holds, before filters: the size of each pile of work."""
    today = today or timezone.localdate()
    base = base if base is not None else complaints_for(user)
    return {queue: _queue_base(user, queue, today, base).count() for queue in QUEUES}


def mark_due_states(rows: Iterable[Complaint], today: date | None = None) -> None:
    """Set row.due_state on annotated rows, for the words and colours of the due column."""
    today = today or timezone.localdate()
    row: Any  # a complaint annotated by with_next_due
    for row in rows:
        row.due_state = due_state(row.next_due, row.next_due_start, row.rule_set.warn_percents, today)


# ---------------------------------------------------------------------------------------------
# The consumer's own list and notifications


def consumer_complaints_for(user: User) -> QuerySet[Complaint]:
    qs = with_next_due(complaints_for(user), exclude_kinds=[Deadline.Kind.SUPERVISION])
    return qs.select_related("institution").defer(*LIST_DEFERRED).order_by("-received_at", "-pk")


def notifications_for(user: User) -> QuerySet[Notification]:
    # The number alone is needed for the link: the complaint row, with its encrypted columns, is not loaded.
    return Notification.objects.filter(user=user).annotate(number=F("complaint__number")).order_by("-created_at", "-pk")


def unread_count_for(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


# ---------------------------------------------------------------------------------------------
# One complaint, as one party sees it


def deadlines_for(party: str | None, complaint: Complaint) -> list[Deadline]:
    qs = complaint.deadlines.order_by("opened_at", "pk")
    if party == Party.CONSUMER:
        # A supervision notice is between regulator and institution.
        qs = qs.exclude(kind=Deadline.Kind.SUPERVISION)
    today = timezone.localdate()
    rows = list(qs)
    d: Any  # a deadline given its state and days over, for the template
    for d in rows:
        d.state = "" if d.closed_at else due_state(d.due_date, d.start_date, complaint.rule_set.warn_percents, today)
        d.days_over = (today - d.due_date).days if d.state == "overdue" else 0
    return rows


def attachments_for(party: str | None, complaint: Complaint) -> QuerySet[Attachment]:
    """Files on the complaint itself, and files of the message threads this party may read."""
    threads = VISIBLE_THREADS.get(party, []) if party is not None else []
    return complaint.attachments.filter(Q(message__isnull=True) | Q(message__thread__in=threads)).order_by(
        "uploaded_at", "pk"
    )


def notices_for(party: str | None, complaint: Complaint) -> list[SupervisionNotice]:
    if party not in (Party.INSTITUTION, Party.REGULATOR):
        return []
    return list(complaint.supervision_notices.select_related("deadline", "authority").order_by("-issued_at"))


@dataclass(frozen=True)
class CorrectionWindow:
    open: bool
    until: datetime | None


def correction_window(complaint: Complaint, now: datetime | None = None) -> CorrectionWindow:
    """The minutes after filing in which the complainant may still correct what they wrote."""
    now = now or timezone.now()
    until = complaint.received_at + timedelta(minutes=complaint.rule_set.withdraw_minutes)
    return CorrectionWindow(open=complaint.status == Status.SUBMITTED and now <= until, until=until)


def actions_for(*, complaint: Complaint, party: str | None, has_survey: bool, now: datetime | None = None) -> set[str]:
    """The actions this party may take on the complaint in its current state: the forms the page shows.

    The services check the same rules again; this only decides what is offered.
    """
    s = complaint.status
    actions: set[str] = set()
    if party == Party.REGULATOR:
        if s in (Status.SUBMITTED, Status.RETURNED):
            actions |= {"accept", "refuse", "transfer"}
        if s == Status.WITH_INSTITUTION:
            actions |= {"transfer", "supervise"}
        if s == Status.UNDER_REVIEW:
            actions.add("review")
        if (
            s == Status.CLOSED
            and complaint.deadlines.filter(kind=Deadline.Kind.FOLLOW_UP, closed_at__isnull=True).exists()
        ):
            actions.add("follow_up")
    elif party == Party.INSTITUTION:
        if s == Status.WITH_INSTITUTION:
            actions |= {"answer", "return"}
            answer = complaint.deadlines.filter(kind=Deadline.Kind.ANSWER, closed_at__isnull=True).first()
            if (
                answer is not None
                and timezone.localdate() <= answer.due_date
                and complaint.level != Complaint.Level.MAJOR
            ):
                actions.add("extend")
    elif party == Party.CONSUMER:
        if s == Status.ANSWERED:
            actions.add("feedback")
        if s in Complaint.OPEN_STATUSES:
            actions.add("withdraw")
        if correction_window(complaint, now).open:
            actions.add("correct")
        if s == Status.CLOSED and not has_survey:
            actions.add("survey")
        if complaint.consent_publish:
            actions.add("unpublish")
    return actions


def next_step_for(complaint: Complaint) -> str:
    """The complainant's next step in plain words, by status (the due date is shown beside it)."""
    steps: dict[str, str] = {
        Status.SUBMITTED: _("等待监管部门受理"),
        Status.RETURNED: _("监管部门正在重新确定办理机构"),
        Status.WITH_INSTITUTION: _("金融机构正在办理，会在期限内答复您"),
        Status.ANSWERED: _("机构已答复：请查看答复，并告诉我们您是否接受"),
        Status.UNDER_REVIEW: _("监管部门正在核查机构的处理"),
        Status.NOT_ACCEPTED: _("已结束：不予受理，原因见详情"),
        Status.MEDIATION: _("已转入调解"),
        Status.CLOSED: _("已办结：欢迎评价这次办理"),
        Status.WITHDRAWN: _("已结束：您已撤回"),
    }
    return steps.get(complaint.status, "")


# ---------------------------------------------------------------------------------------------
# Publication: what the public projection is built from (xiaobao/disclosure reads only this)

# Published once the regulator has accepted a complaint and sent it on; a complaint not yet
# screened, refused as outside the rules, or withdrawn by its complainant is not published.
PUBLISHABLE_STATUSES = (
    Status.WITH_INSTITUTION,
    Status.RETURNED,
    Status.ANSWERED,
    Status.UNDER_REVIEW,
    Status.MEDIATION,
    Status.CLOSED,
)
PUBLICATION_FIELDS = (
    "pk", "number", "status", "submitted_via", "received_at", "sent_at", "answered_at", "closed_at",
    "institution_id", "business_id", "cause_id", "channel_id", "region_id", "outcome", "remedy_amount",
    "feedback", "consent_publish", "summary", "narrative", "timely_as_recorded",
)  # fmt: skip


def publication_batch(*, after_pk: int, limit: int) -> list[dict[str, Any]]:
    """The next publishable complaints by primary key (at most `limit`; none when there are no more),
    as plain rows with no personal data, each with its answer deadline's due date and closing time
    and its satisfaction score."""
    # A window of `limit` ids rather than "the first `limit` matches": PostgreSQL answered that LIMIT
    # under the status filter by sorting every publishable complaint after the cursor (a bitmap scan on
    # status), which made a million-row build quadratic. An id range is one index range on any database.
    last = Complaint.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    rows: list[dict[str, Any]] = []
    while not rows and after_pk < last:
        rows = list(
            Complaint.objects.filter(pk__gt=after_pk, pk__lte=after_pk + limit, status__in=PUBLISHABLE_STATUSES)
            .order_by("pk")
            .values(*PUBLICATION_FIELDS)
        )
        after_pk += limit
    if not rows:
        return rows
    low, high = rows[0]["pk"], rows[-1]["pk"]
    answer: dict[int, tuple[Any, Any]] = {}
    # The latest answer deadline of each complaint decides timeliness, as Complaint.answer_deadline does.
    for cid, due, closed in (
        Deadline.objects.filter(kind=Deadline.Kind.ANSWER, complaint_id__gte=low, complaint_id__lte=high)
        .order_by("complaint_id", "opened_at", "pk")
        .values_list("complaint_id", "due_date", "closed_at")
    ):
        answer[cid] = (due, closed)
    scores = dict(
        Survey.objects.filter(complaint_id__gte=low, complaint_id__lte=high).values_list("complaint_id", "score")
    )
    for row in rows:
        row["answer_due"], row["answer_closed_at"] = answer.get(row["pk"], (None, None))
        row["survey_score"] = scores.get(row["pk"])
    return rows


def publication_names(pks: Iterable[int]) -> dict[int, str]:
    """The complainant's name for each complaint, decrypted only for the scrubber to remove it."""
    return dict(Complaint.objects.filter(pk__in=list(pks)).values_list("pk", "complainant_name"))


def publishable_count_by_region() -> dict[str | None, int]:
    """How many publishable complaints each complainant region has (to coarsen rare counties)."""
    return dict(
        Complaint.objects.filter(status__in=PUBLISHABLE_STATUSES)
        .values("region_id")
        .annotate(n=Count("pk"))
        .values_list("region_id", "n")
    )


def publishable_pks() -> QuerySet[Complaint, int]:
    return Complaint.objects.filter(status__in=PUBLISHABLE_STATUSES).values_list("pk", flat=True)
