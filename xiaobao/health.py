"""Liveness for load balancers and monitors.

It touches neither the database nor the session, so a slow or locked database does not take every
server out of the balancer's pool at once; the intake benchmark uses it as the framework's ceiling.
"""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET


# Exempt so that a POST gets the honest 405 rather than a CSRF 403; nothing here changes state.
@csrf_exempt
@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})
