import csv
import io
import shutil
import tempfile
from collections import Counter
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.http import HttpResponseBase
from openpyxl import Workbook, load_workbook

from xiaobao.complaints.importing import CFPB, XIAOBAO, complaints_import, template_workbook
from xiaobao.complaints.models import Complaint, Event, ImportMapping, ImportRun
from xiaobao.complaints.selectors import QUEUE_NEW, complaint_queue_for
from xiaobao.complaints.services import complaint_answer
from xiaobao.disclosure.models import PublicComplaint
from xiaobao.disclosure.services import public_rebuild
from xiaobao.lib.tabular import TableError
from xiaobao.registry.models import Institution
from xiaobao.testing import BaseTestCase, present, streamed, worksheet

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CFPB_SAMPLE = FIXTURES / "cfpb_sample.csv"
# A third of a real CFPB export of August 2023 (US public domain), byte for byte, with its old rows, its
# quoted newlines and "" cells, and the half row its download was cut off in (data/README.md).
CFPB_REAL = Path(__file__).resolve().parent / "data" / "cfpb_2023_08.csv"


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

        self.assertEqual((run.rows, run.imported, run.rejected), (30, 22, 8))
        reasons = {int(line[0]): line[1] for line in report[1:]}
        self.assertEqual(sorted(reasons), [9, 10, 12, 16, 17, 18, 23, 25])
        self.assertIn("2019-13-40", reasons[9])
        self.assertIn("Company", reasons[10])
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

        self.assertEqual((again.imported, again.updated, again.skipped), (0, 0, 22))
        self.assertEqual(Complaint.objects.filter(is_imported=True).count(), 22)
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

        self.assertEqual((run.imported, run.rejected), (22, 8))
        self.assertEqual(sorted(int(line[0]) for line in report[1:]), [9, 10, 12, 16, 17, 18, 23, 25])
        self.assertEqual(Complaint.objects.get(source_id="3210002").received_at.date().isoformat(), "2019-05-15")

    def test_it_refuses_a_file_without_the_required_columns_and_writes_nothing(self) -> None:
        with self.assertRaisesMessage(TableError, "Complaint ID"):
            run_import(b"Date received,Product,Issue,Company\n2019-05-14,Mortgage,x,y\n", "x.csv", CFPB)
        self.assertFalse(Complaint.objects.filter(is_imported=True).exists())


def real_rows() -> tuple[list[str], list[list[str]]]:
    with CFPB_REAL.open(encoding="utf-8", newline="") as f:
        header, *rows = csv.reader(f)
    return header, rows


