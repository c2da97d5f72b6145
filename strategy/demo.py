"""Demo content for strategy: purposes per demo channel, goals, this year's themes and plan,
(only where none exist yet) 120 days of account figures so the charts have data, and, through
the simulator, own posts of the last three months with their figures."""

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from accounts.models import AccountSnapshot, Channel, Platform

from .models import (
    ChannelStrategy,
    Goal,
    GoalMetric,
    PlanItem,
    PlanItemKind,
    Post,
    PostStatus,
    PostTarget,
    TargetStatus,
    YearTheme,
)

PURPOSES = {
    # (platform, channel name): purposes, target groups, content types, intended value
    (Platform.FACEBOOK, "Fjordby Kommune"): (
        ["information", "service", "dialogue", "crisis"],
        "Borgere i alle aldre, særligt forældre og ældre borgere",
        "Nyheder, driftsbeskeder, korte videoer, arrangementer",
        "Borgerne får hurtige svar og ved, hvad der sker i kommunen.",
    ),
    (Platform.INSTAGRAM, "Fjordby Kommune"): (
        ["branding", "information"],
        "Unge og unge familier",
        "Billeder og korte videoer fra hverdagen i kommunen",
        "Et nært og levende billede af Fjordby som et godt sted at bo.",
    ),
    (Platform.LINKEDIN, "Fjordby Kommune"): (
        ["recruitment", "branding"],
        "Fagfolk, kommende medarbejdere og samarbejdspartnere",
        "Stillingsopslag, faglige resultater, medarbejderportrætter",
        "Flere kvalificerede ansøgere og et stærkt arbejdsgiverbrand.",
    ),
    (Platform.X, "Fjordby Kommune"): (
        ["information", "crisis"],
        "Journalister, politikere og meningsdannere",
        "Pressemeddelelser, driftsforstyrrelser, byrådsbeslutninger",
        "Hurtig og korrekt information, også når noget går galt.",
    ),
    (Platform.YOUTUBE, "Fjordby Kommune"): (
        ["information", "involvement"],
        "Borgere, der vil følge byrådet og lokale projekter",
        "Optagelser af byrådsmøder, forklaringsvideoer",
        "Åbenhed om beslutninger og lettere adgang til demokratiet.",
    ),
    (Platform.FACEBOOK, "Fjordby Bibliotekerne"): (
        ["dialogue", "information", "involvement"],
        "Lånere, børnefamilier og foreninger",
        "Arrangementer, boganbefalinger, åbningstider",
        "Flere besøgende og et aktivt fællesskab omkring bibliotekerne.",
    ),
}

# Starting followers and daily growth for the generated history, per platform.
GROWTH = {
    Platform.FACEBOOK: (3100, 4.5),
    Platform.INSTAGRAM: (1400, 3.0),
    Platform.LINKEDIN: (1250, 4.0),
    Platform.X: (900, 0.6),
    Platform.YOUTUBE: (300, 0.4),
}
HISTORY_DAYS = 120


def _snapshots(channel, today):
    """Daily figures for a channel without any: steady growth with some day-to-day noise."""
    if AccountSnapshot.objects.filter(channel=channel).exists():
        return 0
    start_followers, per_day = GROWTH.get(channel.platform, (500, 1.0))
    if channel.name != "Fjordby Kommune":
        start_followers, per_day = start_followers // 3, per_day / 2
    # Seeded per channel so a reload produces the same curve.
    noise = random.Random(f"{channel.platform}-{channel.name}")
    rows = []
    followers = float(start_followers)
    for offset in range(HISTORY_DAYS, 0, -1):
        day = today - timedelta(days=offset)
        followers += per_day + noise.uniform(-per_day, per_day)
        posts = noise.choice([0, 0, 1, 1, 1, 2]) if day.weekday() < 5 else noise.choice([0, 0, 1])
        rows.append(
            AccountSnapshot(channel=channel, date=day, followers=round(followers), own_posts=posts)
        )
    AccountSnapshot.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def load(*, municipality, units, users, stdout):
    _load_strategy(municipality=municipality, units=units, users=users, stdout=stdout)
    load_own_posts(users=users, stdout=stdout)


