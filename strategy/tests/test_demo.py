"""The demo content loads, fills the charts' history once, and can be loaded again."""

import io
from datetime import date

from accounts.models import AccountSnapshot
from strategy import demo
from strategy.models import Goal, PlanItem, YearTheme


def test_demo_is_idempotent_and_keeps_existing_snapshots(org):
    # Given one channel that already has real figures
    AccountSnapshot.objects.create(channel=org.channels["b"], date=date(2026, 1, 1), followers=7)
    kwargs = {"municipality": org.municipality, "units": org.units, "users": org.users}
    demo.load(**kwargs, stdout=io.StringIO())
    # Then the other two channels get 120 days each and channel b keeps its one row
    assert AccountSnapshot.objects.count() == 2 * demo.HISTORY_DAYS + 1
    assert AccountSnapshot.objects.filter(channel=org.channels["b"]).count() == 1
    counts = (Goal.objects.count(), YearTheme.objects.count(), PlanItem.objects.count())
    assert counts == (3, 4, 9)
    out = io.StringIO()
    demo.load(**kwargs, stdout=out)
    assert (Goal.objects.count(), YearTheme.objects.count(), PlanItem.objects.count()) == counts
    assert AccountSnapshot.objects.count() == 2 * demo.HISTORY_DAYS + 1
    assert "0 account snapshots added" in out.getvalue()
