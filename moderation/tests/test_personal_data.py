"""Tests for finding and masking Danish, Swedish and Norwegian personal identification numbers."""

import dataclasses
import datetime as dt
import random

import pytest
import time_machine
from stdnum import luhn
from stdnum.dk import cpr
from stdnum.no import fodselsnummer
from stdnum.se import personnummer

from moderation.personal_data import (
    KIND_CPR,
    KIND_D_NUMMER,
    KIND_FODSELSNUMMER,
    KIND_H_NUMMER,
    KIND_PERSONNUMMER,
    KIND_SAMORDNINGSNUMMER,
    PersonalIdHit,
    contains_personal_id,
    find_personal_ids,
    mask_personal_ids,
)

# Dates in the cases below that would be in the future on a later test run are checked with
# the clock pinned here.
PINNED_NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


def found(text, countries=None):
    return [(h.country, h.kind, h.start, h.end) for h in find_personal_ids(text, countries)]


# --- hits: (text, [(country, kind, start, end), ...]) ----------------------------------------

HITS = [
    # The public examples in DOMAIN.md.
    ("211062-5629", [("DK", KIND_CPR, 0, 11)]),  # mod-11 holds
    ("211062-0629", [("DK", KIND_CPR, 0, 11)]),  # no mod-11, still a real date
    ("880320-0016", [("SE", KIND_PERSONNUMMER, 0, 11)]),
    ("121212-1212", [("SE", KIND_PERSONNUMMER, 0, 11)]),  # also a CPR: SE preferred by default
    ("701063-2391", [("SE", KIND_SAMORDNINGSNUMMER, 0, 11)]),
    ("15108695088", [("NO", KIND_FODSELSNUMMER, 0, 11)]),
    ("70019950032", [("NO", KIND_D_NUMMER, 0, 11)]),
    # DK CPR notations.
    ("2110625629", [("DK", KIND_CPR, 0, 10)]),
    ("211062 5629", [("DK", KIND_CPR, 0, 11)]),
    ("211062 - 5629", [("DK", KIND_CPR, 0, 13)]),
    ("211062- 5629", [("DK", KIND_CPR, 0, 12)]),
    ("211062 -5629", [("DK", KIND_CPR, 0, 12)]),
    ("211062\u20135629", [("DK", KIND_CPR, 0, 11)]),  # en dash from autocorrect
    ("211062\u20115629", [("DK", KIND_CPR, 0, 11)]),  # non-breaking hyphen
    ("211062\u00a05629", [("DK", KIND_CPR, 0, 11)]),  # no-break space
    ("0101303000", [("DK", KIND_CPR, 0, 10)]),  # 7th digit 3: 1930
    ("0101374000", [("DK", KIND_CPR, 0, 10)]),  # 7th digit 4, YY 37: 1937
    ("2902004000", [("DK", KIND_CPR, 0, 10)]),  # 7th digit 4, YY 00: 2000, a leap year
    ("2902005000", [("DK", KIND_CPR, 0, 10)]),  # 7th digit 5, YY 00: 2000
    ("2902009000", [("DK", KIND_CPR, 0, 10)]),  # 7th digit 9, YY 00: 2000
    ("2902605000", [("DK", KIND_CPR, 0, 10)]),  # 7th digit 5, YY 60: 1860, a leap year
    # SE notations.
    ("8803200016", [("SE", KIND_PERSONNUMMER, 0, 10)]),
    ("880320 0016", [("SE", KIND_PERSONNUMMER, 0, 11)]),
    ("19880320-0016", [("SE", KIND_PERSONNUMMER, 0, 13)]),
    ("198803200016", [("SE", KIND_PERSONNUMMER, 0, 12)]),
    ("880320+0016", [("SE", KIND_PERSONNUMMER, 0, 11)]),  # aged 100 or more: born 1888
    ("121212+1212", [("SE", KIND_PERSONNUMMER, 0, 11)]),  # "+" is never a CPR
    ("19701063-2391", [("SE", KIND_SAMORDNINGSNUMMER, 0, 13)]),
    ("000229-1235", [("SE", KIND_PERSONNUMMER, 0, 11)]),  # 29 Feb 2000
    ("18500101-1237", [("SE", KIND_PERSONNUMMER, 0, 13)]),  # earliest accepted birth year
    # NO notations and schemes.
    ("151086 95088", [("NO", KIND_FODSELSNUMMER, 0, 12)]),
    ("151086-95088", [("NO", KIND_FODSELSNUMMER, 0, 12)]),
    ("15508695060", [("NO", KIND_H_NUMMER, 0, 11)]),  # month 10 + 40
    ("15108695096", [("NO", KIND_FODSELSNUMMER, 0, 11)]),  # K1 by the 2032 rule (sum 1 mod 11)
    ("15108695274", [("NO", KIND_FODSELSNUMMER, 0, 11)]),  # K1 by the 2032 rule (sum 3 mod 11)
    ("01010110102", [("NO", KIND_FODSELSNUMMER, 0, 11)]),  # no old-rule K1 exists for this base
    # In sentences, several in one text, Unicode before the number.
    ("Hej, mit CPR-nummer er 211062-5629, kan I hjælpe?", [("DK", KIND_CPR, 23, 34)]),
    (
        "Mitt personnummer är 19880320-0016 och jag väntar fortfarande på svar.",
        [("SE", KIND_PERSONNUMMER, 21, 34)],
    ),
    (
        "Fødselsnummeret mitt er 151086 95088, hvorfor har ingen svart?",
        [("NO", KIND_FODSELSNUMMER, 24, 36)],
    ),
    ("Borger 17 her: mitt D-nummer er 70019950032.", [("NO", KIND_D_NUMMER, 32, 43)]),
    (
        "Min mor (211062-0629) og jeg (2110625629) har begge fået brev, "
        "og min svenske kusine har 880320-0016.",
        [
            ("DK", KIND_CPR, 9, 20),
            ("DK", KIND_CPR, 30, 40),
            ("SE", KIND_PERSONNUMMER, 89, 100),
        ],
    ),
    (
        "Samordningsnummer: 701063-2391\nPersonnummer: 8803200016",
        [("SE", KIND_SAMORDNINGSNUMMER, 19, 30), ("SE", KIND_PERSONNUMMER, 45, 55)],
    ),
    ("Æblegrød 😀 på Ærø \u2013 CPR: 211062-5629 🙏", [("DK", KIND_CPR, 25, 36)]),
    ("🇩🇰🇸🇪🇳🇴 15108695088", [("NO", KIND_FODSELSNUMMER, 7, 18)]),
    (
        "19880320-0016 198803200016 2110625629, 2110620629",
        [
            ("SE", KIND_PERSONNUMMER, 0, 13),
            ("SE", KIND_PERSONNUMMER, 14, 26),
            ("DK", KIND_CPR, 27, 37),
            ("DK", KIND_CPR, 39, 49),
        ],
    ),
    # Punctuation around the number is not part of it.
    ("(211062-5629)", [("DK", KIND_CPR, 1, 12)]),
    ('"211062-5629".', [("DK", KIND_CPR, 1, 12)]),
    ("CPR:2110625629", [("DK", KIND_CPR, 4, 14)]),
    ("_211062-5629_", [("DK", KIND_CPR, 1, 12)]),
    # A dash-written ID followed by a small number after a space is still an ID.
    ("211062-5629 3 gange", [("DK", KIND_CPR, 0, 11)]),
    ("211062-5629, 2 børn", [("DK", KIND_CPR, 0, 11)]),
    # A phone label only rules out numbers written without a dash.
    ("Tlf: 211062-5629", [("DK", KIND_CPR, 5, 16)]),
    # Six or more digits next to it form a number of their own, not a group of this one.
    ("1.234.567 2110625629", [("DK", KIND_CPR, 10, 20)]),
    # The Swedish mobile number shape is a valid CPR when no phone label precedes it.
    ("0701234567", [("DK", KIND_CPR, 0, 10)]),
    # As people write them: a label glued on, the date in groups, dots and slashes.
    ("cpr1503851004", [("DK", KIND_CPR, 3, 13)]),
    ("CPR1503851004", [("DK", KIND_CPR, 3, 13)]),
    ("pnr19880320-0016", [("SE", KIND_PERSONNUMMER, 3, 16)]),
    ("15.03.85-1004", [("DK", KIND_CPR, 0, 13)]),
    ("15-03-85-1004", [("DK", KIND_CPR, 0, 13)]),
    ("15/03/85/1004", [("DK", KIND_CPR, 0, 13)]),
    ("150385/1004", [("DK", KIND_CPR, 0, 11)]),
    ("150385.1004", [("DK", KIND_CPR, 0, 11)]),
    ("15 03 85 1004", [("DK", KIND_CPR, 0, 13)]),
    ("Mit cpr er 15.03.85-1004, tak", [("DK", KIND_CPR, 11, 24)]),
    # Full-width digits and invisible characters: offsets into the text as written.
    ("\uff11\uff15\uff10\uff13\uff18\uff15-\uff11\uff10\uff10\uff14", [("DK", KIND_CPR, 0, 11)]),
    (
        "cpr: \uff11\uff15\uff10\uff13\uff18\uff15\u200b\uff11\uff10\uff10\uff14.",
        [("DK", KIND_CPR, 5, 16)],
    ),
    ("1503\u200b851004", [("DK", KIND_CPR, 0, 11)]),  # zero-width space
    ("150385-\u200c1004", [("DK", KIND_CPR, 0, 12)]),  # zero-width non-joiner
    ("15038\u200d51004", [("DK", KIND_CPR, 0, 11)]),  # zero-width joiner
    ("1503\u2060851004", [("DK", KIND_CPR, 0, 11)]),  # word joiner
    ("\ufeff1503851004", [("DK", KIND_CPR, 1, 11)]),  # byte order mark before the number
    ("150385\u00ad1004", [("DK", KIND_CPR, 0, 11)]),  # soft hyphen
    (
        "Se 1\u200b5\u200b0\u200b3\u200b8\u200b5\u200b1\u200b0\u200b0\u200b4 her",
        [("DK", KIND_CPR, 3, 22)],
    ),
    # Inside web addresses.
    ("https://x.dk/?cpr=1503851004", [("DK", KIND_CPR, 18, 28)]),
    ("https://example.dk/sag/2110625629", [("DK", KIND_CPR, 23, 33)]),
    ("se www.example.dk/?id=2110625629 for mere", [("DK", KIND_CPR, 22, 32)]),
]


