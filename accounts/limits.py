"""The longest text a person may send for each field of the channel pages and API.

The pages' forms and the API's serializers both read these, so the two doors take the same:
a value stored in a column has that column's length; free text (purposes, reasons, notices,
comments on decisions) has a cap that keeps it readable.
"""

from .models import Channel

NAME = Channel._meta.get_field("name").max_length
HANDLE = Channel._meta.get_field("handle").max_length
URL = Channel._meta.get_field("url").max_length
TEXT = 4000
COMMENT = 2000
