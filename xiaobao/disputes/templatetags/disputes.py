"""The dispute section of a complaint's page: attempts so far and the next steps open to the viewer."""

from typing import Any

from django import template

from xiaobao.complaints.access import Party
from xiaobao.complaints.models import Complaint
from xiaobao.disputes import selectors
from xiaobao.disputes.models import Dispute
from xiaobao.disputes.services import COMPLAINT_STATUSES_FOR_DISPUTE

register = template.Library()


@register.inclusion_tag("disputes/_on_complaint.html", takes_context=True)
def complaint_disputes(context: dict[str, Any], complaint: Complaint, party: str | None) -> dict[str, Any]:
    user = context.get("user")
    disputes = list(selectors.disputes_on_complaint(complaint_id=complaint.pk, user=user))
    busy = any(d.status in Dispute.OPEN_STATUSES and d.status != Dispute.Status.AGREED for d in disputes)
    can_start = complaint.status in COMPLAINT_STATUSES_FOR_DISPUTE and not busy
    return {
        "complaint": complaint,
        "disputes": disputes,
        "can_apply": can_start and party == Party.CONSUMER,
        "can_settle": can_start and party == Party.INSTITUTION,
        "asked_for_mediation": complaint.status == Complaint.Status.MEDIATION
        and not any(d.path == Dispute.Path.MEDIATION for d in disputes),
    }
