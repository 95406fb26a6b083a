import importlib
from datetime import date

from django.apps import apps

from xiaobao.testing import BaseTestCase
from xiaobao.warning.models import Alert, AlertEvent

fold = importlib.import_module("xiaobao.warning.migrations.0004_alert_findings").fold


class FoldAlertsTests(BaseTestCase):
    def _alert(self, number: str, dimension: str, key: str, key_code: str, p_value: float) -> Alert:
        return Alert.objects.create(
            number=number,
            kind=Alert.Kind.ANOMALY,
            dimension=dimension,
            granularity="month",
            key=key,
            key_code=key_code,
            period_start=date(2026, 9, 1),
            period_end=date(2026, 9, 30),
            observed=40,
            expected=10,
            p_value=p_value,
            score=5,
            level="red",
            authority=self.nfra,
            institution=self.icbc,
        )

    def test_it_folds_an_institutions_alerts_of_one_period_into_one_keeping_its_history(self):
        whole = self._alert("YJ-20261001-000001", "institution", self.icbc.name, f"institution:{self.icbc.pk}", 1e-4)
        part = self._alert(
            "YJ-20261001-000002",
            "institution_business",
            f"{self.icbc.name} · {self.credit_card.name}",
            f"institution:{self.icbc.pk}|business:{self.credit_card.pk}",
            1e-7,
        )
        AlertEvent.objects.create(alert=part, kind=AlertEvent.Kind.RAISED)
        AlertEvent.objects.create(alert=part, kind=AlertEvent.Kind.NOTE, note="信用卡年费集中投诉")
        AlertEvent.objects.create(alert=whole, kind=AlertEvent.Kind.RAISED)

        fold(apps, None)

        [alert] = Alert.objects.all()
        self.assertEqual(alert.number, part.number)  # the one worked on
        self.assertEqual(alert.key, self.icbc.name)
        self.assertEqual(alert.key_code, f"institution:{self.icbc.pk}")
        self.assertEqual(alert.p_value, 1e-7)  # the strongest finding
        self.assertEqual([f["dimension"] for f in alert.findings], ["institution_business", "institution"])
        self.assertEqual(alert.events.count(), 3)
