from django.db import models


class Kind(models.TextChoices):
    """What a notification is about; each person chooses the delivery per kind."""

    ISSUE = "issue", "问题协调"
    REPORT_RETURNED = "report_returned", "月报退回"
    NODE_LATE = "node_late", "节点逾期"
    RED_WARNING = "red_warning", "红色预警"
    DIGEST = "digest", "每周摘要"


class Delivery(models.TextChoices):
    """Where a notification goes besides the inbox (the inbox always holds it)."""

    INAPP = "inapp", "仅站内"
    EMAIL = "email", "站内+邮件"
    MESSENGER = "messenger", "站内+即时通讯"


# Until a person chooses, every kind is e-mailed too (as before the inbox existed).
DEFAULT_DELIVERY = Delivery.EMAIL
