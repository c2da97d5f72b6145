"""API: the moderation queue, its actions, forwarded questions, the audit trail and the SLA
preview. Same permissions as the pages; personal ID numbers are masked in every response.

`config/api_urls.py` calls `register(router)` and includes `urlpatterns`; one module per
resource, re-exported here for the code and tests that import them from `moderation.api`."""

from django.urls import path

from .alerts import AlertHookSerializer, AlertHookViewSet
from .audit import (
    AuditEntryFilter,
    AuditEntrySerializer,
    AuditEntryViewSet,
)
from .canned import CannedAnswerSerializer, CannedAnswerViewSet
from .crisis import CrisisInput, CrisisView
from .fields import MaskedJSONField, MaskedTextField
from .forwardings import (
    AnswerInput,
    ForwardingSerializer,
    ForwardingViewSet,
)
from .items import (
    AssignInput,
    CloseInput,
    ForwardInput,
    IdempotencyConflict,
    NoteInput,
    QueueItemFilter,
    QueueItemSerializer,
    QueueItemViewSet,
    QueuePagination,
    ReasonInput,
    RecordInput,
    ReplyInput,
    TellAuthorInput,
)
from .notifications import (
    NotificationSerializer,
    NotificationViewSet,
)
from .records import (
    AsWrittenInput,
    ExportInput,
    RecordAsWrittenSerializer,
    RecordSerializer,
    RecordViewSet,
)
from .rota import AbsenceViewSet, RotaMemberViewSet, RotaViewSet
from .rules import InboxRuleViewSet, LabelViewSet
from .sla import SlaPreviewView

__all__ = [
    "AlertHookSerializer",
    "AlertHookViewSet",
    "AbsenceViewSet",
    "InboxRuleViewSet",
    "LabelViewSet",
    "CannedAnswerSerializer",
    "CannedAnswerViewSet",
    "RotaMemberViewSet",
    "RotaViewSet",
    "AnswerInput",
    "AssignInput",
    "AsWrittenInput",
    "AuditEntryFilter",
    "AuditEntrySerializer",
    "AuditEntryViewSet",
    "CloseInput",
    "CrisisInput",
    "CrisisView",
    "ExportInput",
    "ForwardingSerializer",
    "ForwardingViewSet",
    "ForwardInput",
    "IdempotencyConflict",
    "MaskedJSONField",
    "MaskedTextField",
    "NoteInput",
    "NotificationSerializer",
    "NotificationViewSet",
    "QueueItemFilter",
    "QueueItemSerializer",
    "QueueItemViewSet",
    "QueuePagination",
    "ReasonInput",
    "RecordAsWrittenSerializer",
    "RecordInput",
    "RecordSerializer",
    "RecordViewSet",
    "ReplyInput",
    "SlaPreviewView",
    "TellAuthorInput",
]


def register(router):
    router.register("items", QueueItemViewSet, basename="item")
    router.register("forwardings", ForwardingViewSet, basename="forwarding")
    router.register("audit", AuditEntryViewSet, basename="audit-entry")
    router.register("records", RecordViewSet, basename="record")
    router.register("notifications", NotificationViewSet, basename="notification")
    router.register("canned-answers", CannedAnswerViewSet, basename="canned-answer")
    router.register("rotas", RotaViewSet, basename="rota")
    router.register("rota-members", RotaMemberViewSet, basename="rota-member")
    router.register("absences", AbsenceViewSet, basename="absence")
    router.register("alert-hooks", AlertHookViewSet, basename="alert-hook")
    router.register("inbox-rules", InboxRuleViewSet, basename="inbox-rule")
    router.register("labels", LabelViewSet, basename="label")


urlpatterns = [
    path("sla/preview/", SlaPreviewView.as_view(), name="sla-preview"),
    path("crisis/", CrisisView.as_view(), name="crisis-mode"),
]
