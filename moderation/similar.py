"""Similar earlier questions: the few earlier items most like this one that the municipality
answered, with the answer the platform confirmed, so an editor can start from it.

Found by full-text search on the masked text (never the raw text), stemmed for the item's
language, which is the municipality's default language:
- PostgreSQL: the `danish`, `swedish`, `norwegian` and `english` text search configurations
  (their stemmers and stop words), ranked by `ts_rank`, served by the GIN indexes of migration
  `0020_similar_questions_search`;
- SQLite (trying the product out): the FTS5 table the same migration keeps in step with the
  queue by triggers, ranked by BM25. FTS5 has no Danish, Swedish or Norwegian stemmer, so the
  question's words are cut to their Snowball stems here (the stemmers PostgreSQL's
  configurations use) and looked up as prefixes: "affaldsspand*" finds "affaldsspandene".

The question's significant words (stop words left out) are asked for with OR and the results
ranked, so an earlier question sharing the rarer words comes first. Read side only, one query.
"""

from __future__ import annotations

import re

import snowballstemmer
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, FloatField, OuterRef, Subquery
from django.db.models.expressions import RawSQL

from .models import OutboxKind, OutboxMessage, OutboxStatus, QueueItem
from .models.items import masked

# How many similar questions an item shows.
SHOWN = 3
# The question's words asked for at most (the first ones; a long text says enough by then).
MAX_TERMS = 16
# The language's text search configuration (PostgreSQL) and Snowball stemmer (SQLite).
CONFIGS = {"da": "danish", "sv": "swedish", "nb": "norwegian", "en": "english"}
FTS_TABLE = "moderation_queueitem_fts"


# The commonest words, left out of the SQLite query (PostgreSQL's configurations have their own
# lists). Short, as BM25 already weighs a word found everywhere lightly.
def _listed(words: str) -> frozenset[str]:
    return frozenset(words.split())


STOP_WORDS = {
    "danish": _listed(
        "og i jeg det at en den til er som på de med han af for ikke der var mig sig men et har "
        "om vi min havde ham hun nu over da fra du ud sin dem os op man hans hvor eller hvad skal "
        "selv her alle vil blev kunne ind når være dog noget ville jo deres efter ned skulle "
        "denne end dette mit også under have dig hende mine alt meget sit sine vor mod disse hvis "
        "din nogle hos blive mange ad bliver hendes været jer sådan hej tak kan hvorfor hvornår "
        "blevet"
    ),
    "swedish": _listed(
        "och det att i en jag hon som han på den med var sig för så till är men ett om hade de "
        "av icke mig du henne då sin nu har inte hans honom skulle hennes där min man ej vid kunde "
        "något från ut när efter upp vi dem vara vad över än dig kan sina här ha mot alla under "
        "någon eller allt mycket sedan ju denna själv detta åt utan varit hur ingen mitt ni bli "
        "blev oss din dessa några deras blir mina samma vilken er sådan vår blivit dess hej tack "
        "varför"
    ),
    "norwegian": _listed(
        "og i jeg det at en et den til er som på de med han av ikke ikkje der så var meg seg men "
        "ett har om vi min mitt ha hadde hun nå over da ved fra du ut sin dem oss opp man kan "
        "hans hvor eller hva skal selv sjøl her alle vil bli ble blitt kunne inn når være kom noen "
        "noe ville dere som deres kun ja etter ned skulle denne for deg si sine sitt mot å meget "
        "hvorfor dette disse uten hvordan ingen din ditt blir samme hvilken hei takk"
    ),
    "english": _listed(
        "a an the and or but if of to in on at by for with from as is are was were be been being "
        "it its this that these those i you he she we they me him her us them my your our their "
        "not no do does did have has had can could will would should shall may might must so "
        "than then there here what which who whom why when where how all any some hi hello "
        "thanks please"
    ),
}
WORD = re.compile(r"\w+")


def config_for(municipality) -> str:
    """The text search configuration for the municipality's default language."""
    return CONFIGS.get(getattr(municipality, "default_language", ""), "english")


