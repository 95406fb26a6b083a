import json
import shutil
import tempfile
import zipfile
from decimal import Decimal
from io import BytesIO, StringIO
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.db.utils import load_backend
from django.test import TestCase, TransactionTestCase, override_settings
from pypdf import PdfWriter

from xiaobao.accounts.models import User
from xiaobao.complaints.models import Attachment, Complaint
from xiaobao.complaints.services import complaint_submit
from xiaobao.core.backup import BackupError, backup_write, fingerprint, restore_read
from xiaobao.demo.accounts import demo_accounts_write
from xiaobao.demo.disputes import disputes_seed
from xiaobao.demo.penalties import penalties_seed
from xiaobao.demo.tipoffs import tipoffs_seed
from xiaobao.disputes.models import Dispute
from xiaobao.registry.models import Category, Institution, Label, Region
from xiaobao.testing import first_of
from xiaobao.tipoffs.models import Evidence, Report
from xiaobao.tipoffs.services import report_submit


def _one_page_pdf() -> bytes:
    # A PDF that opens: tip-off evidence is read to strip its metadata, and a file that cannot be read is refused.
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


PDF = _one_page_pdf()
TEXT = "2026年3月账单：信用卡年费 600.00 元\n".encode()
TARGET = "restored"


class Scratch:
    """A var/ folder of the test's own (uploads, models, the receipt salt), and a second, empty database the
    archive is restored into, both removed after the test: the developer's var/ and database stay untouched."""

    def use_scratch_var(self: Any) -> Path:
        var = Path(tempfile.mkdtemp(prefix="xiaobao-backup-test-"))
        self.addCleanup(shutil.rmtree, var, ignore_errors=True)
        override = override_settings(VAR_DIR=var, MEDIA_ROOT=var / "media")
        override.enable()
        self.addCleanup(override.disable)
        return var

    def move_to(self: Any, var: Path) -> None:
        """Files go to another server's var/ from now on; its operator has copied the receipt salt over."""
        salt = Path(settings.VAR_DIR) / "receipt_salt"
        target = Path(tempfile.mkdtemp(prefix="xiaobao-restore-test-"))
        self.addCleanup(shutil.rmtree, target, ignore_errors=True)
        if salt.exists():
            shutil.copy(salt, target / "receipt_salt")
        override = override_settings(VAR_DIR=target, MEDIA_ROOT=target / "media")
        override.enable()
        self.addCleanup(override.disable)

    def empty_database(self: Any) -> str:
        """The alias of a new, empty database: a second SQLite file, or a second PostgreSQL database."""
        source = connection.settings_dict
        if connection.vendor == "sqlite":
            name = str(Path(tempfile.mkdtemp(prefix="xiaobao-restore-db-")) / "restored.sqlite3")
            self.addCleanup(shutil.rmtree, Path(name).parent, ignore_errors=True)
        else:
            from psycopg import sql

            name = f"{source['NAME']}_restored"
            server = connection.get_new_connection({**connection.get_connection_params(), "dbname": "postgres"})
            server.autocommit = True
            server.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

            def drop() -> None:
                server.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
                server.close()

            self.addCleanup(drop)
        # A connection made here rather than declared in settings: a test may use it without declaring it.
        connections[TARGET] = load_backend(source["ENGINE"]).DatabaseWrapper({**source, "NAME": name}, TARGET)

        def forget() -> None:
            connections[TARGET].close()
            del connections[TARGET]

        self.addCleanup(forget)
        return TARGET