def _load_strategy(*, municipality, units, users, stdout):
    today = timezone.localdate()
    year = today.year
    channels = {(c.platform, c.name): c for c in Channel.objects.all()}

    for key, (purposes, groups, content, value) in PURPOSES.items():
        channel = channels.get(key)
        if channel is None:
            continue
        ChannelStrategy.objects.update_or_create(
            channel=channel,
            defaults={
                "purposes": purposes,
                "target_groups": groups,
                "content_types": content,
                "intended_value": value,
            },
        )

    snapshots = sum(_snapshots(channel, today) for channel in channels.values())

    start = today - timedelta(days=HISTORY_DAYS)
    goals = [
        (
            "4.000 følgere på Facebook",
            GoalMetric.FOLLOWERS,
            4000,
            [channels.get((Platform.FACEBOOK, "Fjordby Kommune"))],
            date(year, 12, 31),
            "Flere borgere skal kunne se kommunens nyheder og driftsbeskeder.",
        ),
        (
            "2.000 følgere på LinkedIn",
            GoalMetric.FOLLOWERS,
            2000,
            [channels.get((Platform.LINKEDIN, "Fjordby Kommune"))],
            date(year, 12, 31),
            "Et stærkere arbejdsgiverbrand før de store rekrutteringsrunder.",
        ),
        (
            "25 egne opslag om måneden",
            GoalMetric.OWN_POSTS_PER_MONTH,
            25,
            [channels.get((Platform.FACEBOOK, "Fjordby Kommune"))],
            date(year, 12, 31),
            "En jævn strøm af indhold på kommunens hovedside.",
        ),
        (
            "Flere reaktioner på Instagram",
            GoalMetric.INTERACTIONS_PER_POST,
            60,
            [channels.get((Platform.INSTAGRAM, "Fjordby Kommune"))],
            date(year, 12, 31),
            "Indhold, som borgerne har lyst til at reagere på og dele.",
        ),
    ]
    for title, metric, target, goal_channels, deadline, description in goals:
        goal, _ = Goal.objects.update_or_create(
            title=title,
            defaults={
                "metric": metric,
                "target_value": target,
                "start_date": min(start, deadline - timedelta(days=1)),
                "deadline": deadline,
                "description": description,
            },
        )
        goal.channels.set([channel for channel in goal_channels if channel is not None])

    themes = {}
    for title, first, last, description in [
        ("Grøn hverdag", (3, 1), (5, 31), "Affald, genbrug og energi i hjemmet."),
        ("Trivsel blandt børn og unge", (8, 1), (10, 31), "Skolestart, fritid og mental sundhed."),
        ("Fællesskab i foreningslivet", (1, 15), (2, 28), "Frivillige og foreninger i fokus."),
        ("Tryg vinter", (11, 1), (12, 31), "Glatførebekæmpelse, åbningstider og juleaktiviteter."),
    ]:
        theme, _ = YearTheme.objects.update_or_create(
            title=title,
            start_date__year=year,
            defaults={
                "start_date": date(year, *first),
                "end_date": date(year, *last),
                "description": description,
            },
        )
        themes[title] = theme

    facebook = channels.get((Platform.FACEBOOK, "Fjordby Kommune"))
    instagram = channels.get((Platform.INSTAGRAM, "Fjordby Kommune"))
    linkedin = channels.get((Platform.LINKEDIN, "Fjordby Kommune"))
    youtube = channels.get((Platform.YOUTUBE, "Fjordby Kommune"))
    library = channels.get((Platform.FACEBOOK, "Fjordby Bibliotekerne"))
    plan = [
        (
            "Sorteringsguide i korte videoer",
            PlanItemKind.CAMPAIGN,
            "Grøn hverdag",
            [facebook, instagram],
            "kommunikation",
            (3, 10),
            (4, 20),
        ),
        (
            "Genbrugsdag på genbrugspladsen",
            PlanItemKind.ACTION,
            "Grøn hverdag",
            [facebook],
            "kommunikation",
            (5, 9),
            (5, 9),
        ),
        (
            "Kampagne for sommerferiejob",
            PlanItemKind.CAMPAIGN,
            None,
            [linkedin, instagram],
            "kommunikationschef",
            (4, 1),
            (5, 15),
        ),
        (
            "Skolestart: gode råd til forældre",
            PlanItemKind.CAMPAIGN,
            "Trivsel blandt børn og unge",
            [facebook],
            "kommunikation",
            (8, 1),
            (8, 31),
        ),
        (
            "Læseklub for unge",
            PlanItemKind.ACTION,
            "Trivsel blandt børn og unge",
            [library],
            "redaktoer.bibliotek",
            (9, 1),
            (10, 31),
        ),
        (
            "Byrådets budgetmøde direkte",
            PlanItemKind.ACTION,
            None,
            [youtube],
            "kommunikation",
            (10, 8),
            (10, 8),
        ),
        (
            "Foreningernes dag",
            PlanItemKind.ACTION,
            "Fællesskab i foreningslivet",
            [],
            "kommunikation",
            (2, 7),
            (2, 7),
        ),
        (
            "Glatførebekæmpelse og vinterberedskab",
            PlanItemKind.CAMPAIGN,
            "Tryg vinter",
            [facebook],
            "vagt",
            (11, 15),
            (12, 31),
        ),
        (
            "Jul på biblioteket",
            PlanItemKind.ACTION,
            "Tryg vinter",
            [library],
            "redaktoer.bibliotek",
            (12, 1),
            (12, 23),
        ),
    ]
    for title, kind, theme, item_channels, owner, first, last in plan:
        item, _ = PlanItem.objects.update_or_create(
            title=title,
            start_date__year=year,
            defaults={
                "kind": kind,
                "theme": themes.get(theme),
                "owner": users.get(owner),
                "start_date": date(year, *first),
                "end_date": date(year, *last),
            },
        )
        item.channels.set([channel for channel in item_channels if channel is not None])

    posts = _posts(channels, users, today)

    stdout.write(
        f"Strategy: {len(PURPOSES)} channel purposes, {len(goals)} goals, {len(themes)} themes, "
        f"{len(plan)} plan items, {posts} posts, {snapshots} account snapshots added"
    )


