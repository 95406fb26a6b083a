from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "xiaobao.accounts"
    verbose_name = _("用户与机构")

    def ready(self) -> None:
        # Signal receivers: the lockout's, which words a lock for whichever way of signing in met it; the idle
        # clock's, started at sign-in; the tokens' revocation on a password change or deactivation.
        # The SMS channel (phones.sms_notice_send) is registered by the complaints app, after its inbox and
        # e-mail, so the channels are tried in that order.
        from xiaobao.accounts import lockout, middleware, phones, signals  # noqa: F401
