"""The strategy app's writes: channel purposes, goals, themes and plan items, each audited."""

from django.db import transaction

from audit import plain, record


def _changed_fields(form):
    return sorted(form.changed_data)


def _changes(form, created):
    """`before` and `after` of the fields the form changed (nothing before a creation)."""
    names = _changed_fields(form)
    before = {} if created else {name: plain(form.initial.get(name)) for name in names}
    return {"before": before, "after": {name: plain(form.cleaned_data.get(name)) for name in names}}


@transaction.atomic
def save_channel_strategy(form, *, acting_user):
    """Save a channel's purposes, target groups, content types and intended value."""
    changes = _changes(form, created=form.instance.pk is None)
    strategy = form.save(commit=False)
    strategy.updated_by = acting_user
    strategy.save()
    record(
        "strategy.channel_strategy_saved",
        actor=acting_user,
        obj=strategy,
        channel=strategy.channel,
        **changes,
        fields=_changed_fields(form),
    )
    return strategy


@transaction.atomic
def save_goal(form, *, acting_user):
    """Create or change a goal (with its channels)."""
    created = form.instance.pk is None
    changes = _changes(form, created)
    goal = form.save()
    record(
        "strategy.goal_created" if created else "strategy.goal_changed",
        actor=acting_user,
        obj=goal,
        **changes,
        goal_id=goal.pk,
        fields=_changed_fields(form),
    )
    return goal


@transaction.atomic
def save_theme(form, *, acting_user):
    """Create or change a theme of the year."""
    created = form.instance.pk is None
    changes = _changes(form, created)
    theme = form.save()
    record(
        "strategy.theme_created" if created else "strategy.theme_changed",
        actor=acting_user,
        obj=theme,
        **changes,
        theme_id=theme.pk,
        fields=_changed_fields(form),
    )
    return theme


@transaction.atomic
def save_plan_item(form, *, acting_user):
    """Create or change a planned action or campaign (with its channels)."""
    created = form.instance.pk is None
    changes = _changes(form, created)
    item = form.save()
    record(
        "strategy.plan_item_created" if created else "strategy.plan_item_changed",
        actor=acting_user,
        obj=item,
        **changes,
        plan_item_id=item.pk,
        fields=_changed_fields(form),
    )
    return item


class ShareError(Exception):
    """A post cannot be marked as good to share (the message says why)."""


SHARE_TEXT_MAX = 1000


def mark_good_to_share(post, *, good_to_share, share_text="", acting_user):
    """Mark an own post as good for ambassadors to share (with an optional suggested text), or
    take the mark off. Audited with before and after."""
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from audit import snapshot

    from .models import OwnPost

    share_text = (share_text or "").strip()
    if len(share_text) > SHARE_TEXT_MAX:
        raise ShareError(
            _("The suggested text can be at most %(max)d characters.") % {"max": SHARE_TEXT_MAX}
        )
    with transaction.atomic():
        post = OwnPost.objects.select_for_update().get(pk=post.pk)
        before = snapshot(post, "good_to_share", "share_text")
        post.good_to_share = bool(good_to_share)
        post.share_text = share_text if good_to_share else ""
        post.marked_at = timezone.now() if good_to_share else None
        post.marked_by = acting_user if good_to_share else None
        post.save(update_fields=["good_to_share", "share_text", "marked_at", "marked_by"])
        record(
            "strategy.post_marked_good_to_share"
            if good_to_share
            else "strategy.post_unmarked_good_to_share",
            actor=acting_user,
            obj=post,
            channel=post.channel,
            before=before,
            after=snapshot(post, "good_to_share", "share_text"),
        )
    return post
