"""The one place that decides who may see and do what.

Every page, admin view, export, search, command and API call narrows its querysets with
:func:`restrict` and re-checks writes with :func:`check` inside the write's transaction.

A model takes part by declaring

* ``access_group`` — which row of :data:`ROLE_ACTIONS` governs it (``project``,
  ``report``, ``target``, ``config`` …), and
* ``unit_path`` — the lookup from the model to the assessment unit (板块) that owns it,
  or ``city_path`` — the lookup to the city, for city-wide data such as clusters;
* optionally ``project_path`` — the lookup to the project, which gives enterprise
  contacts the rows of their own projects (``coordination.ProjectContact``), and
  ``department_path`` — the lookup to the responsible department, which gives department
  officers the coordination issues assigned to them and the nodes their department is
  responsible for, across units (:data:`DEPARTMENT_GROUPS`);
* for personal rows (notices), ``owner_path`` — the lookup to the person they belong to.

Scope is a prefix of the region tree's materialised path (``Region.path``,
``regions.models.within``): a person sees the rows of their region and of everything below
it, at any depth — a province officer every city of the province, a city person every unit
of the city, a district clerk the district and a park under it. Nothing assumes that a
unit's parent is its city.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from ballast.accounts.choices import ADMINISTRATOR_ROLES, Role
from ballast.accounts.models import User
from ballast.regions.choices import RegionKind
from ballast.regions.models import Region, within

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
SUBMIT, APPROVE, ACCEPT, RETURN, AMEND = "submit", "approve", "accept", "return", "amend"
# Coordination issues: PROGRESS = acknowledge, work on, add steps, resolve (the answering
# side); CONFIRM = confirm the resolution (销号) or reopen it (the raising side);
# SCORE = enter site-tour scores.
PROGRESS, CONFIRM, SCORE = "progress", "confirm", "score"
# Downloading a list of the audit trail (audit.AuditRecord).
EXPORT = "export"

_ALL_PROJECT = {VIEW, ADD, CHANGE, DELETE}
_READ = {VIEW}

# role → access group → actions. Scope (which rows) comes from the user's region.
ROLE_ACTIONS: dict[str, dict[str, set[str]]] = {
    Role.CITY_ADMIN: {
        "project": _ALL_PROJECT,
        "report": {VIEW, ADD, CHANGE, SUBMIT, ACCEPT, RETURN, AMEND},
        "target": _ALL_PROJECT,
        "config": _ALL_PROJECT,
        "directory": _ALL_PROJECT,
        "region": _READ,
        "history": _READ,
        "issue": {VIEW, ADD, CHANGE, DELETE, PROGRESS, CONFIRM},
        "service": _ALL_PROJECT,
        "tour": {VIEW, ADD, CHANGE, DELETE, SCORE},
        # Web imports (imports.ImportJob): the ledger of the city's units and the reports.
        "import": {VIEW, ADD, CHANGE},
        # Results drawn from project data: published bulletins (ADD = publish), manual
        # scores and published assessment results.
        "bulletin": {VIEW, ADD},
        "assessment": _ALL_PROJECT,
        # Investment leads (招商线索) and their contacts log.
        "lead": _ALL_PROJECT,
        # On-site check lists (现场抽查): ADD = draw the month's list, CHANGE = record a
        # result. Never a unit's: a check is not announced to the unit checked.
        "spotcheck": {VIEW, ADD, CHANGE},
    },
    Role.CITY_REVIEWER: {
        "project": _READ,
        "report": {VIEW, ACCEPT, RETURN, AMEND},
        "target": _READ,
        "config": _READ,
        "directory": _READ,
        "region": _READ,
        "history": _READ,
        "issue": _READ,
        "service": _READ,
        "tour": {VIEW, SCORE},
        "bulletin": _READ,
        "assessment": _READ,
        "lead": _READ,
        # 市级审核员 are the checkers: they record what they found on site.
        "spotcheck": {VIEW, CHANGE},
    },
    Role.UNIT_CLERK: {
        "project": {VIEW, ADD, CHANGE},
        "report": {VIEW, ADD, CHANGE, SUBMIT},
        "target": _READ,
        "config": _READ,
        "directory": _READ,
        "region": _READ,
        "history": _READ,
        "issue": {VIEW, ADD, CHANGE, PROGRESS, CONFIRM},
        "service": {VIEW, ADD, CHANGE},
        "tour": _READ,
        # Web imports of their unit's ledger (the library checks each row's unit).
        "import": {VIEW, ADD, CHANGE},
        "bulletin": _READ,
        "assessment": _READ,
        # The unit's investment officer (招商专员) keeps its leads.
        "lead": {VIEW, ADD, CHANGE},
    },
    Role.UNIT_REVIEWER: {
        "project": _READ,
        "report": {VIEW, APPROVE, RETURN},
        "target": _READ,
        "config": _READ,
        "directory": _READ,
        "region": _READ,
        "history": _READ,
        "issue": {VIEW, CONFIRM},
        "service": _READ,
        "tour": _READ,
        "bulletin": _READ,
        "assessment": _READ,
        "lead": _READ,
    },
    Role.LEADER: {
        "project": _READ,
        "report": _READ,
        "target": _READ,
        "config": _READ,
        "directory": _READ,
        "region": _READ,
        "history": _READ,
        # Leaders raise what they find on visits (家家到) and confirm what they raised.
        "issue": {VIEW, ADD, CONFIRM},
        "service": {VIEW, ADD},
        "tour": {VIEW, SCORE},
        "bulletin": _READ,
        "assessment": _READ,
        "lead": _READ,
        "spotcheck": _READ,
    },
    # A department officer sees the issues assigned to their department and what those
    # issues need (their projects' names through the issue), nothing else: no bulletins,
    # no scores, no configuration.
    Role.DEPARTMENT: {
        "region": _READ,
        # The city's departments (to whom an issue goes): a directory, not project data.
        "directory": _READ,
        # Only the issues assigned to their department (see scope_q); they may raise
        # one for their own department.
        "issue": {VIEW, ADD, CHANGE, PROGRESS},
        # The nodes of project node plans their department is responsible for (前期手续:
        # 备案、供地、规划许可、施工许可 …), across units: they see them and record the
        # outcome (PROGRESS = 办结 / 无需办理), nothing else of the project.
        "node": {VIEW, PROGRESS},
    },
    Role.AUDITOR: {
        "history": _READ,
        "login": _READ,
        "region": _READ,
        # The audit trail (audit.AuditRecord): the auditor's alone (三权分立).
        "audit": {VIEW, EXPORT},
    },
    # 系统管理员: configuration only (clusters, rules, schemes, calendars) — no accounts,
    # no audit trail, no project data (bulletins and scores are project data).
    Role.SYSTEM_ADMIN: {
        "config": _ALL_PROJECT,
        "directory": _ALL_PROJECT,
        "region": _READ,
    },
    # 安全管理员: accounts, roles, unlocks, 2FA resets — nothing else.
    Role.SECURITY_ADMIN: {
        "account": {VIEW, ADD, CHANGE},
        "region": _READ,
    },
    # 省发改委: reads every city of the province (projects, figures, warnings, results),
    # compares them; each city keeps its own rules, so it changes nothing.
    Role.PROVINCE_OFFICER: {
        "project": _READ,
        "report": _READ,
        "target": _READ,
        "config": _READ,
        "directory": _READ,
        "region": _READ,
        "history": _READ,
        "issue": _READ,
        "service": _READ,
        "tour": _READ,
        "bulletin": _READ,
        "assessment": _READ,
        "lead": _READ,
        "spotcheck": _READ,
    },
    Role.ENTERPRISE: {
        "region": _READ,
        # Only the projects they are the contact of (coordination.ProjectContact).
        "project": _READ,
        "issue": {VIEW, ADD, CONFIRM},
    },
}

# 节点计划 (``projects.Node``): a node follows its project's rights — whoever may see or
# change a project may see or change its node plan — except for department officers,
# whose "node" row above gives them their department's nodes alone.
for _groups in ROLE_ACTIONS.values():
    if "project" in _groups:
        _groups.setdefault("node", set(_groups["project"]))
del _groups

# Groups a department officer sees by their department (``department_path``), not by
# region: the issues assigned to it and the nodes it is responsible for.
DEPARTMENT_GROUPS = ("issue", "node")

# Groups of personal rows: in-app notices (everyone sees and marks read their own) and
# personal API tokens (made, listed and revoked by their owner).
PERSONAL_GROUPS: dict[str, set[str]] = {"notice": {VIEW, CHANGE}, "token": {VIEW, ADD, DELETE}}

# Attachments (附件, ``attachments.Attachment``): a file belongs to an owner row; who sees
# it is whoever sees the owner (VIEW on the owner's own group and scope), so a clerk of
# another unit never finds it. Adding one needs any of the listed actions on the owner.
# owner model (app_label.model_name) → the actions on the owner that allow attaching.
ATTACHMENT_OWNERS: dict[str, tuple[str, ...]] = {
    "projects.stageevent": (CHANGE,),  # 施工许可证, dated site photos of 开工/入库
    "reports.monthlyreport": (CHANGE,),  # 形象进度 photos while the report is edited
    "coordination.issue": (ADD, PROGRESS, CONFIRM),  # documents of either side
    "coordination.visit": (ADD, CHANGE),  # photos of a visit (家家到)
    # on-site photos and documents of a check (现场抽查): whoever may record checks
    # (CHANGE on "spotcheck"); seen by whoever sees the check — never the unit checked
    "alerts.sitecheck": (CHANGE,),
}
# The group's actions: every signed-in person; the rows come from the owners' scope.
ATTACHMENT_GROUP = "attachment"
_ATTACHMENT_ACTIONS = {VIEW, ADD}

# Groups the administrator roles (系统/安全管理员, 审计员) and console superusers do not
# get. API tokens: an administrator signs in with a second factor on every session, and a
# token would be a standing key past it; the API serves nothing an administrator's work
# needs (the auditor reads and exports the trail on its pages).
NO_ADMINISTRATOR_GROUPS = {"token"}

# Groups a superuser flag does not open: the trail is read by the auditor role only, so
# that no administrator reads, or learns to evade, the record of their own actions.
ROLE_ONLY_GROUPS = {"audit"}


def allowed_actions(user, group: str) -> set[str]:
    """The actions ``user`` may take on objects of ``group`` somewhere in their scope."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    if group in NO_ADMINISTRATOR_GROUPS and _administrator_account(user):
        return set()
    if user.is_superuser and group not in ROLE_ONLY_GROUPS:
        return {
            VIEW, ADD, CHANGE, DELETE, SUBMIT, APPROVE, ACCEPT, RETURN, AMEND,
            PROGRESS, CONFIRM, SCORE,
        }  # fmt: skip
    if group in PERSONAL_GROUPS:
        return PERSONAL_GROUPS[group]
    if group == ATTACHMENT_GROUP:
        return set(_ATTACHMENT_ACTIONS)
    return ROLE_ACTIONS.get(user.role, {}).get(group, set())


