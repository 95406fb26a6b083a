import csv
import io
import json
from datetime import date, timedelta

from django.core.management import call_command

from xiaobao.complaints.models import Notification
from xiaobao.registry.models import Category, Institution
from xiaobao.testing import BaseTestCase, first_of, present
from xiaobao.warning.models import Alert, AlertEvent
from xiaobao.warning.services import FIELDS, scan_run
from xiaobao.warning.tests.series import complaints_on

AS_OF = date(2026, 3, 18)  # a Wednesday: the day series ends here, the last complete week on the 15th


class ScanTests(BaseTestCase):
    loans: Category
    village: Institution
    history: list[date]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.loans = first_of(Category.objects.filter(dimension=Category.Dimension.BUSINESS, name__contains="贷款"))
        cls.village = Institution.objects.get(name="东丰吉银村镇银行股份有限公司")
        cls.history = [AS_OF - timedelta(days=i) for i in range(28, 0, -1)]
        for i, day in enumerate(cls.history):
            # ICBC (via a Changchun branch) draws 3–4 credit-card complaints a day, Jilin Bank 4–5 loan ones,
            # the village bank one every other day.
            complaints_on(day, 3 + i % 2, institution=cls.icbc_changchun, business=cls.credit_card, authority=cls.nfra)
            complaints_on(
                day, 4 + i % 2, institution=cls.other_bank, business=cls.loans, authority=cls.nfra, region="220202"
            )
            if i % 2:
                complaints_on(day, 1, institution=cls.village, business=cls.loans, authority=cls.nfra, region="220403")

    def _today(self, icbc: int, village: int = 0) -> None:
        complaints_on(AS_OF, icbc, institution=self.icbc_changchun, business=self.credit_card, authority=self.nfra)
        complaints_on(AS_OF, 5, institution=self.other_bank, business=self.loans, authority=self.nfra, region="220202")
        if village:
            complaints_on(
                AS_OF, village, institution=self.village, business=self.loans, authority=self.nfra, region="220403"
            )

    def _found(self, result, dimension: str, granularity: str = "day") -> list[Alert]:
        return [a for a in result.alerts if a.dimension == dimension and a.granularity == granularity]

    def test_it_finds_an_institution_suddenly_drawing_complaints(self):
        self._today(icbc=25)
        result = scan_run(as_of=AS_OF, topics=False, risk_index=False)
        [alert] = self._found(result, "institution")
        self.assertEqual(alert.key, self.icbc.name)  # the whole institution, not the branch
        self.assertEqual(alert.observed, 25)
        self.assertLess(present(alert.expected), 6)
        self.assertEqual(alert.level, "red")
        self.assertEqual(alert.authority, self.nfra)
        self.assertEqual(alert.status, Alert.Status.NEW)
        # Why: the history it was judged against, what was expected of each period, the complaints behind it.
        self.assertEqual(len(alert.explanation["observed"]), 29)
        self.assertEqual(alert.explanation["observed"][-1], 25)
        self.assertEqual(len(alert.explanation["complaints"]), 5)
        self.assertTrue(alert.events.filter(kind=AlertEvent.Kind.RAISED).exists())
        self.assertTrue(Notification.objects.filter(user=self.rita, text__contains=alert.number).exists())

    def test_it_does_not_alert_on_an_ordinary_day(self):
        self._today(icbc=4)
        result = scan_run(as_of=AS_OF, topics=False, risk_index=False)
        self.assertEqual([a for a in result.alerts if a.granularity == "day"], [])

    def test_it_does_not_alert_on_a_tiny_institution_going_from_one_to_three(self):
        self._today(icbc=4, village=3)
        result = scan_run(as_of=AS_OF, topics=False, risk_index=False)
        self.assertFalse(any(self.village.name in a.key for a in result.alerts))

    def test_it_raises_one_alert_per_institution_listing_every_dimension_that_found_it(self):
        self._today(icbc=25)
        result = scan_run(as_of=AS_OF, topics=False, risk_index=False)
        [alert] = [a for a in result.alerts if a.granularity == "day" and a.institution == self.icbc]
        self.assertEqual(alert.key, self.icbc.name)
        self.assertEqual([f["dimension"] for f in alert.findings], ["institution", "institution_business"])
        self.assertIn(self.credit_card.name, alert.findings[1]["key"])
        self.assertEqual(alert.level, alert.findings[0]["level"])
        # The same scan again finds the same alert with the same dimensions.
        again = scan_run(as_of=AS_OF, topics=False, risk_index=False)
        [same] = [a for a in again.alerts if a.granularity == "day" and a.institution == self.icbc]
        self.assertEqual((same.pk, same.number, same.findings), (alert.pk, alert.number, alert.findings))

    def test_it_raises_each_alert_once_however_often_it_runs(self):
        self._today(icbc=25)
        first = scan_run(as_of=AS_OF, topics=False, risk_index=False)
        second = scan_run(as_of=AS_OF, topics=False, risk_index=False)
        self.assertEqual({a.pk for a in first.alerts}, {a.pk for a in second.alerts})
        self.assertEqual(second.run.raised, 0)
        self.assertEqual(Alert.objects.count(), len(first.alerts))


class WarningScanCommandTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for i in range(28, 0, -1):
            complaints_on(
                AS_OF - timedelta(days=i),
                3,
                institution=cls.icbc_changchun,
                business=cls.credit_card,
                authority=cls.nfra,
            )
            complaints_on(
                AS_OF - timedelta(days=i), 3, institution=cls.other_bank, business=cls.credit_card, authority=cls.nfra
            )
        complaints_on(AS_OF, 30, institution=cls.icbc_changchun, business=cls.credit_card, authority=cls.nfra)
        complaints_on(AS_OF, 3, institution=cls.other_bank, business=cls.credit_card, authority=cls.nfra)

    def _run(self, *args: str) -> str:
        out, err = io.StringIO(), io.StringIO()
        call_command("warning_scan", "--as-of", AS_OF.isoformat(), *args, stdout=out, stderr=err)
        return out.getvalue()

    def test_it_prints_a_json_list_with_exactly_the_contract_fields(self):
        rows = json.loads(self._run("--format", "json"))
        self.assertTrue(rows)
        for row in rows:
            self.assertEqual(set(row), set(FIELDS))
        icbc = [r for r in rows if r["dimension"] == "institution" and r["period"] == AS_OF.isoformat()]
        self.assertEqual(icbc[0]["key"], self.icbc.name)
        self.assertEqual(icbc[0]["observed"], 30)
        self.assertIn(icbc[0]["level"], ("red", "orange", "yellow"))

    def test_it_prints_csv_with_a_header_of_the_contract_fields(self):
        reader = csv.reader(io.StringIO(self._run("--format", "csv")))
        header = next(reader)
        self.assertEqual(header, list(FIELDS))
        self.assertTrue(any(row[1] == self.icbc.name for row in reader))

    def test_it_prints_one_readable_line_per_alert_by_default(self):
        lines = self._run().splitlines()
        self.assertTrue(any(self.icbc.name in line and "observed 30" in line for line in lines))
        self.assertEqual(len(lines), Alert.objects.count())


class ScanTaskTests(BaseTestCase):
    def test_it_runs_the_scan_from_the_task_queue_and_reports_what_it_did(self):
        from xiaobao.warning.tasks import scan_daily

        for i in range(28, 0, -1):
            complaints_on(
                AS_OF - timedelta(days=i),
                3,
                institution=self.icbc_changchun,
                business=self.credit_card,
                authority=self.nfra,
            )
            complaints_on(
                AS_OF - timedelta(days=i),
                3,
                institution=self.other_bank,
                business=self.credit_card,
                authority=self.nfra,
            )
        complaints_on(AS_OF, 25, institution=self.icbc_changchun, business=self.credit_card, authority=self.nfra)
        result = scan_daily.enqueue(as_of=AS_OF.isoformat())
        self.assertGreaterEqual(present(result.return_value)["raised"], 1)
        self.assertTrue(Alert.objects.filter(dimension="institution", key=self.icbc.name).exists())
