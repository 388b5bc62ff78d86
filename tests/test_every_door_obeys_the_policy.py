"""The door battery (issue 10, "Done means"): every URL of the URLconf and every admin view
of every registered model, asked by every role — each ``Role`` value (roles added later
join by themselves), an outsider of another unit and an anonymous visitor — with GET and
with POST, answers what the policy decides.

The decision of a door is declared once, beside the policy (``ballast/accounts/doors.py``);
the expected answer is computed from ``policy.allowed_actions`` and ``policy.restrict``:
allowed → 200 or a redirect (not to the login page); denied → 403, 404, 405 or the login
page. A URL without a declared decision fails the battery.

One small city is built for the module (one object of every kind, in unit A — 仪征 — or
the city); each request runs in a savepoint that is rolled back, so a POST that writes
leaves the city as it was for the next door.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from ballast.accounts import doors, policy
from ballast.accounts.choices import CITY_ONLY_ROLES, PROVINCE_ONLY_ROLES, Role
from ballast.accounts.models import Department, LoginEvent, User
from ballast.accounts.restricted_admin import RestrictedAdmin
from tests.conftest import PARKS, make_user, tiny_jpeg

ANONYMOUS = "anonymous"
OUTSIDER = "outsider"
PERSONS = [*Role.values, OUTSIDER, ANONYMOUS]
ALLOWED = {200, 302}
DENIED = {403, 404, 405}

# Known open doors: none. An entry must still fail here — the battery says so when one
# starts to pass, so the list only shrinks.
KNOWN_OPEN_WEB: set = set()
KNOWN_OPEN: set = set()


# --------------------------------------------------------------------------- the city


@dataclass
class City:
    people: dict
    objects: dict  # model label (lower) → one object
    kwargs: dict  # URL name → kwargs


def _build_city():
    from ballast.alerts.services import ensure_default_rules
    from ballast.assessments.models import EfficiencyScheme, PublishedResult
    from ballast.assessments.services import (
        efficiency_record_save,
        ensure_default_schemes,
        manual_scores_set,
    )
    from ballast.attachments.models import AttachmentSettings
    from ballast.attachments.services import attach
    from ballast.audit.models import AuditRecord
    from ballast.bulletins.services import bulletin_publish
    from ballast.coordination import services as coordination
    from ballast.coordination.models import EscalationRule, TourScore
    from ballast.dashboards.models import UnitOutline
    from ballast.imports.jobs import create_job
    from ballast.inbox.services import notify
    from ballast.projects import services as projects
    from ballast.projects.models import ConfidenceAssessment, IndustryCluster
    from ballast.regions.models import Region
    from ballast.regions.services import init_city
    from ballast.reports import services as reports
    from ballast.reports.models import ReportingRule
    from ballast.web.models import SavedFilter

    city = init_city(code="321000", parks=PARKS)
    unit_a = Region.objects.get(code="321081")
    unit_b = Region.objects.get(code="321084")
    department = Department.objects.create(city=city, name="扬州市自然资源和规划局")
    people = {}
    for role in Role.values:
        extra = {"department": department} if role == Role.DEPARTMENT else {}
        region = city if role in CITY_ONLY_ROLES else unit_a
        if role in PROVINCE_ONLY_ROLES:  # 省级: the province above the city
            region = city.parent
        people[role] = make_user(f"door_{role}", role, region, **extra)
    people[OUTSIDER] = make_user("door_outsider", Role.UNIT_CLERK, unit_b)
    clerk, admin_user = people[Role.UNIT_CLERK], people[Role.CITY_ADMIN]

    cluster = IndustryCluster.objects.create(city=city, code="new-energy", name="新能源")
    data = {
        "name": "仪征门禁项目",
        "unit": unit_a,
        "total_investment": Decimal("100000.00"),
        "category": "industrial",
        "cluster": cluster,
    }
    project = projects.project_create(user=clerk, data=data)
    project.leaders.add(people[Role.LEADER])
    projects.stage_record(user=clerk, project=project, stage="signed", on=date(2023, 1, 5))
    projects.stage_record(user=clerk, project=project, stage="started", on=date(2023, 2, 5))
    event = project.stage_events.get(stage="started")
    node = projects.node_save(
        user=clerk,
        project=project,
        data={"kind": "filing", "deadline": date(2023, 3, 1), "person": "张三"},
    )
    plan = projects.plan_save(
        user=clerk, project=project, year=2023, planned_investment=Decimal("12000")
    )
    target = projects.target_set(
        user=admin_user, unit=unit_a, period="2023", indicator="signed_count", value=10
    )
    confidence = ConfidenceAssessment.objects.create(
        project=project, month=date(2023, 2, 1), rating="green"
    )
    paused = projects.project_create(user=clerk, data={**data, "name": "仪征暂停项目"})
    suspension = projects.project_suspend(
        user=clerk, project=paused, kind="deferred", on=date(2023, 3, 1), reason="funding"
    )
    stopped = projects.project_create(user=clerk, data={**data, "name": "仪征终止项目"})
    termination = projects.project_terminate(
        user=clerk, project=stopped, on=date(2023, 3, 1), reason="funding", note="撤资"
    )
    report = reports.report_save(
        user=clerk, project=project, month=date(2023, 2, 1), data={"investment": Decimal(100)}
    )
    reporting_rule = ReportingRule.objects.create(city=city)
    warning_rule = ensure_default_rules(city)[0]
    scheme = ensure_default_schemes(city)[0]
    indicator = scheme.indicators.get(key="tour.score")
    manual_scores_set(
        user=None,
        indicator=indicator,
        period="2023Q1",
        unit=unit_a,
        scores=[{"judge": "评委", "score": 80}],
    )
    manual = indicator.manual_scores.get()
    published = PublishedResult.objects.create(
        scheme=scheme, period="2023Q1", as_of=date(2023, 3, 31), published_at=timezone.now()
    )
    efficiency = efficiency_record_save(
        user=None, project=project, year=2023, data={"tax": 1, "sales": 1}
    )
    efficiency_scheme = EfficiencyScheme.objects.filter(city=city).first()
    if efficiency_scheme is None:
        efficiency_scheme = EfficiencyScheme.objects.create(city=city, name="亩均", slug="mujun")
    escalation = EscalationRule.objects.create(city=city)
    from ballast.projects.models import NodeTemplate

    node_template = NodeTemplate.objects.create(
        city=city, category="industrial", kind="filing", offset_days=-60, department=department
    )
    contact = coordination.contact_add(user=clerk, project=project, contact=people[Role.ENTERPRISE])
    issue = coordination.issue_raise(
        user=clerk,
        project=project,
        data={
            "category": "land",
            "description": "用地指标",
            "department": department,
            "deadline": timezone.localdate() + timedelta(days=30),
        },
        steps=[(date(2023, 3, 5), "用地预审")],
    )
    visit = coordination.visit_record(
        user=people[Role.LEADER], project=project, on=date(2023, 3, 2), kind="visit"
    )
    tour = coordination.tour_create(
        user=admin_user,
        city=city,
        name="一季度观摩",
        on=date(2023, 3, 20),
        period="2023Q1",
        criteria=[("形象进度", 50)],
        judges=[people[Role.CITY_REVIEWER]],
        projects=[project],
    )
    score = coordination.tour_score_set(
        user=people[Role.CITY_REVIEWER],
        judge=tour.judges.get(),
        tour_project=tour.tour_projects.get(),
        criterion=tour.criteria.get(),
        points=40,
    )
    assert isinstance(score, TourScore)
    notice = notify(recipients=[clerk], kind="issue", subject="通知", dedupe_key="door-notice")[0]
    photo = attach(
        user=clerk, owner=event, file=SimpleUploadedFile("开工.jpg", tiny_jpeg()), caption="现场"
    )
    bulletin = bulletin_publish(user=admin_user, city=city, period="2023Q1")
    outline = UnitOutline.objects.create(
        region=unit_a,
        geojson={
            "type": "Polygon",
            "coordinates": [[[119.1, 32.2], [119.2, 32.2], [119.2, 32.3], [119.1, 32.2]]],
        },
    )
    login_event = LoginEvent.objects.create(kind="login", username=clerk.username, user=clerk)
    workbook = openpyxl.Workbook()
    workbook.active.append(["序号", "项目名称", "县（市、区）", "项目业主", "总投资", "签约时间"])
    workbook.active.append([1, "仪征导入项目", "仪征市", "某公司", "很多", "2023-01-05"])
    out = io.BytesIO()
    workbook.save(out)
    job = create_job(
        user=clerk, kind="ledger", upload=SimpleUploadedFile("台账.xlsx", out.getvalue())
    )
    assert job.errors
    saved = SavedFilter.objects.create(user=clerk, name="我的筛选", querystring="q=仪征")
    from ballast.accounts.services import token_create
    from ballast.attraction import services as attraction
    from ballast.attraction.models import (
        Campaign,
        CampaignRound,
        ChainLink,
        Channel,
        ReserveTier,
        RoundTarget,
        TargetEnterprise,
    )

    channel = Channel.objects.create(city=city, code="chain", name="产业链招商")
    lead = attraction.lead_create(
        user=clerk,
        data={
            "unit": unit_a,
            "investor": "门禁新能源有限公司",
            "project_name": "仪征门禁招商线索",
            "amount": Decimal("50000"),
            "channel": channel,
            "info_on": date(2023, 1, 10),
        },
    )
    chain_link = ChainLink.objects.create(cluster=cluster, segment="mid", name="光伏组件")
    chain_link.projects.add(project)
    target_enterprise = TargetEnterprise.objects.create(link=chain_link, name="目标企业甲")
    reserve_tier = ReserveTier.objects.create(city=city, code="plan", name="谋划", order=1)
    reserve_entry = attraction.reserve_place(
        user=clerk, project=project, tier=reserve_tier, land_ready=False,
        filing_ready=False, funding_ready=False, on=date(2023, 1, 2),
    )  # fmt: skip
    campaign = Campaign.objects.create(city=city, name="百日攻坚")
    campaign_round = CampaignRound.objects.create(
        campaign=campaign, number=1, start=date(2023, 1, 1), end=date(2023, 4, 10)
    )
    round_target = RoundTarget.objects.create(round=campaign_round, unit=unit_a, signed_count=2)
    lead_contact = attraction.contact_add(
        user=clerk,
        lead=lead,
        data={"date": date(2023, 1, 12), "ours": "招商局", "theirs": "董事长", "content": "考察"},
    )

    api_token, _secret = token_create(user=clerk, name="门禁脚本")
    from ballast.alerts.models import CheckDraw, SiteCheck

    check_draw = CheckDraw.objects.create(
        city=city, month=report.month, seed="门禁", size=1, as_of=date(2023, 4, 30),
        drawn_by=admin_user,
    )  # fmt: skip
    site_check = SiteCheck.objects.create(
        draw=check_draw, rank=1, project=report.project, report=report, weight=1,
        reported_investment=report.investment,
    )  # fmt: skip

    from ballast.alerts.models import IntegrityThreshold
    from ballast.imports.models import BureauEntry, BureauList

    threshold = IntegrityThreshold.objects.create(city=city, key="spike_ratio", value=Decimal("3"))
    bureau_list = BureauList.objects.create(
        city=city, received_on=date(2023, 4, 30), filename="入库清单.xlsx", uploaded_by=admin_user
    )
    bureau_entry = BureauEntry.objects.create(
        bureau_list=bureau_list, row=2, code=project.code or "", name=project.name,
        entered_on=date(2023, 3, 1), amount=Decimal("100"),
    )  # fmt: skip

    objects = {
        "regions.region": unit_a,
        "accounts.user": clerk,
        "accounts.department": department,
        "accounts.loginevent": login_event,
        "projects.industrycluster": cluster,
        "projects.project": project,
        "projects.stageevent": event,
        "projects.suspension": suspension,
        "projects.termination": termination,
        "projects.node": node,
        "projects.nodetemplate": node_template,
        "projects.annualplan": plan,
        "projects.unittarget": target,
        "projects.confidenceassessment": confidence,
        "reports.monthlyreport": report,
        "reports.reportingrule": reporting_rule,
        "alerts.warningrule": warning_rule,
        "alerts.checkdraw": check_draw,
        "alerts.sitecheck": site_check,
        "alerts.integritythreshold": threshold,
        "imports.bureaulist": bureau_list,
        "imports.bureauentry": bureau_entry,
        "assessments.scheme": scheme,
        "assessments.indicator": indicator,
        "assessments.manualscore": manual,
        "assessments.publishedresult": published,
        "assessments.efficiencyrecord": efficiency,
        "assessments.efficiencyscheme": efficiency_scheme,
        "coordination.escalationrule": escalation,
        "coordination.projectcontact": contact,
        "coordination.issue": issue,
        "coordination.visit": visit,
        "coordination.tour": tour,
        "coordination.tourscore": score,
        "inbox.notification": notice,
        "attachments.attachment": photo,
        "attachments.attachmentsettings": AttachmentSettings.objects.create(city=city),
        "bulletins.bulletin": bulletin,
        "dashboards.unitoutline": outline,
        "imports.importjob": job,
        "web.savedfilter": saved,
        "accounts.apitoken": api_token,
        "attraction.channel": channel,
        "attraction.lead": lead,
        "attraction.leadcontact": lead_contact,
        "attraction.chainlink": chain_link,
        "attraction.targetenterprise": target_enterprise,
        "attraction.reservetier": reserve_tier,
        "attraction.reserveentry": reserve_entry,
        "attraction.campaign": campaign,
        "attraction.campaignround": campaign_round,
        "attraction.roundtarget": round_target,
    }
    from django.contrib.auth.models import Group

    objects["auth.group"] = Group.objects.create(name="门禁")
    kwargs = {
        "imports:template": {"kind": "ledger"},
        "bulletins:draft": {"fmt": "docx"},
        "bulletins:download": {"fmt": "docx", "pk": bulletin.pk},
        "dashboards:unit_cockpit": {"unit_code": unit_a.code},
        "coordination:issue_action": {"pk": issue.pk, "action": "acknowledge"},
        "coordination:issue_step_done": {"pk": issue.pk, "step_pk": issue.steps.get().pk},
        "api:issue-step-done": {"step_pk": issue.steps.get().pk},
        "dashboards:leader": {"pk": people[Role.LEADER].pk},
        "projects:node_edit": {"pk": project.pk, "node_pk": node.pk},
        "reports:report_entry": {"project_pk": project.pk, "month": "2023-03"},
        "admin:app_list": {"app_label": "projects"},
        "admin:view_on_site": {"content_type_id": "1", "object_id": str(project.pk)},
        "admin:auth_user_password_change": {"id": clerk.pk},
        "audit:record": {"seq": AuditRecord.objects.order_by("seq").values_list("seq").first()[0]},
    }
    scope_objects = {
        "dashboards:unit_cockpit": unit_a,
        "dashboards:leader": people[Role.LEADER],
        "attraction:duplicates": city,
    }
    return City(people=people, objects={**objects, "_scope": scope_objects}, kwargs=kwargs)


@pytest.fixture(scope="module")
def door_city(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        built = _build_city()
        yield built
        transaction.set_rollback(True)


# --------------------------------------------------------------------------- the doors


def _walk(patterns, prefix="", namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), full)
        elif isinstance(entry, URLPattern):
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            yield prefix + str(entry.pattern), name


ALL_URLS = list(_walk(get_resolver().url_patterns))


def _admin_model_views():
    """(model, admin, view) for every registered model's admin URL that exists."""
    names = {name for _pattern, name in ALL_URLS}
    found = {}
    for model, model_admin in admin.site._registry.items():
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        for view in doors.ADMIN_VIEWS:
            if info + view in names:
                found[info + view] = (model, model_admin, view)
    return found