def may(user, action: str, model) -> bool:
    """Whether ``user`` may take ``action`` on some object of ``model``."""
    return action in allowed_actions(user, model.access_group)


def scope_q(user, model) -> Q | None:
    """The filter that keeps the rows of ``model`` inside ``user``'s scope; None: no rows."""
    if model.access_group == "audit":
        # The trail is the installation's, not a city's: its auditor reads all of it.
        return Q() if user.role == Role.AUDITOR else None
    if user.is_superuser:
        return Q()
    if model.access_group == ATTACHMENT_GROUP:
        return _attachment_q(user)
    if model.access_group in PERSONAL_GROUPS or getattr(model, "owner_only", False):
        # Personal rows (notices, one's own import jobs): the owner's only.
        return Q(**{f"{model.owner_path}_id": user.pk})
    if user.role == Role.ENTERPRISE and model.access_group != "region":
        return _enterprise_q(user, model)
    if user.role == Role.DEPARTMENT and model.access_group in DEPARTMENT_GROUPS:
        return _department_q(user, model)
    region = user.region
    if region is None:
        return None
    unit_path = getattr(model, "unit_path", None)
    city_path = getattr(model, "city_path", None)
    if model.access_group == "region":
        # The area of their scope (a unit person: their whole city, for names and
        # rankings) and the regions above it.
        root = scope_root(user)
        return within("", root) | Q(code__in=root.codes[:-1])
    person_path = getattr(model, "person_region_path", None)
    if person_path is not None:
        # Accounts: the people of the area (a unit person's: of their city).
        return within(person_path, scope_root(user))
    if model.access_group == "login":
        return within("user__region", region) | Q(user__isnull=True)
    if unit_path is not None and city_path is not None:
        # Rows of a whole city (no unit) or of one unit, e.g. bulletins: city and province
        # people see all of their area's; unit people the city-wide ones and their own.
        if user.is_above_units:
            return within(city_path, region)
        return within(unit_path, region) | (
            Q(**{f"{unit_path}__isnull": True}) & within(city_path, scope_root(user))
        )
    if unit_path is not None:
        return within(unit_path, region)
    if city_path is not None:
        # City-wide rows (clusters, rules …): a unit person reads their city's.
        return within(city_path, scope_root(user))
    return None


