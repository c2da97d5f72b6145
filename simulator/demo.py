"""The demo municipality's simulated accounts (the world after every reset) and the demo stream:
a steady, seeded flow of Danish citizen activity on all five platforms."""

from __future__ import annotations

import logging
import random
import threading
from datetime import datetime, timedelta
from typing import Any

from .state import World

logger = logging.getLogger("simulator.demo")

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
        # The Facebook Page the Instagram account is linked to (direct messages go through it).
        "page_id": "108527460000002",
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


# Other people's public posts that the demo's listening streams find: (platform, hours before
# the reset, author, text, likes, comments, shares). Written for the demo, in Danish.
PUBLIC_POSTS: list[tuple[str, int, str, str, int, int, int]] = [
    ("x", 150, "Lise Holm", "Første morgenbad fra den nye badebro #fjordby", 14, 2, 1),
    ("x", 140, "Ole Brask", "Hvornår bliver cykelstien langs Havnevej færdig? #fjordby", 6, 4, 0),
    ("x", 118, "Fjordby Roklub", "Stor tak for de nye bådpladser ved havnen #fjordby", 31, 3, 5),
    ("x", 96, "Maja S.", "Kø ved genbrugspladsen igen i dag #fjordby #affald", 9, 6, 2),
    ("x", 92, "Peter N.", "Dejlig koncert i parken i aftes #fjordby", 22, 1, 3),
    ("x", 70, "Hanne Vester", "Nye bænke ved Engsøen er et hit #fjordby", 17, 2, 1),
    (
        "x",
        50,
        "Ole Brask",
        "Vejarbejdet på Havnevej giver lange køer om morgenen #fjordby",
        12,
        9,
        4,
    ),
    ("x", 44, "Sara Kjær", "Skolen i Østerby ser flot ud efter ombygningen #fjordby", 8, 0, 0),
    (
        "x",
        30,
        "Lokalavisen Fjordby",
        "Byrådet drøfter nyt badeanlæg på torsdag #fjordby",
        40,
        12,
        9,
    ),
    ("x", 20, "Jens P.", "Julebelysningen på Torvet er smuk i år #fjordby", 19, 1, 2),
    ("x", 9, "Maja S.", "Saltvognen var forbi kl. 4 i nat. Godt gået #fjordby", 11, 2, 0),
    ("x", 3, "Kim R.", "Er der nogen der ved om biblioteket har åbent søndag? #fjordby", 2, 3, 0),
    ("instagram", 160, "Anne Marie", "Tåge over fjorden i morges #derforfjordby", 120, 8, 0),
    ("instagram", 100, "Fotoklubben", "Vinterlys ved havnen #derforfjordby #fjordby", 240, 15, 0),
    ("instagram", 60, "Mads L.", "Vores yndlingssti ved Engsøen #derforfjordby", 85, 4, 0),
    ("instagram", 20, "Karin B.", "Juletræet på Torvet #derforfjordby", 64, 6, 0),
    ("instagram", 6, "Anne Marie", "Solnedgang fra badebroen #derforfjordby", 150, 11, 0),
    ("instagram", 2, "Mads L.", "Første frost på markerne #derforfjordby", 40, 2, 0),
]


def populate_default_world(world: World) -> None:
    """One account per platform for the demo municipality, each with three recent own posts,
    and other people's public posts for the listening streams."""
    now = world.now()
    for spec in DEFAULT_ACCOUNTS:
        account = world.add_account(spec)
        for hours, text in OWN_POSTS[account.platform]:
            world.add_post(account.platform, account.id, text, created=now - timedelta(hours=hours))
    for platform, hours, author, text, likes, comments, shares in PUBLIC_POSTS:
        world.add_public_post(
            platform,
            {
                "message": text,
                "author_name": author,
                "created_time": (now - timedelta(hours=hours)).isoformat(),
                "likes": likes,
                "comments": comments,
                "shares": shares,
            },
        )


# --- the demo stream -------------------------------------------------------------------------

