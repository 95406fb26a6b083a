"""The province's overdue dashboard and the report of transfers by reason: counts, lists, export, access."""

import io
from datetime import date

import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from xiaobao.complaints.models import Complaint, Deadline
from xiaobao.complaints.services import complaint_transfer
from xiaobao.oversight.selectors import LINE_ARROW
from xiaobao.oversight.tests.base import BEFORE_HOLIDAY, FIRST_LATE, SECOND_LATE, EscalationTestCase, at
from xiaobao.registry.models import Authority, SupervisionLine
from xiaobao.testing import streamed, worksheet

Party = Deadline.Party
OVERDUE = reverse("oversight:overdue")
TRANSFERS = reverse("oversight:transfers")


class OverdueDashboardTests(EscalationTestCase):
    unaccepted: list[Complaint]
    unanswered: Complaint
    once: Complaint

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        test = cls("run")
        # Two complaints Lou's office never accepted, one answer ICBC never gave: each escalated twice.
        cls.unaccepted = [test.at_lou(), test.at_lou()]
        for complaint in cls.unaccepted:
            test.only_clock(complaint.deadlines, Deadline.Kind.ACCEPT, Party.REGULATOR)
        cls.unanswered = test.at_rita()
        test.only_clock(cls.unanswered.deadlines, Deadline.Kind.ANSWER, Party.INSTITUTION)
        # Escalated once only: not yet the province's.
        cls.once = test.at_lou()
        test.only_clock(cls.once.deadlines, Deadline.Kind.ACCEPT, Party.REGULATOR)
        test.sweep(FIRST_LATE)
        cls.once.deadlines.update(escalation_due=date(2026, 3, 31))
        test.sweep(SECOND_LATE)

    def counts(self, response: object) -> list[tuple[str, str, int]]:
        return [(c.authority, c.kind, c.count) for c in response.context["counts"]]  # type: ignore[attr-defined]

    def test_it_counts_the_province_officer_s_items_by_authority_and_clock_kind(self) -> None:
        self.client.force_login(self.paul)
        response = self.client.get(OVERDUE)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.counts(response), [(self.changchun_local.name, "complaints.accept", 2)])
        self.assertContains(response, "投诉：受理转办")

    def test_it_counts_every_authority_for_the_administrator(self) -> None:
        self.client.force_login(self.ada)
        response = self.client.get(OVERDUE)
        self.assertEqual(
            sorted(self.counts(response)),
            sorted([(self.changchun_local.name, "complaints.accept", 2), (self.nfra.name, "complaints.answer", 1)]),
        )

    def test_it_lists_the_items_behind_a_count_with_links_to_the_cases(self) -> None:
        self.client.force_login(self.paul)
        response = self.client.get(OVERDUE, {"authority": str(self.changchun_local.pk), "kind": "complaints.accept"})
        numbers = {item.number for item in response.context["page"].object_list}
        self.assertEqual(numbers, {c.number for c in self.unaccepted})
        for complaint in self.unaccepted:
            self.assertContains(response, reverse("complaints:detail", args=[complaint.number]))
        self.assertNotContains(response, self.once.number)
        opened = self.client.get(reverse("complaints:detail", args=[self.unaccepted[0].number]))
        self.assertEqual(opened.status_code, 200)

    def test_it_pages_a_long_list(self) -> None:
        self.client.force_login(self.ada)
        with self.settings():
            from xiaobao.oversight import views

            size, views.PAGE_SIZE = views.PAGE_SIZE, 2
            try:
                first = self.client.get(OVERDUE)
                second = self.client.get(OVERDUE, {"page": 2})
            finally:
                views.PAGE_SIZE = size
        self.assertEqual(len(first.context["page"].object_list), 2)
        self.assertEqual(len(second.context["page"].object_list), 1)
        self.assertContains(first, "第 1 页，共 2 页")

    def test_it_exports_the_list_to_excel(self) -> None:
        self.client.force_login(self.paul)
        response = self.client.get(OVERDUE, {"format": "xlsx"})
        sheet = worksheet(load_workbook(io.BytesIO(streamed(response))))
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[0][0], "编号")
        self.assertEqual({r[0] for r in rows[1:]}, {c.number for c in self.unaccepted})

    def test_it_says_so_when_nothing_is_overdue(self) -> None:
        officer = self.pei  # the central bank's province office has no overdue item
        self.client.force_login(officer)
        response = self.client.get(OVERDUE)
        self.assertContains(response, "目前没有升级至省级仍未办结的逾期事项。")

    def test_it_refuses_a_city_regulator_and_an_institution(self) -> None:
        for user in (self.lou, self.ivan, self.mei, self.carla):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(OVERDUE).status_code, 403)
                self.assertEqual(self.client.get(TRANSFERS).status_code, 403)

    def test_it_answers_another_tree_s_authority_as_not_found(self) -> None:
        self.client.force_login(self.rita)
        self.assertEqual(self.client.get(OVERDUE, {"authority": self.changchun_local.pk}).status_code, 404)
        self.assertEqual(self.client.get(OVERDUE, {"authority": "x"}).status_code, 404)
        self.assertEqual(self.client.get(OVERDUE, {"authority": self.nfra.pk}).status_code, 200)