def scope_root(user):
    """The region whose subtree bounds what ``user`` may know of (names, people): their
    own region for a city or province person, their city for a unit person."""
    region = user.region
    if region is None or user.is_above_units:
        return region
    return region.city or region


def city_for(user, code: str | None = None):
    """The city that a page of one city (cockpit, rankings, map, bulletins) shows to
    ``user``: their own city; for a province person (or a superuser) the city ``code`` of
    their area, by default its first city with assessment units. None when there is none.
    """
    own = user.city_id_in_scope if user.region_id is not None else None
    if own is not None:
        return Region.objects.get(pk=own)
    if user.region_id is None and not user.is_superuser:
        return None
    cities = Region.objects.filter(kind=RegionKind.CITY, children__is_assessment_unit=True)
    if user.region_id is not None:
        cities = cities.filter(within("", user.region))
    if code:
        return cities.filter(code=code).first()
    # The installation's own city first (BALLAST_CITY), then the first by code.
    return cities.filter(code=settings.BALLAST_CITY).first() or cities.order_by("path").first()


def province_for(user, code: str | None = None):
    """The province whose cities a province page compares for ``user``: their own for a
    province person; any (``code``, by default the first) for a superuser; None else."""
    if user.is_superuser:
        provinces = Region.objects.filter(kind=RegionKind.PROVINCE).order_by("code")
        return (provinces.filter(code=code) if code else provinces).first()
    return user.region if user.is_province_level else None


