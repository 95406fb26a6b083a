from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from xiaobao.accounts.models import User
from xiaobao.accounts.phones import username_for_phone
from xiaobao.lib.phones import mobile_e164


class OneTimeCodeForm(forms.Form):
    """The 6 digits an authenticator app shows; phones offer the number pad and the code from a text."""

    code = forms.CharField(
        label=_("验证码"),
        max_length=10,
        help_text=_("打开手机上的验证器应用，输入本平台当前显示的 6 位数字。"),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "autofocus": True,
                "size": 8,
            }
        ),
    )


class RecoveryCodeForm(forms.Form):
    """A recovery code, for a user without the phone: letters and digits, so no number pad."""

    recovery_code = forms.CharField(
        label=_("恢复码"),
        max_length=20,
        help_text=_("每个恢复码只能使用一次。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}),
    )


class PhoneField(forms.CharField):
    """A mobile number as people type it (spaces, dashes, +86), cleaned to E.164 with libphonenumber."""

    default_error_messages = {"invalid": _("请输入有效的手机号码，例如 138 1234 5678。")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("手机号码"))
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "size": 16}))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        e164 = mobile_e164(text)
        if e164 is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return e164


class SmsCodeField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("短信验证码"))
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("help_text", _("发送到您手机上的 6 位数字。"))
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}),
        )
        super().__init__(**kwargs)


class PhoneForm(forms.Form):
    phone = PhoneField()


class NewPasswordFields(forms.Form):
    """Two password boxes checked against the password policy (Django's validators, the length as data)."""

    password1 = forms.CharField(
        label=_("新密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("再次输入新密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = password_validation.password_validators_help_text_html()

    def user_for_validation(self) -> User | None:
        return None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        one, two = cleaned.get("password1"), cleaned.get("password2")
        if one and two and one != two:
            self.add_error("password2", _("两次输入的密码不一致。"))
        elif one:
            try:
                password_validation.validate_password(one, self.user_for_validation())
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class RegisterForm(NewPasswordFields):
    code = SmsCodeField()
    display_name = forms.CharField(label=_("姓名或称呼"), max_length=50)
    sms_notices = forms.BooleanField(label=_("投诉办理进展也用短信通知我"), required=False, initial=True)
    field_order = ["code", "display_name", "password1", "password2", "sms_notices"]

    def __init__(self, *args: Any, phone: str, **kwargs: Any) -> None:
        self.phone = phone
        super().__init__(*args, **kwargs)

    def user_for_validation(self) -> User | None:
        return User(
            username=username_for_phone(self.phone),
            display_name=self.cleaned_data.get("display_name", ""),
            phone=self.phone,
        )


class ResetRequestForm(forms.Form):
    """A password reset by text or by e-mail: whichever the person has."""

    address = forms.CharField(
        label=_("手机号码或电子邮箱"),
        max_length=254,
        help_text=_("注册时验证的手机号码，或账户登记的电子邮箱。"),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )

    def clean_address(self) -> str:
        text = self.cleaned_data["address"].strip()
        if "@" in text:
            try:
                validate_email(text)
            except ValidationError:
                raise ValidationError(_("请输入有效的手机号码或电子邮箱。"), code="invalid") from None
            return text
        e164 = mobile_e164(text)
        if e164 is None:
            raise ValidationError(_("请输入有效的手机号码或电子邮箱。"), code="invalid")
        return e164


class ResetByCodeForm(NewPasswordFields):
    code = SmsCodeField()
    field_order = ["code", "password1", "password2"]

    def __init__(self, *args: Any, user: User | None, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def user_for_validation(self) -> User | None:
        return self.user


class SignInCodeForm(forms.Form):
    code = SmsCodeField()


class StaffAccountForm(forms.Form):
    """A new staff account in the administrator's own organisation; the password is given to the clerk, who
    enrols an authenticator at the first sign-in."""

    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}),
    )
    display_name = forms.CharField(label=_("姓名"), max_length=50)
    email = forms.EmailField(label=_("电子邮箱"), required=False, max_length=254)

    def clean_username(self) -> str:
        name = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=name).exists():
            raise ValidationError(_("该用户名已被使用，请换一个。"), code="taken")
        return name


class SmsNoticesForm(forms.Form):
    sms_notices = forms.BooleanField(label=_("办理进展也用短信通知我"), required=False)


class PhoneVerifyForm(forms.Form):
    code = SmsCodeField()
    sms_notices = forms.BooleanField(label=_("办理进展也用短信通知我"), required=False, initial=True)
