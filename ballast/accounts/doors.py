"""The policy's decision for every door (URL) of Ballast, in one table beside the policy.

Each named URL of the URLconf maps to a :class:`Door`: what a person needs to GET it and
to POST to it, as pairs of (access group, action) of :data:`policy.ROLE_ACTIONS`, and —
for a URL that names an object — the model of that object, whose row must then be in
the person's scope for the action (:func:`policy.restrict`). The admin's model views
(changelist, add, change, delete, history, history form / revert) are decided
generically from each model's ``access_group`` (:func:`admin_door`).

``tests/test_every_door_obeys_the_policy.py`` walks the URLconf and the admin registry,
asks every door as every role, and fails when a URL has no decision here. Adding a URL
means adding its line below.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps

from ballast.accounts import policy
from ballast.accounts.policy import ADD, AMEND, APPROVE, CHANGE, DELETE, VIEW

# Special needs (instead of (group, action) pairs)
PUBLIC = "public"  # anyone, signed in or not
SIGNED_IN = "signed_in"  # any signed-in person (their own rows only, or nothing of data)
STAFF = "staff"  # any signed-in person allowed into the admin site (is_staff)
CLOSED = "closed"  # nobody through the web (console superuser only)


@dataclass(frozen=True)
class Door:
    """The decision for one URL: ``get``/``post`` are PUBLIC, SIGNED_IN, STAFF, CLOSED,
    None (the method is not served: 405) or a tuple of (group, action) pairs that must all
    be allowed. ``model`` names the object of the URL's ``pk`` (or ``project_pk``); for
    objects that are not rows of a model with a group, ``scope`` decides."""

    get: object
    post: object = "same"
    model: str | None = None
    scope: object = None  # callable(user, obj) -> bool
    note: str = ""

    @property
    def post_needs(self):
        return self.get if self.post == "same" else self.post


def _project_model():
    # the projects app sits above accounts: found through the app registry
    return apps.get_model("projects", "Project")


def _in_cockpit_scope(user, unit) -> bool:
    return policy.units_for(user, VIEW, _project_model()).filter(pk=unit.pk).exists()


def _sees_leader(user, leader) -> bool:
    Project = _project_model()  # noqa: N806
    root = policy.scope_root(user)
    if root is None or not root.contains(leader.region):
        return False
    if user.is_above_units or user.is_superuser or user.pk == leader.pk:
        return True
    return Project.objects.restrict(user).filter(leaders=leader).exists()


def _oversees_attraction(user, _obj) -> bool:
    """The city's attraction pages (duplicates): the policy's named action."""
    return policy.may_do(user, "resolve_lead_duplicates")


def _marks_lead(user, lead) -> bool:
    """Marking a lead's investor confidential: CHANGE on the lead and the city's right."""
    return policy.may_do(user, "lead.change", lead) and policy.may_do(
        user, "mark_lead_confidential"
    )


def _resolves_for_lead(user, lead) -> bool:
    return policy.may_do(user, "lead.change", lead) and policy.may_do(
        user, "resolve_lead_duplicates"
    )


def _assigns(user, issue) -> bool:
    """交办 an issue: CHANGE on it and the named action ``assign_issue``."""
    in_scope = policy.restrict(type(issue)._base_manager.filter(pk=issue.pk), user, CHANGE).exists()
    return in_scope and policy.may_do(user, "assign_issue")


def _judges(user, tour) -> bool:
    """A tour's scoring page: the person is one of its judges (and may score)."""
    in_scope = policy.restrict(type(tour)._base_manager.filter(pk=tour.pk), user, VIEW).exists()
    return in_scope and policy.may_do(user, "score_tour") and tour.judges.filter(user=user).exists()


_PROJECT_VIEW = (("project", VIEW),)
_NODE = "projects.Node"
_PROJECT_CHANGE = (("project", CHANGE),)
_COCKPIT = (("project", VIEW), ("target", VIEW))
_TARGET_SET = (("target", ADD), ("target", CHANGE))

_SPOTCHECK_VIEW = (("spotcheck", VIEW),)
_SET_THRESHOLDS = (("config", CHANGE), ("spotcheck", ADD))

_LEAD = "attraction.Lead"
_LEAD_VIEW = (("lead", VIEW),)
_LEAD_CHANGE = (("lead", CHANGE),)
# City-wide attraction pages (chain map, campaigns): leads and the city's settings.
_LEAD_AND_CONFIG = (("lead", VIEW), ("config", VIEW))
# Signing makes a project: CHANGE on the lead and ADD of projects (policy "sign_leads").
_LEAD_SIGN = (("lead", CHANGE), ("project", ADD))