def in_area(user, region) -> bool:
    """Whether ``region`` lies in ``user``'s area (:func:`scope_root`): superusers
    everywhere."""
    if user.is_superuser:
        return True
    root = scope_root(user)
    return root is not None and root.contains(region)


def _project_lookup(model) -> str | None:
    """The lookup from ``model`` to its project ("" for the project itself)."""
    if model._meta.label == "projects.Project":
        return ""
    return getattr(model, "project_path", None)


def _enterprise_q(user, model) -> Q | None:
    """An enterprise contact: rows of the projects they are the contact of, nothing else.

    The link is ``coordination.ProjectContact`` (related name ``contacts`` on Project).
    """
    path = _project_lookup(model)
    if path is None:
        return None
    prefix = f"{path}__" if path else ""
    return Q(**{f"{prefix}contacts__user_id": user.pk})


def _department_q(user, model) -> Q | None:
    """A department officer: the issues assigned to their department and the nodes it is
    responsible for, across the units of their city."""
    path = getattr(model, "department_path", None)
    if path is None or user.department_id is None:
        return None
    condition = Q(**{f"{path}_id": user.department_id})
    unit_path = getattr(model, "unit_path", None)
    if user.region is not None and unit_path is not None:
        condition &= within(unit_path, scope_root(user))
    return condition


def _attachment_q(user) -> Q:
    """Attachments whose owner ``user`` may view (each owner model restricted by its own
    group and scope)."""
    condition = Q(pk__in=[])
    for label in ATTACHMENT_OWNERS:
        try:
            owner_model = apps.get_model(label)
        except LookupError:  # an owner app not installed
            continue
        visible = restrict(owner_model._base_manager.all(), user, VIEW).values("pk")
        owner_type = ContentType.objects.get_for_model(owner_model)
        condition |= Q(owner_type_id=owner_type.pk, owner_id__in=visible)
    return condition


