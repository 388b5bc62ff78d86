"""Attachments (附件): list (``?owner_type=&owner_id=``, ``?project=``), detail, the file,
and upload (multipart) — through ``attachments.services.attach``."""

from __future__ import annotations

import django_filters
from django.apps import apps
from django.core.exceptions import PermissionDenied
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser

from ballast.accounts import policy
from ballast.api.idempotency import idempotent
from ballast.api.viewsets import ReadOnlyViewSet
from ballast.attachments import services, views
from ballast.attachments.api import serializers as s
from ballast.attachments.models import Attachment
from ballast.attachments.sniffing import STORED_MIMES


class AttachmentFilterSet(django_filters.FilterSet):
    owner_type = django_filters.CharFilter(method="by_owner_type", label="所属对象类型")

    class Meta:
        model = Attachment
        fields = ("owner_type", "owner_id", "project", "kind")

    def by_owner_type(self, queryset, name, value):
        app_label, __, model = value.lower().partition(".")
        return queryset.filter(owner_type__app_label=app_label, owner_type__model=model)


class AttachmentViewSet(ReadOnlyViewSet):
    """附件与照片：列表、详情、下载文件、上传（multipart/form-data）。"""

    queryset = Attachment.objects.select_related("owner_type").order_by("-created_at", "-id")
    serializer_class = s.AttachmentSerializer
    filterset_class = AttachmentFilterSet
    # multipart for the file; JSON answers an upload without one with a 400 problem
    parser_classes = (MultiPartParser, FormParser, JSONParser)

    def _owner(self, data):
        label = data["owner_type"].lower()
        if label not in policy.ATTACHMENT_OWNERS:
            raise exceptions.ValidationError({"owner_type": ["不支持为该类型的数据添加附件。"]})
        model = apps.get_model(label)
        owner = policy.restrict(model._base_manager.all(), self.request.user, policy.VIEW)
        found = owner.filter(pk=data["owner_id"]).first()
        if found is None:
            raise exceptions.NotFound("所属对象不存在。")
        return found

    @extend_schema(request={"multipart/form-data": s.AttachmentUploadSerializer})
    @idempotent
    def create(self, request, *args, **kwargs):
        data = self.validated(s.AttachmentUploadSerializer)
        owner = self._owner(data)
        try:
            attachment = services.attach(
                user=request.user,
                owner=owner,
                file=data["file"],
                caption=data.get("caption", ""),
                taken_on=data.get("taken_on"),
            )
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        return self.object_response(attachment, status.HTTP_201_CREATED)

    @extend_schema(responses={(200, mime): OpenApiTypes.BINARY for mime in STORED_MIMES})
    @action(detail=True, methods=["get"])
    def content(self, request, pk=None):
        """文件本身（照片内联显示，其他文件下载）。"""
        attachment = self.get_object()
        return views._serve(
            attachment.file, name=attachment.name, mime=attachment.mime, inline=attachment.is_image
        )
