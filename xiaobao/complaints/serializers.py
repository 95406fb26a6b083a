"""What the complaints API reads and writes.

Request serializers validate at the edge (codes exist, phone and ID numbers are well formed) and
hand typed values to the services; response serializers decide what each party sees. Personal
data leaves the server masked unless the view has decided the caller may read it in full.
"""

import re
from decimal import Decimal
from typing import Any, cast

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from xiaobao.complaints.access import Party
from xiaobao.complaints.models import Complaint, Deadline, Event, Message, Survey
from xiaobao.complaints.selectors import deadlines_for
from xiaobao.core.api import CodeField, CodeNameSerializer
from xiaobao.core.forms import LANDLINE_RE, MOBILE_RE
from xiaobao.lib.codes import is_valid_id_number
from xiaobao.lib.masking import mask_email, mask_id_number, mask_name, mask_phone
from xiaobao.products.models import Product
from xiaobao.registry.models import Authority, Category, Institution, Label, Region
from xiaobao.registry.selectors import institution_descendant_ids

PERSONAL_FIELDS = ("complainant_name", "phone", "id_number", "email", "address")
ADDRESS_VISIBLE_CHARS = 6  # enough for province and city, never the street or house number


def _categories(dimension: str) -> Any:
    return Category.objects.filter(dimension=dimension, is_active=True)


def _labels(kind: str) -> Any:
    return Label.objects.filter(kind=kind, is_active=True)


# ---------------------------------------------------------------------------------------------
# Requests


class ComplaintCreateSerializer(serializers.Serializer):
    institution = CodeField(
        slug_field="uscc",
        upper=True,
        queryset=Institution.objects.filter(is_active=True).select_related("region"),
        help_text=_("被投诉机构的统一社会信用代码（18位）"),
    )
    business = CodeField(
        slug_field="code", queryset=_categories(Category.Dimension.BUSINESS), help_text=_("业务类别代码")
    )
    channel = CodeField(
        slug_field="code",
        queryset=_categories(Category.Dimension.CHANNEL),
        required=False,
        allow_null=True,
        help_text=_("办理渠道代码"),
    )
    cause = CodeField(
        slug_field="code",
        queryset=_categories(Category.Dimension.CAUSE),
        required=False,
        allow_null=True,
        help_text=_("投诉原因代码"),
    )
    summary = serializers.CharField(max_length=120, help_text=_("投诉事项（一句话）"))
    narrative = serializers.CharField(max_length=10000, help_text=_("投诉内容：经过、诉求和已采取的措施"))
    complainant_name = serializers.CharField(max_length=50)
    phone = serializers.CharField(max_length=30, help_text=_("手机号码，或带区号的固定电话"))
    id_number = serializers.CharField(max_length=18, required=False, allow_blank=True, default="")
    email = serializers.EmailField(max_length=200, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    region = CodeField(
        slug_field="code",
        queryset=Region.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("投诉人所在地区的 GB/T 2260 区划代码"),
    )
    rights = CodeField(slug_field="code", queryset=_labels(Label.Kind.RIGHT), many=True, required=False)
    demands = CodeField(slug_field="code", queryset=_labels(Label.Kind.DEMAND), many=True, required=False)
    tags = CodeField(slug_field="code", queryset=_labels(Label.Kind.SENSITIVITY), many=True, required=False)
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal("0"), required=False, allow_null=True
    )
    consent_publish = serializers.BooleanField(default=False)
    product = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default="", help_text=_("涉及产品在被投诉机构的产品代码")
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        code = attrs.pop("product", "").strip()
        attrs["product"] = None
        if code:
            group = institution_descendant_ids(attrs["institution"].head_office())
            attrs["product"] = Product.objects.filter(institution_id__in=group, code=code).order_by("pk").first()
            if attrs["product"] is None:
                raise serializers.ValidationError({"product": [_("被投诉机构没有这个产品代码。")]})
        return attrs

    def validate_phone(self, value: str) -> str:
        phone = re.sub(r"\s+", "", value)
        if not (MOBILE_RE.match(phone) or LANDLINE_RE.match(phone)):
            raise serializers.ValidationError(
                _("请填写有效的联系电话：11位手机号码，或带区号的固定电话（如 0431-88888888）。")
            )
        return phone

    def validate_id_number(self, value: str) -> str:
        number = value.strip().upper()
        if number and not is_valid_id_number(number):
            raise serializers.ValidationError(_("身份证号码无效：应为18位，且最后一位校验码正确。"))
        return number


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class RefuseSerializer(serializers.Serializer):
    reason = CodeField(slug_field="code", queryset=_labels(Label.Kind.REFUSAL), help_text=_("不予受理理由代码"))
    note = serializers.CharField(max_length=2000, help_text=_("向投诉人说明的具体原因"))


