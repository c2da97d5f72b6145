"""Builders shared by the moderation tests: an adopted policy with answer-time rules and
removal reasons, opening hours, an on-duty rota, and items."""

from datetime import UTC, date, datetime, time

from governance.models import (
    AnswerTimeRule,
    OpeningHours,
    Policy,
    PolicyStatus,
    PolicyVersion,
    RemovalReason,
)
from moderation.counts import count_created
from moderation.models import DutyRota, QueueItem, RotaMember

MONDAY = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)  # 10:00 in Copenhagen


def adopt_policy(municipality, rules=None, *, number=1):
    """An adopted social-media policy; `rules` = [(platform, kind, first, first_clock, answer,
    answer_clock)]. Default: Facebook 60 min calendar first response, 24 h weekdays answer."""
    policy, _ = Policy.objects.get_or_create(
        municipality=municipality, title="Sociale medier", defaults={"governs_social_media": True}
    )
    version = PolicyVersion.objects.create(
        policy=policy, number=number, status=PolicyStatus.ADOPTED
    )
    for platform, kind, first, first_clock, answer, answer_clock in rules or [
        ("facebook", "any", 60, "calendar", 24 * 60, "weekdays"),
        ("instagram", "any", None, "calendar", 8 * 60, "calendar"),
    ]:
        AnswerTimeRule.objects.create(
            version=version,
            platform=platform,
            item_kind=kind,
            first_response_minutes=first,
            first_response_clock=first_clock,
            answer_minutes=answer,
            answer_clock=answer_clock,
        )
    RemovalReason.objects.create(
        version=version,
        code="personal_attack",
        label="Personangreb",
        explanation="Vi fjerner indlæg, der angriber en person.",
    )
    return version


def office_hours(municipality, opens=time(8), closes=time(15)):
    for weekday in range(5):
        OpeningHours.objects.create(
            municipality=municipality, weekday=weekday, opens=opens, closes=closes
        )


def rota(team, users, *, starts_on=date(2026, 11, 16), turn_days=7, deputies=None):
    duty = DutyRota.objects.create(team=team, starts_on=starts_on, turn_days=turn_days)
    for position, user in enumerate(users):
        RotaMember.objects.create(
            rota=duty,
            user=user,
            position=position,
            deputy=(deputies or {}).get(user.username),
        )
    return duty


def item(channel, text="Hvornår åbner svømmehallen?", *, n=1, received=MONDAY, **fields):
    """A stored queue item, counted in the open-item counters as the intake would count it."""
    created = QueueItem.objects.create(
        channel=channel,
        platform=channel.platform,
        external_id=f"t-{channel.pk}-{n}",
        kind=fields.pop("kind", "comment"),
        author_name=fields.pop("author_name", f"Borger {n}"),
        author_external_id=fields.pop("author_external_id", f"author-{n}"),
        text=text,
        created_at=received,
        received_at=received,
        **fields,
    )
    count_created([created])
    return created
