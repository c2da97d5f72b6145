"""CSV downloads that are safe to open in a spreadsheet: every export writes through `writer`.

Channel names, citizens' text and policy titles come from people outside our control; a cell
that starts with = + - @, a tab or a carriage return (also after leading spaces) is read as a
formula by Excel and LibreOffice. Following OWASP's advice on CSV injection, such a text cell
gets a leading apostrophe, which the spreadsheet shows as plain text. Numbers are written as
they are, so a negative count stays a number.
"""

import csv

from django.utils.functional import Promise

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """`value` as a cell a spreadsheet will not run: text that could start a formula is
    prefixed with an apostrophe; numbers, dates and None pass unchanged."""
    if isinstance(value, Promise):
        value = str(value)
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_STARTS) or value.lstrip().startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeWriter:
    """`csv.writer` whose every cell passes through `safe_cell`."""

    def __init__(self, file, **options):
        self._writer = csv.writer(file, **options)

    def writerow(self, row):
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(file, **options) -> SafeWriter:
    """A CSV writer for a download (`options` as for `csv.writer`)."""
    return SafeWriter(file, **options)
