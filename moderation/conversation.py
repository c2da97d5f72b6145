"""The conversation around an item, as its page shows it: the post the thread hangs under, the
path from that post down to the item with the item's own replies open, the rest of the thread
folded away with a count, the municipality's replies with their delivery state, and the
forwardings' internal notes and expert answers.

Read side only, in a fixed number of queries whatever the thread's size: one for the thread's
shape (ids and parents, capped), one for the rows shown, one for the post, one for the
replies sent through the outbox."""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import QueueItem, ThreadPost

# The thread's shape read at most: a thread longer than this shows its first comments only.
SHAPE_LIMIT = 2000
# Rows shown folded away per level (the count says how many there are).
FOLDED_LIMIT = 50
# The item's own replies shown, down every level of its branch.
BRANCH_LIMIT = 200
SHOWN_FIELDS = (
    "id",
    "external_id",
    "parent_id",
    "author_name",
    "masked_text",
    "created_at",
    "status",
    "hidden_on_platform",
    "permalink",
)


@dataclass
class Node:
    """One item of the thread shown: `children` are open, `folded` are the others at that
    level (shown on request), `folded_count` how many there are in all."""

    item: QueueItem
    is_current: bool = False
    on_path: bool = False
    ours: object = None  # the outbox message when the municipality wrote it
    children: list[Node] = field(default_factory=list)
    folded: list[QueueItem] = field(default_factory=list)
    folded_count: int = 0


@dataclass
class Conversation:
    post: ThreadPost | None
    root: Node | None
    # Top-level comments of the post other than the item's own branch.
    other_top_level: list[QueueItem]
    other_top_level_count: int
    # Replies sent through the outbox not yet read back from the platform as a thread item.
    pending_replies: list
    truncated: bool


def _shape(visible, item):
    """(id, parent id) of the thread's items the user may see, oldest first, capped."""
    if not item.thread_external_id:
        return []
    return list(
        visible.filter(channel_id=item.channel_id, thread_external_id=item.thread_external_id)
        .order_by("created_at", "id")
        .values_list("id", "parent_id")[:SHAPE_LIMIT]
    )


def _path(item, parents):
    """The ids from the top-level comment down to the item (the item last)."""
    path = [item.pk]
    seen = {item.pk}
    parent = item.parent_id
    while parent is not None and parent in parents and parent not in seen:
        path.append(parent)
        seen.add(parent)
        parent = parents[parent]
    return list(reversed(path))


def _branch(item_id, children):
    """The ids below the item, level by level, capped."""
    found, level = [], [item_id]
    while level and len(found) < BRANCH_LIMIT:
        level = [child for pk in level for child in children.get(pk, ())]
        found.extend(level)
    return found[:BRANCH_LIMIT]


def conversation(visible, item, outbox_messages) -> Conversation:
    """The conversation around `item` among the items of `visible` (the user's scope);
    `outbox_messages` are the item's replies sent through the outbox."""
    shape = _shape(visible, item)
    if item.pk not in {pk for pk, _ in shape}:
        shape.append((item.pk, item.parent_id))
    parents = dict(shape)
    children: dict[int | None, list[int]] = {}
    for pk, parent in shape:
        # A reply whose parent the user may not see (or not stored) hangs at the top.
        children.setdefault(parent if parent in parents else None, []).append(pk)
    path = _path(item, parents)
    branch = _branch(item.pk, children)
    folded_ids = {}
    for level_parent, on_path in zip([None, *path[:-1]], path, strict=True):
        others = [pk for pk in children.get(level_parent, ()) if pk != on_path]
        folded_ids[level_parent] = others
    wanted = set(path) | set(branch)
    for others in folded_ids.values():
        wanted.update(others[:FOLDED_LIMIT])
    wanted.discard(item.pk)
    rows = {item.pk: item}
    if wanted:
        rows.update((row.pk, row) for row in visible.filter(pk__in=wanted).only(*SHOWN_FIELDS))
    ours = {m.result_external_id: m for m in outbox_messages if m.result_external_id}
    matched = set()

    def node(pk, **flags):
        row = rows[pk]
        message = ours.get(row.external_id)
        if message is not None:
            matched.add(message.pk)
        return Node(item=row, ours=message, **flags)

    def folded(level_parent):
        others = folded_ids.get(level_parent, [])
        return [rows[pk] for pk in others[:FOLDED_LIMIT] if pk in rows], len(others)

    # The path, from the top-level comment down; each level keeps its other replies folded.
    nodes = [node(pk, on_path=True, is_current=pk == item.pk) for pk in path]
    for upper, lower in zip(nodes, nodes[1:], strict=False):
        upper.children = [lower]
        upper.folded, upper.folded_count = folded(upper.item.pk)
    # The item's own branch, open.
    by_parent: dict[int, list[Node]] = {}
    for pk in branch:
        if pk in rows:
            child = node(pk)
            by_parent.setdefault(rows[pk].parent_id, []).append(child)
            by_parent.setdefault(pk, [])
            child.children = by_parent[pk]
    nodes[-1].children = by_parent.get(item.pk, [])
    other_top, other_count = folded(None)
    pending = [m for m in outbox_messages if m.pk not in matched]
    return Conversation(
        post=_post(item),
        root=nodes[0],
        other_top_level=other_top,
        other_top_level_count=other_count,
        pending_replies=pending,
        truncated=len(shape) >= SHAPE_LIMIT,
    )


def _post(item):
    if not item.thread_external_id:
        return None
    return ThreadPost.objects.filter(
        platform=item.platform, external_id=item.thread_external_id
    ).first()
