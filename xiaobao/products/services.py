"""Every write to products, assessments, checks and grades: one function each, with its actor."""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from xiaobao.accounts.models import User
from xiaobao.core.notify import notify
from xiaobao.core.time import now, today
from xiaobao.products import matching
from xiaobao.products.models import (
    Assessment,
    GradeChange,
    Option,
    Product,
    Questionnaire,
    Regrading,
    SuitabilityCheck,
    grade_code,
)
from xiaobao.products.rules import current_questionnaire, level_for, matching_rules, suitability_rules_for
from xiaobao.registry.models import Category, Institution
from xiaobao.registry.selectors import category_ancestor_ids, institution_descendant_ids

# The fields an institution edits on its shelf; the grade is not among them (only a confirmed re-grading).
EDITABLE_FIELDS = (
    "code",
    "registration_code",
    "name",
    "business",
    "issuer",
    "complexity",
    "term_days",
    "fees",
    "yield_basis",
    "yield_rate",
    "yield_note",
    "redemption",
    "risk_disclosure",
    "status",
    "on_sale_from",
    "off_sale_on",
)


def _require_institution_staff(by: User, institution: Institution) -> None:
    if by.role != User.Role.INSTITUTION or institution.pk not in institution_descendant_ids(by.own_institution):
        raise PermissionDenied(_("只有本机构的工作人员可以管理本机构的产品。"))


def _validate(product: Product) -> None:
    if product.business.dimension != Category.Dimension.BUSINESS:
        raise ValidationError({"business": _("请选择业务类别。")})
    if product.off_sale_on and product.off_sale_on < product.on_sale_from:
        raise ValidationError({"off_sale_on": _("停售或到期日期不能早于起售日期。")})
    clash = Product.objects.filter(institution=product.institution, code=product.code).exclude(pk=product.pk)
    if clash.exists():
        raise ValidationError({"code": _("本机构已有这个产品代码。")})


@transaction.atomic
def product_create(*, by: User, institution: Institution, risk_grade: int, **fields: Any) -> Product:
    """Put a product on the shelf with its first grade, which opens its public grade history."""
    _require_institution_staff(by, institution)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not product fields: {sorted(unknown)}")
    if risk_grade not in range(1, 6):
        raise ValidationError({"risk_grade": _("风险等级应为 R1 至 R5。")})
    product = Product(institution=institution, risk_grade=risk_grade, created_at=now(), **fields)
    _validate(product)
    product._change_reason = f"{by.username} 登记"  # type: ignore[attr-defined]  # simple_history reads it on save
    product.save()
    GradeChange.objects.create(product=product, from_grade=None, to_grade=risk_grade, note=str(_("首次评级")), at=now())
    return product


@transaction.atomic
def product_update(*, product: Product, by: User, **fields: Any) -> Product:
    """Change what the shelf says about a product; the history keeps who changed what and when."""
    product = Product.objects.select_for_update().get(pk=product.pk)
    _require_institution_staff(by, product.institution)
    if "risk_grade" in fields:
        raise ValidationError({"risk_grade": _("风险等级只能通过重新评级调整。")})
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not product fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(product, name, value)
    _validate(product)
    product._change_reason = f"{by.username} 修改"  # type: ignore[attr-defined]  # as above
    product.save()
    return product


@transaction.atomic
def assessment_record(
    *,
    by: User,
    questionnaire: Questionnaire,
    answers: dict[int, int],
    consumer: User | None = None,
    customer_name: str = "",
    customer_ref: str = "",
    assessed_on: date | None = None,
) -> Assessment:
    """Score one answered questionnaire: the consumer online, or the institution's staff at the counter.

    answers maps each question's id to the chosen option's id; every question must be answered.
    """
    if by.role == User.Role.CONSUMER:
        channel, institution, consumer = Assessment.Channel.ONLINE, None, by
    elif by.role == User.Role.INSTITUTION:
        channel, institution = Assessment.Channel.COUNTER, by.own_institution
        if not customer_name.strip():
            raise ValidationError({"customer_name": _("请填写客户姓名。")})
    else:
        raise PermissionDenied(_("只有消费者本人或金融机构工作人员可以进行风险承受能力评估。"))
    questions = list(questionnaire.questions.all())
    missing = [q for q in questions if q.pk not in answers]
    if missing:
        raise ValidationError({f"q{missing[0].pk}": _("请回答：%(q)s") % {"q": missing[0].text}})
    options = {o.pk: o for o in Option.objects.filter(question__questionnaire=questionnaire)}
    score = 0
    for question in questions:
        option = options.get(answers[question.pk])
        if option is None or option.question_id != question.pk:
            raise ValidationError({f"q{question.pk}": _("选项不属于这道题。")})
        score += option.score
    level = level_for(score, [(b.min_score, b.level) for b in questionnaire.bands.all()])
    day = assessed_on or today()
    return Assessment.objects.create(
        questionnaire=questionnaire,
        consumer=consumer,
        institution=institution,
        customer_name=customer_name.strip(),
        customer_ref=customer_ref.strip(),
        channel=channel,
        answers={str(k): v for k, v in answers.items()},
        score=score,
        level=level,
        assessed_on=day,
        expires_on=matching.add_months(day, questionnaire.validity_months),
        by=by,
        created_at=now(),
    )


def _upward_exception_allowed(product: Product, codes: list[str]) -> bool:
    ancestors = set(
        Category.objects.filter(pk__in=category_ancestor_ids(product.business)).values_list("code", flat=True)
    )
    return not ancestors & set(codes)


