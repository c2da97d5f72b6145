"""Demo channels: the central team's accounts on all five platforms, the library's page, a
dormant page nobody posts on, a library page whose annual review is overdue, and a pending
request for a new school page waiting for the centre manager."""

from datetime import timedelta

from django.utils import timezone

from audit import record

from . import actions
from .models import (
    Channel,
    ChannelAdmin,
    ChannelRequest,
    ChannelScope,
    ChannelStatus,
    Platform,
    PlatformRole,
)

CENTRAL_PURPOSE = (
    "Kommunens fælles stemme: nyheder, driftsbeskeder, høringer og svar på borgernes spørgsmål."
)
CENTRAL_TARGETS = "Alle borgere, virksomheder og besøgende i Fjordby"

# platform, name, handle, url, unit, scope, status, responsible, deputy, admins, purpose, targets
DEMO_CHANNELS = [
    (
        Platform.FACEBOOK,
        "Fjordby Kommune",
        "fjordbykommune",
        "https://facebook.example/fjordbykommune",
        "Kommunikation",
        ChannelScope.CENTRAL,
        ChannelStatus.ACTIVE,
        "kommunikationschef",
        "kommunikation",
        ["kommunikationschef", "kommunikation", "vagt"],
        CENTRAL_PURPOSE,
        CENTRAL_TARGETS,
    ),
    (
        Platform.INSTAGRAM,
        "Fjordby Kommune",
        "fjordbykommune",
        "https://instagram.example/fjordbykommune",
        "Kommunikation",
        ChannelScope.CENTRAL,
        ChannelStatus.ACTIVE,
        "kommunikation",
        "kommunikationschef",
        ["kommunikationschef", "kommunikation"],
        "Billeder fra hverdagen i kommunen og invitationer til arrangementer.",
        "Yngre borgere og familier",
    ),
    (
        Platform.LINKEDIN,
        "Fjordby Kommune",
        "fjordby-kommune",
        "https://linkedin.example/company/fjordby-kommune",
        "Kommunikation",
        ChannelScope.CENTRAL,
        ChannelStatus.ACTIVE,
        "kommunikationschef",
        "kommunikation",
        ["kommunikationschef", "kommunikation"],
        "Rekruttering og kommunen som arbejdsplads.",
        "Kommende medarbejdere og samarbejdspartnere",
    ),
    (
        Platform.X,
        "Fjordby Kommune",
        "@fjordbykommune",
        "https://x.example/fjordbykommune",
        "Kommunikation",
        ChannelScope.CENTRAL,
        ChannelStatus.ACTIVE,
        "kommunikation",
        "vagt",
        ["kommunikation", "vagt"],
        "Hurtige driftsbeskeder og beredskab.",
        "Pressen og borgere, der følger med i driften",
    ),
    (
        Platform.YOUTUBE,
        "Fjordby Kommune",
        "@fjordbykommune",
        "https://youtube.example/@fjordbykommune",
        "Kommunikation",
        ChannelScope.CENTRAL,
        ChannelStatus.ACTIVE,
        "kommunikation",
        "kommunikationschef",
        ["kommunikation", "kommunikationschef"],
        "Optagelser af byrådsmøder og korte forklarende film.",
        "Borgere, der vil følge den lokale politik",
    ),
    (
        Platform.FACEBOOK,
        "Fjordby Bibliotekerne",
        "fjordbybib",
        "https://facebook.example/fjordbybib",
        "Biblioteker",
        ChannelScope.DECENTRAL,
        ChannelStatus.ACTIVE,
        "redaktoer.bibliotek",
        "centerchef.kultur",
        ["redaktoer.bibliotek", "centerchef.kultur"],
        "Arrangementer, nye bøger og åbningstider på bibliotekerne.",
        "Lånere, børnefamilier og læsekredse",
    ),
    (
        Platform.FACEBOOK,
        "Fjordby Genbrugspladser",
        "fjordbygenbrug",
        "https://facebook.example/fjordbygenbrug",
        "Affald og Genbrug",
        ChannelScope.DECENTRAL,
        ChannelStatus.ACTIVE,
        "fagekspert.affald",
        "centerchef.teknik",
        ["fagekspert.affald"],
        "Åbningstider og sortering på genbrugspladserne.",
        "Husstande i kommunen",
    ),
]

DORMANT = (Platform.FACEBOOK, "Fjordby Genbrugspladser")
REVIEW_OVERDUE = (Platform.FACEBOOK, "Fjordby Bibliotekerne")


def load(*, municipality, units, users, stdout):
    now = timezone.now()
    long_ago = now - timedelta(days=400)
    for (
        platform,
        name,
        handle,
        url,
        unit,
        scope,
        status,
        responsible,
        deputy,
        admins,
        purpose,
        targets,
    ) in DEMO_CHANNELS:
        channel, created = Channel.objects.update_or_create(
            platform=platform,
            name=name,
            defaults={
                "handle": handle,
                "url": url,
                "owner_unit": units[unit],
                "scope": scope,
                "responsible": users[responsible],
                "deputy": users[deputy],
                "purpose": purpose,
                "target_groups": targets,
            },
        )
        if created or channel.approved_at is None:
            # The demo's pages have been in use for a while: approved, checked, reviewed.
            approver = users["centerchef.kultur" if unit == "Biblioteker" else "kommunikationschef"]
            if unit == "Affald og Genbrug":
                approver = users["centerchef.teknik"]
            channel.status = status
            channel.approved_at = long_ago
            channel.approved_by = approver
            channel.branding_verified_at = long_ago + timedelta(days=2)
            channel.branding_verified_by = users["kommunikation"]
            channel.last_review_at = now - timedelta(days=60)
            if (platform, name) == REVIEW_OVERDUE:
                channel.last_review_at = now - timedelta(days=400)
            channel.save()
            record(
                "channel.request_approved",
                actor=approver,
                channel=channel,
                after={"status": ChannelStatus.APPROVED},
                at=long_ago,
                note="Oprettet før registret blev digitalt.",
            )
        Channel.objects.filter(pk=channel.pk).update(created_at=long_ago)
        for username in admins:
            ChannelAdmin.objects.get_or_create(
                channel=channel,
                user=users[username],
                defaults={"platform_role": PlatformRole.ADMIN, "added_on": long_ago.date()},
            )

    dormant = Channel.objects.get(platform=DORMANT[0], name=DORMANT[1])
    if dormant.status == ChannelStatus.ACTIVE:
        actions.mark_dormant(dormant, acting_user=None, since=now - timedelta(days=310))

    if not ChannelRequest.objects.filter(channel__name="Fjordby Skoler på Instagram").exists():
        actions.request_channel(
            acting_user=users["medarbejder"],
            platform=Platform.INSTAGRAM,
            name="Fjordby Skoler på Instagram",
            department=units["Skoler og SFO"],
            purpose="Vise elevernes projekter og fortælle forældre om skoleåret.",
            target_groups="Forældre og kommende skolebørn",
            message="Glæden ved at lære, set fra klasselokalet. Ingen elever vises uden samtykke.",
            responsible=users["medarbejder"],
            deputy=users["centerchef.boern"],
        )

    result = actions.sweep_neglect()
    stdout.write(
        f"Demo channels: {len(DEMO_CHANNELS)} pages, 1 pending request, "
        f"{result.flags_raised} new compliance flags"
    )
