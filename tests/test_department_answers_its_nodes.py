"""A department officer sees the nodes of project node plans their department is
responsible for, across units, and records the outcome (办结 / 无需办理) — on a page, in the
API and from the late-node notice — and nothing else of the projects; the units and the
city keep seeing their node plans by their projects."""

import io
from datetime import date

import openpyxl
import pytest
from django.test import Client

from ballast.accounts.choices import Role
from ballast.accounts.models import Department
from ballast.coordination import notifications
from ballast.inbox.models import Notification
from ballast.projects import services as project_services
from ballast.projects.models import Node
from tests.api_helpers import token_client
from tests.conftest import make_user

AS_OF = date(2023, 3, 10)


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def housing(city):
    return Department.objects.create(
        city=city, name="扬州市住房和城乡建设局", short_name="市住建局"
    )


@pytest.fixture
def nodes(people, make_project, unit_b, department, housing, pinned_today):
    """Four nodes: 资规局's late one in unit A and its coming one in unit B, 住建局's late
    one in unit A, and one of no department in unit A."""
    pinned_today(AS_OF)
    in_a = make_project(name="仪征港口项目")
    in_b = make_project(unit_b, name="高邮湖滨项目")

    def node(project, user, **data):
        return project_services.node_save(user=user, project=project, data=data)

    return {
        "land_a": node(
            in_a,
            people["clerk_a"],
            kind="land_supply",
            deadline=date(2023, 3, 1),
            department=department,
            person="王科长",
        ),
        "land_b": node(
            in_b,
            people["clerk_b"],
            kind="planning_permit",
            deadline=date(2023, 4, 30),
            department=department,
        ),
        "permit_a": node(
            in_a,
            people["clerk_a"],
            kind="construction_permit",
            deadline=date(2023, 3, 5),
            department=housing,
        ),
        "other_a": node(in_a, people["clerk_a"], kind="filing", deadline=date(2023, 2, 1)),
    }


def _table(response) -> str:
    html = response.content.decode()
    return html[html.index("<table") : html.index("</table>")]


def _listed(response) -> list[str]:
    assert response.status_code == 200, response.content.decode()[:500]
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    # the title row may come first: find the header row by its first column
    start = next(i for i, row in enumerate(rows) if row and row[0] == "项目名称")
    header = list(rows[start])
    return [
        (row[header.index("项目名称")], row[header.index("节点")], row[header.index("办理结果")])
        for row in rows[start + 1 :]
        if row and row[0]
    ]


def test_the_department_lists_its_nodes_across_units_and_no_other(people, nodes):
    officer = _web(people["department"])
    page = officer.get("/projects/nodes/?as_of=2023-03-10")
    assert page.status_code == 200
    html = _table(page)
    assert "仪征港口项目" in html and "高邮湖滨项目" in html  # both units
    assert "土地供应" in html and "规划许可" in html
    assert "施工许可" not in html  # 住建局's node
    assert "备案" not in html  # no department's
    assert html.count("data-late-node") == 1  # 资规局's land supply, due 1 March
    # the project's name, not a link to a page the officer may not open
    assert f'href="/projects/{nodes["land_a"].project_id}/"' not in html
    assert officer.get(f"/projects/{nodes['land_a'].project_id}/").status_code == 404
    assert f'href="/projects/nodes/{nodes["land_a"].pk}/answer/"' in html

    listed = _listed(officer.get("/projects/nodes/?as_of=2023-03-10&export=xlsx"))
    assert sorted(listed) == [
        ("仪征港口项目", "土地供应/摘牌", "已逾期"),
        ("高邮湖滨项目", "规划许可", "未办结"),
    ]
    late = _listed(officer.get("/projects/nodes/?as_of=2023-03-10&state=late&export=xlsx"))
    assert late == [("仪征港口项目", "土地供应/摘牌", "已逾期")]


def test_units_and_the_city_see_their_node_plans(people, nodes):
    clerk = _listed(_web(people["clerk_a"]).get("/projects/nodes/?export=xlsx"))
    assert sorted(name for _, name, _ in clerk) == ["土地供应/摘牌", "备案/核准", "施工许可"]
    city = _listed(_web(people["city_admin"]).get("/projects/nodes/?export=xlsx"))
    assert len(city) == 4
    page = _table(_web(people["clerk_a"]).get("/projects/nodes/"))
    # a unit clerk edits a node on its project's form, not through the department's answer
    land = nodes["land_a"]
    assert f'href="/projects/{land.project_id}/nodes/{land.pk}/"' in page
    assert "/answer/" not in page
    # an enterprise contact follows only its own projects' approvals (none of these)
    assert _listed(_web(people["enterprise"]).get("/projects/nodes/?export=xlsx")) == []
    # the menu lists the page for whoever may open it
    home = _web(people["department"]).get("/", follow=True).content.decode()
    assert 'href="/projects/nodes/"' in home


