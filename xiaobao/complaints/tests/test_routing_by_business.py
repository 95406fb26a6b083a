"""谁监管、谁负责 by the matter as well as the kind of institution: the table of who answers for what,
before and after each reform, and what the complainant, the handler and the copied regulator see."""

from datetime import date

from django.urls import reverse

from xiaobao.accounts.models import User
from xiaobao.complaints.models import Complaint, Event
from xiaobao.complaints.services import complaint_accept, complaint_return, complaint_transfer
from xiaobao.complaints.tests.test_api import ApiTestCase
from xiaobao.registry.models import Category, Institution, SupervisionLine
from xiaobao.registry.selectors import supervision_line_for
from xiaobao.testing import BaseTestCase, present

HUAXIA = "华夏银行股份有限公司长春分行"
ICBC = "中国工商银行股份有限公司吉林省分行"
LAKALA = "拉卡拉支付股份有限公司吉林分公司"
NORTHEAST_SECURITIES = "东北证券股份有限公司"
FUND_MANAGER = "东方基金管理股份有限公司长春分公司"
CHANGCHUN_LENDER = "长春市南关区恒信小额贷款有限责任公司"
JILIN_CITY_LENDER = "吉林市船营区金达小额贷款有限公司"

# institution, business, date of receipt → the authority responsible (and the one copied, if any).
# Reforms: CBIRC from 2018-11-01, NFRA from 2023-07-20, the central bank's Jilin branch from 2024-01-01,
# the local financial authorities' 2024 names from 2024-07-01 (all as the reference data dates them).
TABLE: list[tuple[str, str, date, str, str | None]] = [
    # A bank's credit-reporting complaint is the central bank's, whoever supervises the bank.
    (HUAXIA, "B08-03", date(2017, 5, 2), "pboc-changchun", "cbrc-jilin"),
    (HUAXIA, "B08-03", date(2020, 5, 6), "pboc-changchun", "cbirc-jilin"),
    (HUAXIA, "B08-03", date(2023, 9, 1), "pboc-changchun", "nfra-jilin"),
    (HUAXIA, "B08-03", date(2025, 3, 3), "pboc-jilin", "nfra-jilin"),
    # A bank's cash refusal: the renminbi is the central bank's.
    (ICBC, "B12-01", date(2018, 3, 1), "pboc-changchun", "cbrc-jilin"),
    (ICBC, "B12-01", date(2025, 3, 3), "pboc-jilin", "nfra-jilin"),
    # The bank's own business stays with the banking regulator of the day.
    (ICBC, "B03-02-04", date(2017, 5, 2), "cbrc-jilin", None),
    (ICBC, "B03-02-04", date(2020, 5, 6), "cbirc-jilin", None),
    (ICBC, "B03-02-04", date(2025, 3, 3), "nfra-jilin", None),
    # Payments, anti-money laundering and the treasury at a bank; foreign exchange is SAFE's.
    (ICBC, "B04-02", date(2025, 3, 3), "pboc-jilin", "nfra-jilin"),
    (ICBC, "B15-01", date(2025, 3, 3), "pboc-jilin", "nfra-jilin"),
    (ICBC, "B11-01", date(2019, 4, 1), "pboc-changchun", "cbirc-jilin"),
    (ICBC, "B09-01", date(2017, 5, 2), "safe-jilin", "cbrc-jilin"),
    (ICBC, "B09-01", date(2025, 3, 3), "safe-jilin", "nfra-jilin"),
    # A payment institution's payment complaint: the central bank twice over, nobody to copy.
    (LAKALA, "B41-01", date(2019, 4, 1), "pboc-changchun", None),
    (LAKALA, "B41-01", date(2025, 3, 3), "pboc-jilin", None),
    # A securities firm's fund complaint stays with the CSRC's bureau through every reform.
    (NORTHEAST_SECURITIES, "B33-01", date(2017, 5, 2), "csrc-jilin", None),
    (NORTHEAST_SECURITIES, "B33-01", date(2025, 3, 3), "csrc-jilin", None),
    (FUND_MANAGER, "B33-02", date(2025, 3, 3), "csrc-jilin", None),
    # ...but its credit-reporting complaint is the central bank's.
    (NORTHEAST_SECURITIES, "B08-03", date(2025, 3, 3), "pboc-jilin", "csrc-jilin"),
    # A micro-lender's loan complaint: the city's local financial authority, most specific region first.
    (CHANGCHUN_LENDER, "B51-01", date(2017, 5, 2), "local-changchun-2016", None),
    (CHANGCHUN_LENDER, "B51-01", date(2025, 3, 3), "local-changchun", None),
    (JILIN_CITY_LENDER, "B51-01", date(2025, 3, 3), "local-jilinshi", None),
    (JILIN_CITY_LENDER, "B51-99", date(2025, 3, 3), "local-jilinshi", None),
]


