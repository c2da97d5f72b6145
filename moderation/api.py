"""API: the moderation queue, its actions, forwarded questions, the audit trail and the SLA
preview. Same permissions as the pages; personal ID numbers are masked in every response."""

from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.urls import path
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Channel
from audit.models import AuditEntry
from governance.api_errors import BlankableURLField, action_failed
from governance.bounds import SupportedIsoDateTimeFilter, out_of_span_message, supported_moment
from governance.models import OrgUnit
from governance.permissions.api import SCOPED, ActionPermission

from . import actions, limits
from .deadlines import DeadlineCalculator
from .models import (
    OPEN_STATUSES,
    CrisisPeriod,
    Forwarding,
    Notification,
    QueueItem,
    Record,
)
from .pagination import ItemCursorPagination
from .personal_data import mask_personal_ids, mask_personal_ids_in


class MaskedTextField(serializers.CharField):
    """Free text as output, personal ID numbers masked (notes, answers)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return mask_personal_ids(super().to_representation(value))


class MaskedJSONField(serializers.JSONField):
    """JSON details as output, personal ID numbers masked in every string (audit data,
    records' replies)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return mask_personal_ids_in(super().to_representation(value))


class QueueItemSerializer(serializers.ModelSerializer):
    text = serializers.CharField(source="masked_text", read_only=True)
    permalink = BlankableURLField(read_only=True)
    web_url = serializers.SerializerMethodField()

    class Meta:
        model = QueueItem
        fields = [
            "id",
            "platform",
            "channel",
            "external_id",
            "kind",
            "parent",
            "thread_external_id",
            "text",
            "author_name",
            "permalink",
            "created_at",
            "received_at",
            "first_response_due",
            "answer_due",
            "next_deadline",
            "status",
            "assigned_to",
            "has_personal_data",
            "hidden_on_platform",
            "first_responded_at",
            "answered_at",
            "closed_reason",
            "policy_version",
            "web_url",
        ]

    def get_web_url(self, item) -> str:
        request = self.context.get("request")
        url = item.get_absolute_url()
        return request.build_absolute_uri(url) if request else url


class QueueItemFilter(filters.FilterSet):
    q = filters.CharFilter(
        field_name="masked_text", lookup_expr="icontains", label=_("Text contains")
    )
    open = filters.BooleanFilter(method="filter_open", label=_("Open items only"))

    class Meta:
        model = QueueItem
        fields = [
            "q",
            "platform",
            "channel",
            "status",
            "kind",
            "assigned_to",
            "has_personal_data",
        ]

    def filter_open(self, queryset, name, value):
        if value:
            return queryset.filter(status__in=OPEN_STATUSES)
        return queryset.exclude(status__in=OPEN_STATUSES)


# Every text field has the length limit of the page's form (moderation.limits).
class ReplyInput(serializers.Serializer):
    text = serializers.CharField(max_length=limits.REPLY_TEXT)
    idempotency_key = serializers.CharField(max_length=limits.IDEMPOTENCY_KEY)
    canned = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=limits.CANNED_CODE
    )


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(
        max_length=limits.REASON_CODE,
        help_text=_("A removal reason code of the policy in force."),
    )
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=limits.NOTE
    )


class NoteInput(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=limits.NOTE
    )


class CloseInput(serializers.Serializer):
    reason = serializers.CharField(max_length=limits.CLOSE_REASON)


class ForwardInput(serializers.Serializer):
    """Who may receive the question is the actions layer's rule: the choices are its
    querysets for the item (in the context), and a choice outside them gets its message."""

    to_unit = serializers.PrimaryKeyRelatedField(
        queryset=OrgUnit.objects.all(),
        error_messages={"does_not_exist": actions.NOT_A_FORWARDING_UNIT},
    )
    to_user = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": actions.NOT_A_FORWARDING_RECIPIENT},
    )
    due_at = serializers.DateTimeField()
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=limits.FORWARD_NOTE
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        item = self.context.get("item")  # absent when the schema is drawn
        if item is not None:
            self.fields["to_unit"].queryset = actions.forwarding_units(item)
            self.fields["to_user"].queryset = actions.forwarding_recipients(item)

    def validate(self, attrs):
        try:
            actions.check_forwarding(self.context["item"], attrs["to_unit"], attrs.get("to_user"))
        except actions.ActionError as error:
            raise ValidationError({error.field: [str(error)]}) from None
        return attrs


