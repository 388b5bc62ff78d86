"""Fixtures of the coordination tests (imported by the other test_coordination/issue/visit/
tour/notification files): a second department with its officer, a second enterprise, one
project in each unit with its enterprise contact."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from ballast.accounts.choices import Role
from ballast.accounts.models import Department
from ballast.coordination import services
from ballast.coordination.models import ProjectContact
from tests.conftest import make_user

__all__ = ["at", "other_department", "crowd", "project_a", "project_b", "raise_issue"]

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(y, m, d, hour=9, minute=0) -> datetime:
    """A moment in the city's time zone."""
    return datetime(y, m, d, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def other_department(city):
    return Department.objects.create(city=city, name="扬州市生态环境局", short_name="市生态环境局")


@pytest.fixture
def crowd(people, city, unit_b, other_department):
    """``people`` plus the other department's officer and a second enterprise (of unit B)."""
    extra = {
        "dept_other": make_user("dept_other", Role.DEPARTMENT, city, department=other_department),
        "enterprise_b": make_user("enterprise_b", Role.ENTERPRISE, unit_b),
    }
    return {**people, **extra}


@pytest.fixture
def project_a(make_project, crowd):
    """A project of unit A (10 亿元) whose enterprise contact is ``crowd["enterprise"]``."""
    project = make_project(name="亚新科双环汽车零部件")
    ProjectContact.objects.create(project=project, user=crowd["enterprise"])
    return project


@pytest.fixture
def project_b(make_project, crowd, unit_b):
    """A project of unit B whose enterprise contact is ``crowd["enterprise_b"]``."""
    project = make_project(unit_b, name="高邮光伏组件")
    ProjectContact.objects.create(project=project, user=crowd["enterprise_b"])
    return project


@pytest.fixture
def raise_issue(crowd, department):
    """Raise an issue on a project (default: by clerk A, to the natural-resources bureau)."""

    def make(project, *, user=None, now=None, steps=(), **data):
        values = {
            "category": "land",
            "description": "缺少用地指标 50 亩",
            "department": department,
            "deadline": date(2023, 3, 31),
        }
        values.update(data)
        return services.issue_raise(
            user=user or crowd["clerk_a"],
            project=project,
            data=values,
            steps=steps,
            now=now or at(2023, 3, 1),
        )

    return make


def test_fixtures_give_each_side_its_own_project(project_a, project_b, crowd):
    assert project_a.unit.code == "321081"
    assert project_b.unit.code == "321084"
    assert list(project_a.contacts.values_list("user__username", flat=True)) == ["enterprise"]