HANDLES = [
    "cykelmor", "Nabo på Østervej", "fjordfisker", "morgenløber", "kaffeklubben", "pendleren",
    "skolefar", "hundeluftersken", "Beboer i Nørreby", "rollatorbrugeren", "ung_i_fjordby",
    "Haveejer 12", "Pensionist 9", "Studerende 4", "Forælder i Østerby", "strandrenseren",
]  # fmt: skip
PLACES = [
    "Østervej", "Havnevej", "Skolegade", "Engsøstien", "Torvet", "Bakkedraget", "Nørregade",
    "Stationsvej", "Møllevej", "Fjordvej",
]  # fmt: skip
QUESTIONS = [
    "Hvornår bliver skraldet hentet på {place} i denne uge? Det er ikke kommet endnu.",
    "Hvor længe varer vejarbejdet på {place}? Vi kan ikke komme ud af indkørslen.",
    "Hvad er åbningstiderne på borgerservice mellem jul og nytår?",
    "Hvordan skriver jeg mit barn op til skolestart næste år? Jeg kan ikke finde formularen.",
    "Må man parkere på {place} om natten, eller får man en bøde?",
    "Har biblioteket åbent om søndagen nu? Jeg vil gerne låne bøger med børnene.",
    "Min far har brug for hjemmehjælp. Hvem skal vi ringe til for at få en visitation?",
    "Hvornår åbner svømmehallen igen efter renoveringen?",
    "Bliver cykelstien langs {place} ryddet for sne i morgen tidlig?",
    "Hvor lang er ventetiden på en byggetilladelse til en carport?",
    "Kører bus 12 stadig om aftenen, eller er køreplanen ændret?",
    "Er der ledige pladser i vuggestuen i Østerby fra februar?",
    "Kan man aflevere haveaffald på genbrugspladsen uden at booke tid?",
    "Hvem skal jeg kontakte om en gadelampe, der har været slukket i en uge på {place}?",
]  # fmt: skip
PRAISE = [
    "Tak til vejfolkene på {place}, de var både hurtige og venlige.",
    "Dejlig fortællestund på biblioteket i dag. Ungerne var helt opslugte.",
    "Stor ros til hjemmeplejen, de tager sig så godt af min mor.",
    "Flot arbejde med de nye bænke ved Engsøen!",
    "Tusind tak for hjælpen i borgerservice i går, det gik meget hurtigere end ventet.",
    "Det er blevet så fint på Torvet med de nye træer.",
]  # fmt: skip
COMPLAINTS = [
    "Tredje uge i træk uden skraldeafhentning på {place}. Det er simpelthen ikke godt nok.",
    "Vejarbejdet på {place} er totalt kaos, og der er ingen skilte om omkørsel.",
    "Jeg har ventet fire uger på svar fra kommunen. Hvorfor svarer ingen?",
    "Hullerne i vejen på {place} er livsfarlige for cyklister.",
    "Bussen kom slet ikke i morges, og mit barn kom for sent i skole.",
    "Det er for dårligt, at legepladsen i Mølleparken stadig er lukket.",
]  # fmt: skip
SPAM = [
    "Tjen 5.000 kr. om dagen hjemmefra! Skriv til mig for at høre hvordan 💰💰",
    "SUPERTILBUD på solbriller, kun i dag: -80 %. Klik på linket i min profil.",
    "Vil du have flere følgere? Vi sælger 10.000 ægte følgere for 99 kr.",
    "Gratis iPhone til de første 100 der deler dette opslag!!!",
    "Investér i krypto nu og bliv millionær på tre uger. Send en besked.",
]  # fmt: skip
ABUSIVE = [
    "I er en flok inkompetente klovne inde på rådhuset.",
    "Hold dog kæft med jeres ligegyldige opslag, I spilder vores skattekroner.",
    "Den sagsbehandler burde fyres på stedet, sikke en idiot.",
    "Skam jer! I er fuldstændig ubrugelige allesammen.",
]  # fmt: skip
PERSONAL_ID = [
    "Kan I tjekke min sag? Mit cpr-nummer er 211062-5629, og jeg har ikke hørt noget.",
    "Jeg har skrevet mit personnummer 2110620629 i ansøgningen. Er den kommet frem?",
    "Min mor (211062-5629) har ikke fået sin bevilling endnu, hvad gør vi?",
]  # fmt: skip
REPLIES = [
    "Enig, det samme sker hos os på {place}.",
    "Ring til borgerservice, de hjalp mig med præcis det samme.",
    "Godt spørgsmål, det vil jeg også gerne vide.",
    "Det blev ordnet hos os efter et par dage.",
    "Helt enig med dig!",
    "Har du prøvet at skrive til dem via hjemmesiden?",
]  # fmt: skip
MESSAGES = [
    "Hej, jeg vil gerne høre om min ansøgning om boligstøtte er modtaget?",
    "Jeg har et spørgsmål om min søns skoleskift, kan nogen ringe mig op?",
    "Hvem kan jeg tale med om en klage over hjemmeplejen?",
    "Hej! Kan I sende mig et link til tilmelding til svømmehold?",
]  # fmt: skip
# Instagram direct messages: shorter and more casual than the Messenger ones.
INSTAGRAM_MESSAGES = [
    "Hej 👋 Må man bade fra den nye badebro, eller er den kun til at gå på?",
    "Jeg så jeres opslag om bænkene ved Engsøen. Kan man ønske en bænk til sin bedstefar?",
    "Hvornår åbner skøjtebanen på Torvet i år?",
    "Hej, min datter vil gerne vise sine tegninger på biblioteket. Hvem skal vi skrive til?",
    "Er der nogen jeg kan sende et billede til af et væltet træ på stien ved fjorden?",
]  # fmt: skip
LINKEDIN_QUESTIONS = [
    "Er stillingen som projektleder også åben for deltidsansættelse?",
    "Tager I imod praktikanter i foråret? Jeg læser offentlig administration.",
    "Hvor kan jeg læse hele rapporten om den digitale borgerservice?",
    "Spændende! Hvem kan jeg kontakte for at høre mere om stillingen?",
]  # fmt: skip