ADMIN_MODEL_VIEWS = _admin_model_views()


def _undeclared(urls):
    undeclared = []
    for pattern, name in urls:
        if pattern.startswith("admin/") and name is None:
            continue  # the admin's redirects to the change view and its catch-all
        if name in doors.DOORS or name in ADMIN_MODEL_VIEWS or name in doors.API_DOORS:
            continue
        undeclared.append((pattern, name))
    return undeclared


def test_every_url_has_a_declared_decision():
    undeclared = _undeclared(ALL_URLS)
    assert not undeclared, f"URLs without a policy decision in accounts/doors.py: {undeclared}"


def test_a_new_url_without_a_decision_is_caught():
    from django.urls import include, path

    extra = [path("secret/", include(([path("x/", lambda r: None, name="x")], "new")))]
    assert _undeclared(list(_walk(extra))) == [("secret/x/", "new:x")]


def test_every_admin_model_has_a_group():
    missing = [
        m._meta.label
        for m in admin.site._registry
        if m._meta.label_lower not in doors.ADMIN_GROUPS and not hasattr(m, "access_group")
    ]
    assert not missing, f"admin models without an access group: {missing}"


# --------------------------------------------------------------------------- expectations


def _satisfies(user, needs, obj=None, scope=None) -> bool:
    if needs is None:
        return False
    if needs == doors.PUBLIC:
        return True
    if not user.is_authenticated or not user.is_active:
        return False
    if needs == doors.CLOSED:
        return False
    if needs == doors.SIGNED_IN:
        return scope(user, obj) if scope and obj is not None else True
    if needs == doors.STAFF:
        return user.is_staff
    if needs == "admin_app":
        return user.is_staff and any(
            policy.allowed_actions(user, doors.admin_group(m) or "")
            for m in admin.site._registry
            if m._meta.app_label == "projects"
        )
    for group, action in needs:
        if action not in policy.allowed_actions(user, group):
            return False
    if obj is not None:
        if scope is not None:
            return scope(user, obj)
        group, action = next(
            ((g, a) for g, a in needs if g == doors.admin_group(type(obj))), (None, needs[0][1])
        )
        return _in_scope(user, type(obj), obj, action)
    return True


