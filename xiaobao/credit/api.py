"""The public API of the credit lists: `GET /api/v1/public/credit/`, paged like the public complaints API
(`page` from 1, `size` up to the rules' maximum) and downloadable with `format=csv|xlsx`.

Only published entries about organisations valid on the day asked (today by default) are listed; an entry
about a person never appears, and an ID number never leaves the staff pages.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xiaobao.accounts.throttles import AnonymousExportThrottle
from xiaobao.audit import trail
from xiaobao.core.api import CaseDateField, ErrorSerializer
from xiaobao.core.time import today
from xiaobao.credit import selectors
from xiaobao.credit.exports import public_columns, public_json
from xiaobao.credit.models import CreditEntry, CreditList
from xiaobao.credit.rules import credit_rules
from xiaobao.lib.export import EXPORT_MAX_ROWS, XLSX_CONTENT_TYPE, export_response

PAGE_SIZE_DEFAULT = 25


class _NoFormatOverride(DefaultContentNegotiation):
    """`format=` here means a download (csv, xlsx), not DRF's renderer override: always JSON."""

    def select_renderer(
        self, request: Request, renderers: Any, format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type


class CreditParams(serializers.Serializer):
    list = serializers.ChoiceField(choices=CreditList.values, required=False, help_text=_("red 红名单；black 黑名单"))
    name = serializers.CharField(required=False, allow_blank=True, max_length=100, help_text=_("名称包含"))
    uscc = serializers.CharField(required=False, allow_blank=True, max_length=18, help_text=_("统一社会信用代码"))
    valid_on = CaseDateField(required=False, help_text=_("在该日有效的条目（默认今天）"))
    page = serializers.IntegerField(min_value=1, default=1, help_text=_("页码，从 1 开始"))
    size = serializers.IntegerField(
        min_value=1, default=PAGE_SIZE_DEFAULT, help_text=_("每页条数，最多 100（管理后台可调）")
    )
    format = serializers.ChoiceField(choices=("csv", "xlsx"), required=False, help_text=_("下载格式：csv 或 xlsx"))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        most = credit_rules().page_size_max
        if attrs["size"] > most:
            raise ValidationError({"size": [_("每页最多 %(n)s 条。") % {"n": most}]})
        return attrs


class CreditEntrySerializer(serializers.Serializer):
    number = serializers.CharField(help_text=_("编号"))
    list = serializers.ChoiceField(
        choices=CreditList.values, help_text=_("red 红名单（守信激励）；black 黑名单（严重失信）")
    )
    name = serializers.CharField(help_text=_("主体名称"))
    uscc = serializers.CharField(help_text=_("统一社会信用代码"))
    subject = serializers.ChoiceField(choices=["institution", "company"], help_text=_("金融机构或企业"))
    basis = serializers.CharField(help_text=_("法律依据（条款）"))
    # A response field named source, not Field.source
    source = serializers.ChoiceField(choices=CreditEntry.Source.values, help_text=_("认定来源"))  # type: ignore[assignment]
    document = serializers.CharField(help_text=_("决定书或判决书文号"))
    department = serializers.CharField(help_text=_("认定部门"))
    decided_on = serializers.DateField()
    valid_from = serializers.DateField()
    valid_until = serializers.DateField(help_text=_("公示的最后一天"))


class CreditPageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text=_("命中总数"))
    page = serializers.IntegerField()
    size = serializers.IntegerField()
    valid_on = serializers.DateField()
    results = CreditEntrySerializer(many=True)


class PublicCreditView(APIView):
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = _NoFormatOverride

    @extend_schema(
        operation_id="public_credit_list",
        summary=_("查询红黑名单"),
        description=_(
            "列出在指定日期（默认今天）有效、已公示的红黑名单中的机构和企业；自然人不公开。"
            "format=csv/xlsx 按当前条件整批下载。"
        ),
        parameters=[CreditParams],
        responses={
            (200, "application/json"): CreditPageSerializer,
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY,
            400: OpenApiResponse(ErrorSerializer, description=_("参数有误")),
            429: OpenApiResponse(ErrorSerializer, description=_("请求过于频繁")),
        },
        auth=[],
    )
    def get(self, request: Request) -> Any:
        params = CreditParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        day = data.get("valid_on") or today()
        filters = selectors.PublicFilters(
            list=data.get("list", ""), name=data.get("name", ""), uscc=data.get("uscc", ""), valid_on=day
        )
        rows = selectors.public_entries(filters)
        fmt = data.get("format")
        if fmt:
            throttle = AnonymousExportThrottle()
            if not throttle.allow_request(request, self):
                self.throttled(request, throttle.wait() or 0)
            trail.record_export(request, filename=f"public-credit.{fmt}")
            return export_response(
                rows=rows[:EXPORT_MAX_ROWS].iterator(chunk_size=2000),
                columns=public_columns(),
                fmt=fmt,
                filename=f"public-credit-{day:%Y%m%d}",
                title="红黑名单",
            )
        page, size = data["page"], data["size"]
        found = list(rows[(page - 1) * size : page * size])
        body = {
            "count": rows.count(),
            "page": page,
            "size": size,
            "valid_on": day,
            "results": [public_json(e) for e in found],
        }
        return Response(CreditPageSerializer(body).data)
