import csv
import io
from pathlib import Path

from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from xiaobao.complaints.importing import CFPB, XIAOBAO, complaints_import, template_workbook
from xiaobao.complaints.models import Complaint, Event, ImportMapping, ImportRun
from xiaobao.lib.tabular import TableError
from xiaobao.registry.models import Institution
from xiaobao.testing import BaseTestCase, present, streamed, worksheet

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CFPB_SAMPLE = FIXTURES / "cfpb_sample.csv"


def run_import(data: bytes, name: str, profile: str, by=None) -> tuple:
    report = io.StringIO()
    run = complaints_import(raw=io.BytesIO(data), file_name=name, profile=profile, by=by, report_out=report)
    report.seek(0)
    return run, list(csv.reader(report))


def xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        worksheet(workbook).append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


TEMPLATE_HEADER = ["来源编号", "收到日期", "被投诉机构", "业务类别", "投诉原因", "投诉事项", "答复日期", "处理结果"]


class CfpbImportTests(BaseTestCase):
    def test_it_imports_the_cfpb_sample_and_reports_each_rejected_row_with_its_reason(self) -> None:
        run, report = run_import(CFPB_SAMPLE.read_bytes(), "cfpb_sample.csv", CFPB, by=self.ada)

        self.assertEqual((run.rows, run.imported, run.rejected), (30, 21, 9))
        reasons = {int(line[0]): line[1] for line in report[1:]}
        self.assertEqual(sorted(reasons), [9, 10, 11, 12, 16, 17, 18, 23, 25])
        self.assertIn("2019-13-40", reasons[9])
        self.assertIn("Company", reasons[10])
        self.assertIn("In progress", reasons[11])
        self.assertIn("第 2 行重复", reasons[12])
        self.assertIn("转办日期早于收到日期", reasons[17])
        self.assertIn("晚于今天", reasons[25])
        self.assertEqual(report[0][:3], ["\ufeff行号", "拒绝原因", "Complaint ID"])

    def test_it_reads_both_date_formats_and_keeps_quoted_newlines(self) -> None:
        run_import(CFPB_SAMPLE.read_bytes(), "cfpb_sample.csv", CFPB)

        us_date = Complaint.objects.get(source=CFPB, source_id="3210002")
        self.assertEqual(us_date.received_at.date().isoformat(), "2019-05-15")
        self.assertEqual(present(us_date.sent_at).date().isoformat(), "2019-05-16")
        narrative = Complaint.objects.get(source_id="3210001").narrative
        self.assertEqual(narrative, "I was charged interest twice.\nThe bank refused to refund it.")

    def test_it_records_imported_complaints_as_closed_historical_records(self) -> None:
        run_import(CFPB_SAMPLE.read_bytes(), "cfpb_sample.csv", CFPB, by=self.ada)

        c = Complaint.objects.get(source=CFPB, source_id="3210001")
        self.assertEqual(c.status, Complaint.Status.CLOSED)
        self.assertTrue(c.is_imported)
        self.assertRegex(c.number, r"^JL-20190514-\d{6}$")
        self.assertEqual(c.business.code, "B03-02")
        self.assertEqual(present(c.cause).code, "C07")
        self.assertEqual(c.outcome, Complaint.Outcome.UPHELD)
        self.assertTrue(c.consent_publish)
        self.assertTrue(c.is_timely())
        self.assertEqual(c.authority.code, "cbirc-jilin")  # the line in force on 2019-05-14
        event = c.events.get()
        self.assertEqual((event.kind, event.actor), (Event.Kind.IMPORTED, self.ada))
        untimely = Complaint.objects.get(source_id="3210007")
        self.assertFalse(untimely.is_timely())
        self.assertEqual(untimely.submitted_via, Complaint.Via.LETTER)
        older = Complaint.objects.get(source_id="3210002")
        self.assertEqual([t.code for t in older.tags.all()], ["vulnerable"])

    def test_it_creates_an_unknown_company_once_whatever_its_casing_and_marks_it_imported(self) -> None:
        run, _report = run_import(CFPB_SAMPLE.read_bytes(), "cfpb_sample.csv", CFPB)

        chase = Institution.objects.filter(name__iexact="JPMORGAN CHASE & CO.")
        self.assertEqual(chase.count(), 1)
        self.assertTrue(chase.get().is_imported)
        self.assertEqual(chase.get().complaints.count(), 2)
        self.assertEqual(Institution.objects.filter(name__icontains="bank of america").count(), 1)
        self.assertIn("JPMORGAN CHASE & CO.", run.institutions_created)

    def test_it_keeps_and_reports_unmapped_values(self) -> None:
        run, _report = run_import(CFPB_SAMPLE.read_bytes(), "cfpb_sample.csv", CFPB)

        self.assertEqual(run.unmapped["product"], {"Pet insurance": 1})
        self.assertIn("Claim denied", run.unmapped["issue"])
        pet = Complaint.objects.get(source_id="3210012")
        self.assertEqual(pet.business.code, "B14")
        self.assertEqual(pet.events.get().data["original"]["product"], "Pet insurance")
        self.assertEqual(run.ignored_columns, ["Extra note"])

    def test_it_uses_an_administrators_mapping_for_a_company(self) -> None:
        ImportMapping.objects.create(source=CFPB, field="company", value="Citibank, N.A.", institution=self.other_bank)

        run_import(CFPB_SAMPLE.read_bytes(), "cfpb_sample.csv", CFPB)

        self.assertEqual(Complaint.objects.get(source_id="3210023").institution, self.other_bank)
        self.assertFalse(Institution.objects.filter(name="Citibank, N.A.").exists())

    def test_it_adds_nothing_when_the_same_file_is_imported_again(self) -> None:
        run_import(CFPB_SAMPLE.read_bytes(), "cfpb_sample.csv", CFPB)
        institutions = Institution.objects.count()

        again, _report = run_import(CFPB_SAMPLE.read_bytes(), "cfpb_sample.csv", CFPB)

        self.assertEqual((again.imported, again.skipped), (0, 21))
        self.assertEqual(Complaint.objects.filter(is_imported=True).count(), 21)
        self.assertEqual(Institution.objects.count(), institutions)

    def test_it_files_records_older_than_every_supervision_line_under_the_first_one(self) -> None:
        run_import(CFPB_SAMPLE.read_bytes(), "cfpb_sample.csv", CFPB)

        old = Complaint.objects.get(source_id="3210020")
        self.assertEqual(old.authority.code, "cbrc-jilin")
        self.assertTrue(old.events.get().data["authority_fallback"])

    def test_it_reads_the_same_export_saved_as_xlsx(self) -> None:
        with CFPB_SAMPLE.open(encoding="utf-8-sig", newline="") as f:
            data = xlsx(list(csv.reader(f)))

        run, report = run_import(data, "cfpb_sample.xlsx", CFPB)

        self.assertEqual((run.imported, run.rejected), (21, 9))
        self.assertEqual(sorted(int(line[0]) for line in report[1:]), [9, 10, 11, 12, 16, 17, 18, 23, 25])
        self.assertEqual(Complaint.objects.get(source_id="3210002").received_at.date().isoformat(), "2019-05-15")

    def test_it_refuses_a_file_without_the_required_columns_and_writes_nothing(self) -> None:
        with self.assertRaisesMessage(TableError, "Complaint ID"):
            run_import(b"Date received,Product,Issue,Company\n2019-05-14,Mortgage,x,y\n", "x.csv", CFPB)
        self.assertFalse(Complaint.objects.filter(is_imported=True).exists())


