"""The item page's conversation: the post, the path from it down to the item with the item's own
replies open, the rest folded away with counts, our replies with their delivery state, and the
team's internal notes and the expert's answer."""

from datetime import timedelta

from django.utils import timezone

from core.testing import PASSWORD
from moderation.models import Forwarding, ForwardingStatus, OutboxMessage, ThreadPost

from .support import item


def _reply(channel, text, n, parent, **fields):
    return item(
        channel,
        text,
        n=n,
        kind="reply",
        parent=parent,
        parent_external_id=parent.external_id,
        thread_external_id=parent.thread_external_id,
        **fields,
    )


def _thread(org):
    channel = org.channels["central"]
    ThreadPost.objects.create(
        channel=channel,
        platform=channel.platform,
        external_id="post-9",
        text="Svømmehallen holder lukket i uge 7.",
        picture_url="https://scontent.xx.fbcdn.net/v/svoemmehal.jpg",
        permalink="https://www.facebook.com/testby/posts/9",
        seen_at=timezone.now(),
    )
    top = item(channel, "Hvorfor lukker I?", n=901, thread_external_id="post-9")
    others = [
        item(channel, f"Anden kommentar {n}", n=910 + n, thread_external_id="post-9")
        for n in range(2)
    ]
    subject = _reply(channel, "Gælder det også saunaen?", 902, top)
    sibling = _reply(channel, "Det synes jeg også", 903, top)
    answer = _reply(
        channel, "Ja, saunaen er også lukket.", 904, subject, author_name="Testby Kommune"
    )
    follow_up = _reply(channel, "Tak for svaret", 905, subject)
    return {
        "channel": channel,
        "top": top,
        "others": others,
        "subject": subject,
        "sibling": sibling,
        "answer": answer,
        "follow_up": follow_up,
    }


def test_the_item_page_shows_the_path_to_the_item_its_replies_and_folds_the_rest(client, org):
    # Given a post whose thread holds the item (a reply to a comment), its replies (one of them
    # ours, sent through the outbox and read back), a sibling reply and other comments
    t = _thread(org)
    OutboxMessage.objects.create(
        kind="reply",
        status="sent",
        idempotency_key="conv-1",
        channel=t["channel"],
        item=t["subject"],
        text="Ja, saunaen er også lukket.",
        result_external_id=t["answer"].external_id,
    )
    waiting = OutboxMessage.objects.create(
        kind="reply",
        status="pending",
        idempotency_key="conv-2",
        channel=t["channel"],
        item=t["subject"],
        text="Vi åbner igen mandag.",
    )

    # When the team opens the item
    assert client.login(username="comms", password=PASSWORD)
    response = client.get(t["subject"].get_absolute_url())

    # Then the thread goes from the top-level comment down to the item, marked
    conversation = response.context["conversation"]
    root = conversation.root
    assert root.item.pk == t["top"].pk
    assert [n.item.pk for n in root.children] == [t["subject"].pk]
    current = root.children[0]
    assert current.is_current
    # with the item's own replies open, ours recognised by the outbox's result id
    assert [(n.item.pk, n.ours is not None) for n in current.children] == [
        (t["answer"].pk, True),
        (t["follow_up"].pk, False),
    ]
    # the sibling reply and the other top-level comments folded away with their counts
    assert ([i.pk for i in root.folded], root.folded_count) == ([t["sibling"].pk], 1)
    assert conversation.other_top_level_count == 2
    assert [i.pk for i in conversation.other_top_level] == [o.pk for o in t["others"]]
    # and the reply not read back yet waits under the item with its state
    assert conversation.pending_replies == [waiting]
    html = response.content.decode()
    assert 'data-delivery-state="pending"' in html
    assert 'data-delivery-state="sent"' in html
    assert "Waiting to be sent" in html
    # The post: its text, picture and link (the picture's server allowed by the page's policy)
    assert "Svømmehallen holder lukket i uge 7." in html
    assert 'src="https://scontent.xx.fbcdn.net/v/svoemmehal.jpg"' in html
    assert 'href="https://www.facebook.com/testby/posts/9"' in html
    assert "https://*.fbcdn.net" in response.headers["Content-Security-Policy"]
    assert "2 other comments on this post" in html
    assert "1 other reply here" in html


def test_the_conversation_shows_the_internal_note_and_the_experts_answer(client, org):
    # Given an item forwarded with a note, answered by the expert
    t = _thread(org)
    Forwarding.objects.create(
        item=t["subject"],
        to_unit=org.units["dept_a"],
        to_user=org.users["expert"],
        due_at=timezone.now() + timedelta(hours=2),
        forwarded_by=org.users["comms"],
        note="Ved I, om saunaen også lukker?",
        answer_text="Ja, hele anlægget lukker.",
        answered_by=org.users["expert"],
        answered_at=timezone.now(),
        status=ForwardingStatus.ANSWERED,
    )

    # When the team opens it
    assert client.login(username="comms", password=PASSWORD)
    html = client.get(t["subject"].get_absolute_url()).content.decode()

    # Then both are shown as internal
    assert "Internal: forwarding and the expert" in html
    assert "Ved I, om saunaen også lukker?" in html
    assert "Ja, hele anlægget lukker." in html


def test_an_item_without_a_stored_post_says_so(client, org):
    subject = item(org.channels["central"], "Hej", n=950, thread_external_id="post-unknown")
    assert client.login(username="comms", password=PASSWORD)
    html = client.get(subject.get_absolute_url()).content.decode()
    assert "The post has not been read from the platform yet." in html


def test_on_a_phone_the_reply_box_comes_right_after_the_citizens_text():
    # The order is the stylesheet's: on narrow screens the actions column comes before the
    # conversation (checked in the browser test too).
    from pathlib import Path

    css = (Path(__file__).parents[1] / "static/moderation/moderation.css").read_text()
    assert 'grid-template-areas: "focus" "side" "main"' in css


def test_one_outbox_read_serves_the_conversation_and_the_latest_writes(client, org):
    # Given an item with twelve replies sent through the outbox, none read back yet, and three
    # later hides, the newest of which failed
    t = _thread(org)
    start = timezone.now() - timedelta(hours=1)
    replies = [
        OutboxMessage.objects.create(
            kind="reply",
            status="sent",
            idempotency_key=f"many-{n}",
            channel=t["channel"],
            item=t["subject"],
            text=f"Svar {n}",
            created_at=start + timedelta(minutes=n),
        )
        for n in range(12)
    ]
    hides = [
        OutboxMessage.objects.create(
            kind="hide",
            status="failed" if n == 2 else "sent",
            idempotency_key=f"hide-{n}",
            channel=t["channel"],
            item=t["subject"],
            created_at=start + timedelta(minutes=30 + n),
        )
        for n in range(3)
    ]

    # When the team opens the item
    assert client.login(username="comms", password=PASSWORD)
    response = client.get(t["subject"].get_absolute_url())

    # Then every reply waits under the item, oldest first
    assert response.context["conversation"].pending_replies == replies
    # and the latest ten writes of any kind are listed, newest first, the failed hide retriable
    writes = response.context["writes"]
    assert writes == [*reversed(hides), *reversed(replies[-7:])]
    assert [w.retriable for w in writes[:3]] == [True, False, False]
    # and the item's outbox is read once for both
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(t["subject"].get_absolute_url())
    # (the similar questions' search reads other items' answers: not this item's outbox)
    of_this_item = f'"moderation_outboxmessage"."item_id" = {t["subject"].pk}'
    outbox_reads = [q["sql"] for q in captured.captured_queries if of_this_item in q["sql"]]
    assert len(outbox_reads) == 1, outbox_reads
