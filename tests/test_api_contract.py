"""The API contract: for a sample of requests to every endpoint — reads, creates, changes,
the report flow, and their refusals — the answers (status, content type, body) validate
against the published OpenAPI schema (drf-spectacular's), checked by Schemathesis."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from ballast.accounts.services import token_create
from ballast.coordination.models import Issue
from ballast.imports.models import ImportJob
from ballast.projects.models import Project
from ballast.reports.models import MonthlyReport
from tests.api_schema import CHECKS, in_process, is_problem, load_schema


@pytest.fixture
def world(people, make_project, d, pinned_today):
    pinned_today(d(2023, 4, 2))
    from ballast.bulletins.services import bulletin_publish

    project = make_project(stages={"signed": d(2023, 1, 3), "started": d(2023, 1, 5)})
    bulletin = bulletin_publish(
        user=people["city_admin"], city=project.unit.parent, period="2023Q1"
    )
    result = _published_result(project.unit.parent, d)
    return {"project": project, "bulletin": bulletin, "result": result}


def _published_result(city, d):
    from django.utils import timezone

    from ballast.assessments.models import PublishedResult
    from ballast.assessments.services import ensure_default_schemes

    scheme = ensure_default_schemes(city)[0]
    return PublishedResult.objects.create(
        scheme=scheme,
        period="2023Q1",
        as_of=d(2023, 3, 31),
        published_at=timezone.now(),
        results=[{"unit": "321081", "score": 91.5, "rank": 1}],
    )


def people_token(user):
    return token_create(user=user, name="契约")[1]


def _call(
    schema, token, method, path, *, path_parameters=None, query=None, body=None, headers=None
):
    operation = schema.find_operation_by_path(method, path)
    assert operation is not None, f"{method} {path} is not in the schema"
    extra = {"body": body, "media_type": "application/json"} if body is not None else {}
    case = schema.make_case(
        operation=operation,
        path_parameters=path_parameters,
        query=query,
        headers={"Authorization": f"Bearer {token}", **(headers or {})},
        **extra,
    )
    response = case.call()
    case.validate_response(response, checks=CHECKS)
    assert is_problem(response), response.text
    return response


@pytest.mark.django_db
def test_every_endpoint_answers_as_its_schema_says(world, people, settings):
    # The samples, not the rate limit, are under test here (tests/test_api_tokens.py
    # prove the limit): one token sends more than 120 requests within the minute.
    settings.BALLAST_API_RATE = "100000/min"
    schema = load_schema()
    _t, clerk = token_create(user=people["clerk_a"], name="契约")
    _t, city = token_create(user=people["city_reviewer"], name="契约")
    _t, outsider = token_create(user=people["clerk_b"], name="契约")
    project = world["project"]
    seen = set()

    def call(token, method, path, **kw):
        seen.add((method, path))
        return _call(schema, token, method, path, **kw)

    with in_process():
        call(clerk, "GET", "/api/v1/regions/")
        region = call(clerk, "GET", "/api/v1/regions/").json()["results"][0]["id"]
        call(clerk, "GET", "/api/v1/regions/{id}/", path_parameters={"id": region})
        call(clerk, "GET", "/api/v1/projects/", query={"as_of": "2023-03-31", "stage": "started"})
        call(clerk, "GET", "/api/v1/projects/", query={"as_of": "not-a-date"})
        call(clerk, "GET", "/api/v1/projects/{id}/", path_parameters={"id": project.pk})
        call(clerk, "GET", "/api/v1/projects/{id}/history/", path_parameters={"id": project.pk})
        call(outsider, "GET", "/api/v1/projects/{id}/history/", path_parameters={"id": project.pk})
        call(clerk, "GET", "/api/v1/regions/", query={"within": "321000", "depth": 2})
        call(outsider, "GET", "/api/v1/projects/{id}/", path_parameters={"id": project.pk})
        created = call(
            clerk,
            "POST",
            "/api/v1/projects/",
            body={"name": "契约项目", "unit": project.unit_id, "total_investment": "20000.00",
                  "category": "industrial"},
        )  # fmt: skip
        assert created.status_code == 201, created.text
        new = created.json()["id"]
        call(clerk, "POST", "/api/v1/projects/", body={"name": ""})
        call(clerk, "PATCH", "/api/v1/projects/{id}/", path_parameters={"id": new},
             body={"investor": "某公司"}, headers={"If-Match": '"1"'})  # fmt: skip
        call(clerk, "PATCH", "/api/v1/projects/{id}/", path_parameters={"id": new},
             body={"investor": "某公司"}, headers={"If-Match": '"1"'})  # fmt: skip
        call(clerk, "PUT", "/api/v1/projects/{id}/", path_parameters={"id": new},
             body={"name": "契约项目"})  # fmt: skip
        nid = {"id": new}
        call(clerk, "POST", "/api/v1/projects/{id}/suspend/", path_parameters=nid,
             body={"kind": "stopped", "reason": "funding", "on": "2023-03-01"})  # fmt: skip
        tag = {"If-Match": f'"{Project.objects.get(pk=new).version}"'}
        call(clerk, "POST", "/api/v1/projects/{id}/suspend/", path_parameters=nid,
             body={"kind": "stopped", "reason": "funding", "on": "2023-03-01"},
             headers=tag)  # fmt: skip
        call(clerk, "POST", "/api/v1/projects/{id}/resume/", path_parameters=nid,
             body={"on": "2023-03-20"}, headers=tag)  # fmt: skip
        call(clerk, "POST", "/api/v1/projects/{id}/resume/", path_parameters=nid,
             body={"on": "2023-03-21"}, headers=tag)  # fmt: skip
        call(clerk, "POST", "/api/v1/projects/{id}/terminate/", path_parameters=nid,
             body={"on": "2023-03-25", "reason": "funding"}, headers=tag)  # fmt: skip
        call(clerk, "GET", "/api/v1/stage-events/", query={"project": project.pk})
        event = call(clerk, "POST", "/api/v1/stage-events/",
                     body={"project": new, "stage": "signed", "date": "2023-02-01"}).json()  # fmt: skip
        call(clerk, "GET", "/api/v1/stage-events/{id}/", path_parameters={"id": event["id"]})
        call(clerk, "PATCH", "/api/v1/stage-events/{id}/", path_parameters={"id": event["id"]},
             body={"date": "2023-02-02", "reason": "合同日期更正"}, headers={"If-Match": '"1"'})  # fmt: skip
        call(clerk, "PUT", "/api/v1/stage-events/{id}/", path_parameters={"id": event["id"]},
             body={"date": "2023-02-03", "reason": "再次更正"}, headers={"If-Match": '"2"'})  # fmt: skip
        node = call(clerk, "POST", "/api/v1/nodes/",
                    body={"project": new, "kind": "filing", "deadline": "2023-06-01"}).json()  # fmt: skip
        call(clerk, "GET", "/api/v1/nodes/", query={"project": new})
        call(clerk, "GET", "/api/v1/nodes/{id}/", path_parameters={"id": node["id"]})
        call(clerk, "PUT", "/api/v1/nodes/{id}/", path_parameters={"id": node["id"]},
             body={"kind": "filing", "deadline": "2023-07-01"}, headers={"If-Match": '"1"'})  # fmt: skip
        call(clerk, "PATCH", "/api/v1/nodes/{id}/", path_parameters={"id": node["id"]},
             body={"person": "张三"}, headers={"If-Match": '"2"'})  # fmt: skip
        plan = call(clerk, "POST", "/api/v1/annual-plans/",
                    body={"project": new, "year": 2023, "planned_investment": "5000.00"}).json()  # fmt: skip
        call(clerk, "GET", "/api/v1/annual-plans/", query={"year": 2023})
        call(clerk, "GET", "/api/v1/annual-plans/{id}/", path_parameters={"id": plan["id"]})
        call(clerk, "PATCH", "/api/v1/annual-plans/{id}/", path_parameters={"id": plan["id"]},
             body={"planned_investment": "6000.00"}, headers={"If-Match": '"1"'})  # fmt: skip
        call(clerk, "PUT", "/api/v1/annual-plans/{id}/", path_parameters={"id": plan["id"]},
             body={"planned_investment": "6500.00"}, headers={"If-Match": '"2"'})  # fmt: skip
        report = call(clerk, "POST", "/api/v1/reports/",
                      body={"project": project.pk, "month": "2023-03-01",
                            "investment": "800.00"}).json()  # fmt: skip
        rid = {"id": report["id"]}
        call(clerk, "GET", "/api/v1/reports/", query={"status": "draft"})
        call(clerk, "GET", "/api/v1/reports/{id}/", path_parameters=rid)
        call(clerk, "PATCH", "/api/v1/reports/{id}/", path_parameters=rid,
             body={"progress": "封顶"}, headers={"If-Match": '"1"'})  # fmt: skip
        call(clerk, "PUT", "/api/v1/reports/{id}/", path_parameters=rid,
             body={"investment": "800.00", "progress": "封顶"}, headers={"If-Match": '"9"'})  # fmt: skip
        call(clerk, "POST", "/api/v1/reports/{id}/submit/", path_parameters=rid,
             headers={"If-Match": '"2"'})  # fmt: skip
        call(clerk, "POST", "/api/v1/reports/{id}/approve/", path_parameters=rid,
             headers={"If-Match": '"3"'})  # fmt: skip
        _t, reviewer = token_create(user=people["reviewer_a"], name="契约")
        call(reviewer, "POST", "/api/v1/reports/{id}/approve/", path_parameters=rid,
             headers={"If-Match": '"3"'})  # fmt: skip
        call(city, "POST", "/api/v1/reports/{id}/return/", path_parameters=rid,
             body={"reason": "数据有误"}, headers={"If-Match": '"4"'})  # fmt: skip
        call(city, "POST", "/api/v1/reports/{id}/accept/", path_parameters=rid,
             headers={"If-Match": '"4"'})  # fmt: skip
        call(city, "POST", "/api/v1/reports/{id}/amend/", path_parameters=rid,
             body={"investment": "900.00", "reason": "更正"}, headers={"If-Match": '"5"'})  # fmt: skip
        call(clerk, "GET", "/api/v1/figures/", query={"unit": "321081", "as_of": "2023-03-31"})
        call(city, "GET", "/api/v1/figures/", query={"unit": "321000", "year": 2023})
        call(clerk, "GET", "/api/v1/figures/", query={"unit": "321084"})
        call(city, "GET", "/api/v1/figures/compare/", query={"as_of": "2023-03-31"})
        call(clerk, "GET", "/api/v1/figures/compare/", query={"region": "321000"})
        call(city, "GET", "/api/v1/figures/integrity/", query={"region": "321000", "year": 2023})
        call(clerk, "GET", "/api/v1/figures/integrity/", query={"region": "321081"})
        call(clerk, "GET", "/api/v1/figures/integrity/", query={"region": "321000"})
        call(city, "GET", "/api/v1/figures/overruns/", query={"as_of": "2023-03-31"})
        call(clerk, "GET", "/api/v1/figures/overruns/", query={"unit": "321081", "bucket": "60+"})
        call(clerk, "GET", "/api/v1/figures/overruns/", query={"unit": "321084"})
        call(clerk, "GET", "/api/v1/figures/overruns/", query={"bucket": "7-8"})
        call(city, "GET", "/api/v1/mujun/", query={"year": 2023})
        call(clerk, "GET", "/api/v1/mujun/", query={"scheme": "mujun-five", "unit": "321081"})
        call(clerk, "GET", "/api/v1/mujun/", query={"scheme": "none"})
        call(people_token(people["enterprise"]), "GET", "/api/v1/mujun/")
        # integrity: the city's thresholds, the on-site check lists and their results
        _t, chief = token_create(user=people["city_admin"], name="契约抽查")
        MonthlyReport.objects.create(
            project=project, month=date(2023, 2, 1), investment=Decimal(900), status="accepted"
        )
        call(clerk, "GET", "/api/v1/integrity/thresholds/")
        call(chief, "PUT", "/api/v1/integrity/thresholds/",
             body={"values": {"spike_ratio": "3.0000"}, "reason": "会议决定"})  # fmt: skip
        call(chief, "PUT", "/api/v1/integrity/thresholds/",
             body={"values": {"nonsense": "1"}, "reason": "错"})  # fmt: skip
        call(city, "PUT", "/api/v1/integrity/thresholds/",
             body={"values": {"spike_ratio": "3"}, "reason": "越权"})  # fmt: skip
        drawn = call(chief, "POST", "/api/v1/site-check-draws/",
                     body={"month": "2023-02-01", "size": 1, "seed": "契约",
                           "as_of": "2023-04-02"})  # fmt: skip
        assert drawn.status_code == 201, drawn.text
        call(chief, "POST", "/api/v1/site-check-draws/",
             body={"month": "2023-02-01", "size": 1, "seed": "契约", "as_of": "2023-04-02"})  # fmt: skip
        call(clerk, "GET", "/api/v1/site-check-draws/")
        call(city, "GET", "/api/v1/site-check-draws/")
        call(
            city,
            "GET",
            "/api/v1/site-check-draws/{id}/",
            path_parameters={"id": drawn.json()["id"]},
        )
        sid = {"id": drawn.json()["checks"][0]["id"]}
        call(city, "GET", "/api/v1/site-checks/")
        call(city, "GET", "/api/v1/site-checks/{id}/", path_parameters=sid)
        call(clerk, "POST", "/api/v1/site-checks/{id}/record/", path_parameters=sid,
             body={"found_investment": "850.00", "notes": "现场核实", "checked_on": "2023-04-02"},
             headers={"If-Match": '"1"'})  # fmt: skip
        recorded = call(city, "POST", "/api/v1/site-checks/{id}/record/", path_parameters=sid,
             body={"found_investment": "850.00", "notes": "现场核实", "checked_on": "2023-04-02"},
             headers={"If-Match": '"1"'})  # fmt: skip
        assert recorded.status_code == 200, recorded.text
        assert recorded.json()["status"] == "inflated" and recorded.json()["amended"] is True
        operation = schema.find_operation_by_path("POST", "/api/v1/integrity/bureau/")
        seen.add(("POST", "/api/v1/integrity/bureau/"))
        rows = "项目名称,入库日期,累计完成投资（万元）\n测试项目1,2023-01-10,1800\n"
        for token, text in (
            (chief, "项目名称,入库日期\n甲,不是日期\n"),
            (city, rows),
            (chief, rows),
        ):
            case = schema.make_case(
                operation=operation,
                body={"file": text.encode(), "received_on": "2023-03-31"},
                media_type="multipart/form-data",
                headers={"Authorization": f"Bearer {token}"},
            )
            response = case.call()
            case.validate_response(response, checks=CHECKS)
            assert is_problem(response), response.text
        assert response.status_code == 201, response.text
        # 导入招商线索: a bad row (400, every problem by row), the clerk's good file (201)
        from ballast.attraction.models import Channel

        Channel.objects.get_or_create(
            city=project.unit.parent, code="biz", defaults={"name": "以商招商"}
        )
        operation = schema.find_operation_by_path("POST", "/api/v1/imports/leads/")
        seen.add(("POST", "/api/v1/imports/leads/"))
        good = [project.unit.name, "契约导入项目", "契约导入公司", "2亿元", None, None, "以商招商"]
        _t, importer = token_create(user=people["clerk_a"], name="契约导入线索")
        for token, row in (
            (importer, [*good[:3], "很多", None, None, "无此渠道"]),
            (importer, good),
        ):
            book = openpyxl.Workbook()
            book.active.append(["板块", "意向项目", "投资方", "意向投资额（万元）", "其中外资（万美元）",
                                "产业集群", "招商渠道", "获得信息日期"])  # fmt: skip
            book.active.append([*row, "2023-02-01"])
            out = io.BytesIO()
            book.save(out)
            case = schema.make_case(
                operation=operation,
                body={"file": out.getvalue()},
                media_type="multipart/form-data",
                headers={"Authorization": f"Bearer {token}"},
            )
            response = case.call()
            case.validate_response(response, checks=CHECKS)
        assert response.status_code == 201 and response.json()["created"] == 1, response.text
        bureau = call(city, "GET", "/api/v1/integrity/bureau/")
        # Ballast: 900 accepted in February, amended to 850 by the check above; no 列统 date
        found = [(d["kind"], d["ballast_amount"]) for d in bureau.json()["differences"]]
        assert found == [("amount", "850.00"), ("date", "850.00")], bureau.text
        call(clerk, "GET", "/api/v1/integrity/bureau/")
        call(city, "GET", "/api/v1/integrity/bureau/", query={"list": 999})
        call(clerk, "GET", "/api/v1/exports/ledger/", query={"year": 2023, "format": "csv"})
        call(city, "GET", "/api/v1/exports/ledger/", query={"unit": project.unit_id})
        call(city, "GET", "/api/v1/exports/reports/", query={"year": 2023})
        call(clerk, "GET", "/api/v1/exports/reports/", query={"format": "pdf"})
        call(clerk, "GET", "/api/v1/warnings/", query={"as_of": "2023-03-31"})
        call(clerk, "GET", "/api/v1/warnings/export/", query={"level": "red", "format": "csv"})
        call(clerk, "GET", "/api/v1/warnings/export/", query={"level": "blue"})
        bid = {"id": world["bulletin"].pk}
        call(clerk, "GET", "/api/v1/bulletins/", query={"period": "2023Q1"})
        call(clerk, "GET", "/api/v1/bulletins/{id}/", path_parameters=bid)
        call(clerk, "GET", "/api/v1/bulletins/{id}/download/{fmt}/",
             path_parameters={**bid, "fmt": "xlsx"})  # fmt: skip
        call(people_token(people["enterprise"]), "GET", "/api/v1/bulletins/")
        call(clerk, "GET", "/api/v1/assessment-results/", query={"period": "2023Q1"})
        call(clerk, "GET", "/api/v1/assessment-results/{id}/",
             path_parameters={"id": world["result"].pk})  # fmt: skip
        scheme = world["result"].scheme
        call(clerk, "GET", "/api/v1/assessment-schemes/", query={"city": "321000"})
        call(clerk, "GET", "/api/v1/assessment-schemes/{id}/", path_parameters={"id": scheme.pk})
        call(city, "GET", "/api/v1/assessment-schemes/{id}/ranking/",
             path_parameters={"id": scheme.pk}, query={"period": "2023Q1"})  # fmt: skip
        call(city, "GET", "/api/v1/assessment-schemes/{id}/ranking/",
             path_parameters={"id": scheme.pk}, query={"period": "2023"})  # fmt: skip
        tour_score = scheme.indicators.get(key="tour.score").pk
        _t, city_admin = token_create(user=people["city_admin"], name="契约")
        score = call(city_admin, "POST", "/api/v1/manual-scores/",
                     body={"indicator": tour_score, "period": "2023Q2", "unit": project.unit_id,
                           "judge": "张", "score": "80"}).json()  # fmt: skip
        call(clerk, "POST", "/api/v1/manual-scores/", body={"indicator": tour_score})
        call(clerk, "GET", "/api/v1/manual-scores/", query={"period": "2023Q2"})
        call(clerk, "GET", "/api/v1/manual-scores/{id}/", path_parameters={"id": score["id"]})
        call(city_admin, "PATCH", "/api/v1/manual-scores/{id}/",
             path_parameters={"id": score["id"]}, body={"score": "85"},
             headers={"If-Match": '"1"'})  # fmt: skip
        call(city_admin, "PUT", "/api/v1/manual-scores/{id}/",
             path_parameters={"id": score["id"]}, body={"score": "86", "judge": "张"},
             headers={"If-Match": '"1"'})  # fmt: skip
        _t, officer = token_create(user=people["department"], name="契约")
        _t, city_leader = token_create(user=people["city_leader"], name="契约")
        department = people["department"].department_id
        # the responsible department answers its node (办结 / 无需办理)
        dept_node = call(clerk, "POST", "/api/v1/nodes/",
                         body={"project": project.pk, "kind": "land_supply",
                               "deadline": "2023-03-01", "department": department}).json()  # fmt: skip
        call(officer, "GET", "/api/v1/nodes/")
        call(officer, "POST", "/api/v1/nodes/{id}/answer/", path_parameters={"id": dept_node["id"]},
             body={"outcome": "done"}, headers={"If-Match": '"1"'})  # fmt: skip
        call(officer, "POST", "/api/v1/nodes/{id}/answer/", path_parameters={"id": dept_node["id"]},
             body={"outcome": "done", "completed_on": "2023-02-28", "note": "已摘牌"},
             headers={"If-Match": '"1"'})  # fmt: skip
        call(clerk, "POST", "/api/v1/nodes/{id}/answer/", path_parameters={"id": dept_node["id"]},
             body={"outcome": "not_needed"}, headers={"If-Match": '"2"'})  # fmt: skip
        issue = call(clerk, "POST", "/api/v1/issues/",
                     body={"project": project.pk, "category": "land", "description": "用地指标",
                           "department": department, "deadline": "2023-05-31",
                           "steps": [{"planned_on": "2023-04-20", "description": "报省厅"}]})  # fmt: skip
        assert issue.status_code == 201, issue.text
        iid = {"id": issue.json()["id"]}
        call(clerk, "POST", "/api/v1/issues/", body={"project": project.pk})
        call(clerk, "GET", "/api/v1/issues/", query={"state": "open", "unit": "321081"})
        call(clerk, "GET", "/api/v1/issues/", query={"as_of": "not-a-date"})
        call(officer, "GET", "/api/v1/issues/{id}/", path_parameters=iid)
        call(outsider, "GET", "/api/v1/issues/{id}/", path_parameters=iid)

        def at(token):  # the issue's ETag as If-Match (every change of an issue needs it)
            got = call(token, "GET", "/api/v1/issues/{id}/", path_parameters=iid)
            assert got.status_code == 200, got.text
            headers = {k.lower(): v for k, v in got.headers.items()}
            tag = headers["etag"]
            return {"If-Match": tag[0] if isinstance(tag, list) else tag}

        _t, admin = token_create(user=people["city_admin"], name="契约")
        call(admin, "PATCH", "/api/v1/issues/{id}/", path_parameters=iid,
             body={"deadline": "2023-06-15"}, headers=at(admin))  # fmt: skip
        call(admin, "PATCH", "/api/v1/issues/{id}/", path_parameters=iid,
             body={"deadline": "2023-06-20"})  # fmt: skip
        call(admin, "PUT", "/api/v1/issues/{id}/", path_parameters=iid,
             body={"category": "land"}, headers={"If-Match": '"1"'})  # fmt: skip
        call(officer, "POST", "/api/v1/issues/{id}/acknowledge/", path_parameters=iid,
             headers=at(officer))  # fmt: skip
        call(officer, "POST", "/api/v1/issues/{id}/start/", path_parameters=iid,
             headers=at(officer))  # fmt: skip
        call(officer, "POST", "/api/v1/issues/{id}/steps/", path_parameters=iid,
             body={"planned_on": "2023-04-25", "description": "现场踏勘", "owner": "王科长"},
             headers=at(officer))  # fmt: skip
        step = Issue.objects.get(pk=iid["id"]).steps.order_by("pk").first().pk
        call(officer, "POST", "/api/v1/issues/{id}/steps/{step_pk}/done/",
             path_parameters={**iid, "step_pk": step}, body={"outcome": "已报"},
             headers=at(officer))  # fmt: skip
        call(officer, "POST", "/api/v1/issues/{id}/steps/{step_pk}/done/",
             path_parameters={**iid, "step_pk": step}, body={})  # fmt: skip
        call(officer, "POST", "/api/v1/issues/{id}/resolve/", path_parameters=iid, body={},
             headers=at(officer))  # fmt: skip
        call(officer, "POST", "/api/v1/issues/{id}/resolve/", path_parameters=iid,
             body={"resolution": "指标已下达"}, headers=at(officer))  # fmt: skip
        call(officer, "POST", "/api/v1/issues/{id}/close/", path_parameters=iid, body={},
             headers=at(officer))  # fmt: skip
        call(clerk, "POST", "/api/v1/issues/{id}/close/", path_parameters=iid, body={},
             headers=at(clerk))  # fmt: skip
        call(clerk, "POST", "/api/v1/issues/{id}/reopen/", path_parameters=iid,
             body={"reason": "指标被收回"}, headers=at(clerk))  # fmt: skip
        visit = call(city_leader, "POST", "/api/v1/visits/",
                     body={"project": project.pk, "date": "2023-03-02", "kind": "visit",
                           "findings": "用工紧张"})  # fmt: skip
        assert visit.status_code == 201, visit.text
        call(clerk, "POST", "/api/v1/visits/", body={"project": project.pk, "kind": "party"})
        call(clerk, "GET", "/api/v1/visits/", query={"unit": "321081", "start": "2023-01-01"})
        call(clerk, "GET", "/api/v1/visits/{id}/", path_parameters={"id": visit.json()["id"]})
        call(clerk, "GET", "/api/v1/visits/coverage/", query={"start": "2023-01-01"})
        call(city, "GET", "/api/v1/visits/coverage/", query={"end": "not-a-date"})
        call(outsider, "GET", "/api/v1/visits/{id}/", path_parameters={"id": visit.json()["id"]})
        from ballast.coordination.services import tour_create

        tour = tour_create(
            user=people["city_admin"], city=project.unit.parent, name="观摩", on=date(2023, 3, 20),
            period="2023Q1", criteria=[("形象进度", 50)], judges=[people["city_reviewer"]],
            projects=[project],
        )  # fmt: skip
        tid = {"id": tour.pk}
        call(clerk, "GET", "/api/v1/tours/")
        call(clerk, "GET", "/api/v1/tours/{id}/", path_parameters=tid)
        call(city, "POST", "/api/v1/tours/{id}/scores/", path_parameters=tid,
             body={"tour_project": tour.tour_projects.get().pk,
                   "criterion": tour.criteria.get().pk, "points": "45.50"})  # fmt: skip
        call(city, "POST", "/api/v1/tours/{id}/scores/", path_parameters=tid, body={"points": 1})
        call(clerk, "POST", "/api/v1/tours/{id}/scores/", path_parameters=tid,
             body={"tour_project": 1, "criterion": 1, "points": 1})  # fmt: skip
        call(clerk, "POST", "/api/v1/tours/{id}/close/", path_parameters=tid, body={})
        call(admin, "POST", "/api/v1/tours/{id}/close/", path_parameters=tid,
             body={"on": "1990-01-01"})  # fmt: skip
        closed = call(admin, "POST", "/api/v1/tours/{id}/close/", path_parameters=tid, body={})
        assert closed.status_code == 200, closed.text
        from tests.test_api_imports import LEDGER, workbook

        operation = schema.find_operation_by_path("POST", "/api/v1/imports/")
        seen.add(("POST", "/api/v1/imports/"))
        for book in (workbook(LEDGER), b"not a workbook"):
            case = schema.make_case(
                operation=operation,
                body={"kind": "ledger", "file": book},
                media_type="multipart/form-data",
                headers={"Authorization": f"Bearer {clerk}"},
            )
            response = case.call()
            case.validate_response(response, checks=CHECKS)
            assert is_problem(response), response.text
        job = {"id": ImportJob.objects.get().pk}
        call(clerk, "GET", "/api/v1/imports/")
        call(clerk, "GET", "/api/v1/imports/{id}/", path_parameters=job)
        call(city, "GET", "/api/v1/imports/{id}/", path_parameters=job)
        call(clerk, "GET", "/api/v1/imports/{id}/preview/", path_parameters=job,
             query={"show": "all"})  # fmt: skip
        call(clerk, "GET", "/api/v1/imports/{id}/preview/", path_parameters=job,
             query={"show": "lost"})  # fmt: skip
        call(clerk, "POST", "/api/v1/imports/{id}/apply/", path_parameters=job,
             headers={"Idempotency-Key": "ledger-1"})  # fmt: skip
        call(clerk, "POST", "/api/v1/imports/{id}/apply/", path_parameters=job)
        call(clerk, "GET", "/api/v1/imports/{id}/progress/", path_parameters=job)
        _attraction_samples(call, people, project, clerk, outsider)
        _target_and_confidence_samples(schema, seen, call, people, project, clerk, outsider)
        _inbox_and_attachment_samples(schema, seen, call, people, project, clerk, outsider)
        call(clerk, "GET", "/api/v1/imports/{id}/errors/", path_parameters=job)
        call(clerk, "GET", "/api/v1/imports/templates/{kind}/", path_parameters={"kind": "reports"},
             query={"wide": "1"})  # fmt: skip
        call(clerk, "GET", "/api/v1/imports/templates/{kind}/", path_parameters={"kind": "mujun"})
    every = {
        (method.upper(), path)
        for path, operations in schema.raw_schema["paths"].items()
        for method in operations
    }
    assert every - seen == set(), "endpoints without a sample in the contract test"


def _target_and_confidence_samples(schema, seen, call, people, project, clerk, outsider):
    """Unit targets (the city sets one, reads, changes it with If-Match; a clerk is refused;
    a target import and its template) and confidence ratings (the clerk rates the unit's
    project, re-rates it; the other unit's clerk gets 404)."""
    from tests.test_unit_targets_pages import GOOD, book

    # fresh tokens: the rate limit counts per token, and the others have spent much of it
    admin = people_token(people["city_admin"])
    clerk = people_token(people["clerk_a"])
    outsider = people_token(people["clerk_b"])
    unit = project.unit_id
    target = call(admin, "POST", "/api/v1/unit-targets/",
                  body={"unit": unit, "period": "2023Q2", "indicator": "signed_count",
                        "value": "3"})  # fmt: skip
    assert target.status_code == 201, target.text
    tid = {"id": target.json()["id"]}
    call(clerk, "POST", "/api/v1/unit-targets/",
         body={"unit": unit, "period": "2023", "indicator": "signed_count", "value": "3"})  # fmt: skip
    call(admin, "POST", "/api/v1/unit-targets/",
         body={"unit": unit, "period": "2023M1", "indicator": "signed_count", "value": "3"})  # fmt: skip
    call(clerk, "GET", "/api/v1/unit-targets/", query={"year": 2023, "unit": "321081"})
    call(clerk, "GET", "/api/v1/unit-targets/{id}/", path_parameters=tid)
    call(admin, "PATCH", "/api/v1/unit-targets/{id}/", path_parameters=tid,
         body={"value": "4"}, headers={"If-Match": '"1"'})  # fmt: skip
    call(admin, "PUT", "/api/v1/unit-targets/{id}/", path_parameters=tid,
         body={"value": "5"}, headers={"If-Match": '"1"'})  # fmt: skip
    rating = call(clerk, "POST", "/api/v1/confidence-ratings/",
                  body={"project": project.pk, "month": "2023-03-01", "rating": "amber",
                        "narrative": "设备延迟"})  # fmt: skip
    assert rating.status_code == 201, rating.text
    rid = {"id": rating.json()["id"]}
    call(clerk, "POST", "/api/v1/confidence-ratings/",
         body={"project": project.pk, "month": "2023-04-01", "rating": "red"})  # fmt: skip
    call(clerk, "GET", "/api/v1/confidence-ratings/", query={"project": project.pk})
    call(clerk, "GET", "/api/v1/confidence-ratings/{id}/", path_parameters=rid)
    call(outsider, "GET", "/api/v1/confidence-ratings/{id}/", path_parameters=rid)
    call(clerk, "PATCH", "/api/v1/confidence-ratings/{id}/", path_parameters=rid,
         body={"rating": "green"}, headers={"If-Match": '"1"'})  # fmt: skip
    call(clerk, "PUT", "/api/v1/confidence-ratings/{id}/", path_parameters=rid,
         body={"rating": "red", "narrative": "停工"}, headers={"If-Match": '"2"'})  # fmt: skip
    operation = schema.find_operation_by_path("POST", "/api/v1/imports/")
    case = schema.make_case(
        operation=operation,
        body={"kind": "targets", "file": book(GOOD)},
        media_type="multipart/form-data",
        headers={"Authorization": f"Bearer {admin}"},
    )
    response = case.call()
    case.validate_response(response, checks=CHECKS)
    assert response.status_code == 201, response.text
    call(clerk, "GET", "/api/v1/imports/templates/{kind}/", path_parameters={"kind": "targets"})


def _inbox_and_attachment_samples(schema, seen, call, people, project, clerk, outsider):
    """Attachments (a photo on a stage event of the clerk's project: upload, list, detail,
    the file; refused to the other unit's clerk) and the inbox (a notification of the
    clerk's: list, detail, read, read all; another person's is a 404)."""
    from ballast.inbox.services import notify
    from ballast.projects.models import StageEvent
    from tests.conftest import tiny_jpeg

    event = StageEvent.objects.filter(project=project).first() or StageEvent.objects.create(
        project=project, stage="signed", date=date(2023, 1, 5)
    )
    operation = schema.find_operation_by_path("POST", "/api/v1/attachments/")
    seen.add(("POST", "/api/v1/attachments/"))
    for token, book in ((clerk, tiny_jpeg()), (clerk, b"not a photo"), (outsider, tiny_jpeg())):
        case = schema.make_case(
            operation=operation,
            body={"owner_type": "projects.stageevent", "owner_id": event.pk, "file": book},
            media_type="multipart/form-data",
            headers={"Authorization": f"Bearer {token}"},
        )
        response = case.call()
        case.validate_response(response, checks=CHECKS)
        if book[:2] != b"\xff\xd8" or token is outsider:
            assert is_problem(response), response.text
        else:
            assert response.status_code == 201, response.text
            attachment = {"id": response.json()["id"]}
    # an issue's document and a visit's photo through the same endpoint (issue 13, item 5)
    from ballast.coordination.models import Issue, Visit

    issue = Issue.objects.filter(project=project).first()
    visit = Visit.objects.filter(project=project).first()
    for owner_type, owner in (("coordination.issue", issue), ("coordination.visit", visit)):
        if owner is None:
            continue
        case = schema.make_case(
            operation=operation,
            body={"owner_type": owner_type, "owner_id": owner.pk, "file": tiny_jpeg()},
            media_type="multipart/form-data",
            headers={"Authorization": f"Bearer {clerk}"},
        )
        response = case.call()
        case.validate_response(response, checks=CHECKS)
        assert response.status_code == 201, (owner_type, response.text)
        call(clerk, "GET", "/api/v1/attachments/",
             query={"owner_type": owner_type, "owner_id": owner.pk})  # fmt: skip
    call(clerk, "GET", "/api/v1/attachments/", query={"project": project.pk})
    call(clerk, "GET", "/api/v1/attachments/{id}/", path_parameters=attachment)
    call(clerk, "GET", "/api/v1/attachments/{id}/content/", path_parameters=attachment)
    call(outsider, "GET", "/api/v1/attachments/{id}/content/", path_parameters=attachment)
    [notice] = notify(
        recipients=[people["clerk_a"]],
        kind="issue",
        subject="【问题交办】契约",
        dedupe_key="contract:1",
    )
    mine = {"id": notice.pk}
    call(clerk, "GET", "/api/v1/notifications/", query={"unread": "true"})
    call(clerk, "GET", "/api/v1/notifications/{id}/", path_parameters=mine)
    call(outsider, "GET", "/api/v1/notifications/{id}/", path_parameters=mine)
    call(clerk, "POST", "/api/v1/notifications/{id}/read/", path_parameters=mine)
    call(clerk, "POST", "/api/v1/notifications/read-all/")


def _attraction_samples(call, people, project, clerk, outsider):
    """招商引资: leads and their steps, contacts, channels, the chain map, the reserve
    pool and the campaigns — reads, writes and refusals."""
    from ballast.attraction.models import (
        Campaign,
        CampaignRound,
        ChainLink,
        Channel,
        ReserveTier,
        RoundTarget,
    )

    city_region = project.unit.parent
    admin = people_token(people["city_admin"])
    channel = Channel.objects.create(city=city_region, code="fund", name="基金招商")
    link = ChainLink.objects.create(cluster=project.cluster, segment="mid", name="组件")
    tier = ReserveTier.objects.create(city=city_region, code="plan", name="谋划", order=1)
    campaign = Campaign.objects.create(city=city_region, name="百日攻坚")
    rnd = CampaignRound.objects.create(
        campaign=campaign, number=1, start=date(2023, 1, 1), end=date(2023, 3, 31)
    )
    RoundTarget.objects.create(round=rnd, unit=project.unit, signed_count=1)
    body = {
        "unit": project.unit_id, "investor": "契约投资有限公司", "project_name": "契约线索",
        "amount": "30000.00", "channel": channel.pk, "info_on": "2023-01-10",
    }  # fmt: skip
    made = call(clerk, "POST", "/api/v1/leads/", body=body)
    assert made.status_code == 201, made.text
    lid = {"id": made.json()["id"]}
    call(clerk, "POST", "/api/v1/leads/", body={"investor": ""})
    call(clerk, "GET", "/api/v1/leads/", query={"stage": "info", "unit": "321081"})
    call(clerk, "GET", "/api/v1/leads/{id}/", path_parameters=lid)
    call(outsider, "GET", "/api/v1/leads/{id}/", path_parameters=lid)
    call(clerk, "PATCH", "/api/v1/leads/{id}/", path_parameters=lid,
         body={"responsible_person": "王"}, headers={"If-Match": '"1"'})  # fmt: skip
    call(clerk, "PUT", "/api/v1/leads/{id}/", path_parameters=lid,
         body={**body, "link": link.pk, "cluster": project.cluster_id}, headers={"If-Match": '"2"'})  # fmt: skip
    contact = call(clerk, "POST", "/api/v1/lead-contacts/", body={
        "lead": lid["id"], "date": "2023-02-01", "ours": "李", "theirs": "张总", "content": "考察",
    })  # fmt: skip
    assert contact.status_code == 201, contact.text
    call(clerk, "POST", "/api/v1/lead-contacts/", body={"lead": lid["id"]})
    call(clerk, "GET", "/api/v1/lead-contacts/", query={"lead": lid["id"]})
    call(clerk, "GET", "/api/v1/lead-contacts/{id}/", path_parameters={"id": contact.json()["id"]})
    call(clerk, "POST", "/api/v1/leads/{id}/advance/", path_parameters=lid,
         body={"stage": "negotiating", "on": "2023-03-01"})  # fmt: skip
    call(clerk, "POST", "/api/v1/leads/{id}/advance/", path_parameters=lid, body={})
    call(admin, "GET", "/api/v1/leads/{id}/duplicates/", path_parameters=lid)
    call(clerk, "GET", "/api/v1/leads/{id}/duplicates/", path_parameters=lid)
    call(admin, "POST", "/api/v1/leads/{id}/resolve-duplicates/", path_parameters=lid,
         body={"others": [], "note": ""})  # fmt: skip
    call(admin, "POST", "/api/v1/leads/{id}/confidential/", path_parameters=lid,
         body={"confidential": True})  # fmt: skip
    call(clerk, "POST", "/api/v1/leads/{id}/confidential/", path_parameters=lid,
         body={"confidential": False})  # fmt: skip
    signed = call(clerk, "POST", "/api/v1/leads/{id}/sign/", path_parameters=lid,
                  body={"on": "2023-03-20", "category": "industrial"})  # fmt: skip
    assert signed.status_code == 201, signed.text
    call(clerk, "POST", "/api/v1/leads/{id}/sign/", path_parameters=lid, body={"on": "2023-03-21"})
    other = call(clerk, "POST", "/api/v1/leads/", body={**body, "project_name": "另一线索"})
    call(clerk, "POST", "/api/v1/leads/{id}/terminate/", path_parameters={"id": other.json()["id"]},
         body={"on": "2023-03-01", "reason": "elsewhere"})  # fmt: skip
    call(clerk, "GET", "/api/v1/channels/")
    call(clerk, "GET", "/api/v1/channels/{id}/", path_parameters={"id": channel.pk})
    call(clerk, "GET", "/api/v1/chain-links/", query={"cluster": project.cluster_id})
    call(clerk, "GET", "/api/v1/chain-links/{id}/", path_parameters={"id": link.pk})
    call(clerk, "GET", "/api/v1/reserve-tiers/")
    call(clerk, "GET", "/api/v1/reserve-tiers/{id}/", path_parameters={"id": tier.pk})
    placed = call(clerk, "POST", "/api/v1/reserve-entries/", body={
        "project": project.pk, "tier": tier.pk, "entered_on": "2023-01-02",
    })  # fmt: skip
    assert placed.status_code == 201, placed.text
    call(outsider, "POST", "/api/v1/reserve-entries/",
         body={"project": project.pk, "tier": tier.pk, "entered_on": "2023-01-02"})  # fmt: skip
    call(clerk, "GET", "/api/v1/reserve-entries/")
    call(clerk, "GET", "/api/v1/reserve-entries/{id}/", path_parameters={"id": placed.json()["id"]})
    call(clerk, "GET", "/api/v1/campaigns/")
    call(clerk, "GET", "/api/v1/campaigns/{id}/", path_parameters={"id": campaign.pk})
    call(clerk, "GET", "/api/v1/campaign-rounds/")
    call(clerk, "GET", "/api/v1/campaign-rounds/{id}/", path_parameters={"id": rnd.pk})
    call(clerk, "GET", "/api/v1/campaign-rounds/{id}/ranking/", path_parameters={"id": rnd.pk})
    # the round's bulletin (攻坚轮次通报): published by the city, refused to a unit
    round_bulletin = call(admin, "POST", "/api/v1/bulletins/publish-round/",
                          body={"round": rnd.pk, "as_of": "2023-04-01"})  # fmt: skip
    assert round_bulletin.status_code == 201, round_bulletin.text
    call(admin, "POST", "/api/v1/bulletins/publish-round/", body={"round": rnd.pk})
    call(clerk, "POST", "/api/v1/bulletins/publish-round/", body={"round": rnd.pk})
