"""The scan that turns product signals into re-grading proposals (through the products service)."""

from datetime import date

from xiaobao.core.language import on_the_record
from xiaobao.grading.signals import product_figures
from xiaobao.products.models import Product, Regrading
from xiaobao.products.rules import suitability_rules_for
from xiaobao.products.services import regrading_raise


@on_the_record
def grading_scan(*, on: date) -> list[Regrading]:
    """Propose one grade up for every product on sale below R5 that shows a signal; a product with a
    proposal in progress gets no second one."""
    rules = suitability_rules_for(on)
    products = Product.objects.filter(status=Product.Status.ON_SALE, risk_grade__lt=5)
    raised = []
    for f in product_figures(products, on=on, rules=rules):
        if not f.reasons:
            continue
        proposal = regrading_raise(product=f.product, to_grade=f.proposed_grade, reasons=f.reasons)
        if proposal is not None:
            raised.append(proposal)
    return raised
