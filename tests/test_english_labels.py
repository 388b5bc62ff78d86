"""Every label the pages take from another app's choices has its English: the pages
translate those Chinese labels when they render them (ballast/web/labels.py), so a
choice added without a translation would show in Chinese on an English page."""

import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext

from ballast.accounts.choices import Role
from ballast.accounts.models import LoginEvent
from ballast.alerts import registry
from ballast.alerts.choices import Level as WarningLevel
from ballast.alerts.choices import SiteCheckStatus
from ballast.coordination.choices import IssueCategory, IssueLevel, IssueStatus, VisitKind
from ballast.projects.choices import (
    Category,
    ConfidenceRating,
    Level,
    NodeKind,
    NodeOutcome,
    Origin,
    SizeClass,
    Stage,
    SuspensionKind,
    SuspensionReason,
    TargetIndicator,
    TerminationReason,
)
from ballast.projects.labels import stage_choices, stage_label
from ballast.projects.selectors import Status
from ballast.reports.choices import ReportStatus
from ballast.web.labels import month_label

CHOICES = (
    Role,
    LoginEvent.Kind,
    Level,
    Origin,
    SizeClass,
    Category,
    SuspensionKind,
    SuspensionReason,
    TerminationReason,
    NodeKind,
    NodeOutcome,
    TargetIndicator,
    ConfidenceRating,
    ReportStatus,
    WarningLevel,
    SiteCheckStatus,
    IssueStatus,
    IssueCategory,
    IssueLevel,
    VisitKind,
)


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.mark.parametrize("choices", CHOICES, ids=lambda c: c.__qualname__)
def test_every_choice_label_has_english(choices):
    with translation.override("en"):
        untranslated = [label for label in choices.labels if has_chinese(gettext(label))]
    assert untranslated == []


def test_every_warning_rule_project_status_and_month_has_english():
    labels = [rule.label for rule in registry.all_rules()] + list(Status.LABELS.values())
    with translation.override("en"):
        assert [label for label in labels if has_chinese(gettext(label))] == []
        assert [month_label(m) for m in (1, 3, 12)] == ["Jan", "Mar", "Dec"]
    assert [month_label(m) for m in (1, 3, 12)] == ["1月", "3月", "12月"]


def test_stage_names_in_english_and_in_chinese():
    with translation.override("en"):
        assert [stage_label(s) for s in Stage] == [
            "Reserve",
            "Negotiating",
            "Signed",
            "Landed",
            "Started",
            "In statistics",
            "Completed",
            "In production",
            "At capacity",
        ]
        assert stage_label(None) == stage_label("none") == "No stage yet"
        assert pgettext("stage", "未录入") == "Not recorded"
        # as a bare msgid 开工 is the node plan's planned-start column
        assert gettext("开工") == "Start"
    with translation.override("zh-hans"):
        assert stage_choices() == [("none", "未入库"), *Stage.choices]
