"""The intake form's category suggestions (htmx): shown to help the consumer choose, never chosen for them."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from xiaobao.classifier.engine import MAX_CHARS
from xiaobao.classifier.selectors import suggestions_for


@require_POST
def intake_suggestions(request: HttpRequest) -> HttpResponse:
    """Likely business categories for what the consumer has written so far on the complaint form."""
    text = f"{request.POST.get('summary', '')}\n{request.POST.get('narrative', '')}"[:MAX_CHARS]
    return render(request, "classifier/_intake_suggestions.html", {"suggestions": suggestions_for(text)})