def _posts(channels, users, today):
    """A few posts in each state, linked to the plan: a draft, one waiting for approval, one
    scheduled for tomorrow and one published last week."""
    zone = timezone.get_current_timezone()
    central = channels.get((Platform.FACEBOOK, "Fjordby Kommune"))
    x = next((c for (platform, _name), c in channels.items() if platform == Platform.X), None)
    linkedin = next(
        (c for (platform, _name), c in channels.items() if platform == Platform.LINKEDIN), None
    )
    library = channels.get((Platform.FACEBOOK, "Fjordby Bibliotekerne"))
    at_ten = datetime.combine(today + timedelta(days=1), time(10), tzinfo=zone)
    last_week = datetime.combine(today - timedelta(days=6), time(9, 30), tzinfo=zone)
    rows = [
        (
            "Juleåbent på biblioteket",
            "Biblioteket holder åbent med julehygge og højtlæsning hele december.",
            "Jul på biblioteket",
            "redaktoer.bibliotek",
            [library],
            PostStatus.DRAFT,
            None,
        ),
        (
            "Glatførebekæmpelse i nat",
            "Vi salter alle hovedveje i nat. Kør forsigtigt i morgen tidlig.",
            "Glatførebekæmpelse og vinterberedskab",
            "kommunikation",
            [central, x],
            PostStatus.SUBMITTED,
            None,
        ),
        (
            "Ledige sommerjob",
            "Vi søger sommerhjælp til parker og strande. Læs mere og søg på kommunens side.",
            None,
            "kommunikation",
            [central, linkedin],
            PostStatus.SCHEDULED,
            at_ten,
        ),
        (
            "Foreningernes dag",
            "Tak til alle foreninger, der var med til Foreningernes dag.",
            "Foreningernes dag",
            "kommunikation",
            [central, x],
            PostStatus.PUBLISHED,
            last_week,
        ),
    ]
    made = 0
    for title, text, item_title, author, targets, status, moment in rows:
        targets = [channel for channel in targets if channel is not None]
        if not targets or users.get(author) is None:
            continue
        item = PlanItem.objects.filter(title=item_title).order_by("-start_date").first()
        decided = status in (PostStatus.SCHEDULED, PostStatus.PUBLISHED)
        post, created = Post.objects.update_or_create(
            title=title,
            defaults={
                "text": text,
                "author": users[author],
                "plan_item": item,
                "theme": item.theme if item else None,
                "status": status,
                "scheduled_at": moment,
                "published_at": moment if status == PostStatus.PUBLISHED else None,
                "decided_by": users.get("kommunikationschef") if decided else None,
                "decided_at": moment - timedelta(days=1) if decided and moment else None,
            },
        )
        made += created
        for channel in targets:
            PostTarget.objects.update_or_create(
                post=post,
                channel=channel,
                defaults={
                    "status": TargetStatus.PUBLISHED
                    if status == PostStatus.PUBLISHED
                    else TargetStatus.WAITING,
                    "published_at": moment if status == PostStatus.PUBLISHED else None,
                },
            )
    return made


