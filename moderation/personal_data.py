"""Find and mask Danish, Swedish and Norwegian personal identification numbers in free text.

The checks (calendar dates, Luhn, the two Norwegian check digits) are a few lines each and are
written here instead of wrapping python-stdnum, which rejects Swedish samordningsnummer and the
Norwegian 2032 check digit rule; the tests check agreement with python-stdnum where the rules
coincide.

Rules (see "Personal identification numbers" in DOMAIN.md):

- DK CPR ``DDMMYY-SSSS``: the dash may be left out, replaced by a space or surrounded by spaces.
  The 7th digit and the year give the century; the date must exist. Modulus 11 is not checked:
  numbers without it have been issued since 2007, so it cannot exclude anything.
- SE personnummer ``YYMMDD-NNNC``, ``YYMMDDNNNC``, ``YYYYMMDD-NNNC`` or ``YYYYMMDDNNNC``, ``+``
  instead of ``-`` from the year the person turns 100; Luhn over the ten-digit form.
  Samordningsnummer: day + 60. A ten-digit number belongs to the latest century in which its
  date is not in the future.
- NO fødselsnummer ``DDMMYYIIIKK`` (a space or dash after the date is accepted): both check
  digits, K1 by the old rule or the 2032 rule, the century from the individual number, and a
  real date. D-nummer: day + 40; H-nummer: month + 40.
- No birth date lies in the future or before 1850.

A ten-digit number can be valid both as a CPR and as a personnummer (``121212-1212``). Each span
is reported once, as the reading of the first country in the preference order: the ``countries``
hint first (a municipality passes its own country), then SE, DK, NO. Countries not in the hint
are still detected, since a Danish number in a Swedish comment is personal data all the same.

To keep false positives down, a candidate must stand alone: no letter or digit may touch it, it
must not follow ``+``, and it is skipped when it is only one group of a longer grouped number,
i.e. a digit group of fewer than six digits is one joiner away (``0040 2110625629``,
``2110625629 3``, ``211062-5629/3``). For numbers written with ``-`` or ``+`` between date and
serial, the ID's own notation, a space does not count as a joiner (``211062-5629 3 gange`` is
reported). Numbers without ``-`` or ``+`` are also skipped after a phone label (``tlf.``,
``Mobil:``). A label written straight onto the number (``cpr1503851004``) does not count as a
touching letter.

What people write is read as what they mean: the text is normalised first (NFKC, so full-width
digits are digits; invisible characters such as a zero-width space or a soft hyphen are dropped),
a date may be written in groups (``15.03.85-1004``, ``15 03 85 1004``), ``.`` and ``/`` may stand
between date and serial (``150385.1004``, ``150385/1004``), and numbers inside web addresses
count (``https://x.dk/?cpr=1503851004``). Hits are reported with offsets into the original text,
covering every original character of the number, so masking hides what the reader sees.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

__all__ = [
    "COUNTRIES",
    "KIND_CPR",
    "KIND_D_NUMMER",
    "KIND_FODSELSNUMMER",
    "KIND_H_NUMMER",
    "KIND_PERSONNUMMER",
    "KIND_SAMORDNINGSNUMMER",
    "PersonalIdHit",
    "contains_personal_id",
    "find_personal_ids",
    "mask_personal_ids",
    "mask_personal_ids_in",
]

KIND_CPR = "cpr"
KIND_PERSONNUMMER = "personnummer"
KIND_SAMORDNINGSNUMMER = "samordningsnummer"
KIND_FODSELSNUMMER = "fodselsnummer"
KIND_D_NUMMER = "d-nummer"
KIND_H_NUMMER = "h-nummer"

COUNTRIES = ("DK", "SE", "NO")
# Without a hint, a span valid as both personnummer and CPR is reported as Swedish: a CPR passes
# the Luhn check only by chance (1 in 10), while every real date passes as a CPR.
_DEFAULT_PREFERENCE = ("SE", "DK", "NO")

_EARLIEST_BIRTH_YEAR = 1850

_SPACES = "\u0020\u00a0\u202f"  # space, no-break space, narrow no-break space
# Phones and word processors turn "-" into these; readers still see a dash.
_DASHES = "-\u2010\u2011\u2012\u2013\u2212"
_SPACE = f"[{_SPACES}]"
_DASH = f"[{_DASHES}]"

# Between date and serial: a dash or "+" (spaces around allowed), a space, a dot or a slash.
_SEP = rf"{_SPACE}?(?:{_DASH}|\+){_SPACE}?|{_SPACE}|[./]"

# Candidate shapes only; dates and check digits are validated in Python afterwards. The text is
# normalised before (see `_normalise`). A letter right before the number is judged in Python
# (`_label_before`): "Nr2110625629" is not a hit, "cpr2110625629" is.
_CANDIDATE = re.compile(
    rf"""
    (?<![0-9])
    (?:
        (?P<long_date>[0-9]{{8}}){_DASH}?(?P<long_serial>[0-9]{{4}})
      | (?P<date>[0-9]{{6}})
        (?P<sep>{_SEP})?
        (?P<serial>[0-9]{{4,5}})
      | (?P<day>[0-9]{{2}})(?P<date_sep>[./]|{_DASH}|{_SPACE})
        (?P<month>[0-9]{{2}})(?P=date_sep)(?P<year>[0-9]{{2}})
        (?P<split_sep>{_SEP})
        (?P<split_serial>[0-9]{{4,5}})
    )
    (?![^\W_])
    """,
    re.VERBOSE,
)
# Dropped before scanning: they show as nothing (or as a line-break hint) inside a number.
_INVISIBLE = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180e"
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff"
)
_INVISIBLE_CLASS = "[" + "".join(sorted(_INVISIBLE)) + "]"
_HAS_INVISIBLE = re.compile(_INVISIBLE_CLASS)

# Where a candidate may start, read on the text as written: six digits in a row, or a date in
# three groups of two followed by a serial (invisible characters allowed among the digits).
# Most comments have neither and cost one search; the scan starts at the first such place.
_DIGIT = rf"[\d{_INVISIBLE_CLASS[1:-1]}]"
_POSSIBLE_START = re.compile(
    rf"{_DIGIT}{_DIGIT}(?:{_DIGIT}{{4}}"
    rf"|\W{{1,3}}{_DIGIT}{{2}}\W{{1,3}}{_DIGIT}{{2}}\W{{1,3}}{_DIGIT}{{4}})"
)

# Words written straight onto a number that name it as a personal ID.
_ID_LABELS = frozenset(
    {
        "cpr",
        "cprnr",
        "cprnummer",
        "pnr",
        "personnr",
        "personnummer",
        "samordningsnummer",
        "fnr",
        "fødselsnr",
        "fødselsnummer",
        "fodselsnr",
        "fodselsnummer",
    }
)
_LETTERS_BEFORE = re.compile(r"[^\W\d_]+\Z")
_LABEL_WINDOW = 24

# Characters that join digit groups of one long number ("0040 0440116243", "12.345.678,90").
_TIGHT_JOINERS = frozenset(_DASHES + ".,:/")
_GROUP_JOINERS = _TIGHT_JOINERS | frozenset(_SPACES)
_MIN_OWN_GROUP = 6

_PHONE_LABEL = re.compile(
    r"""
    \b(?:tlf|tel|tfn|telefon(?:nr|nummer)?|mobil(?:nr|nummer|telefon)?|mob|mobile|phone|fax|sms)
    \.?\s*(?:(?:nr|no)\.?\s*|nummer\s*)?:?\s*\Z
    """,
    re.IGNORECASE | re.VERBOSE,
)
_PHONE_LABEL_WINDOW = 32

_LUHN_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)
_NO_K1_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_NO_K2_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
# The 2032 rule lets K1 take any value that puts the weighted sum (K1 weighted 1) at 0-3 mod 11;
# the old rule (sum 0 mod 11) is the first of these, so one test accepts both.
_NO_K1_REMAINDERS = frozenset({0, 1, 2, 3})


@dataclass(frozen=True, slots=True)
class PersonalIdHit:
    """One personal identification number found in a text; ``text[start:end] == value``."""

    country: str
    kind: str
    start: int
    end: int
    # Kept out of repr so that logging a hit does not write the number to the log.
    value: str = field(repr=False)


def find_personal_ids(text: str, countries: Iterable[str] | None = None) -> list[PersonalIdHit]:
    """Return the personal identification numbers in ``text`` in order of appearance.

    ``countries`` names the countries to prefer, in order, when a span is valid in more than
    one (e.g. ``("DK",)`` for a Danish municipality); every country is detected regardless.
    """
    return list(_iter_hits(text, _preference(countries)))


def contains_personal_id(text: str) -> bool:
    """Tell whether ``text`` holds at least one personal identification number."""
    return next(_iter_hits(text, _DEFAULT_PREFERENCE), None) is not None


def mask_personal_ids(
    text: str, hits: Iterable[PersonalIdHit] | None = None, mask: str = "█"
) -> str:
    """Return ``text`` with every digit of each hit replaced by ``mask``.

    Spaces and dashes inside a number are kept so the text still reads as "a number was here"
    (``██████-████``); ``+`` is masked too, as it tells that the person is 100 or older.
    ``hits`` defaults to ``find_personal_ids(text)``; pass them when already computed.
    """
    if not mask:
        raise ValueError(
            "mask must not be empty: the masked text would hide that a number was there"
        )
    if hits is None:
        hits = _iter_hits(text, _DEFAULT_PREFERENCE)
    pieces: list[str] = []
    position = 0
    for hit in sorted(hits, key=lambda h: h.start):
        if hit.start < position:  # overlapping hits from a caller: the first one masked it
            continue
        pieces.append(text[position : hit.start])
        pieces.append("".join(mask if _masked(ch) else ch for ch in text[hit.start : hit.end]))
        position = hit.end
    pieces.append(text[position:])
    return "".join(pieces)


def mask_personal_ids_in(value):
    """A copy of a JSON-like value (dicts, lists, strings, numbers) with personal identification
    numbers masked in every string in it: for audit details, records' replies and metadata."""
    if isinstance(value, str):
        return mask_personal_ids(value) if value else value
    if isinstance(value, dict):
        return {key: mask_personal_ids_in(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [mask_personal_ids_in(item) for item in value]
    return value


def _masked(ch: str) -> bool:
    """Whether a character of a found number is hidden: digits in any script, and plus signs."""
    if ch.isascii():
        return ch in "0123456789+"
    return ch.isdigit() or unicodedata.normalize("NFKC", ch) == "+"


def _preference(countries: Iterable[str] | None) -> tuple[str, ...]:
    if countries is None:
        return _DEFAULT_PREFERENCE
    if isinstance(countries, str):
        # A bare "DK" would otherwise be read as the countries "D" and "K".
        raise TypeError("countries must be an iterable of country codes, not a string")
    hinted = tuple(code.upper() for code in countries)
    unknown = sorted(set(hinted) - set(COUNTRIES))
    if unknown:
        raise ValueError(f"unknown country codes {unknown}; expected some of {COUNTRIES}")
    return tuple(dict.fromkeys(hinted + _DEFAULT_PREFERENCE))


def _iter_hits(text: str, preference: tuple[str, ...]) -> Iterator[PersonalIdHit]:
    possible = _POSSIBLE_START.search(text)
    if possible is None:
        return
    today = date.today()
    scanned, origins = _normalise(text)
    first = possible.start() if origins is None else bisect_left(origins, possible.start())
    for match in _CANDIDATE.finditer(scanned, first):
        start, end = match.span()
        if start and scanned[start - 1] == "+":  # "+CC..." is an international phone number
            continue
        if start and scanned[start - 1].isalpha() and not _label_before(scanned, start):
            continue
        reading = _read(match, today, preference)
        if reading is None:
            continue
        if _in_id_notation(match):
            # A space after "211062-5629" starts a new phrase ("211062-5629 3 gange"); only a
            # joiner without space ("211062-5629/3", "12-211062-5629") makes it part of another.
            if _next_to_short_group(scanned, start, end, _TIGHT_JOINERS):
                continue
        elif _next_to_short_group(scanned, start, end, _GROUP_JOINERS) or _after_phone_label(
            scanned, start
        ):
            continue
        if origins is not None:
            start, end = origins[start], origins[end - 1] + 1
        country, kind = reading
        yield PersonalIdHit(country, kind, start, end, text[start:end])


def _normalise(text: str) -> tuple[str, list[int] | None]:
    """The text as scanned, and for each of its characters the index of the original character
    it came from (None when the text needs no change, as nearly every text)."""
    if text.isascii() or (
        unicodedata.is_normalized("NFKC", text) and not _HAS_INVISIBLE.search(text)
    ):
        return text, None
    scanned: list[str] = []
    origins: list[int] = []
    for index, ch in enumerate(text):
        if ch in _INVISIBLE:
            continue
        # Character by character, so that each scanned character knows where it came from.
        normal = ch if ch.isascii() else unicodedata.normalize("NFKC", ch)
        scanned.append(normal)
        origins.extend([index] * len(normal))
    return "".join(scanned), origins


def _label_before(text: str, start: int) -> bool:
    """Whether the letters touching the number are an ID label ("cpr1503851004")."""
    letters = _LETTERS_BEFORE.search(text, max(0, start - _LABEL_WINDOW), start)
    return letters is not None and letters.group().lower() in _ID_LABELS


def _parts(match: re.Match[str]) -> tuple[str, str, str]:
    """The six-digit date, the separator before the serial and the serial of a short-form
    candidate (date written in one group or in three)."""
    if match.group("date") is not None:
        return match.group("date"), match.group("sep") or "", match.group("serial")
    return (
        match.group("day") + match.group("month") + match.group("year"),
        match.group("split_sep"),
        match.group("split_serial"),
    )


def _in_id_notation(match: re.Match[str]) -> bool:
    """Whether the number has a dash or plus between date and serial, as IDs are written."""
    if match.group("long_date") is not None:
        return len(match.group()) == 13
    separator = _parts(match)[1].strip(_SPACES)
    return separator != "" and separator not in "./"


def _next_to_short_group(text: str, start: int, end: int, joiners: frozenset[str]) -> bool:
    """Whether one joiner links the candidate to a neighbouring number of under six digits.

    The neighbour is read up to the next space, so "19880320-0016 198803200016" holds two
    numbers of twelve digits each, while "0040 0440116243" is a four-digit group and its rest.
    """
    if start >= 2 and text[start - 1] in joiners and _is_digit(text[start - 2]):
        digits, position = 0, start - 2
        while position >= 0 and (_is_digit(text[position]) or text[position] in _TIGHT_JOINERS):
            digits += _is_digit(text[position])
            position -= 1
        if digits < _MIN_OWN_GROUP:
            return True
    if end + 1 < len(text) and text[end] in joiners and _is_digit(text[end + 1]):
        digits, position = 0, end + 1
        while position < len(text) and (
            _is_digit(text[position]) or text[position] in _TIGHT_JOINERS
        ):
            digits += _is_digit(text[position])
            position += 1
        if digits < _MIN_OWN_GROUP:
            return True
    return False


def _after_phone_label(text: str, start: int) -> bool:
    window = text[max(0, start - _PHONE_LABEL_WINDOW) : start]
    return _PHONE_LABEL.search(window) is not None


def _is_digit(ch: str) -> bool:
    return "0" <= ch <= "9"


def _read(match: re.Match[str], today: date, preference: tuple[str, ...]) -> tuple[str, str] | None:
    """The (country, kind) the candidate is valid as, by preference; None if it is not valid."""
    long_date = match.group("long_date")
    if long_date is not None:
        kind = _swedish_kind(long_date[2:] + match.group("long_serial"), today, int(long_date[:2]))
        return None if kind is None else ("SE", kind)

    date_digits, separator, serial = _parts(match)
    digits = date_digits + serial
    plus = "+" in separator
    if len(digits) == 11:
        kind = None if plus else _norwegian_kind(digits, today)
        return None if kind is None else ("NO", kind)

    readings: dict[str, str] = {}
    swedish = _swedish_kind(digits, today, None, centenarian=plus)
    if swedish is not None:
        readings["SE"] = swedish
    if not plus and _danish_valid(digits, today):
        readings["DK"] = KIND_CPR
    for country in preference:
        if country in readings:
            return country, readings[country]
    return None


def _danish_valid(digits: str, today: date) -> bool:
    day, month, yy = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    seventh = digits[6]
    if seventh in "0123":
        century = 1900
    elif seventh in "49":
        century = 2000 if yy <= 36 else 1900
    else:
        century = 2000 if yy <= 57 else 1800
    return _birth_date(century + yy, month, day, today) is not None


def _swedish_kind(
    digits: str, today: date, century: int | None, *, centenarian: bool = False
) -> str | None:
    """Kind of a ten-digit YYMMDDNNNC; ``century`` given for the twelve-digit form."""
    if not _luhn_valid(digits):
        return None
    yy, month, day = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    kind = KIND_PERSONNUMMER
    if day > 60:
        day -= 60
        kind = KIND_SAMORDNINGSNUMMER
    if century is not None:
        return kind if _birth_date(century * 100 + yy, month, day, today) else None
    # The latest year ending in yy whose date is not in the future; "+" adds a hundred years.
    year = today.year - (today.year - yy) % 100
    if (month, day) > (today.month, today.day) and year == today.year:
        year -= 100
    if centenarian:
        year -= 100
    return kind if _birth_date(year, month, day, today) else None


def _norwegian_kind(digits: str, today: date) -> str | None:
    values = [int(ch) for ch in digits]
    k1_sum = sum(w * v for w, v in zip(_NO_K1_WEIGHTS, values, strict=False)) + values[9]
    if k1_sum % 11 not in _NO_K1_REMAINDERS:
        return None
    k2_sum = sum(w * v for w, v in zip(_NO_K2_WEIGHTS, values, strict=False)) + values[10]
    if k2_sum % 11 != 0:
        return None
    day, month, yy = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    kind = KIND_FODSELSNUMMER
    if day > 40:
        day -= 40
        kind = KIND_D_NUMMER
    if month > 40:
        if kind == KIND_D_NUMMER:  # no scheme moves both day and month
            return None
        month -= 40
        kind = KIND_H_NUMMER
    individual = int(digits[6:9])
    if individual < 500:
        year = 1900 + yy
    elif individual < 750 and yy >= 54:
        year = 1800 + yy
    elif yy < 40:
        year = 2000 + yy
    elif individual >= 900:
        year = 1900 + yy
    else:
        return None  # no century is assigned to this individual number and year
    return kind if _birth_date(year, month, day, today) else None


def _luhn_valid(digits: str) -> bool:
    # Every second digit from the right is doubled (digit sum taken), the rest count as they are.
    kept = sum(map(int, digits[-1::-2]))
    doubled = sum(_LUHN_DOUBLED[int(ch)] for ch in digits[-2::-2])
    return (kept + doubled) % 10 == 0


def _birth_date(year: int, month: int, day: int, today: date) -> date | None:
    try:
        born = date(year, month, day)
    except ValueError:
        return None
    if born > today or year < _EARLIEST_BIRTH_YEAR:
        return None
    return born
