"""The public API of the complaint database: search and export, trends, per-institution statistics.

No sign-in: everything here reads only the scrubbed projection. Parameter names follow the CFPB
consumer complaint database's search API where they fit (search_term, field, date_received_min,
company, timely, has_narrative, sort, page, size, format); they are a contract with other systems.
"""

import json
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from xiaobao.accounts.throttles import AnonymousExportThrottle
from xiaobao.audit import trail
from xiaobao.complaints.models import Complaint
from xiaobao.core.api import CaseDateField, CodeNameSerializer, ErrorSerializer, PublicAPIView
from xiaobao.disclosure import search, selectors
from xiaobao.disclosure.exports import public_columns, public_rows_json
from xiaobao.disclosure.models import PublicComplaint
from xiaobao.disclosure.rules import disclosure_settings
from xiaobao.lib.export import XLSX_CONTENT_TYPE, export_response

FORMATS = ("json", "csv", "xlsx")
PAGE_SIZE_DEFAULT = 25
HIGHLIGHT_CHARS = 400


# ---------------------------------------------------------------------------------------------
# Parameters


class FilterParams(serializers.Serializer):
    search_term = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text=_("检索词，中文按词切分后全部命中")
    )
    field = serializers.ChoiceField(
        choices=search.FIELDS,
        default=search.FIELD_ALL,
        help_text=_("检索范围：all 全部，complaint_what_happened 仅投诉内容，company 机构名称"),
    )
    date_received_min = CaseDateField(required=False, help_text=_("收到日期起（含）"))
    date_received_max = CaseDateField(required=False, help_text=_("收到日期止（含）"))
    company = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, help_text=_("机构名称，可重复")
    )
    business = serializers.ListField(
        child=serializers.CharField(max_length=20), required=False, help_text=_("业务类别代码（含下级），可重复")
    )
    cause = serializers.ListField(
        child=serializers.CharField(max_length=20), required=False, help_text=_("投诉原因代码，可重复")
    )
    region = serializers.ListField(
        child=serializers.CharField(max_length=6), required=False, help_text=_("地区代码（市或县），可重复")
    )
    channel = serializers.ListField(
        child=serializers.CharField(max_length=20), required=False, help_text=_("办理渠道代码，可重复")
    )
    submitted_via = serializers.ListField(
        child=serializers.ChoiceField(choices=Complaint.Via.choices), required=False, help_text=_("投诉渠道，可重复")
    )
    outcome = serializers.ListField(
        child=serializers.ChoiceField(choices=PublicComplaint.Outcome.choices),
        required=False,
        help_text=_("处理结果，可重复"),
    )
    company_response = serializers.ListField(
        child=serializers.ChoiceField(choices=PublicComplaint.Response.choices),
        required=False,
        help_text=_("机构答复，可重复"),
    )
    timely = serializers.BooleanField(required=False, allow_null=True, default=None, help_text=_("是否按时答复"))
    has_narrative = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text=_("是否公开了投诉内容")
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        low, high = attrs.get("date_received_min"), attrs.get("date_received_max")
        if low and high and low > high:
            raise ValidationError({"date_received_max": [_("结束日期不能早于开始日期。")]})
        return attrs

    def filters(self) -> selectors.PublicFilters:
        data = dict(self.validated_data)
        for key in ("sort", "page", "size", "format", "no_aggs", "interval", "lens", "top", "order"):
            data.pop(key, None)
        data["search_field"] = data.pop("field", search.FIELD_ALL)
        return selectors.PublicFilters(**data)