def test_the_department_records_the_outcome_and_history_keeps_who(people, nodes):
    officer = _web(people["department"])
    land = nodes["land_a"]
    url = f"/projects/nodes/{land.pk}/answer/"
    form = officer.get(url)
    assert form.status_code == 200 and "土地供应" in form.content.decode()

    # done needs its date, and a date not yet come is refused: nothing is written
    missing = officer.post(url, {"outcome": "done", "completed_on": "", "version": land.version})
    assert missing.status_code == 200
    assert "已办结的节点须填写办结日期" in missing.content.decode()
    future = officer.post(
        url, {"outcome": "done", "completed_on": "2023-03-20", "version": land.version}
    )
    assert future.status_code == 200 and "field-error" in future.content.decode()
    land.refresh_from_db()
    assert (land.outcome, land.completed_on) == ("pending", None)

    done = officer.post(
        url,
        {
            "outcome": "done",
            "completed_on": "2023-03-08",
            "note": "已摘牌",
            "version": land.version,
        },
    )
    assert done.status_code == 302, done.content.decode()[:800]
    land.refresh_from_db()
    assert (land.outcome, land.completed_on, land.note) == ("done", date(2023, 3, 8), "已摘牌")
    last = land.history.order_by("-history_date").first()
    assert last.history_user == people["department"]
    # the form the officer had open is now stale: refused with who saved, nothing lost
    stale = officer.post(url, {"outcome": "not_needed", "version": land.version - 1})
    assert stale.status_code == 200
    land.refresh_from_db()
    assert land.outcome == "done"
    page = _table(officer.get("/projects/nodes/?as_of=2023-03-10"))
    assert page.count("data-late-node") == 0


def test_another_departments_node_does_not_exist_for_them(people, nodes):
    officer = _web(people["department"])
    permit = nodes["permit_a"]
    assert officer.get(f"/projects/nodes/{permit.pk}/answer/").status_code == 404
    posted = officer.post(
        f"/projects/nodes/{permit.pk}/answer/",
        {"outcome": "done", "completed_on": "2023-03-08", "version": permit.version},
    )
    assert posted.status_code == 404
    permit.refresh_from_db()
    assert permit.outcome == "pending"
    # nor may a unit clerk answer in the department's stead (they edit the node instead)
    clerk = _web(people["clerk_a"])
    assert clerk.get(f"/projects/nodes/{nodes['land_a'].pk}/answer/").status_code == 403


def test_the_api_gives_the_department_its_nodes_and_the_answer(people, nodes):
    officer = token_client(people["department"])
    listed = officer.get("/api/v1/nodes/")
    assert listed.status_code == 200
    assert sorted(row["id"] for row in listed.json()["results"]) == sorted(
        [nodes["land_a"].pk, nodes["land_b"].pk]
    )
    land = nodes["land_b"]
    url = f"/api/v1/nodes/{land.pk}/answer/"
    body = {"outcome": "not_needed", "note": "已并入规划条件"}
    assert officer.post(url, body, format="json").status_code == 428
    answered = officer.post(url, body, format="json", HTTP_IF_MATCH=f'"{land.version}"')
    assert answered.status_code == 200, answered.content.decode()
    assert answered.json()["outcome"] == "not_needed"
    assert answered["ETag"] == f'"{land.version + 1}"'
    bad = officer.post(
        url, {"outcome": "done"}, format="json", HTTP_IF_MATCH=f'"{land.version + 1}"'
    )
    assert bad.status_code == 400
    assert "已办结的节点须填写办结日期" in bad.content.decode()
    # the department changes nothing else of the node, nor another department's node
    patched = officer.patch(
        f"/api/v1/nodes/{land.pk}/",
        {"deadline": "2023-12-31"},
        format="json",
        HTTP_IF_MATCH=f'"{land.version + 1}"',
    )
    assert patched.status_code == 403
    other = officer.post(
        f"/api/v1/nodes/{nodes['permit_a'].pk}/answer/",
        body,
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert other.status_code == 404
    assert Node.objects.get(pk=land.pk).deadline == date(2023, 4, 30)


def test_the_late_node_notice_leads_the_officer_to_the_answer(people, nodes, department):
    make_user("dept_li", Role.DEPARTMENT, people["city_admin"].region, department=department)
    assert notifications.node_notices(as_of=AS_OF) >= 2
    late = Notification.objects.filter(
        event="node_overdue", object_ref=f"projects.node:{nodes['land_a'].pk}"
    )
    links = dict(late.values_list("recipient__username", "link"))
    answer = f"/projects/nodes/{nodes['land_a'].pk}/answer/"
    assert links == {"dept": answer, "dept_li": answer}
    assert _web(people["department"]).get(answer).status_code == 200
