"""Automatic indicators that come from outside the complaints app: mediation (the disputes app) and evidence."""

import sys
import types
from datetime import date
from decimal import Decimal
from unittest import mock

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from xiaobao.ratings import metrics, services
from xiaobao.ratings.models import Metric, Scheme
from xiaobao.ratings.tests.helpers import RatingsTestCase


class MediationTests(RatingsTestCase):
    def test_it_has_no_mediation_data_without_the_disputes_app(self) -> None:
        self.assertIsNone(metrics.mediation_stats(start=date(2025, 1, 1), end=date(2025, 12, 31)))

    def test_it_reads_the_disputes_apps_figures_and_adds_up_an_institutions_branches(self) -> None:
        calls = []

        def mediation_stats(*, start: date, end: date, by: str) -> dict[int, dict[str, int]]:
            calls.append((start, end, by))
            return {
                self.icbc.pk: {"applications": 6, "accepted": 4, "succeeded": 1},
                self.icbc_changchun.pk: {"applications": 2, "accepted": 2, "succeeded": 2},
            }

        fake = types.ModuleType("xiaobao.disputes.selectors")
        fake.mediation_stats = mediation_stats
        with (
            mock.patch.dict(sys.modules, {"xiaobao.disputes.selectors": fake}),
            mock.patch("xiaobao.ratings.metrics.apps.is_installed", return_value=True),
        ):
            found = metrics.compute([self.icbc, self.other_bank], start=date(2025, 1, 1), end=date(2025, 12, 31))
        self.assertEqual(calls, [(date(2025, 1, 1), date(2025, 12, 31), "institution")])
        icbc = found[self.icbc.pk]
        self.assertEqual(self.icbc_changchun.parent, self.icbc)
        # (4 + 2) accepted of (6 + 2) applications = 75%; (1 + 2) succeeded of 6 accepted = 50%.
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
