"""The pages people look after their own accounts with: registering with a mobile number, signing in by a
text code, resetting a forgotten password by text or e-mail, and changing a password.

The answers never tell whether a number or address has an account: a reset asked for an unknown one reads
exactly like one for a known one, and codes to any number count against the same limits."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django_ratelimit.decorators import ratelimit

from xiaobao.accounts.access import user_of
from xiaobao.accounts.forms import (
    PhoneForm,
    PhoneVerifyForm,
    RegisterForm,
    ResetByCodeForm,
    ResetRequestForm,
    SignInCodeForm,
    SmsNoticesForm,
)
from xiaobao.accounts.models import PhoneCode, User
from xiaobao.accounts.phones import (
    consumer_register,
    password_set,
    phone_code_check,
    phone_code_issue,
    phone_set,
    phone_verified,
    sms_notices_set,
    user_with_phone,
    username_for_phone,
)
from xiaobao.core.pages import too_many
from xiaobao.lib.masking import mask_phone

# The number a flow is about, between the page that sends the code and the page that takes it.
FLOW_PHONE_KEY = "xiaobao_flow_phone"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
WRONG_CODE = gettext_lazy("验证码不正确、已使用或已过期，请重新获取。")


def _code_rate(group: str, request: HttpRequest) -> str:
    # Sending codes costs money and reaches someone's phone: limited per address like a sign-in.
    return settings.LOGIN_RATE


def _send_code(request: HttpRequest, form: PhoneForm | ResetRequestForm, *, purpose: str, deliver: bool) -> bool:
    phone = form.cleaned_data["phone" if "phone" in form.cleaned_data else "address"]
    try:
        phone_code_issue(phone=phone, purpose=purpose, deliver=deliver)
    except ValidationError as refusal:
        form.add_error(None, refusal)
        return False
    request.session[FLOW_PHONE_KEY] = {"phone": phone, "purpose": purpose}
    return True


def _flow_phone(request: HttpRequest, purpose: str) -> str | None:
    flow = request.session.get(FLOW_PHONE_KEY) or {}
    return flow.get("phone") if flow.get("purpose") == purpose else None


@ratelimit(key="ip", rate=_code_rate, method="POST", block=False, group="accounts:sms_code")
@never_cache
def register(request: HttpRequest) -> HttpResponse:
    """Step one of registering: the mobile number, which gets a code."""
    if request.user.is_authenticated:
        return redirect("home")
    form = PhoneForm(request.POST or None)
    if request.method == "POST":
        if getattr(request, "limited", False):
            return too_many(request)
        if form.is_valid() and _send_code(request, form, purpose=PhoneCode.Purpose.REGISTER, deliver=True):
            messages.info(request, _("验证码已发送到 %(phone)s。") % {"phone": form.cleaned_data["phone"]})
            return redirect("accounts:register_confirm")
    return render(request, "accounts/register.html", {"form": form})


@never_cache
def register_confirm(request: HttpRequest) -> HttpResponse:
    """Step two: the code, a name and a password; the guest complaints filed with the number join the account."""
    phone = _flow_phone(request, PhoneCode.Purpose.REGISTER)
    if phone is None or request.user.is_authenticated:
        return redirect("accounts:register")
    form = RegisterForm(request.POST or None, phone=phone)
    if request.method == "POST" and form.is_valid():
        if not phone_code_check(phone=phone, purpose=PhoneCode.Purpose.REGISTER, code=form.cleaned_data["code"]):
            form.add_error("code", WRONG_CODE)
        else:
            try:
                user = consumer_register(
                    phone=phone,
                    display_name=form.cleaned_data["display_name"],
                    password=form.cleaned_data["password1"],
                    sms_notices=form.cleaned_data["sms_notices"],
                )
            except ValidationError as refusal:
                form.add_error(None, refusal)
            else:
                request.session.pop(FLOW_PHONE_KEY, None)
                login(request, user, backend=MODEL_BACKEND)
                messages.success(
                    request,
                    _("注册成功。您的用户名是 %(username)s，也可以用手机号码和短信验证码登录。")
                    % {"username": user.username},
                )
                return redirect("complaints:mine")
    return render(request, "accounts/register_confirm.html", {"form": form, "phone": phone})


@ratelimit(key="ip", rate=_code_rate, method="POST", block=False, group="accounts:sms_code")
@never_cache
def sms_sign_in(request: HttpRequest) -> HttpResponse:
    """Signing in with a text code instead of the password: step one, the number."""
    form = PhoneForm(request.POST or None)
    if request.method == "POST":
        if getattr(request, "limited", False):
            return too_many(request)
        if form.is_valid():
            known = user_with_phone(form.cleaned_data["phone"]) is not None
            if _send_code(request, form, purpose=PhoneCode.Purpose.SIGN_IN, deliver=known):
                messages.info(request, _("如果该号码已注册，验证码已发送到该号码。"))
                return redirect("accounts:sms_sign_in_confirm")
    return render(request, "accounts/sms_sign_in.html", {"form": form})


@ratelimit(key="ip", rate=_code_rate, method="POST", block=False, group="accounts:sms_sign_in_confirm")
@never_cache
def sms_sign_in_confirm(request: HttpRequest) -> HttpResponse:
    phone = _flow_phone(request, PhoneCode.Purpose.SIGN_IN)
    if phone is None:
        return redirect("accounts:sms_sign_in")
    form = SignInCodeForm(request.POST or None)
    if request.method == "POST":
        if getattr(request, "limited", False):
            return too_many(request)
        if form.is_valid():
            user = user_with_phone(phone)
            right = phone_code_check(phone=phone, purpose=PhoneCode.Purpose.SIGN_IN, code=form.cleaned_data["code"])
            if right and user is not None:
                request.session.pop(FLOW_PHONE_KEY, None)
                login(request, user, backend=MODEL_BACKEND)
                if user.needs_second_factor:
                    return redirect("accounts:verify")
                return redirect("home")
            form.add_error("code", WRONG_CODE)
    return render(request, "accounts/sms_sign_in_confirm.html", {"form": form, "phone": phone})


@ratelimit(key="ip", rate=_code_rate, method="POST", block=False, group="accounts:sms_code")
@never_cache
def password_reset(request: HttpRequest) -> HttpResponse:
    """A forgotten password: a code by text to a verified number, or a link by e-mail to the account's address."""
    form = ResetRequestForm(request.POST or None)
    if request.method == "POST":
        if getattr(request, "limited", False):
            return too_many(request)
        if form.is_valid():
            address = form.cleaned_data["address"]
            if "@" in address:
                mail = PasswordResetForm({"email": address})
                if mail.is_valid():
                    mail.save(
                        request=request,
                        use_https=request.is_secure(),
                        subject_template_name="accounts/password_reset_subject.txt",
                        email_template_name="accounts/password_reset_email.txt",
                    )
                messages.info(request, _("如果该邮箱登记在某个账户上，重置密码的链接已发送到该邮箱，24 小时内有效。"))
                return redirect("accounts:login")
            known = user_with_phone(address) is not None
            if _send_code(request, form, purpose=PhoneCode.Purpose.RESET, deliver=known):
                messages.info(request, _("如果该号码已注册，验证码已发送到该号码。"))
                return redirect("accounts:password_reset_code")
    return render(request, "accounts/password_reset.html", {"form": form})