def may_attach(user, owner) -> bool:
    """Whether ``user`` may add a file to ``owner`` (:data:`ATTACHMENT_OWNERS`)."""
    actions = ATTACHMENT_OWNERS.get(owner._meta.label_lower)
    if not actions or owner.pk is None:
        return False
    rows = type(owner)._base_manager.filter(pk=owner.pk)
    return any(restrict(rows, user, action).exists() for action in actions)


def attachable(user, owners) -> set:
    """The pks of ``owners`` (saved objects of one model) ``user`` may add a file to:
    :func:`may_attach` for many, one query per action."""
    owners = [o for o in owners if o.pk is not None]
    if not owners:
        return set()
    model = type(owners[0])
    actions = ATTACHMENT_OWNERS.get(model._meta.label_lower)
    if not actions:
        return set()
    rows = model._base_manager.filter(pk__in=[o.pk for o in owners])
    found: set = set()
    for action in actions:
        found.update(restrict(rows, user, action).values_list("pk", flat=True))
    return found


def check_attach(user, owner) -> None:
    """Raise PermissionDenied unless ``user`` may add a file to ``owner``."""
    if not may_attach(user, owner):
        raise PermissionDenied("您没有为该数据添加附件的权限。")


def restrict(queryset, user, action: str = VIEW):
    """Narrow ``queryset`` to the rows ``user`` may take ``action`` on."""
    model = queryset.model
    if not may(user, action, model):
        return queryset.none()
    condition = scope_q(user, model)
    if condition is None:
        return queryset.none()
    return queryset.filter(condition)


def check(user, action: str, obj) -> None:
    """Raise PermissionDenied unless ``user`` may take ``action`` on the saved ``obj``.

    Call it inside the write's transaction, after locking the row where it matters.
    """
    model = type(obj)
    if obj.pk is None or not restrict(model._base_manager.filter(pk=obj.pk), user, action).exists():
        raise PermissionDenied(_denied_message(action))


def _administrator_account(account) -> bool:
    return bool(account.is_superuser or account.role in ADMINISTRATOR_ROLES)


def may_manage_account(user, action: str, target) -> bool:
    """Whether ``user`` may take ``action`` on the account ``target`` through the web."""
    try:
        check_account(user, action, target)
    except PermissionDenied:
        return False
    return True


def check_account(user, action: str, target=None, *, role=None, region=None) -> None:
    """Raise PermissionDenied unless ``user`` may take ``action`` on an account (三权分立).

    Only the security administrator manages accounts (the ``account`` group), of their
    city, and never one that would hold a power above their own: no one changes their
    own account, no one touches an administrator account (系统/安全管理员, 审计员, or a
    console superuser) through the web — those are made and reset at the console
    (``manage.py admin_account``) — and no one gives an administrator role. ``target``
    is the saved account (None when creating one); ``role`` and ``region`` what the
    account is to get. Call it inside the write's transaction.
    """
    if not may(user, action, User):
        raise PermissionDenied(_denied_message(action))
    if target is not None:
        if target.pk == user.pk:
            raise PermissionDenied("不能修改自己的账户、角色或权限。")
        if _administrator_account(target):
            raise PermissionDenied(
                "系统管理员、安全管理员和审计员的账户只能由服务器控制台"
                "（manage.py admin_account）管理。"
            )
        check(user, action, target)
    if role is not None and role in ADMINISTRATOR_ROLES:
        raise PermissionDenied("管理员角色只能由服务器控制台（manage.py admin_account）授予。")
    if region is not None and not in_area(user, region):
        raise PermissionDenied("该市/板块不在您所在市的范围内。")


def check_unit(user, action: str, model, unit) -> None:
    """Raise PermissionDenied unless ``user`` may take ``action`` on a ``model`` of ``unit``.

    For objects not yet saved: the unit they are to belong to must be inside scope.
    """
    if not may(user, action, model):
        raise PermissionDenied(_denied_message(action))
    if user.is_superuser:
        return
    region = user.region
    if unit is None or region is None:
        raise PermissionDenied(_denied_message(action))
    if not region.contains(unit):
        if user.is_above_units:
            raise PermissionDenied("该板块不在您所在市的范围内。")
        raise PermissionDenied("您只能操作本板块的数据。")


