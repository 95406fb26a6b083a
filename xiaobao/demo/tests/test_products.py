from django.test import TestCase

from xiaobao.demo.accounts import demo_accounts_write
from xiaobao.demo.products import products_seed
from xiaobao.products.access import products_for
from xiaobao.products.models import Assessment, Product, Regrading


class DemoProductsTests(TestCase):
    def test_it_gives_each_demo_bank_a_shelf_across_every_grade_once(self) -> None:
        accounts = demo_accounts_write()
        self.assertIsNotNone(products_seed())
        for username in ("demo-bank", "demo-bank2"):
            shelf = products_for(accounts[username])
            self.assertGreaterEqual(shelf.count(), 15)
            self.assertEqual(set(shelf.values_list("risk_grade", flat=True)), {1, 2, 3, 4, 5})
            codes = {c[:3] for c in shelf.values_list("business__code", flat=True)}
            self.assertLessEqual({"B01", "B02", "B03", "B05", "B06"}, codes)
        self.assertEqual(Assessment.objects.get(consumer=accounts["demo-consumer"]).level, 3)
        pending = Regrading.objects.get(status=Regrading.Status.OPEN)
        self.assertTrue(products_for(accounts["demo-regulator"]).filter(pk=pending.product_id).exists())
        self.assertEqual(pending.product.complaints.count(), 4)
        count = Product.objects.count()
        self.assertIsNone(products_seed())
        self.assertEqual(Product.objects.count(), count)