def as_csv(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    return out.getvalue().encode()


class RealCfpbExportTests(BaseTestCase):
    def test_it_imports_the_complaints_still_in_progress_as_open_records_waiting_for_the_answer(self) -> None:
        _header, rows = real_rows()
        in_progress = {r[17] for r in rows if len(r) == 18 and r[14] == "In progress"}

        run, report = run_import(CFPB_REAL.read_bytes(), CFPB_REAL.name, CFPB)

        self.assertEqual((run.rows, run.imported, run.rejected), (len(rows), len(rows) - 1, 1))
        # The half row the download ended in.
        self.assertEqual(report[1][0], str(len(rows) + 1))
        self.assertIn("该行只有 2 列，表头有 18 列，文件可能在此处被截断", report[1][1])
        open_records = Complaint.objects.filter(source=CFPB, source_id__in=in_progress)
        self.assertEqual(len(in_progress), 199)
        self.assertEqual(open_records.count(), 199)
        self.assertEqual(set(open_records.values_list("status", flat=True)), {Complaint.Status.WITH_INSTITUTION})
        record = open_records.first()
        assert record is not None
        self.assertIsNotNone(record.sent_at)
        self.assertIsNone(record.closed_at)
        self.assertEqual(record.outcome, "")
        self.assertIsNone(record.is_timely())  # the export says "Yes" before any answer: not known yet
        self.assertFalse(record.deadlines.exists())  # no clock of the platform runs on another system's case
        closed = Complaint.objects.filter(source=CFPB).exclude(source_id__in=in_progress)
        self.assertEqual(set(closed.values_list("status", flat=True)), {Complaint.Status.CLOSED})

    def test_it_changes_nothing_and_says_so_when_the_same_export_is_imported_again(self) -> None:
        first, _report = run_import(CFPB_REAL.read_bytes(), CFPB_REAL.name, CFPB)
        events = Event.objects.count()

        again, _report = run_import(CFPB_REAL.read_bytes(), CFPB_REAL.name, CFPB)

        self.assertEqual((again.imported, again.updated, again.skipped, again.rejected), (0, 0, first.imported, 1))
        self.assertEqual(Event.objects.count(), events)

    def test_it_updates_the_records_a_later_export_moves_on_with_an_event_for_each(self) -> None:
        header, rows = real_rows()
        run_import(CFPB_REAL.read_bytes(), CFPB_REAL.name, CFPB)
        answered_id = next(r[17] for r in rows if len(r) == 18 and r[14] == "In progress")
        disputed_id = next(r[17] for r in rows if len(r) == 18 and r[14] == "Closed with explanation")
        later = []
        for row in rows:
            if len(row) < 18:
                continue  # a later download is complete
            row = list(row)
            if row[17] == answered_id:
                row[14] = "Closed with monetary relief"
                row[6] = "Company believes it acted appropriately as authorized by contract or law"
            if row[17] == disputed_id:
                row[16] = "Yes"
            later.append(row)

        run, _report = run_import(as_csv(header, later), "complaints-later.csv", CFPB, by=self.ada)

        self.assertEqual((run.imported, run.updated, run.skipped, run.rejected), (2, 2, len(later) - 2, 0))
        answered = Complaint.objects.get(source=CFPB, source_id=answered_id)
        self.assertEqual(answered.status, Complaint.Status.CLOSED)
        self.assertEqual(answered.outcome, Complaint.Outcome.UPHELD)
        self.assertIn("Company believes it acted appropriately", answered.decision)
        self.assertTrue(answered.is_timely())
        update = answered.events.get(kind=Event.Kind.IMPORT_UPDATED)
        self.assertEqual((update.from_status, update.to_status), ("with_institution", "closed"))
        self.assertEqual(update.actor, self.ada)
        self.assertEqual(update.data["changes"]["outcome"], ["", "upheld"])
        self.assertIn("处理结果", update.note)
        disputed = Complaint.objects.get(source=CFPB, source_id=disputed_id)
        change = disputed.events.get(kind=Event.Kind.IMPORT_UPDATED)
        self.assertEqual(change.data["source_changes"], {"disputed": ["", "Yes"]})  # N/A reads as blank
        self.assertIn("Consumer disputed?", change.note)

    def test_it_keeps_an_open_imported_record_out_of_the_institutions_work(self) -> None:
        header, rows = real_rows()
        row = next(r for r in rows if len(r) == 18 and r[14] == "In progress")
        ImportMapping.objects.create(source=CFPB, field="company", value=row[7], institution=self.ivan.institution)
        run_import(as_csv(header, [row]), "one.csv", CFPB)
        record = Complaint.objects.get(source=CFPB, source_id=row[17])

        self.assertNotIn(record, complaint_queue_for(user=self.ivan, queue=QUEUE_NEW))
        with self.assertRaises(ValidationError):
            complaint_answer(complaint=record, by=self.ivan, outcome="upheld", decision="已核实并退还多收的费用。")
        record.refresh_from_db()
        self.assertEqual(record.status, Complaint.Status.WITH_INSTITUTION)

    def test_the_public_counts_include_the_complaints_still_in_progress(self) -> None:
        _header, rows = real_rows()
        in_file = Counter(r[7] for r in rows if len(r) == 18)
        run_import(CFPB_REAL.read_bytes(), CFPB_REAL.name, CFPB)

        public_rebuild()

        published = Counter(PublicComplaint.objects.values_list("institution_name", flat=True))
        for company, count in in_file.most_common(5):
            self.assertEqual(published[company], count, company)
        open_rows = PublicComplaint.objects.filter(response=PublicComplaint.Response.IN_PROGRESS)
        self.assertEqual(open_rows.count(), 199)
        self.assertFalse(open_rows.filter(timely__isnull=False).exists())


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
    def command(self, *args: str, **options: object) -> str:
        out = io.StringIO()
        call_command("import_complaints", *args, format="cfpb", no_progress=True, stdout=out, **options)
        return out.getvalue()

    def test_it_writes_the_rejected_rows_where_the_operator_says_and_nothing_beside_the_file(self) -> None:
        with tempfile.TemporaryDirectory() as source_dir, tempfile.TemporaryDirectory() as report_dir:
            path = Path(source_dir) / "cfpb.csv"
            shutil.copy(CFPB_SAMPLE, path)
            report = Path(report_dir) / "out.csv"

            out = self.command(str(path), rejected=str(report))

            self.assertIn("rows 30, created 22, updated 0, unchanged 0, rejected 8", out)
            self.assertEqual(sorted(p.name for p in Path(source_dir).iterdir()), ["cfpb.csv"])
            with report.open(encoding="utf-8-sig", newline="") as f:
                lines = list(csv.reader(f))
            self.assertEqual([line[0] for line in lines[1:]], ["9", "10", "12", "16", "17", "18", "23", "25"])
            self.assertIn("第 2 行重复", lines[3][1])

    def test_it_writes_the_rejected_rows_as_xlsx_when_the_report_is_named_so(self) -> None:
        with tempfile.TemporaryDirectory() as report_dir:
            report = Path(report_dir) / "rejected.xlsx"

            self.command(str(CFPB_SAMPLE), rejected=str(report))

            sheet = load_workbook(report).worksheets[0]
            rows = list(sheet.iter_rows(values_only=True))
            self.assertEqual(rows[0][:3], ("行号", "拒绝原因", "Complaint ID"))
            self.assertEqual([r[0] for r in rows[1:]], [9, 10, 12, 16, 17, 18, 23, 25])

    def test_it_lists_the_rejected_rows_in_its_summary_and_writes_no_file_without_rejected(self) -> None:
        with tempfile.TemporaryDirectory() as source_dir:
            path = Path(source_dir) / "cfpb.csv"
            shutil.copy(CFPB_SAMPLE, path)

            out = self.command(str(path))

            self.assertEqual(sorted(p.name for p in Path(source_dir).iterdir()), ["cfpb.csv"])
        self.assertIn("rejected rows (row, reason):", out)
        self.assertIn("2019-13-40", out)
        self.assertNotIn("rejected rows with their reasons", out)

    def test_it_refuses_a_report_that_is_neither_csv_nor_xlsx(self) -> None:
        with self.assertRaisesMessage(CommandError, ".csv or .xlsx"):
            self.command(str(CFPB_SAMPLE), rejected=str(CFPB_SAMPLE.with_suffix(".txt")))
        self.assertFalse(Complaint.objects.exists())

    def test_it_explains_a_missing_column_without_a_traceback(self) -> None:
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

    def test_it_updates_a_record_from_a_corrected_template_and_says_how_many_in_the_admin(self) -> None:
        from django.urls import reverse

        self.client.force_login(self.ada)

        def upload(answered: str, outcome: str) -> HttpResponseBase:
            data = xlsx(
                [TEMPLATE_HEADER, ["U-1", "2024-03-01", self.icbc.name, "B03-02", "", "年费争议", answered, outcome]]
            )
            file = io.BytesIO(data)
            file.name = "history.xlsx"
            return self.client.post(reverse("admin:complaints_importrun_import"), {"file": file, "profile": "xiaobao"})

        upload("2024-03-10", "不支持")
        page = upload("2024-03-30", "部分支持")

        self.assertContains(page, "其中更新已有记录：1")
        record = Complaint.objects.get(source=XIAOBAO, source_id="U-1")
        self.assertEqual(record.outcome, Complaint.Outcome.PARTLY)
        self.assertFalse(record.is_timely())  # answered on day 29 of 15, by the corrected answer date
        self.assertEqual(record.deadlines.count(), 1)
        update = record.events.get(kind=Event.Kind.IMPORT_UPDATED)
        self.assertEqual(update.data["changes"]["answered_at"], ["2024-03-10", "2024-03-30"])

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