class AssignInput(serializers.Serializer):
    """Who may be assigned is the actions layer's rule (`actions.assignable_users`)."""

    to_user = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True),
        allow_null=True,
        error_messages={"does_not_exist": actions.NOT_ASSIGNABLE},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        item = self.context.get("item")  # absent when the schema is drawn
        if item is not None:
            self.fields["to_user"].queryset = actions.assignable_users(item)


class TellAuthorInput(serializers.Serializer):
    reason = serializers.CharField(max_length=limits.REASON_CODE)
    text = serializers.CharField(max_length=limits.TELL_AUTHOR_TEXT)


def _record_field(name):
    return serializers.CharField(
        required=False, allow_blank=True, default="", max_length=limits.RECORD_FIELDS[name]
    )


class RecordInput(serializers.Serializer):
    subject = _record_field("subject")
    case_number = _record_field("case_number")
    classification = _record_field("classification")
    sender = _record_field("sender")
    recipient = _record_field("recipient")
    confidentiality = serializers.ChoiceField(
        choices=["public", "internal", "confidential"], default="public"
    )


class IdempotencyConflict(APIException):
    """409: the idempotency key names an earlier, different request."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The idempotency key was already used for another request.")
    default_code = "idempotency_conflict"


_ITEM_ACTIONS = (
    "acknowledge",
    "reply",
    "forward",
    "close",
    "assign",
    "hide",
    "unhide",
    "tell_author",
    "delete_on_platform",
    "record",
)


class QueuePagination(ItemCursorPagination):
    """Capped count, keyset cursors: a page costs the same however long the queue is."""


class QueueItemViewSet(viewsets.ReadOnlyModelViewSet):
    """Queue items the user may see, the next answer deadline first."""

    serializer_class = QueueItemSerializer
    pagination_class = QueuePagination
    permission_classes = [ActionPermission]
    permission_actions = {
        "list": "moderation.view_queue",
        "retrieve": "moderation.view_item",
        **dict.fromkeys(_ITEM_ACTIONS, "moderation.handle_item"),
    }
    filterset_class = QueueItemFilter

    def get_queryset(self):
        return (
            QueueItem.objects.for_user(self.request.user)
            .select_related(None)
            .order_by("answer_due", "received_at", "id")
        )

    def _run(self, input_class, perform):
        item = self.get_object()
        data = input_class(data=self.request.data, context={"item": item, "request": self.request})
        data.is_valid(raise_exception=True)
        try:
            perform(item, data.validated_data)
        except actions.IdempotencyConflict as error:
            raise IdempotencyConflict({"idempotency_key": [str(error)]}) from None
        except actions.ActionError as error:
            raise action_failed(error) from None
        item.refresh_from_db()
        return Response(self.get_serializer(item).data)

    @extend_schema(request=NoteInput, responses=QueueItemSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        return self._run(
            NoteInput,
            lambda item, d: actions.acknowledge(item, acting_user=request.user, note=d["note"]),
        )

    @extend_schema(request=ReplyInput, responses=QueueItemSerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        return self._run(
            ReplyInput,
            lambda item, d: actions.reply(
                item,
                d["text"],
                acting_user=request.user,
                idempotency_key=d["idempotency_key"],
                canned=d["canned"],
            ),
        )

    @extend_schema(request=ForwardInput, responses=QueueItemSerializer)
    @action(detail=True, methods=["post"])
    def forward(self, request, pk=None):
        return self._run(
            ForwardInput,
            lambda item, d: actions.forward(
                item,
                to_unit=d["to_unit"],
                to_user=d.get("to_user"),
                due_at=d["due_at"],
                note=d["note"],
                acting_user=request.user,
            ),
        )

    @extend_schema(request=CloseInput, responses=QueueItemSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._run(
            CloseInput,
            lambda item, d: actions.close(item, d["reason"], acting_user=request.user),
        )

    @extend_schema(request=AssignInput, responses=QueueItemSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        return self._run(
            AssignInput,
            lambda item, d: actions.assign(item, d["to_user"], acting_user=request.user),
        )

    @extend_schema(request=ReasonInput, responses=QueueItemSerializer)
    @action(detail=True, methods=["post"])
    def hide(self, request, pk=None):
        return self._run(
            ReasonInput,
            lambda item, d: actions.hide(
                item, d["reason"], acting_user=request.user, note=d["note"]
            ),
        )

    @extend_schema(request=NoteInput, responses=QueueItemSerializer)
    @action(detail=True, methods=["post"])
    def unhide(self, request, pk=None):
        return self._run(
            NoteInput,
            lambda item, d: actions.unhide(item, acting_user=request.user, note=d["note"]),
        )

    @extend_schema(request=TellAuthorInput, responses=QueueItemSerializer)
    @action(detail=True, methods=["post"], url_path="tell-author")
    def tell_author(self, request, pk=None):
        return self._run(
            TellAuthorInput,
            lambda item, d: actions.tell_author(
                item, d["reason"], d["text"], acting_user=request.user
            ),
        )

    # Not named `delete`: a viewset method of that name would answer every DELETE request.
    @extend_schema(request=ReasonInput, responses=QueueItemSerializer)
    @action(detail=True, methods=["post"], url_path="delete", url_name="delete")
    def delete_on_platform(self, request, pk=None):
        return self._run(
            ReasonInput,
            lambda item, d: actions.delete(
                item, d["reason"], acting_user=request.user, note=d["note"]
            ),
        )

    @extend_schema(request=RecordInput, responses=QueueItemSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        return self._run(
            RecordInput,
            lambda item, d: actions.capture_record(item, acting_user=request.user, **d),
        )


class ForwardingSerializer(serializers.ModelSerializer):
    item_text = serializers.CharField(source="item.masked_text", read_only=True)
    note = MaskedTextField()
    answer_text = MaskedTextField()
    item_answer_due = serializers.DateTimeField(source="item.answer_due", read_only=True)
    internal_state = serializers.SerializerMethodField(
        help_text=_(
            "Where the internal deadline stands: waiting, due_soon (past the reminder point), "
            "overdue, met, late (answered after it), or empty once withdrawn."
        )
    )

    class Meta:
        model = Forwarding
        fields = [
            "id",
            "item",
            "item_text",
            "item_answer_due",
            "to_unit",
            "to_user",
            "note",
            "due_at",
            "warn_at",
            "internal_state",
            "status",
            "forwarded_at",
            "answer_text",
            "answered_at",
        ]

    def get_internal_state(self, forwarding) -> str:
        return forwarding.internal_state(self.context.get("now") or timezone.now())


class AnswerInput(serializers.Serializer):
    answer = serializers.CharField(max_length=limits.FORWARDING_ANSWER)


class ForwardingViewSet(viewsets.ReadOnlyModelViewSet):
    """Questions forwarded to the user (or their department) to answer."""

    serializer_class = ForwardingSerializer
    permission_classes = [ActionPermission]
    permission_actions = {
        "list": "moderation.answer_forwarded",
        "retrieve": "moderation.answer_forwarded",
        "send_back": "moderation.answer_forwarded",
    }

    def get_queryset(self):
        return forwarded_to(self.request.user).select_related("item").order_by("due_at", "id")

    @extend_schema(request=AnswerInput, responses=ForwardingSerializer)
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request, pk=None):
        forwarding = self.get_object()
        data = AnswerInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            forwarding = actions.send_back(
                forwarding, data.validated_data["answer"], acting_user=request.user
            )
        except actions.ActionError as error:
            raise action_failed(error) from None
        return Response(self.get_serializer(forwarding).data)


def forwarded_to(user):
    """The forwardings `user` answers: named to them, or to their department with no name."""
    from governance.models import Role
    from governance.permissions import access_for

    access = access_for(user)
    units = access.unit_ids(Role.DEPARTMENT_EXPERT)
    mine = Forwarding.objects.filter(to_user_id=access.user_id)
    if units:
        mine = mine | Forwarding.objects.filter(to_unit_id__in=units, to_user__isnull=True)
    return mine


class AuditEntrySerializer(serializers.ModelSerializer):
    # Replies, notices and answers in `data.text` (and notes) as the pages show them.
    note = MaskedTextField()
    before = MaskedJSONField()
    after = MaskedJSONField()
    data = MaskedJSONField()

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "at",
            "actor",
            "action",
            "object_type",
            "object_id",
            "item",
            "channel",
            "reason",
            "note",
            "policy_version",
            "before",
            "after",
            "data",
            "request_id",
        ]


class AuditEntryFilter(filters.FilterSet):
    since = SupportedIsoDateTimeFilter(field_name="at", lookup_expr="gte")
    until = SupportedIsoDateTimeFilter(field_name="at", lookup_expr="lt")

    class Meta:
        model = AuditEntry
        fields = [
            "action",
            "actor",
            "object_type",
            "item",
            "channel",
            "reason",
            "since",
            "until",
        ]


class AuditEntryViewSet(viewsets.ReadOnlyModelViewSet):
    """The append-only audit trail (read only)."""

    serializer_class = AuditEntrySerializer
    permission_classes = [ActionPermission]
    permission_actions = {"list": "moderation.view_audit", "retrieve": "moderation.view_audit"}
    filterset_class = AuditEntryFilter
    queryset = AuditEntry.objects.order_by("-at", "-id")


class SlaPreviewView(APIView):
    """The deadlines an item on a channel would get if received at a given moment."""

    permission_classes = [ActionPermission]
    # Any member may ask; only channels they can see are answered.
    permission_actions = {"get": SCOPED}

    @extend_schema(
        parameters=[
            OpenApiParameter("channel", OpenApiTypes.INT, required=True),
            OpenApiParameter(
                "received_at",
                OpenApiTypes.DATETIME,
                required=True,
                description=_("ISO 8601 with a time zone offset"),
            ),
            OpenApiParameter("kind", OpenApiTypes.STR, required=False),
        ],
        responses=inline_serializer(
            "SlaPreview",
            {
                "channel": serializers.IntegerField(),
                "platform": serializers.CharField(),
                "kind": serializers.CharField(),
                "received_at": serializers.DateTimeField(),
                "first_response_due": serializers.DateTimeField(allow_null=True),
                "answer_due": serializers.DateTimeField(allow_null=True),
                "policy_version": serializers.IntegerField(allow_null=True),
                "crisis_mode": serializers.BooleanField(),
            },
        ),
    )
    def get(self, request):
        errors = {}
        channel = None
        raw_channel = request.query_params.get("channel", "")
        if not raw_channel:
            errors["channel"] = [str(_("Give the channel's id."))]
        elif not raw_channel.isdigit():
            errors["channel"] = [str(_("The channel must be a numeric id."))]
        else:
            channel = (
                Channel.objects.for_user(request.user)
                .select_related("owner_unit__municipality")
                .filter(pk=int(raw_channel))
                .first()
            )
            if channel is None:
                errors["channel"] = [str(_("No such channel."))]
        received_at = _parse_received_at(request.query_params.get("received_at", ""), errors)
        kind = request.query_params.get("kind", "comment")
        if kind not in ("comment", "reply", "mention", "message"):
            errors["kind"] = [str(_("Unknown item kind."))]
        if errors:
            raise ValidationError(errors)
        calculator = DeadlineCalculator(channel.owner_unit.municipality)
        result = calculator.deadlines(channel.platform, kind, received_at)
        return Response(
            {
                "channel": channel.pk,
                "platform": channel.platform,
                "kind": kind,
                "received_at": received_at.astimezone(UTC).isoformat(),
                "first_response_due": _iso(result.first_response_due),
                "answer_due": _iso(result.answer_due),
                "policy_version": result.policy_version_id,
                "crisis_mode": calculator.crisis is not None,
            }
        )


def _parse_received_at(raw, errors):
    if not raw:
        errors["received_at"] = [str(_("Give received_at as an ISO 8601 date and time."))]
        return None
    try:
        value = parse_datetime(raw.replace(" ", "+"))
    except ValueError:
        value = None
    if value is None:
        errors["received_at"] = [
            str(_("received_at is not a valid ISO 8601 date and time: %(value)s") % {"value": raw})
        ]
        return None
    if timezone.is_naive(value):
        errors["received_at"] = [
            str(_("received_at must include a time zone offset, e.g. 2026-11-16T10:00:00+01:00."))
        ]
        return None
    moment = supported_moment(value)
    if moment is None:
        errors["received_at"] = [out_of_span_message()]
    return moment


def _iso(value: datetime | None):
    return value.isoformat().replace("+00:00", "Z") if value else None


class RecordSerializer(serializers.ModelSerializer):
    """A record as the archive sees it: personal ID numbers masked in the text, the thread and
    our replies (the copy as written is read through `as-written`, restricted and audited)."""

    thread = MaskedJSONField()
    replies = MaskedJSONField()

    permalink = BlankableURLField(read_only=True)

    class Meta:
        model = Record
        fields = [
            "id",
            "item",
            "platform",
            "external_id",
            "channel_name",
            "author_name",
            "text",
            "permalink",
            "created_at",
            "received_at",
            "thread",
            "replies",
            "captured_at",
            "captured_by",
            "subject",
            "case_number",
            "classification",
            "sender",
            "recipient",
            "confidentiality",
            "extra",
            "exported_at",
        ]
        read_only_fields = [
            name
            for name in fields
            if name
            not in (
                "subject",
                "case_number",
                "classification",
                "sender",
                "recipient",
                "confidentiality",
                "extra",
            )
        ]


class AsWrittenInput(serializers.Serializer):
    purpose = serializers.CharField(
        max_length=500, help_text=_("Why the text as written is needed; kept in the audit trail.")
    )


class RecordAsWrittenSerializer(serializers.ModelSerializer):
    """The restricted copy: the text and our replies as written, personal ID numbers unmasked."""

    text = serializers.CharField(source="text_unmasked", read_only=True)
    replies = serializers.JSONField(read_only=True)

    class Meta:
        model = Record
        fields = ["id", "item", "text", "replies"]


class ExportInput(serializers.Serializer):
    exporter = serializers.CharField(
        max_length=limits.EXPORTER, help_text=_("A configured exporter: file or email.")
    )


class RecordViewSet(
    viewsets.mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Captured records: read, complete the archive metadata, export."""

    serializer_class = RecordSerializer
    permission_classes = [ActionPermission]
    permission_actions = {
        **dict.fromkeys(
            ("list", "retrieve", "update", "partial_update", "export"), "moderation.records"
        ),
        "as_written": "moderation.read_record_as_written",
    }
    queryset = Record.objects.order_by("-captured_at", "-id")
    http_method_names = ["get", "patch", "post", "head", "options"]

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = actions.update_record(
            serializer.instance, acting_user=self.request.user, **data
        )

    @extend_schema(request=AsWrittenInput, responses=RecordAsWrittenSerializer)
    @action(detail=True, methods=["post"], url_path="as-written")
    def as_written(self, request, pk=None):
        """The record as written (restricted to the records duty); each reading is audited."""
        record = self.get_object()
        data = AsWrittenInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            record = actions.read_record_as_written(
                record, acting_user=request.user, purpose=data.validated_data["purpose"]
            )
        except actions.ActionError as error:
            raise action_failed(error) from None
        return Response(RecordAsWrittenSerializer(record).data)

    @extend_schema(request=ExportInput, responses=RecordSerializer)
    @action(detail=True, methods=["post"])
    def export(self, request, pk=None):
        record = self.get_object()
        data = ExportInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            actions.export_record(
                record, acting_user=request.user, exporter=data.validated_data["exporter"]
            )
        except actions.ActionError as error:
            raise action_failed(error) from None
        record.refresh_from_db()
        return Response(self.get_serializer(record).data)


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "item", "message", "created_at", "read_at", "emailed_at"]


