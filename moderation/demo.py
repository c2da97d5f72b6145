"""Demo content of the answer routine: canned answers and the communications team's on-duty
rota. Written for the demo in our own words; running it again refreshes instead of duplicating."""

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
    stdout.write(f"Moderation: {len(CANNED_ANSWERS)} canned answers and the on-duty rota.")
