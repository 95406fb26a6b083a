"""Each kind of audited act is on the trail as soon as someone does it, and only then."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from xiaobao.accounts.models import User
from xiaobao.audit.models import Record
from xiaobao.complaints.services import complaint_accept
from xiaobao.disputes.models import Dispute
from xiaobao.disputes.services import dispute_agree
from xiaobao.disputes.tests.base import DisputeTestCase
from xiaobao.testing import BaseTestCase
from xiaobao.tipoffs import services as tipoff_services
from xiaobao.tipoffs.tests.base import TipoffTestCase, png

Kind = Record.Kind


def records(kind: str, **filters: object) -> list[Record]:
    return list(Record.objects.filter(kind=kind, **filters).order_by("id"))


class PersonalDataTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.use_fresh_pages()
        self.complaint, _code = self.file_complaint(by=self.carla)

    def test_it_records_a_regulators_reveal_on_the_complaint_page(self) -> None:
        self.client.force_login(self.rita)
        self.assertEqual(records(Kind.PERSONAL_DATA), [], "reading the masked page is no reveal")

        self.client.post(reverse("complaints:reveal", kwargs={"number": self.complaint.number}))

        (read,) = records(Kind.PERSONAL_DATA)
        self.assertEqual((read.user, read.username, read.address), (self.rita, "rita", "127.0.0.1"))
        self.assertEqual((read.object_type, read.object_id), ("complaints.complaint", self.complaint.number))
        self.assertIn("id_number", read.field)
        self.assertEqual(read.detail, "web")

    def test_it_records_a_reveal_through_the_api(self) -> None:
        complaint_accept(complaint=self.complaint, by=self.rita)
        self.client.force_login(self.ivan)

        self.client.get(
            reverse("api:complaint-detail", kwargs={"number": self.complaint.number}), {"reveal": "personal"}
        )

        (read,) = records(Kind.PERSONAL_DATA)
        self.assertEqual((read.user, read.object_id, read.detail), (self.ivan, self.complaint.number, "api"))

    def test_it_records_nothing_when_the_complainant_reads_her_own(self) -> None:
        self.client.force_login(self.carla)

        self.client.post(reverse("complaints:reveal", kwargs={"number": self.complaint.number}))

        self.assertEqual(records(Kind.PERSONAL_DATA), [])


class ComplaintDownloadTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.use_fresh_pages()
        scan = SimpleUploadedFile("身份证.pdf", b"%PDF-1.4 id card", content_type="application/pdf")
        self.complaint, _code = self.file_complaint(by=self.carla, attachments=[scan])
        self.url = reverse(
            "complaints:attachment", kwargs={"number": self.complaint.number, "pk": self.complaint.attachments.get().pk}
        )

    def test_it_records_a_staff_download_of_an_attachment(self) -> None:
        self.client.force_login(self.rita)

        self.assertEqual(self.client.get(self.url).status_code, 200)

        (download,) = records(Kind.DOWNLOAD)
        self.assertEqual(
            (download.user, download.object_id, download.field), (self.rita, self.complaint.number, "身份证.pdf")
        )
        self.assertEqual(download.address, "127.0.0.1")

    def test_it_records_nothing_for_the_complainants_own_download_or_a_refused_one(self) -> None:
        self.client.force_login(self.carla)
        self.assertEqual(self.client.get(self.url).status_code, 200)
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(self.url).status_code, 404)

        self.assertEqual(records(Kind.DOWNLOAD), [])


class TipoffTests(TipoffTestCase):
    def test_it_records_an_officers_reveal_of_the_reporters_contact(self) -> None:
        report, _r = self.named_report()
        self.client.force_login(self.fay)

        self.client.post(reverse("tipoffs:report_reveal", kwargs={"number": report.number}))

        (read,) = records(Kind.PERSONAL_DATA)
        self.assertEqual((read.user, read.object_type, read.object_id), (self.fay, "tipoffs.report", report.number))
        self.assertIn("contact_phone", read.field)
        self.assertEqual(read.address, "127.0.0.1")

    def test_it_records_an_officers_download_of_evidence(self) -> None:
        report, _r = self.file_report(evidence=[png("传单.png")])
        item = report.evidence.get()
        self.client.force_login(self.fay)

        response = self.client.get(reverse("tipoffs:evidence", kwargs={"number": report.number, "pk": item.pk}))

        self.assertEqual(response.status_code, 200)
        (download,) = records(Kind.DOWNLOAD)
        self.assertEqual((download.user, download.object_id, download.field), (self.fay, report.number, item.name))

    def test_it_records_the_clue_list_export_and_the_clue_dossier(self) -> None:
        report, _r = self.file_report()
        clue = tipoff_services.clue_open(report=report, by=self.fay)
        self.client.force_login(self.fay)

        self.client.get(reverse("tipoffs:export"), {"q": "长青"})
        self.client.get(reverse("tipoffs:clue_dossier", kwargs={"number": clue.number}))

        listing, dossier = records(Kind.EXPORT)
        self.assertTrue(listing.field.startswith("clues-"))
        self.assertEqual(listing.detail, "q=%E9%95%BF%E9%9D%92")
        self.assertEqual((dossier.object_id, dossier.field), (clue.number, f"{clue.number}.pdf"))


class DisputeDocumentTests(DisputeTestCase):
    def agreed(self) -> Dispute:
        return dispute_agree(
            dispute=self.mediating_dispute(),
            by=self.mei,
            terms="被申请人于十日内向申请人退还信用卡年费人民币600元。",
            agreed_amount=Decimal("600.00"),
            payment_due=timezone.localdate() + timedelta(days=10),
        )

    def test_it_records_the_mediators_agreement_download_as_a_personal_data_read(self) -> None:
        dispute = self.agreed()
        self.client.force_login(self.mei)

        self.client.get(reverse("disputes:agreement", args=[dispute.number]))

        (read,) = records(Kind.PERSONAL_DATA)
        self.assertEqual((read.user, read.object_type, read.object_id), (self.mei, "disputes.dispute", dispute.number))
        self.assertEqual(read.detail, "agreement")

    def test_it_records_the_mediators_dossier_download(self) -> None:
        dispute = self.agreed()
        self.client.force_login(self.mei)

        self.client.get(reverse("disputes:dossier", args=[dispute.number]))

        (download,) = records(Kind.DOWNLOAD)
        self.assertEqual((download.user, download.field), (self.mei, f"{dispute.number}.zip"))

    def test_it_records_the_dispute_list_export(self) -> None:
        self.mediating_dispute()
        self.client.force_login(self.rita)

        self.client.get(reverse("disputes:export"), {"format": "csv"})

        (export,) = records(Kind.EXPORT)
        self.assertEqual((export.user, export.detail), (self.rita, "format=csv"))
        self.assertTrue(export.field.endswith(".csv"))


class SignInTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.use_fresh_pages()

    def test_it_records_a_successful_sign_in_with_the_address(self) -> None:
        self.client.post(reverse("accounts:login"), {"username": "rita", "password": "pw-rita-123"})

        (sign_in,) = records(Kind.SIGN_IN)
        self.assertEqual((sign_in.user, sign_in.address), (self.rita, "127.0.0.1"))

    def test_it_records_a_failed_sign_in_with_the_name_tried_and_never_the_password(self) -> None:
        self.client.post(reverse("accounts:login"), {"username": "rita", "password": "wrong-guess-42"})
        self.client.post(reverse("accounts:login"), {"username": "nobody-here", "password": "wrong-guess-42"})

        known, unknown = records(Kind.SIGN_IN_FAILED)
        self.assertEqual((known.user, known.username, known.object_id), (None, "rita", "rita"))
        self.assertEqual((unknown.username, unknown.object_id), ("nobody-here", ""))
        for row in Record.objects.all():
            self.assertNotIn("wrong-guess-42", str(row.content()))

    def test_it_records_a_sign_out(self) -> None:
        self.client.force_login(self.ivan)

        self.client.post(reverse("accounts:logout"))

        (sign_out,) = records(Kind.SIGN_OUT)
        self.assertEqual(sign_out.user, self.ivan)


class LockoutTests(BaseTestCase):
    def test_it_records_the_failure_that_locks_an_account_and_the_administrator_who_unlocks_it(self) -> None:
        for _attempt in range(5):
            self.client.post(reverse("accounts:login"), {"username": "ivan", "password": "wrong-guess-42"})
        (locked,) = records(Kind.PERMISSION, field="lockout")
        self.assertEqual((locked.user, locked.username, locked.object_id), (None, "ivan", "ivan"))
        self.assertEqual(locked.detail, "连续登录失败，账户已锁定")

        self.client.force_login(self.ada)
        users = reverse("admin:accounts_user_changelist")
        self.client.post(users, {"action": "unlock", "_selected_action": [self.ivan.pk]}, follow=True)

        _locked, unlocked = records(Kind.PERMISSION, field="lockout")
        self.assertEqual((unlocked.user, unlocked.object_id), (self.ada, "ivan"))
        self.assertEqual(unlocked.detail, "管理员解锁账户")


class PermissionTests(BaseTestCase):
    def test_it_records_a_role_change_made_in_the_user_admin_with_the_administrator_and_the_admin_entry(self) -> None:
        self.client.force_login(self.ada)
        data = {
            "username": "lou",
            "display_name": "Lou",
            "role": User.Role.ADMIN,
            "authority": self.changchun_local.pk,
            "is_active": "on",
            "is_staff": "on",
            "date_joined_0": "2026-01-05",
            "date_joined_1": "09:00:00",
        }

        response = self.client.post(reverse("admin:accounts_user_change", args=[self.lou.pk]), data)

        self.assertEqual(response.status_code, 302, getattr(response, "context", None) and response.context["errors"])
        change = Record.objects.filter(kind=Kind.PERMISSION, object_id="lou").order_by("id").last()
        assert change is not None
        self.assertEqual((change.user, change.address), (self.ada, "127.0.0.1"))
        self.assertEqual(change.field, "role,is_staff")
        self.assertIn("regulator → admin", change.detail)
        (entry,) = records(Kind.ADMIN_CHANGE)
        self.assertEqual(
            (entry.user, entry.object_type, entry.object_id), (self.ada, "accounts.user", str(self.lou.pk))
        )

    def test_it_records_deactivation_and_group_membership_however_they_are_made(self) -> None:
        group = Group.objects.create(name="投诉统计")
        before = Record.objects.filter(kind=Kind.PERMISSION).count()
        self.ivan.is_active = False
        self.ivan.save()
        self.ivan.groups.add(group)

        deactivated, joined = Record.objects.filter(kind=Kind.PERMISSION).order_by("id")[before:]
        self.assertEqual((deactivated.field, deactivated.detail), ("is_active", "is_active: True → False"))
        self.assertEqual((joined.field, joined.detail), ("groups", "+ 投诉统计"))

    def test_it_records_no_permission_change_for_a_sign_in_or_a_new_consumer(self) -> None:
        before = Record.objects.filter(kind=Kind.PERMISSION).count()

        User.objects.create_user("newcomer", password="pw-new-1234", role=User.Role.CONSUMER)
        self.client.force_login(self.rita)

        self.assertEqual(Record.objects.filter(kind=Kind.PERMISSION).count(), before)

    def test_it_records_a_new_staff_account_as_a_grant(self) -> None:
        User.objects.create_user("nora", password="pw-nora-123", role=User.Role.REGULATOR, authority=self.nfra)

        (grant,) = records(Kind.PERMISSION, object_id="nora")
        self.assertEqual(grant.field, "role,authority")


class ExportTests(BaseTestCase):
    def test_it_records_a_work_queue_export_with_its_filters(self) -> None:
        self.file_complaint(by=self.carla)
        self.client.force_login(self.rita)

        response = self.client.get(reverse("complaints:export"), {"format": "xlsx", "q": "年费"})

        self.assertEqual(response.status_code, 200)
        (export,) = records(Kind.EXPORT)
        self.assertEqual(export.user, self.rita)
        self.assertTrue(export.field.endswith(".xlsx"))
        self.assertIn("q=", export.detail)

    def test_it_records_an_anonymous_public_export_by_address(self) -> None:
        response = self.client.get(reverse("api:public-complaints"), {"format": "csv"})

        self.assertEqual(response.status_code, 200)
        (export,) = records(Kind.EXPORT)
        self.assertEqual((export.user, export.username, export.address), (None, "", "127.0.0.1"))

    def test_it_records_an_alert_export(self) -> None:
        self.client.force_login(self.rita)

        self.client.get(reverse("warning:alerts_export"))

        (export,) = records(Kind.EXPORT)
        self.assertTrue(export.field.startswith("alerts-"))
