"""The complaints API: list, file, read, and every transition, for other departments' systems.

Each endpoint is parse → access → service → render. Access always goes through
access.get_complaint_for, so a complaint the caller may not see answers 404 exactly like one that
does not exist; a complaint the caller sees but may not act on answers 403 with the service's reason.
"""

from typing import Any, TypedDict

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from django_stubs_ext import StrOrPromise, WithAnnotations
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xiaobao.accounts.access import user_of
from xiaobao.accounts.models import User
from xiaobao.complaints import services
from xiaobao.complaints.access import (
    Party,
    complaints_for,
    get_complaint_for,
    messages_for,
    party_of,
    reading_party,
    timeline_for,
)
from xiaobao.complaints.models import Complaint, Deadline
from xiaobao.complaints.serializers import (
    PERSONAL_FIELDS,
    AnswerSerializer,
    ComplaintCreatedSerializer,
    ComplaintCreateSerializer,
    ComplaintDetailSerializer,
    ComplaintListSerializer,
    ExtendSerializer,
    FeedbackSerializer,
    FollowUpSerializer,
    MessageCreateSerializer,
    MessageSerializer,
    NoteSerializer,
    OptionalReasonSerializer,
    ReasonSerializer,
    RefuseSerializer,
    ReviewSerializer,
    SurveySerializer,
    TransferSerializer,
)
from xiaobao.core.api import ErrorSerializer
from xiaobao.registry.models import Institution
from xiaobao.registry.selectors import institution_descendant_ids

IDEMPOTENCY_HEADER = "Idempotency-Key"
# The column that stores the key is 80 characters wide (Complaint.idempotency_key).
_idempotency_key_field = serializers.CharField(max_length=80, allow_blank=True, trim_whitespace=True)

ERROR_RESPONSES = {
    400: OpenApiResponse(ErrorSerializer, description=_("请求内容有误，或投诉当前状态不允许此操作")),
    401: OpenApiResponse(ErrorSerializer, description=_("未登录，或令牌无效")),
    403: OpenApiResponse(ErrorSerializer, description=_("可以查看该投诉，但无权执行此操作")),
    404: OpenApiResponse(ErrorSerializer, description=_("投诉不存在，或不在您的查看范围内")),
}
REVEAL_PARAMETER = OpenApiParameter(
    "reveal",
    str,
    OpenApiParameter.QUERY,
    enum=["personal"],
    description=_("工作人员查看投诉人完整个人信息；每次查看都会留痕"),
)
IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    {"type": "string", "maxLength": 80},
    OpenApiParameter.HEADER,
    description=_("同一用户以相同的键重复提交时，返回第一次创建的投诉（200），不会重复创建"),
)


def _client_ip(request: Request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def detail_data(request: Request, complaint: Complaint, *, reveal: bool = False) -> dict[str, Any]:
    """The complaint as the caller's party sees it. The complainant reads their own data in full;
    staff read it masked unless they ask, and every such read is written to the audit trail."""
    user = user_of(request)
    party = party_of(user, complaint)
    full = party == Party.CONSUMER
    if reveal and not full and user.is_staff_member:
        services.personal_data_read(
            complaint=complaint, by=user, fields=PERSONAL_FIELDS, purpose="api", ip=_client_ip(request)
        )
        full = True
    context = {
        "party": party,
        "full_personal": full,
        "timeline": timeline_for(reading_party(user, complaint), complaint),
    }
    return ComplaintDetailSerializer(complaint, context=context).data


# ---------------------------------------------------------------------------------------------
# List and create


class Overdue(TypedDict):
    overdue: bool  # annotated on the list's queryset (ComplaintListView.get_queryset)


def overdue_subquery() -> Exists:
    """An open regulator or institution deadline whose due date has passed: the list twin of
    ComplaintDetailSerializer.get_overdue, computed in the database for filtering and paging."""
    late = Deadline.objects.filter(
        complaint=OuterRef("pk"), closed_at__isnull=True, due_date__lt=timezone.localdate()
    ).exclude(party=Deadline.Party.CONSUMER)
    return Exists(late)


class ComplaintFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Complaint.Status.choices, help_text=_("状态"))
    received_from = filters.DateFilter(
        field_name="received_at", lookup_expr="date__gte", help_text=_("收到日期不早于（含）")
    )
    received_to = filters.DateFilter(
        field_name="received_at", lookup_expr="date__lte", help_text=_("收到日期不晚于（含）")
    )
    institution = filters.CharFilter(
        method="filter_institution", help_text=_("机构统一社会信用代码；包括其下属分支机构的投诉")
    )
    overdue = filters.BooleanFilter(method="filter_overdue", help_text=_("true：只看有超期未办时限的投诉"))
    q = filters.CharFilter(method="filter_q", help_text=_("投诉编号或投诉事项包含的文字"))

    class Meta:
        model = Complaint
        fields: list[str] = []

    def filter_institution(self, queryset: QuerySet[Complaint], name: str, value: str) -> QuerySet[Complaint]:
        institution = Institution.objects.filter(uscc=value.strip().upper()).first()
        if institution is None:
            return queryset.none()
        return queryset.filter(institution_id__in=institution_descendant_ids(institution))

    # Quoted: WithAnnotations with a TypedDict is for the type checker and fails when evaluated.
    @extend_schema_field(OpenApiTypes.BOOL)
    def filter_overdue(
        self, queryset: "QuerySet[WithAnnotations[Complaint, Overdue]]", name: str, value: bool
    ) -> "QuerySet[WithAnnotations[Complaint, Overdue]]":
        return queryset.filter(overdue=value)

    def filter_q(self, queryset: QuerySet[Complaint], name: str, value: str) -> QuerySet[Complaint]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(number__icontains=value) | Q(summary__icontains=value))


class ComplaintPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200  # one page stays cheap to render; larger pulls go through exports


class ComplaintListView(generics.ListAPIView):
    serializer_class = ComplaintListSerializer
    pagination_class = ComplaintPagination
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = ComplaintFilter

    def get_queryset(self) -> QuerySet[Complaint]:
        return (
            complaints_for(user_of(self.request))
            .select_related("institution", "authority", "business")
            .annotate(overdue=overdue_subquery())
            # A list shows a masked name and phone only: the other encrypted columns are never decrypted.
            .defer("id_number", "email", "address", "narrative", "decision", "review_result")
            .order_by("-received_at", "-id")
        )

    @extend_schema(
        summary=_("投诉列表"),
        description=_(
            "调用者可见的投诉：投诉人本人的、机构及其分支机构的（已转办）、监管部门辖下的。列表中的个人信息已部分隐去。"
        ),
        responses={
            200: ComplaintListSerializer(many=True),
            400: OpenApiResponse(ErrorSerializer, description=_("筛选条件有误")),
            401: ERROR_RESPONSES[401],
            404: OpenApiResponse(ErrorSerializer, description=_("页码超出范围")),
        },
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary=_("提交投诉"),
        description=_(
            "投诉人本人提交，或监管部门工作人员代为登记（此时返回一次性的查询码 access_code，请告知投诉人）。"
        ),
        request=ComplaintCreateSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={
            201: OpenApiResponse(ComplaintCreatedSerializer, description=_("已创建")),
            200: OpenApiResponse(ComplaintCreatedSerializer, description=_("相同幂等键的重复提交：返回原投诉")),
            400: OpenApiResponse(ErrorSerializer, description=_("请求内容有误")),
            401: ERROR_RESPONSES[401],
            403: OpenApiResponse(ErrorSerializer, description=_("该账户不能登记投诉")),
        },
    )
    def post(self, request: Request) -> Response:
        try:
            key = _idempotency_key_field.run_validation(request.headers.get(IDEMPOTENCY_HEADER, ""))
        except ValidationError as exc:
            raise ValidationError({IDEMPOTENCY_HEADER: exc.detail}) from None
        serializer = ComplaintCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        fields = {
            "by": request.user,
            "via": Complaint.Via.API,
            "institution": data["institution"],
            "business": data["business"],
            "product": data.get("product"),
            "channel": data.get("channel"),
            "cause": data.get("cause"),
            "summary": data["summary"],
            "narrative": data["narrative"],
            "complainant_name": data["complainant_name"],
            "phone": data["phone"],
            "id_number": data["id_number"],
            "email": data.get("email", ""),
            "address": data["address"],
            "region": data.get("region"),
            "rights": data.get("rights", []),
            "demands": data.get("demands", []),
            "tags": data.get("tags", []),
            "amount": data.get("amount"),
            "consent_publish": data["consent_publish"],
            "idempotency_key": key,
        }
        try:
            complaint, code, created = services.complaint_submit(**fields)
        except IntegrityError:
            if not key:
                raise
            # A concurrent request with the same key committed first: answer with its complaint.
            complaint, code, created = services.complaint_submit(**fields)
        body = ComplaintCreatedSerializer(complaint, context={"access_code": code}).data
        if not created:
            return Response(body, status=status.HTTP_200_OK)
        location = reverse("api:complaint-detail", kwargs={"number": complaint.number})
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": location})


