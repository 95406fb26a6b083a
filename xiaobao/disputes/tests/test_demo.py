from io import StringIO

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase

from xiaobao.disputes.access import disputes_for
from xiaobao.disputes.models import Dispute


class DemoDisputesTests(TestCase):
    def test_it_gives_the_demo_mediator_cases_in_several_states(self) -> None:
        call_command("seed_demo", complaints=0, stdout=StringIO())
        call_command("seed_demo_disputes", stdout=StringIO())

        mediator = authenticate(username="demo-mediator", password=settings.DEMO_PASSWORD)
        assert mediator is not None
        states = set(disputes_for(mediator).values_list("status", flat=True))
        self.assertLessEqual(
            {Dispute.Status.MEDIATING, Dispute.Status.AGREED, Dispute.Status.PERFORMED, Dispute.Status.FAILED}, states
        )
        bank = authenticate(username="demo-bank", password=settings.DEMO_PASSWORD)
        self.assertTrue(disputes_for(bank).filter(status=Dispute.Status.APPLIED).exists())
        self.assertTrue(disputes_for(bank).filter(origin=Dispute.Origin.DIRECT, status=Dispute.Status.APPLIED).exists())

    def test_it_leaves_the_demo_disputes_alone_the_second_time(self) -> None:
        call_command("seed_demo", complaints=0, stdout=StringIO())
        call_command("seed_demo_disputes", stdout=StringIO())
        count = Dispute.objects.count()
        out = StringIO()
        call_command("seed_demo_disputes", stdout=out)
        self.assertEqual(Dispute.objects.count(), count)
        self.assertIn("already present", out.getvalue())

    def test_it_says_what_to_run_first_without_the_demo_accounts(self) -> None:
        with self.assertRaisesMessage(CommandError, "seed_demo"):
            call_command("seed_demo_disputes", stdout=StringIO())