# (kind, weight); "reply" answers an earlier citizen comment in the same thread.
KINDS = [
    ("question", 34),
    ("praise", 14),
    ("complaint", 16),
    ("spam", 8),
    ("abusive", 6),
    ("personal_id", 5),
    ("reply", 17),
]
PLATFORM_WEIGHTS = [
    ("facebook", 35),
    ("instagram", 20),
    ("x", 20),
    ("youtube", 15),
    ("linkedin", 10),
]
POOLS = {
    "question": QUESTIONS,
    "praise": PRAISE,
    "complaint": COMPLAINTS,
    "spam": SPAM,
    "abusive": ABUSIVE,
    "personal_id": PERSONAL_ID,
    "reply": REPLIES,
}


class DemoStream:
    """Writes citizens' comments, mentions, replies and messages into the world on a thread.

    A burst of `burst` items spread over the last two hours comes first, then one item every
    `interval` seconds (chosen at random in that range). The same seed gives the same sequence
    of platforms, kinds, texts and handles.
    """

    def __init__(
        self,
        world: World,
        *,
        seed: int = 0,
        burst: int = 30,
        interval: tuple[float, float] = (2.0, 6.0),
    ) -> None:
        self.world = world
        self.rng = random.Random(seed)
        self.burst = burst
        self.interval = interval
        self.created: list[dict[str, Any]] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> DemoStream:
        self._thread = threading.Thread(target=self._run, name="demo-stream", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        now = self.world.now()
        for number in range(self.burst):
            if self._stop.is_set():
                return
            moment = now - timedelta(minutes=120 * (self.burst - number) / max(self.burst, 1))
            self._safe_step(moment)
        while not self._stop.wait(self.rng.uniform(*self.interval)):
            self._safe_step(None)

    def _safe_step(self, created: datetime | None) -> None:
        try:
            self.step(created)
        except Exception:
            # The stream must outlive surprises such as a reset removing every account.
            logger.exception("the demo stream could not create an item")

    def _choose(self, options: list[tuple[str, int]]) -> str:
        names = [name for name, _ in options]
        return self.rng.choices(names, weights=[weight for _, weight in options])[0]

    def step(self, created: datetime | None = None) -> dict[str, Any] | None:
        """Create one item; returns what was created, or None when the platform has no account."""
        platform = self._choose(PLATFORM_WEIGHTS)
        kind = self._choose(KINDS)
        author = self.rng.choice(HANDLES)
        if author.startswith("Borger") or self.rng.random() < 0.3:
            author = f"Borger {self.rng.randint(1, 60)}"
        pool = POOLS[kind]
        if platform == "linkedin" and kind == "question":
            pool = LINKEDIN_QUESTIONS
        text = self.rng.choice(pool).format(place=self.rng.choice(PLACES))
        as_message = (
            platform in ("facebook", "instagram")
            and kind == "question"
            and self.rng.random() < 0.25
        )
        hide_author = platform == "facebook" and self.rng.random() < 0.05
        parent_pick = self.rng.random()
        with self.world.lock:
            accounts = self.world.accounts_for(platform)
            if not accounts:
                return None
            account = accounts[0]
            if as_message:
                conversation, message = self.world.add_message(
                    account.id,
                    self.rng.choice(MESSAGES if platform == "facebook" else INSTAGRAM_MESSAGES),
                    author_name=author,
                    created=created,
                    platform=platform,
                )
                item = {"platform": platform, "kind": "message", "id": message.id}
                self.created.append(item)
                return item
            parent_id = None
            if kind == "reply":
                earlier = [
                    entry["id"]
                    for entry in self.created
                    if entry["platform"] == platform
                    and entry["kind"] != "message"
                    and (found := self.world.find_comment(platform, entry["id"])) is not None
                    and not found.deleted
                ]
                if earlier:
                    parent_id = earlier[int(parent_pick * len(earlier))]
                else:
                    kind, text = "question", QUESTIONS[0].format(place=PLACES[0])
            comment = self.world.add_comment(
                platform,
                account.id,
                text,
                author_name=author,
                parent_id=parent_id,
                created=created,
                show_author=not hide_author,
            )
        item = {"platform": platform, "kind": kind, "id": comment.id}
        self.created.append(item)
        return item
