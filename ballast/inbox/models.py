"""Notifications (通知) to one person and each person's choice of delivery per kind."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ballast.core.models import BallastModel
from ballast.inbox.choices import DEFAULT_DELIVERY, Delivery, Kind


class Notification(BallastModel):
    """A notification to one person: in the inbox always, by e-mail or a messenger as the
    person chose for its kind (decided when it is made).

    ``dedupe_key`` is unique: the same event never makes two notifications for one person,
    even when several machines make them at once. ``emailed_at`` and ``messaged_at`` are
    claimed atomically before sending, so nothing is sent twice.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField("类型", max_length=24, choices=Kind.choices)
    event = models.CharField(
        "事件", max_length=32, blank=True, help_text="类型下的具体事件，如 issue_assigned"
    )
    subject = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=200, blank=True)
    object_ref = models.CharField(
        "关联对象", max_length=64, blank=True, help_text="如 coordination.issue:12"
    )
    dedupe_key = models.CharField("去重键", max_length=160, unique=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    email_wanted = models.BooleanField("发送邮件", default=False)
    emailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True)
    messenger_wanted = models.BooleanField("发送即时通讯", default=False)
    messaged_at = models.DateTimeField("即时通讯发送时间", null=True, blank=True)

    access_group = "notice"
    owner_path = "recipient"

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(fields=("recipient", "read_at")),
            models.Index(fields=("email_wanted", "emailed_at")),
            models.Index(fields=("messenger_wanted", "messaged_at")),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def safe_link(self) -> str:
        """The link if it is a path of this site (never an address elsewhere)."""
        link = self.link or ""
        return link if link.startswith("/") and not link.startswith("//") else ""


class Preference(BallastModel):
    """One person's delivery for one kind of notification (default: e-mail too)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField("类型", max_length=24, choices=Kind.choices)
    delivery = models.CharField(
        "送达方式", max_length=16, choices=Delivery.choices, default=DEFAULT_DELIVERY
    )

    access_group = "notice"
    owner_path = "user"

    class Meta:
        verbose_name = "通知方式"
        verbose_name_plural = "通知方式"
        constraints = [
            models.UniqueConstraint(fields=("user", "kind"), name="inbox_one_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()} · {self.get_delivery_display()}"
