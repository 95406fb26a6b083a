"""Published penalty decisions for everyone; the regulator's page to record and correct them.

parse → access → service → render, as on the complaint pages: a service's ValidationError is shown
next to the form, and a decision another authority issued is a 404, like one that does not exist.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Max
from django.db.models.functions import ExtractYear
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from xiaobao.core.pages import forbidden
from xiaobao.registry import access, services
from xiaobao.registry.forms import PenaltyFilterForm, PenaltyForm
from xiaobao.registry.models import Penalty
from xiaobao.registry.selectors import penalties_for

PAGE_SIZE = 25


@require_GET
def penalty_list(request: HttpRequest) -> HttpResponse:
    years = sorted(
        Penalty.objects.annotate(y=ExtractYear("decided_on")).values_list("y", flat=True).distinct(), reverse=True
    )
    form = PenaltyFilterForm(request.GET or None, years=years)
    start, end = form.period()
    institution = form.cleaned_data.get("institution") if form.is_valid() else None
    penalties = penalties_for(institution=institution, start=start, end=end)
    page = Paginator(penalties, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "penalties": list(page.object_list),
        "filtered": bool(institution or start),
        "updated_at": Penalty.objects.aggregate(at=Max("updated_at"))["at"],
    }
    return render(request, "registry/penalties.html", context)


def _forbidden(request: HttpRequest) -> HttpResponse:
    reason = _("行政处罚登记只对监管部门工作人员和管理员开放。")
    return forbidden(request, reason)


def _save(request: HttpRequest, form: PenaltyForm, penalty: Penalty | None) -> bool:
    if not form.is_valid():
        return False
    try:
        services.penalty_save(by=request.user, penalty=penalty, **form.cleaned_data)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc)
        return False
    except PermissionDenied:
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def penalty_manage(request: HttpRequest) -> HttpResponse:
    if not access.can_record_penalties(request.user):
        return _forbidden(request)
    authorities = access.issuing_authorities_for(request.user)
    form = PenaltyForm(request.POST or None, authorities=authorities)
    if request.method == "POST" and _save(request, form, None):
        messages.success(request, _("行政处罚已登记并公开。"))
        return redirect("registry:penalty_manage")
    mine = access.penalties_writable_by(request.user).select_related("institution", "authority")
    page = Paginator(mine.order_by("-decided_on", "decision_number"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "registry/penalty_manage.html",
        {"form": form, "page": page, "penalties": list(page.object_list), "editing": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def penalty_edit(request: HttpRequest, pk: int) -> HttpResponse:
    if not access.can_record_penalties(request.user):
        return _forbidden(request)
    penalty = access.get_penalty_for(request.user, pk)
    authorities = access.issuing_authorities_for(request.user)
    form = PenaltyForm(request.POST or None, instance=penalty, authorities=authorities)
    if request.method == "POST" and _save(request, form, penalty):
        messages.success(request, _("行政处罚已更正，修改前的版本保留在历史记录中。"))
        return redirect("registry:penalty_manage")
    return render(request, "registry/penalty_manage.html", {"form": form, "editing": penalty, "penalties": []})
