from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from xiaobao.registry.models import SizeFigure


class LoadReferenceCommandTests(TestCase):
    def test_it_keeps_an_administrators_edit_when_make_run_starts_again(self) -> None:
        bank = SizeFigure.objects.get(institution__name="吉林银行股份有限公司")
        bank.outlets = 12345
        bank.save()

        out = StringIO()
        call_command("load_reference", if_empty=True, stdout=out)

        bank.refresh_from_db()
        self.assertEqual(bank.outlets, 12345)
        self.assertIn("already present", out.getvalue())

    def test_it_brings_edited_rows_back_to_the_shipped_files_when_asked(self) -> None:
        bank = SizeFigure.objects.get(institution__name="吉林银行股份有限公司")
        shipped = bank.outlets
        bank.outlets = 12345
        bank.save()

        call_command("load_reference", no_calendar=True, stdout=StringIO())

        bank.refresh_from_db()
        self.assertEqual(bank.outlets, shipped)
