from django.urls import reverse

from xiaobao.demo.penalties import penalties_seed
from xiaobao.registry.models import Penalty
from xiaobao.testing import BaseTestCase


class DemoPenaltiesTests(BaseTestCase):
    def test_it_adds_demo_penalties_once(self) -> None:
        self.assertIsNotNone(penalties_seed())
        count = Penalty.objects.count()
        self.assertIsNone(penalties_seed())
        self.assertGreater(count, 0)
        self.assertEqual(Penalty.objects.count(), count)
        self.assertContains(self.client.get(reverse("registry:penalties")), "演示")
