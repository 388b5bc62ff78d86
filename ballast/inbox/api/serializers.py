from rest_framework import serializers

from ballast.inbox.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    link = serializers.CharField(source="safe_link", read_only=True)
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = (
            "id", "kind", "kind_label", "event", "subject", "body", "link", "object_ref",
            "created_at", "read", "read_at",
        )  # fmt: skip
        read_only_fields = fields

    def get_read(self, obj) -> bool:
        return obj.read_at is not None


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="标为已读的条数")