class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """The user's own notifications; `read` marks one as read."""

    serializer_class = NotificationSerializer
    permission_classes = [ActionPermission]
    permission_actions = dict.fromkeys(("list", "retrieve", "read"), "moderation.view_queue")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Notification.objects.none()
        return Notification.objects.filter(user=self.request.user).order_by("-created_at", "-id")

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        note = self.get_object()
        if note.read_at is None:
            Notification.objects.filter(pk=note.pk).update(read_at=timezone.now())
            note.refresh_from_db()
        return Response(self.get_serializer(note).data)


class CrisisInput(serializers.Serializer):
    on = serializers.BooleanField()
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=limits.CRISIS_REASON
    )
    target_percent = serializers.IntegerField(min_value=1, max_value=100, default=25)
    round_the_clock = serializers.BooleanField(default=True)


_CRISIS_STATE = {
    "on": serializers.BooleanField(),
    "since": serializers.DateTimeField(allow_null=True),
    "reason": serializers.CharField(),
    "target_percent": serializers.IntegerField(allow_null=True),
    "round_the_clock": serializers.BooleanField(allow_null=True),
    "tightened_items": serializers.IntegerField(
        allow_null=True,
        help_text=_("Open items whose deadlines were tightened when crisis mode started."),
    ),
}


