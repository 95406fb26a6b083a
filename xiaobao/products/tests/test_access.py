"""Who sees which shelf: an institution its own, a regulator its remit, the public only products on sale."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from xiaobao.products import access
from xiaobao.products.models import Product
from xiaobao.products.services import product_update
from xiaobao.products.tests.base import ProductTestCase


class ProductAccessTests(ProductTestCase):
    def test_it_shows_an_institution_only_its_own_shelf(self) -> None:
        self.assertEqual(set(access.products_for(self.ivan)), {self.wealth, self.fund})
        self.assertEqual(set(access.products_for(self.bob)), {self.bobs})
        with self.assertRaises(Http404):
            access.get_product_for(self.bob, self.fund.pk)

    def test_it_lets_only_the_institution_edit_its_products(self) -> None:
        self.assertEqual(access.get_product_for(self.ivan, self.fund.pk, write=True), self.fund)
        with self.assertRaises(Http404):
            access.get_product_for(self.rita, self.fund.pk, write=True)
        with self.assertRaises(PermissionDenied):
            product_update(product=self.fund, by=self.bob, name="改名")

    def test_it_shows_a_regulator_the_products_in_its_remit(self) -> None:
        self.assertEqual(set(access.products_for(self.rita)), {self.wealth, self.fund, self.bobs})
        self.assertEqual(set(access.products_for(self.lou)), set())  # Changchun's local regulator: no banks

    def test_it_shows_consumers_and_outsiders_no_shelf(self) -> None:
        self.assertEqual(list(access.products_for(self.carla)), [])
        self.assertEqual(list(access.products_for(self.mei)), [])

    def test_it_shows_the_public_only_products_on_sale(self) -> None:
        product_update(product=self.fund, by=self.ivan, status=Product.Status.MATURED)
        self.assertEqual(access.get_public_product(self.wealth.pk), self.wealth)
        with self.assertRaises(Http404):
            access.get_public_product(self.fund.pk)

    def test_it_keeps_who_changed_a_product_and_when(self) -> None:
        product_update(product=self.fund, by=self.ivan, fees="申购费 1.5%")
        latest = self.fund.history.first()
        self.assertEqual(latest.fees, "申购费 1.5%")
        self.assertIn("ivan", latest.history_change_reason)
