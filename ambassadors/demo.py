"""Demo content of the ambassador programme: a guide, a course and two ambassadors."""

from datetime import timedelta

from django.utils import timezone

from .models import Course, Guide, Membership

GUIDE_BODY = """Når du deler et af kommunens opslag, når det ud til dit eget netværk. Det gør en
forskel, især når du skriver et par ord om, hvorfor opslaget betyder noget for dig.

## Gode råd

- Del med dine egne ord. Den foreslåede tekst er kun et forslag.
- Del det, du selv synes er interessant. Du behøver ikke dele alt.
- Svar ikke på borgeres konkrete sager i kommentarerne: henvis til kommunens kanaler.
- Skriv aldrig oplysninger om borgere eller kolleger.

## Når nogen spørger dig

Du må gerne fortælle om dit arbejde. Spørgsmål om en bestemt sag sender du videre til
kommunikationsafdelingen eller til kommunens side, hvor vi svarer inden for vores svartider.
"""


def load(*, municipality, units, users, stdout):
    Guide.objects.update_or_create(
        title="Sådan deler du kommunens opslag",
        defaults={
            "summary": "Gode råd til at dele med egne ord",
            "body": GUIDE_BODY,
            "position": 1,
            "updated_by": users.get("kommunikation"),
        },
    )
    starts = (timezone.localtime() + timedelta(days=21)).replace(
        hour=13, minute=0, second=0, microsecond=0
    )
    Course.objects.update_or_create(
        title="LinkedIn for ambassadører",
        defaults={
            "description": "Et kursus på to timer om din profil, om at dele og om god tone.",
            "starts_at": starts,
            "ends_at": starts + timedelta(hours=2),
            "place": "Rådhuset, mødelokale 3",
            "online_link": "https://teams.example/fjordby-ambassador",
            "seats": 20,
        },
    )
    joined = 0
    for username in ("medarbejder", "fagekspert.affald"):
        user = users.get(username)
        if user is None:
            continue
        Membership.objects.update_or_create(
            user=user, defaults={"active": True, "joined_at": timezone.now(), "left_at": None}
        )
        joined += 1
    stdout.write(f"Ambassador programme: 1 guide, 1 course, {joined} ambassadors")
