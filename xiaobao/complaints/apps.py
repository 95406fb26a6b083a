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

        from xiaobao.accounts.phones import phone_verified, sms_notice_send
        from xiaobao.core.notify import SMS

        # Texts, after the inbox and e-mail: to accounts whose owners chose them, to guests at the number given.
        channel_register(SMS, sms_notice_send)

        phone_verified.connect(_link_phone, dispatch_uid="complaints.link_phone")


def _link_phone(sender: object, user: object, **kwargs: object) -> None:
    """A consumer proved a mobile number: the guest complaints filed with it join the account."""
    from xiaobao.accounts.models import User
    from xiaobao.complaints.services import complaints_link_phone

    if isinstance(user, User):
        complaints_link_phone(user=user)
