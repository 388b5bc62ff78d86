"""The one place that decides who may see and do what.

Every page, admin view, export, search, command and API call narrows its querysets with
:func:`restrict` and re-checks writes with :func:`check` inside the write's transaction.

A model takes part by declaring

* ``access_group`` — which row of :data:`ROLE_ACTIONS` governs it (``project``,
  ``report``, ``target``, ``config`` …), and
* ``unit_path`` — the lookup from the model to the assessment unit (板块) that owns it,
  or ``city_path`` — the lookup to the city, for city-wide data such as clusters.

A city-level person sees the units of their city; a unit person sees their unit only.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from ballast.accounts.choices import Role

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
SUBMIT, APPROVE, ACCEPT, RETURN, AMEND = "submit", "approve", "accept", "return", "amend"

_ALL_PROJECT = {VIEW, ADD, CHANGE, DELETE}
_READ = {VIEW}

# role → access group → actions. Scope (which rows) comes from the user's region.
ROLE_ACTIONS: dict[str, dict[str, set[str]]] = {
    Role.CITY_ADMIN: {
        "project": _ALL_PROJECT,
        "report": {VIEW, ADD, CHANGE, SUBMIT, ACCEPT, RETURN, AMEND},
        "target": _ALL_PROJECT,
        "config": _ALL_PROJECT,
        "region": _READ,
        "history": _READ,
    },
    Role.CITY_REVIEWER: {
        "project": _READ,
        "report": {VIEW, ACCEPT, RETURN, AMEND},
        "target": _READ,
        "config": _READ,
        "region": _READ,
        "history": _READ,
    },
    Role.UNIT_CLERK: {
        "project": {VIEW, ADD, CHANGE},
        "report": {VIEW, ADD, CHANGE, SUBMIT},
        "target": _READ,
        "config": _READ,
        "region": _READ,
        "history": _READ,
    },
    Role.UNIT_REVIEWER: {
        "project": _READ,
        "report": {VIEW, APPROVE, RETURN},
        "target": _READ,
        "config": _READ,
        "region": _READ,
        "history": _READ,
    },
    Role.LEADER: {
        "project": _READ,
        "report": _READ,
        "target": _READ,
        "config": _READ,
        "region": _READ,
        "history": _READ,
    },
    Role.DEPARTMENT: {
        "config": _READ,
        "region": _READ,
    },
    Role.AUDITOR: {
        "history": _READ,
        "login": _READ,
        "region": _READ,
    },
    Role.ENTERPRISE: {
        "region": _READ,
    },
}


def allowed_actions(user, group: str) -> set[str]:
    """The actions ``user`` may take on objects of ``group`` somewhere in their scope."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    if user.is_superuser:
        return {VIEW, ADD, CHANGE, DELETE, SUBMIT, APPROVE, ACCEPT, RETURN, AMEND}
    return ROLE_ACTIONS.get(user.role, {}).get(group, set())


def may(user, action: str, model) -> bool:
    """Whether ``user`` may take ``action`` on some object of ``model``."""
    return action in allowed_actions(user, model.access_group)


def scope_q(user, model) -> Q | None:
    """The filter that keeps the rows of ``model`` inside ``user``'s scope; None: no rows."""
    if user.is_superuser:
        return Q()
    region = user.region
    if region is None:
        return None
    unit_path = getattr(model, "unit_path", None)
    city_path = getattr(model, "city_path", None)
    if model.access_group == "region":
        city_id = user.city_id_in_scope
        return Q(pk=city_id) | Q(parent_id=city_id) | Q(pk=region.parent_id)
    if model.access_group == "login":
        return (
            Q(user__region_id=user.region_id)
            | Q(user__region__parent_id=user.region_id)
            | Q(user__isnull=True)
        )
    if user.is_city_level:
        if unit_path is not None:
            return Q(**{f"{unit_path}__parent_id": region.id})
        if city_path is not None:
            return Q(**{f"{city_path}_id": region.id})
        return None
    # A unit person: their own unit only.
    if unit_path is not None:
        return Q(**{f"{unit_path}_id": region.id})
    if city_path is not None:
        return Q(**{f"{city_path}_id": region.parent_id})
    return None


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
    if user.is_city_level:
        if unit.parent_id != region.id:
            raise PermissionDenied("该板块不在您所在市的范围内。")
    elif unit.id != region.id:
        raise PermissionDenied("您只能操作本板块的数据。")


def units_for(user, action: str, model):
    """The assessment units in which ``user`` may take ``action`` on objects of ``model``
    (for the unit choices of forms and imports)."""
    from ballast.regions.models import Region

    units = Region.objects.filter(is_assessment_unit=True)
    if not may(user, action, model):
        return units.none()
    if user.is_superuser:
        return units
    if user.region is None:
        return units.none()
    if user.is_city_level:
        return units.filter(parent_id=user.region_id)
    return units.filter(pk=user.region_id)


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
}


def _denied_message(action: str) -> str:
    return f"您没有{_ACTION_NAMES.get(action, action)}该数据的权限。"