# Own posts the demo adds to each simulated account (on top of its three recent ones), one
# every few days over the last three months, so the months and goals have figures.
OLDER_POSTS = [
    "Nyt fra byrådet: se dagsordenen for næste møde.",
    "Husk at tilmelde dig affaldsordningens sms-service.",
    "Kom til åbent hus på det nye sundhedshus lørdag kl. 10-14.",
    "Vi søger frivillige til forårets store affaldsindsamling.",
    "Sommerens arrangementer i kulturhuset er nu offentliggjort.",
    "Sådan søger du om tilskud til din forening.",
    "Borgerservice har ændrede åbningstider i uge 42.",
    "Se billederne fra indvielsen af den nye legeplads.",
]


def load_own_posts(*, users, stdout, now=None):
    """Add older own posts to the simulator's demo accounts (once: a simulator that has them
    keeps them until it is reset), collect every connected channel's posts and figures, and
    mark two posts good to share."""
    import requests
    from django.conf import settings

    from simulator.demo import DEFAULT_ACCOUNTS

    from . import actions, collector
    from .models import OwnPost

    url = (getattr(settings, "SIMULATOR_URL", "") or "").rstrip("/")
    if not url:
        stdout.write("Own posts: no simulator, none collected")
        return
    now = now or timezone.now()
    try:
        for spec in DEFAULT_ACCOUNTS:
            platform = spec["platform"]
            known = requests.get(
                f"{url}/_sim/{platform}/posts", params={"account_id": spec["id"]}, timeout=10
            ).json()
            if len(known) > 6:
                continue
            for number, days in enumerate(range(5, 88, 4)):
                requests.post(
                    f"{url}/_sim/{platform}/posts",
                    json={
                        "account_id": spec["id"],
                        "message": OLDER_POSTS[number % len(OLDER_POSTS)],
                        "created_time": (now - timedelta(days=days, hours=number)).isoformat(),
                    },
                    timeout=10,
                ).raise_for_status()
    except requests.RequestException as exc:
        stdout.write(f"Own posts: the simulator did not answer ({exc})")
        return
    outcomes = collector.collect_all(now=now)
    team = users.get("kommunikation")
    for platform, text in (
        (Platform.FACEBOOK, "Del gerne med dit netværk."),
        (Platform.LINKEDIN, "Del gerne opslaget med dine kolleger og dit netværk."),
    ):
        post = (
            OwnPost.objects.filter(channel__platform=platform, good_to_share=False)
            .order_by("-published_at")
            .first()
        )
        if post is not None and team is not None:
            actions.mark_good_to_share(post, good_to_share=True, share_text=text, acting_user=team)
    stdout.write(f"Own posts collected: {outcomes}")
