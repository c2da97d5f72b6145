"""Shared helpers of the posts tests: a second channel for department A and drafts."""

from accounts.models import Channel, ChannelScope, ChannelStatus
from strategy import publishing
from strategy.models import Post


def x_channel_a(org):
    """Department A's X account (responsible: the editor, like its Facebook page)."""
    return Channel.objects.get_or_create(
        platform="x",
        name="Afdeling A på X",
        defaults={
            "external_id": "x-a",
            "owner_unit": org.units["dept_a"],
            "scope": ChannelScope.DECENTRAL,
            "status": ChannelStatus.ACTIVE,
            "responsible": org.users["editor"],
        },
    )[0]


def draft(org, *, author="editor", channels=None, text="Svømmehallen åbner igen mandag.", **extra):
    channels = channels if channels is not None else [org.channels["a"], x_channel_a(org)]
    return publishing.save_draft(
        None,
        acting_user=org.users[author],
        title=extra.pop("title", "Svømmehallen"),
        text=text,
        channels=channels,
        **extra,
    )


def submitted(org, **kwargs):
    post = draft(org, **kwargs)
    publishing.submit(post, acting_user=post.author)
    return Post.objects.get(pk=post.pk)
