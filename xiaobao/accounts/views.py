from typing import Any
from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from xiaobao.accounts.access import get_api_token_for, is_fundraising_officer, second_factor_given, user_of
from xiaobao.accounts.context_processors import TEXT_SIZES
from xiaobao.accounts.forms import OneTimeCodeForm, RecoveryCodeForm
from xiaobao.accounts.models import User
from xiaobao.accounts.tokens import api_token_revoke, api_tokens_of
from xiaobao.accounts.two_factor import (
    has_second_factor,
    second_factor_check,
    totp_enrolment_confirm,
    totp_enrolment_start,
    totp_qr_svg,
    totp_secret,
)
from xiaobao.core.pages import forbidden
from xiaobao.core.signin import address_refusal, refusal_of
from xiaobao.core.time import now

ONE_YEAR = 365 * 24 * 60 * 60


class LoginForm(AuthenticationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Django sets the field's max_length after building it, which adds no validator: an overlong name would
        # reach the lockout's records (a 255-character column) instead of being refused here.
        longest = User._meta.get_field("username").max_length or 150
        self.fields["username"].validators.append(MaxLengthValidator(longest))

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except ValidationError:
            # A locked account: the lock's words, whether the password was right or wrong.
            refusal = refusal_of(self.request)
            if refusal is not None:
                raise ValidationError(refusal.message, code="locked") from None
            raise


class LoginView(auth_views.LoginView):
    """The one sign-in page: the admin's login comes here too, so both share the limits."""

    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        refusal = address_refusal(request)
        if refusal is not None:
            return refusal.page(request)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_invalid(form)
        refusal = refusal_of(self.request)
        if refusal is not None:
            response.status_code = refusal.status
            response["Retry-After"] = str(refusal.retry_after)
        return response

    def get_success_url(self) -> str:
        """Staff go on to the second factor; the page they asked for waits behind it."""
        target = super().get_success_url()
        user = self.request.user
        if isinstance(user, User) and user.needs_second_factor:
            return _with_next(reverse("accounts:verify"), target)
        return target


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin's login is the platform's: one page, one per-address limit, one lockout."""
    if request.user.is_authenticated:
        # Signed in but not staff: the admin would send them here again and again.
        return forbidden(request, _("当前账户无权进入管理后台。"))
    target = reverse("accounts:login")
    query = request.META.get("QUERY_STRING", "")
    return HttpResponseRedirect(f"{target}?{query}" if query else target)


# Where the recovery codes wait between enrolment and the one page that shows them.
RECOVERY_CODES_SESSION_KEY = "xiaobao_recovery_codes"


def _with_next(url: str, target: str) -> str:
    return f"{url}?{urlencode({'next': target})}" if target else url


def _next_of(request: HttpRequest) -> str:
    """The page to go on to once signed in: only a path on this site, never another's address."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of a staff sign-in: the code from the authenticator app, or a recovery code."""
    user = user_of(request)
    target = _next_of(request)
    if not user.needs_second_factor or second_factor_given(request):
        return redirect(target)
    if not has_second_factor(user):
        return redirect(_with_next(reverse("accounts:enrol"), target))
    form, recovery_form = OneTimeCodeForm(), RecoveryCodeForm()
    if request.method == "POST":
        posted: OneTimeCodeForm | RecoveryCodeForm
        if "recovery_code" in request.POST:
            posted = recovery_form = RecoveryCodeForm(request.POST)
            code_field = "recovery_code"
        else:
            posted = form = OneTimeCodeForm(request.POST)
            code_field = "code"
        if posted.is_valid():
            device = second_factor_check(user=user, code=posted.cleaned_data[code_field])
            if device is not None:
                django_otp.login(request, device)
                if isinstance(device, StaticDevice):
                    left = device.token_set.count()
                    messages.warning(
                        request,
                        _("已使用一个恢复码，还剩 %(left)d 个。请尽快找回或重新设置验证器。") % {"left": left},
                    )
                return redirect(target)
            posted.add_error(code_field, _("验证码不正确或已过期，请重新输入。"))
    return render(request, "accounts/verify.html", {"form": form, "recovery_form": recovery_form, "next": target})


@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    """First sign-in of a staff member: add the platform to an authenticator app and prove it with a code."""
    user = user_of(request)
    target = _next_of(request)
    if not user.needs_second_factor or has_second_factor(user):
        return redirect(_with_next(reverse("accounts:verify"), target))
    device = totp_enrolment_start(user=user)
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = totp_enrolment_confirm(device=device, code=form.cleaned_data["code"])
        if codes is not None:
            django_otp.login(request, device)
            request.session[RECOVERY_CODES_SESSION_KEY] = codes
            return redirect(_with_next(reverse("accounts:recovery_codes"), target))
        form.add_error("code", _("验证码不正确或已过期。请核对手机时间是否准确，再输入应用上的新验证码。"))
    secret = totp_secret(device)
    return render(
        request,
        "accounts/enrol.html",
        {
            "form": form,
            "next": target,
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
            # segno's SVG, built from the device's own key and the issuer setting: no user input in it.
            "qr_svg": mark_safe(totp_qr_svg(device)),  # noqa: S308
        },
    )


@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The recovery codes, once: they are not stored anywhere they could be shown again."""
    codes = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next_of(request)})


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """The owner's API tokens: which system holds each, when it was last used, when it expires."""
    user = user_of(request)
    return render(request, "accounts/tokens.html", {"tokens": api_tokens_of(user), "now": now()})


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    token = get_api_token_for(user, pk)
    api_token_revoke(token=token, by=user)
    messages.success(request, _("令牌“%(name)s”已作废，使用它的系统须重新获取。") % {"name": token.name})
    return redirect("accounts:tokens")


def home(request: HttpRequest) -> HttpResponse:
    """Everyone starts here: the public front page, or the signed-in user's own work."""
    user = request.user
    if user.is_authenticated:
        if user.role == User.Role.CONSUMER:
            return redirect("complaints:mine")
        if is_fundraising_officer(user):
            return redirect("tipoffs:queue")
        if user.role in (User.Role.INSTITUTION, User.Role.REGULATOR):
            return redirect("complaints:queue")
        if user.role == User.Role.MEDIATOR:
            return redirect("disputes:list")
        if user.role == User.Role.ADMIN:
            return redirect("admin:index")
        if user.role == User.Role.AUDITOR:
            return redirect("audit:trail")
    from django.utils import timezone

    from xiaobao.registry.selectors import rule_set_for

    return render(request, "home.html", {"rules": rule_set_for(timezone.localdate())})


@require_POST
def display(request: HttpRequest) -> HttpResponse:
    """Elder mode and text size: a plain form post, so it works without JavaScript."""
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if request.POST.get("elder_mode") in ("0", "1"):
        response.set_cookie(
            "elder_mode", request.POST["elder_mode"], max_age=ONE_YEAR, samesite="Lax", secure=settings.SECURE_COOKIES
        )
    if request.POST.get("text_size") in TEXT_SIZES:
        response.set_cookie(
            "text_size", request.POST["text_size"], max_age=ONE_YEAR, samesite="Lax", secure=settings.SECURE_COOKIES
        )
    return response