def units_for(user, action: str, model):
    """The assessment units in which ``user`` may take ``action`` on objects of ``model``
    (for the unit choices of forms and imports)."""
    units = Region.objects.filter(is_assessment_unit=True)
    if not may(user, action, model):
        return units.none()
    if user.is_superuser:
        return units
    if user.region is None:
        return units.none()
    return units.filter(within("", user.region))


def users_for(user, *, roles=None, unit=None):
    """The people ``user`` may choose in a form (a contact, a judge, a visitor …): active
    people of ``user``'s scope — for a city-level person the city and its units, for a
    unit person their unit — narrowed to ``roles`` and, when given, to ``unit``."""
    people = User.objects.filter(is_active=True)
    if roles is not None:
        people = people.filter(role__in=list(roles))
    if unit is not None:
        people = people.filter(region_id=unit.pk)
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return people.none()
    if user.is_superuser:
        return people
    region = user.region
    if region is None:
        return people.none()
    return people.filter(within("region", region))


def check_user_choice(user, chosen, *, roles=None, unit=None, field: str = "user") -> None:
    """Raise ValidationError unless ``chosen`` is among :func:`users_for` (the services'
    re-check of a person picked in a form)."""
    from django.core.exceptions import ValidationError

    if not users_for(user, roles=roles, unit=unit).filter(pk=chosen.pk).exists():
        raise ValidationError({field: "所选人员不在您的范围内，或角色、所属板块不符。"})


_ACTION_NAMES = {
    VIEW: "查看",
    ADD: "新增",
    CHANGE: "修改",
    DELETE: "删除",
    SUBMIT: "报送",
    APPROVE: "审核",
    ACCEPT: "验收",
    RETURN: "退回",
    AMEND: "更正",
    PROGRESS: "办理",
    CONFIRM: "确认销号",
    SCORE: "评分",
    EXPORT: "导出",
}


def _denied_message(action: str) -> str:
    return f"您没有{_ACTION_NAMES.get(action, action)}该数据的权限。"


# --------------------------------------------------------------------------- named actions
# Rights and duties that are not one (access group, action) on a model's rows. Pages,
# menus, services and templates ask for them by name — ``may_do(user, "view_warnings")``,
# ``{% can "export_ledger" %}`` — so no code outside this module compares roles.


def _reads_figures(user) -> bool:
    """Figures and targets both readable (the cockpits, rankings, the leader pages)."""
    return VIEW in allowed_actions(user, "project") and VIEW in allowed_actions(user, "target")


# duty → (the roles that hold it, whether a superuser counts as holding it). A duty is
# both a right (``may_do``) and a set of people (``holders``: whom to notify, whom to
# offer in a form).
DUTIES: dict[str, tuple[tuple[str, ...], bool]] = {
    # the cockpit is their home page (市级管理员, 领导)
    "land_on_cockpit": ((Role.CITY_ADMIN, Role.LEADER), True),
    # downloads the standard ledger (标准台账) to edit and import again
    "export_ledger": ((Role.CITY_ADMIN, Role.UNIT_CLERK), True),
    # the issues board is the person's inbox: the issues sent to their department
    "answer_for_department": ((Role.DEPARTMENT,), False),
    # confirms (销号) or reopens any issue of the city, not only the ones they raised
    "confirm_any_issue": ((Role.CITY_ADMIN,), True),
    # is told of a new issue of the city's projects (市级管理员)
    "oversee_city_issues": ((Role.CITY_ADMIN,), False),
    # fills in the unit's monthly reports (板块填报员)
    "fill_reports": ((Role.UNIT_CLERK,), False),
    # may be linked to projects as their leader (挂钩领导)
    "lead_projects": ((Role.LEADER,), False),
    # an enterprise's contact of its own projects (企业联系人)
    "be_project_contact": ((Role.ENTERPRISE,), False),
    # runs imports from the console on the city's behalf
    "import_for_city": ((Role.CITY_ADMIN,), True),
    # oversees the city's attraction: resolves duplicate leads (keeping both histories),
    # marks a lead's investor confidential
    "oversee_attraction": ((Role.CITY_ADMIN,), True),
}