class CrisisView(APIView):
    """Crisis mode of the user's municipality: GET the state, POST to switch it on or off.

    Switching on re-judges every open item by the crisis targets (no deadline moves later);
    switching off puts them back on the normal answer times. The POST answer's
    `rejudged_items` says how many open items' deadlines the switch moved."""

    permission_classes = [ActionPermission]
    permission_actions = {"get": "moderation.crisis", "post": "moderation.crisis"}

    def _state(self, municipality):
        period = CrisisPeriod.objects.filter(
            municipality=municipality, ended_at__isnull=True
        ).first()
        return {
            "on": period is not None,
            "since": period.started_at.isoformat() if period else None,
            "reason": period.reason if period else "",
            "target_percent": period.target_percent if period else None,
            "round_the_clock": period.round_the_clock if period else None,
            "tightened_items": period.tightened_items if period else None,
        }

    def _municipality(self, request):
        from django.core.exceptions import PermissionDenied

        from governance.permissions import can

        if not can(request.user, "moderation.crisis"):
            raise PermissionDenied
        from .views import _municipality

        return _municipality(request.user)

    @extend_schema(responses=inline_serializer("CrisisState", _CRISIS_STATE))
    def get(self, request):
        return Response(self._state(self._municipality(request)))

    @extend_schema(
        request=CrisisInput,
        responses=inline_serializer(
            "CrisisSwitched", {**_CRISIS_STATE, "rejudged_items": serializers.IntegerField()}
        ),
    )
    def post(self, request):
        municipality = self._municipality(request)
        data = CrisisInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            if values["on"]:
                period = actions.start_crisis(
                    municipality,
                    acting_user=request.user,
                    reason=values["reason"],
                    target_percent=values["target_percent"],
                    round_the_clock=values["round_the_clock"],
                )
                moved = period.tightened_items
            else:
                period = actions.end_crisis(
                    municipality, acting_user=request.user, note=values["reason"]
                )
                moved = period.restored_items
        except actions.ActionError as error:
            raise action_failed(error) from None
        return Response({**self._state(municipality), "rejudged_items": moved})


def register(router):
    router.register("items", QueueItemViewSet, basename="item")
    router.register("forwardings", ForwardingViewSet, basename="forwarding")
    router.register("audit", AuditEntryViewSet, basename="audit-entry")
    router.register("records", RecordViewSet, basename="record")
    router.register("notifications", NotificationViewSet, basename="notification")


urlpatterns = [
    path("sla/preview/", SlaPreviewView.as_view(), name="sla-preview"),
    path("crisis/", CrisisView.as_view(), name="crisis-mode"),
]
