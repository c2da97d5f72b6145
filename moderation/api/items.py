"""API: queue items and the actions taken on them. Same permissions as the pages; personal
ID numbers are masked in every response."""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.response import Response

from core.api_errors import BlankableURLField, action_failed
from core.permissions import can
from core.permissions.api import ActionPermission
from governance.models import OrgUnit

from .. import actions, bulk, limits, rule_actions, similar
from ..item_page import platform_writes
from ..models import (
    OPEN_STATUSES,
    ItemLabel,
    Label,
    OutboxMessage,
    QueueItem,
)
from ..pagination import ItemCursorPagination
from ..routing import suggest_departments


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
            "priority",
            "web_url",
        ]

    def get_web_url(self, item) -> str:
        request = self.context.get("request")
        url = item.get_absolute_url()
        return request.build_absolute_uri(url) if request else url


class PlatformWriteSerializer(serializers.ModelSerializer):
    """One write to the platform on an item and what the platform answered."""

    failure_text = serializers.SerializerMethodField()
    retriable = serializers.BooleanField(read_only=True)

    class Meta:
        model = OutboxMessage
        fields = [
            "id",
            "kind",
            "status",
            "failure",
            "failure_text",
            "retriable",
            "attempts",
            "created_at",
            "sent_at",
        ]

    def get_failure_text(self, write) -> str:
        """Why it failed, in the requester's language; empty unless it failed."""
        return str(write.failure_text) if write.status == "failed" else ""


class SuggestedDepartmentSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit_id", help_text=_("The department's id."))
    name = serializers.CharField()
    score = serializers.FloatField()
    matched = serializers.ListField(
        child=serializers.CharField(), help_text=_("The department's topics found in the text.")
    )


class RuleHitSerializer(serializers.Serializer):
    """What an inbox rule did to the item (done, suggested, accepted) or why it could not."""

    rule = serializers.IntegerField(source="rule_id")
    rule_name = serializers.CharField(source="rule.name")
    rule_version = serializers.IntegerField(source="version.number")
    action = serializers.CharField()
    outcome = serializers.CharField()
    detail = serializers.JSONField()
    message = serializers.CharField()
    created_at = serializers.DateTimeField()


class ItemLabelSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="label_id")
    name = serializers.CharField(source="label.name")
    colour = serializers.CharField(source="label.colour")
    rule = serializers.IntegerField(source="rule_id", allow_null=True)


class QueueItemDetailSerializer(QueueItemSerializer):
    """One item with its latest writes to the platform (sending, confirmed, not sent), its
    labels, what the inbox rules did to it and, for those who may handle it, the departments
    its text suggests forwarding it to, best first."""

    platform_writes = serializers.SerializerMethodField()
    suggested_departments = serializers.SerializerMethodField()
    labels = serializers.SerializerMethodField()
    rule_hits = serializers.SerializerMethodField()

    class Meta(QueueItemSerializer.Meta):
        fields = [
            *QueueItemSerializer.Meta.fields,
            "platform_writes",
            "suggested_departments",
            "labels",
            "rule_hits",
        ]

    @extend_schema_field(ItemLabelSerializer(many=True))
    def get_labels(self, item):
        rows = item.item_labels.select_related("label").order_by("label__name")
        return ItemLabelSerializer(rows, many=True).data

    @extend_schema_field(RuleHitSerializer(many=True))
    def get_rule_hits(self, item):
        rows = item.rule_hits.select_related("rule", "version")
        return RuleHitSerializer(rows, many=True).data

    @extend_schema_field(SuggestedDepartmentSerializer(many=True))
    def get_suggested_departments(self, item):
        request = self.context.get("request")
        if request is None or not can(request.user, "moderation.handle_item", item):
            return []
        return SuggestedDepartmentSerializer(suggest_departments(item), many=True).data

    @extend_schema_field(PlatformWriteSerializer(many=True))
    def get_platform_writes(self, item):
        return PlatformWriteSerializer(platform_writes(item), many=True).data


class SimilarItemSerializer(serializers.ModelSerializer):
    """An earlier answered item like this one: its masked text, our confirmed answer (masked)
    and how close it is (higher is closer; comparable within one answer only)."""

    text = serializers.CharField(source="masked_text", read_only=True)
    answer = serializers.CharField(read_only=True)
    score = serializers.FloatField(read_only=True)
    web_url = serializers.SerializerMethodField()

    class Meta:
        model = QueueItem
        fields = ["id", "platform", "text", "answer", "score", "received_at", "web_url"]

    def get_web_url(self, item) -> str:
        request = self.context.get("request")
        url = item.get_absolute_url()
        return request.build_absolute_uri(url) if request else url