def _in_scope(user, model, obj, action) -> bool:
    """Whether ``obj`` is in ``user``'s scope for ``action``; people and departments (the
    "account" group, no unit path) by the policy's choice of people and the user's city."""
    if model is User:
        return policy.users_for(user).filter(pk=obj.pk).exists()
    if model is Department:
        return policy.in_area(user, obj.city)
    return policy.restrict(model._base_manager.filter(pk=obj.pk), user, action).exists()


def _admin_allows(user, model, model_admin, action, obj) -> bool | None:
    """The policy's answer for an admin view; None where the admin may close a door the
    policy would open (read-only admins: frozen bulletins, published results …)."""
    if not user.is_authenticated or not user.is_staff:
        return False
    group = doors.admin_group(model)
    if group is None:
        return False
    allowed = policy.allowed_actions(user, group)

    def has(act):
        if act not in allowed:
            return False
        if obj is None:
            return True
        return _in_scope(user, model, obj, act)

    if action == doors.VIEW_OR_CHANGE:
        answer = has(policy.VIEW) or has(policy.CHANGE)
        return answer
    if action == "revert":
        if not has(policy.CHANGE) or not getattr(model_admin, "revert_allowed", False):
            return False
        action = policy.CHANGE
    answer = has(action)
    if not answer:
        return False
    # The policy allows: the admin may still be read-only for the model.
    overridden = {
        policy.ADD: "has_add_permission",
        policy.CHANGE: "has_change_permission",
        policy.DELETE: "has_delete_permission",
    }.get(action)
    if overridden and getattr(type(model_admin), overridden) is not getattr(
        RestrictedAdmin, overridden, None
    ):
        return None
    return True