class TransferSerializer(serializers.Serializer):
    authority = CodeField(
        slug_field="code",
        queryset=Authority.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("监管部门代码"),
    )
    institution = CodeField(
        slug_field="uscc",
        upper=True,
        queryset=Institution.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text=_("机构统一社会信用代码"),
    )
    reason = serializers.CharField(max_length=2000)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class OptionalReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ExtendSerializer(serializers.Serializer):
    tier = serializers.ChoiceField(
        choices=[(level.value, level.label) for level in (Complaint.Level.COMPLEX, Complaint.Level.MAJOR)]
    )
    reason = CodeField(slug_field="code", queryset=_labels(Label.Kind.EXTENSION), help_text=_("延期理由代码"))
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class AnswerSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Complaint.Outcome.choices)
    decision = serializers.CharField(max_length=10000, help_text=_("核实情况、处理依据和处理意见"))
    remedy = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    remedy_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal("0"), required=False, allow_null=True, default=None
    )
    remedies_open = serializers.ListField(
        child=serializers.ChoiceField(choices=Complaint.Remedy.choices), required=False, default=list
    )


class FeedbackSerializer(serializers.Serializer):
    choice = serializers.ChoiceField(
        choices=[
            (Complaint.Feedback.SATISFIED, Complaint.Feedback.SATISFIED.label),
            (Complaint.Feedback.REVIEW, Complaint.Feedback.REVIEW.label),
            (Complaint.Feedback.MEDIATION, Complaint.Feedback.MEDIATION.label),
        ]
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ReviewSerializer(serializers.Serializer):
    upheld = serializers.BooleanField(help_text=_("true：维持机构处理结果并办结；false：退回机构重新办理"))
    result = serializers.CharField(max_length=10000)


class FollowUpSerializer(serializers.Serializer):
    result = serializers.CharField(max_length=2000, help_text=_("回访情况：投诉人为什么不满意，已采取或将采取什么措施"))


class SurveySerializer(serializers.Serializer):
    score = serializers.ChoiceField(choices=Survey.Score.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class MessageCreateSerializer(serializers.Serializer):
    thread = serializers.ChoiceField(choices=Message.Thread.choices)
    body = serializers.CharField(max_length=5000)


# ---------------------------------------------------------------------------------------------
# Responses


class InstitutionRefSerializer(serializers.Serializer):
    uscc = serializers.CharField()
    name = serializers.CharField()


class AuthorityRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class DeadlineSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display")
    overdue = serializers.SerializerMethodField()
    met = serializers.SerializerMethodField(help_text=_("true：按期办结；false：已超期；null：尚在期限内、未办结"))

    class Meta:
        model = Deadline
        fields = ["kind", "kind_display", "party", "start_date", "due_date", "closed_at", "overdue", "met"]

    def get_overdue(self, deadline: Deadline) -> bool:
        return deadline.is_overdue()

    def get_met(self, deadline: Deadline) -> bool | None:
        return deadline.met()


class EventSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display")
    actor = serializers.SerializerMethodField()
    data = serializers.DictField()  # type: ignore[assignment]  # a response field named data, not Serializer.data

    class Meta:
        model = Event
        fields = ["kind", "kind_display", "at", "actor", "from_status", "to_status", "note", "data"]

    def get_actor(self, event: Event) -> str | None:
        # Complainants see what was done and when; the names of the staff who did it stay with the staff.
        if event.actor is None or self.context.get("party") == Party.CONSUMER:
            return None
        return str(event.actor)


class AttachmentInfoSerializer(serializers.Serializer):
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()


class MessageSerializer(serializers.ModelSerializer):
    thread_display = serializers.CharField(source="get_thread_display")
    # "party", like a deadline's: the same set of sides, so the schema describes it once (PartyEnum).
    party = serializers.ChoiceField(source="author_party", choices=Deadline.Party.choices, help_text=_("留言方"))
    attachments = AttachmentInfoSerializer(many=True, read_only=True)

    class Meta:
        model = Message
        fields = ["id", "thread", "thread_display", "party", "body", "at", "attachments"]


class PersonalDataSerializer(serializers.Serializer):
    complainant_name = serializers.CharField()
    phone = serializers.CharField()
    id_number = serializers.CharField()
    email = serializers.CharField()
    address = serializers.CharField()
    masked = serializers.BooleanField(
        help_text=_("true 表示已部分隐去；工作人员可用 ?reveal=personal 查看完整信息（留痕）")
    )


def _mask_address(address: str) -> str:
    if len(address) <= ADDRESS_VISIBLE_CHARS:
        return "*" * len(address)
    return address[:ADDRESS_VISIBLE_CHARS] + "****"


def personal_data(complaint: Complaint, *, full: bool) -> dict[str, Any]:
    if full:
        values = {name: getattr(complaint, name) for name in PERSONAL_FIELDS}
        return {**values, "masked": False}
    return {
        "complainant_name": mask_name(complaint.complainant_name),
        "phone": mask_phone(complaint.phone),
        "id_number": mask_id_number(complaint.id_number),
        "email": mask_email(complaint.email),
        "address": _mask_address(complaint.address),
        "masked": True,
    }


class _ComplaintBaseSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display")
    institution = InstitutionRefSerializer()
    authority = AuthorityRefSerializer()
    routing = serializers.CharField(
        source="routing_explanation",
        read_only=True,
        help_text=_("为何由该监管部门办理：按哪条监管分工（业务类别或机构类型）及其依据"),
    )


class ComplaintListSerializer(_ComplaintBaseSerializer):
    business = CodeNameSerializer()
    complainant_name = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    overdue = serializers.BooleanField(help_text=_("监管部门或机构有已超期未办的时限"))

    class Meta:
        model = Complaint
        fields = [
            "number",
            "status",
            "status_display",
            "received_at",
            "institution",
            "authority",
            "business",
            "summary",
            "complainant_name",
            "phone",
            "overdue",
        ]

    def get_complainant_name(self, complaint: Complaint) -> str:
        return mask_name(complaint.complainant_name)

    def get_phone(self, complaint: Complaint) -> str:
        return mask_phone(complaint.phone)


class ComplaintCreatedSerializer(_ComplaintBaseSerializer):
    access_code = serializers.SerializerMethodField(
        help_text=_("工作人员代为登记时生成的查询码，只显示这一次，请告知投诉人；其他情况下为 null")
    )

    class Meta:
        model = Complaint
        fields = [
            "number",
            "status",
            "status_display",
            "received_at",
            "institution",
            "authority",
            "routing",
            "access_code",
        ]

    def get_access_code(self, complaint: Complaint) -> str | None:
        # Only the hash is stored: this response is the one moment the code exists in clear.
        return self.context.get("access_code") or None


class ComplaintDetailSerializer(_ComplaintBaseSerializer):
    business = CodeNameSerializer()
    copy_authority = AuthorityRefSerializer(
        allow_null=True, help_text=_("抄送的监管部门（被投诉机构的监管部门，投诉按业务类别由其他部门办理时）")
    )
    channel = CodeNameSerializer(allow_null=True)
    cause = CodeNameSerializer(allow_null=True)
    region = serializers.CharField(source="region_id", allow_null=True)
    rights = CodeNameSerializer(many=True)
    demands = CodeNameSerializer(many=True)
    tags = CodeNameSerializer(many=True)
    refusal_reason = CodeNameSerializer(allow_null=True)
    level_display = serializers.CharField(source="get_level_display")
    personal = serializers.SerializerMethodField()
    deadlines = serializers.SerializerMethodField()
    remedies_open = serializers.ListField(child=serializers.ChoiceField(choices=Complaint.Remedy.choices))
    overdue = serializers.SerializerMethodField(help_text=_("监管部门或机构有已超期未办的时限"))
    timely = serializers.SerializerMethodField(
        help_text=_("机构是否在答复期限内答复：true 按时，false 超期，null 尚在期限内")
    )
    timeline = serializers.SerializerMethodField(help_text=_("调用方可见的办理记录"))

    class Meta:
        model = Complaint
        fields = [
            "number",
            "status",
            "status_display",
            "submitted_via",
            "received_at",
            "institution",
            "authority",
            "routing",
            "copy_authority",
            "business",
            "channel",
            "cause",
            "region",
            "rights",
            "demands",
            "tags",
            "amount",
            "summary",
            "narrative",
            "consent_publish",
            "level",
            "level_display",
            "accepted_at",
            "sent_at",
            "refusal_reason",
            "answered_at",
            "outcome",
            "decision",
            "remedy",
            "remedy_amount",
            "remedies_open",
            "feedback",
            "review_result",
            "closed_at",
            "personal",
            "deadlines",
            "overdue",
            "timely",
            "timeline",
        ]

    @extend_schema_field(PersonalDataSerializer)
    def get_personal(self, complaint: Complaint) -> dict[str, Any]:
        return personal_data(complaint, full=self.context.get("full_personal", False))

    def _deadlines(self, complaint: Complaint) -> list[Deadline]:
        if "deadlines" not in self.context:
            # The context is the caller's dict; the deadlines are kept in it for the other fields.
            cast(dict[str, Any], self.context)["deadlines"] = deadlines_for(self.context.get("party"), complaint)
        return self.context["deadlines"]

    @extend_schema_field(DeadlineSerializer(many=True))
    def get_deadlines(self, complaint: Complaint) -> list[dict[str, Any]]:
        # many=True makes a ListSerializer: its data is a list of rows.
        return cast(list[dict[str, Any]], DeadlineSerializer(self._deadlines(complaint), many=True).data)

    def get_overdue(self, complaint: Complaint) -> bool:
        # A handler is late. The complainant's own window to ask for review is not a duty, so its lapse is not.
        return any(
            d.closed_at is None and d.party != Deadline.Party.CONSUMER and d.is_overdue()
            for d in self._deadlines(complaint)
        )

    def get_timely(self, complaint: Complaint) -> bool | None:
        # CFPB's "timely response": answered within the deadline in force.
        return complaint.is_timely()

    @extend_schema_field(EventSerializer(many=True))
    def get_timeline(self, complaint: Complaint) -> list[dict[str, Any]]:
        # many=True makes a ListSerializer: its data is a list of rows (not EventSerializer's data field).
        events = EventSerializer(self.context.get("timeline", []), many=True, context=self.context)
        return cast(list[dict[str, Any]], events.data)
