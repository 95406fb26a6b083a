from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "xiaobao.accounts"
    verbose_name = _("用户与机构")

    def ready(self) -> None:
        # The lockout's signal receiver, which words a lock for whichever way of signing in met it.
        from xiaobao.accounts import lockout  # noqa: F401
