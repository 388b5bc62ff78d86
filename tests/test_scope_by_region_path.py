"""Scope is a prefix of the region path: a province officer sees every city of the
province, a city person their city, a clerk their unit — and a park under a district
belongs to the district's scope. Moving a region moves its subtree's paths."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ballast.accounts import policy
from ballast.accounts.choices import Role
from ballast.projects import services as project_services
from ballast.projects.models import Project
from ballast.regions.choices import RegionKind
from ballast.regions.models import Region
from ballast.regions.services import init_city, region_create, region_move
from tests.conftest import make_user


@pytest.fixture
def zhenjiang(city):
    """镇江 (321100), the second city of 江苏, with its own city administrator."""
    return init_city(code="321100")


@pytest.fixture
def province_officer(city):
    return make_user("sheng", Role.PROVINCE_OFFICER, city.parent)


@pytest.fixture
def zhenjiang_admin(zhenjiang):
    return make_user("zj_admin", Role.CITY_ADMIN, zhenjiang)


def _project(user, unit, name):
    return project_services.project_create(
        user=user,
        data={
            "name": name,
            "unit": unit,
            "total_investment": Decimal("50000.00"),
            "category": "industrial",
        },
    )


@pytest.fixture
def two_cities(make_project, zhenjiang_admin, zhenjiang, unit_a, unit_b, people):
    yizheng = make_project(unit_a, name="仪征项目")
    gaoyou = make_project(unit_b, name="高邮项目")
    dantu = _project(zhenjiang_admin, Region.objects.get(code="321112"), "丹徒项目")
    return yizheng, gaoyou, dantu


def _names(user):
    return set(Project.objects.restrict(user).values_list("name", flat=True))


def test_the_paths_follow_the_tree(city, zhenjiang, unit_a):
    assert city.parent.path == "320000" and city.parent.depth == 0
    assert city.path == "320000/321000" and city.depth == 1
    assert unit_a.path == "320000/321000/321081" and unit_a.depth == 2
    assert unit_a.city == city and zhenjiang.city == zhenjiang and city.parent.city is None


def test_a_province_officer_sees_both_cities_a_city_admin_one_a_clerk_one_unit(
    two_cities, province_officer, zhenjiang_admin, people
):
    assert _names(province_officer) == {"仪征项目", "高邮项目", "丹徒项目"}
    assert _names(people["city_admin"]) == {"仪征项目", "高邮项目"}
    assert _names(zhenjiang_admin) == {"丹徒项目"}
    assert _names(people["clerk_a"]) == {"仪征项目"}
    assert _names(people["clerk_b"]) == {"高邮项目"}


def test_the_province_officer_reads_and_changes_nothing(
    two_cities, province_officer, unit_a, zhenjiang
):
    yizheng, _, dantu = two_cities
    policy.check(province_officer, policy.VIEW, dantu)
    with pytest.raises(PermissionDenied):
        policy.check(province_officer, policy.CHANGE, yizheng)
    with pytest.raises(PermissionDenied):
        policy.check_unit(province_officer, policy.ADD, Project, unit_a)
    assert not policy.units_for(province_officer, policy.ADD, Project).exists()
    # Units to read: every unit of both cities.
    readable = policy.units_for(province_officer, policy.VIEW, Project)
    assert set(readable.values_list("code", flat=True)) >= {"321081", "321084", "321112"}
    # Regions: the province, its cities and their units; people: of the whole province.
    regions = Region.objects.restrict(province_officer)
    assert regions.filter(code__in=["320000", "321000", "321100", "321112"]).count() == 4
    assert policy.users_for(province_officer).filter(username="zj_admin").exists()


def test_a_city_person_sees_their_city_and_the_province_not_the_other_city(
    two_cities, people, zhenjiang
):
    regions = set(Region.objects.restrict(people["clerk_a"]).values_list("code", flat=True))
    assert {"320000", "321000", "321081", "321084"} <= regions
    assert "321100" not in regions and "321112" not in regions
    with pytest.raises(PermissionDenied):
        policy.check_unit(
            people["city_admin"], policy.ADD, Project, Region.objects.get(code="321112")
        )
    assert not policy.users_for(people["city_admin"]).filter(username="zj_admin").exists()


def test_a_province_officer_belongs_to_a_province(city, unit_a):
    with pytest.raises(ValidationError):
        make_user("sheng_wrong", Role.PROVINCE_OFFICER, city)


@pytest.fixture
def park_under_district(unit_a):
    """A park under 仪征 (a deeper tree: province → city → county-level city → park)."""
    return region_create(
        code="321091",
        name="仪征经济开发区",
        short_name="仪征开发区",
        kind=RegionKind.PARK,
        parent=unit_a,
        is_assessment_unit=True,
    )


def test_a_park_under_a_district_is_in_the_district_and_the_city(
    park_under_district, make_project, people, unit_a
):
    park = park_under_district
    assert park.path == "320000/321000/321081/321091" and park.depth == 3
    assert park.city.code == "321000"
    clerk_park = make_user("clerk_park", Role.UNIT_CLERK, park)
    make_project(unit_a, name="仪征项目")
    _project(clerk_park, park, "园区项目")
    assert _names(clerk_park) == {"园区项目"}
    assert _names(people["clerk_a"]) == {"仪征项目", "园区项目"}
    assert _names(people["city_admin"]) == {"仪征项目", "园区项目"}
    assert _names(people["clerk_b"]) == set()
    # The district's clerk may work in the park; the park's clerk not in the district.
    policy.check_unit(people["clerk_a"], policy.ADD, Project, park)
    with pytest.raises(PermissionDenied):
        policy.check_unit(clerk_park, policy.ADD, Project, unit_a)
    assert park in policy.units_for(people["city_admin"], policy.ADD, Project)


def test_moving_a_region_rewrites_its_subtree(park_under_district, unit_a, unit_b, people):
    park = park_under_district
    inner = region_create(code="321092", name="园中园", kind=RegionKind.PARK, parent=park)
    region_move(region=park, parent=unit_b)
    park.refresh_from_db()
    inner.refresh_from_db()
    assert park.path == "320000/321000/321084/321091" and park.depth == 3
    assert inner.path == "320000/321000/321084/321091/321092" and inner.depth == 4
    # Moved up a level, under the city itself.
    region_move(region=park, parent=unit_b.parent)
    inner.refresh_from_db()
    assert inner.path == "320000/321000/321091/321092" and inner.depth == 3
    # Scope follows the move: 高邮's clerk no longer holds the park.
    assert not policy.units_for(people["clerk_b"], policy.ADD, Project).filter(pk=park.pk).exists()
    with pytest.raises(ValidationError):
        region_move(region=park, parent=inner)


def test_the_migration_fills_the_paths_of_existing_regions(park_under_district, zhenjiang):
    """Regions made before the path existed get it from the data migration."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("ballast.regions.migrations.0003_backfill_region_path")
    Region.objects.update(path="", depth=0)
    migration.backfill(apps, None)
    park = Region.objects.get(code="321091")
    assert park.path == "320000/321000/321081/321091" and park.depth == 3
    assert Region.objects.get(code="321112").path == "320000/321100/321112"
    assert not Region.objects.filter(path="").exists()