class TransfersReportTests(EscalationTestCase):
    def test_it_counts_transfers_by_reason_and_by_line(self) -> None:
        with time_machine.travel(at(BEFORE_HOLIDAY), tick=False):
            self.at_lou()
            self.at_lou()
            complaint, _code = self.file_complaint(by=self.carla)
            complaint_transfer(complaint=complaint, by=self.rita, reason="属人民银行征信业务", to_authority=self.pboc)
        routed = str(SupervisionLine.objects.get(pk=complaint.supervision_line_id or 0))
        self.client.force_login(self.ada)
        with time_machine.travel(at(date(2026, 2, 10)), tick=False):
            response = self.client.get(TRANSFERS, {"start": "2026-02-01", "end": "2026-02-10"})
        self.assertEqual(response.context["total"], 3)
        reasons = {(g.label, g.count) for g in response.context["reasons"]}
        self.assertEqual(reasons, {("属地方金融组织业务", 2), ("属人民银行征信业务", 1)})
        # All three were routed by the line for a bank in the province; each went where another line says.
        by_line = {g.label.split(LINE_ARROW)[0]: g.count for g in response.context["lines"]}
        self.assertEqual(by_line, {routed: 3})
        chosen = self.client.get(
            TRANSFERS, {"start": "2026-02-01", "end": "2026-02-10", "reason": "属地方金融组织业务"}
        )
        self.assertEqual(len(chosen.context["page"].object_list), 2)

    def test_it_leaves_out_transfers_outside_the_period(self) -> None:
        with time_machine.travel(at(BEFORE_HOLIDAY), tick=False):
            self.at_lou()
        self.client.force_login(self.ada)
        response = self.client.get(TRANSFERS, {"start": "2026-03-01", "end": "2026-03-31"})
        self.assertEqual(response.context["total"], 0)
        self.assertContains(response, "该期间没有转至其他监管部门的投诉。")

    def test_it_explains_a_period_that_ends_before_it_starts(self) -> None:
        self.client.force_login(self.ada)
        response = self.client.get(TRANSFERS, {"start": "2026-03-31", "end": "2026-03-01"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "起始日期不能晚于截止日期。")

    def test_it_exports_the_transfers_to_excel(self) -> None:
        with time_machine.travel(at(BEFORE_HOLIDAY), tick=False):
            complaint = self.at_lou()
        self.client.force_login(self.paul)
        response = self.client.get(TRANSFERS, {"start": "2026-02-01", "end": "2026-02-28", "format": "xlsx"})
        rows = list(worksheet(load_workbook(io.BytesIO(streamed(response)))).iter_rows(values_only=True))
        self.assertEqual([r[0] for r in rows[1:]], [complaint.number])
        self.assertEqual(rows[1][2], "属地方金融组织业务")
        self.assertEqual(rows[1][5], Authority.objects.get(pk=self.changchun_local.pk).name)