@pytest.mark.parametrize(("text", "expected"), HITS)
def test_finds_personal_ids_with_exact_offsets(text, expected):
    # Given a text holding personal identification numbers
    # When it is scanned
    hits = find_personal_ids(text)

    # Then each is reported once, in order, with its country, kind and exact span
    assert [(h.country, h.kind, h.start, h.end) for h in hits] == expected
    assert [h.value for h in hits] == [text[start:end] for _, _, start, end in expected]


# --- look-alikes that are not personal identification numbers --------------------------------

NOT_IDS = [
    # The invalid public examples in DOMAIN.md.
    "511062-5629",
    "880320-0018",
    "15108695077",
    # Impossible dates.
    "3201625000",  # day 32
    "2113625000",  # month 13
    "2902000000",  # 7th digit 0: 29 Feb 1900, not a leap year
    "2902585000",  # 7th digit 5, YY 58: 29 Feb 1858, not a leap year
    "000229+1235",  # "+" moves 29 Feb 2000 to 1900
    "18491231-1232",  # before 1850
    # Phone numbers.
    "tlf. 12345678",
    "+45 21 10 62 56",
    "ring 21 10 62 56",
    "+2110625629",
    "+45 2110625629",
    "070-123 45 67",
    "08-123 456 78",
    "tlf. 0701234567",
    "Tlf.: 0701234567",
    "Mobil: 0701234567",
    "mobilnr. 0701234567",
    "tel.nr. 0701234567",
    "Telefonnummer 2110625629",
    "sms 2110625629",
    # Grouped and longer numbers.
    "ordre nr. 2110625629 3",
    "2110625629 12",
    "12 2110625629",
    "IBAN DK50 0040 0440 1162 43",
    "DK5000400440116243",
    "Reg.nr. 0040 konto 0040 2110625629",
    "0040-2110625629",
    "2110625629/3",
    "211062-5629/3",
    "12-211062-5629",
    "211062-5629-12",
    "x2110625629",
    "2110625629x",
    "Nr2110625629",
    "æ211062-5629",
    "21106256290",  # 11 digits, NO checks fail
    "42110625629",
    "211062562912",  # 12-digit order number
    "ordrenummer 123456789012",
    "198803200017",  # 12 digits, Luhn fails
    "2110625629012",
    "EAN 5701234567899",
    # Dates, times and amounts.
    "født 21.10.1962",
    "21/10/1962",
    "mødet er 2026-11-21 kl. 14:30",
    "14:30:00",
    "211062",
    "beløb 1.234.567,00 kr.",
    "2110625629,00 kr",
    "2110625629.5",
    # Organisation numbers.
    "556016-0680",  # Swedish organisationsnummer: Luhn holds, but month 60
    "CVR 12345678",
    "org.nr. 923 609 016",
    "923609016",
    # Norwegian numbers that pass both check digits but are not birth numbers.
    "15108680048",  # individual number 800 has no century for YY 86
    "55508695054",  # day and month both moved
    "15108695010",  # K1 leaves 4 mod 11 under either rule
    # Phone numbers written in groups, dates alone, amounts, glued and grouped numbers.
    "+45 12 34 56 78",
    "70 10 20 30",
    "12 34 56 78 90",
    "tlf 15 03 85 10 04",
    "tlf. 15.03.85.1004",
    "mobil 150385 1004",
    "+\uff14\uff15\uff11\uff15\uff10\uff13\uff18\uff15\uff11\uff10\uff10\uff14",
    "15.03.85",
    "15.03.1985",
    "15.03.85 kl. 10.04",
    "kr. 1.503.851,04",
    "DK50 0040 0440 1162 43",
    "3203851004",  # day 32
    "15.13.85-1004",  # month 13
    "1234150385100456",
    "\uff11\uff15\uff10\uff13\uff18\uff15\uff11\uff10\uff10\uff14\uff15",  # 11 full-width digits
    "1503851004\uff11",
    "ab\uff11\uff15\uff10\uff13\uff18\uff15\uff11\uff10\uff10\uff14",
    "x1503\u200b851004",
    "Nr1503851004",
    "ordre 1503851004 3",
    "150385/10045",
    "12.15.03.85-1004",
    "15.03.85-1004.3",
    "150385.1004.12",
    "order/123/1503851004",
    "15 03 851004",
    "15.03-85-1004",
    "https://example.dk/sag/12/1503851004",
]


