"""Demo content of the answer routine: canned answers, the communications team's on-duty
rota, its Teams channel for alerts (the simulator's Workflows receiver), and a few labels and
inbox rules. Written for the demo in our own words; running it again refreshes instead of
duplicating."""

from datetime import date, timedelta

from .models import CannedAnswer, DutyRota, InboxRule, Label, RotaMember

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
    rules = _rules(municipality, units, users.get("kommunikationschef"))
    stdout.write(
        f"Moderation: {len(CANNED_ANSWERS)} canned answers, the on-duty rota, a Teams channel for "
        f"alerts and {rules} inbox rules."
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


# (name, colour)
LABELS = [("Affald", "green"), ("Mulig spam", "red"), ("Ros", "purple")]

# (name, conditions, actions by label name, department to suggest)
RULES = [
    (
        "Affald og genbrug",
        {"words": ["affald", "skrald", "storskrald", "genbrugsplads", "skraldebil"]},
        {"labels": ["Affald"]},
        "Affald og Genbrug",
    ),
    (
        "Links med tilbud",
        {"has_link": True, "words": ["gratis", "vind", "tilbud", "rabat", "klik her"]},
        {"labels": ["Mulig spam"], "hide_reason": "spam"},
        None,
    ),
    (
        "Ros og tak",
        {"words": ["tusind tak", "super god", "fantastisk", "godt gået"]},
        {"labels": ["Ros"]},
        None,
    ),
]


def _rules(municipality, units, lead):
    """The demo's labels and inbox rules, made through the actions (versioned and audited);
    those already there are left as they are."""
    from governance.policy import version_in_force

    from . import rule_actions

    labels = {}
    for name, colour in LABELS:
        label = Label.objects.filter(municipality=municipality, name=name).first()
        labels[name] = label or rule_actions.create_label(
            municipality, acting_user=lead, name=name, colour=colour
        )
    version = version_in_force(municipality)
    reasons = set(version.removal_reasons.values_list("code", flat=True)) if version else set()
    for name, conditions, wanted, department in RULES:
        if InboxRule.objects.filter(municipality=municipality, name=name).exists():
            continue
        actions = {"labels": [labels[label].pk for label in wanted["labels"]]}
        if wanted.get("hide_reason") in reasons:
            actions["hide_reason"] = wanted["hide_reason"]
        if department and department in units:
            actions["forward_to"] = units[department].pk
        rule_actions.create_rule(
            municipality, acting_user=lead, name=name, conditions=conditions, actions=actions
        )
    return InboxRule.objects.live().filter(municipality=municipality).count()
