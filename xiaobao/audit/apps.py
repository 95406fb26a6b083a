from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "xiaobao.audit"
    verbose_name = _("安全审计")

    def ready(self) -> None:
        # Sign-ins, sign-outs, permission changes and admin changes reach the trail through signals,
        # so no sign-in path or admin page can forget them.
        from xiaobao.audit import signals  # noqa: F401
