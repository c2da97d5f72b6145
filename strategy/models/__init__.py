"""The strategy app's models: channel purposes and goals (goals.py), the yearly plan (plan.py),
posts on the channels (posts.py), our own posts and their figures (own_posts.py)."""

from .goals import ChannelStrategy, Goal, GoalMetric, Purpose
from .own_posts import (
    FIGURE_NAMES,
    FIGURES_BY_PLATFORM,
    CollectionStatus,
    FiguresCollection,
    OwnPost,
    OwnPostMonth,
    PostFigures,
    PostSource,
)
from .plan import PlanItem, PlanItemKind, YearTheme
from .posts import Post, PostComment, PostStatus, PostTarget, TargetStatus

__all__ = [
    "FIGURES_BY_PLATFORM",
    "FIGURE_NAMES",
    "ChannelStrategy",
    "CollectionStatus",
    "FiguresCollection",
    "OwnPost",
    "OwnPostMonth",
    "PostFigures",
    "PostSource",
    "Goal",
    "GoalMetric",
    "PlanItem",
    "PlanItemKind",
    "Post",
    "PostComment",
    "PostStatus",
    "PostTarget",
    "Purpose",
    "TargetStatus",
    "YearTheme",
]