# Named rights decided by more than a role: name → test(user).
NAMED_ACTIONS = {
    "view_cockpit": _reads_figures,
    # warnings and the linked leaders are the government's view of its projects, not
    # an enterprise contact's
    "view_warnings": lambda user: (
        VIEW in allowed_actions(user, "project") and not holds(user, "be_project_contact")
    ),
    "view_leaders": lambda user: (
        VIEW in allowed_actions(user, "project") and not holds(user, "be_project_contact")
    ),
    "view_rankings": _reads_figures,
    # a draft bulletin (通报) is composed from the figures of the person's own city or
    # unit: whoever reads bulletins and has a region (or a superuser)
    # 招商: keeps leads (a unit's investment officer, the city); signs them into projects
    "keep_leads": lambda user: ADD in allowed_actions(user, "lead"),
    "sign_leads": lambda user: (
        CHANGE in allowed_actions(user, "lead") and ADD in allowed_actions(user, "project")
    ),
    "resolve_lead_duplicates": lambda user: holds(user, "oversee_attraction"),
    "mark_lead_confidential": lambda user: holds(user, "oversee_attraction"),
    # --- the service loop (issue 13) ---
    # 提出问题/诉求: a clerk for a project of the unit, an enterprise for its own project,
    # a leader on a visit, a department for itself (the row scope decides which projects)
    "raise_issue": lambda user: ADD in allowed_actions(user, "issue"),
    # 交办: a city or unit officer sets the department, person, deadline and level
    "assign_issue": lambda user: (
        CHANGE in allowed_actions(user, "issue") and not holds(user, "answer_for_department")
    ),
    # 路线图: the answering side adds dated steps with owners and marks them done
    "edit_roadmap": lambda user: PROGRESS in allowed_actions(user, "issue"),
    # 确认销号/重新打开: the raising side (the service checks it is the raiser)
    "confirm_issue": lambda user: CONFIRM in allowed_actions(user, "issue"),
    # 家家到: records a visit from the phone page
    "record_visit": lambda user: ADD in allowed_actions(user, "service"),
    # 观摩评分: a judge scores (the service checks they judge this tour)
    "score_tour": lambda user: SCORE in allowed_actions(user, "tour"),
    # 截止评分: closes a tour's scoring, after which the judges see each other's scores
    "close_tour": lambda user: CHANGE in allowed_actions(user, "tour"),
    # 节点模板: the city's node plans per project category, applied to a project
    "apply_node_templates": lambda user: CHANGE in allowed_actions(user, "project"),
    # 超期（相对基线）: the overruns page and its API, a government view of the projects
    # in the person's scope (a unit person: their unit's; the city: all)
    "view_overruns": lambda user: (
        VIEW in allowed_actions(user, "project") and not holds(user, "be_project_contact")
    ),
    # 亩均论英雄: the evaluation page, its export and API read the figures in scope
    "view_mujun": _reads_figures,
    # 亩均数据录入（导入）: whoever changes the projects in scope (a unit clerk, the city)
    "enter_mujun": lambda user: (
        CHANGE in allowed_actions(user, "project") and ADD in allowed_actions(user, "import")
    ),
    # 板块目标: the city sets its units' targets per year and quarter (the form, the import
    # and the API); whoever reads the figures sees them beside the actual figures
    "set_targets": lambda user: (
        ADD in allowed_actions(user, "target") and CHANGE in allowed_actions(user, "target")
    ),
    "view_targets": _reads_figures,
    # 交付信心评级: whoever keeps the project's data rates it month by month (the unit
    # officer for the unit's projects, the city for all); the government's view lists them
    "rate_confidence": lambda user: (
        CHANGE in allowed_actions(user, "project") and not holds(user, "be_project_contact")
    ),
    "view_confidence": lambda user: (
        VIEW in allowed_actions(user, "project") and not holds(user, "be_project_contact")
    ),
    # --- integrity (issue 12) ---
    # 数据质量阈值: the city administrator sets the city's own thresholds
    "set_integrity_thresholds": lambda user: (
        CHANGE in allowed_actions(user, "config") and ADD in allowed_actions(user, "spotcheck")
    ),
    # 现场抽查: the city draws the month's list; the checkers (and the city) record results
    "draw_site_checks": lambda user: ADD in allowed_actions(user, "spotcheck"),
    "record_site_checks": lambda user: CHANGE in allowed_actions(user, "spotcheck"),
    "compose_bulletin": lambda user: (
        VIEW in allowed_actions(user, "bulletin")
        and (user.is_superuser or user.region_id is not None)
    ),
}