_ACCOUNT_VIEW = (("account", VIEW),)
_ACCOUNT_CHANGE = (("account", CHANGE),)
_AUDIT_VIEW = (("audit", VIEW),)
_ATTACHMENT_VIEW = ((policy.ATTACHMENT_GROUP, VIEW),)
_NOTICE_VIEW = (("notice", VIEW),)
_NOTICE_CHANGE = (("notice", CHANGE),)

DOORS: dict[str, Door] = {
    # --- signing in, language ---------------------------------------------------------
    "set_language": Door(PUBLIC),
    # --- the balancer's probe and the browsers' CSP reports -----------------------------
    "healthz": Door(PUBLIC, None, note="states and timings only, no data"),
    "csp_report": Door(None, PUBLIC, note="browsers post violations; nothing is stored"),
    # --- accounts: the security administrator's (三权分立), and one's own password/2FA ---
    "accounts:user_list": Door(_ACCOUNT_VIEW),
    "accounts:user_create": Door(_ACCOUNT_VIEW, (("account", ADD),)),
    "accounts:user_detail": Door(_ACCOUNT_VIEW, model="accounts.User"),
    "accounts:user_edit": Door(_ACCOUNT_VIEW, _ACCOUNT_CHANGE, model="accounts.User"),
    "accounts:user_deactivate": Door(None, _ACCOUNT_CHANGE, model="accounts.User"),
    "accounts:user_activate": Door(None, _ACCOUNT_CHANGE, model="accounts.User"),
    "accounts:user_unlock": Door(None, _ACCOUNT_CHANGE, model="accounts.User"),
    "accounts:user_password_reset": Door(_ACCOUNT_VIEW, _ACCOUNT_CHANGE, model="accounts.User"),
    "accounts:user_otp_reset": Door(None, _ACCOUNT_CHANGE, model="accounts.User"),
    "accounts:locks": Door(_ACCOUNT_VIEW),
    "accounts:unlock_address": Door(None, _ACCOUNT_CHANGE),
    "accounts:security_settings": Door(_ACCOUNT_VIEW, _ACCOUNT_CHANGE),
    "accounts:password_change": Door(SIGNED_IN, note="one's own password"),
    "accounts:otp_enrol": Door(SIGNED_IN, note="one's own second factor"),
    "accounts:otp_verify": Door(SIGNED_IN, note="one's own second factor"),
    # one's own API tokens (personal rows; not for the administrator roles: policy)
    "accounts:api_tokens": Door((("token", VIEW),), (("token", ADD),)),
    "accounts:api_token_revoke": Door(None, (("token", DELETE),), model="accounts.ApiToken"),
    # --- the audit trail: the auditor's alone ----------------------------------------------
    "audit:trail": Door(_AUDIT_VIEW, None),
    "audit:logins": Door(_AUDIT_VIEW, None),
    "audit:record": Door(_AUDIT_VIEW, None),
    "login": Door(PUBLIC),
    "logout": Door(None, PUBLIC),
    # --- the admin site's own pages (model views: admin_door) ---------------------------
    "admin:index": Door(STAFF),
    "admin:login": Door(PUBLIC),
    "admin:logout": Door(None, PUBLIC),
    "admin:password_change": Door(STAFF),
    "admin:password_change_done": Door(STAFF, None),
    "admin:jsi18n": Door(STAFF, None),
    "admin:autocomplete": Door(
        CLOSED,
        note="without term/app/model it refuses everyone; with them it answers from the "
        "related model admin (policy-restricted queryset)",
    ),
    "admin:view_on_site": Door(CLOSED, note="no Ballast model has a public address"),
    "admin:app_list": Door("admin_app"),
    # accounts' admin: the security administrator's (the policy's "account" group)
    "admin:auth_user_password_change": Door((("account", CHANGE),), model="accounts.User"),
    # --- imports and exports -------------------------------------------------------------
    "imports:upload": Door((("import", VIEW),), (("import", ADD),)),
    "imports:template": Door(SIGNED_IN, note="a blank workbook: no data"),
    "imports:export_ledger": Door(_PROJECT_VIEW),
    "imports:export_reports": Door(_PROJECT_VIEW),
    "imports:job": Door((("import", VIEW),), post=None, model="imports.ImportJob"),
    "imports:apply": Door(None, (("import", CHANGE),), model="imports.ImportJob"),
    "imports:progress": Door((("import", VIEW),), post=None, model="imports.ImportJob"),
    "imports:errors": Door((("import", VIEW),), post=None, model="imports.ImportJob"),
    # the statistics bureau's 入库 list: the city imports it, city people read the differences
    "imports:bureau": Door(_SPOTCHECK_VIEW, post=None),
    "imports:bureau_upload": Door((("spotcheck", ADD),)),
    # 导入招商线索 and its template: whoever keeps leads (policy "keep_leads")
    "imports:leads_upload": Door((("lead", ADD),)),
    "imports:leads_template": Door((("lead", ADD),), post=None),
    # --- bulletins -------------------------------------------------------------------------
    "bulletins:list": Door((("bulletin", VIEW),), post=None),
    "bulletins:compose": Door((("bulletin", VIEW),)),
    "bulletins:draft": Door((("bulletin", VIEW),)),
    "bulletins:publish": Door(None, (("bulletin", ADD),)),
    # A campaign round's bulletin: publishing needs the round in view (404 outside).
    "bulletins:round_publish": Door(
        None, (("bulletin", ADD), ("config", VIEW)), model="attraction.CampaignRound"
    ),
    "bulletins:detail": Door((("bulletin", VIEW),), post=None, model="bulletins.Bulletin"),
    "bulletins:download": Door((("bulletin", VIEW),), post=None, model="bulletins.Bulletin"),
    # 数据更正说明: what changed since publication — whoever reads the bulletin.
    "bulletins:restatement": Door((("bulletin", VIEW),), post=None, model="bulletins.Bulletin"),
    # --- cockpits and supervision ----------------------------------------------------------
    "dashboards:cockpit": Door(_COCKPIT),
    # 省级驾驶舱: a province person's (city and unit people are taken to their own cockpit).
    "dashboards:province": Door(_COCKPIT),
    "dashboards:drill": Door(_PROJECT_VIEW),
    "dashboards:unit_cockpit": Door(_COCKPIT, scope=_in_cockpit_scope),
    "alerts:warnings": Door(_COCKPIT, post=None),
    "alerts:integrity": Door(_COCKPIT, post=None),
    # 超期项目（相对基线）: the policy's "view_overruns" (projects in scope, not an enterprise)
    "alerts:overruns": Door(_COCKPIT, post=None),
    # the city's own thresholds: the city administrator (policy "set_integrity_thresholds")
    "alerts:integrity_thresholds": Door(_SET_THRESHOLDS),
    # 现场抽查: the city draws (ADD), the checkers record (CHANGE); no unit sees them
    "alerts:check_draws": Door(_SPOTCHECK_VIEW, post=None),
    "alerts:check_draw_new": Door((("spotcheck", ADD),)),
    "alerts:check_draw": Door(_SPOTCHECK_VIEW, post=None, model="alerts.CheckDraw"),
    "alerts:site_check_record": Door((("spotcheck", CHANGE),), model="alerts.SiteCheck"),
    "alerts:site_check": Door(_SPOTCHECK_VIEW, post=None, model="alerts.SiteCheck"),
    # on-site photos: the check in scope (404), then the policy's attach action (403):
    # who records checks (ATTACHMENT_OWNERS: CHANGE on the check)
    "alerts:site_check_attach": Door(
        None, _SPOTCHECK_VIEW, model="alerts.SiteCheck", scope=policy.may_attach
    ),
    "coordination:issues": Door((("issue", VIEW),), post=None),
    # the sample action is "acknowledge" (PROGRESS); confirm/close/reopen need CONFIRM
    "coordination:issue_action": Door(
        None, (("issue", policy.PROGRESS),), model="coordination.Issue"
    ),
    "coordination:issue_new": Door((("issue", ADD),)),
    "coordination:issue_detail": Door((("issue", VIEW),), None, model="coordination.Issue"),
    # 交办: CHANGE on the issue, by a city or unit officer (not the answering department)
    "coordination:issue_assign": Door(
        None, (("issue", CHANGE),), model="coordination.Issue", scope=_assigns
    ),
    "coordination:issue_step_add": Door(
        None, (("issue", policy.PROGRESS),), model="coordination.Issue"
    ),
    "coordination:issue_step_done": Door(
        None, (("issue", policy.PROGRESS),), model="coordination.Issue"
    ),
    "assessments:rankings": Door(_COCKPIT, post=None),
    # 亩均评价: the policy's "view_mujun" (figures and targets readable)
    "assessments:mujun": Door(_COCKPIT, post=None),
    "coordination:visits": Door((("service", VIEW),), post=None),
    "coordination:visit_new": Door((("service", ADD),)),
    "coordination:visit_detail": Door((("service", VIEW),), post=None, model="coordination.Visit"),
    # uploads: the owner in scope (404), then the policy's attach action (403): an issue
    # takes files from the raiser's side, the department and the officers
    # (ATTACHMENT_OWNERS: add, progress or confirm), a visit from who records visits
    "coordination:visit_attach": Door(
        None, (("service", VIEW),), model="coordination.Visit", scope=policy.may_attach
    ),
    "coordination:issue_attach": Door(
        None, (("issue", VIEW),), model="coordination.Issue", scope=policy.may_attach
    ),
    "coordination:tours": Door((("tour", VIEW),), post=None),
    "coordination:tour_detail": Door((("tour", VIEW),), post=None, model="coordination.Tour"),
    # a judge's own scoring page: SCORE, and a judge of this tour
    "coordination:tour_score": Door(
        (("tour", policy.SCORE),), model="coordination.Tour", scope=_judges
    ),
    "coordination:tour_close": Door(None, (("tour", CHANGE),), model="coordination.Tour"),
    "dashboards:leaders": Door(_COCKPIT, post=None),
    "dashboards:leader": Door(_COCKPIT, post=None, scope=_sees_leader),
    "dashboards:map": Door(_PROJECT_VIEW),
    # 板块目标与完成: the targets beside the figures (policy "view_targets")
    "dashboards:targets": Door(_COCKPIT, post=None),
    # --- investment attraction (招商引资) ------------------------------------------------------
    "attraction:leads": Door(_LEAD_VIEW, post=None),
    "attraction:lead_create": Door((("lead", ADD),)),
    "attraction:figures": Door(_LEAD_VIEW, None),
    "attraction:duplicates": Door(_LEAD_CHANGE, scope=_oversees_attraction),
    "attraction:lead_detail": Door(_LEAD_VIEW, None, model=_LEAD),
    "attraction:lead_edit": Door(_LEAD_CHANGE, model=_LEAD),
    "attraction:contact_add": Door(None, _LEAD_CHANGE, model=_LEAD),
    "attraction:lead_advance": Door(None, _LEAD_CHANGE, model=_LEAD),
    "attraction:lead_terminate": Door(None, _LEAD_CHANGE, model=_LEAD),
    "attraction:lead_sign": Door(_LEAD_SIGN, model=_LEAD),
    "attraction:lead_confidential": Door(None, _LEAD_CHANGE, model=_LEAD, scope=_marks_lead),
    "attraction:chain_map": Door(_LEAD_AND_CONFIG, None),
    "attraction:campaigns": Door(_LEAD_AND_CONFIG, None),
    "attraction:round": Door(_LEAD_AND_CONFIG, None, model="attraction.CampaignRound"),
    "attraction:chain_import": Door((("config", ADD),)),
    "attraction:reserve": Door(_PROJECT_VIEW, post=None),
    "attraction:reserve_place": Door(_PROJECT_CHANGE, model="projects.Project"),
    # --- the work pages --------------------------------------------------------------------
    "web:home": Door(SIGNED_IN),
    "projects:project_list": Door(_PROJECT_VIEW, post=None),
    "projects:project_create": Door((("project", ADD),)),
    "projects:saved_filter_save": Door(None, SIGNED_IN, note="the person's own saved filters"),
    "projects:saved_filter_delete": Door(
        None, SIGNED_IN, model="web.SavedFilter", scope=lambda user, saved: saved.user_id == user.pk
    ),
    "projects:project_detail": Door(_PROJECT_VIEW, post=None, model="projects.Project"),
    "projects:project_edit": Door(_PROJECT_CHANGE, model="projects.Project"),
    "projects:stage_record": Door(_PROJECT_CHANGE, model="projects.Project"),
    "projects:project_suspend": Door(_PROJECT_CHANGE, model="projects.Project"),
    "projects:project_resume": Door(_PROJECT_CHANGE, model="projects.Project"),
    "projects:project_terminate": Door(_PROJECT_CHANGE, model="projects.Project"),
    "projects:plan_edit": Door(_PROJECT_CHANGE, model="projects.Project"),
    "projects:nodes": Door((("node", VIEW),), None),
    # the responsible department's answer (办结 / 无需办理) to one of its nodes
    "projects:node_answer": Door((("node", policy.PROGRESS),), model=_NODE),
    "projects:node_create": Door(_PROJECT_CHANGE, model="projects.Project"),
    "projects:node_edit": Door(_PROJECT_CHANGE, model="projects.Project"),
    "projects:node_templates_apply": Door(None, _PROJECT_CHANGE, model="projects.Project"),
    # 交付信心: the list is the government's view (policy "view_confidence": project VIEW
    # without the enterprise contacts — the roles that also read targets); rating a
    # project changes it (policy "rate_confidence")
    "projects:confidence": Door(_COCKPIT, post=None),
    "projects:confidence_rate": Door(_PROJECT_CHANGE, model="projects.Project"),
    # 板块目标: the city sets them (policy "set_targets": ADD and CHANGE of targets)
    "projects:target_create": Door(_TARGET_SET),
    "projects:target_edit": Door(_TARGET_SET, model="projects.UnitTarget"),
    "reports:report_month": Door((("report", VIEW),), post=None),
    "reports:review_unit": Door((("report", APPROVE),), post=None),
    "reports:review_city": Door((("report", policy.ACCEPT),), post=None),
    "reports:review_unit_batch": Door(None, (("report", APPROVE),)),
    "reports:review_city_batch": Door(None, (("report", policy.ACCEPT),)),
    "reports:report_entry": Door((("report", ADD),), model="projects.Project"),
    "reports:report_detail": Door((("report", VIEW),), post=None, model="reports.MonthlyReport"),
    "reports:report_submit": Door(
        None, (("report", policy.SUBMIT),), model="reports.MonthlyReport"
    ),
    "reports:report_approve": Door(None, (("report", APPROVE),), model="reports.MonthlyReport"),
    "reports:report_accept": Door(
        None, (("report", policy.ACCEPT),), model="reports.MonthlyReport"
    ),
    "reports:report_return": Door(
        None, (("report", policy.RETURN),), model="reports.MonthlyReport"
    ),
    "reports:report_amend": Door((("report", AMEND),), model="reports.MonthlyReport"),
    # --- attachments (附件): downloads through the owner's scope; uploads on the owner ---
    "attachments:download": Door(_ATTACHMENT_VIEW, None, model="attachments.Attachment"),
    "attachments:thumbnail": Door(_ATTACHMENT_VIEW, None, model="attachments.Attachment"),
    "projects:stage_attach": Door(None, _PROJECT_CHANGE, model="projects.StageEvent"),
    "reports:report_attach": Door(None, (("report", CHANGE),), model="reports.MonthlyReport"),
    # --- the inbox (通知): one's own notifications (personal rows) -----------------------
    "inbox:inbox": Door(_NOTICE_VIEW, None),
    "inbox:notification": Door(_NOTICE_VIEW, _NOTICE_CHANGE, model="inbox.Notification"),
    "inbox:mark_all_read": Door(None, _NOTICE_CHANGE),
    "inbox:preferences": Door(_NOTICE_VIEW, _NOTICE_CHANGE),
}

