from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from openpyxl import Workbook

from xiaobao.accounts.models import User
from xiaobao.registry.models import Authority, Region
from xiaobao.testing import BaseTestCase, first_of, present, worksheet
from xiaobao.tipoffs.models import Report
from xiaobao.tipoffs.services import report_submit
from xiaobao.warning import access
from xiaobao.warning.models import Alert, RiskScore, WatchEntity
from xiaobao.warning.services import entity_score, scan_run, watch_import, watch_sync

AS_OF = date(2026, 3, 18)  # the one-year LPR in force: 3.00% (2025-05-20)
XINSHENG = "吉林省鑫盛财富管理有限公司"


class RiskIndexTests(BaseTestCase):
    chaoyang: Region
    lead_changchun: Authority
    fay: User
    siping_officer: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.chaoyang = Region.objects.get(code="220104")
        cls.lead_changchun = Authority.objects.get(code="fundraising-changchun")
        cls.fay = User.objects.create_user(
            "fay", password="pw-fay-123", role=User.Role.REGULATOR, authority=cls.lead_changchun, display_name="Fay"
        )
        cls.siping_officer = User.objects.create_user(
            "sam",
            password="pw-sam-123",
            role=User.Role.REGULATOR,
            authority=Authority.objects.get(code="fundraising-siping"),
        )

    def _report(self, days_ago: int, **fields) -> Report:
        values: dict[str, Any] = {
            "by": None,
            "subject_kind": Report.SubjectKind.COMPANY,
            "subject_name": XINSHENG,
            "subject_region": self.chaoyang,
            "scheme": "在小区门口发传单，承诺保本保息，稳赚不赔，每月返息。",
            "websites": "xinsheng.example",
            "promised_return": Decimal("18"),
            "people": 60,
        }
        values.update(fields)
        report, _receipt = report_submit(**values)
        at = timezone.make_aware(datetime.combine(AS_OF - timedelta(days=days_ago), time(9)))
        Report.objects.filter(pk=report.pk).update(received_at=at)
        return report

    def _scored(self) -> tuple[WatchEntity, RiskScore]:
        watch_sync(as_of=AS_OF)
        entity = WatchEntity.objects.get(name=XINSHENG)
        entity.ad_texts = "保本保息，年化收益18%，欢迎加微信群了解。"
        entity.business_scope = "财富管理咨询"
        entity.save()
        entity_score(entity=entity, as_of=AS_OF)
        return entity, first_of(entity.scores)

    def test_it_scores_an_entity_as_computed_by_hand(self):
        self._report(10)
        entity, score = self._scored()
        dims = {d["code"]: d["score"] for d in score.dimensions}
        # compliance: unlicensed 40 + 财富管理 in the name 60; yield: 18% is 6 × the LPR's 3%, past 4 × → 100;
        # reports: one report × 12, no growth (fewer than 2 recent); spread: 60 of 150 people → 20, website and
        # chat group → 20, one city → 0; keywords: 保本保息 15 + 稳赚不赔 15 of the cap 40 → 75.
        self.assertEqual(dims, {"compliance": 100, "yield": 100, "reports": 12, "spread": 40, "keywords": 75})
        # (100×20 + 100×25 + 12×20 + 40×15 + 75×20) / 100
        self.assertEqual(score.score, Decimal("68.4"))
        self.assertEqual(score.level, "orange")
        self.assertEqual(entity.level, "orange")
        reasons = " ".join(r for d in score.dimensions for r in d["reasons"])
        self.assertIn("财富管理", reasons)
        self.assertIn("6 倍", reasons)
        self.assertIn("稳赚不赔", reasons)

    def test_it_adds_growth_points_when_reports_multiply(self):
        self._report(3)
        self._report(5, people=None, websites="", promised_return=None)
        _entity, score = self._scored()
        reports = next(d for d in score.dimensions if d["code"] == "reports")
        # two reports × 12 = 24, and 2 in the last 30 days against 0 before: + 40
        self.assertEqual(reports["score"], 64)

    def test_it_gives_a_licensed_institution_no_compliance_points(self):
        entity = WatchEntity.objects.create(
            name=self.icbc.name,
            uscc=self.icbc.uscc,
            region=self.icbc.region,
            source=WatchEntity.Source.IMPORT,
            authority=self.lead_changchun,
        )
        entity_score(entity=entity, as_of=AS_OF)
        score = first_of(entity.scores)
        self.assertEqual(score.dimensions[0]["score"], 0)
        self.assertEqual(score.score, Decimal("0.0"))
        self.assertEqual(score.level, "")

    def test_it_keeps_the_history_of_each_score(self):
        self._report(40)
        entity, first = self._scored()
        self._report(2)
        entity_score(entity=entity, as_of=AS_OF + timedelta(days=1))
        self.assertEqual(entity.scores.count(), 2)
        self.assertGreater(first_of(entity.scores).score, first.score)

    def test_it_raises_an_alert_for_the_lead_department_where_the_company_is_registered(self):
        self._report(10)
        result = scan_run(as_of=AS_OF, topics=False)
        [alert] = [a for a in result.alerts if a.kind == Alert.Kind.RISK]
        self.assertEqual(alert.key, XINSHENG)
        self.assertEqual(alert.authority, self.lead_changchun)
        self.assertEqual(access.get_alert_for(self.fay, alert.number), alert)
        with self.assertRaises(Http404):
            access.get_alert_for(self.siping_officer, alert.number)
        with self.assertRaises(Http404):
            access.get_alert_for(self.rita, alert.number)
        # A second scan the next day at the same band finds the same alert and raises nothing new.
        again = scan_run(as_of=AS_OF + timedelta(days=1), topics=False)
        self.assertEqual([a for a in again.alerts if a.kind == Alert.Kind.RISK], [alert])
        self.assertEqual(again.run.raised, 0)
        self.assertEqual(Alert.objects.filter(kind=Alert.Kind.RISK).count(), 1)