# ---------------------------------------------------------------------------------------------
# Detail


class ComplaintDetailView(APIView):
    @extend_schema(
        summary=_("投诉详情"),
        description=_("含调用方可见的办理记录、各项时限及是否超期、是否按时答复。"),
        parameters=[REVEAL_PARAMETER],
        responses={200: ComplaintDetailSerializer, 401: ERROR_RESPONSES[401], 404: ERROR_RESPONSES[404]},
    )
    def get(self, request: Request, number: str) -> Response:
        complaint = get_complaint_for(user_of(request), number)
        reveal = request.query_params.get("reveal") == "personal"
        return Response(detail_data(request, complaint, reveal=reveal))


# ---------------------------------------------------------------------------------------------
# Transitions: one endpoint per service, each answering with the complaint as it now stands


class TransitionView(APIView):
    # Subclasses name the request shape and the service call; access, validation and the answer are shared.
    request_serializer: type[serializers.Serializer]

    def act(self, *, complaint: Complaint, by: User, data: dict[str, Any]) -> Complaint:
        raise NotImplementedError

    def post(self, request: Request, number: str) -> Response:
        complaint = get_complaint_for(user_of(request), number)
        serializer = self.request_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        complaint = self.act(complaint=complaint, by=user_of(request), data=serializer.validated_data)
        return Response(detail_data(request, complaint))


def transition_schema(summary: StrOrPromise, request: type[serializers.Serializer], description: StrOrPromise) -> Any:
    return extend_schema(
        summary=summary,
        description=description,
        request=request,
        responses={200: ComplaintDetailSerializer, **ERROR_RESPONSES},
    )


@transition_schema(_("受理并转办机构"), NoteSerializer, _("监管部门受理投诉，转被投诉机构办理。"))
class AcceptView(TransitionView):
    request_serializer = NoteSerializer

    def act(self, *, complaint: Complaint, by: User, data: dict[str, Any]) -> Complaint:
        return services.complaint_accept(complaint=complaint, by=by, note=data["note"])


@transition_schema(_("不予受理"), RefuseSerializer, _("监管部门不予受理：选择理由代码，并向投诉人说明具体原因。"))
class RefuseView(TransitionView):
    request_serializer = RefuseSerializer

    def act(self, *, complaint: Complaint, by: User, data: dict[str, Any]) -> Complaint:
        return services.complaint_refuse(complaint=complaint, by=by, reason=data["reason"], note=data["note"])


@transition_schema(
    _("转办"), TransferSerializer, _("转至其他监管部门（authority）或其他机构（institution），二者至少选一。")
)
class TransferView(TransitionView):
    request_serializer = TransferSerializer

    def act(self, *, complaint: Complaint, by: User, data: dict[str, Any]) -> Complaint:
        try:
            return services.complaint_transfer(
                complaint=complaint,
                by=by,
                reason=data["reason"],
                to_authority=data.get("authority"),
                to_institution=data.get("institution"),
            )
        except DjangoValidationError as exc:
            # The service names its arguments to_authority / to_institution; the API's fields drop the prefix.
            if hasattr(exc, "error_dict"):
                renamed = {key.removeprefix("to_"): value for key, value in exc.message_dict.items()}
                raise DjangoValidationError(renamed) from None
            raise


@transition_schema(_("机构申请退回"), ReasonSerializer, _("不属于本机构办理的投诉退回监管部门重新转办。"))
class ReturnView(TransitionView):
    request_serializer = ReasonSerializer

    def act(self, *, complaint: Complaint, by: User, data: dict[str, Any]) -> Complaint:
        return services.complaint_return(complaint=complaint, by=by, reason=data["reason"])


@transition_schema(_("延长办理期限"), ExtendSerializer, _("复杂案件延至30日，特别复杂案件延至60日。"))
class ExtendView(TransitionView):
    request_serializer = ExtendSerializer

    def act(self, *, complaint: Complaint, by: User, data: dict[str, Any]) -> Complaint:
        return services.complaint_extend(
            complaint=complaint, by=by, tier=data["tier"], reason=data["reason"], note=data["note"]
        )


