"""Throttles for what anyone may do without signing in: read the public API and export from it.

The rates are the security policy's (data in the admin, with history), read on each request so a
change takes effect at once. DRF counts in the default cache: a file cache shared by the processes
of one machine, or Redis for several. Signed-in users are not counted. Like django-ratelimit's
limits, these are switched off by RATELIMIT_ENABLE (the test suite turns them on where it proves them).
"""

from typing import Any

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle

from xiaobao.accounts.policy import security_policy

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class _PolicyThrottle(AnonRateThrottle):
    # Rates are read per request in allow_request, not once when DRF builds the throttle.
    def __init__(self) -> None:
        pass

    def policy_rate(self) -> str:
        raise NotImplementedError

    def get_ident(self, request: Request) -> str:
        # Behind the reverse proxy every request comes from it: key on the address it passes on, like the
        # other rate limits (settings.RATELIMIT_IP_META_KEY).
        meta_key = settings.RATELIMIT_IP_META_KEY or "REMOTE_ADDR"
        return request.META.get(meta_key) or request.META.get("REMOTE_ADDR", "")

    def allow_request(self, request: Request, view: Any) -> bool:
        if not settings.RATELIMIT_ENABLE or request.user.is_authenticated:
            return True
        self.rate = self.policy_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class AnonymousReadThrottle(_PolicyThrottle):
    """Every anonymous read of the API, per client address and minute."""

    scope = "anonymous-read"

    def policy_rate(self) -> str:
        return f"{security_policy().anonymous_reads_per_minute}/min"

    def allow_request(self, request: Request, view: Any) -> bool:
        if request.method not in SAFE_METHODS:
            return True
        return super().allow_request(request, view)


class AnonymousExportThrottle(_PolicyThrottle):
    """Anonymous exports (CSV, XLSX, JSON downloads of the public database), per client address and hour."""

    scope = "anonymous-export"

    def policy_rate(self) -> str:
        return f"{security_policy().anonymous_exports_per_hour}/hour"
