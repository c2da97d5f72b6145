"""What the on-duty rota page shows: per team, today's turn and the turns ahead with who is on
duty, the members and whether they are away, and the absences ahead. Read side only."""

from datetime import timedelta

from .models import Absence, DutyRota

# How many turns after the current one the page looks ahead, at most.
TURNS_AHEAD = 6


def _turns(rota, members, absences, today):
    """The current turn (from today) and the next ones: first and last day, who the order
    schedules and who is on duty on the first day (the deputy or the next present member when
    the scheduled one is away)."""
    if not members:
        return []
    current = max(0, (today - rota.starts_on).days) // rota.turn_days
    turns = []
    for turn in range(current, current + min(len(members), TURNS_AHEAD) + 1):
        start = rota.starts_on + timedelta(days=turn * rota.turn_days)
        first = max(start, today)
        scheduled = members[turn % len(members)].user
        on_duty = rota.on_duty(first, members, absences)
        turns.append(
            {
                "first": first,
                "last": start + timedelta(days=rota.turn_days - 1),
                "scheduled": scheduled,
                "on_duty": on_duty,
                "covered": on_duty is not None and on_duty.pk != scheduled.pk,
            }
        )
    return turns


def rota_page_data(municipality, today):
    """The page's teams and the absences not over yet, in a fixed few queries."""
    rotas = list(
        DutyRota.objects.filter(team__municipality=municipality)
        .select_related("team")
        .prefetch_related("members__user", "members__deputy")
        .order_by("team__name")
    )
    upcoming = _upcoming_absences(rotas, today)
    absences = {}
    for absence in upcoming:
        absences.setdefault(absence.user_id, []).append((absence.starts_on, absence.ends_on))
    teams = [_team(rota, upcoming, absences, today) for rota in rotas]
    return {"today": today, "teams": teams, "absences": upcoming}


def _upcoming_absences(rotas, today):
    """Every absence of the rotas' members and deputies not over yet, in one query: enough for
    today and every turn ahead."""
    user_ids = {
        user_id
        for rota in rotas
        for member in rota.members.all()
        for user_id in (member.user_id, member.deputy_id)
        if user_id
    }
    return list(
        Absence.objects.filter(user_id__in=user_ids, ends_on__gte=today)
        .select_related("user")
        .order_by("starts_on", "user__username", "pk")
    )


def _team(rota, upcoming, absences, today):
    members = list(rota.members.all())
    on_rota = {m.user_id for m in members} | {m.deputy_id for m in members}
    turns = _turns(rota, members, absences, today)
    return {
        "rota": rota,
        "today": turns[0] if turns else None,
        "turns": turns[1:],
        "members": [
            {"member": m, "away": any(s <= today <= e for s, e in absences.get(m.user_id, ()))}
            for m in members
        ],
        "absences": [a for a in upcoming if a.user_id in on_rota],
        "member_ids": {m.user_id for m in members},
    }


def rota_setup_data(municipality):
    """What the page's set-up forms offer, in two queries whatever the rotas' size: the teams
    without a rota, and the active people of the organisation (each rota's add form leaves out
    its members; deputy choices come from the members already loaded)."""
    from .actions import rota_candidates

    return {
        "teams_without_rota": list(
            municipality.units.filter(duty_rota__isnull=True).order_by("name")
        ),
        "candidates": list(rota_candidates(municipality)),
    }
