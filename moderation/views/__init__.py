"""The moderation pages: the queue, an item with its actions, the expert's forwarded questions,
notifications, crisis mode, records, the audit log and the on-duty rota. One module per page or
group of pages, re-exported here for `moderation/urls.py` and the code that imports them from
`moderation.views`."""

from .alerts import AlertHookDeleteView, AlertHookEditView, AlertHooksView, AlertHookTestView
from .audit import AUDIT_COLUMNS, AuditLogView
from .canned import (
    CannedAnswerDeleteView,
    CannedAnswerEditView,
    CannedAnswersView,
)
from .crisis import CrisisView
from .forwarding import ForwardedView
from .item import ItemDetailView, item_context
from .item_actions import ItemActionView
from .notifications import NotificationsView, UnreadView
from .presence import ItemPresenceView
from .queue import (
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    QueueBulkView,
    QueueCountsView,
    QueueRow,
    QueueView,
    keyset_page,
    queue_queryset,
)
from .records import (
    RecordAsWrittenView,
    RecordDetailView,
    RecordExportView,
    RecordPdfView,
)
from .rota import (
    AbsenceAddView,
    AbsenceRemoveView,
    MemberMoveView,
    RotaCreateView,
    RotaDeputyView,
    RotaMemberAddView,
    RotaMemberRemoveView,
    RotaTurnsView,
    RotaView,
)

__all__ = [
    "AlertHookDeleteView",
    "AlertHookEditView",
    "AlertHooksView",
    "AlertHookTestView",
    "AbsenceAddView",
    "AbsenceRemoveView",
    "AUDIT_COLUMNS",
    "AuditLogView",
    "CannedAnswerDeleteView",
    "CannedAnswerEditView",
    "CannedAnswersView",
    "CrisisView",
    "ForwardedView",
    "item_context",
    "ItemActionView",
    "ItemDetailView",
    "ItemPresenceView",
    "keyset_page",
    "MAX_PAGE_SIZE",
    "MemberMoveView",
    "NotificationsView",
    "PAGE_SIZE",
    "queue_queryset",
    "QueueBulkView",
    "QueueCountsView",
    "QueueRow",
    "QueueView",
    "RecordAsWrittenView",
    "RecordDetailView",
    "RecordExportView",
    "RecordPdfView",
    "RotaCreateView",
    "RotaDeputyView",
    "RotaMemberAddView",
    "RotaMemberRemoveView",
    "RotaTurnsView",
    "RotaView",
    "UnreadView",
]
