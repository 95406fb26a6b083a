from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "xiaobao.registry"
    verbose_name = _("基础数据")

    def ready(self) -> None:
        # Connects the receivers that keep the cached working calendar fresh after an edit.
        from xiaobao.registry import selectors  # noqa: F401
