from django.urls import reverse
from rest_framework import serializers

from ballast.attachments.models import Attachment


class AttachmentSerializer(serializers.ModelSerializer):
    owner_type = serializers.SerializerMethodField()
    download = serializers.SerializerMethodField()
    thumbnail = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = (
            "id", "owner_type", "owner_id", "project", "name", "kind", "mime", "size",
            "sha256", "caption", "taken_on", "uploaded_by", "created_at", "download",
            "thumbnail",
        )  # fmt: skip
        read_only_fields = fields

    def get_owner_type(self, obj) -> str:
        return f"{obj.owner_type.app_label}.{obj.owner_type.model}"

    def get_download(self, obj) -> str:
        return reverse("api:attachment-content", args=[obj.pk])

    def get_thumbnail(self, obj) -> str | None:
        return reverse("attachments:thumbnail", args=[obj.pk]) if obj.thumbnail else None


class AttachmentUploadSerializer(serializers.Serializer):
    owner_type = serializers.CharField(
        help_text="所属对象类型：projects.stageevent、reports.monthlyreport、coordination.issue、"
        "coordination.visit、alerts.sitecheck（现场抽查）"
    )
    owner_id = serializers.IntegerField(min_value=1)
    file = serializers.FileField(help_text="文件（multipart/form-data）")
    caption = serializers.CharField(max_length=200, required=False, allow_blank=True)
    taken_on = serializers.DateField(required=False, allow_null=True)