class RoutingTableTests(BaseTestCase):
    def test_it_routes_each_complaint_to_the_authority_responsible_on_its_date(self) -> None:
        for name, business_code, on, handler, copied in TABLE:
            institution = Institution.objects.get(name=name)
            business = Category.objects.get(code=business_code)
            with self.subTest(institution=name, business=business_code, on=on):
                line = present(supervision_line_for(institution=institution, on=on, business=business))
                own = present(supervision_line_for(institution=institution, on=on))
                self.assertEqual(line.authority.code, handler)
                self.assertEqual(own.authority.code if own.authority_id != line.authority_id else None, copied)

    def test_it_prefers_a_line_for_the_business_and_type_over_one_for_the_business_alone(self) -> None:
        huaxia = Institution.objects.get(name=HUAXIA)
        credit = Category.objects.get(code="B08-03")
        general = present(supervision_line_for(institution=huaxia, on=date(2025, 3, 3), business=credit))
        narrow = general.__class__.objects.create(
            code="test-credit-banks",
            institution_type=huaxia.type,
            region=general.region,
            authority=self.nfra,
            valid_from=date(2025, 1, 1),
            basis="假设的分工",
        )
        narrow.businesses.add(credit)

        chosen = present(supervision_line_for(institution=huaxia, on=date(2025, 3, 3), business=credit))
        before = present(supervision_line_for(institution=huaxia, on=date(2024, 12, 31), business=credit))

        self.assertEqual(chosen, narrow)
        self.assertEqual(before.authority, self.pboc)


class SupervisionLineAdminTests(BaseTestCase):
    def test_it_shows_the_administrator_each_lines_business_its_source_and_what_is_unverified(self) -> None:
        line = SupervisionLine.objects.get(code="pboc-credit-2024")
        self.client.force_login(self.ada)

        listed = self.client.get(reverse("admin:registry_supervisionline_changelist"), {"q": "征信"})
        opened = self.client.get(reverse("admin:registry_supervisionline_change", args=[line.pk]))

        self.assertContains(listed, "B08-03 个人征信")
        self.assertContains(listed, "《征信业管理条例》")
        self.assertContains(opened, "未核实")


class RoutingByBusinessTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.use_fresh_pages()
        self.huaxia = Institution.objects.get(name=HUAXIA)
        self.credit_report = Category.objects.get(code="B08-03")

    def file_credit_complaint(self) -> Complaint:
        complaint, _code = self.file_complaint(
            by=self.carla,
            institution=self.huaxia,
            business=self.credit_report,
            summary="征信报告出现从未办理的贷款",
        )
        return complaint

    def test_it_sends_the_credit_report_complaint_to_the_central_bank_and_copies_the_banks_regulator(self) -> None:
        complaint = self.file_credit_complaint()

        copied = complaint.events.get(kind=Event.Kind.COPIED)
        self.assertEqual(complaint.authority, self.pboc)
        self.assertEqual(complaint.copy_authority, self.nfra)
        self.assertEqual(copied.visibility, Event.Visibility.REGULATOR)
        self.assertIn("国家金融监督管理总局吉林监管局", copied.note)

    def test_it_explains_to_the_complainant_which_line_routed_it_and_why(self) -> None:
        complaint = self.file_credit_complaint()
        self.client.force_login(self.carla)

        page = self.client.get(reverse("complaints:detail", kwargs={"number": complaint.number}))

        self.assertContains(page, "按业务类别「个人征信」由中国人民银行吉林省分行负责（《征信业管理条例》）")
        self.assertNotContains(page, 'id="copy-notice"')

    def test_it_explains_a_complaint_routed_by_the_institutions_type(self) -> None:
        complaint, _code = self.file_complaint(by=self.carla)

        self.assertIsNone(complaint.copy_authority)
        self.assertTrue(
            complaint.routing_explanation().startswith(
                "按机构类型「国有大型商业银行」由国家金融监督管理总局吉林监管局负责"
            )
        )

    def test_it_records_the_line_that_should_have_applied_when_the_central_bank_transfers_it(self) -> None:
        complaint = self.file_credit_complaint()

        complaint = complaint_transfer(
            complaint=complaint, by=self.pei, reason="实为贷款发放纠纷，非征信异议", to_authority=self.nfra
        )

        transfer = complaint.events.get(kind=Event.Kind.TRANSFERRED)
        self.assertEqual(complaint.authority, self.nfra)
        self.assertEqual(transfer.data["line"], complaint.routing_explanation())
        self.assertTrue(
            transfer.data["line"].startswith("按机构类型「股份制商业银行」由国家金融监督管理总局吉林监管局负责")
        )
        self.assertIsNone(complaint.copy_authority)

    def test_it_keeps_not_our_remit_working_for_a_complaint_routed_by_business(self) -> None:
        complaint = complaint_accept(complaint=self.file_credit_complaint(), by=self.pei)
        handler = self.huaxia_handler()

        complaint = complaint_return(complaint=complaint, by=handler, reason="该笔贷款由其他银行报送")

        self.assertEqual(complaint.status, Complaint.Status.RETURNED)
        self.assertEqual(complaint.authority, self.pboc)

    def huaxia_handler(self) -> User:
        return User.objects.create_user(
            "hua", password="pw-hua-123", role=User.Role.INSTITUTION, institution=self.huaxia, display_name="Hua"
        )


class RoutingByBusinessApiTests(ApiTestCase):
    def test_it_routes_a_credit_report_complaint_against_a_bank_to_the_central_bank(self) -> None:
        huaxia = Institution.objects.get(name=HUAXIA)

        created = self.post(self.list_url(), self.payload(institution=huaxia.uscc, business="B08-03"), self.carla)
        detail = self.get(reverse("api:complaint-detail", kwargs={"number": created.json()["number"]}), self.carla)

        self.assertEqual(created.status_code, 201, created.content)
        self.assertEqual(created.json()["authority"]["code"], "pboc-jilin")
        self.assertEqual(created.json()["authority"]["name"], "中国人民银行吉林省分行")
        self.assertEqual(
            created.json()["routing"], "按业务类别「个人征信」由中国人民银行吉林省分行负责（《征信业管理条例》）"
        )
        self.assertEqual(detail.json()["routing"], created.json()["routing"])
        self.assertNotIn("copied", [event["kind"] for event in detail.json()["timeline"]])
