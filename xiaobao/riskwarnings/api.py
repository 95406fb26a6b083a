"""GET /api/v1/public/risk-warnings/: the published warnings, for other sites and apps.

No sign-in. Paging (page, size) and the answer's frame (count, page, size, results) are those of the
public complaints API, with the same limits; search_term has its meaning there too.
"""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from xiaobao.core.api import CodeNameSerializer, ErrorSerializer
from xiaobao.disclosure.api import PAGE_SIZE_DEFAULT, PublicAPIView
from xiaobao.disclosure.rules import disclosure_settings
from xiaobao.riskwarnings.models import RiskWarning
from xiaobao.riskwarnings.selectors import WarningFilters, public_warnings_filtered


class RiskWarningParams(serializers.Serializer):
    search_term = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text=_("检索词，标题、正文或风险手法包含每个词")
    )
    audience = serializers.SlugField(
        required=False, allow_blank=True, max_length=40, help_text=_("提示对象代码：elderly、students、rural、all")
    )
    region = serializers.RegexField(
        r"^\d{6}$", required=False, allow_blank=True, help_text=_("地区代码（省、市或县），含上下级地区的提示")
    )
    page = serializers.IntegerField(min_value=1, default=1, help_text=_("页码，从 1 开始"))
    size = serializers.IntegerField(
        min_value=1, default=PAGE_SIZE_DEFAULT, help_text=_("每页条数，最多 100（管理后台可调）")
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        rules = disclosure_settings()
        if attrs["size"] > rules.page_size_max:
            raise ValidationError({"size": [_("每页最多 %(n)s 条。") % {"n": rules.page_size_max}]})
        if attrs["page"] * attrs["size"] > rules.result_window_max:
            raise ValidationError(
                {"page": [_("只能翻阅前 %(n)s 条结果，请缩小检索范围。") % {"n": rules.result_window_max}]}
            )
        return attrs


class RiskWarningSerializer(serializers.Serializer):
    id = serializers.CharField(help_text=_("编号，与 number 相同"))
    number = serializers.CharField(help_text=_("编号"))
    title = serializers.CharField()
    body = serializers.CharField(help_text=_("正文"))
    scheme = serializers.CharField(help_text=_("风险手法"))
    audiences = CodeNameSerializer(many=True, help_text=_("提示对象"))
    regions = CodeNameSerializer(many=True, help_text=_("地区"))
    authority = serializers.CharField(help_text=_("发布部门"))
    published_at = serializers.DateTimeField()
    url = serializers.URLField(help_text=_("公开页面"))


class RiskWarningPageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text=_("命中总数"))
    page = serializers.IntegerField()
    size = serializers.IntegerField()
    results = RiskWarningSerializer(many=True)


def warning_json(request: Request, warning: RiskWarning) -> dict[str, Any]:
    return {
        "id": warning.number,
        "number": warning.number,
        "title": warning.title,
        "body": warning.body,
        "scheme": warning.scheme,
        "audiences": [{"code": a.code, "name": a.name} for a in warning.audiences.all()],
        "regions": [{"code": r.code, "name": r.name} for r in warning.regions.all()],
        "authority": warning.authority.name,
        "published_at": warning.published_at,
        "url": request.build_absolute_uri(reverse("riskwarnings:detail", args=[warning.number])),
    }


class PublicRiskWarningsView(PublicAPIView):
    @extend_schema(
        operation_id="public_risk_warnings_list",
        summary=_("风险提示"),
        description=_("已发布的风险提示，最新的在前；撤回的不再列出。"),
        parameters=[RiskWarningParams],
        responses={
            200: RiskWarningPageSerializer,
            400: OpenApiResponse(ErrorSerializer, description=_("参数有误")),
        },
        auth=[],
    )
    def get(self, request: Request) -> Response:
        params = RiskWarningParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        filters = WarningFilters(
            audience=data.get("audience", ""), region=data.get("region", ""), search_term=data.get("search_term", "")
        )
        warnings = public_warnings_filtered(filters).select_related("authority")
        page, size = data["page"], data["size"]
        body = {
            "count": warnings.count(),
            "page": page,
            "size": size,
            "results": [warning_json(request, w) for w in warnings[(page - 1) * size : page * size]],
        }
        return Response(RiskWarningPageSerializer(body).data)
