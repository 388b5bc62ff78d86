from django.apps import AppConfig


class AttachmentsConfig(AppConfig):
    name = "ballast.attachments"
    label = "attachments"
    verbose_name = "附件与照片"