@pytest.mark.parametrize("text", NOT_IDS)
def test_ignores_look_alikes(text):
    # Given a text with a number that is not a personal identification number
    # When it is scanned
    # Then nothing is reported
    assert find_personal_ids(text) == []
    assert contains_personal_id(text) is False


@pytest.mark.parametrize(
    "text",
    ["0101304000", "010130 50038", "20270101-1237"],
    ids=["dk-2030", "no-2030", "se-2027"],
)
def test_birth_dates_in_the_future_are_not_ids(text):
    # Given the clock at 1 June 2026 and numbers whose birth date would be later than that
    with time_machine.travel(PINNED_NOW, tick=False):
        # When scanned
        hits = find_personal_ids(text)

    # Then none is reported
    assert hits == []


def test_ten_digit_swedish_number_falls_back_a_century_when_the_date_is_later_this_year():
    # Given the clock at 1 June 2026 and a Swedish number dated 25 December of year 26
    with time_machine.travel(PINNED_NOW, tick=False):
        # When scanned
        hits = found("261225-1237")

    # Then it is read as 1926 (not as an unborn person) and reported
    assert hits == [("SE", KIND_PERSONNUMMER, 0, 11)]


def test_contains_personal_id_is_true_for_a_text_with_one():
    # Given a comment exposing a number among other digits
    text = "Ring 21 10 62 56 eller skriv, mit CPR er 211062-5629."

    # When / Then
    assert contains_personal_id(text) is True


