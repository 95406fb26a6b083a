"""The security policy in force: one query, the model's defaults when no row has been written."""

from datetime import date

from xiaobao.accounts.models import POLICY_FROM, SecurityPolicy
from xiaobao.core.time import today


def security_policy(on: date | None = None) -> SecurityPolicy:
    found = SecurityPolicy.objects.filter(valid_from__lte=on or today()).order_by("-valid_from").first()
    return found or SecurityPolicy(valid_from=POLICY_FROM)