class SearchParams(FilterParams):
    sort = serializers.ChoiceField(choices=selectors.SORTS, default="created_date_desc", help_text=_("排序"))
    page = serializers.IntegerField(min_value=1, default=1, help_text=_("页码，从 1 开始"))
    size = serializers.IntegerField(
        min_value=1, default=PAGE_SIZE_DEFAULT, help_text=_("每页条数，最多 100（管理后台可调）")
    )
    format = serializers.ChoiceField(
        choices=FORMATS, required=False, help_text=_("导出格式：csv、xlsx 或 json（整批下载，有行数上限）")
    )
    no_aggs = serializers.BooleanField(default=False, help_text=_("为 true 时不返回分面统计"))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        rules = disclosure_settings()
        if attrs["size"] > rules.page_size_max:
            raise ValidationError({"size": [_("每页最多 %(n)s 条。") % {"n": rules.page_size_max}]})
        if attrs["page"] * attrs["size"] > rules.result_window_max:
            raise ValidationError(
                {"page": [_("只能翻阅前 %(n)s 条结果，请缩小检索范围或导出。") % {"n": rules.result_window_max}]}
            )
        return attrs


class TrendParams(FilterParams):
    interval = serializers.ChoiceField(choices=list(selectors.INTERVALS), default="month", help_text=_("时间粒度"))
    lens = serializers.ChoiceField(
        choices=selectors.TREND_LENSES, default="overview", help_text=_("分组：总体、业务大类、机构或地区")
    )
    top = serializers.IntegerField(min_value=1, max_value=20, default=5, help_text=_("分组时取前几名"))


class InstitutionParams(FilterParams):
    order = serializers.ChoiceField(
        choices=("complaints", "per_customers"), default="complaints", help_text=_("排序：投诉量或每万名客户投诉量")
    )
    top = serializers.IntegerField(min_value=1, max_value=500, required=False, help_text=_("只返回前 N 家"))


def _params(serializer_class: type[FilterParams], request: Request) -> FilterParams:
    params = serializer_class(data=request.query_params)
    params.is_valid(raise_exception=True)
    return params


# ---------------------------------------------------------------------------------------------
# Answers


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string", "example": "<10"}]})
class CountField(serializers.Field):
    """A count as the public sees it: a number, or "<10" under the small-number threshold."""

    def to_representation(self, value: Any) -> Any:
        return value


class HighlightSerializer(serializers.Serializer):
    summary = serializers.CharField(help_text=_("HTML，命中的词以 <mark> 标出"))
    complaint_what_happened = serializers.CharField(help_text=_("HTML，命中的词以 <mark> 标出"))


class PublicComplaintSerializer(serializers.Serializer):
    complaint_id = serializers.CharField(help_text=_("投诉编号"))
    date_received = serializers.DateField()
    date_sent_to_company = serializers.DateField(allow_null=True)
    date_answered = serializers.DateField(allow_null=True)
    date_closed = serializers.DateField(allow_null=True)
    company = serializers.CharField()
    company_group = serializers.CharField()
    product = CodeNameSerializer(help_text=_("业务大类"))
    business = CodeNameSerializer()
    cause = CodeNameSerializer(allow_null=True)
    channel = CodeNameSerializer(allow_null=True)
    submitted_via = serializers.CharField()
    region = serializers.DictField(child=serializers.CharField(), allow_null=True)
    company_response = serializers.ChoiceField(choices=PublicComplaint.Response.choices)
    company_response_label = serializers.CharField()
    outcome = serializers.CharField(allow_null=True)
    timely = serializers.BooleanField(allow_null=True)
    days_to_answer = serializers.IntegerField(allow_null=True)
    review_requested = serializers.BooleanField()
    mediation = serializers.BooleanField()
    has_narrative = serializers.BooleanField()
    summary = serializers.CharField(allow_blank=True)
    complaint_what_happened = serializers.CharField(allow_blank=True, help_text=_("去除个人信息后的投诉内容"))
    highlight = HighlightSerializer(required=False)


class FacetSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a response field named label, not Field.label
    count = CountField()


class SearchPageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text=_("命中总数"))
    page = serializers.IntegerField()
    size = serializers.IntegerField()
    data_last_updated = serializers.DateTimeField(allow_null=True)
    results = PublicComplaintSerializer(many=True)
    facets = serializers.DictField(child=FacetSerializer(many=True), required=False)