class WatchImportTests(BaseTestCase):
    fay: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.fay = User.objects.create_user(
            "fay",
            password="pw-fay-123",
            role=User.Role.REGULATOR,
            authority=Authority.objects.get(code="fundraising-changchun"),
        )

    CSV = (
        "名称,统一社会信用代码,经营范围,注册地,宣传文本\n"
        "长春金鼎国际交易中心有限公司,,股权交易咨询,220102,原始股稳赚不赔年化36%\n"
        "长春市惠民养老服务有限公司,,养老服务,朝阳区,以房养老 月息2%\n"
    )

    def test_it_imports_a_csv_list_and_scores_each_company(self):
        result = watch_import(name="list.csv", data=self.CSV.encode(), by=self.fay, as_of=AS_OF)
        self.assertEqual(result.errors, [])
        self.assertEqual(result.created, 2)
        jinding = WatchEntity.objects.get(name="长春金鼎国际交易中心有限公司")
        self.assertEqual(jinding.authority.code, "fundraising-changchun")
        self.assertEqual(jinding.source, WatchEntity.Source.IMPORT)
        self.assertIsNotNone(jinding.score)
        huimin = WatchEntity.objects.get(name="长春市惠民养老服务有限公司")
        yield_dim = next(d for d in first_of(huimin.scores).dimensions if d["code"] == "yield")
        self.assertIn("24", " ".join(yield_dim["reasons"]))  # 月息2% is 24% a year

    def test_it_imports_an_xlsx_list_and_updates_a_company_already_listed(self):
        watch_import(name="list.csv", data=self.CSV.encode(), by=self.fay, as_of=AS_OF)
        book = Workbook()
        sheet = worksheet(book)
        sheet.append(["name", "credit_code", "business_scope", "registered_region", "advertising"])
        sheet.append(["长春金鼎国际交易中心有限公司", None, "股权众筹", "220102", "拉人头返利"])
        data = __import__("io").BytesIO()
        book.save(data)
        result = watch_import(name="list.xlsx", data=data.getvalue(), by=self.fay, as_of=AS_OF)
        self.assertEqual((result.created, result.updated, result.errors), (0, 1, []))
        self.assertEqual(WatchEntity.objects.get(name="长春金鼎国际交易中心有限公司").business_scope, "股权众筹")

    def test_it_writes_nothing_when_a_row_is_wrong_and_says_which(self):
        bad = self.CSV + "某某公司,91220101MA0000000X,,220102,\n,,,220102,\n长春某公司,,,火星,\n延边某公司,,,222401,\n"
        result = watch_import(name="list.csv", data=bad.encode(), by=self.fay, as_of=AS_OF)
        self.assertEqual(WatchEntity.objects.count(), 0)
        self.assertEqual(len(result.errors), 4)
        self.assertIn("第 4 行", result.errors[0])
        self.assertIn("不属于本部门辖区", result.errors[3])

    def test_it_lets_only_lead_departments_import(self):
        with self.assertRaises(PermissionDenied):
            watch_import(name="list.csv", data=self.CSV.encode(), by=self.rita, as_of=AS_OF)


class RiskDeskTests(BaseTestCase):
    fay: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.fay = User.objects.create_user(
            "fay",
            password="pw-fay-123",
            role=User.Role.REGULATOR,
            authority=Authority.objects.get(code="fundraising-changchun"),
        )

    def test_it_shows_an_officer_the_top_risks_and_each_score_explained(self):
        report, _receipt = report_submit(
            by=None,
            subject_kind=Report.SubjectKind.COMPANY,
            subject_name=XINSHENG,
            subject_region=Region.objects.get(code="220104"),
            scheme="承诺保本保息，稳赚不赔，年化18%，拉人头返利。",
            promised_return=Decimal("18"),
            people=200,
            websites="xinsheng.example",
        )
        result = scan_run(as_of=timezone.localdate(), topics=False)
        [alert] = [a for a in result.alerts if a.kind == Alert.Kind.RISK]
        self.client.force_login(self.fay)
        dashboard = self.client.get("/warning/")
        self.assertContains(dashboard, XINSHENG)
        self.assertContains(dashboard, "风险指数最高的监测主体")
        page = self.client.get(f"/warning/alerts/{alert.number}/")
        self.assertContains(page, "风险指数")
        self.assertContains(page, "收益率偏离")
        self.assertContains(page, "稳赚不赔")
        entity = present(alert.entity)
        detail = self.client.get(f"/warning/watch/{entity.pk}/")
        self.assertContains(detail, report.number)
        self.assertContains(detail, 'id="score-history"')