class QueueItemFilter(filters.FilterSet):
    q = filters.CharFilter(
        field_name="masked_text", lookup_expr="icontains", label=_("Text contains")
    )
    open = filters.BooleanFilter(method="filter_open", label=_("Open items only"))
    label = filters.NumberFilter(method="filter_label", label=_("Has the label (its id)"))

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

    def filter_label(self, queryset, name, value):
        # EXISTS keeps one row per item and the keyset order, without a join or DISTINCT.
        labelled = ItemLabel.objects.filter(item=OuterRef("pk"), label_id=value)
        return queryset.filter(Exists(labelled))

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
    seen_write = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=0,
        help_text=_(
            "The newest id in the item's `platform_writes` when you started writing (0 when "
            "there was none). An answer asked for since then refuses this one with 409 and the "
            "code `answered_meanwhile`, unless `send_anyway`."
        ),
    )
    send_anyway = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Send this answer even though someone answered since `seen_write`."),
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
        item = self.context.get("item")  # absent when the schema is generated
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
        item = self.context.get("item")  # absent when the schema is generated
        if item is not None:
            self.fields["to_user"].queryset = actions.assignable_users(item)


NOT_A_LABEL = _("Choose one of your municipality's labels.")


class LabelInput(serializers.Serializer):
    """A label of the item's municipality (an id from `/api/v1/labels/`)."""

    label = serializers.PrimaryKeyRelatedField(
        queryset=Label.objects.none(), error_messages={"does_not_exist": NOT_A_LABEL}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        item = self.context.get("item")  # absent when the schema is generated
        if item is not None:
            self.fields["label"].queryset = _item_labels(item)


def _item_labels(item):
    """The labels a person may put on `item`: its municipality's."""
    return Label.objects.filter(municipality_id=item.channel.owner_unit.municipality_id)


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


class RetryInput(serializers.Serializer):
    outbox_message = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        help_text=_(
            "The failed write to send again (an id from `platform_writes`); the latest failed "
            "write when left out."
        ),
    )


class BulkInput(serializers.Serializer):
    """One step on many items. The request is read by `moderation.bulk` (the queue page's rule
    too): a refusal there names the input it is about."""

    action = serializers.CharField(
        max_length=20,
        help_text=_("What to do with the items: acknowledge, close, assign, spam or label."),
    )
    ids = serializers.ListField(
        child=serializers.IntegerField(),
        help_text=_("The items' ids: at least one, at most 200."),
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=limits.CLOSE_REASON,
        help_text=_("The reason for closing (action close)."),
    )
    assignee = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The person the items are assigned to (action assign)."),
    )
    label = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The label added to the items (action label)."),
    )

    def to_internal_value(self, data):
        # The types are checked by `bulk.read_request`, the same way for the page and the API.
        if not isinstance(data, dict):
            return super().to_internal_value(data)
        try:
            step = bulk.read_request(
                data.get("action"),
                data.get("ids"),
                reason=data.get("reason", ""),
                assignee=data.get("assignee"),
                label=data.get("label"),
            )
        except bulk.BulkInputError as error:
            raise ValidationError({name: [text] for name, text in error.errors.items()}) from None
        return {"step": step}


class BulkOutcomeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=["done", "skipped"])
    code = serializers.CharField(
        help_text=_(
            "done; or why it was skipped: not_found, forbidden, conflict, not_supported, refused."
        )
    )
    reason = serializers.CharField(help_text=_("Why it was skipped, in the requester's language."))


