"""Reads of the demo city: a fingerprint of its data (to prove the build deterministic)."""

import hashlib

from ballast.accounts.models import User
from ballast.projects.models import (
    AnnualPlan,
    ConfidenceAssessment,
    Node,
    PlanMonth,
    Project,
    StageEvent,
    Suspension,
    Termination,
    UnitTarget,
)
from ballast.reports.models import MonthlyReport

# (queryset, fields) in a stable order; natural keys only (no ids, no creation times).
_DUMPS = (
    (User.objects.order_by("username"), ("username", "role", "region__code", "full_name", "phone")),
    (
        Project.objects.order_by("code"),
        (
            "code",
            "name",
            "unit__code",
            "investor",
            "investor_credit_code",
            "category",
            "level",
            "cluster__code",
            "total_investment",
            "land_area",
            "floor_area",
            "longitude",
            "latitude",
            "parent__code",
            "planned_start",
            "planned_completion",
            "planned_full_output",
            "baseline_completion",
            "responsible_officer",
        ),
    ),
    (StageEvent.objects.order_by("project__code", "stage"), ("project__code", "stage", "date")),
    (
        Suspension.objects.order_by("project__code", "started_on"),
        ("project__code", "reason", "started_on", "resumed_on"),
    ),
    (Termination.objects.order_by("project__code"), ("project__code", "terminated_on", "reason")),
    (
        AnnualPlan.objects.order_by("project__code", "year"),
        ("project__code", "year", "planned_investment", "start_month"),
    ),
    (
        PlanMonth.objects.order_by("plan__project__code", "plan__year", "month"),
        ("plan__project__code", "plan__year", "month", "planned_investment"),
    ),
    (
        Node.objects.order_by("project__code", "sort_order"),
        (
            "project__code",
            "kind",
            "deadline",
            "department__name",
            "person",
            "outcome",
            "completed_on",
        ),
    ),
    (
        MonthlyReport.objects.order_by("project__code", "month"),
        (
            "project__code",
            "month",
            "investment",
            "status",
            "submitted_at",
            "accepted_at",
            "amendment_count",
        ),
    ),
    (
        UnitTarget.objects.order_by("unit__code", "period", "indicator"),
        ("unit__code", "period", "indicator", "value"),
    ),
    (
        ConfidenceAssessment.objects.order_by("project__code", "month"),
        ("project__code", "month", "rating"),
    ),
)


def demo_fingerprint() -> str:
    """A SHA-256 over the demo's key fields: equal for equal data, whatever the row ids."""
    digest = hashlib.sha256()
    for queryset, fields in _DUMPS:
        digest.update(queryset.model._meta.label.encode())
        for row in queryset.values_list(*fields):
            digest.update(repr(row).encode())
    return digest.hexdigest()