def test_text_without_digits_has_no_hits():
    assert find_personal_ids("Hvornår åbner svømmehallen igen? 🏊") == []
    assert find_personal_ids("") == []


# --- ambiguity between DK and SE ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("countries", "expected"),
    [
        (None, [("SE", KIND_PERSONNUMMER, 0, 11)]),
        (("DK",), [("DK", KIND_CPR, 0, 11)]),
        (["dk"], [("DK", KIND_CPR, 0, 11)]),
        (("SE",), [("SE", KIND_PERSONNUMMER, 0, 11)]),
        (("NO", "DK"), [("DK", KIND_CPR, 0, 11)]),
        (("NO",), [("SE", KIND_PERSONNUMMER, 0, 11)]),
    ],
)
def test_a_number_valid_in_denmark_and_sweden_follows_the_country_hint(countries, expected):
    # Given 121212-1212, a real date as DDMMYY and a Luhn-valid YYMMDD
    # When scanned with a preferred country (or none)
    # Then it is reported once, for the preferred country
    assert found("121212-1212", countries) == expected


def test_country_hint_does_not_hide_other_countries_numbers():
    # Given a Danish municipality's comment with a Swedish and a Norwegian number
    text = "880320-0016 og 15108695088"

    # When scanned with the Danish hint
    # Then both are still reported under their own country
    assert found(text, ("DK",)) == [
        ("SE", KIND_PERSONNUMMER, 0, 11),
        ("NO", KIND_FODSELSNUMMER, 15, 26),
    ]