def suitability_verdict(
    *,
    product: Product,
    customer_level: int,
    assessed_on: date,
    customer_age: int | None = None,
    recording_ref: str = "",
    customer_insists: bool = False,
) -> matching.Verdict:
    """The rules in force today applied to this sale, without recording it."""
    day = today()
    rules = suitability_rules_for(day)
    questionnaire = current_questionnaire()
    validity = questionnaire.validity_months if questionnaire else 12
    sale = matching.Sale(
        grade=product.risk_grade,
        level=customer_level,
        assessed_on=assessed_on,
        today=day,
        age=customer_age,
        recording_ref=recording_ref,
        customer_insists=customer_insists,
        upward_exception_allowed=_upward_exception_allowed(product, rules.codes("no_exception_businesses")),
        on_sale=product.is_on_sale,
    )
    return matching.check(sale, matching_rules(rules, validity_months=validity))


@transaction.atomic
def suitability_check(
    *,
    by: User,
    product: Product,
    customer_level: int,
    assessed_on: date,
    customer_age: int | None = None,
    channel: str = "",
    recording_ref: str = "",
    customer_insists: bool = False,
) -> SuitabilityCheck:
    """Answer a sales system's question before a sale, and keep the question and the answer."""
    _require_institution_staff(by, product.institution)
    if assessed_on > today():
        raise ValidationError({"assessed_on": _("评估日期不能晚于今天。")})
    verdict = suitability_verdict(
        product=product,
        customer_level=customer_level,
        assessed_on=assessed_on,
        customer_age=customer_age,
        recording_ref=recording_ref,
        customer_insists=customer_insists,
    )
    return SuitabilityCheck.objects.create(
        product=product,
        institution=product.institution,
        by=by,
        grade=product.risk_grade,
        customer_level=customer_level,
        assessed_on=assessed_on,
        customer_age=customer_age,
        channel=channel,
        recording_ref=recording_ref,
        customer_insists=customer_insists,
        allowed=verdict.allowed,
        reasons=list(verdict.codes),
        at=now(),
    )


# ---------------------------------------------------------------------------------------------
# Grading workflow (分级动态管理)


@transaction.atomic
def regrading_raise(*, product: Product, to_grade: int, reasons: list[dict[str, str]]) -> Regrading | None:
    """Propose a new grade with the signals behind it; None when one is already in progress."""
    product = Product.objects.select_for_update().get(pk=product.pk)
    if Regrading.objects.filter(
        product=product, status__in=[Regrading.Status.OPEN, Regrading.Status.ANSWERED]
    ).exists():
        return None
    if to_grade not in range(1, 6) or to_grade == product.risk_grade:
        return None
    proposal = Regrading.objects.create(
        product=product, from_grade=product.risk_grade, to_grade=to_grade, reasons=reasons, raised_at=now()
    )
    notify(
        str(_("产品“%(name)s”被提出重新评级：%(old)s → %(new)s，请说明。"))
        % {"name": product.name, "old": grade_code(product.risk_grade), "new": grade_code(to_grade)},
        users=User.objects.filter(role=User.Role.INSTITUTION, institution=product.institution, is_active=True),
    )
    return proposal


@transaction.atomic
def regrading_answer(*, regrading: Regrading, by: User, answer: str) -> Regrading:
    regrading = Regrading.objects.select_for_update().select_related("product").get(pk=regrading.pk)
    _require_institution_staff(by, regrading.product.institution)
    if regrading.status != Regrading.Status.OPEN:
        raise ValidationError(_("这项重新评级已不在待说明状态。"))
    if not answer.strip():
        raise ValidationError({"answer": _("请填写机构说明。")})
    regrading.answer, regrading.answered_by, regrading.answered_at = answer.strip(), by, now()
    regrading.status = Regrading.Status.ANSWERED
    regrading.save()
    return regrading


@transaction.atomic
def regrading_decide(
    *, regrading: Regrading, by: User, confirm: bool, note: str = "", public_warning: str = ""
) -> Regrading:
    """The regulator's decision: a confirmation changes the grade, writes the public history and may publish
    a risk warning on the product page; a rejection leaves the grade as it is."""
    regrading = Regrading.objects.select_for_update().select_related("product").get(pk=regrading.pk)
    if by.role not in (User.Role.REGULATOR, User.Role.ADMIN):
        raise PermissionDenied(_("只有监管部门可以确认或否决重新评级。"))
    if not regrading.is_pending:
        raise ValidationError(_("这项重新评级已有决定。"))
    regrading.status = Regrading.Status.CONFIRMED if confirm else Regrading.Status.REJECTED
    regrading.decision_note, regrading.decided_by, regrading.decided_at = note.strip(), by, now()
    regrading.public_warning = public_warning.strip() if confirm else ""
    regrading.save()
    if confirm:
        product = Product.objects.select_for_update().get(pk=regrading.product_id)
        old = product.risk_grade
        product.risk_grade = regrading.to_grade
        product._change_reason = f"{by.username} 确认重新评级"  # type: ignore[attr-defined]  # as above
        product.save(update_fields=["risk_grade"])
        GradeChange.objects.create(
            product=product,
            from_grade=old,
            to_grade=regrading.to_grade,
            regrading=regrading,
            note=regrading.decision_note[:300],
            at=now(),
        )
    notify(
        str(_("产品“%(name)s”的重新评级：%(result)s。"))
        % {"name": regrading.product.name, "result": regrading.get_status_display()},
        users=User.objects.filter(
            role=User.Role.INSTITUTION, institution=regrading.product.institution, is_active=True
        ),
    )
    return regrading
