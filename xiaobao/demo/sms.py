"""The texts of the demo's latest events: what guests who gave a mobile number would have received, written
to the console outbox (var/sms-outbox.jsonl) so `make run` shows the SMS channel at work. A handful only:
the replayed years of cases send none (demo.seed holds the channel back while they are written)."""

from django.db import transaction

from xiaobao.accounts.phones import sms_notice_send
from xiaobao.complaints.models import Complaint, Event
from xiaobao.core.models import SmsMessage, SmsTemplate
from xiaobao.core.notify import Notice
from xiaobao.demo.complaints import demo_complaints
from xiaobao.lib.phones import mobile_e164

RECENT_EVENTS = 6
# The progress a complainant hears of.
TOLD = (
    Event.Kind.SUBMITTED,
    Event.Kind.ACCEPTED,
    Event.Kind.NOT_ACCEPTED,
    Event.Kind.EXTENDED,
    Event.Kind.ANSWERED,
    Event.Kind.CLOSED,
)


def sms_seed() -> str | None:
    if SmsMessage.objects.filter(purpose=SmsTemplate.Purpose.NOTICE).exists():
        return None
    guests = demo_complaints().filter(consumer__isnull=True)
    events = (
        Event.objects.filter(complaint__in=guests, kind__in=TOLD, visibility=Event.Visibility.ALL)
        .select_related("complaint")
        .order_by("-at")[: RECENT_EVENTS * 4]
    )
    sent = 0
    with transaction.atomic():
        for event in events:
            complaint: Complaint = event.complaint
            if sent >= RECENT_EVENTS or mobile_e164(complaint.phone) is None:
                continue
            text = f"您的投诉 {complaint.number} 有新进展：{event.get_kind_display()}。"
            sms_notice_send(Notice(text=text, about=complaint, reference=complaint.number, phone=complaint.phone))
            sent += 1
    return f"texts: {sent} notices in the console outbox" if sent else None
