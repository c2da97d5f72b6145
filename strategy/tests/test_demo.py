"""The demo content loads, fills the charts' history once, and can be loaded again."""

import io
from datetime import date

from accounts.models import AccountSnapshot
from moderation.tests import polling_support
from strategy import demo
from strategy.models import Goal, PlanItem, YearTheme

simulator_module = polling_support.simulator_module
sim = polling_support.sim


def test_demo_is_idempotent_and_keeps_existing_snapshots(org):
    # Given one channel that already has real figures
    AccountSnapshot.objects.create(channel=org.channels["b"], date=date(2026, 1, 1), followers=7)
    kwargs = {"municipality": org.municipality, "units": org.units, "users": org.users}
    demo.load(**kwargs, stdout=io.StringIO())
    # Then the other two channels get 120 days each and channel b keeps its one row
    assert AccountSnapshot.objects.count() == 2 * demo.HISTORY_DAYS + 1
    assert AccountSnapshot.objects.filter(channel=org.channels["b"]).count() == 1
    counts = (Goal.objects.count(), YearTheme.objects.count(), PlanItem.objects.count())
    assert counts == (4, 4, 9)
    out = io.StringIO()
    demo.load(**kwargs, stdout=out)
    assert (Goal.objects.count(), YearTheme.objects.count(), PlanItem.objects.count()) == counts
    assert AccountSnapshot.objects.count() == 2 * demo.HISTORY_DAYS + 1
    assert "0 account snapshots added" in out.getvalue()


def test_demo_collects_own_posts_through_the_simulator(org, sim):
    from accounts.models import Channel
    from moderation.tests.polling_support import ACCOUNTS, connect, make_channel
    from strategy.models import OwnPost

    for platform in ACCOUNTS:
        connect(make_channel(org, platform))
    out = io.StringIO()

    demo.load_own_posts(users={"kommunikation": org.users["comms"]}, stdout=out)

    for channel in Channel.objects.filter(external_id__in=[a["id"] for a in ACCOUNTS.values()]):
        # the simulator's three recent posts and the demo's older ones, within 90 days
        assert OwnPost.objects.filter(channel=channel).count() > 20, channel
    assert OwnPost.objects.filter(good_to_share=True).count() == 2
    again = OwnPost.objects.count()
    demo.load_own_posts(users={"kommunikation": org.users["comms"]}, stdout=io.StringIO())
    assert OwnPost.objects.count() == again
