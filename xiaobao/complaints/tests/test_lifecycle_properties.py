"""The complaint state machine explored by hypothesis: every transition, tried by every persona, in any
order, with time passing and the deadline sweep running in between.

After every step the machine checks what a user relies on: a complaint is always in a defined state,
an action either happens completely (one new Event recording exactly that change) or not at all,
nobody without a part in the complaint can act on it, and the clocks that are running are exactly the
ones the state calls for.
"""

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from xiaobao.accounts.models import User
from xiaobao.complaints.access import Actor, GuestAccess
from xiaobao.complaints.models import Complaint, Deadline, Event, SupervisionNotice, Survey
from xiaobao.complaints.services import (
    complaint_accept,
    complaint_answer,
    complaint_correct,
    complaint_extend,
    complaint_feedback,
    complaint_follow_up,
    complaint_refuse,
    complaint_return,
    complaint_review_decide,
    complaint_supervise,
    complaint_transfer,
    complaint_withdraw,
    deadlines_sweep,
    supervision_respond,
    survey_submit,
)
from xiaobao.lib.workdays import add_calendar_days
from xiaobao.registry.models import Label
from xiaobao.registry.selectors import calendar_exceptions, supervision_line_for
from xiaobao.testing import BaseTestCase, first_of

Status = Complaint.Status
Party = Deadline.Party
SHANGHAI = ZoneInfo("Asia/Shanghai")

# Days of receipt around the holidays that make working-day arithmetic interesting: the last working
# days before the 2026 Spring Festival (including its make-up Saturday), Qingming, National Day.
STARTS = [
    datetime(2026, 2, 5, 9, 30, tzinfo=SHANGHAI),
    datetime(2026, 2, 13, 16, 0, tzinfo=SHANGHAI),
    datetime(2026, 2, 14, 10, 0, tzinfo=SHANGHAI),
    datetime(2026, 3, 30, 11, 0, tzinfo=SHANGHAI),
    datetime(2026, 9, 25, 15, 0, tzinfo=SHANGHAI),
]
# "guest" is a GuestAccess for the complaint's number; "system" is the platform itself (actor None).
ACTORS = ("carla", "guest", "oscar", "ivan", "bob", "rita", "lou", "mei", "system")
# "rightful" stands for whoever the model says may take the action at that moment. Drawing it often
# lets an example get deep into the lifecycle instead of spending its steps on refusals.
actors = st.sampled_from(("rightful",) * 27 + ACTORS)
# Actions that end a complaint mostly go to someone who may not take them, or most examples would
# end in their first few steps.
closing_actors = st.sampled_from(ACTORS + ("oscar", "mei", "bob", "lou", "system") * 2)
# Actions that move a complaint sideways (transfers, extensions, notices) get the rightful actor
# less often than the ones that carry it forwards, for the same reason.
sideways_actors = st.sampled_from(("rightful",) * 4 + ACTORS)
DECISION = "经核实，信用卡年费系系统错误扣收，已全额退还600元并致歉。"
REVIEW_RESULT = "经核查，机构未核实办理时的承诺内容，责令重新办理。"


