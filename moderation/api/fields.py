"""Serializer fields the moderation API shares: text and JSON with personal ID numbers masked."""

from rest_framework import serializers

from ..personal_data import mask_personal_ids, mask_personal_ids_in


class MaskedTextField(serializers.CharField):
    """Free text as output, personal ID numbers masked (notes, answers)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return mask_personal_ids(super().to_representation(value))


class MaskedJSONField(serializers.JSONField):
    """JSON details as output, personal ID numbers masked in every string (audit data,
    records' replies)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return mask_personal_ids_in(super().to_representation(value))