def _person(city, key):
    return AnonymousUser() if key == ANONYMOUS else city.people[key]


def _ask(client, method, url):
    with transaction.atomic():
        response = getattr(client, method)(url)
        transaction.set_rollback(True)
    return response


def _verdict(response, *, admin_object=False) -> str:
    if response.status_code in (301, 302):
        location = response.get("Location", "")
        if "/login/" in location:
            return "denied"
        if admin_object and location.split("?")[0] == "/admin/":
            return "denied"  # the admin's "no such object (in your scope)"
        return "allowed"
    if response.status_code in (200, 400):
        return "allowed"  # 400: let in, and the view judged the (empty) input
    if response.status_code in DENIED:
        return "denied"
    return f"error {response.status_code}"


def _client(city, key):
    client = Client(raise_request_exception=False)
    if key != ANONYMOUS:
        client.force_login(city.people[key])
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("person", PERSONS)
def test_every_web_door_answers_the_policy(door_city, person):
    user = _person(door_city, person)
    client = _client(door_city, person)
    wrong, known = [], set()
    for pattern, name in ALL_URLS:
        door = doors.DOORS.get(name)
        if door is None or name in ("logout", "admin:logout"):
            continue  # logging out ends the session the battery uses
        kwargs = dict(door_city.kwargs.get(name, {}))
        obj = door_city.objects["_scope"].get(name)
        if door.model:
            obj = door_city.objects[door.model.lower()]
            key = re.search(r"<(?:\w+:)?(project_pk|pk|id)>", pattern).group(1)
            kwargs.setdefault(key, obj.pk)
        url = reverse(name, kwargs=kwargs or None)
        for method, needs in (("get", door.get), ("post", door.post_needs)):
            expected = "allowed" if _satisfies(user, needs, obj, door.scope) else "denied"
            got = _verdict(_ask(client, method, url))
            if got != expected and (name, person) in KNOWN_OPEN_WEB:
                known.add((name, person))
            elif got != expected:
                wrong.append(f"{method.upper()} {url} ({name}): expected {expected}, got {got}")
    stale = {k for k in KNOWN_OPEN_WEB if k[1] == person} - known
    assert not wrong, f"{person}:\n" + "\n".join(wrong)
    assert not stale, f"known open doors now closed — remove them from KNOWN_OPEN_WEB: {stale}"


