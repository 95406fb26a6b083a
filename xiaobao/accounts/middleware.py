from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from xiaobao.accounts.access import second_factor_given
from xiaobao.accounts.models import User
from xiaobao.accounts.policy import security_policy
from xiaobao.core.time import now


class LanguageMiddleware(LocaleMiddleware):
    """Pages speak Chinese, the platform's language, unless the visitor chose English with the switch.

    A browser's Accept-Language says little about the reader of a Chinese government service (many
    phones and office machines ship set to English), so pages follow only the visitor's own choice,
    kept in Django's language cookie. The API follows Accept-Language, as other systems expect.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        super().__init__(get_response)
        self.languages = {code for code, _name in settings.LANGUAGES}

    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith("/api/"):
            super().process_request(request)
            return
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        translation.activate(language if language in self.languages else settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()


# Stored to the minute: writing the session on every request would cost a database write per page.
LAST_SEEN_KEY = "last_seen"
LAST_SEEN_STEP = 60


@receiver(user_logged_in)
def _start_idle_clock(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    """Signing in is activity: the first pages after it need not write the session again."""
    if user.role != User.Role.CONSUMER:
        request.session[LAST_SEEN_KEY] = int(now().timestamp())


class StaffIdleTimeoutMiddleware:
    """Staff sessions end after the security policy's idle minutes without a request (GB/T 22239 level 3).

    A clerk's unattended machine must not stay signed in to complaints and personal data. Consumers keep
    the normal session length (settings.SESSION_COOKIE_AGE): they see only their own cases.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and user.role != User.Role.CONSUMER:
            moment = int(now().timestamp())
            last_seen = request.session.get(LAST_SEEN_KEY)
            if last_seen is not None and moment - last_seen > security_policy().staff_idle_minutes * 60:
                logout(request)
                if not request.path.startswith("/api/"):
                    return self.sign_in_again(request)
            elif last_seen is None or moment - last_seen >= LAST_SEEN_STEP:
                request.session[LAST_SEEN_KEY] = moment
        return self.get_response(request)

    def sign_in_again(self, request: HttpRequest) -> HttpResponse:
        messages.info(request, _("您已长时间未操作，为保护信息安全已自动退出，请重新登录。"))
        response = redirect_to_login(request.get_full_path())
        if request.headers.get("HX-Request"):
            # htmx would swap the login page into a fragment; send the whole window there instead.
            response["HX-Redirect"] = response["Location"]
        return response


# Where a staff session that has given its password but not yet its second factor may go: the pages that
# ask for the code or enrol a device, signing out, the language and display switches, and the health check.
UNVERIFIED_ALLOWED = ("accounts:verify", "accounts:enrol", "accounts:logout", "accounts:display", "set_language")


class SecondFactorMiddleware:
    """Staff sessions reach nothing but the second-factor pages until the code is given (the admin included).

    Runs after django-otp's OTPMiddleware, which marks a session verified once a device accepted a code.
    API callers with a Bearer token carry no session and pass by here: the token was issued against the code.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._allowed: frozenset[str] | None = None

    def allowed_paths(self) -> frozenset[str]:
        if self._allowed is None:
            self._allowed = frozenset(reverse(name) for name in UNVERIFIED_ALLOWED) | {"/healthz"}
        return self._allowed

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and getattr(user, "needs_second_factor", False)
            and not second_factor_given(request)
            and request.path not in self.allowed_paths()
            and not request.path.startswith(settings.STATIC_URL)
        ):
            if request.path.startswith("/api/"):
                message = str(_("请先在网页上完成两步验证。"))
                return JsonResponse({"detail": message, "errors": {}}, status=403)
            target = reverse("accounts:verify")
            if request.method == "GET":
                target += "?" + urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(target)
        return self.get_response(request)
