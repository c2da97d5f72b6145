"""Demo content of the answer routine: canned answers, the communications team's on-duty
rota and its Teams channel for alerts (the simulator's Workflows receiver). Written for the
demo in our own words; running it again refreshes instead of duplicating."""

from datetime import date, timedelta

from .models import CannedAnswer, DutyRota, RotaMember

CANNED_ANSWERS = [
    (
        "tak",
        "Tak for din besked",
        "Tak for din besked. Vi har set den og vender tilbage med et svar hurtigst muligt.",
        False,
    ),
    (
        "sikker-post",
        "Personoplysninger: brug sikker post",
        "Tak for din henvendelse. Din kommentar indeholdt et personnummer, så vi har skjult den "
        "for at passe på dig. Skriv i stedet til os med sikker post via borger.dk, så hjælper vi "
        "dig videre der.",
        True,
    ),
    (
        "ring",
        "Ring til os om din sag",
        "Tak for dit spørgsmål. Vi kan ikke behandle konkrete sager her på siden. Ring til "
        "Borgerservice på 70 00 00 00 på hverdage, så hjælper en medarbejder dig.",
        False,
    ),
    (
        "videre",
        "Vi har sendt spørgsmålet videre",
        "Godt spørgsmål. Vi har sendt det videre til de rette fagfolk og svarer her, så snart "
        "vi har et svar.",
        False,
    ),
]


def load(*, municipality, units, users, stdout):
    for order, (code, title, text, for_personal_data) in enumerate(CANNED_ANSWERS):
        CannedAnswer.objects.update_or_create(
            municipality=municipality,
            code=code,
            defaults={
                "title": title,
                "text": text,
                "for_personal_data": for_personal_data,
                "order": order,
            },
        )
    team = units.get("Kommunikation")
    on_duty = [users[name] for name in ("vagt", "kommunikation") if name in users]
    if team is not None and on_duty:
        # Weekly turns starting last Monday, each covering for the other during absence.
        today = date.today()
        rota, _ = DutyRota.objects.update_or_create(
            team=team,
            defaults={"starts_on": today - timedelta(days=today.weekday()), "turn_days": 7},
        )
        for position, user in enumerate(on_duty):
            deputy = on_duty[(position + 1) % len(on_duty)] if len(on_duty) > 1 else None
            RotaMember.objects.update_or_create(
                rota=rota, user=user, defaults={"position": position, "deputy": deputy}
            )
    if team is not None:
        _teams_alerts(team)
    stdout.write(
        f"Moderation: {len(CANNED_ANSWERS)} canned answers, the on-duty rota and a Teams channel "
        "for alerts."
    )


def _teams_alerts(team):
    """The communications team's Teams channel, played by the simulator's Workflows receiver
    (GET /_sim/hooks shows what it received). Only with the simulator: a real URL is pasted by
    the communications lead."""
    from django.conf import settings

    from accounts.crypto import encrypt_token

    from .alert_actions import mask_url
    from .models import AlertEvent, AlertHook, AlertKind

    base = getattr(settings, "SIMULATOR_URL", "").rstrip("/")
    if not base:
        return
    url = f"{base}/_sim/hooks/teams/kommunikation"
    AlertHook.objects.update_or_create(
        unit=team,
        name="Teams: #sociale-medier",
        defaults={
            "kind": AlertKind.TEAMS_WORKFLOW,
            "url_encrypted": encrypt_token(url),
            "url_hint": mask_url(url),
            "events": list(AlertEvent.values),
            "language": team.municipality.default_language,
            "enabled": True,
        },
    )
