"""Automatic indicators that come from outside the complaints app: mediation (the disputes app) and evidence."""

from datetime import date
from decimal import Decimal
from unittest import mock

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from xiaobao.disputes.selectors import MediationStats
from xiaobao.ratings import metrics, services
from xiaobao.ratings.models import Metric, Scheme
from xiaobao.ratings.tests.helpers import RatingsTestCase


class MediationTests(RatingsTestCase):
    def test_it_reads_the_disputes_figures_of_each_head_office(self) -> None:
        calls = []

        def mediation_stats(*, start: date, end: date, by: str) -> list[MediationStats]:
            calls.append((start, end, by))
            # The disputes app rolls branches up to the head office: one row per head office.
            return [
                MediationStats(
                    key=self.icbc.uscc, name=self.icbc.name, applications=9, answered=8, accepted=6, agreed=3
                )
            ]

        with mock.patch("xiaobao.disputes.selectors.mediation_stats", mediation_stats):
            found = metrics.compute([self.icbc, self.other_bank], start=date(2025, 1, 1), end=date(2025, 12, 31))
        self.assertEqual(calls, [(date(2025, 1, 1), date(2025, 12, 31), "institution")])
        icbc = found[self.icbc.pk]
        # 6 accepted of the 8 requests answered = 75% (the one still waiting is not counted); 3 agreed of 6 = 50%.
        self.assertEqual(icbc[Metric.MEDIATION_ACCEPTANCE].value, Decimal("75.0000"))
        self.assertEqual(icbc[Metric.MEDIATION_SUCCESS].value, Decimal("50.0000"))
        self.assertIsNone(found[self.other_bank.pk][Metric.MEDIATION_SUCCESS].value)
        self.assertIn("没有调解申请", found[self.other_bank.pk][Metric.MEDIATION_SUCCESS].missing)


class EvidenceTests(RatingsTestCase):
    def test_it_keeps_the_institutions_evidence_and_refuses_a_file_that_is_not_a_document(self) -> None:
        period = self.open_period()
        evaluation = self.evaluation(period)
        pdf = SimpleUploadedFile("制度汇编.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
        services.evidence_add(evaluation=evaluation, upload=pdf, by=self.ivan)
        fake = SimpleUploadedFile("制度.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
        with self.assertRaisesMessage(ValidationError, "格式不受支持"):
            services.evidence_add(evaluation=evaluation, upload=fake, by=self.ivan)
        self.assertEqual(evaluation.evidence.count(), 1)
        self.client.force_login(self.bob)
        url = reverse("ratings:evidence", args=[evaluation.pk, evaluation.evidence.get().pk])
        self.assertEqual(self.client.get(url).status_code, 404)
        self.client.force_login(self.rita)
        self.assertEqual(self.client.get(url).status_code, 200)


class AdminTests(RatingsTestCase):
    def test_it_shows_a_scheme_version_in_use_read_only_in_the_admin(self) -> None:
        period = self.open_period()
        self.client.force_login(self.ada)
        used = reverse("admin:ratings_scheme_change", args=[period.scheme.pk])
        unused = reverse("admin:ratings_scheme_change", args=[Scheme.objects.get(code="seed-2016").pk])
        self.assertNotContains(self.client.get(used), 'name="_save"')
        self.assertContains(self.client.get(unused), 'name="_save"')
