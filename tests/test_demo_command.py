"""``load_demo``: --check, --logins, a plain run, --reset and its refusal on real data."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ballast.accounts.models import User
from ballast.demo.models import DemoBuild
from ballast.projects.models import Project, StageEvent
from ballast.regions.models import Region
from ballast.reports.models import MonthlyReport

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def check_exit_code() -> int:
    with pytest.raises(SystemExit) as exited:
        call_command("load_demo", "--check", stdout=StringIO())
    return exited.value.code


def test_check_fails_on_an_empty_database_and_writes_nothing():
    assert check_exit_code() == 1
    assert not Region.objects.exists()
    assert not User.objects.exists()


def test_build_check_logins_and_rerun():
    output = run("--seed", "3", "--today", "2025-06-30", "--password", "pw")
    assert "演示城市已构建" in output
    assert "clerk_321081" in output and "reviewer_321073" in output
    assert check_exit_code() == 0
    assert DemoBuild.objects.get().today == date(2025, 6, 30)
    # nothing dated after the day it was built for; reports up to the last full month
    assert not StageEvent.objects.filter(date__gt=date(2025, 6, 30)).exists()
    assert not MonthlyReport.objects.filter(month__gt=date(2025, 5, 1)).exists()
    assert MonthlyReport.objects.filter(month=date(2025, 5, 1)).exists()
    projects = Project.objects.count()

    logins = run("--logins", "--password", "pw")
    lines = logins.splitlines()
    assert lines[1].split()[:2] == ["city_admin", "市级管理员"]
    assert lines[1].split()[-1] == "pw"
    usernames = {line.split()[0] for line in lines[1:]}
    assert {"city_reviewer", "auditor", "leader_city1", "dept_fgw", "ent_1"} <= usernames
    assert {f"clerk_{code}" for code in ("321002", "321071", "321084")} <= usernames
    # a password that is not the demo's is not echoed
    assert "（构建时设定的密码）" in run("--logins", "--password", "other")

    assert "已加载" in run("--today", "2025-06-30")
    assert Project.objects.count() == projects
    assert DemoBuild.objects.count() == 1


def test_reset_refuses_a_database_with_projects_that_is_not_a_demo(make_project):
    make_project()
    with pytest.raises(CommandError, match="拒绝清空"):
        run("--reset", "--today", "2025-06-30")
    assert Project.objects.count() == 1


def test_a_malformed_day_is_refused():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("--today", "2025/06/30")


def test_building_over_people_of_the_same_names_fails_cleanly_and_writes_nothing(people):
    users = User.objects.count()
    with pytest.raises(CommandError, match="同名"):
        run("--today", "2025-06-30")
    assert User.objects.count() == users
    assert not Project.objects.exists()
    assert not DemoBuild.objects.exists()
