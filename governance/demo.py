"""The demo municipality: a fictional Danish municipality, its organisation and staff logins.

Written in our own words. Other apps add their demo content through `demo_steps` in their own
`demo.py` (a function `load(municipality, users, stdout)`), called in INSTALLED_APPS order.
"""

from datetime import date, time

from django.contrib.auth import get_user_model
from django.db import transaction

from .demo_topics import DEPARTMENT_TOPICS
from .models import (
    AnswerTimeRule,
    ClosingDay,
    CommunicationValue,
    GuidelineSettings,
    Membership,
    Municipality,
    OpeningHours,
    OrgUnit,
    Policy,
    PolicySection,
    PolicyStatus,
    PolicyVersion,
    ReadConfirmation,
    RemovalReason,
    RemovalReasonTranslation,
    Role,
    UnitKind,
)

DEMO_PASSWORD = "fjordby-demo"

CENTRES = {
    "Center for Børn og Unge": ["Skoler og SFO", "Dagtilbud"],
    "Center for Teknik og Miljø": ["Affald og Genbrug", "Veje og Trafik"],
    "Center for Kultur og Fritid": ["Biblioteker", "Idræt og Fritid"],
}

# username, description shown in the login list, unit name, role, is lead
USERS = [
    ("kommunikationschef", "Kommunikationschef", "Kommunikation", Role.COMMUNICATIONS, True),
    ("kommunikation", "Kommunikationsmedarbejder", "Kommunikation", Role.COMMUNICATIONS, False),
    ("vagt", "Vagthavende monitor", "Kommunikation", Role.ON_DUTY_MONITOR, False),
    (
        "centerchef.boern",
        "Centerchef, Børn og Unge",
        "Center for Børn og Unge",
        Role.CENTRE_MANAGER,
        True,
    ),
    (
        "centerchef.teknik",
        "Centerchef, Teknik og Miljø",
        "Center for Teknik og Miljø",
        Role.CENTRE_MANAGER,
        True,
    ),
    (
        "centerchef.kultur",
        "Centerchef, Kultur og Fritid",
        "Center for Kultur og Fritid",
        Role.CENTRE_MANAGER,
        True,
    ),
    (
        "redaktoer.bibliotek",
        "Kanalredaktør, Biblioteker",
        "Biblioteker",
        Role.CHANNEL_EDITOR,
        False,
    ),
    (
        "fagekspert.affald",
        "Fagekspert, Affald og Genbrug",
        "Affald og Genbrug",
        Role.DEPARTMENT_EXPERT,
        False,
    ),
    ("medarbejder", "Medarbejder, Skoler og SFO", "Skoler og SFO", Role.STAFF, False),
    ("politiker", "Byrådsmedlem", "Byrådet", Role.POLITICIAN, False),
]

OPENING_HOURS = {
    0: [(time(8), time(15))],
    1: [(time(8), time(15))],
    2: [(time(8), time(15))],
    3: [(time(8), time(17))],
    4: [(time(8), time(13))],
}


@transaction.atomic
def load_organisation():
    """Create or refresh the demo organisation; returns (municipality, users by username)."""
    municipality, _ = Municipality.objects.update_or_create(
        name="Fjordby Kommune",
        defaults={
            "country": "DK",
            "time_zone": "Europe/Copenhagen",
            "default_language": "da",
            "website": "https://fjordby.example",
        },
    )
    OpeningHours.objects.filter(municipality=municipality).delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(municipality=municipality, weekday=day, opens=opens, closes=closes)
        for day, spans in OPENING_HOURS.items()
        for opens, closes in spans
    )
    for year in (date.today().year, date.today().year + 1):
        for day, until, reason in [
            (date(year, 12, 24), None, "Juleaften"),
            (date(year, 12, 31), None, "Nytårsaften"),
            (date(year, 6, 5), time(12), "Grundlovsdag"),
        ]:
            ClosingDay.objects.update_or_create(
                municipality=municipality,
                date=day,
                defaults={"open_until": until, "reason": reason},
            )

    units = {}

    def unit(name, kind, parent=None):
        defaults = {"kind": kind}
        if name in DEPARTMENT_TOPICS:
            defaults["topics"], defaults["kle_numbers"] = DEPARTMENT_TOPICS[name]
        obj, _ = OrgUnit.objects.update_or_create(
            municipality=municipality, parent=parent, name=name, defaults=defaults
        )
        units[name] = obj
        return obj

    unit("Kommunikation", UnitKind.COMMUNICATIONS)
    unit("Byrådet", UnitKind.TEAM)
    for centre_name, departments in CENTRES.items():
        centre = unit(centre_name, UnitKind.CENTRE)
        for department in departments:
            unit(department, UnitKind.DEPARTMENT, centre)

    User = get_user_model()
    users = {}
    superuser, _ = User.objects.update_or_create(
        username="admin",
        defaults={
            "email": "admin@fjordby.example",
            "is_staff": True,
            "is_superuser": True,
            "first_name": "Systemadministrator",
        },
    )
    superuser.set_password(DEMO_PASSWORD)
    superuser.save()
    users["admin"] = superuser
    for username, description, unit_name, role, lead in USERS:
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "email": f"{username}@fjordby.example",
                "first_name": description,
                "is_staff": False,
                "is_superuser": False,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        Membership.objects.update_or_create(
            user=user, unit=units[unit_name], role=role, defaults={"is_lead": lead}
        )
        users[username] = user
    return municipality, units, users


