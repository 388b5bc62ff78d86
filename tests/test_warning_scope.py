"""Who and what the warnings cover: active projects only, the caller's scope, linked
leaders, the order, each city's own thresholds, and rules added by other apps."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ballast.alerts import registry
from ballast.alerts.models import WarningRule
from ballast.alerts.registry import Hit, RuleDefaults
from ballast.alerts.selectors import warnings_as_of
from ballast.alerts.services import ensure_default_rules, rule_update
from ballast.projects import services as project_services
from ballast.projects.models import Project
from tests.test_warning_support import fired

AS_OF = date(2023, 4, 15)
LATE = date(2023, 1, 1)  # planned start more than 3 months before AS_OF: red


def test_suspended_and_terminated_projects_are_left_out(make_project, people):
    admin = people["city_admin"]
    make_project(name="正常", planned_start=LATE)
    suspended = make_project(name="停建中", planned_start=LATE)
    project_services.project_suspend(
        user=admin, project=suspended, kind="stopped", reason="funding", on=date(2023, 3, 1)
    )
    resumed = make_project(name="已复工", planned_start=LATE)
    project_services.project_suspend(
        user=admin, project=resumed, kind="stopped", reason="funding", on=date(2023, 2, 1)
    )
    project_services.project_resume(user=admin, project=resumed, on=date(2023, 4, 1))
    later = make_project(name="统计日后停建", planned_start=LATE)
    project_services.project_suspend(
        user=admin, project=later, kind="deferred", reason="market", on=date(2023, 5, 1)
    )
    terminated = make_project(name="已终止", planned_start=LATE)
    project_services.project_terminate(
        user=admin, project=terminated, on=date(2023, 3, 1), reason="funding", note="资金链断裂"
    )

    assert set(fired(AS_OF, "start_overdue")) == {"正常", "已复工", "统计日后停建"}
    # Before the suspension and the termination both were on the line.
    assert set(fired(date(2023, 1, 20), "start_overdue")) == {
        "正常",
        "停建中",
        "已复工",
        "统计日后停建",
        "已终止",
    }


def test_unit_scope_comes_from_the_caller(make_project, people, unit_b):
    make_project(name="仪征项目", planned_start=LATE)
    make_project(unit_b, name="高邮项目", planned_start=LATE)

    def names(user):
        found = warnings_as_of(projects=Project.objects.restrict(user), as_of=AS_OF)
        return {w.project_name for w in found}

    assert names(people["clerk_a"]) == {"仪征项目"}
    assert names(people["clerk_b"]) == {"高邮项目"}
    assert names(people["city_admin"]) == {"仪征项目", "高邮项目"}
    assert names(people["auditor"]) == set()


def test_warning_names_unit_and_linked_leaders_sorted_red_first(make_project, people, unit_b):
    # A project that does not fire, with a leader: its leader appears nowhere.
    outside = make_project(name="未逾期", planned_start=date(2023, 6, 1))
    outside.leaders.set([people["leader_a"]])
    make_project(
        unit_b,
        name="高邮红",
        planned_start=date(2022, 12, 1),
    )
    leaders_project = make_project(name="仪征黄", planned_start=date(2023, 4, 1))
    leaders_project.leaders.set([people["leader_a"], people["city_leader"]])
    make_project(name="仪征红", planned_start=date(2022, 12, 1))

    found = warnings_as_of(projects=Project.objects.all(), as_of=AS_OF, rules=["start_overdue"])
    assert [(w.level, w.unit_code, w.project_name) for w in found] == [
        ("red", "321081", "仪征红"),
        ("red", "321084", "高邮红"),
        ("yellow", "321081", "仪征黄"),
    ]
    yellow = found[2]
    assert yellow.unit_name == "仪征市"
    assert yellow.leaders == ("city_leader", "leader_a")
    assert yellow.rule_label == "开工逾期"
    assert yellow.as_dict()["since"] == "2023-04-02"


def test_default_rules_are_created_once_and_keep_city_changes(city, people):
    rules = ensure_default_rules(city)
    # The built-in rules first, in this order; rules of other apps (issue_overdue) follow.
    assert [r.key for r in rules][:8] == [
        "start_overdue",
        "stalled",
        "silent",
        "lagging",
        "completion_overdue",
        "not_in_statistics",
        "report_missing",
        "data_anomaly",
    ]
    lagging = next(r for r in rules if r.key == "lagging")
    assert (lagging.yellow_threshold, lagging.red_threshold, lagging.threshold_unit) == (
        Decimal(10),
        Decimal(20),
        "points",
    )
    rule_update(user=people["city_admin"], rule=lagging, data={"red_threshold": Decimal(30)})
    again = ensure_default_rules(city)
    assert [r.pk for r in again] == [r.pk for r in rules]
    assert WarningRule.objects.get(city=city, key="lagging").red_threshold == Decimal(30)
    # Created with history, like every domain model.
    assert WarningRule.history.filter(key="lagging").count() == 2


def test_only_city_administrators_change_thresholds(city, people):
    rule = WarningRule.objects.get(pk=ensure_default_rules(city)[1].pk)  # stalled: 2 / 3
    assert rule.key == "stalled"
    with pytest.raises(PermissionDenied):
        rule_update(user=people["clerk_a"], rule=rule, data={"red_threshold": Decimal(5)})
    with pytest.raises(PermissionDenied):
        rule_update(user=people["city_reviewer"], rule=rule, data={"red_threshold": Decimal(5)})
    with pytest.raises(ValidationError) as error:
        rule_update(user=people["city_admin"], rule=rule, data={"red_threshold": Decimal(1)})
    assert "红色预警阈值不能低于黄色预警阈值。" in error.value.messages
    with pytest.raises(ValidationError) as error:
        rule_update(user=people["city_admin"], rule=rule, data={"red_threshold": Decimal("3.5")})
    assert "按月或按天计的阈值应为整数。" in error.value.messages


def test_another_app_can_register_a_rule(make_project, city):
    project = make_project(name="有逾期问题")
    make_project(name="无问题")

    def evaluate(*, projects, as_of, rule):
        for pk in projects.filter(name="有逾期问题").values_list("pk", flat=True):
            yield Hit(pk, "yellow", date(2023, 4, 1), "协调问题逾期 5 天。")

    registry.register(
        "plugged_in",
        "外挂规则",
        evaluate,
        defaults=RuleDefaults(Decimal(0), Decimal(15), "days", "测试规则"),
    )
    try:
        found = warnings_as_of(projects=Project.objects.all(), as_of=AS_OF)
        assert [(w.project_id, w.rule, w.rule_label) for w in found] == [
            (project.pk, "plugged_in", "外挂规则")
        ]
        assert [r.key for r in ensure_default_rules(city)][-1] == "plugged_in"
        assert WarningRule.objects.get(city=city, key="plugged_in").red_threshold == 15
    finally:
        registry.unregister("plugged_in")


def test_unknown_rule_key_is_refused(city):
    with pytest.raises(ValueError, match="未知的预警规则"):
        warnings_as_of(projects=Project.objects.all(), as_of=AS_OF, rules=["nonsense"])
    with pytest.raises(ValidationError):
        WarningRule(
            city=city,
            key="nonsense",
            yellow_threshold=Decimal(0),
            red_threshold=Decimal(1),
            threshold_unit="days",
        ).full_clean()
