"""条例 Art. 20: a company's report goes where it is registered, a person's where they live; a named
licensed institution also notifies its regulator (谁审批、谁监管、谁负责)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

from xiaobao.registry.models import Authority, Institution, Region
from xiaobao.testing import present
from xiaobao.tipoffs import services
from xiaobao.tipoffs.models import Report, ReportEvent
from xiaobao.tipoffs.tests.base import TipoffsTestCase


class RoutingTests(TipoffsTestCase):
    def test_it_sends_a_company_to_the_lead_department_where_it_is_registered(self) -> None:
        report, _r = self.file_report(subject_region=self.nanguan, subject_address="四平市铁西区英雄大路1号")

        self.assertEqual(report.authority.code, "fundraising-changchun")

    def test_it_sends_a_person_to_the_lead_department_where_they_live(self) -> None:
        report, _r = self.file_report(
            subject_kind=Report.SubjectKind.PERSON, subject_name="金某某", subject_region=self.yanji
        )

        self.assertEqual(report.authority.code, "fundraising-yanbian")

    def test_it_prefers_the_citys_department_to_the_provinces(self) -> None:
        # Both the province's and Changchun's departments cover 南关区: the more specific one wins.
        covering = Authority.objects.filter(kind=Authority.Kind.FUNDRAISING, region__in=["220000", "220100"])
        self.assertGreaterEqual(covering.count(), 2)

        self.assertEqual(
            present(services.lead_department_for(region=self.nanguan, on=timezone.localdate())).code,
            "fundraising-changchun",
        )

    def test_it_sends_a_report_placed_only_in_the_province_to_the_province(self) -> None:
        report, _r = self.file_report(subject_region=Region.objects.get(code="220000"))

        self.assertEqual(report.authority, self.lead_province)

    def test_it_has_a_lead_department_for_every_city(self) -> None:
        for city in Region.objects.filter(level=Region.Level.PREFECTURE):
            with self.subTest(city=city.name):
                authority = present(services.lead_department_for(region=city, on=timezone.localdate()))
                self.assertEqual((authority.region_id, authority.parent), (city.code, self.lead_province))

    def test_it_uses_the_department_in_force_on_the_day(self) -> None:
        # Before the regulation (2021-05-01) the province's 处非办 under its former name handled everything.
        self.assertEqual(
            present(services.lead_department_for(region=self.nanguan, on=date(2020, 6, 1))).code,
            "fundraising-jilin-2016",
        )

    def test_it_refuses_a_region_without_a_lead_department(self) -> None:
        elsewhere = Region.objects.create(code="210000", name="辽宁省", level=Region.Level.PROVINCE)

        with self.assertRaises(ValidationError) as caught:
            self.file_report(subject_region=elsewhere)

        self.assertIn("subject_region", caught.exception.message_dict)


class RegulatorNotificationTests(TipoffsTestCase):
    def test_it_notifies_the_regulator_of_a_named_bank(self) -> None:
        report, _r = self.file_report(institution=self.icbc_changchun)

        self.assertEqual(present(report.notified_authority).code, "nfra-jilin")
        event = report.events.get(kind=ReportEvent.Kind.REGULATOR_NOTIFIED)
        self.assertFalse(event.visible_to_reporter)
        # The report itself stays with the lead department.
        self.assertEqual(report.authority, self.lead_changchun)

    def test_it_notifies_a_citys_local_regulator_of_a_small_loan_company(self) -> None:
        lender = Institution.objects.get(name="长春市南关区恒信小额贷款有限责任公司")

        report, _r = self.file_report(institution=lender)

        self.assertEqual(present(report.notified_authority).code, "local-changchun")

    def test_it_notifies_no_one_for_an_unlicensed_entity(self) -> None:
        suspect = Institution.objects.get(type__code="unlicensed")

        report, _r = self.file_report(institution=suspect)

        self.assertIsNone(report.notified_authority)
        self.assertFalse(report.events.filter(kind=ReportEvent.Kind.REGULATOR_NOTIFIED).exists())

    def test_it_notifies_again_only_when_the_supervisor_changed(self) -> None:
        report, _r = self.file_report(institution=self.icbc_changchun)

        with self.assertRaises(ValidationError):
            services.report_notify_regulator(report=report, by=self.fay)

        Report.objects.filter(pk=report.pk).update(notified_authority=None)
        services.report_notify_regulator(report=report, by=self.fay)
        report.refresh_from_db()
        self.assertEqual(report.notified_authority, self.nfra)

    def test_it_has_nothing_to_notify_without_an_institution(self) -> None:
        report, _r = self.file_report()

        with self.assertRaises(ValidationError):
            services.report_notify_regulator(report=report, by=self.fay)
