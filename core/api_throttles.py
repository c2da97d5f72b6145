"""API request rates per user and per anonymous address (429 with Retry-After above them).

DRF's classes read the rates once, when imported; these read them at each request, so a changed
setting (and a test's own rates) takes effect. The counts live in the default cache.
"""

from rest_framework import throttling
from rest_framework.settings import api_settings


class _CurrentRates:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonRateThrottle(_CurrentRates, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(_CurrentRates, throttling.UserRateThrottle):
    pass
