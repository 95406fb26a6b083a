"""Per-product complaint and check figures for the staff who may see the product."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from xiaobao.accounts.access import user_of
from xiaobao.accounts.models import User
from xiaobao.core.pages import forbidden
from xiaobao.core.time import today
from xiaobao.grading.signals import WINDOW_DAYS, product_figures
from xiaobao.products.access import products_for
from xiaobao.products.rules import suitability_rules_for


@login_required
@require_GET
def product_signals(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if user.role not in (User.Role.INSTITUTION, User.Role.REGULATOR, User.Role.ADMIN):
        return forbidden(request, _("产品信号只对金融机构和监管部门工作人员开放。"))
    day = today()
    figures = product_figures(products_for(user), on=day, rules=suitability_rules_for(day))
    figures.sort(key=lambda f: (-len(f.reasons), -f.complaints, -f.refused_checks))
    return render(request, "grading/signals.html", {"figures": figures, "days": WINDOW_DAYS})
