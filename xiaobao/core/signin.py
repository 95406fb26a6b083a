"""What every way of signing in shares: the login page (and the admin's login, sent there) and the API's
token endpoint count against one limit per client address, and a refusal reaches whichever of them asked.

The per-account lockout lives with the accounts (xiaobao.accounts.lockout); it leaves its refusal on the
request under REFUSAL, where the views here, which cannot import accounts, read it.
"""

import math
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage
from rest_framework import exceptions

REFUSAL = "sign_in_refusal"
# One counter for every way in: a guess on the admin's login or the API costs the same as one on the page.
RATE_GROUP = "sign-in"


@dataclass(frozen=True)
class Refusal:
    """Why a sign-in was refused, and in how many seconds trying again can succeed."""

    status: int
    message: str
    retry_after: int

    def page(self, request: HttpRequest) -> HttpResponse:
        response = render(request, "_partials/signin_refused.html", {"message": self.message}, status=self.status)
        response["Retry-After"] = str(self.retry_after)
        return response

    def api_error(self) -> exceptions.APIException:
        error = exceptions.APIException(detail=self.message)
        error.status_code = self.status
        # DRF's handler turns `wait` into the Retry-After header.
        error.wait = self.retry_after  # type: ignore[attr-defined]
        return error


def minutes(seconds: int) -> int:
    """Whole minutes to wait, rounded up: "in 0 minutes" would send the person back too early."""
    return max(1, math.ceil(seconds / 60))


def address_refusal(request: HttpRequest) -> Refusal | None:
    """Count one attempt from the client's address; a refusal once it is over settings.LOGIN_RATE.

    Counted before the password is checked, so every guess costs an attempt, right or wrong.
    """
    usage = get_usage(request, group=RATE_GROUP, key="ip", rate=settings.LOGIN_RATE, method="POST", increment=True)
    if not usage or not usage["should_limit"]:
        return None
    seconds = max(1, int(usage["time_left"]))
    return Refusal(
        status=429,
        message=_("登录尝试过于频繁，请 %(minutes)d 分钟后再试。") % {"minutes": minutes(seconds)},
        retry_after=seconds,
    )


def refusal_of(request: Any) -> Refusal | None:
    """The refusal an authentication backend or signal left on the request (a Django or a DRF one)."""
    refusal = getattr(request, REFUSAL, None)
    return refusal if isinstance(refusal, Refusal) else None