@pytest.mark.django_db
@pytest.mark.parametrize("person", PERSONS)
def test_every_admin_view_answers_the_policy(door_city, person):
    user = _person(door_city, person)
    client = _client(door_city, person)
    wrong, known = [], set()
    for name, (model, model_admin, view) in ADMIN_MODEL_VIEWS.items():
        label = model._meta.label_lower
        obj = None
        kwargs = None
        if view in ("change", "delete", "history", "simple_history"):
            obj = door_city.objects.get(label)
            assert obj is not None, f"the door city has no {label}"
            kwargs = [obj.pk]
            if view == "simple_history":
                history = getattr(obj, "history", None)
                if history is None:
                    continue  # models without history have no history form
                kwargs.append(history.latest("history_date").history_id)
        url = reverse(name, args=kwargs)
        get, post = doors.admin_door(model, view).get, doors.admin_door(model, view).post
        for method, action in (("get", get), ("post", post)):
            answer = _admin_allows(user, model, model_admin, action, obj)
            got = _verdict(_ask(client, method, url), admin_object=True)
            if got.startswith("error") or (answer is not None and got != _word(answer)):
                if (label, person) in KNOWN_OPEN:
                    known.add((label, person))
                    continue
                wrong.append(f"{method.upper()} {url}: expected {_word(answer)}, got {got}")
    stale = {k for k in KNOWN_OPEN if k[1] == person} - known
    assert not wrong, f"{person}:\n" + "\n".join(wrong)
    assert not stale, f"known open doors now closed — remove them from KNOWN_OPEN: {stale}"


