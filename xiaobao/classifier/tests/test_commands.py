import csv
import io
import re
import tempfile
from pathlib import Path
from unittest import mock

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError
from django.test import override_settings

from xiaobao.classifier.models import ClassifierModel
from xiaobao.classifier.tests.synthetic import labelled
from xiaobao.testing import BaseTestCase

LAST_LINE = re.compile(r"^accuracy=\d\.\d{3} macro_f1=\d\.\d{3}$")
_var = tempfile.mkdtemp(prefix="classifier-tests-")


def write_csv(path: Path, rows: list, *, header: list | None = None, encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        w = csv.writer(f)
        if header:
            w.writerow(header)
        w.writerows(rows)
    return path


def run(name: str, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(name, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@override_settings(VAR_DIR=Path(_var))
class CommandContractTests(BaseTestCase):
    dir: Path
    train_rows: list[tuple[str, str]]
    test_rows: list[tuple[str, str]]
    train: Path
    test: Path

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.dir = Path(tempfile.mkdtemp(prefix="csv-", dir=_var))
        rows = labelled(20)
        cls.train_rows, cls.test_rows = rows[:60], rows[60:]
        cls.train = write_csv(cls.dir / "train.csv", cls.train_rows, header=["text", "label"])
        cls.test = write_csv(cls.dir / "test.csv", cls.test_rows, header=["text", "label"])

    def train_default(self) -> str:
        out, _err = run("train_classifier", "--from-csv", str(self.train), "--text-column", "text",
                        "--label-column", "label")  # fmt: skip
        return out

    def test_it_trains_and_evaluates_a_csv_with_a_header_row(self) -> None:
        out = self.train_default()
        self.assertIn("model=default version=1 labels=4 texts=60", out.strip().splitlines()[-1])
        out, _err = run("evaluate_classifier", "--from-csv", str(self.test), "--text-column", "text",
                        "--label-column", "label")  # fmt: skip
        last = out.strip().splitlines()[-1]
        self.assertRegex(last, LAST_LINE)
        accuracy = float(last.split()[0].split("=")[1])
        # Four well-separated topics: a held-out 20 are nearly all right.
        self.assertGreaterEqual(accuracy, 0.9)

    def test_it_reads_a_header_less_file_by_column_numbers_counted_from_0(self) -> None:
        path = write_csv(self.dir / "plain.csv", [(label, "x", text) for text, label in self.train_rows])
        out, err = run("train_classifier", "--from-csv", str(path), "--text-column", "2", "--label-column", "0")
        self.assertIn("texts=60", out)
        self.assertIn("no header row, text column 2, label column 0", err)

    def test_it_takes_numbers_as_columns_when_the_file_has_a_header(self) -> None:
        out, err = run("train_classifier", "--from-csv", str(self.train), "--text-column", "0", "--label-column", "1")
        self.assertIn("texts=60", out)  # the header row is not a training text
        self.assertIn("a header row", err)

    def test_it_reads_column_numbers_counted_from_1_when_0_cannot_be_meant(self) -> None:
        _out, err = run("train_classifier", "--from-csv", str(self.train), "--text-column", "1", "--label-column", "2")
        self.assertIn("counted from 1", err)

    def numbered_rows(self, first_label: str) -> list[tuple[str, str]]:
        """Header-less rows of (text, label) with labels recoded as numbers, the first row's label given."""
        codes = {label: str(i) for i, label in enumerate(sorted({lab for _t, lab in self.train_rows}))}
        rows = [(text, codes[label]) for text, label in self.train_rows]
        first = next(i for i, (_t, code) in enumerate(rows) if code == first_label)
        return [rows[first], *rows[:first], *rows[first + 1 :]]

    def test_it_reads_a_header_less_file_whose_first_label_is_0_or_1(self) -> None:
        for first_label in ("0", "1"):
            with self.subTest(first_label=first_label):
                path = write_csv(self.dir / f"numbered-{first_label}.csv", self.numbered_rows(first_label))
                for command in ("train_classifier", "evaluate_classifier"):
                    out, err = run(command, "--from-csv", str(path), "--text-column", "0", "--label-column", "1")
                    self.assertIn("no header row, text column 0, label column 1", err)
                out, _err = run("train_classifier", "--from-csv", str(path), "--text-column", "0",
                                "--label-column", "1")  # fmt: skip
                self.assertIn("texts=60", out)  # the first row is a training text, not a header

    def test_it_reads_a_header_less_file_whose_first_label_is_a_word(self) -> None:
        path = write_csv(self.dir / "words.csv", self.train_rows)
        out, err = run("train_classifier", "--from-csv", str(path), "--text-column", "0", "--label-column", "1")
        self.assertIn("texts=60", out)
        self.assertIn("no header row", err)

    def test_it_takes_the_operators_word_on_the_header_row(self) -> None:
        path = write_csv(self.dir / "declared.csv", self.train_rows)
        out, err = run("train_classifier", "--from-csv", str(path), "--text-column", "0", "--label-column", "1",
                       "--header")  # fmt: skip
        self.assertIn("texts=59", out)  # the first row was declared a header
        self.assertIn("a header row", err)
        out, err = run("train_classifier", "--from-csv", str(self.train), "--text-column", "0", "--label-column", "1",
                       "--no-header")  # fmt: skip
        self.assertIn("no header row", err)
        self.assertIn("texts=61", out)  # the header row is read as one more text

    def test_it_refuses_a_number_that_names_another_columns_header(self) -> None:
        path = write_csv(self.dir / "clash.csv", self.train_rows, header=["text", "0"])
        with self.assertRaises(CommandError) as raised:
            run("evaluate_classifier", "--from-csv", str(path), "--text-column", "text", "--label-column", "0",
                "--header")  # fmt: skip
        self.assertIn("header of column 1 and also column number 0", str(raised.exception))
        with self.assertRaises(CommandError) as raised:
            run("evaluate_classifier", "--from-csv", str(path), "--text-column", "text", "--label-column", "1",
                "--no-header")  # fmt: skip
        self.assertIn("give the columns by number", str(raised.exception))

    def test_it_reads_gbk_files_from_chinese_excel(self) -> None:
        path = write_csv(self.dir / "gbk.csv", self.train_rows, header=["投诉内容", "类别"], encoding="gbk")
        self.assertRaises(UnicodeDecodeError, path.read_text, encoding="utf-8")
        out, err = run(
            "train_classifier", "--from-csv", str(path), "--text-column", "投诉内容", "--label-column", "类别"
        )
        self.assertIn("texts=60", out)
        self.assertIn("gb18030", err)
        self.assertEqual(sorted(ClassifierModel.objects.get().labels), ["保险", "信用卡", "理财", "贷款"])

    def test_it_reads_a_bom_quoted_newlines_and_stray_whitespace(self) -> None:
        rows = [(f'{text}\n第二行，"引号"', f"  {label}\u3000") for text, label in self.train_rows]
        path = write_csv(self.dir / "bom.csv", rows, header=["text", "label"], encoding="utf-8-sig")
        run("train_classifier", "--from-csv", str(path), "--text-column", "TEXT", "--label-column", "label")
        self.assertEqual(sorted(ClassifierModel.objects.get().labels), ["保险", "信用卡", "理财", "贷款"])

    def test_it_skips_and_counts_empty_texts_and_labels(self) -> None:
        rows = [*self.train_rows, ("", "信用卡"), ("没有类别的投诉", "  "), ("短行",)]
        path = write_csv(self.dir / "gaps.csv", rows, header=["text", "label"])
        out, err = run("train_classifier", "--from-csv", str(path), "--text-column", "text", "--label-column", "label")
        self.assertIn("texts=60", out)
        self.assertIn("skipped 3 rows: 1 with empty text, 1 with empty label, 1 with too few columns", err)

    def test_it_fails_with_exit_status_2_on_a_missing_column(self) -> None:
        with self.assertRaises(CommandError) as caught:
            run("train_classifier", "--from-csv", str(self.train), "--text-column", "narrative",
                "--label-column", "label")  # fmt: skip
        self.assertEqual(caught.exception.returncode, 2)
        self.assertIn("no text column named 'narrative'", str(caught.exception))
        self.assertIn("'text', 'label'", str(caught.exception))
        with self.assertRaises(CommandError) as caught:
            run("evaluate_classifier", "--from-csv", str(self.test), "--text-column", "0", "--label-column", "7")
        self.assertEqual(caught.exception.returncode, 2)
        self.assertFalse(ClassifierModel.objects.exists())

    def test_it_fails_with_exit_status_2_on_a_missing_file(self) -> None:
        with self.assertRaises(CommandError) as caught:
            run("train_classifier", "--from-csv", str(self.dir / "nope.csv"), "--text-column", "text",
                "--label-column", "label")  # fmt: skip
        self.assertEqual(caught.exception.returncode, 2)

    def test_it_counts_a_label_the_model_never_saw_as_an_error(self) -> None:
        self.train_default()
        rows = [*self.test_rows[:10], ("外汇汇款被退回，手续费不退", "外汇"), ("结汇额度不够", "外汇")]
        path = write_csv(self.dir / "new-label.csv", rows, header=["text", "label"])
        out, err = run(
            "evaluate_classifier", "--from-csv", str(path), "--text-column", "text", "--label-column", "label"
        )
        self.assertRegex(out.strip().splitlines()[-1], LAST_LINE)
        self.assertIn("not in the model's training data, 2 rows counted as errors: 外汇", err)
        self.assertIn("on 12 texts", out)

    def test_it_saves_a_new_version_each_time_and_evaluates_the_newest(self) -> None:
        self.train_default()
        four = ClassifierModel.objects.get()
        two_labels = [(t, lab) for t, lab in self.train_rows if lab in ("信用卡", "保险")]
        path = write_csv(self.dir / "two.csv", two_labels, header=["text", "label"])
        out, _err = run("train_classifier", "--from-csv", str(path), "--text-column", "text",
                        "--label-column", "label", "--model", "default")  # fmt: skip
        self.assertIn("version=2", out)
        newest = ClassifierModel.objects.get(version=2)
        self.assertTrue(four.file.is_file() and newest.file.is_file())
        self.assertEqual(newest.trained_from, f"csv:{path.resolve()}")
        out, _err = run("evaluate_classifier", "--from-csv", str(self.test), "--text-column", "text",
                        "--label-column", "label")  # fmt: skip
        self.assertIn("default v2 (2 labels)", out)

    def test_it_keeps_models_of_different_names_apart(self) -> None:
        self.train_default()
        out, _err = run("train_classifier", "--from-csv", str(self.train), "--text-column", "text",
                        "--label-column", "label", "--model", "cfpb-en")  # fmt: skip
        self.assertIn("model=cfpb-en version=1", out)
        with self.assertRaises(CommandError) as caught:
            run("evaluate_classifier", "--from-csv", str(self.test), "--text-column", "text",
                "--label-column", "label", "--model", "other")  # fmt: skip
        self.assertIn("no trained model named 'other'", str(caught.exception))
        with self.assertRaises(CommandError) as caught:
            run("train_classifier", "--from-csv", str(self.train), "--text-column", "text",
                "--label-column", "label", "--model", "../escape")  # fmt: skip
        self.assertEqual(caught.exception.returncode, 2)

    def test_it_says_so_when_the_database_is_not_migrated(self) -> None:
        broken = mock.patch.object(ClassifierModel.objects, "exists", side_effect=OperationalError("no such table"))
        with broken, self.assertRaises(CommandError) as caught:
            self.train_default()
        self.assertIn("run `manage.py migrate` first", str(caught.exception))

    def test_it_refuses_a_file_with_a_single_label(self) -> None:
        path = write_csv(self.dir / "one.csv", [("信用卡年费", "信用卡")] * 5, header=["text", "label"])
        with self.assertRaises(CommandError) as caught:
            run("train_classifier", "--from-csv", str(path), "--text-column", "text", "--label-column", "label")
        self.assertIn("at least two different labels", str(caught.exception))

    def test_it_reads_tab_separated_files_with_stray_nul_bytes(self) -> None:
        path = self.dir / "export.tsv"
        lines = ["label\tx\ttext", *(f"{lab}\t-\t{text}\x00" for text, lab in self.train_rows)]
        path.write_text("\n".join(lines), encoding="utf-8")
        out, err = run("train_classifier", "--from-csv", str(path), "--text-column", "text", "--label-column", "label")
        self.assertIn("texts=60", out)
        self.assertIn("text column 2, label column 0", err)

    def test_it_trains_on_a_fixed_sample_of_a_file_larger_than_max_rows(self) -> None:
        args = ["--from-csv", str(self.train), "--text-column", "text", "--label-column", "label", "--max-rows", "40"]
        out, err = run("train_classifier", *args)
        self.assertIn("texts=40", out)
        self.assertIn("sampled 40 of 60 usable rows", err)
        run("train_classifier", *args)
        first, second = ClassifierModel.objects.order_by("version")
        self.assertEqual(first.labels, second.labels)
        self.assertEqual(first.metrics["estimate"], second.metrics["estimate"])  # the same sample, the same figures
