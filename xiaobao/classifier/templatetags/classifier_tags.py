"""{% triage_suggestions complaint %}: the regulator's "建议分类" on a complaint's page."""

from typing import Any

from django import template

from xiaobao.classifier.selectors import classifier_latest, complaint_text, suggestions_for
from xiaobao.complaints.models import Complaint

register = template.Library()


@register.inclusion_tag("classifier/_triage_suggestions.html")
def triage_suggestions(complaint: Complaint, model: str = "default") -> dict[str, Any]:
    row = classifier_latest(name=model)
    return {
        "complaint": complaint,
        "model": row,
        "suggestions": suggestions_for(complaint_text(complaint), model=model) if row else [],
    }
