"""The intake form's category suggestions (htmx): shown to help the consumer choose, never chosen for them."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from xiaobao.classifier.engine import MAX_CHARS
from xiaobao.classifier.selectors import suggestions_for

# A consumer is shown only categories worth a look; the regulator's page shows the top three whatever their odds.
INTAKE_MIN_PROBABILITY = 0.05


@require_POST
def intake_suggestions(request: HttpRequest) -> HttpResponse:
    """Likely business categories for what the consumer has written so far on the complaint form."""
    text = f"{request.POST.get('summary', '')}\n{request.POST.get('narrative', '')}"[:MAX_CHARS]
    suggestions = [s for s in suggestions_for(text) if s.probability >= INTAKE_MIN_PROBABILITY]
    return render(request, "classifier/_intake_suggestions.html", {"suggestions": suggestions})
