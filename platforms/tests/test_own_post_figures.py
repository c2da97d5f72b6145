"""Own posts and their figures, per platform, against the simulator: the listing since a
moment, the figures each platform gives (None for the others, never 0), and reads by id."""

from __future__ import annotations

from datetime import timedelta

import pytest

from platforms.base import POST_FIGURES

PLATFORMS = ("facebook", "instagram", "linkedin", "x", "youtube")


def _created(clock, hours):
    return (clock.now - timedelta(hours=hours)).isoformat()


@pytest.mark.parametrize("platform", PLATFORMS)
def test_lists_own_posts_since_with_the_figures_the_platform_gives(
    platform, sim, make_adapter, clock
):
    old = sim.post_content(platform, "Gammelt opslag", created_time=_created(clock, 24 * 40))
    recent = sim.post_content(platform, "Nyt om genbrugspladsen", created_time=_created(clock, 48))
    adapter = make_adapter(platform)

    found = adapter.fetch_own_posts(clock.now - timedelta(days=28))

    ids = [post.external_id for post in found]
    assert recent["id"] in ids
    assert old["id"] not in ids
    post = found[ids.index(recent["id"])]
    assert post.published_at is not None
    assert abs(post.published_at - (clock.now - timedelta(hours=48))) < timedelta(seconds=2)
    assert "genbrugspladsen" in post.text
    assert post.permalink and post.permalink.startswith("https://")
    for name in POST_FIGURES:
        value = getattr(post, name)
        if name in adapter.post_figures:
            assert isinstance(value, int) and value >= 0, (name, value)
        else:
            assert value is None, (name, value)
    # Two days old: the simulated post has been seen by somebody.
    seen = post.reach if "reach" in adapter.post_figures else post.impressions
    assert seen > 0


@pytest.mark.parametrize("platform", PLATFORMS)
def test_reads_figures_of_named_posts(platform, sim, make_adapter, clock):
    kept = sim.post_content(platform, "Et ældre opslag", created_time=_created(clock, 24 * 60))
    adapter = make_adapter(platform)

    found = adapter.fetch_post_figures([kept["id"]])

    assert [post.external_id for post in found] == [kept["id"]]
    if "comments" in adapter.post_figures:
        assert found[0].comments == 0


def test_facebook_counts_comments_from_the_edge_summary(sim, make_adapter, clock):
    post = sim.post_content("facebook", "Kom til borgermøde", created_time=_created(clock, 5))
    sim.comment("facebook", "Hvornår?", post_id=post["id"])
    sim.comment("facebook", "Hvor?", post_id=post["id"])
    adapter = make_adapter("facebook")

    found = {p.external_id: p for p in adapter.fetch_own_posts(clock.now - timedelta(days=1))}

    assert found[post["id"]].comments == 2


def test_figures_grow_as_the_post_ages(sim, make_adapter, clock):
    post = sim.post_content("linkedin", "Ledige stillinger", created_time=_created(clock, 2))
    adapter = make_adapter("linkedin")
    before = adapter.fetch_post_figures([post["id"]])[0]

    sim.world.advance_clock(3 * 24 * 3600)
    after = adapter.fetch_post_figures([post["id"]])[0]

    assert after.impressions > before.impressions
    assert after.reach > before.reach


def test_youtube_spends_single_units_never_search(sim, make_adapter, clock):
    sim.post_content("youtube", "Byrådsmødet", created_time=_created(clock, 30))
    adapter = make_adapter("youtube")

    adapter.fetch_own_posts(clock.now - timedelta(days=28))

    # channels + one page of the uploads playlist + the videos' statistics
    assert adapter.quota_units == 3
    assert adapter.search_calls == 0
