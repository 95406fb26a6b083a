"""The disputes API (read): the caller's disputes, one dispute, the public list of mediation bodies,
and the mediation statistics for regulators. Changes go through the pages' services.

A dispute the caller may not see answers 404 exactly like one that does not exist.
"""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xiaobao.accounts.access import user_of
from xiaobao.accounts.models import User
from xiaobao.core.api import CaseDateField, ErrorSerializer
from xiaobao.disputes import access, selectors
from xiaobao.disputes.models import Dispute, DisputeDeadline, MediationBody, MediationSession

NOT_FOUND = OpenApiResponse(ErrorSerializer, description=_("纠纷不存在，或不在您的查看范围内"))
UNAUTHORISED = OpenApiResponse(ErrorSerializer, description=_("未登录，或令牌无效"))
PAGE_OUT_OF_RANGE = OpenApiResponse(ErrorSerializer, description=_("页码超出范围"))


class DeadlineSerializer(serializers.ModelSerializer):
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = DisputeDeadline
        fields = ["kind", "party", "start_date", "due_date", "closed_at", "overdue"]

    def get_overdue(self, obj: DisputeDeadline) -> bool:
        return obj.is_overdue()


class SessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = MediationSession
        fields = ["starts_at", "mode", "place", "record", "recorded_at"]


class DisputeListSerializer(serializers.ModelSerializer):
    complaint = serializers.CharField(source="complaint.number")
    institution = serializers.CharField(source="complaint.institution.name")
    body = serializers.CharField(source="body.name", allow_null=True, default=None)

    class Meta:
        model = Dispute
        fields = [
            "number",
            "complaint",
            "institution",
            "path",
            "origin",
            "status",
            "small_claim",
            "claim_amount",
            "body",
            "created_at",
            "closed_at",
        ]


class DisputeDetailSerializer(DisputeListSerializer):
    mediator = serializers.CharField(source="mediator.user.display_name", allow_null=True, default=None)
    deadlines = DeadlineSerializer(many=True)
    sessions = SessionSerializer(many=True)

    class Meta(DisputeListSerializer.Meta):
        fields = [
            *DisputeListSerializer.Meta.fields,
            "request",
            "mode",
            "mediator",
            "answered_at",
            "decline_reason",
            "terms",
            "agreed_amount",
            "payment_due",
            "agreed_at",
            "performed_at",
            "outcome_note",
            "court",
            "confirmation",
            "confirmation_on",
            "forum",
            "case_number",
            "referred_on",
            "decided_on",
            "awarded_amount",
            "deadlines",
            "sessions",
        ]


class DisputeListView(generics.ListAPIView):
    serializer_class = DisputeListSerializer

    @extend_schema(
        summary=_("我的纠纷"),
        description=_("调用方可见的纠纷：投诉人本人的、针对本机构的、分派给本调解员的、本部门监管范围内的。"),
        parameters=[
            OpenApiParameter("status", str, enum=Dispute.Status.values, description=_("状态")),
            OpenApiParameter("path", str, enum=Dispute.Path.values, description=_("化解途径")),
        ],
        responses={200: DisputeListSerializer(many=True), 401: UNAUTHORISED, 404: PAGE_OUT_OF_RANGE},
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        return selectors.dispute_list_for(
            user=user_of(self.request), status=params.get("status", ""), path=params.get("path", "")
        )


class DisputeDetailView(APIView):
    @extend_schema(
        summary=_("纠纷详情"),
        responses={200: DisputeDetailSerializer, 401: UNAUTHORISED, 404: NOT_FOUND},
    )
    def get(self, request: Request, dispute_number: str) -> Response:
        # Named apart from the complaints' <number>: a dispute number is not a complaint number.
        dispute = access.get_dispute_for(user_of(request), dispute_number)
        return Response(DisputeDetailSerializer(dispute).data)


class BodySerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id")
    sectors = serializers.ListField(source="sector_list", child=serializers.CharField())

    class Meta:
        model = MediationBody
        fields = ["code", "name", "kind", "region", "sectors", "max_amount", "address", "phone", "hours"]


class BodyListView(generics.ListAPIView):
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    serializer_class = BodySerializer
    queryset = MediationBody.objects.filter(is_active=True).order_by("sort", "code")

    @extend_schema(
        summary=_("调解组织"),
        description=_("公开的调解组织名录：受理范围、地区、联系方式和办公时间。"),
        responses={200: BodySerializer(many=True), 404: PAGE_OUT_OF_RANGE},
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)


class StatsRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    applications = serializers.IntegerField()
    answered = serializers.IntegerField()
    accepted = serializers.IntegerField()
    concluded = serializers.IntegerField()
    agreed = serializers.IntegerField()
    performed = serializers.IntegerField()
    acceptance_rate = serializers.FloatField(allow_null=True)
    success_rate = serializers.FloatField(allow_null=True)
    median_days = serializers.FloatField(allow_null=True)
    amount_agreed = serializers.DecimalField(max_digits=16, decimal_places=2)
    amount_recovered = serializers.DecimalField(max_digits=16, decimal_places=2)


class StatsQuerySerializer(serializers.Serializer):
    start = CaseDateField(required=False)
    end = CaseDateField(required=False)
    by = serializers.ChoiceField(choices=["body", "institution", "type"], required=False, default="body")


class StatsView(APIView):
    @extend_schema(
        summary=_("调解统计"),
        description=_("按调解组织、金融机构或机构类型统计的调解受理率、成功率、办理天数和金额；仅限监管部门。"),
        parameters=[StatsQuerySerializer],
        responses={
            200: StatsRowSerializer(many=True),
            400: OpenApiResponse(ErrorSerializer, description=_("参数有误")),
            401: UNAUTHORISED,
            403: OpenApiResponse(ErrorSerializer, description=_("仅限监管部门")),
        },
    )
    def get(self, request: Request) -> Response:
        if user_of(request).role not in (User.Role.REGULATOR, User.Role.ADMIN):
            raise PermissionDenied(_("调解统计仅供监管部门查看。"))
        query = StatsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        end: date = query.validated_data.get("end") or timezone.localdate()
        start: date = query.validated_data.get("start") or date(end.year - 1, end.month, 1)
        if start > end:
            raise ApiValidationError({"start": [_("起始日期不能晚于截止日期。")]})
        rows = selectors.mediation_stats(start=start, end=end, by=query.validated_data["by"])
        return Response(StatsRowSerializer(rows, many=True).data)
