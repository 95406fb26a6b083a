"""The demo data `make run` shows: published rankings, a period being scored, a published survey; once only."""

from xiaobao.accounts.models import User
from xiaobao.demo.ratings import ratings_seed
from xiaobao.ratings.models import Evaluation, Period, Questionnaire, Response
from xiaobao.ratings.tests.helpers import RatingsTestCase
from xiaobao.registry.models import Authority


class DemoRatingsTests(RatingsTestCase):
    nfra: Authority

    def test_it_seeds_published_rankings_and_a_survey_once(self) -> None:
        with self.assertRaises(User.DoesNotExist):
            ratings_seed()
        User.objects.create_user("demo-regulator", role=User.Role.REGULATOR, authority=self.nfra)
        self.assertIsNotNone(ratings_seed())
        self.assertIsNone(ratings_seed())

        self.assertEqual(Period.objects.filter(status=Period.Status.PUBLISHED).count(), 2)
        self.assertEqual(Period.objects.filter(status=Period.Status.SCORING).count(), 1)
        published = Evaluation.objects.filter(period__status=Period.Status.PUBLISHED)
        self.assertFalse(published.filter(published_at__isnull=True).exists())
        self.assertGreater(published.exclude(grade="").count(), 20)
        self.assertEqual(Questionnaire.objects.get().status, Questionnaire.Status.PUBLISHED)
        self.assertEqual(Response.objects.count(), 240)
