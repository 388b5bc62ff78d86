"""Every change, whatever the door (a page, the admin, an import, a command, a bulk
write), leaves one audit-trail record with who, from where, and what before and after."""

from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command

from ballast.assessments.models import Scheme
from ballast.audit.models import AuditRecord
from ballast.audit.services import record_bulk
from ballast.core.history import acting
from ballast.projects.models import IndustryCluster, Project
from tests.test_web_pages import web_city  # noqa: F401  (fixture)


def changes_of(obj):
    return AuditRecord.objects.filter(
        kind="change", model_label=obj._meta.label, object_id=str(obj.pk)
    ).order_by("seq")


def test_a_service_change_is_recorded_with_before_and_after(make_project, people):
    project = make_project(name="甲项目")
    created = changes_of(project).get()
    assert created.action == "+"
    assert created.actor == people["clerk_a"] and created.actor_username == "clerk_a"
    assert created.actor_role == "unit_clerk"
    assert created.object_repr == "甲项目"
    assert created.changes["name"] == {"before": None, "after": "甲项目"}
    assert created.changes["total_investment"]["after"] == "100000.00"

    from ballast.projects import services

    services.project_update(
        user=people["clerk_a"],
        project=project,
        data={"total_investment": Decimal("150000")},
        reason="追加投资",
    )
    changed = changes_of(project).last()
    assert changed.action == "~"
    assert changed.reason == "追加投资"
    # Only what changed, old and new (the bookkeeping updated_at is left out).
    assert changed.changes["total_investment"] == {"before": "100000.00", "after": "150000.00"}
    assert "updated_at" not in changed.changes


def test_a_page_change_carries_address_agent_and_request_id(client, people, web_city):  # noqa: F811
    a1 = web_city["a1"]
    client.force_login(people["clerk_a"])
    data = {
        "name": a1.name,
        "unit": a1.unit_id,
        "origin": "domestic",
        "category": "industrial",
        "level": "provincial",
        "total_investment": "260000",
        "cluster": a1.cluster_id,
        "code": a1.code,
        "investor": a1.investor,
        "change_reason": "省重大项目名单调整",
    }
    response = client.post(
        f"/projects/{a1.pk}/edit/", data, REMOTE_ADDR="10.8.0.7", HTTP_USER_AGENT="Firefox/140"
    )
    assert response.status_code == 302
    record = changes_of(a1).last()
    assert record.source == "web"
    assert record.actor_username == "clerk_a"
    assert record.ip == "10.8.0.7" and record.user_agent == "Firefox/140"
    assert record.request_id == response["X-Request-ID"] and len(record.request_id) == 32
    assert record.reason == "省重大项目名单调整"
    assert record.changes["level"] == {"before": "city", "after": "provincial"}
    assert record.changes["total_investment"] == {"before": "250000.00", "after": "260000.00"}


def test_an_admin_change_is_recorded_as_admin(client, people, cluster):
    client.force_login(people["city_admin"])
    response = client.post(
        f"/admin/projects/industrycluster/{cluster.pk}/change/",
        {
            "city": cluster.city_id,
            "code": cluster.code,
            "name": "新能源（光伏）",
            "sort_order": 3,
            "is_active": "on",
        },
        REMOTE_ADDR="10.8.0.9",
    )
    assert response.status_code == 302, response.content.decode()[:500]
    record = changes_of(cluster).last()
    assert record.source == "admin" and record.action == "~"
    assert record.actor_username == "city_admin" and record.ip == "10.8.0.9"
    assert record.changes["name"] == {"before": "新能源", "after": "新能源（光伏）"}
    assert record.changes["sort_order"] == {"before": 0, "after": 3}


def test_an_import_is_recorded_as_import(people, tmp_path):
    path = tmp_path / "ledger.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["项目名称", "所属板块", "项目类别", "总投资（万元）"])
    workbook.active.append(["导入的项目", "仪征", "工业", 8000])
    workbook.save(path)
    call_command("import_projects", str(path), "--user", "clerk_a")
    project = Project.objects.get(name="导入的项目")
    record = changes_of(project).get()
    assert record.source == "import" and record.action == "+"
    assert record.actor_username == "clerk_a"
    assert record.changes["total_investment"] == {"before": None, "after": "8000.00"}


def test_a_command_is_recorded_as_command(people, city):
    call_command("scheme", "defaults", "--city", "321000", "--user", "city_admin")
    scheme = Scheme.objects.filter(city=city).first()
    record = changes_of(scheme).get()
    assert record.source == "command" and record.action == "+"
    assert record.actor_username == "city_admin"
    assert record.changes["name"]["after"] == scheme.name


def test_a_delete_keeps_what_was_there(people, city):
    with acting(people["city_admin"], reason="重复录入"):
        cluster = IndustryCluster.objects.create(city=city, code="dup", name="重复集群")
        pk = cluster.pk
        cluster.delete()
    record = AuditRecord.objects.filter(model_label="projects.IndustryCluster", object_id=str(pk))
    deleted = record.get(action="-")
    assert deleted.changes["name"] == {"before": "重复集群", "after": None}
    assert deleted.reason == "重复录入"


def test_bulk_history_is_recorded_by_record_bulk(people, city):
    from simple_history.utils import bulk_create_with_history

    with acting(people["city_admin"], source="command"):
        made = bulk_create_with_history(
            [IndustryCluster(city=city, code=f"c{i}", name=f"集群{i}") for i in range(3)],
            IndustryCluster,
            default_user=people["city_admin"],
        )
        assert not AuditRecord.objects.filter(model_label="projects.IndustryCluster").exists()
        record_bulk(
            IndustryCluster.history.filter(id__in=[c.pk for c in made]).order_by("history_id")
        )
    records = AuditRecord.objects.filter(model_label="projects.IndustryCluster").order_by("seq")
    assert [r.object_repr for r in records] == ["集群0", "集群1", "集群2"]
    assert {r.actor_username for r in records} == {"city_admin"}
    assert [r.seq for r in records] == list(range(records[0].seq, records[0].seq + 3))


def test_the_demo_build_is_in_the_trail(db):
    call_command("load_demo", verbosity=0)
    projects = Project.objects.count()
    assert projects > 0
    assert (
        AuditRecord.objects.filter(model_label="projects.Project", action="+").count() == projects
    )
    call_command("audit_verify")


@pytest.mark.parametrize("field", ["password"])
def test_secrets_never_enter_the_trail(people, field):
    user = people["clerk_a"]
    from ballast.audit.services import _snapshot

    snapshot = _snapshot(type(user), user)
    assert snapshot[field] == "******"
