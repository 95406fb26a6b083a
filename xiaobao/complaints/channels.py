"""The notification channels this app owns: the in-platform inbox (its Notification table) and e-mail to
a complainant, registered with xiaobao.core.notify when the app is ready."""

from django.db import transaction

from xiaobao.complaints.models import Notification
from xiaobao.core.notify import Notice
from xiaobao.core.time import now

# The inbox's column width.
TEXT_MAX_CHARS = 300


def platform_send(notice: Notice) -> None:
    at = now()
    Notification.objects.bulk_create(
        [
            Notification(user=u, complaint=notice.about, text=notice.text[:TEXT_MAX_CHARS], created_at=at)
            for u in notice.users
        ]
    )


def email_send(notice: Notice) -> None:
    """Sent after the change it reports has been committed: a rolled-back change sends nothing."""
    if not notice.email:
        return
    from xiaobao.complaints.tasks import send_complaint_email

    number, email, text = notice.reference, notice.email, notice.text
    transaction.on_commit(lambda: send_complaint_email.enqueue(number=number, email=email, text=text))