class BulkResultSerializer(serializers.Serializer):
    action = serializers.CharField()
    done = serializers.IntegerField()
    skipped = serializers.IntegerField()
    summary = serializers.ListField(child=serializers.CharField())
    results = BulkOutcomeSerializer(many=True)


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
    "retry",
    "record",
    "add_label",
    "remove_label",
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
        "similar": "moderation.view_item",
        **dict.fromkeys(_ITEM_ACTIONS, "moderation.handle_item"),
        # Asked for the collection here; each item is asked again by `bulk.run`.
        "bulk_step": "moderation.handle_item",
    }
    filterset_class = QueueItemFilter

    def get_serializer_class(self):
        if self.action == "list":
            return QueueItemSerializer
        return QueueItemDetailSerializer

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

    @extend_schema(request=NoteInput, responses=QueueItemDetailSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        return self._run(
            NoteInput,
            lambda item, d: actions.acknowledge(item, acting_user=request.user, note=d["note"]),
        )

    @extend_schema(request=ReplyInput, responses=QueueItemDetailSerializer)
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
                seen_write=d["seen_write"],
                send_anyway=d["send_anyway"],
            ),
        )

    @extend_schema(request=ForwardInput, responses=QueueItemDetailSerializer)
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

    @extend_schema(request=CloseInput, responses=QueueItemDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._run(
            CloseInput,
            lambda item, d: actions.close(item, d["reason"], acting_user=request.user),
        )

    @extend_schema(request=AssignInput, responses=QueueItemDetailSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        return self._run(
            AssignInput,
            lambda item, d: actions.assign(item, d["to_user"], acting_user=request.user),
        )

    @extend_schema(request=ReasonInput, responses=QueueItemDetailSerializer)
    @action(detail=True, methods=["post"])
    def hide(self, request, pk=None):
        return self._run(
            ReasonInput,
            lambda item, d: actions.hide(
                item, d["reason"], acting_user=request.user, note=d["note"]
            ),
        )

    @extend_schema(request=NoteInput, responses=QueueItemDetailSerializer)
    @action(detail=True, methods=["post"])
    def unhide(self, request, pk=None):
        return self._run(
            NoteInput,
            lambda item, d: actions.unhide(item, acting_user=request.user, note=d["note"]),
        )

    @extend_schema(request=TellAuthorInput, responses=QueueItemDetailSerializer)
    @action(detail=True, methods=["post"], url_path="tell-author")
    def tell_author(self, request, pk=None):
        return self._run(
            TellAuthorInput,
            lambda item, d: actions.tell_author(
                item, d["reason"], d["text"], acting_user=request.user
            ),
        )

    # Not named `delete`: a viewset method of that name would answer every DELETE request.
    @extend_schema(request=ReasonInput, responses=QueueItemDetailSerializer)
    @action(detail=True, methods=["post"], url_path="delete", url_name="delete")
    def delete_on_platform(self, request, pk=None):
        return self._run(
            ReasonInput,
            lambda item, d: actions.delete(
                item, d["reason"], acting_user=request.user, note=d["note"]
            ),
        )

    @extend_schema(request=RetryInput, responses=QueueItemDetailSerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        """Send a write the platform did not take again (same text, same key)."""
        return self._run(RetryInput, self._retry)

    def _retry(self, item, data):
        message = None
        if data.get("outbox_message"):
            message = item.outbox_messages.filter(pk=data["outbox_message"]).first()
            if message is None:
                raise ValidationError({"outbox_message": [str(_("No such write on this item."))]})
        actions.retry(item, acting_user=self.request.user, message=message)

    @extend_schema(request=RecordInput, responses=QueueItemDetailSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        return self._run(
            RecordInput,
            lambda item, d: actions.capture_record(item, acting_user=request.user, **d),
        )

    @extend_schema(request=LabelInput, responses=QueueItemDetailSerializer)
    @action(detail=True, methods=["post"], url_path="labels", url_name="labels")
    def add_label(self, request, pk=None):
        """Put a label on the item; one it already has stays as it was."""
        return self._run(
            LabelInput,
            lambda item, d: rule_actions.add_label(item, d["label"], acting_user=request.user),
        )

    @extend_schema(request=None, responses=QueueItemDetailSerializer)
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"labels/(?P<label_id>[0-9]{1,18})",
        url_name="label",
    )
    def remove_label(self, request, pk=None, label_id=None):
        """Take a label off the item, whoever put it there; one it does not have is left
        alone. Answers 404 for an id that is no label of the item's municipality."""
        item = self.get_object()
        label = _item_labels(item).filter(pk=label_id).first()
        if label is None:
            raise NotFound(NOT_A_LABEL)
        rule_actions.remove_label(item, label, acting_user=request.user)
        item.refresh_from_db()
        return Response(self.get_serializer(item).data)

    @extend_schema(responses=SimilarItemSerializer(many=True))
    # A short list, not a page, and not filtered by the list's filters.
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def similar(self, request, pk=None):
        """The few earlier answered items most like this one that the caller may see, on any
        channel of the municipality, closest first, each with our confirmed answer."""
        item = self.get_object()
        found = similar.similar_items(request.user, item)
        return Response(SimilarItemSerializer(found, many=True, context={"request": request}).data)

    @extend_schema(request=BulkInput, responses=BulkResultSerializer)
    @action(detail=False, methods=["post"], url_path="bulk", url_name="bulk")
    def bulk_step(self, request):
        """One step (acknowledge, close, assign, spam, label) on up to 200 items: each through its
        own action, permission check and audit row; the items that cannot take it are skipped
        with the reason. Answers 200 with each item's outcome."""
        data = BulkInput(data=request.data)
        data.is_valid(raise_exception=True)
        step = data.validated_data["step"]
        outcomes = bulk.run(request.user, step)
        results = [
            {
                "id": outcome.id,
                "outcome": "done" if outcome.done else "skipped",
                "code": outcome.code,
                "reason": outcome.reason,
            }
            for outcome in outcomes
        ]
        done = sum(outcome.done for outcome in outcomes)
        summary = bulk.summary(step, outcomes)
        return Response(
            {
                "action": step.action,
                "done": done,
                "skipped": len(outcomes) - done,
                "summary": [text for _level, text in summary],
                "results": results,
            }
        )
