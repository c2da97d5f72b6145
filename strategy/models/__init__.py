"""The strategy app's models: channel purposes and goals (goals.py), the yearly plan (plan.py)."""

from .goals import ChannelStrategy, Goal, GoalMetric, Purpose
from .plan import PlanItem, PlanItemKind, YearTheme

__all__ = [
    "ChannelStrategy",
    "Goal",
    "GoalMetric",
    "PlanItem",
    "PlanItemKind",
    "Purpose",
    "YearTheme",
]