def demo_logins():
    rows = [("admin", "Systemadministrator (Django admin)")]
    rows += [(username, description) for username, description, *_ in USERS]
    return rows


# --- The demo policy: a communication policy with the social-media policy under it, adopted in
# two versions so the guidelines can show what changed. Written for the demo in our own words.

COMMUNICATION_POLICY = "Kommunikationspolitik for Fjordby Kommune"
SOCIAL_MEDIA_POLICY = "Politik for sociale medier"

# key, audience, house-rule part, order, {language: (heading, Markdown body)}
DEMO_SECTIONS = [
    (
        "formaal",
        "everyone",
        "",
        10,
        {
            "da": (
                "Hvorfor vi er på sociale medier",
                "Fjordby Kommune bruger sociale medier for at møde borgerne dér, hvor de "
                "allerede er. Vi informerer, svarer på spørgsmål og inviterer til dialog om "
                "lokalsamfundet.\n\nPolitikken gælder alle kommunens officielle sider og konti, "
                "både de centrale og dem, som centre og afdelinger driver.",
            ),
            "en": (
                "Why we are on social media",
                "Fjordby Municipality uses social media to meet citizens where they already "
                "are. We inform, answer questions and invite dialogue about the local "
                "community.\n\nThe policy covers every official page and account of the "
                "municipality, both the central ones and those run by centres and departments.",
            ),
        },
    ),
    (
        "god-tone",
        "citizens",
        "tone",
        20,
        {
            "da": (
                "Sådan taler vi sammen",
                "- Skriv til hinanden, som I ville tale ansigt til ansigt.\n"
                "- Kritik er velkommen, også skarp kritik – men hold den til sagen.\n"
                "- Hold dig til emnet i opslaget, så andre kan følge med.\n"
                "- Vi svarer på hverdage og skriver i svaret, hvis vi skal bruge mere tid.",
            ),
            "en": (
                "How we talk together",
                "- Write to each other as you would speak face to face.\n"
                "- Criticism is welcome, sharp criticism too – but keep it to the matter.\n"
                "- Stay on the topic of the post so others can follow.\n"
                "- We answer on weekdays and say so in our reply if we need more time.",
            ),
        },
    ),
    (
        "ikke-her",
        "citizens",
        "not_handled",
        30,
        {
            "da": (
                "Det kan vi ikke behandle her",
                "Sociale medier er offentlige. Derfor behandler vi ikke personlige sager her – "
                "skriv i stedet til os via Digital Post eller ring til borgerservice. Skriv "
                "aldrig dit CPR-nummer eller andre fortrolige oplysninger i en kommentar.\n\n"
                "Spørgsmål til byrådets medlemmer skal stilles til dem direkte; kommunens "
                "sider er ikke en kanal for politisk debat med de enkelte politikere.",
            ),
            "en": (
                "What we cannot handle here",
                "Social media are public. That is why we do not handle personal cases here – "
                "write to us through Digital Post instead, or call the citizens' service. "
                "Never write your personal ID number or other confidential details in a "
                "comment.\n\nQuestions for members of the council go to them directly; the "
                "municipality's pages are not a channel for political debate with individual "
                "politicians.",
            ),
        },
    ),
    (
        "politikere",
        "politicians",
        "",
        40,
        {
            "da": (
                "Når du er politiker",
                "Som medlem af byrådet taler du på egne vegne på dine egne profiler. Brug ikke "
                "kommunens logo eller sider til valgkamp, og del kun kommunens opslag uændret. "
                "Sager om enkeltpersoner hører ikke hjemme i en offentlig tråd.",
            ),
            "en": (
                "When you are a politician",
                "As a council member you speak for yourself on your own profiles. Do not use "
                "the municipality's logo or pages for campaigning, and share the "
                "municipality's posts only unchanged. Matters about individuals do not belong "
                "in a public thread.",
            ),
        },
    ),
    (
        "medarbejdere",
        "employees",
        "",
        50,
        {
            "da": (
                "Når du er medarbejder",
                "Du må gerne fortælle om dit arbejde på dine private profiler – men gør det "
                "klart, at det er dig, der taler, og ikke kommunen. Tavshedspligten gælder "
                "også på nettet.\n\nDriver du en side for din afdeling, skal den være godkendt "
                "af centerchefen, have mindst to administratorer og følge svartiderne i denne "
                "politik.",
            ),
            "en": (
                "When you are an employee",
                "You are welcome to talk about your work on your private profiles – but make "
                "it clear that you speak for yourself, not for the municipality. Your duty of "
                "confidentiality applies online too.\n\nIf you run a page for your department, "
                "the centre manager must have approved it, it needs at least two "
                "administrators, and it follows the answer times in this policy.",
            ),
        },
    ),
]

