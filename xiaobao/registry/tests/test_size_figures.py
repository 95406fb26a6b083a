import io
from typing import Any

from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook

from xiaobao.registry.models import SizeFigure
from xiaobao.registry.selectors import size_figures_for
from xiaobao.testing import BaseTestCase, worksheet


def xlsx_file(rows: list[list]) -> io.BytesIO:
    workbook = Workbook()
    for row in rows:
        worksheet(workbook).append(row)
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    out.name = "sizes.xlsx"
    return out


class SizeFigureTests(BaseTestCase):
    def test_it_moved_the_shipped_customer_and_outlet_counts_into_the_yearly_table(self) -> None:
        figure = size_figures_for([self.icbc.pk], 2025)[self.icbc.pk]
        self.assertEqual((figure.personal_customers, figure.outlets), (10_200_000, 268))

    def test_it_falls_back_to_the_latest_earlier_year_and_leaves_out_institutions_without_figures(self) -> None:
        SizeFigure.objects.create(institution=self.icbc, year=2026, personal_customers=11_000_000)
        found = size_figures_for([self.icbc.pk, self.icbc_changchun.pk], 2027)
        self.assertEqual(found[self.icbc.pk].year, 2026)
        self.assertNotIn(self.icbc_changchun.pk, found)
        self.assertEqual(size_figures_for([self.icbc.pk], 2025)[self.icbc.pk].year, 2025)

    def test_it_imports_size_figures_from_the_admin_and_keeps_history(self) -> None:
        self.client.force_login(self.ada)
        rows: list[list[Any]] = [
            ["机构名称", "统一社会信用代码", "年度", "个人客户数", "营业网点数", "存款余额（元）"],
            ["", self.icbc.uscc, 2025, "10,500,000", 270, "812000000000.00"],
            [self.other_bank.name, "", 2024, 4000000, 420, ""],
            ["没有这家银行", "", 2024, 1, 1, ""],
            [self.other_bank.name, "", "二〇二四", 1, 1, ""],
        ]
        response = self.client.post(reverse("admin:registry_sizefigure_import"), {"file": xlsx_file(rows)})

        self.assertContains(response, "拒绝：2")
        self.assertContains(response, "没有这家银行")
        icbc = SizeFigure.objects.get(institution=self.icbc, year=2025)
        self.assertEqual((icbc.personal_customers, icbc.deposits), (10_500_000, 812000000000))
        self.assertEqual(icbc.history.count(), 2)  # shipped, then imported
        self.assertEqual(SizeFigure.objects.get(institution=self.other_bank, year=2024).outlets, 420)

    def test_it_changes_nothing_when_the_same_file_is_imported_again_from_the_command_line(self) -> None:
        import tempfile

        rows: list[list[Any]] = [["机构名称", "年度", "营业网点数"], [self.other_bank.name, 2024, 420]]
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as f:
            f.write(xlsx_file(rows).getvalue())
            f.flush()
            call_command("import_size_figures", f.name, stdout=io.StringIO())
            out = io.StringIO()
            call_command("import_size_figures", f.name, stdout=out)
        self.assertIn("created or updated 0, unchanged 1", out.getvalue())
        self.assertEqual(SizeFigure.objects.get(institution=self.other_bank, year=2024).history.count(), 1)

    def test_it_keeps_the_import_page_from_staff_without_the_right(self) -> None:
        self.client.force_login(self.rita)
        self.assertNotEqual(self.client.get(reverse("admin:registry_sizefigure_import")).status_code, 200)
