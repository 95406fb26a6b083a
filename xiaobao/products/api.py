"""The products API: the public shelf (key facts of every product on sale) and the suitability check
an institution's sales system calls before each sale. Paths, parameters and answer fields are a contract."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xiaobao.accounts.access import user_of
from xiaobao.accounts.models import User
from xiaobao.accounts.throttles import AnonymousExportThrottle
from xiaobao.audit import trail
from xiaobao.core.api import CaseDateField, CodeNameSerializer, ErrorSerializer, PublicAPIView
from xiaobao.lib.export import DATE, INTEGER, NUMBER, XLSX_CONTENT_TYPE, Column, export_response
from xiaobao.products import access, selectors, services
from xiaobao.products.models import CustomerLevel, Product, RiskGrade, SuitabilityCheck

# As the public complaints API: 25 a page by default, at most 100; an export holds at most this many rows.
PAGE_SIZE_DEFAULT = 25
PAGE_SIZE_MAX = 100
EXPORT_MAX_ROWS = 10_000
GRADES = [f"R{g}" for g in RiskGrade.values]
LEVELS = [f"C{c}" for c in CustomerLevel.values]
CHANNELS = {
    "counter": _("柜面"),
    "online": _("网上银行"),
    "mobile": _("手机银行"),
    "phone": _("电话"),
    "agent": _("代销或第三方渠道"),
}


class ProductParams(serializers.Serializer):
    institution = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, help_text=_("机构名称或统一社会信用代码，可重复")
    )
    type = serializers.ListField(
        child=serializers.CharField(max_length=20), required=False, help_text=_("业务类别代码（含下级），可重复")
    )
    risk_grade = serializers.ListField(
        child=serializers.ChoiceField(choices=GRADES), required=False, help_text=_("风险等级 R1–R5，可重复")
    )
    status = serializers.ListField(
        child=serializers.ChoiceField(choices=Product.Status.choices),
        required=False,
        help_text=_("状态；公开的只有在售产品"),
    )
    search_term = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text=_("产品名称、代码、登记编码、发行机构或销售机构")
    )
    page = serializers.IntegerField(min_value=1, default=1, help_text=_("页码，从 1 开始"))
    size = serializers.IntegerField(
        min_value=1, max_value=PAGE_SIZE_MAX, default=PAGE_SIZE_DEFAULT, help_text=_("每页条数，最多 100")
    )
    format = serializers.ChoiceField(choices=("csv", "xlsx"), required=False, help_text=_("导出格式：csv 或 xlsx"))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["page"] * attrs["size"] > EXPORT_MAX_ROWS:
            raise serializers.ValidationError(
                {"page": [_("只能翻阅前 %(n)s 条结果，请缩小检索范围或导出。") % {"n": EXPORT_MAX_ROWS}]}
            )
        return attrs

    def filters(self) -> selectors.ProductFilters:
        data = self.validated_data
        return selectors.ProductFilters(
            institution=data.get("institution", []),
            type=data.get("type", []),
            risk_grade=data.get("risk_grade", []),
            status=data.get("status", []),
            search_term=data.get("search_term", ""),
        )


class PublicProductSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("机构产品代码"))
    registration_code = serializers.CharField(allow_blank=True, help_text=_("全国统一登记编码"))
    name = serializers.CharField()
    institution = serializers.CharField(help_text=_("销售机构"))
    issuer = serializers.CharField(help_text=_("发行机构（自营产品同销售机构）"))
    type = CodeNameSerializer(help_text=_("业务类别"))
    risk_grade = serializers.ChoiceField(choices=GRADES)
    complexity = serializers.ChoiceField(choices=Product.Complexity.choices)
    status = serializers.ChoiceField(choices=Product.Status.choices)
    term_days = serializers.IntegerField(allow_null=True)
    yield_basis = serializers.ChoiceField(choices=Product.YieldBasis.choices)
    yield_rate = serializers.DecimalField(max_digits=6, decimal_places=3, allow_null=True, help_text=_("年化 %"))
    yield_note = serializers.CharField(allow_blank=True)
    fees = serializers.CharField(allow_blank=True)
    redemption = serializers.CharField(allow_blank=True)
    risk_disclosure = serializers.CharField()
    on_sale_from = serializers.DateField()
    off_sale_on = serializers.DateField(allow_null=True)
    url = serializers.CharField(help_text=_("公开的产品页面"))


class ProductPageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text=_("命中总数"))
    page = serializers.IntegerField()
    size = serializers.IntegerField()
    results = PublicProductSerializer(many=True)


def product_json(product: Product) -> dict[str, Any]:
    return {
        "code": product.code,
        "registration_code": product.registration_code,
        "name": product.name,
        "institution": product.institution.name,
        "issuer": product.issuer or product.institution.name,
        "type": {"code": product.business.code, "name": product.business.name},
        "risk_grade": product.grade_code,
        "complexity": product.complexity,
        "status": product.status,
        "term_days": product.term_days,
        "yield_basis": product.yield_basis,
        "yield_rate": product.yield_rate,
        "yield_note": product.yield_note,
        "fees": product.fees,
        "redemption": product.redemption,
        "risk_disclosure": product.risk_disclosure,
        "on_sale_from": product.on_sale_from,
        "off_sale_on": product.off_sale_on,
        "url": f"/products/public/{product.pk}/",
    }


def export_columns() -> list[Column]:
    return [
        Column("产品代码", lambda p: p.code, 16),
        Column("登记编码", lambda p: p.registration_code, 24),
        Column("产品名称", lambda p: p.name, 36),
        Column("销售机构", lambda p: p.institution.name, 36),
        Column("发行机构", lambda p: p.issuer or p.institution.name, 30),
        Column("业务类别", lambda p: p.business.name, 16),
        Column("风险等级", lambda p: p.grade_code, 8),
        Column("状态", lambda p: p.get_status_display(), 8),
        Column("期限（天）", lambda p: p.term_days, 10, INTEGER),
        Column("收益类型", lambda p: p.get_yield_basis_display(), 16),
        Column("收益率或基准（年化%）", lambda p: p.yield_rate, 12, NUMBER),
        Column("起售日期", lambda p: p.on_sale_from, 12, DATE),
    ]


class PublicProductsView(PublicAPIView):
    @extend_schema(
        operation_id="public_products_search",
        summary=_("检索在售金融产品"),
        description=_(
            "在售产品的关键信息（产品要素表），可按机构、类别、风险等级、状态和检索词筛选；format=csv/xlsx 整批导出。"
        ),
        parameters=[ProductParams],
        responses={
            (200, "application/json"): ProductPageSerializer,
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY,
            400: OpenApiResponse(ErrorSerializer, description=_("参数有误")),
            429: OpenApiResponse(ErrorSerializer, description=_("请求过于频繁")),
        },
        auth=[],
    )
    def get(self, request: Request) -> Any:
        params = ProductParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        rows = selectors.products_filtered(access.public_products(), params.filters())
        fmt = data.get("format")
        if fmt:
            throttle = AnonymousExportThrottle()
            if not throttle.allow_request(request, self):
                self.throttled(request, throttle.wait() or 0)
            trail.record_export(request, filename=f"public-products.{fmt}")
            return export_response(
                rows=rows[:EXPORT_MAX_ROWS].iterator(chunk_size=1000),
                columns=export_columns(),
                fmt=fmt,
                filename=f"public-products-{timezone.localdate():%Y%m%d}",
                title="在售金融产品",
            )
        page, size = data["page"], data["size"]
        body = {
            "count": rows.count(),
            "page": page,
            "size": size,
            "results": [product_json(p) for p in rows[(page - 1) * size : page * size]],
        }
        return Response(ProductPageSerializer(body).data)


# ---------------------------------------------------------------------------------------------
# The suitability check


class CheckRequestSerializer(serializers.Serializer):
    product = serializers.CharField(max_length=40, help_text=_("本机构的产品代码"))
    customer_level = serializers.ChoiceField(choices=LEVELS, help_text=_("客户风险承受能力等级 C1–C5"))
    assessed_on = CaseDateField(help_text=_("客户最近一次风险承受能力评估的日期"))
    customer_age = serializers.IntegerField(
        min_value=0, max_value=150, required=False, allow_null=True, default=None, help_text=_("客户年龄（周岁）")
    )
    channel = serializers.ChoiceField(choices=list(CHANNELS), default="counter", help_text=_("销售渠道"))
    recording_ref = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="", help_text=_("同步录音录像（双录）编号")
    )
    customer_insists = serializers.BooleanField(
        default=False, help_text=_("客户主动要求购买高于其等级的产品（银行理财和 C1 客户不适用）")
    )


class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("理由代码，供销售系统判断"))
    message = serializers.CharField(help_text=_("给人看的说明"))
    blocking = serializers.BooleanField(help_text=_("为 true 时不得销售；false 为须执行的提示"))


class CheckAnswerSerializer(serializers.Serializer):
    allowed = serializers.BooleanField()
    reasons = ReasonSerializer(many=True)
    check_id = serializers.CharField(help_text=_("校验编号，销售记录中保存"))
    product = serializers.CharField()
    risk_grade = serializers.ChoiceField(choices=GRADES)
    customer_level = serializers.ChoiceField(choices=LEVELS)


NON_BLOCKING = {"upward_exception", "extra_warning"}


def check_json(row: SuitabilityCheck) -> dict[str, Any]:
    return {
        "allowed": row.allowed,
        "reasons": [{**r, "blocking": r["code"] not in NON_BLOCKING} for r in row.reason_list],
        "check_id": str(row.check_id),
        "product": row.product.code,
        "risk_grade": f"R{row.grade}",
        "customer_level": f"C{row.customer_level}",
    }


class SuitabilityCheckView(APIView):
    @extend_schema(
        operation_id="suitability_check",
        summary=_("销售前适当性校验"),
        description=_(
            "金融机构销售系统在每笔销售前调用：按现行匹配规则判断能否向该客户销售该产品，并给出全部理由。"
            "每次校验都会记录。只能校验本机构的产品，其他机构的产品与不存在的产品一样答复 404。"
        ),
        request=CheckRequestSerializer,
        responses={
            200: CheckAnswerSerializer,
            400: OpenApiResponse(ErrorSerializer, description=_("请求内容有误，错误信息指明字段")),
            401: OpenApiResponse(ErrorSerializer, description=_("未登录，或令牌无效")),
            403: OpenApiResponse(ErrorSerializer, description=_("只有金融机构工作人员可以调用")),
            404: OpenApiResponse(ErrorSerializer, description=_("产品不存在，或不是本机构的产品")),
        },
    )
    def post(self, request: Request) -> Response:
        user = user_of(request)
        if user.role != User.Role.INSTITUTION:
            raise PermissionDenied(_("只有金融机构工作人员可以进行适当性校验。"))
        body = CheckRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        product = access.get_product_by_code_for(user, data["product"])
        row = services.suitability_check(
            by=user,
            product=product,
            customer_level=int(data["customer_level"][1:]),
            assessed_on=data["assessed_on"],
            customer_age=data["customer_age"],
            channel=data["channel"],
            recording_ref=data["recording_ref"],
            customer_insists=data["customer_insists"],
        )
        return Response(CheckAnswerSerializer(check_json(row)).data)
