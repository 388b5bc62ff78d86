"""Choices of service and supervision: issue categories and states, visit kinds, notices."""

from django.db import models


class IssueCategory(models.TextChoices):
    """What a coordination issue (问题协调/要素保障) is about."""

    LAND = "land", "土地指标"
    PLANNING = "planning", "规划"
    ENVIRONMENT = "environment", "环评/能评"
    PERMIT = "permit", "施工许可/行政审批"
    FUNDING = "funding", "资金筹措"
    UTILITIES = "utilities", "水电气热"
    LABOUR = "labour", "用工"
    OTHER = "other", "其他"


class IssueStatus(models.TextChoices):
    """open → accepted → in_progress → resolved → closed (销号); reopened → in_progress."""

    OPEN = "open", "待受理"
    ACCEPTED = "accepted", "已受理"
    IN_PROGRESS = "in_progress", "办理中"
    RESOLVED = "resolved", "已办结待确认"
    CLOSED = "closed", "已销号"


# States in which the issue is still with the answering side (not resolved or closed).
PENDING_STATUSES = (IssueStatus.OPEN, IssueStatus.ACCEPTED, IssueStatus.IN_PROGRESS)


class IssueLevel(models.TextChoices):
    UNIT = "unit", "板块协调"
    CITY = "city", "市级协调"


class EscalationReason(models.TextChoices):
    MAJOR_NOT_ACKNOWLEDGED = "major_late", "重大事项当日未受理"
    OVERDUE = "overdue", "超过办结期限"
    LARGE_PROJECT = "large_project", "30亿元以上项目要素保障"


class VisitKind(models.TextChoices):
    VISIT = "visit", "走访"
    SURVEY = "survey", "调研"
    ONSITE_OFFICE = "onsite_office", "现场办公"
    SYMPOSIUM = "symposium", "座谈"


class NoticeKind(models.TextChoices):
    ISSUE_ASSIGNED = "issue_assigned", "问题交办"
    ISSUE_ACK_LATE = "issue_ack_late", "重大问题受理超时"
    ISSUE_ESCALATED = "issue_escalated", "问题升级市级协调"
    ISSUE_NEAR_DEADLINE = "issue_near_deadline", "问题临近办结期限"
    ISSUE_OVERDUE = "issue_overdue", "问题逾期"
    ISSUE_RESOLVED = "issue_resolved", "问题已办结待确认"
    ISSUE_REOPENED = "issue_reopened", "问题重新打开"
    ISSUE_STEP = "issue_step", "问题路线图更新"
    ISSUE_CLOSED = "issue_closed", "问题已销号"
    NODE_DUE_SOON = "node_due_soon", "节点临近期限"
    NODE_OVERDUE = "node_overdue", "节点逾期"
    REPORT_RETURNED = "report_returned", "月报被退回"
    DIGEST = "digest", "每周摘要"
