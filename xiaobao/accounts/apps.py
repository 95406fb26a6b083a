from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "xiaobao.accounts"
    verbose_name = _("用户与机构")

    def ready(self) -> None:
        from xiaobao.accounts import signals  # noqa: F401  (connects the receivers)
