from datetime import timedelta
from io import StringIO

import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from xiaobao.accounts.models import SecurityPolicy
from xiaobao.audit import trail
from xiaobao.audit.models import Chain, Record
from xiaobao.testing import BaseTestCase


def verify_output() -> str:
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


class ChainTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.rows = [
            trail.record(trail.Kind.EXPORT, user=self.rita, address="10.0.0.7", field=f"complaints-{i}.xlsx")
            for i in range(4)
        ]

    def test_it_reports_an_intact_chain_with_its_count(self) -> None:
        output = verify_output()

        self.assertIn("OK", output)
        self.assertIn(f"{Record.objects.count()} audit records", output)

    def test_it_names_the_first_edited_record(self) -> None:
        edited = self.rows[1]
        Record.objects.filter(pk=edited.pk).update(username="someone-else")

        with self.assertRaises(CommandError) as raised:
            verify_output()

        message = str(raised.exception)
        self.assertIn(f"record {edited.pk} at", message)
        self.assertIn("记录内容被改动", message)

    def test_it_names_the_record_after_a_deleted_one(self) -> None:
        Record.objects.filter(pk=self.rows[1].pk).delete()

        with self.assertRaises(CommandError) as raised:
            verify_output()

        message = str(raised.exception)
        self.assertIn(f"record {self.rows[2].pk} at", message)
        self.assertIn("前一条记录缺失", message)

    def test_it_notices_an_edit_whose_hash_was_recomputed(self) -> None:
        edited = self.rows[1]
        edited.field = "nothing.xlsx"
        Record.objects.filter(pk=edited.pk).update(field=edited.field, hash=edited.computed_hash())

        with self.assertRaises(CommandError) as raised:
            verify_output()

        self.assertIn(f"record {self.rows[2].pk} at", str(raised.exception))

    def test_it_notices_the_newest_record_removed(self) -> None:
        Record.objects.filter(pk=Record.objects.order_by("-id").first().pk).delete()  # type: ignore[union-attr]

        with self.assertRaises(CommandError) as raised:
            verify_output()

        self.assertIn("最新的记录缺失", str(raised.exception))

    def test_it_exits_with_status_one_on_a_broken_chain(self) -> None:
        Record.objects.filter(pk=self.rows[0].pk).update(detail="changed")

        with self.assertRaises(CommandError) as raised:
            verify_output()

        self.assertEqual(raised.exception.returncode, 1)

    def test_it_refuses_to_change_or_delete_a_record_through_the_model(self) -> None:
        row = self.rows[0]
        row.detail = "changed"
        with self.assertRaises(ValueError):
            row.save()
        with self.assertRaises(ValueError):
            row.delete()
        self.assertIn("OK", verify_output())

    def test_it_chains_each_record_onto_the_one_before(self) -> None:
        for before, after in zip(self.rows, self.rows[1:], strict=False):
            self.assertEqual(after.prev_hash, before.hash)
        self.assertEqual(Chain.objects.get().head_hash, self.rows[-1].hash)


class PurgeTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        # A fresh trail: the personas' accounts were recorded now, before the records these tests date back.
        Record.objects.all().delete()
        Chain.objects.all().delete()

    def test_it_removes_records_past_retention_and_the_chain_still_verifies(self) -> None:
        start = timezone.now() - timedelta(days=400)
        with time_machine.travel(start, tick=False):
            old = [trail.record(trail.Kind.SIGN_IN, user=self.rita) for _ in range(3)]
        kept = trail.record(trail.Kind.SIGN_IN, user=self.ivan)
        SecurityPolicy.objects.create(valid_from=start.date(), audit_retention_days=200)

        out = StringIO()
        call_command("purge_audit", stdout=out)

        self.assertIn("removed", out.getvalue())
        self.assertFalse(Record.objects.filter(pk__in=[r.pk for r in old]).exists())
        self.assertTrue(Record.objects.filter(pk=kept.pk).exists())
        self.assertEqual(Chain.objects.get().anchor_hash, kept.prev_hash)
        self.assertTrue(Record.objects.filter(kind=trail.Kind.PURGE).exists(), "the purge is on the trail")
        self.assertIn("OK", verify_output())

    def test_it_keeps_records_within_retention(self) -> None:
        with time_machine.travel(timezone.now() - timedelta(days=300), tick=False):
            young = trail.record(trail.Kind.SIGN_IN, user=self.rita)

        self.assertEqual(trail.purge(retention_days=3 * 365), 0)

        self.assertTrue(Record.objects.filter(pk=young.pk).exists())

    def test_it_verifies_after_every_record_was_purged_and_new_ones_came(self) -> None:
        with time_machine.travel(timezone.now() - timedelta(days=400), tick=False):
            trail.record(trail.Kind.SIGN_IN, user=self.rita)
        trail.purge(retention_days=200)
        trail.record(trail.Kind.SIGN_OUT, user=self.rita)

        self.assertIn("OK", verify_output())
        self.assertFalse(Record.objects.filter(kind=trail.Kind.SIGN_IN, user=self.rita).exists())