class TemplateImportTests(BaseTestCase):
    def test_it_imports_the_platform_template_from_xlsx(self) -> None:
        data = xlsx(
            [
                TEMPLATE_HEADER,
                ["H-1", "2024-03-01", self.icbc.name, "B03-02", "定价收费", "年费争议", "2024-03-10", "部分支持"],
                ["H-2", "03/05/2024", "长春某某小额贷款有限公司", "B51-01", "", "催收电话过多", "", ""],
            ]
        )

        run, _report = run_import(data, "history.xlsx", XIAOBAO, by=self.ada)

        self.assertEqual((run.imported, run.rejected), (2, 0))
        answered = Complaint.objects.get(source=XIAOBAO, source_id="H-1")
        self.assertEqual((answered.institution, answered.authority), (self.icbc, self.nfra))
        self.assertEqual(present(answered.cause).code, "C07")
        self.assertEqual(answered.outcome, Complaint.Outcome.PARTLY)
        self.assertTrue(answered.is_timely())  # answered on day 9 of 15
        loan = Complaint.objects.get(source_id="H-2")
        self.assertTrue(loan.institution.is_imported)
        self.assertEqual(loan.institution.type.code, "microcredit")

    def test_it_accepts_english_headers_in_any_order_from_csv(self) -> None:
        data = (
            f"\ufeffsummary,business,received,institution,source_id\n年费争议,B03-02,2024-03-01,{self.icbc.name},E-1\n"
        ).encode()

        run, _report = run_import(data, "history.csv", XIAOBAO)

        self.assertEqual(run.imported, 1)

    def test_it_rejects_a_row_whole_when_one_cell_is_wrong(self) -> None:
        data = xlsx(
            [
                TEMPLATE_HEADER,
                ["H-1", "2024-03-01", self.icbc.name, "B03-02", "no-such-cause", "年费争议", "", ""],
                ["H-2", "2024-03-01", "全新机构甲", "B03-02", "", "年费争议", "2024-02-01", ""],
            ]
        )

        run, report = run_import(data, "bad.xlsx", XIAOBAO)

        self.assertEqual((run.imported, run.rejected), (0, 2))
        self.assertEqual([line[0] for line in report[1:]], ["2", "3"])
        self.assertIn("投诉原因", report[1][1])
        self.assertIn("答复日期早于收到日期", report[2][1])
        self.assertFalse(Institution.objects.filter(name="全新机构甲").exists())

    def test_it_offers_a_template_whose_headers_it_reads_back(self) -> None:
        workbook = load_workbook(io.BytesIO(template_workbook()))
        headers = [c.value for c in workbook.worksheets[0][1]]
        self.assertEqual(headers[:3], ["来源编号", "收到日期", "被投诉机构"])
        self.assertEqual(workbook.worksheets[1]["C2"].value, "是")