def test_plus_separator_stays_swedish_whatever_the_hint():
    assert found("121212+1212", ("DK",)) == [("SE", KIND_PERSONNUMMER, 0, 11)]


def test_unknown_country_code_is_refused():
    with pytest.raises(ValueError, match="DE"):
        find_personal_ids("211062-5629", countries=("DE",))


def test_country_hint_given_as_a_bare_string_is_refused():
    with pytest.raises(TypeError):
        find_personal_ids("211062-5629", countries="DK")


# --- masking ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CPR 211062-5629.", "CPR ██████-████."),
        ("2110625629", "██████████"),
        ("211062 - 5629", "██████ - ████"),
        ("211062\u20135629", "██████\u2013████"),
        ("19880320-0016", "████████-████"),
        ("880320+0016", "███████████"),
        ("151086 95088", "██████ █████"),
        (
            "Min mor (211062-0629) og jeg (2110625629), tlf. 12345678",
            "Min mor (██████-████) og jeg (██████████), tlf. 12345678",
        ),
        ("Æblegrød 😀 \u2013 CPR: 211062-5629 🙏", "Æblegrød 😀 \u2013 CPR: ██████-████ 🙏"),
        ("Ordre 2110625629 3 er sendt", "Ordre 2110625629 3 er sendt"),
        ("15.03.85-1004", "██.██.██-████"),
        ("cpr1503851004", "cpr██████████"),
        ("https://x.dk/?cpr=1503851004", "https://x.dk/?cpr=██████████"),
        ("\uff11\uff15\uff10\uff13\uff18\uff15\uff0d\uff11\uff10\uff10\uff14", "██████\uff0d████"),
        ("CPR 1503\u200b851004!", "CPR ████\u200b██████!"),
        ("150385\u00ad1004", "██████\u00ad████"),
        ("", ""),
    ],
)
def test_masking_keeps_only_separators(text, expected):
    # Given a text with or without personal identification numbers
    # When it is masked
    # Then every digit of each number is hidden and the rest of the text is untouched
    assert mask_personal_ids(text) == expected


def test_masking_with_a_custom_mask_character():
    assert mask_personal_ids("CPR 211062-5629", mask="X") == "CPR XXXXXX-XXXX"


def test_masking_uses_the_hits_given():
    # Given two numbers and the hits of only the second
    text = "211062-0629 og 880320-0016"
    hits = find_personal_ids(text)[1:]

    # When masked with those hits
    masked = mask_personal_ids(text, hits)

    # Then only the second is hidden
    assert masked == "211062-0629 og ██████-████"


