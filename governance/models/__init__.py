"""The governance app's models: the organisation (organisation.py) and policies (policy.py)."""

from .organisation import (
    DEFAULT_TIME_ZONES,
    ClosingDay,
    Country,
    Language,
    Membership,
    Municipality,
    OpeningHours,
    OrgUnit,
    Role,
    UnitKind,
    Weekday,
)
from .policy import (
    AnswerTimeRule,
    Clock,
    ItemKindChoice,
    Policy,
    PolicyStatus,
    PolicyVersion,
    RemovalReason,
)

__all__ = [
    "DEFAULT_TIME_ZONES",
    "AnswerTimeRule",
    "ClosingDay",
    "Clock",
    "Country",
    "ItemKindChoice",
    "Language",
    "Membership",
    "Municipality",
    "OpeningHours",
    "OrgUnit",
    "Policy",
    "PolicyStatus",
    "PolicyVersion",
    "RemovalReason",
    "Role",
    "UnitKind",
    "Weekday",
]
