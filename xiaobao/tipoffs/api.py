"""The reporting API: file a report, and follow it with the receipt.

Both endpoints are public and take no credentials at all: an account or a token would tie a report
to a person, which the anonymous channel must not do. Each is rate limited per client, with the
same limits as the web pages (the counter is a hashed, expiring cache key: nothing is kept after).
A receipt that is wrong, malformed or unknown answers one and the same 404.
"""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import is_ratelimited
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xiaobao.core.api import ErrorSerializer
from xiaobao.core.parsers import BoundedJSONParser
from xiaobao.tipoffs import services
from xiaobao.tipoffs.forms import clean_receipt
from xiaobao.tipoffs.models import Report
from xiaobao.tipoffs.serializers import (
    LookupSerializer,
    ReportCreatedSerializer,
    ReportCreateSerializer,
    ReportStatusSerializer,
)
from xiaobao.tipoffs.views import (
    REPORTER_STATUS_TEXT,
    WRONG_RECEIPT,
    receipt_rate,
    report_rate,
    reporter_messages,
)

TOO_MANY = OpenApiResponse(ErrorSerializer, description=_("同一客户端请求过于频繁，请稍后再试"))


def _throttle(request: Request, group: str, rate: Any) -> None:
    # Counted before anything is checked, so every guess at a receipt costs an attempt.
    if is_ratelimited(request._request, group=group, key="ip", rate=rate, method="POST", increment=True):
        raise exceptions.Throttled(detail=_("请求过于频繁，请稍后再试。"))


class PublicView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]


class ReportCreateView(PublicView):
    parser_classes = [BoundedJSONParser, MultiPartParser, FormParser]

    @extend_schema(
        summary=_("提交非法集资举报"),
        description=_(
            "无需登录。匿名举报（anonymous=true）不保存任何联系方式；实名举报须填写姓名，以及电话或电子邮箱，可申请奖励。"
            "返回的16位回执号 receipt 只在这次返回、平台不保存，凭它查询办理情况和留言。"
            "证据文件用 multipart/form-data 的 evidence 字段上传（可多个）。同一客户端每小时的举报数有限制。"
        ),
        request=ReportCreateSerializer,
        responses={
            201: OpenApiResponse(ReportCreatedSerializer, description=_("已收到")),
            400: OpenApiResponse(ErrorSerializer, description=_("请求内容有误")),
            429: TOO_MANY,
        },
        examples=[
            OpenApiExample(
                _("匿名举报"),  # type: ignore[arg-type]  # drf-spectacular types the name as str; a lazy one works
                request_only=True,
                value={
                    "subject_kind": "company",
                    "subject_name": "吉林某某养老服务有限公司",
                    "subject_region": "220102",
                    "scheme": "在免费健康讲座上发宣传单，称投资养老公寓保本保息，年息18%，稳赚不赔。",
                    "promised_return": "18.00",
                    "collecting_accounts": "6222 0000 1111 2222",
                    "anonymous": True,
                },
            )
        ],
        auth=[],
    )
    def post(self, request: Request) -> Response:
        _throttle(request, "tipoffs:report", report_rate)
        serializer = ReportCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        report, receipt = services.report_submit(by=None, **data)
        body = ReportCreatedSerializer({"number": report.number, "receipt": receipt, "status": report.status}).data
        response = Response(body, status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "no-store"
        return response


def status_data(report: Report) -> dict[str, Any]:
    reward = getattr(report, "reward", None) if hasattr(report, "reward") else None
    return {
        "number": report.number,
        "status": report.status,
        "status_display": report.get_status_display(),
        "explanation": str(REPORTER_STATUS_TEXT.get(report.status, "")),
        "messages": reporter_messages(report),
        "reward": reward,
    }


class ReportLookupView(PublicView):
    @extend_schema(
        summary=_("凭回执号查询举报"),
        description=_(
            "无需登录。返回状态、状态的白话说明、举报人与工作人员之间的留言和奖励决定；不含工作人员的内部记录。"
            "回执号错误和不存在时返回完全相同的 404。与网页查询共用频率限制。"
        ),
        request=LookupSerializer,
        responses={
            200: ReportStatusSerializer,
            400: OpenApiResponse(ErrorSerializer, description=_("缺少回执号")),
            404: OpenApiResponse(ErrorSerializer, description=_("回执号不正确或不存在")),
            429: TOO_MANY,
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        _throttle(request, "tipoffs:receipt", receipt_rate)
        serializer = LookupSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            report = services.report_for_receipt(clean_receipt(serializer.validated_data["receipt"]))
        except DjangoValidationError:
            report = None
        if report is None:
            raise exceptions.NotFound(detail=WRONG_RECEIPT)
        response = Response(ReportStatusSerializer(status_data(report)).data)
        response["Cache-Control"] = "no-store"
        return response
