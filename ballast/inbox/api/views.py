"""One's own notifications (通知): list (``?unread=1``), detail, mark read — through
``inbox.services``. Nobody sees another person's (the policy's personal rows)."""

from __future__ import annotations

import django_filters
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from ballast.accounts import policy
from ballast.api.viewsets import ReadOnlyViewSet
from ballast.inbox import services
from ballast.inbox.api import serializers as s
from ballast.inbox.models import Notification


class NotificationFilterSet(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(
        field_name="read_at", lookup_expr="isnull", label="只看未读"
    )

    class Meta:
        model = Notification
        fields = ("kind", "unread")


class NotificationViewSet(ReadOnlyViewSet):
    """我的通知：列表、详情、标为已读（单条或全部）。"""

    queryset = Notification.objects.order_by("-created_at", "-id")
    serializer_class = s.NotificationSerializer
    filterset_class = NotificationFilterSet
    policy_actions = {"read": policy.CHANGE, "read_all": policy.CHANGE}

    @extend_schema(request=None, responses={200: s.NotificationSerializer})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """标为已读。"""
        notification = self.get_object()
        services.mark_read(user=request.user, notification=notification, now=timezone.now())
        return self.object_response(notification)

    @extend_schema(request=None, responses={200: s.MarkedSerializer})
    @action(detail=False, methods=["post"], url_path="read-all", url_name="read-all")
    def read_all(self, request):
        """全部标为已读。"""
        return Response({"marked": services.mark_read(user=request.user, now=timezone.now())})