def shows_lead_investor(user, lead) -> bool:
    """Whether ``user`` may read the investor's name of ``lead`` (招商线索) where another
    unit's lead is shown (duplicates, the chain map): always, unless the city marked the
    lead confidential and ``user`` is a unit person of another unit."""
    if not lead.confidential or user.is_superuser or user.is_above_units:
        return True
    return user.region is not None and user.region.contains(lead.unit)


def holds(user, duty: str) -> bool:
    """Whether ``user`` holds ``duty`` (:data:`DUTIES`) by their role."""
    roles, superuser = DUTIES[duty]
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return superuser
    return user.role in roles


def may_do(user, name: str, obj=None) -> bool:
    """Whether ``user`` may do the named action ``name`` (:data:`NAMED_ACTIONS`, a duty of
    :data:`DUTIES`, or ``"group.action"`` of :data:`ROLE_ACTIONS`)."""
    if name in NAMED_ACTIONS:
        return bool(NAMED_ACTIONS[name](user))
    if name in DUTIES:
        return holds(user, name)
    group, __, action = name.partition(".")
    if not action:
        raise KeyError(f"unknown named action: {name!r}")
    if obj is not None and hasattr(type(obj), "objects"):
        return (
            may(user, action, type(obj))
            and restrict(type(obj).objects.filter(pk=obj.pk), user, action).exists()
        )
    return action in allowed_actions(user, group)


def holders(duty: str, *, active: bool = True) -> Q:
    """A filter of the (active) people holding ``duty`` (e.g. whom to notify)."""
    roles, __ = DUTIES[duty]
    found = Q(role__in=list(roles))
    return found & Q(is_active=True) if active else found


def duty_roles(duty: str) -> tuple[str, ...]:
    """The roles holding ``duty`` (for :func:`users_for`'s ``roles``)."""
    return DUTIES[duty][0]


def leaders_for(user, *, active: bool = True):
    """The linked leaders (挂钩领导) ``user`` may know of: the (active) leaders of the area
    of :func:`scope_root` — for a unit person their city and its units, for a city or
    province person their region and all below it (a leader is among them)."""
    leaders = User.objects.filter(holders("lead_projects", active=active))
    root = scope_root(user)
    if root is None:
        return leaders.none()
    return leaders.filter(within("region", root))


# Where each role lands after signing in: (URL name, served in place at "/"). Roles not
# listed see the workspace.
LANDING: dict[str, tuple[str, bool]] = {
    Role.UNIT_CLERK: ("reports:report_month", False),
    Role.UNIT_REVIEWER: ("reports:review_unit", False),
    Role.CITY_REVIEWER: ("reports:review_city", False),
    # 安全管理员: their work is the accounts.
    Role.SECURITY_ADMIN: ("accounts:user_list", False),
    # 省发改委: the comparison of the province's cities.
    Role.PROVINCE_OFFICER: ("dashboards:province", False),
}
COCKPIT_LANDING = ("dashboards:cockpit", True)


def landing(user) -> tuple[str, bool] | None:
    """The page ``user`` starts on, or None for the workspace."""
    if not user.is_superuser and user.role in LANDING:
        return LANDING[user.role]
    if holds(user, "land_on_cockpit"):
        return COCKPIT_LANDING
    return None


def workspace_kind(user) -> str:
    """Which workspace a person without a landing page sees: ``department``,
    ``enterprise`` or ``general``."""
    if holds(user, "answer_for_department"):
        return "department"
    if holds(user, "be_project_contact"):
        return "enterprise"
    return "general"


def cache_scope(user) -> tuple:
    """What decides a user's rows (the same for every person of one role and region, but
    personal for an enterprise contact): the key part of a cached page's figures."""
    return (
        user.pk if holds(user, "be_project_contact") else "",
        user.is_superuser,
        user.role,
        user.region_id,
        user.department_id,
    )
