from django.conf import settings
from django.contrib.auth import authenticate
from django.test import TestCase

from xiaobao.demo.accounts import demo_accounts_write
from xiaobao.demo.disputes import disputes_seed
from xiaobao.disputes.access import disputes_for
from xiaobao.disputes.models import Dispute


class DemoDisputesTests(TestCase):
    def test_it_gives_the_demo_mediator_cases_in_several_states(self) -> None:
        demo_accounts_write()
        disputes_seed()

        mediator = authenticate(username="demo-mediator", password=settings.DEMO_PASSWORD)
        assert mediator is not None
        states = set(disputes_for(mediator).values_list("status", flat=True))
        self.assertLessEqual(
            {Dispute.Status.MEDIATING, Dispute.Status.AGREED, Dispute.Status.PERFORMED, Dispute.Status.FAILED}, states
        )
        bank = authenticate(username="demo-bank", password=settings.DEMO_PASSWORD)
        assert bank is not None
        self.assertTrue(disputes_for(bank).filter(status=Dispute.Status.APPLIED).exists())
        self.assertTrue(disputes_for(bank).filter(origin=Dispute.Origin.DIRECT, status=Dispute.Status.APPLIED).exists())

    def test_it_leaves_the_demo_disputes_alone_the_second_time(self) -> None:
        demo_accounts_write()
        disputes_seed()
        count = Dispute.objects.count()
        self.assertIsNone(disputes_seed())
        self.assertEqual(Dispute.objects.count(), count)

    def test_it_names_the_demo_accounts_it_needs(self) -> None:
        with self.assertRaisesMessage(ValueError, "demo-mediator"):
            disputes_seed()