def every_row(using: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every model's table, in primary-key order, as its column values."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        columns = [f.attname for f in model._meta.concrete_fields]
        rows[model._meta.label] = list(model._base_manager.using(using).order_by("pk").values_list(*columns))
    return rows


def every_file(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def file_complaint_with_attachments(by: User) -> Complaint:
    complaint, _code, _created = complaint_submit(
        by=by,
        via=Complaint.Via.WEB,
        institution=Institution.objects.get(name="中国工商银行股份有限公司吉林省分行"),
        business=first_of(Category.objects.filter(dimension=Category.Dimension.BUSINESS, name__contains="信用卡")),
        summary="信用卡年费未经同意被扣收",
        narrative="本人于2026年3月办理信用卡，工作人员承诺免年费，但本月账单扣收年费600元，多次致电客服未获解决。",
        complainant_name="张丽",
        phone="13812345678",
        id_number="220102199003071235",
        amount=Decimal("600.00"),
        demands=[Label.objects.get(kind=Label.Kind.DEMAND, name="退费")],
        attachments=[SimpleUploadedFile("账单.pdf", PDF), SimpleUploadedFile("账单.txt", TEXT)],
    )
    return complaint


def file_report_with_evidence() -> Report:
    report, _receipt = report_submit(
        by=None,
        subject_kind=Report.SubjectKind.COMPANY,
        subject_name="长春福寿康养老服务有限公司",
        subject_region=Region.objects.get(code="220102"),
        scheme="在社区免费健康讲座上发传单，说投资养老公寓保本高息，每年返利，介绍亲友还有奖励。",
        anonymous=False,
        contact_name="王秀兰",
        contact_phone="13904310001",
        evidence=[SimpleUploadedFile("宣传单.pdf", PDF)],
    )
    return report


class BackupRoundTripTests(Scratch, TransactionTestCase):
    """The data must be committed for pg_dump, another session, to see it: after the test the tables are
    emptied and the reference data every other test reads is put back as it was."""

    reference: str

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.reference = connection.creation.serialize_db_to_string()

    def _fixture_teardown(self) -> None:
        call_command("flush", verbosity=0, interactive=False, reset_sequences=False, inhibit_post_migrate=True)
        connection.creation.deserialize_db_from_string(self.reference)

    def test_it_restores_every_row_of_every_table_and_every_file_into_an_empty_database(self) -> None:
        cache.clear()
        var = self.use_scratch_var()
        accounts = demo_accounts_write()
        tipoffs_seed()
        penalties_seed()
        disputes_seed()
        file_complaint_with_attachments(accounts["demo-consumer"])
        file_report_with_evidence()
        source_rows, source_files = every_row("default"), every_file(var / "media")
        for model in (Complaint, Attachment, Report, Evidence, Dispute):
            self.assertTrue(source_rows[model._meta.label], f"the test has no {model.__name__} to back up")
        self.assertEqual(len([name for name in source_files if name.startswith(("attachments/", "evidence/"))]), 3)
        archive = var.parent / f"{var.name}.zip"
        self.addCleanup(archive.unlink, missing_ok=True)

        backup_write(archive)
        self.move_to(var)
        restored = restore_read(archive, using=self.empty_database())

        restored_rows = every_row(TARGET)
        self.assertEqual(restored_rows.keys(), source_rows.keys())
        for label, rows in source_rows.items():
            self.assertEqual(restored_rows[label], rows, f"{label} differs after the restore")
        self.assertEqual(every_file(Path(settings.MEDIA_ROOT)), source_files)
        self.assertEqual(restored.files["media"], (len(source_files), sum(len(b) for b in source_files.values())))
        # Encrypted columns read back in clear with the same keys.
        attachment = Attachment.objects.using(TARGET).select_related("complaint").get(name="账单.pdf")
        self.assertEqual(attachment.complaint.id_number, "220102199003071235")


class RestoreRefusalTests(Scratch, TestCase):
    """An archive of the reference data (what is committed) and the files of one complaint's attachments."""

    def setUp(self) -> None:
        cache.clear()
        self.var = self.use_scratch_var()
        user = User.objects.create_user("carla", role=User.Role.CONSUMER, display_name="Carla")
        file_complaint_with_attachments(user)
        self.archive = self.var / "backup.zip"
        self.manifest = backup_write(self.archive)
        self.move_to(self.var)
        self.target = self.empty_database()

    def tables_in_target(self) -> list[str]:
        with connections[self.target].cursor() as cursor:
            return connections[self.target].introspection.table_names(cursor)

    def test_it_refuses_to_overwrite_a_database_with_data_unless_forced(self) -> None:
        restore_read(self.archive, using=self.target)
        User.objects.db_manager(self.target).create_user("written-after", role=User.Role.CONSUMER)
        with connections[self.target].cursor() as cursor:
            cursor.execute("CREATE TABLE written_after (id integer)")

        with self.assertRaisesMessage(BackupError, "run again with --force"):
            restore_read(self.archive, using=self.target)
        self.assertTrue(User.objects.using(self.target).filter(username="written-after").exists())

        restore_read(self.archive, using=self.target, force=True)
        self.assertFalse(User.objects.using(self.target).filter(username="written-after").exists())
        self.assertNotIn("written_after", self.tables_in_target())
        self.assertEqual(User.objects.using(self.target).count(), self.manifest["tables"]["accounts_user"])

    def test_it_refuses_a_backup_whose_encryption_key_the_server_lacks_and_names_its_fingerprint(self) -> None:
        needed = fingerprint(settings.FIELD_ENCRYPTION_KEYS[0])
        with (
            override_settings(FIELD_ENCRYPTION_KEYS=[Fernet.generate_key().decode()]),
            self.assertRaisesMessage(BackupError, f"fingerprint {needed}"),
        ):
            restore_read(self.archive, using=self.target)
        self.assertEqual(self.tables_in_target(), [])
        self.assertFalse(Path(settings.MEDIA_ROOT).exists())

    def test_it_keeps_the_keys_out_of_the_archive_and_names_them_by_fingerprint(self) -> None:
        out = StringIO()
        call_command("backup", str(self.archive), stdout=out)

        with zipfile.ZipFile(self.archive) as archive:
            everything = b"".join(archive.read(name) for name in archive.namelist())
            manifest = json.loads(archive.read("manifest.json"))
        for key in settings.FIELD_ENCRYPTION_KEYS:
            self.assertNotIn(key.encode(), everything)
            self.assertNotIn(key, out.getvalue())
            self.assertIn(fingerprint(key), out.getvalue())
        self.assertEqual(manifest["keys"]["field_encryption"], [fingerprint(k) for k in settings.FIELD_ENCRYPTION_KEYS])

    def test_it_refuses_a_damaged_archive_and_leaves_everything_as_it_was(self) -> None:
        data = bytearray(self.archive.read_bytes())
        middle = len(data) // 2
        data[middle : middle + 64] = bytes(64)
        self.archive.write_bytes(bytes(data))

        with self.assertRaisesMessage(CommandError, "nothing restored: the archive is damaged"):
            call_command("restore", str(self.archive), database=self.target, stdout=StringIO())
        self.assertEqual(self.tables_in_target(), [])
        self.assertFalse(Path(settings.MEDIA_ROOT).exists())
        self.assertEqual(list(Path(settings.VAR_DIR).iterdir()), [], "something was left half-written")

    def test_it_refuses_a_file_that_is_not_an_archive(self) -> None:
        self.archive.write_bytes(self.archive.read_bytes()[:1000])

        with self.assertRaisesMessage(CommandError, "is not a xiaobao backup"):
            call_command("restore", str(self.archive), database=self.target, stdout=StringIO())
        self.assertEqual(self.tables_in_target(), [])

    def test_it_says_what_it_restored_and_that_it_checked_it(self) -> None:
        out = StringIO()
        call_command("restore", str(self.archive), database=self.target, stdout=out)

        self.assertIn("media: 2 files", out.getvalue())
        self.assertIn("every table's row count and every file's SHA-256 match the manifest", out.getvalue())
        self.assertEqual(every_file(Path(settings.MEDIA_ROOT)), every_file(self.var / "media"))

    def test_it_refuses_a_backup_whose_receipt_salt_the_server_lacks(self) -> None:
        with override_settings(VAR_DIR=self.var, MEDIA_ROOT=self.var / "media"):
            file_report_with_evidence()  # the first report makes the site's receipt salt
            needed = fingerprint((self.var / "receipt_salt").read_text().strip())
            backup_write(self.archive)

        with self.assertRaisesMessage(BackupError, f"receipt salt with fingerprint {needed}"):
            restore_read(self.archive, using=self.target)
        self.assertEqual(self.tables_in_target(), [])

    def test_it_refuses_a_backup_made_by_a_newer_version(self) -> None:
        newer = self.var / "newer.zip"
        with zipfile.ZipFile(self.archive) as old, zipfile.ZipFile(newer, "w") as new:
            for item in old.infolist():
                data = old.read(item)
                if item.filename == "manifest.json":
                    manifest = json.loads(data)
                    manifest["migrations"]["complaints"].append("9999_from_the_future")
                    data = json.dumps(manifest).encode()
                new.writestr(item, data)

        with self.assertRaisesMessage(BackupError, "its migration complaints.9999_from_the_future is not in this code"):
            restore_read(newer, using=self.target)
        self.assertEqual(self.tables_in_target(), [])
