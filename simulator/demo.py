"""The demo municipality's simulated accounts (the world after every reset) and the demo stream:
a steady, seeded flow of Danish citizen activity on all five platforms."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from .state import World

MUNICIPALITY = "Fjordby Kommune"

# Fixed ids and tokens, so a `demo` database made earlier still matches a freshly started
# simulator. `token` is what the account's API calls must carry.
DEFAULT_ACCOUNTS: list[dict[str, Any]] = [
    {
        "platform": "facebook",
        "id": "108527460000001",
        "name": MUNICIPALITY,
        "username": "fjordbykommune",
        "followers": 8214,
        "token": "EAASIM-fjordby-facebook-page-token",
    },
    {
        "platform": "instagram",
        "id": "17841460000000001",
        "name": MUNICIPALITY,
        "username": "fjordbykommune",
        "followers": 3120,
        "token": "IGSIM-fjordby-instagram-token",
    },
    {
        "platform": "linkedin",
        "id": "90210001",
        "name": MUNICIPALITY,
        "username": "fjordby-kommune",
        "followers": 1905,
        "token": "AQSIM-fjordby-linkedin-token",
    },
    {
        "platform": "x",
        "id": "1600000000000000001",
        "name": MUNICIPALITY,
        "username": "fjordbykommune",
        "followers": 2417,
        "token": "XSIM-fjordby-x-user-token",
    },
    {
        "platform": "youtube",
        "id": "UCfjordbyKommuneSim00001",
        "name": MUNICIPALITY,
        "username": "fjordbykommune",
        "followers": 538,
        "token": "ya29.SIM-fjordby-youtube-token",
        "api_key": "AIzaSIM-fjordby-youtube-key",
    },
]

# Each account starts with three own posts: (hours before the reset, text).
OWN_POSTS: dict[str, list[tuple[int, str]]] = {
    "facebook": [
        (70, "Husk at sortere dit haveaffald: genbrugspladsen har udvidet åbningstid i weekenden."),
        (26, "Vejarbejdet på Havnevej går i gang mandag. Kør gerne ad Skolegade i de tre uger."),
        (
            3,
            "Biblioteket holder fortællestund for de mindste hver onsdag kl. 10. Alle er velkomne.",
        ),
    ],
    "instagram": [
        (68, "Solopgang over fjorden set fra den nye badebro."),
        (30, "Årets juletræ er tændt på Torvet. Tak til alle der kom forbi."),
        (5, "Nye bænke langs stien ved Engsøen. Hvor holder du pause?"),
    ],
    "linkedin": [
        (
            72,
            "Vi søger en projektleder til den grønne omstilling. Søg senest 1. december.",
        ),
        (28, "Vi har samlet erfaringerne fra vores digitale borgerservice i en kort rapport."),
        (6, "Tak til alle praktikanter, der har været en del af forvaltningen i efteråret."),
    ],
    "x": [
        (66, "Vinterberedskabet er klar: vi salter hovedvejene fra kl. 4 når der er frost."),
        (24, "Byrådsmødet torsdag kan følges direkte på kommunens hjemmeside."),
        (2, "Affaldsindsamlingen i Nørreby er forsinket en dag i denne uge."),
    ],
    "youtube": [
        (96, "Sådan sorterer du dit affald i de nye beholdere"),
        (40, "Byrådsmøde november: højdepunkter på fem minutter"),
        (8, "Rundtur på den nye skole i Østerby"),
    ],
}


def populate_default_world(world: World) -> None:
    """One account per platform for the demo municipality, each with three recent own posts."""
    now = world.now()
    for spec in DEFAULT_ACCOUNTS:
        account = world.add_account(spec)
        for hours, text in OWN_POSTS[account.platform]:
            world.add_post(account.platform, account.id, text, created=now - timedelta(hours=hours))