class TrendRowSerializer(serializers.Serializer):
    period = serializers.DateField()
    key = serializers.CharField(required=False)
    label = serializers.CharField(required=False)  # type: ignore[assignment]  # as above
    count = CountField()


class TrendsSerializer(serializers.Serializer):
    interval = serializers.CharField()
    lens = serializers.CharField()
    data_last_updated = serializers.DateTimeField(allow_null=True)
    rows = TrendRowSerializer(many=True)


class InstitutionRowSerializer(serializers.Serializer):
    institution = serializers.CharField()
    complaints = serializers.IntegerField()
    personal_customers = serializers.IntegerField(allow_null=True)
    outlets = serializers.IntegerField(allow_null=True)
    per_10k_customers = serializers.FloatField(allow_null=True)
    per_100_outlets = serializers.FloatField(allow_null=True)
    per_10bn_deposits = serializers.FloatField(allow_null=True)
    timely_share = serializers.FloatField(allow_null=True)
    upheld_rate = serializers.FloatField(allow_null=True)
    median_days_to_answer = serializers.FloatField(allow_null=True)
    satisfaction_avg = serializers.FloatField(allow_null=True)
    satisfied_share = serializers.FloatField(allow_null=True)
    review_rate = serializers.FloatField(allow_null=True)
    mediation_rate = serializers.FloatField(allow_null=True)
    rank_complaints = serializers.IntegerField()
    rank_per_customers = serializers.IntegerField(allow_null=True)


class InstitutionsSerializer(serializers.Serializer):
    min_complaints = serializers.IntegerField(help_text=_("列入排名的最少投诉量"))
    data_last_updated = serializers.DateTimeField(allow_null=True)
    rows = InstitutionRowSerializer(many=True)


def result_json(row: PublicComplaint, tokens: list[str]) -> dict[str, Any]:
    data = public_rows_json(row)
    if tokens:
        data["highlight"] = {
            "summary": search.highlight(row.summary, tokens),
            "complaint_what_happened": search.highlight(row.narrative, tokens, limit=HIGHLIGHT_CHARS),
        }
    return data


def facets_json(filters: selectors.PublicFilters) -> dict[str, list[dict[str, Any]]]:
    rules = disclosure_settings()
    return {
        name: [{**item, "count": selectors.public_count(item["count"], rules)} for item in items]
        for name, items in selectors.facets(filters).items()
    }


_ERRORS = {400: OpenApiResponse(ErrorSerializer, description=_("参数有误"))}


class PublicComplaintsView(PublicAPIView):
    @extend_schema(
        operation_id="public_complaints_search",
        summary=_("检索公开投诉"),
        description=_(
            "检索去除个人信息后的公开投诉，附各筛选项的分面统计（小于 10 的计数显示为“<10”）。"
            "format=csv/xlsx/json 按当前条件整批导出，行数有上限（默认 10 万行，未登录 1 万行），"
            "未登录时每小时导出次数也有上限；更多数据请下载每日全量文件。"
        ),
        parameters=[SearchParams],
        responses={
            (200, "application/json"): PolymorphicProxySerializer(
                component_name="PublicSearchOrExport",
                serializers=[SearchPageSerializer, PublicComplaintSerializer(many=True)],
                resource_type_field_name=None,
                many=False,
            ),
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY,
            **_ERRORS,
            429: OpenApiResponse(ErrorSerializer, description=_("请求过于频繁")),
        },
        auth=[],
    )
    def get(self, request: Request) -> Any:
        params = _params(SearchParams, request)
        data = params.validated_data
        filters = params.filters()
        fmt = data.get("format")
        if fmt:
            throttle = AnonymousExportThrottle()
            if not throttle.allow_request(request, self):
                self.throttled(request, throttle.wait() or 0)
            trail.record_export(request, filename=f"public-complaints.{fmt}")
            return export(filters, fmt, anonymous=not request.user.is_authenticated)
        found = selectors.public_search(filters, sort=data["sort"], page=data["page"], size=data["size"])
        body: dict[str, Any] = {
            "count": found.total,
            "page": found.page,
            "size": found.size,
            "data_last_updated": selectors.data_last_updated(),
            "results": [result_json(r, found.tokens) for r in found.rows],
        }
        if not data["no_aggs"]:
            body["facets"] = facets_json(filters)
        return Response(SearchPageSerializer(body).data)


