"""What listening may still spend: X's paid reads against the month's cap, YouTube's search
calls and units of the Google Cloud project's day (never the units kept for replies and
moderation), and Instagram's 30 unique hashtags per account in a rolling 7 days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from moderation.polling import quota
from platforms.listening import IG_HASHTAG_LIMIT, IG_HASHTAG_WINDOW, X_MIN_RESULTS

from .models import HashtagSearch, ListeningSpend

X = "x"


def x_cost_per_post() -> Decimal:
    return Decimal(str(getattr(settings, "LISTENING_X_COST_PER_POST", 0.005)))


def x_monthly_cap() -> Decimal:
    return Decimal(str(getattr(settings, "LISTENING_X_MONTHLY_CAP", 25.0)))


@dataclass(frozen=True)
class XBudget:
    month: date
    posts_read: int
    spent: Decimal
    cap: Decimal
    cost_per_post: Decimal

    @property
    def posts_left(self) -> int:
        """Posts the rest of the month's cap pays for."""
        if self.cost_per_post <= 0:
            return 10**9
        return max(0, int((self.cap - self.spent) / self.cost_per_post))

    @property
    def stopped(self) -> bool:
        """Even the smallest page (10 posts) would pass the cap."""
        return self.posts_left < X_MIN_RESULTS

    @property
    def percent(self) -> int:
        return min(100, int(self.spent * 100 / self.cap)) if self.cap > 0 else 100


def x_budget(now: datetime | None = None) -> XBudget:
    now = now or timezone.now()
    month = _month(now)
    row = ListeningSpend.objects.filter(platform=X, month=month).first()
    return XBudget(
        month=month,
        posts_read=row.posts_read if row else 0,
        spent=row.cost_usd if row else Decimal("0"),
        cap=x_monthly_cap(),
        cost_per_post=x_cost_per_post(),
    )


def _month(now: datetime) -> date:
    return now.astimezone(timezone.get_fixed_timezone(0)).date().replace(day=1)


def record_x_reads(posts: int, calls: int, *, now: datetime | None = None) -> None:
    """Add the posts an X search returned (billed per post) to the month's row."""
    if not posts and not calls:
        return
    now = now or timezone.now()
    row, _ = ListeningSpend.objects.get_or_create(
        platform=X, month=_month(now), defaults={"cost_usd": Decimal("0")}
    )
    cost = (x_cost_per_post() * posts).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    ListeningSpend.objects.filter(pk=row.pk).update(
        posts_read=F("posts_read") + posts, calls=F("calls") + calls, cost_usd=F("cost_usd") + cost
    )


# -- YouTube ----------------------------------------------------------------------------------


def youtube_search_calls_allowed() -> int:
    return getattr(settings, "LISTENING_YOUTUBE_SEARCH_CALLS", 60)


@dataclass(frozen=True)
class YouTubeAllowance:
    budget: quota.QuotaBudget
    listening_calls_allowed: int

    @property
    def refusal(self) -> str:
        """Why a YouTube stream may not search now ("" when it may): one search.list call
        and one videos.list unit must fit."""
        if self.budget.exhausted:
            return _("The YouTube quota of the Google Cloud project is spent for today.")
        if self.budget.search_calls_left < 1:
            return _("YouTube's daily search calls are used up.")
        if self.budget.search_calls >= self.listening_calls_allowed:
            return _("Listening has used the %(count)s YouTube searches it may make today.") % {
                "count": self.listening_calls_allowed
            }
        if self.budget.read_units_left < 1:
            return _("The YouTube units left today are kept for replies and moderation.")
        return ""


def youtube_allowance(now: datetime | None = None) -> YouTubeAllowance:
    return YouTubeAllowance(
        budget=quota.youtube_budget(now, channels=0),
        listening_calls_allowed=youtube_search_calls_allowed(),
    )


# -- Instagram --------------------------------------------------------------------------------


class HashtagLimitError(Exception):
    """More than 30 unique hashtags in 7 days for one Instagram account."""


def hashtags_in_window(channel, now: datetime | None = None) -> dict[str, HashtagSearch]:
    now = now or timezone.now()
    rows = HashtagSearch.objects.filter(channel=channel, searched_at__gt=now - IG_HASHTAG_WINDOW)
    return {row.hashtag: row for row in rows}


def check_hashtags(channel, hashtags, now: datetime | None = None) -> set[str]:
    """The hashtags of `hashtags` that would be new to the account's 7-day window; raises
    HashtagLimitError when they do not fit in its 30 (the 31st is refused)."""
    window = hashtags_in_window(channel, now)
    new = [tag for tag in hashtags if tag not in window]
    if len(window) + len(new) > IG_HASHTAG_LIMIT:
        free = max(0, IG_HASHTAG_LIMIT - len(window))
        raise HashtagLimitError(
            _(
                "Instagram allows %(limit)s different hashtags per account in 7 days. "
                "%(channel)s has searched %(used)s, so %(free)s more fit; these would be new: "
                "%(new)s."
            )
            % {
                "limit": IG_HASHTAG_LIMIT,
                "channel": channel.name,
                "used": len(window),
                "free": free,
                "new": ", ".join(f"#{tag}" for tag in new),
            }
        )
    return set(new)


def record_hashtag_searches(channel, searched, now: datetime | None = None) -> None:
    """Note the `ig_hashtag_search` calls made: a hashtag's 7 days start at its first search
    and are not restarted by another within them."""
    now = now or timezone.now()
    for tag, hashtag_id in searched:
        row = HashtagSearch.objects.filter(channel=channel, hashtag=tag).first()
        if row is None:
            HashtagSearch.objects.create(
                channel=channel, hashtag=tag, hashtag_id=hashtag_id, searched_at=now
            )
        elif row.searched_at <= now - IG_HASHTAG_WINDOW:
            row.searched_at = now
            row.hashtag_id = hashtag_id or row.hashtag_id
            row.save(update_fields=["searched_at", "hashtag_id"])