def significant_words(text: str, config: str) -> list[str]:
    """The text's distinct words, lower case, in order, without stop words, numbers (a masked
    ID number's digits say nothing) and single letters, at most `MAX_TERMS`."""
    stop = STOP_WORDS.get(config, set())
    words = []
    for word in WORD.findall(text.lower()):
        if len(word) < 2 or word.isdigit() or "_" in word or word in stop or word in words:
            continue
        words.append(word)
    return words[:MAX_TERMS]


def fts5_query(words: list[str], config: str) -> str:
    """An FTS5 OR-query of the words' stems as prefixes: `"affaldsspand"* OR "tømt"*`."""
    stemmer = snowballstemmer.stemmer(config)
    stems = dict.fromkeys(stemmer.stemWord(word) for word in words)
    return " OR ".join(f'"{stem}"*' for stem in stems if stem)


def answers():
    """The replies the platform confirmed on the outer item, newest first."""
    return OutboxMessage.objects.filter(
        item=OuterRef("pk"), kind=OutboxKind.REPLY, status=OutboxStatus.SENT
    ).order_by("-sent_at", "-id")


def _ranked_postgresql(queryset, words, config):
    query = None
    for word in words:
        term = SearchQuery(word, config=config)
        query = term if query is None else query | term
    vector = SearchVector("masked_text", config=config)
    return (
        queryset.alias(search=vector).filter(search=query).annotate(score=SearchRank(vector, query))
    )


def _ranked_sqlite(queryset, words, config):
    match = fts5_query(words, config)
    if not match:
        return queryset.none()
    # BM25 is lower for a better match; the score turns it round so higher is better.
    score = RawSQL(
        f"SELECT -bm25({FTS_TABLE}) FROM {FTS_TABLE} "
        f"WHERE {FTS_TABLE} MATCH %s AND rowid = moderation_queueitem.id",
        [match],
        output_field=FloatField(),
    )
    found = RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match])
    return queryset.filter(pk__in=found).annotate(score=score)


def similar_items(user, item, limit=SHOWN) -> list[QueueItem]:
    """The `limit` earlier items most like `item` that `user` may see, in the same
    municipality, on any channel, each answered through the platform: with `answer`, the
    latest confirmed reply (masked), and `score`, higher for a closer match. One query."""
    municipality = item.channel.owner_unit.municipality
    config = config_for(municipality)
    words = significant_words(item.masked_text, config)
    if not words:
        return []
    queryset = (
        QueueItem.objects.for_user(user)
        .filter(
            channel__owner_unit__municipality=municipality,
            received_at__lt=item.received_at,
        )
        .exclude(pk=item.pk)
        .annotate(answer=Subquery(answers().values("text")[:1]))
        .filter(answer__isnull=False)
    )
    rank = _ranked_postgresql if connection.vendor == "postgresql" else _ranked_sqlite
    queryset = (
        rank(queryset, words, config)
        .select_related("channel")
        .only(
            "id",
            "masked_text",
            "received_at",
            "platform",
            "channel__name",
            "channel__platform",
            "channel__handle",
        )
        .order_by(F("score").desc(), "-received_at", "-id")
    )
    found = list(queryset[:limit])
    for other in found:
        # Masked: a reply stored before outgoing text was checked may hold an ID number.
        other.answer = masked(other.answer)
    return found


def answer_of(user, raw_id) -> str | None:
    """The latest confirmed answer (masked) of item `raw_id`, if `user` may see it, else
    None: what the reply box starts from when someone picks an earlier answer."""
    if not (isinstance(raw_id, str) and raw_id.isdigit() and len(raw_id) < 19):
        return None
    text = (
        OutboxMessage.objects.filter(
            item__in=QueueItem.objects.for_user(user).filter(pk=raw_id),
            kind=OutboxKind.REPLY,
            status=OutboxStatus.SENT,
        )
        .order_by("-sent_at", "-id")
        .values_list("text", flat=True)
        .first()
    )
    return masked(text) if text is not None else None
