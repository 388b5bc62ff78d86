"""Shared fixtures: a small Yangzhou with named people in two units (仪征 and 高邮).

``unit_a`` is 仪征市 (321081), ``unit_b`` is 高邮市 (321084); the outsider of unit A is
always a person of unit B.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.utils import translation

from ballast.accounts.choices import Role
from ballast.accounts.models import Department, User
from ballast.projects import services as project_services
from ballast.projects.models import IndustryCluster
from ballast.regions.models import Region
from ballast.regions.services import init_city

PARKS = [
    ("321071", "扬州经济技术开发区"),
    ("321072", "生态科技新城"),
    ("321073", "蜀冈—瘦西湖风景名胜区"),
]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _chinese_first():
    """Every test starts in the site's language: a request in English (the LocaleMiddleware
    activates the person's language for the thread and leaves it) must not leak into the
    next test."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture
def city(db):
    return init_city(code="321000", parks=PARKS)


@pytest.fixture
def unit_a(city):
    return Region.objects.get(code="321081")


@pytest.fixture
def unit_b(city):
    return Region.objects.get(code="321084")


@pytest.fixture
def department(city):
    return Department.objects.create(
        city=city, name="扬州市自然资源和规划局", short_name="市资规局"
    )


def make_user(username, role, region, **extra):
    user = User(
        username=username,
        role=role,
        region=region,
        full_name=username,
        is_staff=role != Role.ENTERPRISE,
        **extra,
    )
    user.set_password("pass")
    user.full_clean()
    user.save()
    return user


@pytest.fixture
def people(city, unit_a, unit_b, department):
    """One person for every role: city-level ones, and unit ones in unit A and unit B."""
    return {
        "city_admin": make_user("city_admin", Role.CITY_ADMIN, city),
        "city_reviewer": make_user("city_reviewer", Role.CITY_REVIEWER, city),
        "city_leader": make_user("city_leader", Role.LEADER, city),
        "auditor": make_user("auditor", Role.AUDITOR, city),
        "system_admin": make_user("system_admin", Role.SYSTEM_ADMIN, city),
        "security_admin": make_user("security_admin", Role.SECURITY_ADMIN, city),
        "department": make_user("dept", Role.DEPARTMENT, city, department=department),
        "clerk_a": make_user("clerk_a", Role.UNIT_CLERK, unit_a),
        "reviewer_a": make_user("reviewer_a", Role.UNIT_REVIEWER, unit_a),
        "leader_a": make_user("leader_a", Role.LEADER, unit_a),
        "clerk_b": make_user("clerk_b", Role.UNIT_CLERK, unit_b),
        "reviewer_b": make_user("reviewer_b", Role.UNIT_REVIEWER, unit_b),
        "enterprise": make_user("enterprise", Role.ENTERPRISE, unit_a),
    }


@pytest.fixture
def cluster(city):
    return IndustryCluster.objects.create(city=city, code="new-energy", name="新能源")


@pytest.fixture
def make_project(people, unit_a, cluster):
    """Create a project through the service, as the clerk of its unit (default: unit A)."""
    counter = iter(range(1, 10_000))

    def make(unit=None, *, user=None, stages=None, **fields):
        unit = unit or unit_a
        user = user or (people["clerk_a"] if unit == unit_a else people["city_admin"])
        data = {
            "name": f"测试项目{next(counter)}",
            "unit": unit,
            "total_investment": Decimal("100000.00"),
            "category": "industrial",
            "cluster": cluster,
        }
        data.update(fields)
        project = project_services.project_create(user=user, data=data)
        for stage, on in (stages or {}).items():
            project_services.stage_record(user=user, project=project, stage=stage, on=on)
        return project

    return make


@pytest.fixture
def d():
    """Short date constructor: d(2023, 3, 8)."""
    return date


@pytest.fixture
def pinned_today(monkeypatch):
    """Pin the clock every service and page reads (``ballast.core.clock``):
    ``pinned_today(date(2026, 12, 2))`` makes that day today; returns the day."""
    from ballast.core import clock

    def pin(day: date) -> date:
        monkeypatch.setattr(clock, "today", lambda: day)
        return day

    return pin


def tiny_jpeg(*, size=(64, 48), taken: str | None = None, gps: bool = False) -> bytes:
    """A small JPEG photo, optionally with an EXIF date taken (``"2024:05:06 10:11:12"``)
    and a GPS position (扬州, 32°23′N 119°25′E) — for the attachment tests."""
    import io

    from PIL import Image

    image = Image.new("RGB", size, (180, 120, 60))
    exif = Image.Exif()
    exif[0x010F] = "测试相机"
    if taken:
        exif.get_ifd(0x8769)[36867] = taken
    if gps:
        exif[0x8825] = {1: "N", 2: (32.0, 23.0, 10.5), 3: "E", 4: (119.0, 25.0, 1.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()