class ImportCommandTests(BaseTestCase):
    def test_it_imports_from_the_command_line_and_writes_the_report_beside_the_file(self) -> None:
        import shutil
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "cfpb.csv"
            shutil.copy(CFPB_SAMPLE, path)
            out = io.StringIO()
            call_command("import_complaints", str(path), format="cfpb", no_progress=True, stdout=out)
            self.assertIn("imported 21", out.getvalue())
            self.assertTrue((Path(tmp) / "cfpb.csv.rejected.csv").exists())

    def test_it_explains_a_missing_column_without_a_traceback(self) -> None:
        import tempfile

        with tempfile.NamedTemporaryFile(suffix=".csv") as f:
            f.write(b"foo,bar\n1,2\n")
            f.flush()
            with self.assertRaisesMessage(CommandError, "缺少必填列"):
                call_command("import_complaints", f.name, format="xiaobao", no_progress=True, stdout=io.StringIO())


class ImportAdminTests(BaseTestCase):
    def test_it_imports_an_xlsx_from_the_admin_and_offers_the_rejected_rows_for_download(self) -> None:
        from django.urls import reverse

        self.client.force_login(self.ada)
        template = self.client.get(reverse("admin:complaints_importrun_template"))
        self.assertEqual(template["Content-Type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        upload = io.BytesIO(
            xlsx(
                [
                    TEMPLATE_HEADER,
                    ["A-1", "2024-03-01", self.icbc.name, "B03-02", "", "年费争议", "", ""],
                    ["A-2", "2024-03-01", self.icbc.name, "", "", "年费争议", "", ""],
                ]
            )
        )
        upload.name = "history.xlsx"

        response = self.client.post(
            reverse("admin:complaints_importrun_import"), {"file": upload, "profile": "xiaobao"}
        )

        self.assertContains(response, "缺少业务类别")
        run = ImportRun.objects.get()
        self.assertEqual((run.imported, run.rejected, run.by), (1, 1, self.ada))
        report = self.client.get(response.context["report_url"])
        self.assertIn("缺少业务类别", streamed(report).decode("utf-8-sig"))

    def test_it_keeps_the_import_page_from_staff_without_the_right(self) -> None:
        from django.urls import reverse

        self.client.force_login(self.rita)
        self.assertNotEqual(self.client.get(reverse("admin:complaints_importrun_import")).status_code, 200)


class InstitutionMergeTests(BaseTestCase):
    def test_it_moves_an_imported_institutions_complaints_to_the_registered_one_and_remembers_the_name(self) -> None:
        run_import(CFPB_SAMPLE.read_bytes(), "cfpb_sample.csv", CFPB)
        chase = Institution.objects.get(name="JPMORGAN CHASE & CO.")
        from django.urls import reverse

        self.client.force_login(self.ada)
        changelist = reverse("admin:registry_institution_changelist")
        page = self.client.post(changelist, {"action": "merge_imported", "_selected_action": [chase.pk]})
        self.assertContains(page, "合并到已登记的机构")
        self.client.post(
            changelist, {"action": "merge_imported", "_selected_action": [chase.pk], "into": self.other_bank.pk}
        )

        self.assertFalse(Institution.objects.filter(pk=chase.pk).exists())
        moved = Complaint.objects.filter(source_id__in=["3210001", "3210002"])
        self.assertEqual({c.institution_id for c in moved}, {self.other_bank.pk})
        self.assertEqual(moved.get(source_id="3210001").events.filter(kind=Event.Kind.INSTITUTION_MERGED).count(), 1)
        mapping = ImportMapping.objects.get(source=CFPB, field="company", value="JPMORGAN CHASE & CO.")
        self.assertEqual(mapping.institution, self.other_bank)

    def test_it_refuses_to_merge_a_registered_institution(self) -> None:
        from django.core.exceptions import ValidationError

        from xiaobao.complaints.importing import institution_merge

        with self.assertRaises(ValidationError):
            institution_merge(source=self.icbc, into=self.other_bank, by=self.ada)
        self.assertTrue(Institution.objects.filter(pk=self.icbc.pk).exists())
