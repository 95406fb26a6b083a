"""Products for the personas' banks: Ivan's ICBC sells them, Bob's bank has its own shelf."""

from datetime import date
from typing import Any

from xiaobao.products.models import Product
from xiaobao.products.services import product_create
from xiaobao.registry.models import Category, Institution
from xiaobao.testing import BaseTestCase


class ProductTestCase(BaseTestCase):
    wealth: Product
    fund: Product
    bobs: Product

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.wealth = cls.make_product(cls.icbc, code="WM-001", grade=2, business="B05-01", name="工银理财·鑫稳利90天")
        cls.fund = cls.make_product(
            cls.icbc,
            code="FD-007",
            grade=4,
            business="B06-02",
            name="易方达蓝筹精选混合",
            issuer="易方达基金管理有限公司",
        )
        cls.bobs = cls.make_product(cls.other_bank, code="WM-001", grade=2, business="B05-01", name="吉林银行如意理财")

    @classmethod
    def make_product(
        cls, institution: Institution, *, code: str, grade: int, business: str, name: str, **fields: Any
    ) -> Product:
        staff = cls.ivan if institution == cls.icbc else cls.bob
        defaults: dict[str, Any] = {
            "risk_disclosure": "理财非存款、产品有风险、投资须谨慎。",
            "on_sale_from": date(2026, 1, 5),
            "yield_basis": Product.YieldBasis.BENCHMARK,
        }
        defaults.update(fields)
        return product_create(
            by=staff,
            institution=institution,
            code=code,
            name=name,
            risk_grade=grade,
            business=Category.objects.get(code=business),
            **defaults,
        )
