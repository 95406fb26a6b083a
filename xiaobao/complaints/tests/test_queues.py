"""The staff work queues: which complaints land in which tab, filters, pages, and a bounded number of queries."""

from datetime import timedelta
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from xiaobao.complaints import selectors
from xiaobao.complaints.models import Complaint, Deadline
from xiaobao.complaints.services import complaint_accept
from xiaobao.registry.models import Category
from xiaobao.testing import BaseTestCase, first_of


class QueueTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        today = timezone.localdate()
        self.fresh, _code = self.file_complaint(summary="新收到的投诉")
        self.sent = self.accepted(summary="刚转办的投诉")
        self.late = self.accepted(summary="已经逾期的投诉", phone="13900000001")
        self.late.deadlines.filter(kind=Deadline.Kind.ANSWER).update(
            start_date=today - timedelta(days=20), due_date=today - timedelta(days=2)
        )
        self.soon = self.accepted(summary="快到期的投诉", phone="13900000002")
        self.soon.deadlines.filter(kind=Deadline.Kind.ANSWER).update(
            start_date=today - timedelta(days=12), due_date=today + timedelta(days=3)
        )
        self.elsewhere = self.accepted(institution=self.other_bank, summary="别家银行的投诉", phone="13900000003")

    def accepted(self, **kwargs: Any) -> Complaint:
        complaint, _code = self.file_complaint(**kwargs)
        return complaint_accept(complaint=complaint, by=self.rita)

    def numbers(self, response: Any) -> set[str]:
        return {c.number for c in response.context["rows"]}


class QueueTabsTests(QueueTestCase):
    def test_it_counts_each_tab_from_the_institutions_side(self) -> None:
        counts = selectors.queue_counts_for(self.ivan)

        self.assertEqual(counts, {"new": 3, "due_soon": 1, "overdue": 1, "awaiting": 3, "all": 3})

    def test_it_counts_each_tab_from_the_regulators_side(self) -> None:
        counts = selectors.queue_counts_for(self.rita)

        self.assertEqual(counts["new"], 1)
        self.assertEqual(counts["awaiting"], 1)
        # The institution's overdue answer is the regulator's to chase.
        self.assertEqual(counts["overdue"], 1)
        self.assertEqual(counts["all"], 5)

    def test_it_shows_overdue_and_due_soon_in_words(self) -> None:
        self.client.force_login(self.ivan)

        overdue = self.client.get(reverse("complaints:queue"), {"queue": "overdue"})
        soon = self.client.get(reverse("complaints:queue"), {"queue": "due_soon"})

        self.assertEqual(self.numbers(overdue), {self.late.number})
        self.assertContains(overdue, '<span class="overdue">已逾期</span>', html=True)
        self.assertContains(overdue, '已逾期<span class="tab-count">（1）</span>')
        self.assertEqual(self.numbers(soon), {self.soon.number})
        self.assertContains(soon, '<span class="due-soon">即将到期</span>', html=True)

    def test_it_lists_new_complaints_for_each_side(self) -> None:
        self.client.force_login(self.rita)
        regulator = self.client.get(reverse("complaints:queue"), {"queue": "new"})
        self.client.force_login(self.ivan)
        institution = self.client.get(reverse("complaints:queue"), {"queue": "new"})

        self.assertEqual(self.numbers(regulator), {self.fresh.number})
        self.assertEqual(self.numbers(institution), {self.sent.number, self.late.number, self.soon.number})

    def test_it_never_lists_another_institutions_complaints(self) -> None:
        self.client.force_login(self.bob)

        response = self.client.get(reverse("complaints:queue"), {"queue": "all"})

        self.assertEqual(self.numbers(response), {self.elsewhere.number})

    def test_it_sends_consumers_to_their_own_list_and_says_why_to_mediators(self) -> None:
        self.client.force_login(self.carla)
        self.assertRedirects(self.client.get(reverse("complaints:queue")), reverse("complaints:mine"))
        self.client.force_login(self.mei)
        self.assertContains(self.client.get(reverse("complaints:queue")), "工作台只对", status_code=403)


class QueueFilterTests(QueueTestCase):
    def get(self, **params: str) -> Any:
        self.client.force_login(self.rita)
        return self.client.get(reverse("complaints:queue"), {"queue": "all", **params})

    def test_it_filters_by_status(self) -> None:
        self.assertEqual(self.numbers(self.get(status="submitted")), {self.fresh.number})

    def test_it_filters_by_institution_name(self) -> None:
        self.assertEqual(self.numbers(self.get(institution="吉林银行")), {self.elsewhere.number})

    def test_it_filters_by_number_or_summary(self) -> None:
        self.assertEqual(self.numbers(self.get(q="快到期")), {self.soon.number})
        self.assertEqual(self.numbers(self.get(q=self.late.number[-6:])), {self.late.number})

    def test_it_filters_by_top_level_business_category(self) -> None:
        top = self.credit_card
        while top.parent is not None:
            top = top.parent
        other = Category.objects.filter(dimension=Category.Dimension.BUSINESS, parent__isnull=True).exclude(pk=top.pk)

        self.assertEqual(len(self.numbers(self.get(business=str(top.pk)))), 5)
        self.assertEqual(self.numbers(self.get(business=str(first_of(other).pk))), set())

    def test_it_filters_by_received_date_and_says_so_when_nothing_matches(self) -> None:
        today = timezone.localdate()
        self.assertEqual(len(self.numbers(self.get(received_from=today.isoformat(), received_to=today.isoformat()))), 5)

        response = self.get(received_from=(today + timedelta(days=1)).isoformat())

        self.assertEqual(self.numbers(response), set())
        self.assertContains(response, "没有符合筛选条件的投诉")

    def test_it_shows_an_empty_tab_in_plain_words(self) -> None:
        self.client.force_login(self.lou)

        response = self.client.get(reverse("complaints:queue"), {"queue": "overdue"})

        self.assertContains(response, "没有逾期的投诉")


class QueuePagingTests(BaseTestCase):
    def test_it_pages_by_25_and_keeps_the_filters_in_the_links(self) -> None:
        for i in range(26):
            self.file_complaint(summary=f"第{i}件投诉", phone=f"139{i:08d}")
        self.client.force_login(self.rita)

        first = self.client.get(reverse("complaints:queue"), {"queue": "all", "status": "submitted"})
        second = self.client.get(reverse("complaints:queue"), {"queue": "all", "status": "submitted", "page": "2"})

        self.assertEqual(len(first.context["rows"]), 25)
        self.assertEqual(len(second.context["rows"]), 1)
        self.assertContains(first, "?queue=all&amp;status=submitted&amp;page=2")
        self.assertContains(first, "第 1 页，共 2 页")

    def test_it_reads_a_page_in_the_same_number_of_queries_for_3_rows_or_25(self) -> None:
        self.client.force_login(self.ivan)

        def queries() -> int:
            with CaptureQueriesContext(connection) as ctx:
                self.client.get(reverse("complaints:queue"), {"queue": "all"})
            return len(ctx.captured_queries)

        for i in range(3):
            complaint_accept(complaint=self.file_complaint(phone=f"137{i:08d}")[0], by=self.rita)
        few = queries()
        for i in range(3, 28):
            complaint_accept(complaint=self.file_complaint(phone=f"137{i:08d}")[0], by=self.rita)
        many = queries()

        self.assertEqual(few, many)
        self.assertLessEqual(many, 25)
