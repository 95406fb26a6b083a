"""Filing a complaint, at the service: its number, repeated requests, duplicates, routing to the right
regulator, personal data at rest, attachments, and the code a guest follows the complaint with."""

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings

from xiaobao.complaints.access import guest_code_matches, timeline_for
from xiaobao.complaints.models import Attachment, Complaint, Deadline, Event, NumberSequence
from xiaobao.complaints.services import GUEST_CODE_ALPHABET, GUEST_CODE_LENGTH
from xiaobao.registry.models import Category, Institution
from xiaobao.testing import BaseTestCase, present

Party = Deadline.Party
SHANGHAI = ZoneInfo("Asia/Shanghai")
# The narrative file_complaint() files, told a second time in slightly different words.
RETOLD = "本人2026年3月办理了信用卡，办理时工作人员承诺免年费，但本月账单仍扣收年费600元，多次致电客服都未获解决。"
ID_NUMBER = "220102199003071235"  # GB 11643 check character valid
OTHER_STORY = "在自助取款机取款时银行卡被吞，网点三天内未归还卡片，也未给出任何书面说明。"
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00This program cannot be run in DOS mode."
IN_MEMORY_STORAGE = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


class NumberingTests(BaseTestCase):
    def test_it_numbers_a_days_complaints_consecutively_and_starts_again_the_next_day(self) -> None:
        with time_machine.travel(at(date(2026, 3, 10)), tick=False) as clock:
            numbers = [self.file_complaint(by=self.carla)[0].number for _i in range(3)]
            self.assertEqual(numbers, ["JL-20260310-000001", "JL-20260310-000002", "JL-20260310-000003"])

            clock.move_to(at(date(2026, 3, 11), hour=0))
            self.assertEqual(self.file_complaint(by=self.oscar)[0].number, "JL-20260311-000001")

            # A letter received yesterday and entered today takes the next number of the day it arrived.
            letter, code = self.file_complaint(
                by=self.rita, via=Complaint.Via.LETTER, received_at=at(date(2026, 3, 10), 16)
            )
            self.assertEqual(letter.number, "JL-20260310-000004")
            self.assertTrue(code)  # the letter writer has no account: they follow it with a code


class IdempotencyTests(BaseTestCase):
    def test_it_returns_the_same_complaint_when_a_request_is_repeated(self) -> None:
        first, _code = self.file_complaint(by=self.carla, idempotency_key="form-3f9a2c")
        again, _code = self.file_complaint(by=self.carla, idempotency_key="form-3f9a2c")
        self.assertEqual(again.pk, first.pk)
        self.assertEqual(Complaint.objects.count(), 1)
        self.assertEqual(first.events.filter(kind=Event.Kind.SUBMITTED).count(), 1)
        self.assertEqual(first.deadlines.count(), 1)

    def test_it_files_a_new_complaint_for_a_new_key_or_another_user(self) -> None:
        first, _code = self.file_complaint(by=self.carla, idempotency_key="form-3f9a2c")
        other_key, _code = self.file_complaint(by=self.carla, idempotency_key="form-77b1e0")
        other_user, _code = self.file_complaint(by=self.oscar, idempotency_key="form-3f9a2c")
        self.assertEqual(len({first.pk, other_key.pk, other_user.pk}), 3)