# What a Danish municipality's social-media desk can keep: it is staffed in opening hours on
# weekdays, so both targets count opening hours (closed on weekends, public holidays and the
# municipality's closing days) and no deadline falls at night. A first response within a couple
# of opening hours tells the citizen we have seen the question; the answer follows within one
# working day (420 minutes: the average opening day, Monday to Wednesday 7 h, Thursday 9 h,
# Friday 5 h), or two for the slower platforms. A comment written on Saturday night is
# acknowledged by Monday 10:00 and answered by Monday 15:00, which leaves the expert a deadline
# around noon.
WORKING_DAY = 7 * 60
# platform, kind, first response (minutes, clock), answer (minutes, clock)
DEMO_ANSWER_TIMES = [
    ("facebook", "any", (120, "opening_hours"), (WORKING_DAY, "opening_hours")),
    # A private message often carries a personal matter: seen within the hour.
    ("facebook", "message", (60, "opening_hours"), (WORKING_DAY, "opening_hours")),
    ("instagram", "any", (120, "opening_hours"), (WORKING_DAY, "opening_hours")),
    ("x", "any", (None, "opening_hours"), (240, "opening_hours")),
    ("linkedin", "any", (None, "opening_hours"), (2 * WORKING_DAY, "opening_hours")),
    ("youtube", "any", (None, "opening_hours"), (2 * WORKING_DAY, "opening_hours")),
]

# code, Danish (label, explanation), English (label, explanation)
DEMO_REMOVAL_REASONS = [
    (
        "personal-data",
        (
            "Personlige oplysninger",
            "Vi skjuler kommentarer med CPR-numre, helbredsoplysninger eller andet "
            "fortroligt – for din egen skyld.",
        ),
        (
            "Personal details",
            "We hide comments with personal ID numbers, health details or anything else "
            "confidential – for your own sake.",
        ),
    ),
    (
        "offensive",
        (
            "Krænkende indhold",
            "Trusler, chikane og nedsættende ord om andres køn, tro, hudfarve, handicap eller "
            "seksualitet fjerner vi.",
        ),
        (
            "Offensive content",
            "We remove threats, harassment and degrading words about anyone's gender, faith, "
            "colour, disability or sexuality.",
        ),
    ),
    (
        "spam",
        (
            "Reklame og spam",
            "Salg, reklame og gentagne ens kommentarer fjerner vi, så tråden forbliver læsbar.",
        ),
        (
            "Advertising and spam",
            "We remove sales, advertising and repeated identical comments so the thread stays "
            "readable.",
        ),
    ),
    (
        "illegal",
        (
            "Ulovligt indhold",
            "Indhold, der bryder loven – fx opfordring til vold eller deling af andres "
            "billeder uden lov – fjerner vi og kan anmelde.",
        ),
        (
            "Illegal content",
            "Content that breaks the law – such as calls for violence or sharing other "
            "people's pictures without permission – is removed and may be reported.",
        ),
    ),
]

# language -> (name, description)
DEMO_VALUES = {
    "da": [
        ("Imødekommende", "Vi skriver venligt og personligt – også når tonen er hård."),
        ("Tydelig", "Kort, konkret og uden fagsprog. Vi skriver 'du' til borgeren."),
        ("Ordentlig", "Vi svarer sagligt, retter vores fejl åbent og lover kun det, vi kan."),
        ("Rettidig", "Vi svarer inden for de svartider, politikken sætter."),
    ],
    "en": [
        ("Approachable", "We write kindly and personally – also when the tone is harsh."),
        ("Clear", "Short, concrete and free of jargon. We address the citizen as 'you'."),
        (
            "Decent",
            "We answer to the point, correct our mistakes openly and promise only what we can.",
        ),
        ("On time", "We answer within the answer times the policy sets."),
    ],
}


