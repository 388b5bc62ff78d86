"""The auditor's pages: the trail (search, pages, export), one record, the login log.

Only the auditor role reads them (``policy``: group "audit"); everyone else gets 403.
Exporting is itself recorded (through the shared export helper).
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from ballast.accounts import policy
from ballast.audit import services
from ballast.audit.choices import SIGN_IN_KINDS, Kind
from ballast.audit.filtersets import AuditFilterSet
from ballast.audit.models import AuditRecord
from ballast.audit.tables import AuditTable
from ballast.web.views.generic import ObjectListView

# A download holds at most this many records; narrow the search for more.
EXPORT_LIMIT = 50_000


def _require(user, action: str) -> None:
    if not policy.may(user, action, AuditRecord):
        raise PermissionDenied(policy._denied_message(action))


class AuditList(ObjectListView):
    """The trail's records, newest first, searched by person, date range, kind, table,
    object, address, source and free text; 50 a page; exported through ``AuditTable``
    (the auditor's right to export asked first)."""

    model = AuditRecord
    action = "audit.view"
    filterset_class = AuditFilterSet
    table_class = AuditTable
    filename = ""
    export_title = ""

    def get_rows(self):
        return super().get_rows().order_by("-seq")

    def export(self, kind, table):
        _require(self.request.user, policy.EXPORT)
        return super().export(kind, table)

    def get_table(self, rows):
        if self.request.GET.get("export") in ("csv", "xlsx"):
            rows = rows[:EXPORT_LIMIT]
        # the records themselves (a slice, already in order: tables2 would reorder it)
        return super().get_table(list(rows))

    def get_export_filename(self):
        return f"{self.filename}-{timezone.localtime():%Y%m%d-%H%M}"

    def get_export_title(self):
        return str(self.export_title)

    def get_extra_context(self, **kwargs):
        return {"may_export": policy.may(self.request.user, policy.EXPORT, AuditRecord)}


class AuditTrail(AuditList):
    """Every change and security event."""

    template_name = "audit/trail.html"
    filename = "audit-trail"
    export_title = gettext_lazy("审计日志")


class LoginLog(AuditList):
    """The login log: sign-ins, sign-outs, failures, lockouts, unlocks and 2FA."""

    template_name = "audit/logins.html"
    filename = "login-log"
    export_title = gettext_lazy("登录日志")

    def base_queryset(self):
        return AuditRecord.objects.filter(kind__in=SIGN_IN_KINDS)


trail = require_GET(AuditTrail.as_view())
logins = require_GET(LoginLog.as_view())


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