class DuplicateTests(BaseTestCase):
    def file_on(self, day: date, **overrides: Any) -> Complaint:
        with time_machine.travel(at(day), tick=False):
            return self.file_complaint(**{"by": self.carla, **overrides})[0]

    def test_it_flags_the_same_story_about_the_same_bank_within_30_days(self) -> None:
        earlier = self.file_on(date(2026, 3, 2))
        later = self.file_on(date(2026, 3, 20), narrative=RETOLD)

        self.assertEqual(later.duplicate_of, earlier)
        flag = later.events.get(kind=Event.Kind.DUPLICATE_FLAGGED)
        self.assertEqual(flag.visibility, Event.Visibility.REGULATOR)
        self.assertIn(earlier.number, flag.note)
        self.assertEqual((flag.from_status, flag.to_status), (Complaint.Status.SUBMITTED, Complaint.Status.SUBMITTED))
        self.assertIn(flag, timeline_for(Party.REGULATOR, later))
        self.assertNotIn(flag, timeline_for(Party.CONSUMER, later))
        self.assertNotIn(flag, timeline_for(Party.INSTITUTION, later))
        # Flagged, never dropped: it waits for acceptance like any other complaint.
        self.assertEqual(later.status, Complaint.Status.SUBMITTED)
        self.assertTrue(later.deadlines.filter(kind=Deadline.Kind.ACCEPT, closed_at__isnull=True).exists())
        self.assertIsNone(Complaint.objects.get(pk=earlier.pk).duplicate_of)

    def test_it_still_flags_on_the_30th_day(self) -> None:
        earlier = self.file_on(date(2026, 3, 2))
        self.assertEqual(self.file_on(date(2026, 3, 2) + timedelta(days=30), narrative=RETOLD).duplicate_of, earlier)

    def test_it_does_not_flag_after_31_days(self) -> None:
        self.file_on(date(2026, 3, 2))
        self.assertIsNone(self.file_on(date(2026, 3, 2) + timedelta(days=31), narrative=RETOLD).duplicate_of)

    def test_it_does_not_flag_a_different_story(self) -> None:
        self.file_on(date(2026, 3, 2))
        later = self.file_on(date(2026, 3, 5), narrative=OTHER_STORY)
        self.assertIsNone(later.duplicate_of)
        self.assertFalse(later.events.filter(kind=Event.Kind.DUPLICATE_FLAGGED).exists())

    def test_it_does_not_flag_the_same_story_about_another_institution(self) -> None:
        self.file_on(date(2026, 3, 2))
        self.assertIsNone(self.file_on(date(2026, 3, 5), narrative=RETOLD, institution=self.other_bank).duplicate_of)

    def test_it_does_not_flag_another_consumer_telling_a_similar_story(self) -> None:
        self.file_on(date(2026, 3, 2))
        self.assertIsNone(self.file_on(date(2026, 3, 5), narrative=RETOLD, by=self.oscar).duplicate_of)

    def test_it_recognises_a_guest_by_the_identity_number(self) -> None:
        earlier = self.file_on(date(2026, 3, 2))
        by_phone = self.file_on(date(2026, 3, 5), narrative=RETOLD, by=None)
        self.assertEqual(by_phone.duplicate_of, earlier)
        stranger = self.file_on(
            date(2026, 3, 6), narrative=RETOLD, by=None, id_number="220104198811250029", phone="13900001111"
        )
        self.assertIsNone(stranger.duplicate_of)


class RoutingTests(BaseTestCase):
    def file_on(self, day: date, institution: Institution, **overrides: Any) -> Complaint:
        # Historical complaints reach the platform by bulk import, with their original date of receipt.
        return self.file_complaint(
            by=self.ada, via=Complaint.Via.IMPORT, institution=institution, received_at=at(day), **overrides
        )[0]

    def test_it_routes_a_bank_complaint_to_the_regulator_of_its_day(self) -> None:
        in_2017 = self.file_on(date(2017, 5, 10), self.icbc_changchun)
        self.assertEqual(in_2017.authority.code, "cbrc-jilin")  # 吉林银监局
        self.assertEqual(present(in_2017.supervision_line).authority, in_2017.authority)
        self.assertEqual(in_2017.number, "JL-20170510-000001")

        in_2025 = self.file_on(date(2025, 5, 12), self.icbc_changchun)
        self.assertEqual(in_2025.authority, self.nfra)
        self.assertEqual(present(in_2025.supervision_line).authority, self.nfra)

    def test_it_routes_a_changchun_small_loan_company_to_the_city_regulator(self) -> None:
        small_loan = Institution.objects.get(type__code="microcredit", region__code__startswith="2201")
        microcredit = Category.objects.get(dimension=Category.Dimension.BUSINESS, name="小额贷款")
        complaint = self.file_on(date(2025, 5, 12), small_loan, business=microcredit)
        self.assertEqual(complaint.authority, self.changchun_local)
        # In 2017 the same company answered to the city's 金融办.
        earlier = self.file_on(date(2017, 5, 10), small_loan, business=microcredit)
        self.assertEqual(earlier.authority.code, "local-changchun-2016")

    def test_it_tells_the_regulator_that_received_it(self) -> None:
        complaint = self.file_complaint(by=self.carla)[0]
        self.assertEqual(complaint.events.get(kind=Event.Kind.SUBMITTED).data["authority"], self.nfra.name)
        accept = complaint.deadlines.get(kind=Deadline.Kind.ACCEPT)
        self.assertEqual(accept.party, Party.REGULATOR)


