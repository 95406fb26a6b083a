"""Exports of a work queue: the spreadsheet a regulator opens, with the rows on screen and no personal data."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from unittest import mock

import openpyxl
from django.http import HttpResponseBase
from django.urls import reverse
from django.utils import timezone

from xiaobao.complaints.services import complaint_accept
from xiaobao.lib import export
from xiaobao.testing import BaseTestCase, streamed, worksheet


class QueueExportTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.first, _code = self.file_complaint(summary="信用卡年费未经同意被扣收")
        self.second = complaint_accept(
            complaint=self.file_complaint(summary='=HYPERLINK("http://x")', phone="13900001111")[0], by=self.rita
        )
        self.elsewhere, _code = self.file_complaint(
            institution=self.other_bank, summary="别家银行", phone="13900002222"
        )
        self.client.force_login(self.rita)

    def export(self, **params: str) -> HttpResponseBase:
        return self.client.get(reverse("complaints:export"), {"queue": "all", **params})

    def test_it_exports_the_list_to_excel_with_a_bold_frozen_header_and_real_dates(self) -> None:
        response = self.export(format="xlsx")

        self.assertEqual(response.status_code, 200)
        self.assertIn(".xlsx", response["Content-Disposition"])
        sheet = worksheet(openpyxl.load_workbook(io.BytesIO(streamed(response))))
        header = [c.value for c in sheet[1]]
        self.assertEqual(header[:3], ["投诉编号", "收到日期", "状态"])
        self.assertTrue(all(c.font.b for c in sheet[1]))
        self.assertEqual(sheet.freeze_panes, "A2")
        self.assertGreater(sheet.column_dimensions["E"].width, 20)
        numbers = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
        self.assertEqual(numbers, {self.first.number, self.second.number, self.elsewhere.number})
        received = sheet.cell(row=2, column=2)
        value = received.value
        assert isinstance(value, datetime), value
        self.assertEqual(received.number_format, "yyyy-mm-dd")
        self.assertEqual(value.date(), timezone.localdate())
        amounts = {row[10] for row in sheet.iter_rows(min_row=2, values_only=True)}
        self.assertEqual(amounts, {600})

    def test_it_exports_csv_with_a_bom_and_no_personal_data(self) -> None:
        response = self.export(format="csv")

        body = streamed(response)
        self.assertTrue(body.startswith(b"\xef\xbb\xbf"))
        text = body.decode("utf-8-sig")
        for personal in ("13812345678", "13900001111", "张丽", "220102199003071234", "138****5678"):
            self.assertNotIn(personal, text)
        rows = list(csv.reader(io.StringIO(text)))
        self.assertEqual(rows[0][0], "投诉编号")
        self.assertEqual(len(rows), 4)
        self.assertIn(self.first.summary, text)

    def test_it_defuses_a_summary_that_looks_like_a_formula(self) -> None:
        text = streamed(self.export(format="csv")).decode("utf-8-sig")

        self.assertIn("'=HYPERLINK", text)

    def test_it_exports_only_the_filtered_rows(self) -> None:
        text = streamed(self.export(format="csv", institution="吉林银行")).decode("utf-8-sig")

        self.assertIn(self.elsewhere.number, text)
        self.assertNotIn(self.first.number, text)

    def test_it_exports_only_what_the_viewer_may_see(self) -> None:
        self.client.force_login(self.ivan)

        text = streamed(self.export(format="csv")).decode("utf-8-sig")

        self.assertIn(self.second.number, text)
        self.assertNotIn(self.first.number, text)  # not yet sent to the bank
        self.assertNotIn(self.elsewhere.number, text)

    def test_it_refuses_an_export_over_the_cap_with_a_message(self) -> None:
        with mock.patch.object(export, "EXPORT_MAX_ROWS", 1):
            response = self.export(format="xlsx", status="submitted")

        self.assertRedirects(
            response, reverse("complaints:queue") + "?queue=all&status=submitted", fetch_redirect_response=False
        )
        self.assertContains(self.client.get(response["Location"]), "超过单次导出上限")

    def test_it_is_closed_to_consumers(self) -> None:
        self.client.force_login(self.carla)

        self.assertRedirects(self.export(format="csv"), reverse("complaints:mine"))


class ExportWriterTests(BaseTestCase):
    columns = [
        export.Column("日期", lambda r: r["day"], kind=export.DATE),
        export.Column("金额", lambda r: r["amount"], kind=export.MONEY),
        export.Column("说明", lambda r: r["text"]),
    ]
    rows = [
        {"day": date(2026, 3, 1), "amount": Decimal("12.5"), "text": "+1 电话"},
        {"day": None, "amount": None, "text": ""},
    ]

    def test_it_writes_csv_values_as_excel_reads_them(self) -> None:
        response = export.csv_response(rows=self.rows, columns=self.columns, filename="测试.csv")

        text = streamed(response).decode("utf-8-sig")
        self.assertEqual(text.splitlines(), ["日期,金额,说明", "2026-03-01,12.50,'+1 电话", ",,"])
        self.assertIn("filename*=utf-8''", response["Content-Disposition"])

    def test_it_writes_money_as_numbers_in_excel(self) -> None:
        buffer = io.BytesIO()
        export.write_xlsx(buffer, rows=self.rows, columns=self.columns, title="测试")

        sheet = worksheet(openpyxl.load_workbook(buffer))
        self.assertEqual(sheet["B2"].value, 12.5)
        self.assertEqual(sheet["B2"].number_format, "#,##0.00")
        self.assertIsNone(sheet["A3"].value)
