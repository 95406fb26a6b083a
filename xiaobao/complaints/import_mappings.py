"""The CFPB classification mapped onto JR/T 0169, as shipped: products and sub-products to business
categories (B), issues to causes (C).

Only seeds an empty table: an administrator's edit is never overwritten, and a deleted row comes back
only when the loader runs again. The data migration and a fresh test database call the same loader.
Names are the CFPB's own, old and current (the CFPB renamed its products in April 2017 and again in
2023), as its public export writes them.
"""

from django.apps import apps as global_apps
from django.apps.registry import Apps

CFPB = "cfpb"

CFPB_PRODUCTS: tuple[tuple[str, str], ...] = (
    ("Credit card", "B03-02"),
    ("Credit card or prepaid card", "B03-02"),
    ("Prepaid card", "B41-03"),
    ("Checking or savings account", "B01"),
    ("Bank account or service", "B01"),
    ("Mortgage", "B02-01"),
    ("Student loan", "B02-05"),
    ("Vehicle loan or lease", "B02-04"),
    ("Consumer Loan", "B02-02"),
    ("Payday loan", "B02-02"),
    ("Payday loan, title loan, or personal loan", "B02-02"),
    ("Payday loan, title loan, personal loan, or advance loan", "B02-02"),
    ("Debt collection", "B07"),
    ("Debt or credit management", "B02-99"),
    ("Credit reporting", "B08-03"),
    ("Credit reporting, credit repair services, or other personal consumer reports", "B08-03"),
    ("Credit reporting or other personal consumer reports", "B08-03"),
    ("Money transfers", "B04-02"),
    ("Money transfer, virtual currency, or money service", "B04-02"),
    ("Virtual currency", "B61-04"),
    ("Other financial service", "B13-99"),
)

# A sub-product names the product more precisely; where it is mapped it wins over its product.
CFPB_SUB_PRODUCTS: tuple[tuple[str, str], ...] = (
    ("Checking account", "B01-01"),
    ("Savings account", "B01-01"),
    ("CD (Certificate of Deposit)", "B01-03"),
    ("General-purpose credit card or charge card", "B03-02"),
    ("Store credit card", "B03-02"),
    ("Conventional home mortgage", "B02-01"),
    ("FHA mortgage", "B02-01"),
    ("Federal student loan servicing", "B02-05"),
    ("Private student loan", "B02-05"),
    ("Loan", "B02-04"),
    ("Lease", "B02-04"),
    ("Installment loan", "B02-02"),
    ("Personal line of credit", "B02-02"),
    ("Domestic (US) money transfer", "B04-02"),
    ("International money transfer", "B09-02"),
    ("Mobile or digital wallet", "B41-01"),
    ("General-purpose prepaid card", "B41-03"),
    ("Foreign currency exchange", "B09-01"),
)

CFPB_ISSUES: tuple[tuple[str, str], ...] = (
    ("Incorrect information on your report", "C11"),
    ("Incorrect information on credit report", "C11"),
    ("Improper use of your report", "C11"),
    ("Improper contact or sharing of info", "C11"),
    ("Problem with fraud alerts or security freezes", "C11"),
    ("Identity theft protection or other monitoring services", "C11"),
    ("Credit monitoring or identity theft protection services", "C11"),
    ("Problem with a credit reporting company's investigation into an existing problem", "C01"),
    ("Unable to get your credit report or credit score", "C01"),
    ("Problem with customer service", "C01"),
    ("Dealing with your lender or servicer", "C01"),
    ("Attempts to collect debt not owed", "C12"),
    ("Communication tactics", "C12"),
    ("Written notification about debt", "C12"),
    ("False statements or representation", "C12"),
    ("Took or threatened to take negative or legal action", "C12"),
    ("Threatened to contact someone or share information improperly", "C12"),
    ("Managing an account", "C03"),
    ("Closing an account", "C03"),
    ("Opening an account", "C03"),
    ("Getting a credit card", "C03"),
    ("Trouble during payment process", "C03"),
    ("Struggling to pay mortgage", "C03"),
    ("Applying for a mortgage or refinancing an existing mortgage", "C03"),
    ("Closing on a mortgage", "C03"),
    ("Getting a loan or lease", "C03"),
    ("Getting the loan", "C03"),
    ("Problems at the end of the loan or lease", "C03"),
    ("Problem when making payments", "C02"),
    ("Problem with a purchase shown on your statement", "C10"),
    ("Problem with a lender or other company charging your account", "C10"),
    ("Fraud or scam", "C10"),
    ("Fees or interest", "C07"),
    ("Unexpected or other fees", "C07"),
    ("Charged fees or interest you didn't expect", "C07"),
    ("Problem caused by your funds being low", "C07"),
    ("Advertising and marketing, including promotional offers", "C04"),
    ("Confusing or misleading advertising or marketing", "C04"),
    ("Problem with additional add-on products or services", "C06"),
    ("Other features, terms, or problems", "C09"),
)

SHIPPED = (("product", CFPB_PRODUCTS), ("sub_product", CFPB_SUB_PRODUCTS), ("issue", CFPB_ISSUES))


def import_mappings_load(*, apps: Apps | None = None) -> int:
    """Create the shipped mappings that are missing; rows already there, edited or not, are left alone.

    apps is the historical registry when called from a data migration. Returns the number created.
    """
    model = (apps or global_apps).get_model("complaints", "ImportMapping")
    created = 0
    for field, pairs in SHIPPED:
        for value, code in pairs:
            _obj, made = model.objects.get_or_create(
                source=CFPB, field=field, value=value, defaults={"category_code": code, "note": "平台预置"}
            )
            created += made
    return created
