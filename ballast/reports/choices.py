from django.db import models


class ReportStatus(models.TextChoices):
    """Flow: draft → submitted → unit_approved → accepted (locked); returns go back to draft."""

    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已报送"
    UNIT_APPROVED = "unit_approved", "板块已审核"
    ACCEPTED = "accepted", "市级已验收"


EDITABLE_STATUSES = (ReportStatus.DRAFT,)

# Reports for a month are due on this day of the next month unless the city's
# ReportingRule says otherwise.
DEFAULT_DEADLINE_DAY = 5