@transition_schema(
    _("机构答复"),
    AnswerSerializer,
    _("机构的处理决定：处理结果、核实情况与依据、补救措施，以及投诉人仍可选择的救济途径。"),
)
class AnswerView(TransitionView):
    request_serializer = AnswerSerializer

    def act(self, *, complaint: Complaint, by: User, data: dict[str, Any]) -> Complaint:
        return services.complaint_answer(
            complaint=complaint,
            by=by,
            outcome=data["outcome"],
            decision=data["decision"],
            remedy=data["remedy"],
            remedy_amount=data["remedy_amount"],
            remedies_open=data["remedies_open"],
        )


@transition_schema(_("投诉人反馈"), FeedbackSerializer, _("接受处理结果、申请核查（须说明理由）或申请调解。"))
class FeedbackView(TransitionView):
    request_serializer = FeedbackSerializer

    def act(self, *, complaint: Complaint, by: User, data: dict[str, Any]) -> Complaint:
        return services.complaint_feedback(complaint=complaint, by=by, choice=data["choice"], note=data["note"])


@transition_schema(
    _("核查结论"), ReviewSerializer, _("监管部门对申请核查的投诉作出结论：维持机构处理并办结，或退回机构重新办理。")
)
class ReviewView(TransitionView):
    request_serializer = ReviewSerializer

    def act(self, *, complaint: Complaint, by: User, data: dict[str, Any]) -> Complaint:
        return services.complaint_review_decide(
            complaint=complaint, by=by, upheld=data["upheld"], result=data["result"]
        )


@transition_schema(_("撤回投诉"), OptionalReasonSerializer, _("投诉人撤回尚未办结的投诉，当日终止办理。"))
class WithdrawView(TransitionView):
    request_serializer = OptionalReasonSerializer

    def act(self, *, complaint: Complaint, by: User, data: dict[str, Any]) -> Complaint:
        return services.complaint_withdraw(complaint=complaint, by=by, reason=data["reason"])


@transition_schema(_("督办"), ReasonSerializer, _("向机构发出督办通知，并开始督办回复时限。"))
class SuperviseView(TransitionView):
    request_serializer = ReasonSerializer

    def act(self, *, complaint: Complaint, by: User, data: dict[str, Any]) -> Complaint:
        services.complaint_supervise(complaint=complaint, by=by, reason=data["reason"])
        complaint.refresh_from_db()
        return complaint


@transition_schema(_("满意度评价"), SurveySerializer, _("办结后，投诉人按五级评价（5 非常满意 … 1 非常不满意）。"))
class SurveyView(TransitionView):
    request_serializer = SurveySerializer

    def act(self, *, complaint: Complaint, by: User, data: dict[str, Any]) -> Complaint:
        services.survey_submit(complaint=complaint, by=by, score=data["score"], comment=data["comment"])
        complaint.refresh_from_db()
        return complaint


@transition_schema(_("差评回访"), FollowUpSerializer, _("投诉人评价为不满意或非常不满意时，监管部门记录回访情况。"))
class FollowUpView(TransitionView):
    request_serializer = FollowUpSerializer

    def act(self, *, complaint: Complaint, by: User, data: dict[str, Any]) -> Complaint:
        return services.complaint_follow_up(complaint=complaint, by=by, result=data["result"])


# ---------------------------------------------------------------------------------------------
# Messages


class MessagesView(APIView):
    @extend_schema(
        summary=_("留言列表"),
        description=_("调用方可见的留言：投诉人只见与机构的往来，机构和监管部门另见各自的内部备注。"),
        responses={200: MessageSerializer(many=True), 401: ERROR_RESPONSES[401], 404: ERROR_RESPONSES[404]},
    )
    def get(self, request: Request, number: str) -> Response:
        complaint = get_complaint_for(user_of(request), number)
        messages = messages_for(party_of(user_of(request), complaint), complaint)
        return Response(MessageSerializer(messages, many=True).data)

    @extend_schema(
        summary=_("留言"),
        request=MessageCreateSerializer,
        responses={201: MessageSerializer, **ERROR_RESPONSES},
    )
    def post(self, request: Request, number: str) -> Response:
        complaint = get_complaint_for(user_of(request), number)
        serializer = MessageCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        message = services.message_post(
            complaint=complaint,
            by=user_of(request),
            thread=serializer.validated_data["thread"],
            body=serializer.validated_data["body"],
        )
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)
