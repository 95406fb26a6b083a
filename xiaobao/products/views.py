"""The shelf, the counter (assessment and check), the grading workflow, and the public key-facts pages.

parse → access → service → render: a service's ValidationError goes next to the form; a product or
proposal outside the user's reach is a 404, like one that does not exist.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from xiaobao.accounts.access import user_of
from xiaobao.accounts.models import User
from xiaobao.audit import trail
from xiaobao.core.pages import add_service_error, forbidden
from xiaobao.products import access, selectors, services
from xiaobao.products.forms import (
    AnswerForm,
    AssessmentForm,
    CheckForm,
    DecisionForm,
    ProductForm,
    PublicFilterForm,
)
from xiaobao.products.models import Assessment, Regrading
from xiaobao.products.rules import current_questionnaire

PAGE_SIZE = 25
COMPARE_MAX = 4


def _staff_only(request: HttpRequest) -> HttpResponse:
    return forbidden(request, _("产品货架只对金融机构和监管部门工作人员开放。"))


@login_required
@require_GET
def shelf(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if user.role not in (User.Role.INSTITUTION, User.Role.REGULATOR, User.Role.ADMIN):
        return _staff_only(request)
    products = access.products_for(user).annotate(
        checks_refused=Count("checks", filter=Q(checks__allowed=False)), checks_total=Count("checks")
    )
    page = Paginator(products.order_by("institution__name", "code"), PAGE_SIZE).get_page(request.GET.get("page"))
    pending = access.regradings_for(user).filter(status__in=[Regrading.Status.OPEN, Regrading.Status.ANSWERED])
    context = {
        "page": page,
        "products": list(page.object_list),
        "pending": pending.count(),
        "may_manage": access.may_manage_shelf(user),
    }
    return render(request, "products/shelf.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def product_new(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if not access.may_manage_shelf(user):
        return forbidden(request, _("只有金融机构工作人员可以登记本机构的产品。"))
    form = ProductForm(request.POST or None, adding=True)
    if request.method == "POST" and form.is_valid():
        try:
            product = services.product_create(
                by=user,
                institution=user.own_institution,
                risk_grade=form.cleaned_data["risk_grade"],
                **form.service_fields(),
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("产品已登记。"))
            return redirect("products:detail", product.pk)
    return render(request, "products/edit.html", {"form": form, "product": None})


@login_required
@require_http_methods(["GET", "POST"])
def product_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    product = access.get_product_for(user, pk, write=True)
    form = ProductForm(request.POST or None, instance=product, adding=False)
    if request.method == "POST" and form.is_valid():
        try:
            services.product_update(product=product, by=user, **form.service_fields())
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("产品信息已保存。"))
            return redirect("products:detail", product.pk)
    return render(request, "products/edit.html", {"form": form, "product": product})


@login_required
@require_GET
def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    product = access.get_product_for(user, pk)
    checks = product.checks.aggregate(total=Count("pk"), refused=Count("pk", filter=Q(allowed=False)))
    context = {
        "p": product,
        "grades": selectors.grade_history(product),
        "changes": product.history.select_related("history_user").order_by("-history_date")[:20],
        "checks": checks,
        "regradings": product.regradings.order_by("-raised_at"),
        "may_edit": access.may_manage_shelf(user),
    }
    return render(request, "products/detail.html", context)


# ---------------------------------------------------------------------------------------------
# The counter: a risk-tolerance assessment, a suitability check


@login_required
@require_http_methods(["GET", "POST"])
def assess(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if user.role not in (User.Role.INSTITUTION, User.Role.CONSUMER):
        return forbidden(request, _("风险承受能力评估由消费者本人在网上完成，或由金融机构工作人员在柜面记录。"))
    questionnaire = current_questionnaire()
    if questionnaire is None:
        return forbidden(request, _("尚未发布风险承受能力问卷，请联系平台管理员。"))
    at_counter = user.role == User.Role.INSTITUTION
    form = AssessmentForm(request.POST or None, questionnaire=questionnaire, at_counter=at_counter)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_record(
                by=user,
                questionnaire=questionnaire,
                answers=form.answers(),
                customer_name=form.cleaned_data.get("customer_name", ""),
                customer_ref=form.cleaned_data.get("customer_ref", ""),
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            return redirect("products:assessment", assessment.pk)
    return render(
        request, "products/assess.html", {"form": form, "questionnaire": questionnaire, "at_counter": at_counter}
    )


@login_required
@require_GET
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    qs = Assessment.objects.select_related("questionnaire", "institution")
    if user.role == User.Role.CONSUMER:
        qs = qs.filter(consumer=user)
    elif user.role == User.Role.INSTITUTION:
        qs = qs.filter(institution=user.own_institution)
    else:
        qs = qs.none()
    assessment = qs.filter(pk=pk).first()
    if assessment is None:
        raise Http404
    if user.role == User.Role.INSTITUTION:
        trail.record(trail.Kind.PERSONAL_DATA, user=user, request=request, obj=assessment, field="customer_name")
    return render(request, "products/assessment.html", {"a": assessment})


@login_required
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if not access.may_manage_shelf(user):
        return forbidden(request, _("适当性校验由金融机构工作人员在销售前进行。"))
    form = CheckForm(request.POST or None, products=access.products_for(user))
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.suitability_check(
                by=user,
                product=data["product"],
                customer_level=data["customer_level"],
                assessed_on=data["assessed_on"],
                customer_age=data["customer_age"],
                channel="counter",
                recording_ref=data["recording_ref"],
                customer_insists=data["customer_insists"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
    return render(request, "products/check.html", {"form": form, "result": result})


# ---------------------------------------------------------------------------------------------
# Grading workflow


@login_required
@require_GET
def regradings(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if user.role not in (User.Role.INSTITUTION, User.Role.REGULATOR, User.Role.ADMIN):
        return _staff_only(request)
    rows = access.regradings_for(user).order_by("-raised_at")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "products/regradings.html", {"page": page, "rows": list(page.object_list)})


@login_required
@require_http_methods(["GET", "POST"])
def regrading_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    regrading = access.get_regrading_for(user, pk)
    answer_form = decision_form = None
    if user.role == User.Role.INSTITUTION and regrading.status == Regrading.Status.OPEN:
        answer_form = AnswerForm(request.POST or None)
    if access.may_decide_grades(user) and regrading.is_pending:
        decision_form = DecisionForm(request.POST or None)
    form = answer_form or decision_form
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                if form is answer_form:
                    services.regrading_answer(regrading=regrading, by=user, answer=form.cleaned_data["answer"])
                    messages.success(request, _("说明已提交，等待监管部门确认。"))
                else:
                    services.regrading_decide(
                        regrading=regrading,
                        by=user,
                        confirm=form.cleaned_data["decision"] == "confirm",
                        note=form.cleaned_data["note"],
                        public_warning=form.cleaned_data["public_warning"],
                    )
                    messages.success(request, _("决定已记录。"))
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                return redirect("products:regrading", regrading.pk)
    context = {"r": regrading, "answer_form": answer_form, "decision_form": decision_form}
    return render(request, "products/regrading.html", context)


# ---------------------------------------------------------------------------------------------
# Public pages


@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    form = PublicFilterForm(request.GET or None)
    filters = selectors.ProductFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.ProductFilters(
            search_term=data["search_term"],
            risk_grade=[data["risk_grade"]] if data["risk_grade"] else [],
            type=[data["type"]] if data["type"] else [],
        )
    rows = selectors.products_filtered(access.public_products(), filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "products/public_list.html", {"form": form, "page": page, "products": list(page.object_list)}
    )


@require_GET
def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    product = access.get_public_product(pk)
    context = {
        "p": product,
        "grades": selectors.grade_history(product),
        "warnings": selectors.public_warnings(product),
    }
    return render(request, "products/public_detail.html", context)


@require_GET
def public_compare(request: HttpRequest) -> HttpResponse:
    ids = [int(v) for v in request.GET.getlist("id") if v.isdigit() and len(v) < 10][:COMPARE_MAX]
    found = {p.pk: p for p in access.public_products().filter(pk__in=ids)}
    products = [found[i] for i in ids if i in found]
    return render(request, "products/public_compare.html", {"products": products, "max": COMPARE_MAX})