# --- the REST API (/api/v1/) -----------------------------------------------------------------


@dataclass(frozen=True)
class ApiDoor:
    """The decision for one API URL, per HTTP method: each value is as for :class:`Door`
    (PUBLIC, SIGNED_IN, CLOSED or (group, action) pairs); a method not listed is not
    served (405). ``model`` names the object of the URL's ``pk``."""

    methods: dict
    model: str | None = None
    note: str = ""
    catch_all: bool = False
    kwargs: dict = field(default_factory=dict)  # the URL's other parts, for the battery
    # (user, obj) -> bool: the object's own rule beside the policy (as for :class:`Door`)
    scope: object = None


def _api_object(group: str, model: str, **actions) -> dict:
    """A restricted viewset's detail URL: GET needs VIEW, PUT/PATCH CHANGE, and so on."""
    needs = {"GET": ((group, VIEW),)}
    for method, action in actions.items():
        needs[method] = ((group, action),)
    return ApiDoor(needs, model=model)


_REPORT = "reports.MonthlyReport"
_ISSUE = "coordination.Issue"


def _raiser_side(user, issue) -> bool:
    """Confirming or reopening an issue: CONFIRM on it, and its raiser or one who may
    confirm any issue of the city (``coordination.services.check_raiser_side``)."""
    in_scope = policy.restrict(
        type(issue)._base_manager.filter(pk=issue.pk), user, policy.CONFIRM
    ).exists()
    return in_scope and (policy.holds(user, "confirm_any_issue") or issue.raised_by_id == user.pk)


