"""The span of dates and times the product takes from people, the API and the platforms
(1970 to 2100), and form and filter fields that hold input to it.

Python's datetime ends at year 9999 and PostgreSQL takes UTC offsets up to 15:59 only: a moment
near either end, or with an odd offset, overflows in arithmetic or fails in the database. Input is
checked against this span at the door and handed on in UTC, so nothing behind it has to cope.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField

EARLIEST_DATE = date(1970, 1, 1)
LATEST_DATE = date(2100, 12, 31)
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2101, 1, 1, tzinfo=UTC)  # exclusive


def supported_moment(value: datetime) -> datetime | None:
    """`value` (aware) in UTC if it lies within the supported span, else None."""
    try:
        moment = value.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    return moment if EARLIEST <= moment < LATEST else None


def out_of_span_message() -> str:
    return _("Give a date between %(earliest)s and %(latest)s.") % {
        "earliest": EARLIEST_DATE.isoformat(),
        "latest": LATEST_DATE.isoformat(),
    }


class SupportedDateField(forms.DateField):
    """A date between 1970-01-01 and 2100-12-31."""

    def validate(self, value):
        super().validate(value)
        if value and not EARLIEST_DATE <= value <= LATEST_DATE:
            raise forms.ValidationError(out_of_span_message(), code="out_of_range")


class SupportedDateTimeField(forms.DateTimeField):
    """An ISO 8601 date and time within the supported span, handed on in UTC."""

    def to_python(self, value):
        try:
            result = super().to_python(value)
        except OverflowError:  # a naive time at the end of the calendar made aware
            raise forms.ValidationError(out_of_span_message(), code="out_of_range") from None
        if result is None:
            return None
        moment = supported_moment(result)
        if moment is None:
            raise forms.ValidationError(out_of_span_message(), code="out_of_range")
        return moment


class SupportedIsoDateTimeField(IsoDateTimeField, SupportedDateTimeField):
    """django-filter's ISO 8601 field, kept within the supported span."""


class SupportedIsoDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = SupportedIsoDateTimeField
