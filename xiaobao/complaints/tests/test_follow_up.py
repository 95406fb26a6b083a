"""A poor rating (不满意, 非常不满意) opens the regulator's follow-up call (回访) with its own deadline."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from xiaobao.complaints import selectors
from xiaobao.complaints.access import timeline_for
from xiaobao.complaints.models import Complaint, Deadline, Event, Survey
from xiaobao.complaints.services import (
    complaint_accept,
    complaint_answer,
    complaint_feedback,
    complaint_follow_up,
    survey_submit,
)
from xiaobao.testing import BaseTestCase, bearer

Party = Deadline.Party
SHANGHAI = ZoneInfo("Asia/Shanghai")


class FollowUpTests(BaseTestCase):
    def closed_complaint(self) -> Complaint:
        complaint, _code = self.file_complaint(by=self.carla)
        complaint_accept(complaint=complaint, by=self.rita)
        complaint_answer(
            complaint=complaint,
            by=self.ivan,
            outcome=Complaint.Outcome.NOT_UPHELD,
            decision="经核实，年费收取符合合同约定，不予退还。",
        )
        return complaint_feedback(complaint=complaint, by=self.carla, choice=Complaint.Feedback.SATISFIED)

    def test_it_gives_the_regulator_five_working_days_to_call_back_a_dissatisfied_complainant(self) -> None:
        # Friday 2026-04-03: the Qingming holiday (4–6 April) does not count.
        with time_machine.travel(datetime.combine(date(2026, 4, 3), time(10), tzinfo=SHANGHAI), tick=False):
            complaint = self.closed_complaint()
            survey_submit(complaint=complaint, by=self.carla, score=Survey.Score.DISSATISFIED, comment="答复敷衍")

        follow_up = complaint.deadlines.get(kind=Deadline.Kind.FOLLOW_UP)
        self.assertEqual(follow_up.party, Party.REGULATOR)
        self.assertIsNone(follow_up.closed_at)
        # 7, 8, 9, 10 and 13 April are the five working days after the holiday weekend.
        self.assertEqual(follow_up.due_date, date(2026, 4, 13))
        self.assertIn(complaint, selectors.complaint_queue_for(user=self.rita, queue="awaiting", filters={}))

    def test_it_opens_no_follow_up_for_a_satisfied_rating(self) -> None:
        complaint = self.closed_complaint()

        survey_submit(complaint=complaint, by=self.carla, score=Survey.Score.FAIRLY_SATISFIED)

        self.assertFalse(complaint.deadlines.filter(kind=Deadline.Kind.FOLLOW_UP).exists())

    def test_it_records_the_call_on_the_page_for_staff_only(self) -> None:
        complaint = self.closed_complaint()
        survey_submit(complaint=complaint, by=self.carla, score=Survey.Score.VERY_DISSATISFIED)
        self.client.force_login(self.rita)

        page = self.client.get(reverse("complaints:detail", args=[complaint.number]))
        self.assertContains(page, "记录回访")
        response = self.client.post(
            reverse("complaints:follow_up", args=[complaint.number]),
            {"result": "已电话回访，投诉人认为解释不清，已要求银行补充说明年费条款。"},
        )

        self.assertEqual(response.status_code, 302)
        self.assertIsNotNone(complaint.deadlines.get(kind=Deadline.Kind.FOLLOW_UP).closed_at)
        kinds = lambda party: set(timeline_for(party, complaint).values_list("kind", flat=True))  # noqa: E731
        self.assertIn(Event.Kind.FOLLOWED_UP, kinds(Party.REGULATOR))
        self.assertNotIn(Event.Kind.FOLLOWED_UP, kinds(Party.CONSUMER))

    def test_it_refuses_a_follow_up_nobody_asked_for(self) -> None:
        complaint = self.closed_complaint()

        with self.assertRaises(ValidationError):
            complaint_follow_up(complaint=complaint, by=self.rita, result="已回访，投诉人表示满意，无其他诉求。")

    def test_it_records_the_call_through_the_api(self) -> None:
        complaint = self.closed_complaint()
        survey_submit(complaint=complaint, by=self.carla, score=Survey.Score.DISSATISFIED)

        response = self.client.post(
            f"/api/v1/complaints/{complaint.number}/follow_up",
            {"result": "已电话回访，投诉人接受银行的补充说明。"},
            content_type="application/json",
            headers=bearer(self.rita),
        )

        self.assertEqual(response.status_code, 200, response.content)
        self.assertIsNotNone(complaint.deadlines.get(kind=Deadline.Kind.FOLLOW_UP).closed_at)