def export_cap(*, anonymous: bool) -> int:
    """How many rows one export may hold: fewer for a caller who has not signed in."""
    rules = disclosure_settings()
    if anonymous:
        return min(rules.export_max_rows, rules.anonymous_export_max_rows)
    return rules.export_max_rows


def export(filters: selectors.PublicFilters, fmt: str, *, anonymous: bool) -> Any:
    """The filtered complaints as a download, capped at the configured number of rows."""
    cap = export_cap(anonymous=anonymous)
    rows = selectors.ordered_for_export(filters)[:cap]
    filename = f"public-complaints-{timezone.localdate():%Y%m%d}"
    if fmt == "json":
        response = StreamingHttpResponse(_json_lines(rows.iterator(chunk_size=2000)), content_type="application/json")
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=f"{filename}.json")
        return response
    return export_response(
        rows=rows.iterator(chunk_size=2000), columns=public_columns(), fmt=fmt, filename=filename, title="公开投诉"
    )


def _json_lines(rows: Iterator[PublicComplaint]) -> Iterator[bytes]:
    yield b"["
    for i, row in enumerate(rows):
        yield (b"," if i else b"") + json.dumps(public_rows_json(row), ensure_ascii=False, default=str).encode()
    yield b"]"


class PublicComplaintDetailView(PublicAPIView):
    @extend_schema(
        operation_id="public_complaint_detail",
        summary=_("查看一件公开投诉"),
        responses={200: PublicComplaintSerializer, 404: OpenApiResponse(ErrorSerializer, description=_("未公开"))},
        auth=[],
    )
    def get(self, request: Request, complaint_id: str) -> Response:
        try:
            row = selectors.public_complaint(complaint_id)
        except ObjectDoesNotExist:
            raise Http404 from None
        return Response(PublicComplaintSerializer(public_rows_json(row)).data)


class PublicTrendsView(PublicAPIView):
    @extend_schema(
        summary=_("公开投诉趋势"),
        description=_("按日、周、月、季度或年统计投诉量，可按业务大类、机构或地区分组（取前几名）。"),
        parameters=[TrendParams],
        responses={200: TrendsSerializer, **_ERRORS},
        auth=[],
    )
    def get(self, request: Request) -> Response:
        params = _params(TrendParams, request)
        data = params.validated_data
        rules = disclosure_settings()
        rows = selectors.trends(interval=data["interval"], filters=params.filters(), lens=data["lens"], top=data["top"])
        body = {
            "interval": data["interval"],
            "lens": data["lens"],
            "data_last_updated": selectors.data_last_updated(),
            "rows": [{**r, "count": selectors.public_count(r["count"], rules)} for r in rows],
        }
        return Response(TrendsSerializer(body).data)


class PublicInstitutionsView(PublicAPIView):
    @extend_schema(
        summary=_("机构投诉统计"),
        description=_(
            "每家机构在所选期间（date_received_min/max）的投诉量、每万名个人客户投诉量、每百个网点投诉量、"
            "按时答复率、支持率、答复用时中位数、满意度、核查与调解比例及排名；投诉量不足下限（默认 30）的机构不列出。"
        ),
        parameters=[InstitutionParams],
        responses={200: InstitutionsSerializer, **_ERRORS},
        auth=[],
    )
    def get(self, request: Request) -> Response:
        params = _params(InstitutionParams, request)
        data = params.validated_data
        rules = disclosure_settings()
        rows = selectors.institution_stats(filters=params.filters(), order=data["order"], top=data.get("top"))
        body = {
            "min_complaints": rules.institution_min_complaints,
            "data_last_updated": selectors.data_last_updated(),
            "rows": rows,
        }
        return Response(InstitutionsSerializer(body).data)