_PROJECT_FLOW = {"PUT": CHANGE, "PATCH": CHANGE}

API_DOORS: dict[str, ApiDoor] = {
    "api:schema": ApiDoor({"GET": SIGNED_IN}, note="the published schema: no data"),
    "api:docs": ApiDoor({"GET": SIGNED_IN}, note="Swagger UI (local files)"),
    "api:redoc": ApiDoor({"GET": SIGNED_IN}, note="Redoc (local files)"),
    "api:region-list": ApiDoor({"GET": (("region", VIEW),)}),
    "api:region-detail": _api_object("region", "regions.Region"),
    "api:project-list": ApiDoor({"GET": _PROJECT_VIEW, "POST": (("project", ADD),)}),
    "api:project-detail": _api_object("project", "projects.Project", **_PROJECT_FLOW),
    "api:project-history": ApiDoor({"GET": _PROJECT_VIEW}, model="projects.Project"),
    # The project page's lifecycle forms (projects:project_suspend, …): CHANGE.
    "api:project-suspend": ApiDoor({"POST": _PROJECT_CHANGE}, model="projects.Project"),
    "api:project-resume": ApiDoor({"POST": _PROJECT_CHANGE}, model="projects.Project"),
    "api:project-terminate": ApiDoor({"POST": _PROJECT_CHANGE}, model="projects.Project"),
    # Recording a stage, a node or a plan changes the project (the services' check).
    "api:stageevent-list": ApiDoor({"GET": _PROJECT_VIEW, "POST": _PROJECT_CHANGE}),
    "api:stageevent-detail": _api_object("project", "projects.StageEvent", **_PROJECT_FLOW),
    "api:node-list": ApiDoor({"GET": (("node", VIEW),), "POST": _PROJECT_CHANGE}),
    "api:node-detail": _api_object("node", _NODE, **_PROJECT_FLOW),
    # the responsible department's answer (办结 / 无需办理)
    "api:node-answer": ApiDoor({"POST": (("node", policy.PROGRESS),)}, model=_NODE),
    "api:annualplan-list": ApiDoor({"GET": _PROJECT_VIEW, "POST": _PROJECT_CHANGE}),
    "api:annualplan-detail": _api_object("project", "projects.AnnualPlan", **_PROJECT_FLOW),
    # 板块目标: read with the figures; set by the city (policy "set_targets")
    "api:unittarget-list": ApiDoor({"GET": (("target", VIEW),), "POST": _TARGET_SET}),
    "api:unittarget-detail": ApiDoor(
        {"GET": (("target", VIEW),), "PUT": _TARGET_SET, "PATCH": _TARGET_SET},
        model="projects.UnitTarget",
    ),
    # 交付信心: rating a project changes it (policy "rate_confidence")
    "api:confidence-list": ApiDoor({"GET": _PROJECT_VIEW, "POST": _PROJECT_CHANGE}),
    "api:confidence-detail": _api_object(
        "project", "projects.ConfidenceAssessment", **_PROJECT_FLOW
    ),
    "api:report-list": ApiDoor({"GET": (("report", VIEW),), "POST": (("report", ADD),)}),
    "api:report-detail": _api_object("report", _REPORT, **_PROJECT_FLOW),
    "api:report-submit": ApiDoor({"POST": (("report", policy.SUBMIT),)}, model=_REPORT),
    "api:report-approve": ApiDoor({"POST": (("report", APPROVE),)}, model=_REPORT),
    "api:report-accept": ApiDoor({"POST": (("report", policy.ACCEPT),)}, model=_REPORT),
    "api:report-return": ApiDoor({"POST": (("report", policy.RETURN),)}, model=_REPORT),
    "api:report-amend": ApiDoor({"POST": (("report", AMEND),)}, model=_REPORT),
    "api:figures": ApiDoor({"GET": _COCKPIT}),
    "api:figures-compare": ApiDoor({"GET": _COCKPIT}, note="an area and its parts"),
    "api:figures-integrity": ApiDoor({"GET": _COCKPIT}, note="a city's units or one unit"),
    # the overruns page's data (policy "view_overruns")
    "api:figures-overruns": ApiDoor({"GET": _COCKPIT}, note="the late projects in scope"),
    # the 亩均 page's data (policy "view_mujun"); entered through api:importjob-list
    "api:mujun": ApiDoor({"GET": _COCKPIT}, note="the 亩均 evaluation of a year"),
    "api:integrity-thresholds": ApiDoor(
        {"GET": (("config", VIEW),), "PUT": _SET_THRESHOLDS}, note="the person's city"
    ),
    "api:checkdraw-list": ApiDoor({"GET": _SPOTCHECK_VIEW, "POST": (("spotcheck", ADD),)}),
    "api:checkdraw-detail": _api_object("spotcheck", "alerts.CheckDraw"),
    "api:sitecheck-list": ApiDoor({"GET": _SPOTCHECK_VIEW}),
    "api:sitecheck-detail": _api_object("spotcheck", "alerts.SiteCheck"),
    "api:bureau-differences": ApiDoor(
        {"GET": _SPOTCHECK_VIEW, "POST": (("spotcheck", ADD),)}, note="the latest list or ?list="
    ),
    "api:sitecheck-record": ApiDoor({"POST": (("spotcheck", CHANGE),)}, model="alerts.SiteCheck"),
    "api:warnings": ApiDoor({"GET": _COCKPIT}),
    "api:warnings-export": ApiDoor({"GET": _COCKPIT}, note="the warnings page's export"),
    "api:assessmentresult-list": ApiDoor({"GET": (("assessment", VIEW),)}),
    "api:assessmentresult-detail": _api_object("assessment", "assessments.PublishedResult"),
    "api:assessmentscheme-list": ApiDoor({"GET": (("config", VIEW),)}),
    "api:assessmentscheme-detail": _api_object("config", "assessments.Scheme"),
    # The rankings page's table: the scheme in scope and the figures (view_rankings).
    "api:assessmentscheme-ranking": ApiDoor(
        {"GET": (("config", VIEW), *_COCKPIT)}, model="assessments.Scheme"
    ),
    "api:manualscore-list": ApiDoor(
        {"GET": (("assessment", VIEW),), "POST": (("assessment", ADD),)}
    ),
    "api:manualscore-detail": _api_object(
        "assessment", "assessments.ManualScore", PUT=CHANGE, PATCH=CHANGE
    ),
    "api:bulletin-list": ApiDoor({"GET": (("bulletin", VIEW),)}),
    "api:bulletin-detail": _api_object("bulletin", "bulletins.Bulletin"),
    "api:bulletin-download": ApiDoor(
        {"GET": (("bulletin", VIEW),)}, model="bulletins.Bulletin", kwargs={"fmt": "docx"}
    ),
    "api:bulletin-publish-round": ApiDoor({"POST": (("bulletin", ADD),)}),
    "api:issue-list": ApiDoor({"GET": (("issue", VIEW),), "POST": (("issue", ADD),)}),
    "api:issue-detail": _api_object("issue", _ISSUE, PUT=CHANGE, PATCH=CHANGE),
    "api:issue-acknowledge": ApiDoor({"POST": (("issue", policy.PROGRESS),)}, model=_ISSUE),
    "api:issue-start": ApiDoor({"POST": (("issue", policy.PROGRESS),)}, model=_ISSUE),
    "api:issue-steps": ApiDoor({"POST": (("issue", policy.PROGRESS),)}, model=_ISSUE),
    "api:issue-step-done": ApiDoor(
        {"POST": (("issue", policy.PROGRESS),)}, model=_ISSUE, kwargs={"step_pk": 1}
    ),
    "api:issue-resolve": ApiDoor({"POST": (("issue", policy.PROGRESS),)}, model=_ISSUE),
    "api:issue-close": ApiDoor(
        {"POST": (("issue", policy.CONFIRM),)}, model=_ISSUE, scope=_raiser_side
    ),
    "api:issue-reopen": ApiDoor(
        {"POST": (("issue", policy.CONFIRM),)}, model=_ISSUE, scope=_raiser_side
    ),
    "api:visit-list": ApiDoor({"GET": (("service", VIEW),), "POST": (("service", ADD),)}),
    "api:visit-detail": _api_object("service", "coordination.Visit"),
    "api:visit-coverage": ApiDoor({"GET": (("service", VIEW),)}),
    "api:tour-list": ApiDoor({"GET": (("tour", VIEW),)}),
    "api:tour-detail": _api_object("tour", "coordination.Tour"),
    "api:tour-scores": ApiDoor({"POST": (("tour", policy.SCORE),)}, model="coordination.Tour"),
    "api:tour-close": ApiDoor({"POST": (("tour", CHANGE),)}, model="coordination.Tour"),
    "api:importjob-list": ApiDoor({"GET": (("import", VIEW),), "POST": (("import", ADD),)}),
    "api:importjob-detail": _api_object("import", "imports.ImportJob"),
    "api:importjob-preview": ApiDoor({"GET": (("import", VIEW),)}, model="imports.ImportJob"),
    "api:importjob-apply": ApiDoor({"POST": (("import", CHANGE),)}, model="imports.ImportJob"),
    "api:importjob-progress": ApiDoor({"GET": (("import", VIEW),)}, model="imports.ImportJob"),
    "api:channel-list": ApiDoor({"GET": (("config", VIEW),)}),
    "api:channel-detail": _api_object("config", "attraction.Channel"),
    "api:lead-list": ApiDoor({"GET": _LEAD_VIEW, "POST": (("lead", ADD),)}),
    "api:lead-detail": _api_object("lead", _LEAD, **_PROJECT_FLOW),
    "api:lead-advance": ApiDoor({"POST": _LEAD_CHANGE}, model=_LEAD),
    "api:lead-terminate": ApiDoor({"POST": _LEAD_CHANGE}, model=_LEAD),
    "api:lead-sign": ApiDoor({"POST": _LEAD_SIGN}, model=_LEAD),
    "api:lead-confidential": ApiDoor({"POST": _LEAD_CHANGE}, model=_LEAD, scope=_marks_lead),
    "api:lead-duplicates": ApiDoor({"GET": _LEAD_CHANGE}, model=_LEAD, scope=_resolves_for_lead),
    "api:lead-resolve-duplicates": ApiDoor(
        {"POST": _LEAD_CHANGE}, model=_LEAD, scope=_resolves_for_lead
    ),
    # Logging a contact changes the lead (the service's check).
    "api:leadcontact-list": ApiDoor({"GET": _LEAD_VIEW, "POST": _LEAD_CHANGE}),
    "api:leadcontact-detail": _api_object("lead", "attraction.LeadContact"),
    "api:chainlink-list": ApiDoor({"GET": (("config", VIEW),)}),
    "api:chainlink-detail": _api_object("config", "attraction.ChainLink"),
    "api:campaign-list": ApiDoor({"GET": (("config", VIEW),)}),
    "api:campaign-detail": _api_object("config", "attraction.Campaign"),
    "api:campaignround-list": ApiDoor({"GET": (("config", VIEW),)}),
    "api:campaignround-detail": _api_object("config", "attraction.CampaignRound"),
    "api:campaignround-ranking": ApiDoor(
        {"GET": (("config", VIEW),)}, model="attraction.CampaignRound"
    ),
    "api:reservetier-list": ApiDoor({"GET": (("config", VIEW),)}),
    "api:reservetier-detail": _api_object("config", "attraction.ReserveTier"),
    # Placing a project in the pool changes the project (the service's check).
    "api:reserveentry-list": ApiDoor({"GET": _PROJECT_VIEW, "POST": _PROJECT_CHANGE}),
    "api:reserveentry-detail": _api_object("project", "attraction.ReserveEntry"),
    "api:importjob-errors": ApiDoor({"GET": (("import", VIEW),)}, model="imports.ImportJob"),
    # 导入招商线索 (policy "keep_leads"): all or nothing, through the lead service
    "api:import-leads": ApiDoor({"POST": (("lead", ADD),)}, note="multipart: file"),
    "api:import-template": ApiDoor(
        {"GET": SIGNED_IN}, kwargs={"kind": "ledger"}, note="a blank workbook: no data"
    ),
    # The page's export buttons (imports:export_ledger, imports:export_reports).
    "api:export-ledger": ApiDoor({"GET": _PROJECT_VIEW}),
    "api:export-reports": ApiDoor({"GET": _PROJECT_VIEW}),
    "api:attachment-list": ApiDoor(
        {"GET": _ATTACHMENT_VIEW, "POST": ((policy.ATTACHMENT_GROUP, ADD),)},
        note="POST: the owner's attach action is checked by the service (policy.may_attach)",
    ),
    "api:attachment-detail": _api_object(policy.ATTACHMENT_GROUP, "attachments.Attachment"),
    "api:attachment-content": ApiDoor({"GET": _ATTACHMENT_VIEW}, model="attachments.Attachment"),
    "api:notification-list": ApiDoor({"GET": _NOTICE_VIEW}),
    "api:notification-detail": _api_object("notice", "inbox.Notification"),
    "api:notification-read": ApiDoor({"POST": _NOTICE_CHANGE}, model="inbox.Notification"),
    "api:notification-read-all": ApiDoor({"POST": _NOTICE_CHANGE}),
    "api:not_found": ApiDoor({}, note="any other address: a 404 problem", catch_all=True),
}

