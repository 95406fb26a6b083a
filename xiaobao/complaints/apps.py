from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "xiaobao.complaints"
    verbose_name = _("投诉")

    def ready(self) -> None:
        from xiaobao.complaints.channels import email_send, platform_send
        from xiaobao.core.notify import EMAIL, PLATFORM, channel_register

        channel_register(PLATFORM, platform_send)
        channel_register(EMAIL, email_send)