def test_masking_skips_overlapping_hits():
    # Given hits that overlap, as a caller combining two scans might pass
    text = "CPR 211062-5629"
    first = PersonalIdHit("DK", KIND_CPR, 4, 15, "211062-5629")
    overlapping = PersonalIdHit("DK", KIND_CPR, 11, 15, "5629")

    # When masked
    # Then the span is masked once and the text keeps its length
    assert mask_personal_ids(text, [overlapping, first]) == "CPR ██████-████"


def test_masking_refuses_an_empty_mask():
    with pytest.raises(ValueError):
        mask_personal_ids("211062-5629", mask="")


# --- the hit value --------------------------------------------------------------------------


def test_hit_is_immutable_and_its_repr_leaves_out_the_number():
    # Given a hit
    hit = find_personal_ids("CPR 211062-5629")[0]

    # When it is changed or written to a log
    with pytest.raises(dataclasses.FrozenInstanceError):
        hit.start = 0  # type: ignore[misc]

    # Then its repr names where it is but not the number
    assert repr(hit) == "PersonalIdHit(country='DK', kind='cpr', start=4, end=15)"
    assert hit.value == "211062-5629"


# --- agreement with python-stdnum where its rules and ours coincide ---------------------------


def test_danish_validity_agrees_with_stdnum():
    # Given many CPR-shaped numbers with plausible dates
    rng = random.Random(20261121)
    for _ in range(3000):
        number = (
            f"{rng.randint(1, 31):02d}{rng.randint(1, 12):02d}{rng.randint(0, 99):02d}"
            f"-{rng.randint(0, 9999):04d}"
        )

        # When scanned preferring Denmark
        hits = found(number, ("DK",))

        # Then it is a CPR exactly when stdnum says so (it checks date and century only)
        assert (hits[:1] == [("DK", KIND_CPR, 0, 11)]) == cpr.is_valid(number), number


def test_swedish_validity_agrees_with_stdnum():
    # Given many personnummer-shaped numbers, half of them with the right Luhn digit
    rng = random.Random(880320)
    for _ in range(3000):
        body = (
            f"{rng.randint(0, 99):02d}{rng.randint(1, 12):02d}{rng.randint(1, 31):02d}"
            f"{rng.randint(0, 999):03d}"
        )
        check = luhn.calc_check_digit(body)
        if rng.random() < 0.5:
            check = str(rng.randint(0, 9))
        number = f"{body[:6]}-{body[6:]}{check}"

        # When scanned
        hits = found(number)

        # Then it is Swedish exactly when stdnum accepts it
        assert (hits[:1] == [("SE", KIND_PERSONNUMMER, 0, 11)]) == personnummer.is_valid(number), (
            number
        )


def test_norwegian_validity_agrees_with_stdnum_under_the_old_check_digit_rule():
    # Given many 11-digit numbers with plausible dates, D- and H-numbers among them
    rng = random.Random(151086)
    for _ in range(3000):
        day = rng.randint(1, 31) + rng.choice((0, 0, 40))
        month = rng.randint(1, 12) + rng.choice((0, 0, 0, 40))
        base = f"{day:02d}{month:02d}{rng.randint(0, 99):02d}{rng.randint(0, 999):03d}"
        k1 = fodselsnummer.calc_check_digit1(base)
        if k1 == "10" or rng.random() < 0.3:
            k1 = str(rng.randint(0, 9))
        k2 = fodselsnummer.calc_check_digit2(base + k1)
        if k2 == "10" or rng.random() < 0.3:
            k2 = str(rng.randint(0, 9))
        number = base + k1 + k2

        # When scanned
        is_ours = [h.country for h in find_personal_ids(number)] == ["NO"]

        # Then every number stdnum accepts is found, and every number found is accepted by
        # stdnum unless only the 2032 K1 rule admits it or both day and month are moved
        if fodselsnummer.is_valid(number):
            assert is_ours or (day > 40 and month > 40), number
        elif is_ours:
            assert fodselsnummer.calc_check_digit1(base) != k1, number