API_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

# Models registered in the admin without an ``access_group`` of their own: the group that
# governs them (None: closed to the web, console superuser only).
ADMIN_GROUPS: dict[str, str | None] = {
    "accounts.user": "account",
    "auth.group": None,
}

# The admin's model views: view name → (action for GET, action for POST). VIEW_OR_CHANGE:
# the admin shows read-only what one may view and editable what one may change.
VIEW_OR_CHANGE = "view_or_change"
ADMIN_VIEWS: dict[str, tuple[str, str]] = {
    "changelist": (VIEW_OR_CHANGE, VIEW_OR_CHANGE),
    "add": (ADD, ADD),
    "change": (VIEW_OR_CHANGE, CHANGE),
    "delete": (DELETE, DELETE),
    "history": (VIEW_OR_CHANGE, VIEW_OR_CHANGE),
    "simple_history": (VIEW_OR_CHANGE, "revert"),
}


@dataclass(frozen=True)
class AdminDoor:
    group: str | None
    get: str
    post: str
    extra: dict = field(default_factory=dict)


def admin_group(model) -> str | None:
    label = model._meta.label_lower
    if label in ADMIN_GROUPS:
        return ADMIN_GROUPS[label]
    return model.access_group


def admin_door(model, view: str) -> AdminDoor:
    get, post = ADMIN_VIEWS[view]
    return AdminDoor(admin_group(model), get, post)
