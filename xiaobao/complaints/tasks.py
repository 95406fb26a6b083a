from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext as _
from django_tasks import task


@task()
def send_complaint_email(*, number: str, email: str, text: str) -> None:
    """E-mail to a complainant, sent after the change it reports has been committed."""
    link = f"{settings.SITE_URL}/track/?number={number}"
    send_mail(
        subject=_("【吉林金融消费者权益保护平台】投诉 %(number)s 有新进展") % {"number": number},
        message=f"{text}\n\n{_('查询进度')}: {link}\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[email],
    )


@task()
def sweep_deadlines() -> dict[str, int]:
    from xiaobao.complaints.services import deadlines_sweep

    return deadlines_sweep()
