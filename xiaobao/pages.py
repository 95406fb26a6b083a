"""What every app's pages share: how a refusal looks and where a service's error goes on a form."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def forbidden(request: HttpRequest, reason: str = "") -> HttpResponse:
    """403 with the reason in words a clerk can act on (not-yours is 404 elsewhere; this is not-allowed)."""
    return render(request, "complaints/forbidden.html", {"reason": reason}, status=403)


def add_service_error(form: Any, exc: ValidationError) -> None:
    """Put a service's error next to the field it names, or above the form when it names none here."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
