from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "ballast.inbox"
    label = "inbox"
    verbose_name = "通知"