class LifecycleMachine(RuleBasedStateMachine):
    """One complaint per example, with a model of what should have happened to it.

    The model keeps the status, the institution and authority it is with, and whether it has been
    sent to the institution; who may act is derived from that, never from access.party_of.
    """

    case: "LifecycleMachineTests"

    def __init__(self) -> None:
        super().__init__()
        self.pk = 0  # the filed complaint's, from the first rule on
        self.savepoint: str | None = None
        self.traveller: Any = None

    # -- set-up and model -----------------------------------------------------------------------

    @initialize(start=st.sampled_from(STARTS), guest_filed=st.booleans())
    def file(self, start: datetime, guest_filed: bool) -> None:
        # Each example starts from a clean slate inside the test's transaction: a savepoint rolled
        # back at teardown, so the sweep never sees an earlier example's complaints.
        self.savepoint = transaction.savepoint()
        self.traveller = time_machine.travel(start, tick=False)
        self.clock = self.traveller.start()
        case = self.case
        complaint, code = case.file_complaint(by=None if guest_filed else case.carla)
        assert bool(code) == guest_filed
        self.pk, self.number, self.guest_filed = complaint.pk, complaint.number, guest_filed
        self.status: str = Status.SUBMITTED
        self.institution = case.icbc_changchun
        self.authority = case.nfra
        self.sent = False
        self.surveyed = False
        self.follow_up_open = False
        self.stopped_clocks: dict[int, datetime | None] = {}

    def teardown(self) -> None:
        if self.traveller is not None:
            self.traveller.stop()
        if self.savepoint is not None:
            transaction.savepoint_rollback(self.savepoint)

    def actor(self, who: str) -> Actor:
        if who == "guest":
            return GuestAccess(self.number)
        if who == "system":
            return None
        return getattr(self.case, who)

    def party(self, who: str) -> str | None:
        case = self.case
        match who:
            case "carla":
                return None if self.guest_filed else Party.CONSUMER
            case "guest":
                return Party.CONSUMER
            case "ivan":
                return Party.INSTITUTION if self.sent and self.institution == case.icbc_changchun else None
            case "bob":
                return Party.INSTITUTION if self.sent and self.institution == case.other_bank else None
            case "rita":
                return Party.REGULATOR if self.authority == case.nfra else None
            case "lou":
                return Party.REGULATOR if self.authority == case.changchun_local else None
        return None

    def rightful(self, parties: tuple[str, ...]) -> str:
        candidates = [who for who in ACTORS if self.party(who) in parties]
        if candidates:
            return candidates[0]
        # Nobody may act yet (an institution before the complaint is sent to it): its handler tries.
        return "ivan" if self.institution == self.case.icbc_changchun else "bob"

    def complaint(self) -> Complaint:
        return Complaint.objects.get(pk=self.pk)

    def snapshot(self) -> dict[str, Any]:
        """Everything an action may change; a refused action must leave all of it as it was."""
        return {
            "complaint": Complaint.objects.filter(pk=self.pk)
            .values(
                "status",
                "institution_id",
                "authority_id",
                "sent_at",
                "accepted_at",
                "answered_at",
                "closed_at",
                "level",
                "outcome",
                "decision",
                "feedback",
                "review_result",
                "refusal_reason_id",
                "summary",
                "narrative",
            )
            .get(),
            "events": list(Event.objects.filter(complaint_id=self.pk).values_list("id", flat=True)),
            "deadlines": list(
                Deadline.objects.filter(complaint_id=self.pk)
                .order_by("id")
                .values_list(
                    "id",
                    "kind",
                    "party",
                    "opened_at",
                    "start_date",
                    "due_date",
                    "closed_at",
                    "warned_percent",
                    "escalated_at",
                )
            ),
            "notices": list(
                SupervisionNotice.objects.filter(complaint_id=self.pk)
                .order_by("id")
                .values_list("id", "responded_at", "response")
            ),
            "surveys": Survey.objects.filter(complaint_id=self.pk).count(),
        }

    def attempt(
        self,
        who: str,
        call: Callable[[Complaint, Actor], object],
        *,
        parties: tuple[str, ...],
        statuses: tuple[str, ...],
        kind: str,
        to: str | None = None,
        valid: bool = True,
        system_may: bool = False,
    ) -> bool:
        """Run one service call and check it did all of what it should, or nothing at all."""
        if who == "rightful":
            who = self.rightful(parties)
        allowed = self.party(who) in parties or (system_may and who == "system")
        expected = allowed and self.status in statuses and valid
        before = self.snapshot()
        actor = self.actor(who)
        try:
            call(self.complaint(), actor)
        except PermissionDenied:
            assert not allowed, f"{who} has a part in the complaint but was refused {kind}"
            assert self.snapshot() == before, f"a refused {kind} by {who} changed the complaint"
            return False
        except ValidationError:
            assert allowed, f"{who} has no part in the complaint but got past the permission check for {kind}"
            assert not expected, f"{kind} by {who} in status {self.status} was rejected"
            assert self.snapshot() == before, f"a rejected {kind} by {who} changed the complaint"
            return False
        assert allowed, f"{who} has no part in the complaint but could {kind}"
        assert expected, f"{kind} by {who} succeeded in status {self.status} (valid input: {valid})"
        new = list(Event.objects.filter(complaint_id=self.pk).exclude(pk__in=before["events"]))
        assert len(new) == 1, f"{kind} wrote {len(new)} events"
        event = new[0]
        assert event.kind == kind
        assert event.from_status == self.status
        assert event.to_status == (to or self.status)
        assert event.actor_id == (actor.pk if isinstance(actor, User) else None)
        self.status = to or self.status
        return True

    # -- the regulator --------------------------------------------------------------------------

    @rule(who=actors)
    def accept(self, who: str) -> None:
        if self.attempt(
            who,
            lambda c, a: complaint_accept(complaint=c, by=a, note="事实清楚，转机构办理。"),
            parties=(Party.REGULATOR,),
            statuses=(Status.SUBMITTED, Status.RETURNED),
            kind=Event.Kind.ACCEPTED,
            to=Status.WITH_INSTITUTION,
        ):
            self.sent = True

    @rule(
        who=closing_actors,
        refusal_label=st.sampled_from([True, True, False]),
        note=st.sampled_from(
            ["", "  ", "该纠纷已经法院判决，不属于受理范围。", "该纠纷已经法院判决，不属于受理范围。"]
        ),
    )
    def refuse(self, who: str, refusal_label: bool, note: str) -> None:
        reason = self.case.refusal if refusal_label else self.case.extension_reason
        self.attempt(
            who,
            lambda c, a: complaint_refuse(complaint=c, by=a, reason=reason, note=note),
            parties=(Party.REGULATOR,),
            statuses=(Status.SUBMITTED, Status.RETURNED),
            kind=Event.Kind.NOT_ACCEPTED,
            to=Status.NOT_ACCEPTED,
            valid=refusal_label and bool(note.strip()),
        )

    @rule(who=sideways_actors, reason=st.sampled_from(["", "该业务由其他机构办理。", "该业务由其他机构办理。"]))
    def transfer_to_other_institution(self, who: str, reason: str) -> None:
        case = self.case
        target = case.other_bank if self.institution == case.icbc_changchun else case.icbc_changchun
        # Both banks are supervised by NFRA Jilin: from NFRA it goes straight to the bank, from
        # anywhere else it goes to NFRA to be accepted first.
        straight = self.authority == case.nfra
        if self.attempt(
            who,
            lambda c, a: complaint_transfer(complaint=c, by=a, reason=reason, to_institution=target),
            parties=(Party.REGULATOR,),
            statuses=(Status.SUBMITTED, Status.RETURNED, Status.WITH_INSTITUTION),
            kind=Event.Kind.TRANSFERRED,
            to=Status.WITH_INSTITUTION if straight else Status.SUBMITTED,
            valid=bool(reason),
        ):
            self.institution, self.authority, self.sent = target, case.nfra, straight

    @rule(who=sideways_actors, reason=st.sampled_from(["", "属于地方金融组织监管范围。", "属于地方金融组织监管范围。"]))
    def transfer_to_other_authority(self, who: str, reason: str) -> None:
        case = self.case
        target = case.changchun_local if self.authority == case.nfra else case.nfra
        if self.attempt(
            who,
            lambda c, a: complaint_transfer(complaint=c, by=a, reason=reason, to_authority=target),
            parties=(Party.REGULATOR,),
            statuses=(Status.SUBMITTED, Status.RETURNED, Status.WITH_INSTITUTION),
            kind=Event.Kind.TRANSFERRED,
            to=Status.SUBMITTED,
            valid=bool(reason),
        ):
            self.authority, self.sent = target, False

    @rule(who=sideways_actors, with_reason=st.sampled_from([True, True, False]))
    def supervise(self, who: str, with_reason: bool) -> None:
        reason = "请于期限内答复投诉人并报送处理情况。" if with_reason else " "
        self.attempt(
            who,
            lambda c, a: complaint_supervise(complaint=c, by=a, reason=reason),
            parties=(Party.REGULATOR,),
            statuses=(Status.WITH_INSTITUTION,),
            kind=Event.Kind.SUPERVISED,
            valid=with_reason,
            # The platform escalates on its own (by=None): it needs no part in the complaint.
            system_may=True,
        )

    @rule(who=actors, upheld=st.booleans(), complete=st.sampled_from([True, True, True, False]))
    def decide_review(self, who: str, upheld: bool, complete: bool) -> None:
        result = REVIEW_RESULT if complete else "不支持"
        self.attempt(
            who,
            lambda c, a: complaint_review_decide(complaint=c, by=a, upheld=upheld, result=result),
            parties=(Party.REGULATOR,),
            statuses=(Status.UNDER_REVIEW,),
            kind=Event.Kind.REVIEW_DECIDED,
            to=Status.CLOSED if upheld else Status.WITH_INSTITUTION,
            valid=complete,
        )

    # -- the institution ------------------------------------------------------------------------

    @rule(
        who=sideways_actors,
        reason=st.sampled_from(
            ["", "该信用卡由其他银行发卡，不属于本行业务。", "该信用卡由其他银行发卡，不属于本行业务。"]
        ),
    )
    def return_complaint(self, who: str, reason: str) -> None:
        self.attempt(
            who,
            lambda c, a: complaint_return(complaint=c, by=a, reason=reason),
            parties=(Party.INSTITUTION,),
            statuses=(Status.WITH_INSTITUTION,),
            kind=Event.Kind.RETURNED,
            to=Status.RETURNED,
            valid=bool(reason),
        )

    @rule(who=sideways_actors, tier=st.sampled_from(list(Complaint.Level.values)))
    def extend(self, who: str, tier: str) -> None:
        valid = False
        if self.status == Status.WITH_INSTITUTION:
            deadline = Deadline.objects.get(complaint_id=self.pk, kind=Deadline.Kind.ANSWER, closed_at__isnull=True)
            rules = self.complaint().rule_set
            days = {str(Complaint.Level.COMPLEX): rules.complex_days, str(Complaint.Level.MAJOR): rules.max_days}.get(
                tier
            )
            valid = (
                days is not None
                and timezone.localdate() <= deadline.due_date
                and add_calendar_days(deadline.start_date, days, calendar_exceptions()) > deadline.due_date
            )
        self.attempt(
            who,
            lambda c, a: complaint_extend(
                complaint=c, by=a, tier=tier, reason=self.case.extension_reason, note="需调取录音核实。"
            ),
            parties=(Party.INSTITUTION,),
            statuses=(Status.WITH_INSTITUTION,),
            kind=Event.Kind.EXTENDED,
            valid=valid,
        )

    @rule(who=actors, complete=st.sampled_from([True, True, True, False]))
    def answer(self, who: str, complete: bool) -> None:
        decision = DECISION if complete else "已处理"
        if self.attempt(
            who,
            lambda c, a: complaint_answer(
                complaint=c, by=a, outcome=Complaint.Outcome.UPHELD, decision=decision, remedy_amount=Decimal("600.00")
            ),
            parties=(Party.INSTITUTION,),
            statuses=(Status.WITH_INSTITUTION,),
            kind=Event.Kind.ANSWERED,
            to=Status.ANSWERED,
            valid=complete,
        ):
            assert not Deadline.objects.filter(
                complaint_id=self.pk, kind=Deadline.Kind.SUPERVISION, closed_at__isnull=True
            ).exists(), "answering left a supervision clock running"
            assert not SupervisionNotice.objects.filter(complaint_id=self.pk, responded_at__isnull=True).exists()

    def has_unanswered_notice(self) -> bool:
        return SupervisionNotice.objects.filter(complaint_id=self.pk, responded_at__isnull=True).exists()

    @precondition(has_unanswered_notice)
    @rule(who=actors, response=st.sampled_from(["", "已联系投诉人，正在核实。", "已联系投诉人，正在核实。"]))
    def respond_to_supervision(self, who: str, response: str) -> None:
        notice = first_of(SupervisionNotice.objects.filter(complaint_id=self.pk, responded_at__isnull=True))
        self.attempt(
            who,
            lambda c, a: supervision_respond(notice=notice, by=a, response=response),
            parties=(Party.INSTITUTION,),
            statuses=Complaint.OPEN_STATUSES,
            kind=Event.Kind.SUPERVISION_ANSWERED,
            valid=bool(response),
        )

    # -- the complainant ------------------------------------------------------------------------

    @rule(who=sideways_actors)
    def correct(self, who: str) -> None:
        window = timedelta(minutes=self.complaint().rule_set.withdraw_minutes)
        self.attempt(
            who,
            lambda c, a: complaint_correct(
                complaint=c,
                by=a,
                summary="信用卡年费被扣收",
                narrative=c.narrative + "补充：已保留通话记录。",
                amount=Decimal("600.00"),
            ),
            parties=(Party.CONSUMER,),
            statuses=(Status.SUBMITTED,),
            kind=Event.Kind.CORRECTED,
            valid=timezone.now() - self.complaint().received_at <= window,
        )

    @rule(
        who=actors,
        choice=st.sampled_from(
            [
                Complaint.Feedback.SATISFIED,
                Complaint.Feedback.REVIEW,
                Complaint.Feedback.REVIEW,
                Complaint.Feedback.MEDIATION,
            ]
        ),
        note=st.sampled_from(["", "机构未说明年费减免的依据。", "机构未说明年费减免的依据。"]),
    )
    def give_feedback(self, who: str, choice: str, note: str) -> None:
        to = {
            str(Complaint.Feedback.SATISFIED): Status.CLOSED,
            str(Complaint.Feedback.REVIEW): Status.UNDER_REVIEW,
            str(Complaint.Feedback.MEDIATION): Status.MEDIATION,
        }[choice]
        self.attempt(
            who,
            lambda c, a: complaint_feedback(complaint=c, by=a, choice=choice, note=note),
            parties=(Party.CONSUMER,),
            statuses=(Status.ANSWERED,),
            kind=Event.Kind.FEEDBACK,
            to=to,
            valid=choice != Complaint.Feedback.REVIEW or bool(note),
        )

    @rule(who=closing_actors)
    def withdraw(self, who: str) -> None:
        self.attempt(
            who,
            lambda c, a: complaint_withdraw(complaint=c, by=a, reason="已与银行自行和解。"),
            parties=(Party.CONSUMER,),
            statuses=Complaint.OPEN_STATUSES,
            kind=Event.Kind.WITHDRAWN,
            to=Status.WITHDRAWN,
        )

    @rule(who=actors, score=st.sampled_from([0, 1, 3, 5]))
    def survey(self, who: str, score: int) -> None:
        if self.attempt(
            who,
            lambda c, a: survey_submit(complaint=c, by=a, score=score, comment="处理及时。"),
            parties=(Party.CONSUMER,),
            statuses=(Status.CLOSED,),
            kind=Event.Kind.SURVEYED,
            valid=score in Survey.Score.values and not self.surveyed,
        ):
            self.surveyed = True
            self.follow_up_open = score < Survey.FOLLOW_UP_BELOW

    @rule(who=actors, long_enough=st.booleans())
    def follow_up(self, who: str, long_enough: bool) -> None:
        result = "已电话回访，投诉人对答复时效不满，已督促机构改进。" if long_enough else "已回访"
        if self.attempt(
            who,
            lambda c, a: complaint_follow_up(complaint=c, by=a, result=result),
            parties=(Party.REGULATOR,),
            statuses=(Status.CLOSED,),
            kind=Event.Kind.FOLLOWED_UP,
            valid=self.follow_up_open and long_enough,
        ):
            self.follow_up_open = False

    # -- the clock ------------------------------------------------------------------------------

    @rule(days=st.integers(min_value=1, max_value=20))
    def time_passes(self, days: int) -> None:
        self.clock.shift(timedelta(days=days))

    @rule()
    def sweep(self) -> None:
        today = timezone.localdate()
        before = self.snapshot()
        complaint = self.complaint()
        percents = [int(p) for p in complaint.rule_set.warn_percents.split(",") if p.strip()]
        open_deadlines = list(Deadline.objects.filter(complaint_id=self.pk, closed_at__isnull=True))
        # Integer arithmetic, so the expectation does not share the engine's floating point.
        warnings = {}
        for d in open_deadlines:
            if d.party == Party.CONSUMER or today > d.due_date:
                continue
            total, elapsed = max((d.due_date - d.start_date).days, 1), (today - d.start_date).days
            reached = [p for p in percents if elapsed * 100 >= p * total and p > d.warned_percent]
            if reached:
                warnings[d.pk] = max(reached)
        supervised = sum(
            d.kind == Deadline.Kind.ANSWER and d.escalated_at is None and d.due_date < today for d in open_deadlines
        )
        lapsed = sum(d.kind == Deadline.Kind.REVIEW_REQUEST and d.due_date < today for d in open_deadlines)
        # Overdue: escalated once; past the escalation's own date: once more; never a third time.
        escalated = sum(
            d.party != Party.CONSUMER
            and d.due_date < today
            and (d.escalation_level == 0 or (d.escalation_level == 1 and (d.escalation_due or today) < today))
            for d in open_deadlines
        )

        counts = deadlines_sweep()

        assert counts == {"warned": len(warnings), "supervised": supervised, "escalated": escalated, "closed": lapsed}
        new = list(Event.objects.filter(complaint_id=self.pk).exclude(pk__in=before["events"]))
        assert Counter(e.kind for e in new) == +Counter(
            {
                Event.Kind.WARNED: len(warnings),
                Event.Kind.SUPERVISED: supervised,
                Event.Kind.ESCALATED: escalated,
                Event.Kind.CLOSED: lapsed,
            }
        )
        assert all(e.actor_id is None for e in new)
        for pk, percent in warnings.items():
            assert Deadline.objects.get(pk=pk).warned_percent == percent
        if lapsed:
            assert self.status == Status.ANSWERED
            closing = next(e for e in new if e.kind == Event.Kind.CLOSED)
            assert (closing.from_status, closing.to_status) == (Status.ANSWERED, Status.CLOSED)
            self.status = Status.CLOSED
            assert self.complaint().feedback == Complaint.Feedback.NONE
        if supervised:
            assert (
                Deadline.objects.get(
                    complaint_id=self.pk, kind=Deadline.Kind.ANSWER, closed_at__isnull=True
                ).escalated_at
                is not None
            )
        if not new:
            assert self.snapshot() == before, "a sweep with nothing to do changed the complaint"

    # -- what must hold after every step ---------------------------------------------------------

    @invariant()
    def complaint_is_consistent(self) -> None:
        complaint = self.complaint()
        assert complaint.status in Status.values
        assert complaint.status == self.status, f"status {complaint.status}, expected {self.status}"
        assert complaint.institution_id == self.institution.pk
        assert complaint.authority_id == self.authority.pk
        assert bool(complaint.sent_at) == self.sent

        open_clocks = sorted(
            Deadline.objects.filter(complaint_id=self.pk, closed_at__isnull=True).values_list("kind", "party")
        )
        if complaint.status in Complaint.FINAL_STATUSES:
            # Only a poor rating keeps a clock running after the end: the regulator's follow-up call.
            expected_clocks = [(Deadline.Kind.FOLLOW_UP, Party.REGULATOR)] if self.follow_up_open else []
            assert open_clocks == expected_clocks, f"{complaint.status} has clocks running: {open_clocks}"
            assert complaint.closed_at is not None
        else:
            assert complaint.closed_at is None
        match complaint.status:
            case Status.SUBMITTED | Status.RETURNED:
                assert open_clocks == [(Deadline.Kind.ACCEPT, Party.REGULATOR)], open_clocks
            case Status.WITH_INSTITUTION:
                answers = [c for c in open_clocks if c[0] != Deadline.Kind.SUPERVISION]
                assert answers == [(Deadline.Kind.ANSWER, Party.INSTITUTION)], open_clocks
                assert all(
                    c == (Deadline.Kind.SUPERVISION, Party.INSTITUTION)
                    for c in open_clocks
                    if c[0] == Deadline.Kind.SUPERVISION
                )
            case Status.ANSWERED:
                assert open_clocks == [(Deadline.Kind.REVIEW_REQUEST, Party.CONSUMER)], open_clocks
            case Status.UNDER_REVIEW:
                assert open_clocks == [(Deadline.Kind.REVIEW, Party.REGULATOR)], open_clocks
        assert not complaint.deadlines.filter(due_date__lt=F("start_date")).exists(), (
            "a clock falls due before it starts"
        )
        # A stopped clock is history: "was it met?" is judged by when it stopped, so that never moves.
        stopped = dict(complaint.deadlines.filter(closed_at__isnull=False).values_list("id", "closed_at"))
        for pk, closed_at in self.stopped_clocks.items():
            assert stopped.get(pk) == closed_at, f"clock {pk} stopped at {closed_at}, now {stopped.get(pk)}"
        self.stopped_clocks = stopped
        if complaint.sent_at is not None:
            assert complaint.accepted_at is not None, "with an institution but never accepted"

        events = list(complaint.events.order_by("at", "id"))
        assert events[0].kind == Event.Kind.SUBMITTED
        previous = ""
        for event in events:
            assert event.from_status == previous, (
                f"{event.kind} starts from {event.from_status!r}, history was at {previous!r}"
            )
            previous = event.to_status
        assert previous == complaint.status

        last = events[-1]
        with self.case.assertRaises(ValueError):
            last.save()
        with self.case.assertRaises(ValueError):
            last.delete()


class LifecycleMachineTests(BaseTestCase):
    refusal: Label
    extension_reason: Label

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.refusal = first_of(Label.objects.filter(kind=Label.Kind.REFUSAL))
        cls.extension_reason = first_of(Label.objects.filter(kind=Label.Kind.EXTENSION))

    def test_it_keeps_every_complaint_consistent_whoever_acts_and_whenever(self) -> None:
        # The model assumes both banks answer to NFRA Jilin; check the reference data agrees.
        for bank in (self.icbc_changchun, self.other_bank):
            line = supervision_line_for(institution=bank, on=min(STARTS).date())
            assert line is not None and line.authority == self.nfra
        LifecycleMachine.case = self
        run_state_machine_as_test(
            LifecycleMachine,
            settings=settings(
                max_examples=60,
                stateful_step_count=80,
                deadline=None,
                database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            ),
        )
