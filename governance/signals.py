"""Keep cached per-request facts fresh when the organisation changes."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Municipality

MUNICIPALITY_LANGUAGE_CACHE_KEY = "governance:municipality-language"


@receiver([post_save, post_delete], sender=Municipality)
def forget_municipality_language(**kwargs):
    cache.delete(MUNICIPALITY_LANGUAGE_CACHE_KEY)