def _demo_version(policy, number, *, status, in_force_from, adopted_on, reference, note):
    version, _ = PolicyVersion.objects.update_or_create(
        policy=policy,
        number=number,
        defaults={
            "status": status,
            "adopted_by": "Byrådet",
            "adopted_on": adopted_on,
            "reference": reference,
            "in_force_from": in_force_from,
            "inactivity_limit_days": 90,
            "change_note": note,
        },
    )
    return version


def _demo_content(version, *, facebook_answer, employee_extra=""):
    # An adopted version's rules are frozen, and queue items may point at them: fill once.
    if version.sections.exists():
        return
    for key, audience, part, order, texts in DEMO_SECTIONS:
        for language, (heading, body) in texts.items():
            if key == "medarbejdere" and employee_extra:
                body += employee_extra[language]
            PolicySection.objects.create(
                version=version,
                key=key,
                heading=heading,
                audience=audience,
                house_rule_part=part,
                body=body,
                language=language,
                order=order,
            )
    for platform, kind, (first, first_clock), (answer, answer_clock) in DEMO_ANSWER_TIMES:
        if platform == "facebook" and kind == "any":
            answer = facebook_answer
        AnswerTimeRule.objects.create(
            version=version,
            platform=platform,
            item_kind=kind,
            first_response_minutes=first,
            first_response_clock=first_clock,
            answer_minutes=answer,
            answer_clock=answer_clock,
        )
    for order, (code, (label, explanation), (label_en, explanation_en)) in enumerate(
        DEMO_REMOVAL_REASONS
    ):
        reason = RemovalReason.objects.create(
            version=version,
            code=code,
            label=label,
            explanation=explanation,
            order=order,
            # The demo lets inbox rules hide spam by themselves; everything else a person decides.
            automatic_allowed=code == "spam",
        )
        RemovalReasonTranslation.objects.create(
            reason=reason, language="en", label=label_en, explanation=explanation_en
        )
    for language, values in DEMO_VALUES.items():
        for order, (name, description) in enumerate(values):
            CommunicationValue.objects.create(
                version=version, name=name, description=description, language=language, order=order
            )


@transaction.atomic
def load(*, municipality, units, users, stdout):
    """The demo policy: version 1 superseded, version 2 in force, Danish and English text."""
    from datetime import timedelta

    from django.utils import timezone

    communication, _ = Policy.objects.update_or_create(
        municipality=municipality, title=COMMUNICATION_POLICY, defaults={"parent": None}
    )
    social, _ = Policy.objects.update_or_create(
        municipality=municipality,
        title=SOCIAL_MEDIA_POLICY,
        defaults={"parent": communication, "governs_social_media": True},
    )
    now = timezone.now()
    # Supersede before adopting: one adopted version per policy is a database constraint.
    first = _demo_version(
        social,
        1,
        status=PolicyStatus.SUPERSEDED,
        in_force_from=now - timedelta(days=400),
        adopted_on=(now - timedelta(days=405)).date(),
        reference="BR § 87/2025",
        note="",
    )
    second = _demo_version(
        social,
        2,
        status=PolicyStatus.ADOPTED,
        in_force_from=now - timedelta(days=14),
        adopted_on=(now - timedelta(days=16)).date(),
        reference="BR § 212/2026",
        note="Facebook-kommentarer besvares nu inden for én arbejdsdag i åbningstiden (før to), "
        "og afsnittet for medarbejdere nævner kravet om to administratorer.",
    )
    _demo_content(first, facebook_answer=2 * WORKING_DAY)
    # Version 2 shortens Facebook's answer time and adds a line for employees.
    _demo_content(
        second,
        facebook_answer=WORKING_DAY,
        employee_extra={
            "da": "\n\nEr du i tvivl, så spørg kommunikationsafdelingen, før du svarer.",
            "en": "\n\nIf in doubt, ask the communications team before you answer.",
        },
    )
    GuidelineSettings.objects.update_or_create(
        municipality=municipality,
        defaults={"frame_origins": "https://intranet.fjordby.example"},
    )
    for username in ("kommunikationschef", "kommunikation", "centerchef.boern"):
        if username in users:
            ReadConfirmation.objects.get_or_create(version=second, user=users[username])
    stdout.write(f"Policy loaded: {social.title}, version {second.number} in force")
