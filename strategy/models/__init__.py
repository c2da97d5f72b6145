"""The strategy app's models: channel purposes and goals (goals.py), the yearly plan (plan.py),
own posts and their figures (posts.py)."""

from .goals import ChannelStrategy, Goal, GoalMetric, Purpose
from .plan import PlanItem, PlanItemKind, YearTheme
from .posts import (
    FIGURE_NAMES,
    FIGURES_BY_PLATFORM,
    CollectionStatus,
    FiguresCollection,
    OwnPost,
    OwnPostMonth,
    PostFigures,
    PostSource,
)

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
    "Purpose",
    "YearTheme",
]