class PersonalDataTests(BaseTestCase):
    def raw(self, complaint: Complaint, *columns: str) -> tuple[str, ...]:
        quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
        table = connection.ops.quote_name(Complaint._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {quoted} FROM {table} WHERE id = %s", [complaint.pk])  # noqa: S608
            return cursor.fetchone()

    def test_it_keeps_personal_data_encrypted_in_the_database(self) -> None:
        complaint, _code = self.file_complaint(
            by=self.carla, id_number=ID_NUMBER, email="zhangli@example.cn", address="长春市南关区人民大街100号"
        )
        name, id_number, phone, email, address = self.raw(
            complaint, "complainant_name", "id_number", "phone", "email", "address"
        )
        self.assertNotIn("13812345678", phone)
        self.assertNotIn(ID_NUMBER, id_number)
        self.assertNotIn("张丽", name)
        self.assertNotIn("zhangli", email)
        self.assertNotIn("人民大街", address)
        self.assertNotIn(ID_NUMBER, complaint.identity_hash)

        complaint = Complaint.objects.get(pk=complaint.pk)
        self.assertEqual(
            (complaint.complainant_name, complaint.id_number, complaint.phone, complaint.email, complaint.address),
            ("张丽", ID_NUMBER, "13812345678", "zhangli@example.cn", "长春市南关区人民大街100号"),
        )


@override_settings(STORAGES=IN_MEMORY_STORAGE)
class AttachmentTests(BaseTestCase):
    def test_it_keeps_a_pdf_and_a_png(self) -> None:
        complaint, _code = self.file_complaint(
            by=self.carla,
            attachments=[SimpleUploadedFile("账单.pdf", PDF), SimpleUploadedFile("短信截图.png", PNG)],
        )
        attachments = list(complaint.attachments.order_by("id"))
        self.assertEqual([a.name for a in attachments], ["账单.pdf", "短信截图.png"])
        self.assertEqual([a.content_type for a in attachments], ["application/pdf", "image/png"])
        self.assertEqual([a.size for a in attachments], [len(PDF), len(PNG)])
        self.assertEqual({a.uploaded_by_party for a in attachments}, {Party.CONSUMER})
        # The stored file name never comes from the user.
        self.assertFalse(any("账单" in present(a.file.name) or "短信" in present(a.file.name) for a in attachments))
        self.assertEqual(attachments[0].file.read(), PDF)

    def test_it_refuses_a_program_renamed_to_pdf_and_files_nothing(self) -> None:
        with self.assertRaisesMessage(
            ValidationError, "附件“账单.pdf”的格式不受支持：请上传 PDF、JPG、PNG、Word、Excel 或文本文件。"
        ):
            self.file_complaint(by=self.carla, attachments=[SimpleUploadedFile("账单.pdf", EXE)])
        self.assertFalse(Complaint.objects.exists())
        self.assertFalse(Attachment.objects.exists())

    def test_it_refuses_a_file_over_the_size_limit(self) -> None:
        limit = settings.ATTACHMENT_MAX_BYTES
        too_big = SimpleUploadedFile("扫描件.pdf", PDF + b"0" * (limit - len(PDF) + 1))
        with self.assertRaisesMessage(
            ValidationError, f"附件“扫描件.pdf”超过 {limit // (1024 * 1024)} MB，请压缩后重新上传。"
        ):
            self.file_complaint(by=self.carla, attachments=[too_big])
        self.assertFalse(Complaint.objects.exists())

    def test_it_files_nothing_when_one_of_several_attachments_is_refused(self) -> None:
        with time_machine.travel(at(date(2026, 3, 10)), tick=False):
            with self.assertRaises(ValidationError):
                self.file_complaint(
                    by=self.carla,
                    attachments=[SimpleUploadedFile("账单.pdf", PDF), SimpleUploadedFile("合同.pdf", EXE)],
                )
            self.assertFalse(Complaint.objects.exists())
            self.assertFalse(Attachment.objects.exists())
            self.assertFalse(NumberSequence.objects.filter(day=date(2026, 3, 10), last__gt=0).exists())
            # No number was used up either.
            self.assertEqual(self.file_complaint(by=self.carla)[0].number, "JL-20260310-000001")


class GuestCodeTests(BaseTestCase):
    def test_it_gives_a_guest_a_code_that_opens_only_their_complaint(self) -> None:
        complaint, code = self.file_complaint(by=None)
        self.assertEqual(len(code), GUEST_CODE_LENGTH)
        self.assertTrue(set(code) <= set(GUEST_CODE_ALPHABET))
        self.assertIsNone(complaint.consumer)
        self.assertTrue(guest_code_matches(complaint, code))
        # Read out over the phone and typed in lower case, it still works.
        self.assertTrue(guest_code_matches(complaint, f" {code.lower()} "))
        # Only a keyed hash of it is kept.
        self.assertNotIn(code, complaint.guest_code_hash)

        wrong = ("2" if code[0] != "2" else "3") + code[1:]
        self.assertFalse(guest_code_matches(complaint, wrong))
        self.assertFalse(guest_code_matches(complaint, ""))
        other, other_code = self.file_complaint(by=None)
        self.assertFalse(guest_code_matches(other, code))
        self.assertTrue(guest_code_matches(other, other_code))

    def test_it_gives_no_code_to_a_consumer_filing_with_an_account(self) -> None:
        complaint, code = self.file_complaint(by=self.carla)
        self.assertEqual(code, "")
        self.assertEqual(complaint.guest_code_hash, "")
        self.assertFalse(guest_code_matches(complaint, ""))
