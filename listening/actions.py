"""Every change to listening: creating and changing streams, and promoting a public post to the
queue. Each runs in one transaction and writes its audit row."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import audit
from accounts.models import Channel, ChannelConnection
from moderation.intake import on_new_items
from moderation.models import QueueItem
from moderation.polling.ingest import store_batch
from platforms.base import FetchedItem
from platforms.listening import hashtags_in

from . import budget
from .models import ListeningHit, ListeningStream, StreamKind

# Where each platform's API lets a stream read (see platforms/listening.py).
SEARCH_PLATFORMS = ("x", "instagram", "youtube")
MENTION_PLATFORMS = ("instagram",)
MAX_QUERY = 500
STREAM_FIELDS = ("name", "channel_id", "kind", "query", "enabled")


class ListeningError(Exception):
    """A refused listening step, with a sentence for the user. `field` names the input it is
    about; `conflict` marks a refusal caused by the current state (409 in the API)."""

    def __init__(self, message, *, field=None, conflict=False, code=None):
        super().__init__(message)
        self.field = field
        self.conflict = conflict
        if code:
            self.code = code


def stream_problems(*, name, channel, kind, query) -> dict[str, str]:
    """What is wrong with a stream's settings, by field (empty when they are fine). The form
    and the API both ask here; the actions ask again."""
    problems: dict[str, str] = {}
    if not (name or "").strip():
        problems["name"] = _("Give the stream a name.")
    if channel is None:
        problems["channel"] = _("Choose the channel whose connection the stream reads with.")
        return problems
    platform = channel.platform
    query = (query or "").strip()
    if kind == StreamKind.MENTIONS:
        if platform not in MENTION_PLATFORMS:
            problems["kind"] = _(
                "Mentions are read for Instagram accounts only: the queue already brings in "
                "mentions on X, and Facebook, LinkedIn and YouTube have no such listing."
            )
        return problems
    if platform not in SEARCH_PLATFORMS:
        problems["channel"] = _(
            "%(platform)s offers no search of public posts. Choose an X, Instagram or YouTube "
            "channel."
        ) % {"platform": channel.get_platform_display()}
        return problems
    if not query:
        problems["query"] = _("Write the hashtags or keywords to follow.")
    elif len(query) > MAX_QUERY:
        problems["query"] = _("At most %(count)s characters.") % {"count": MAX_QUERY}
    elif platform == "instagram":
        try:
            tags = hashtags_in(query)
        except ValueError as exc:
            problems["query"] = _(
                "Instagram searches hashtags only; “%(word)s” is not a hashtag."
            ) % {"word": str(exc)}
        else:
            if not tags:
                problems["query"] = _("Write the hashtags or keywords to follow.")
    return problems


def _check(*, name, channel, kind, query, enabled):
    problems = stream_problems(name=name, channel=channel, kind=kind, query=query)
    if problems:
        field, message = next(iter(problems.items()))
        raise ListeningError(message, field=field)
    if not ChannelConnection.objects.filter(channel=channel).exists():
        raise ListeningError(
            _("%(channel)s is not connected to its platform: connect it first.")
            % {"channel": channel.name},
            field="channel",
        )
    if enabled and channel.platform == "instagram" and kind == StreamKind.SEARCH:
        try:
            budget.check_hashtags(channel, hashtags_in(query))
        except budget.HashtagLimitError as exc:
            raise ListeningError(str(exc), field="query", code="hashtag_limit") from None


def _snapshot(stream):
    return audit.snapshot(stream, *STREAM_FIELDS)


@transaction.atomic
def create_stream(*, name, channel, kind, query, enabled=True, acting_user) -> ListeningStream:
    kind = kind or StreamKind.SEARCH
    query = (query or "").strip() if kind == StreamKind.SEARCH else ""
    channel = Channel.objects.select_for_update().get(pk=channel.pk)
    _check(name=name, channel=channel, kind=kind, query=query, enabled=enabled)
    stream = ListeningStream.objects.create(
        name=name.strip(),
        channel=channel,
        kind=kind,
        query=query,
        enabled=enabled,
        created_by=acting_user,
        next_read_at=timezone.now(),
    )
    audit.record(
        "listening.stream_created",
        actor=acting_user,
        obj=stream,
        channel=channel,
        after=_snapshot(stream),
    )
    return stream


@transaction.atomic
def change_stream(stream, *, acting_user, **changes) -> ListeningStream:
    """Change a stream's name, channel, kind, query or enabled; a new query or channel reads
    from the start again."""
    stream = ListeningStream.objects.select_for_update().select_related("channel").get(pk=stream.pk)
    before = _snapshot(stream)
    values = {
        "name": changes.get("name", stream.name),
        "channel": changes.get("channel", stream.channel),
        "kind": changes.get("kind", stream.kind),
        "query": changes.get("query", stream.query),
        "enabled": changes.get("enabled", stream.enabled),
    }
    if values["kind"] == StreamKind.MENTIONS:
        values["query"] = ""
    values["query"] = (values["query"] or "").strip()
    _check(**values)
    restart = (
        values["channel"].pk != stream.channel_id
        or values["query"] != stream.query
        or values["kind"] != stream.kind
    )
    stream.name = values["name"].strip()
    stream.channel = values["channel"]
    stream.kind = values["kind"]
    stream.query = values["query"]
    stream.enabled = values["enabled"]
    fields = ["name", "channel", "kind", "query", "enabled"]
    if restart:
        stream.cursor = {}
        fields.append("cursor")
    if stream.enabled and (restart or "enabled" in changes):
        # Read soon after a change, and report afresh.
        stream.next_read_at = timezone.now()
        stream.state = ""
        stream.last_error = ""
        stream.paused_until = None
        fields += ["next_read_at", "state", "last_error", "paused_until"]
    stream.save(update_fields=fields)
    audit.record(
        "listening.stream_changed",
        actor=acting_user,
        obj=stream,
        channel=stream.channel,
        before=before,
        after=_snapshot(stream),
    )
    return stream


def promote(hit, *, acting_user, note="") -> QueueItem:
    """Put a public post a stream found into the queue as a mention on the stream's channel.
    The item then gets its deadlines, the personal-data check and the monitor on duty like any
    polled item (`store_batch`, then `moderation.intake` after the commit)."""
    created_ids: list[int] = []
    with transaction.atomic():
        hit = (
            ListeningHit.objects.select_for_update()
            .select_related("stream__channel__owner_unit__municipality")
            .get(pk=hit.pk)
        )
        if hit.promoted_item_id:
            raise ListeningError(
                _("This post is already in the queue."), conflict=True, code="already_promoted"
            )
        channel = hit.stream.channel
        item = QueueItem.objects.filter(platform=hit.platform, external_id=hit.external_id).first()
        already = item is not None
        if item is None:
            fetched = FetchedItem(
                external_id=hit.external_id,
                kind="mention",
                # Only the masked text was ever stored.
                text=hit.text,
                author_id=hit.author_external_id or None,
                author_name=hit.author_name or None,
                parent_external_id=None,
                thread_external_id=hit.external_id,
                permalink=hit.url or None,
                created_at=hit.published_at,
            )
            stored = store_batch(channel, [fetched], received_at=timezone.now())
            created_ids = list(stored.created_ids)
            item = QueueItem.objects.get(platform=hit.platform, external_id=hit.external_id)
        hit.promoted_item = item
        hit.save(update_fields=["promoted_item"])
        audit.record(
            "listening.promoted",
            actor=acting_user,
            obj=hit,
            channel=channel,
            item=item,
            note=note,
            stream=hit.stream_id,
            already_in_queue=already,
        )
        if created_ids:
            transaction.on_commit(lambda: on_new_items(created_ids))
    return item
