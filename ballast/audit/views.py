"""The auditor's pages: the trail (search, pages, export), one record, the login log.

Only the auditor role reads them (``policy``: group "audit"); everyone else gets 403.
Exporting is itself recorded (through the shared export helper).
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ballast.accounts import policy
from ballast.audit import services
from ballast.audit.choices import SIGN_IN_KINDS, Kind
from ballast.audit.filtersets import AuditFilterSet
from ballast.audit.models import AuditRecord
from ballast.web.exports import table_export

PAGE_SIZE = 50
# A download holds at most this many records; narrow the search for more.
EXPORT_LIMIT = 50_000


def _require(user, action: str) -> None:
    if not policy.may(user, action, AuditRecord):
        raise PermissionDenied(policy._denied_message(action))


def _changes_text(record: AuditRecord) -> str:
    if record.kind != Kind.CHANGE:
        return "; ".join(f"{k}: {v}" for k, v in (record.changes or {}).items())
    parts = []
    for field, values in (record.changes or {}).items():
        before, after = values.get("before"), values.get("after")
        parts.append(
            f"{field}: {'' if before is None else before} → {'' if after is None else after}"
        )
    return "; ".join(parts)


EXPORT_COLUMNS = (
    ("序号", lambda r: r.seq),
    ("时间", lambda r: timezone.localtime(r.at).strftime("%Y-%m-%d %H:%M:%S")),
    ("操作人", lambda r: r.actor_username),
    ("角色", lambda r: r.actor_role),
    ("IP 地址", lambda r: r.ip),
    ("客户端", lambda r: r.user_agent),
    ("来源", lambda r: r.get_source_display()),
    ("请求编号", lambda r: r.request_id),
    ("类型", lambda r: r.get_kind_display()),
    ("动作", lambda r: r.action_label),
    ("数据表", lambda r: r.model_label),
    ("对象编号", lambda r: r.object_id),
    ("对象", lambda r: r.object_repr),
    ("变更（前 → 后）", _changes_text),
    ("原因", lambda r: r.reason),
    ("哈希", lambda r: r.hash),
)


def _listing(request, *, queryset, template: str, filename: str, sheet_title: str, extra=None):
    user = request.user
    _require(user, policy.VIEW)
    filterset = AuditFilterSet(request.GET or None, queryset=queryset)
    records = filterset.qs.order_by("-seq")
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        _require(user, policy.EXPORT)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return table_export(
            export, EXPORT_COLUMNS, list(records[:EXPORT_LIMIT]), f"{filename}-{stamp}", sheet_title
        )
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "filterset": filterset,
        "page": page,
        "query": params.urlencode(),
        "may_export": policy.may(user, policy.EXPORT, AuditRecord),
    }
    context.update(extra or {})
    return render(request, template, context)


@require_GET
@login_required
def trail(request):
    """Every change and security event, newest first, searchable."""
    return _listing(
        request,
        queryset=_scope(request.user),
        template="audit/trail.html",
        filename="audit-trail",
        sheet_title=_("审计日志"),
    )


@require_GET
@login_required
def logins(request):
    """The login log: sign-ins, sign-outs, failures, lockouts, unlocks and 2FA."""
    return _listing(
        request,
        queryset=_scope(request.user).filter(kind__in=SIGN_IN_KINDS),
        template="audit/logins.html",
        filename="login-log",
        sheet_title=_("登录日志"),
    )


@require_GET
@login_required
def record(request, seq: int):
    """One record with its hash, its place in the chain and whether it holds."""
    _require(request.user, policy.VIEW)
    item = get_object_or_404(_scope(request.user), seq=seq)
    changes = []
    if item.kind == Kind.CHANGE:
        changes = [
            {"field": field, "before": values.get("before"), "after": values.get("after")}
            for field, values in (item.changes or {}).items()
        ]
    return render(
        request,
        "audit/record.html",
        {
            "record": item,
            "changes": changes,
            "detail": None if item.kind == Kind.CHANGE else item.changes,
            "holds": services.record_holds(item),
            "previous": _scope(request.user).filter(seq=item.seq - 1).first(),
            "next": _scope(request.user).filter(seq=item.seq + 1).first(),
        },
    )


def _scope(user):
    return policy.restrict(AuditRecord.objects.all(), user)
