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
            "campaign_round",
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


class RoundPublishSerializer(serializers.Serializer):
    """Publish a campaign round's bulletin (攻坚轮次通报)."""

    round = serializers.IntegerField(help_text="攻坚轮次（campaign-rounds 的 id）")
    as_of = serializers.DateField(required=False, help_text="数据截至（默认今天；须在本轮结束后）")
