"""Print the schemathesis configuration of `tests/fuzz_api.sh`: for each API collection, the id
of one of the demo's objects, so the fuzzer's requests to `.../{id}/...` reach the actions
instead of a 404. Reads the database the environment names (DATABASE_URL)."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main():
    import django

    django.setup()
    from accounts.models import Channel, ChannelClosingRequest, ChannelRequest
    from audit.models import AuditEntry
    from governance.models import ApiToken, Policy, PolicyVersion
    from moderation.models import Forwarding, Notification, QueueItem, Record
    from strategy.models import Goal, PlanItem

    collections = {
        "items": QueueItem.objects.filter(status="new"),
        "channels": Channel.objects.filter(status="active"),
        "channel-requests": ChannelRequest.objects.all(),
        "closing-requests": ChannelClosingRequest.objects.all(),
        "forwardings": Forwarding.objects.all(),
        "records": Record.objects.all(),
        "audit": AuditEntry.objects.all(),
        "notifications": Notification.objects.filter(user__username="kommunikation"),
        "policies": Policy.objects.all(),
        "policy-versions": PolicyVersion.objects.all(),
        "me/tokens": ApiToken.objects.filter(user__username="kommunikation", name="Fuzz spare"),
        "goals": Goal.objects.all(),
        "plan-items": PlanItem.objects.all(),
    }
    for path, objects in collections.items():
        pk = objects.order_by("pk").values_list("pk", flat=True).first()
        if pk is not None:
            print("[[operations]]")
            print(f'include-path-regex = "^/api/v1/{path}/\\\\{{id\\\\}}/"')
            print(f'parameters = {{ "path.id" = {pk} }}\n')
    print("[[operations]]")
    print('include-path-regex = "^/api/v1/reports/"')
    print('parameters = { "path.name" = "answer-times" }')


if __name__ == "__main__":
    main()
