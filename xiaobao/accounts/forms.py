from django import forms
from django.utils.translation import gettext_lazy as _


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
