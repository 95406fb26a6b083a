from xiaobao.accounts.models import User
from xiaobao.demo.publications import publications_seed
from xiaobao.disclosure.rules import rules_load as disclosure_rules_load
from xiaobao.publications.models import Publication
from xiaobao.testing import BaseTestCase


class DemoPublicationTests(BaseTestCase):
    rita: User

    def test_it_publishes_past_quarters_once_and_leaves_the_newest_for_review(self) -> None:
        disclosure_rules_load()
        User.objects.create_user("demo-regulator", role=User.Role.REGULATOR, authority=self.rita.authority)
        publications_seed(quarters=4, leave_draft=True)
        statuses = dict(Publication.objects.values_list("number", "status"))
        self.assertGreaterEqual(len(statuses), 5)  # four quarters and at least one year
        newest = Publication.objects.order_by("-period_end", "kind").first()
        assert newest is not None
        self.assertEqual(statuses.pop(newest.number), Publication.Status.DRAFT)
        self.assertEqual(set(statuses.values()), {Publication.Status.PUBLISHED})
        self.assertIsNone(publications_seed(quarters=4, leave_draft=False))
        self.assertEqual(Publication.objects.count(), len(statuses) + 1)
