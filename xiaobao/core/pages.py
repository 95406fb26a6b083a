"""What every app's pages share: how a refusal looks, where a service's error goes on a form, the
limit on public forms, and the one-time receipt after filing."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_stubs_ext import StrOrPromise

RECEIPT_SESSION_KEY = "complaint_receipt"


def forbidden(request: HttpRequest, reason: StrOrPromise = "") -> HttpResponse:
    """403 with the reason in words a clerk can act on (not-yours is 404 elsewhere; this is not-allowed)."""
    return render(request, "_partials/forbidden.html", {"reason": reason}, status=403)


def add_service_error(form: Any, exc: ValidationError) -> None:
    """Put a service's error next to the field it names, or above the form when it names none here."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def intake_rate(group: str, request: HttpRequest) -> str:
    """The limit on public filing forms (complaints, direct mediation applications), from the settings."""
    return str(settings.INTAKE_RATE)


def too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "_partials/ratelimited.html", status=429)


def receipt_issue(
    request: HttpRequest, number: str, code: str, *, grant: Callable[[HttpRequest, str], None], **extra: Any
) -> None:
    """Keep the number and code for the receipt page; a guest may follow the case in this session (grant)."""
    # The code is shown once, on the next page, and never stored in a readable form.
    request.session[RECEIPT_SESSION_KEY] = {"number": number, "code": code, **extra}
    if not request.user.is_authenticated:
        grant(request, number)


def receipt_page(request: HttpRequest, template: str, *, lost: str, **context: Any) -> HttpResponse:
    """The receipt after filing, shown once; after that the number and code are the way back (lost)."""
    receipt = request.session.pop(RECEIPT_SESSION_KEY, None)
    if not receipt:
        messages.info(request, _("回执只显示一次。请用投诉编号和查询码查询进度。"))
        return redirect(lost)
    return render(request, template, {"receipt": receipt, **context})
