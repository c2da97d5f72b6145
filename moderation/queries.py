"""Read-side helpers the moderation pages and API share: lookups that are neither a view nor a
state change, kept here so pages and endpoints import them without importing each other."""

from governance.models import Membership, Municipality


def municipality_of(user):
    """The user's municipality (the product serves one per installation)."""
    membership = Membership.objects.filter(user=user).select_related("unit__municipality").first()
    if membership is not None:
        return membership.unit.municipality
    return Municipality.objects.order_by("pk").first()
