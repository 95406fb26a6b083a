import io

import pypdf
from django.test import SimpleTestCase

from xiaobao.lib.pdf import Table, pdf_document
from xiaobao.testing import present


class PdfDocumentTests(SimpleTestCase):
    def test_it_writes_chinese_text_and_tables_that_a_reader_can_extract(self) -> None:
        content = pdf_document(
            [
                ("title", "调解协议书"),
                ("p", "申请人：张三，赔付金额 1,234.56 元"),
                ("bullet", "2026年11月27日 达成协议"),
                ("table", Table(["机构", "投诉量"], [["吉林银行", 12], ["中国工商银行吉林省分行", "<10"]])),
            ]
        )
        reader = pypdf.PdfReader(io.BytesIO(content))
        text = "".join(page.extract_text() for page in reader.pages)
        for expected in ("调解协议书", "张三", "1,234.56", "吉林银行", "中国工商银行吉林省分行", "<10"):
            self.assertIn(expected, text)
        self.assertEqual(present(reader.metadata).title, "调解协议书")

    def test_it_escapes_markup_in_user_text_instead_of_failing(self) -> None:
        # ReportLab paragraphs parse a mini-markup: a complaint text with "<" or "&" must print as typed.
        content = pdf_document([("p", "收益率 <5% & 保本")])
        text = pypdf.PdfReader(io.BytesIO(content)).pages[0].extract_text()
        self.assertIn("收益率 <5% & 保本", text)
