"""Routing by topic: which department should answer an item, suggested from its masked text and
the words and phrases each department answers questions about (`OrgUnit.topics`).

`rank` is pure and fast (no database): the text and the topics are normalised the same way —
lower case, accents dropped but æ, ø and å kept (ä and ö read as æ and ø, so Swedish spellings
meet Danish and Norwegian ones) — cut into words on word boundaries, and each word stemmed by
stripping a common Scandinavian or English ending ("skraldespanden" and "skraldespande" both
become "skraldespand"). A topic word also matches as a part of a compound ("affald" in
"affaldsspand" and "madaffald"), provided it is long enough and what is left on either side
looks like a word, so that short words do not match inside unrelated ones. A phrase matches its
words in a row and weighs more than a single word.

`suggest_departments(item)` reads the departments an item may be forwarded to (one query) and
ranks them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# Endings stripped to find a word's stem, longest first: Danish and Norwegian (definite and
# plural forms, the genitive -s), Swedish plural and definite forms, English plurals.
ENDINGS = (
    "ernes",
    "ernas",
    "arnas",
    "ornas",
    "erne",
    "erna",
    "arna",
    "orna",
    "enes",
    "ene",
    "ens",
    "ets",
    "ers",
    "er",
    "ar",
    "or",
    "en",
    "an",
    "et",
    "es",
    "e",
    "a",
    "s",
)
# A stem keeps at least this many letters ("bus" is not cut to "bu").
MIN_STEM = 3
# A topic word is looked for inside compounds only from this length on, and the rest of the
# compound on each side must be at least REST letters long (the linking -s- or -e- counts):
# "affald" matches "affaldsspand" and "madaffald", but "vej" does not match "vejr" or
# "vejledning".
MIN_COMPOUND_PART = 4
REST = 3

# Weights: an exact word, a word found in a compound, each word of a phrase.
WORD = 1.0
COMPOUND = 0.75
PHRASE_WORD = 1.5

_KEPT = {"æ": "æ", "ø": "ø", "å": "å", "ä": "æ", "ö": "ø"}
_VOWELS = set("aeiouyæøå")
_WORD_RE = re.compile(r"[0-9a-zæøå]+")


def normalise(text: str) -> str:
    """Lower case, accents dropped (é → e, ü → u) but æ, ø, å kept; ä and ö read as æ and ø."""
    out = []
    for char in text.lower():
        kept = _KEPT.get(char)
        if kept is not None:
            out.append(kept)
            continue
        decomposed = unicodedata.normalize("NFKD", char)
        out.append("".join(c for c in decomposed if not unicodedata.combining(c)))
    return "".join(out)


def words(text: str) -> list[str]:
    """The text's words, normalised, split on word boundaries."""
    return _WORD_RE.findall(normalise(text))


def stem(word: str) -> str:
    """The word with its longest common ending stripped (twice), keeping at least MIN_STEM
    letters."""
    # Twice, for an ending on an ending: "lærerne" → "lærer" → "lær",
    # "genbrugspladsen" → "genbrugsplads" → "genbrugsplad".
    for _pass in range(2):
        for ending in ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
                word = word[: -len(ending)]
                break
    # A doubled last consonant is written single: "busser" and "bus", "hallen" and "hal".
    if len(word) > MIN_STEM and word[-1] == word[-2] and word[-1] not in _VOWELS:
        word = word[:-1]
    return word


def _word_weight(topic_stem: str, token: str, token_stem: str) -> float:
    """How well one text word matches one topic word: WORD, COMPOUND or 0."""
    if token_stem == topic_stem or token == topic_stem:
        return WORD
    if len(topic_stem) < MIN_COMPOUND_PART:
        return 0.0
    for candidate in (token_stem, token):
        start = candidate.find(topic_stem)
        while start != -1:
            after = len(candidate) - start - len(topic_stem)
            # A part of a compound (the whole word is an exact match), with a word on each side.
            edges = (start == 0 or start >= REST) and (after == 0 or after >= REST)
            if edges and (start or after):
                return COMPOUND
            start = candidate.find(topic_stem, start + 1)
    return 0.0


@dataclass(frozen=True)
class Topic:
    """One topic as written (`term`) and its words' stems."""

    term: str
    stems: tuple[str, ...]

    @classmethod
    def parse(cls, term: str) -> Topic | None:
        stems = tuple(stem(word) for word in words(term))
        return cls(term.strip(), stems) if stems else None


@dataclass
class Suggestion:
    """A department, its score and the topics that matched (as the department wrote them)."""

    unit_id: int
    name: str
    score: float
    matched: list[str] = field(default_factory=list)


def _topic_weight(topic: Topic, tokens: list[str], stems: list[str]) -> float:
    """The best weight of `topic` anywhere in the text (0: it does not occur)."""
    size = len(topic.stems)
    if size == 1:
        target = topic.stems[0]
        pairs = zip(tokens, stems, strict=True)
        weights = (_word_weight(target, token, token_stem) for token, token_stem in pairs)
        return max(weights, default=0.0)
    best = 0.0
    for start in range(len(tokens) - size + 1):
        if all(
            _word_weight(topic.stems[i], tokens[start + i], stems[start + i]) for i in range(size)
        ):
            best = PHRASE_WORD * size
            break
    return best


def occurs(topic: Topic, tokens: list[str], stems: list[str]) -> bool:
    """Whether `topic` occurs in the text of `tokens` (its words) and `stems` (theirs stemmed):
    on word boundaries, inflected, or as a part of a compound (the inbox rules' word
    condition)."""
    return _topic_weight(topic, tokens, stems) > 0


def compile_topics(units) -> list[tuple[int, str, list[Topic]]]:
    """(id, name, parsed topics) for each unit given as (id, name, topic terms)."""
    compiled = []
    for unit_id, name, terms in units:
        topics = [topic for topic in map(Topic.parse, terms or []) if topic is not None]
        if topics:
            compiled.append((unit_id, name, topics))
    return compiled


def rank(text: str, units, *, limit: int | None = None) -> list[Suggestion]:
    """The departments whose topics occur in `text`, best first, each with its reason.

    `units` are (id, name, topic terms) triples, or the output of `compile_topics`. Each topic
    counts once however often it occurs. Ties go to the department with more matching topics,
    then by name."""
    compiled = units if _is_compiled(units) else compile_topics(units)
    tokens = words(text or "")
    if not tokens:
        return []
    stems = [stem(token) for token in tokens]
    suggestions = []
    for unit_id, name, topics in compiled:
        score, matched = 0.0, []
        for topic in topics:
            weight = _topic_weight(topic, tokens, stems)
            if weight:
                score += weight
                matched.append(topic.term)
        if score:
            suggestions.append(Suggestion(unit_id, name, round(score, 2), matched))
    suggestions.sort(key=lambda s: (-s.score, -len(s.matched), s.name.casefold()))
    return suggestions[:limit] if limit else suggestions


def _is_compiled(units) -> bool:
    return bool(units) and all(
        isinstance(topics, list) and all(isinstance(t, Topic) for t in topics)
        for _, _, topics in units
    )


def suggest_departments(item, *, units=None, limit: int = 3) -> list[Suggestion]:
    """The departments `item` may be forwarded to whose topics match its masked text, best
    first. One query for the departments unless `units` (OrgUnits with their topics) are given."""
    from .actions import forwarding_units

    if units is None:
        units = forwarding_units(item).only("id", "name", "topics")
    triples = [(unit.pk, unit.name, unit.topics) for unit in units if unit.topics]
    return rank(item.masked_text or "", triples, limit=limit)
