from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaobao.accounts.access import is_fundraising_officer
from xiaobao.accounts.context_processors import TEXT_SIZES
from xiaobao.accounts.models import User
from xiaobao.core.pages import forbidden
from xiaobao.core.signin import address_refusal, refusal_of

ONE_YEAR = 365 * 24 * 60 * 60


class LoginForm(AuthenticationForm):
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


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin's login is the platform's: one page, one per-address limit, one lockout."""
    if request.user.is_authenticated:
        # Signed in but not staff: the admin would send them here again and again.
        return forbidden(request, _("当前账户无权进入管理后台。"))
    target = reverse("accounts:login")
    query = request.META.get("QUERY_STRING", "")
    return HttpResponseRedirect(f"{target}?{query}" if query else target)


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
