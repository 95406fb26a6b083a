"""The language of the record."""

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.conf import settings
from django.utils import translation

P = ParamSpec("P")
R = TypeVar("R")


def on_the_record(service: Callable[P, R]) -> Callable[P, R]:
    """Run a service in the platform's official language.

    What a service writes into the case record (events, notices, notifications) is in the official
    language, whoever acts and in whatever language their screen is; what it raises back to the caller
    (ValidationError, PermissionDenied) is lazy, so it renders in the caller's language.
    """

    @functools.wraps(service)
    def in_official_language(*args: P.args, **kwargs: P.kwargs) -> R:
        with translation.override(settings.LANGUAGE_CODE):
            return service(*args, **kwargs)

    return in_official_language
