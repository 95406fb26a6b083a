import io
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import Workbook

from xiaobao.registry.importing import penalties_import
from xiaobao.registry.models import Authority, Penalty
from xiaobao.registry.selectors import penalties_for
from xiaobao.registry.services import penalty_save
from xiaobao.testing import BaseTestCase, first_of, worksheet

HEADER = [
    "被处罚机构",
    "处罚日期",
    "处罚决定书文号",
    "主要违法违规事实",
    "处罚依据",
    "处罚种类",
    "罚没金额（元）",
    "作出决定机关",
]


def xlsx(rows: list[list]) -> io.BytesIO:
    workbook = Workbook()
    for row in rows:
        worksheet(workbook).append(row)
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    return out


class PenaltyTests(BaseTestCase):
    def penalty(self, **overrides) -> Penalty:
        values: dict[str, Any] = {
            "institution": self.icbc,
            "decided_on": date(2025, 6, 18),
            "decision_number": "吉金罚决字〔2025〕12号",
            "basis": "《中华人民共和国银行业监督管理法》第四十六条",
            "violation": "信用卡业务营销宣传不规范",
            "penalty_type": Penalty.Type.FINE,
            "amount": Decimal("500000.00"),
            "authority": self.nfra,
        }
        values.update(overrides)
        return penalty_save(by=self.rita, **values)

    def test_it_lets_a_regulator_record_a_penalty_that_everyone_then_sees(self) -> None:
        self.client.force_login(self.rita)
        response = self.client.post(
            reverse("registry:penalty_manage"),
            {
                "institution": self.other_bank.pk,
                "decided_on": "2025-03-02",
                "decision_number": "吉金罚决字〔2025〕3号",
                "authority": self.nfra.pk,
                "penalty_type": Penalty.Type.FINE,
                "amount": "300000",
                "basis": "《银行业监督管理法》第四十六条",
            },
        )
        self.assertRedirects(response, reverse("registry:penalty_manage"))
        self.assertEqual(Penalty.objects.get().created_by, self.rita)

        self.client.logout()
        page = self.client.get(reverse("registry:penalties"))
        self.assertContains(page, "吉金罚决字〔2025〕3号")
        self.assertContains(page, "数据更新于")

    def test_it_keeps_consumers_institutions_and_mediators_from_recording_penalties(self) -> None:
        for user in (self.carla, self.ivan, self.mei):
            self.client.force_login(user)
            self.assertEqual(self.client.get(reverse("registry:penalty_manage")).status_code, 403)
            with self.assertRaises(PermissionDenied):
                penalty_save(
                    by=user,
                    institution=self.icbc,
                    decided_on=date(2025, 1, 1),
                    decision_number="x",
                    basis="y",
                    penalty_type=Penalty.Type.WARNING,
                    authority=self.nfra,
                )
        self.assertFalse(Penalty.objects.exists())

    def test_it_lets_a_regulator_record_only_in_the_name_of_its_own_authority(self) -> None:
        self.client.force_login(self.lou)
        response = self.client.post(
            reverse("registry:penalty_manage"),
            {
                "institution": self.icbc.pk,
                "decided_on": "2025-03-02",
                "decision_number": "冒名1号",
                "authority": self.nfra.pk,
                "penalty_type": Penalty.Type.WARNING,
                "basis": "依据",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Penalty.objects.exists())

    def test_it_answers_not_found_when_a_regulator_opens_another_authoritys_penalty(self) -> None:
        penalty = self.penalty()
        self.client.force_login(self.lou)
        self.assertEqual(self.client.get(reverse("registry:penalty_edit", args=[penalty.pk])).status_code, 404)
        self.client.force_login(self.rita)
        self.assertEqual(self.client.get(reverse("registry:penalty_edit", args=[penalty.pk])).status_code, 200)

    def test_it_keeps_the_earlier_version_when_a_penalty_is_corrected(self) -> None:
        penalty = self.penalty()
        self.client.force_login(self.rita)
        self.client.post(
            reverse("registry:penalty_edit", args=[penalty.pk]),
            {
                "institution": self.icbc.pk,
                "decided_on": "2025-06-18",
                "decision_number": penalty.decision_number,
                "authority": self.nfra.pk,
                "penalty_type": Penalty.Type.FINE,
                "amount": "400000",
                "basis": penalty.basis,
            },
        )
        penalty.refresh_from_db()
        self.assertEqual(penalty.amount, Decimal("400000.00"))
        self.assertEqual(
            [h.amount for h in penalty.history.order_by("history_date")], [Decimal("500000.00"), Decimal("400000.00")]
        )

    def test_it_requires_an_amount_for_a_fine(self) -> None:
        with self.assertRaisesMessage(Exception, "罚款须填写罚没金额"):
            self.penalty(amount=None)

    def test_it_lists_penalties_per_institution_including_its_branches_and_by_year(self) -> None:
        branch = first_of(self.icbc.branches)
        self.penalty(institution=branch, decision_number="分行1号", decided_on=date(2024, 5, 1))
        self.penalty(decision_number="总行1号")
        self.penalty(institution=self.other_bank, decision_number="他行1号")

        self.assertEqual([p.decision_number for p in penalties_for(institution=self.icbc)], ["总行1号", "分行1号"])
        self.assertEqual(
            [p.decision_number for p in penalties_for(start=date(2024, 1, 1), end=date(2024, 12, 31))], ["分行1号"]
        )
        page = self.client.get(reverse("registry:penalties"), {"institution": self.other_bank.pk, "year": 2025})
        self.assertContains(page, "他行1号")
        self.assertNotContains(page, "总行1号")

    def test_it_says_so_when_nothing_is_published(self) -> None:
        self.assertContains(self.client.get(reverse("registry:penalties")), "尚未公开任何处罚信息")


class PenaltyImportTests(BaseTestCase):
    def test_it_imports_penalties_once_and_reports_rows_it_cannot_take(self) -> None:
        rows: list[list[Any]] = [
            HEADER,
            [
                self.icbc.name,
                "2025-06-18",
                "吉金罚决字〔2025〕12号",
                "营销不规范",
                "银行业监督管理法第四十六条",
                "罚款",
                500000,
                self.nfra.name,
            ],
            [self.icbc.name, "06/19/2025", "吉金罚决字〔2025〕13号", "", "同上", "警告", "", "nfra-jilin"],
            ["不存在的银行", "2025-06-18", "吉金罚决字〔2025〕14号", "", "同上", "警告", "", "nfra-jilin"],
            [self.icbc.name, "2025-06-18", "吉金罚决字〔2025〕15号", "", "同上", "罚款", "", "nfra-jilin"],
        ]
        report = io.StringIO()
        summary = penalties_import(raw=xlsx(rows), file_name="p.xlsx", by=self.rita, report_out=report)
        self.assertEqual((summary.imported, summary.rejected), (2, 2))
        self.assertIn("4,机构“不存在的银行”未在机构名录中登记", report.getvalue())
        self.assertIn("5,罚款须填写罚没金额", report.getvalue())

        again = penalties_import(raw=xlsx(rows), file_name="p.xlsx", by=self.rita, report_out=io.StringIO())
        self.assertEqual((again.imported, again.skipped), (0, 2))
        self.assertEqual(Penalty.objects.count(), 2)

    def test_it_refuses_an_import_by_anyone_but_regulators_and_administrators(self) -> None:
        rows = [HEADER, [self.icbc.name, "2025-06-18", "x", "", "y", "警告", "", "nfra-jilin"]]
        with self.assertRaises(PermissionDenied):
            penalties_import(raw=xlsx(rows), file_name="p.xlsx", by=self.ivan, report_out=io.StringIO())

    def test_it_rejects_a_row_in_the_name_of_another_authority(self) -> None:
        other = first_of(Authority.objects.exclude(pk__in=[self.nfra.pk]).exclude(parent=self.nfra))
        rows = [HEADER, [self.icbc.name, "2025-06-18", "x", "", "y", "警告", "", other.code]]
        summary = penalties_import(raw=xlsx(rows), file_name="p.xlsx", by=self.rita, report_out=io.StringIO())
        self.assertEqual(summary.rejected, 1)

    def test_it_lets_an_administrator_import_through_the_admin(self) -> None:
        self.client.force_login(self.ada)
        url = reverse("admin:registry_penalty_import")
        upload = xlsx([HEADER, [self.icbc.name, "2025-06-18", "x1", "", "y", "警告", "", "nfra-jilin"]])
        upload.name = "p.xlsx"
        response = self.client.post(url, {"file": upload})
        self.assertContains(response, "导入结果")
        self.assertTrue(Penalty.objects.filter(decision_number="x1").exists())