def _word(answer) -> str:
    return "allowed" if answer else "denied"


def test_the_battery_knows_every_role(door_city):
    assert {p for p in PERSONS if p in Role.values} == set(Role.values)
    assert User.objects.filter(username__startswith="door_").count() == len(Role.values) + 1


# --------------------------------------------------------------------------- the API


API_URLS = [(pattern, name) for pattern, name in ALL_URLS if pattern.startswith("api/")]
API_DENIED = {401, 403, 404, 405}


def test_the_api_is_walked():
    assert len(API_URLS) >= 20
    assert all(name in doors.API_DOORS for _pattern, name in API_URLS), "see the test above"


def _served_methods(pattern_name: str) -> set[str]:
    """The methods the view behind an API URL answers (besides HEAD and OPTIONS)."""
    from django.urls import get_resolver

    for entry_pattern, entry_name in API_URLS:
        if entry_name != pattern_name:
            continue
        match = [p for p in get_resolver().url_patterns if str(p.pattern) == "api/v1/"][0]
        for sub in _flat(match.url_patterns):
            if sub.name and f"api:{sub.name}" == pattern_name:
                callback = sub.callback
                actions = getattr(callback, "actions", None)
                if actions:
                    return {m.upper() for m in actions} - {"HEAD", "OPTIONS"}
                view_class = callback.view_class
                return {
                    m.upper()
                    for m in view_class.http_method_names
                    if hasattr(view_class, m) and m not in ("head", "options")
                }
        raise AssertionError(entry_pattern)
    raise AssertionError(pattern_name)


