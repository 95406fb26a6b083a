from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from xiaobao.accounts.access import is_fundraising_officer
from xiaobao.accounts.context_processors import TEXT_SIZES
from xiaobao.accounts.models import User

ONE_YEAR = 365 * 24 * 60 * 60


@method_decorator(
    ratelimit(key="ip", rate=lambda group, request: settings.LOGIN_RATE, method="POST", block=True), name="post"
)
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


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
