"""The password policy's length, read from the security policy in force (data, edited in the admin)."""

from typing import Any

from django.contrib.auth.password_validation import MinimumLengthValidator
from django.utils.translation import gettext as _

from xiaobao.accounts.policy import security_policy


class PolicyMinimumLengthValidator(MinimumLengthValidator):
    """Django's length check, with the minimum the security policy sets today."""

    def __init__(self, min_length: int = 10) -> None:
        super().__init__(min_length)

    def validate(self, password: str, user: Any = None) -> None:
        self.min_length = security_policy().password_min_length
        super().validate(password, user)

    def get_error_message(self) -> str:
        return _("密码太短，至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        self.min_length = security_policy().password_min_length
        return super().get_help_text()
