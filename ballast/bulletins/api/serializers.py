from rest_framework import serializers

from ballast.bulletins.models import Bulletin


class BulletinSerializer(serializers.ModelSerializer):
    """A published bulletin (通报): its figures as published (``content``)."""

    class Meta:
        model = Bulletin
        fields = (
            "id",
            "city",
            "unit",
            "period",
            "kind",
            "number",
            "as_of",
            "title",
            "figures_hash",
            "published_at",
            "published_by",
            "status",
            "progress",
            "content",
        )
        read_only_fields = fields
