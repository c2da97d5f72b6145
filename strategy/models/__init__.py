"""The strategy app's models: channel purposes and goals (goals.py), the yearly plan (plan.py),
posts on the channels (posts.py)."""

from .goals import ChannelStrategy, Goal, GoalMetric, Purpose
from .plan import PlanItem, PlanItemKind, YearTheme
from .posts import Post, PostComment, PostStatus, PostTarget, TargetStatus

__all__ = [
    "ChannelStrategy",
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