@ratelimit(key="ip", rate=_code_rate, method="POST", block=False, group="accounts:password_reset_code")
@never_cache
def password_reset_code(request: HttpRequest) -> HttpResponse:
    """The code from the text and the new password."""
    phone = _flow_phone(request, PhoneCode.Purpose.RESET)
    if phone is None:
        return redirect("accounts:password_reset")
    user = user_with_phone(phone)
    form = ResetByCodeForm(request.POST or None, user=user)
    if request.method == "POST":
        if getattr(request, "limited", False):
            return too_many(request)
        if form.is_valid():
            right = phone_code_check(phone=phone, purpose=PhoneCode.Purpose.RESET, code=form.cleaned_data["code"])
            if right and user is not None:
                password_set(user=user, password=form.cleaned_data["password1"])
                request.session.pop(FLOW_PHONE_KEY, None)
                phone_verified.send(sender=User, user=user)
                messages.success(request, _("密码已重置，请用新密码登录。"))
                return redirect("accounts:login")
            form.add_error("code", WRONG_CODE)
    return render(request, "accounts/password_reset_code.html", {"form": form, "phone": phone})


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The e-mail's link: Django's token check, the platform's page."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:login")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("密码已重置，请用新密码登录。"))
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Everyone changes their own password; this session stays signed in (with its second factor), every
    other session of the account ends (Django's session hash) and so do its API tokens (accounts.signals)."""

    template_name = "accounts/password_change.html"

    def get_success_url(self) -> str:
        return reverse("home")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("密码已修改。其他设备上的登录和接口令牌已全部失效。"))
        return response


@login_required
@ratelimit(key="ip", rate=_code_rate, method="POST", block=False, group="accounts:sms_code")
@never_cache
def phone(request: HttpRequest) -> HttpResponse:
    """The account's mobile number and whether notices also go there by text: verify a (new) number with a
    code, or turn the texts on or off."""
    user = user_of(request)
    notices = SmsNoticesForm(initial={"sms_notices": user.sms_notices})
    form = PhoneForm()
    if request.method == "POST":
        if getattr(request, "limited", False):
            return too_many(request)
        if "sms_notices_only" in request.POST:
            notices = SmsNoticesForm(request.POST)
            if notices.is_valid():
                sms_notices_set(user=user, on=notices.cleaned_data["sms_notices"])
                messages.success(request, _("短信通知设置已保存。"))
                return redirect("accounts:phone")
        else:
            form = PhoneForm(request.POST)
            if form.is_valid() and _send_code(request, form, purpose=PhoneCode.Purpose.VERIFY, deliver=True):
                messages.info(request, _("验证码已发送到 %(phone)s。") % {"phone": form.cleaned_data["phone"]})
                return redirect("accounts:phone_confirm")
    shown = mask_phone(username_for_phone(user.phone)) if user.phone else ""
    return render(request, "accounts/phone.html", {"form": form, "notices": notices, "phone": shown})


@login_required
@never_cache
def phone_confirm(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    phone = _flow_phone(request, PhoneCode.Purpose.VERIFY)
    if phone is None:
        return redirect("accounts:phone")
    form = PhoneVerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not phone_code_check(phone=phone, purpose=PhoneCode.Purpose.VERIFY, code=form.cleaned_data["code"]):
            form.add_error("code", WRONG_CODE)
        else:
            try:
                phone_set(user=user, phone=phone, sms_notices=form.cleaned_data["sms_notices"])
            except ValidationError as refusal:
                form.add_error(None, refusal)
            else:
                request.session.pop(FLOW_PHONE_KEY, None)
                messages.success(request, _("手机号码已验证。"))
                return redirect("accounts:phone")
    return render(request, "accounts/phone_confirm.html", {"form": form, "phone": phone})
