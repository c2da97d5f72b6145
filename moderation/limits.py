"""The longest text a person may send for each field of the moderation pages and API.

The pages' forms and the API's serializers both read these, so the two doors take the same: a
value that fits a column has that column's length; free text (answers, notes) has a cap that
keeps a message readable for citizens and colleagues.
"""

from audit.models import AuditEntry

from .models import OutboxMessage, QueueItem, Record

REPLY_TEXT = 8000
NOTE = 2000
FORWARD_NOTE = 4000
TELL_AUTHOR_TEXT = 4000
FORWARDING_ANSWER = 4000
CRISIS_REASON = 2000
CANNED_CODE = 50
EXPORTER = 50

CLOSE_REASON = QueueItem._meta.get_field("closed_reason").max_length
REASON_CODE = AuditEntry._meta.get_field("reason").max_length
IDEMPOTENCY_KEY = OutboxMessage._meta.get_field("idempotency_key").max_length
RECORD_FIELDS = {
    name: Record._meta.get_field(name).max_length
    for name in ("subject", "case_number", "classification", "sender", "recipient")
}