def _flat(patterns):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _flat(entry.url_patterns)
        else:
            yield entry


def test_every_api_door_declares_exactly_the_methods_it_serves():
    wrong = []
    for _pattern, name in API_URLS:
        if doors.API_DOORS[name].catch_all:
            continue
        served = _served_methods(name)
        declared = set(doors.API_DOORS[name].methods)
        if served != declared:
            wrong.append(f"{name}: serves {sorted(served)}, declared {sorted(declared)}")
    assert not wrong, "\n".join(wrong)


def test_every_operation_of_the_published_schema_has_a_door():
    """Walk the OpenAPI schema too: every operation it publishes is a declared door."""
    from django.urls import resolve
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    missing = []
    for path, operations in schema["paths"].items():
        # A path parameter's first allowed value (its enum), else a number.
        samples = {
            parameter["name"]: str(parameter["schema"].get("enum", [1])[0])
            for operation in operations.values()
            for parameter in operation.get("parameters", [])
            if parameter["in"] == "path"
        }
        url = re.sub(r"\{([^}]+)\}", lambda m, s=samples: s.get(m.group(1), "1"), path)
        name = resolve(url).view_name
        for method in operations:
            if method.upper() not in doors.API_DOORS.get(name, doors.ApiDoor({})).methods:
                missing.append(f"{method.upper()} {path} ({name})")
    assert not missing, f"schema operations without a door: {missing}"


def _api_call(client, method, url, obj):
    headers = {}
    if getattr(obj, "version", None) is not None:
        headers["HTTP_IF_MATCH"] = f'"{obj.version}"'
    with transaction.atomic():
        response = (
            getattr(client, method.lower())(
                url,
                data="{}" if method != "GET" else None,
                content_type="application/json",
                **headers,
            )
            if method != "GET"
            else client.get(url, **headers)
        )
        transaction.set_rollback(True)
    return response


def _api_verdict(response) -> str:
    if response.status_code in API_DENIED:
        return "denied"
    if 200 <= response.status_code < 300 or response.status_code in (400, 409, 412, 422):
        return "allowed"  # 400: let in, and the service judged the (empty) input
    return f"error {response.status_code}"


@pytest.mark.django_db
@pytest.mark.parametrize("person", PERSONS)
def test_every_api_door_answers_the_policy(door_city, person, settings):
    settings.BALLAST_API_RATE = "100000/min"
    user = _person(door_city, person)
    client = _client(door_city, person)
    wrong = []
    for _pattern, name in API_URLS:
        door = doors.API_DOORS[name]
        obj, kwargs = None, {}
        if door.model:
            obj = door_city.objects[door.model.lower()]
            obj.refresh_from_db()
            kwargs["pk"] = obj.pk
        kwargs.update(door.kwargs)
        kwargs.update(door_city.kwargs.get(name, {}))
        if door.catch_all:
            kwargs["rest"] = "no-such-endpoint/1/"
        url = reverse(name, kwargs=kwargs or None)
        for method in doors.API_METHODS:
            needs = door.methods.get(method)
            expected = "allowed" if _satisfies(user, needs, obj, door.scope) else "denied"
            got = _api_verdict(_api_call(client, method, url, obj))
            if got != expected:
                wrong.append(f"{method} {url} ({name}): expected {expected}, got {got}")
    assert not wrong, f"{person}:\n" + "\n".join(wrong)
