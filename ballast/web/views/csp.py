"""The Content Security Policy's report endpoint (``/csp-report/``).

Browsers POST a JSON report here when a page breaks the policy (an inline script, a style
attribute, a resource from another origin) — a page of ours that needs mending, or an
injection attempt. Each report is logged on the ``ballast.security.csp`` logger as a
warning with the page, the directive and the blocked resource. The endpoint is open to
anyone (a browser sends reports without a session or CSRF token), so it reads at most
``BALLAST_CSP_REPORT_MAX_BYTES`` and stores nothing.
"""

import json
import logging

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

logger = logging.getLogger("ballast.security.csp")

# The fields worth a log line; others (e.g. the original policy) only lengthen it.
_FIELDS = (
    "document-uri",
    "violated-directive",
    "effective-directive",
    "blocked-uri",
    "source-file",
    "line-number",
    "column-number",
    "script-sample",
    "disposition",
)

# The Reporting API's names (``report-to``) for the classic fields of ``report-uri``.
_REPORTING_API = {
    "documentURL": "document-uri",
    "effectiveDirective": "effective-directive",
    "blockedURL": "blocked-uri",
    "sourceFile": "source-file",
    "lineNumber": "line-number",
    "columnNumber": "column-number",
    "sample": "script-sample",
    "disposition": "disposition",
}


def _reports(body: bytes) -> list[dict]:
    """The violations of a report body: the classic ``{"csp-report": {...}}`` of
    ``report-uri``, or the Reporting API's list of ``{"type": "csp-violation", "body"}``."""
    data = json.loads(body.decode("utf-8"))
    if isinstance(data, dict) and isinstance(data.get("csp-report"), dict):
        return [data["csp-report"]]
    if isinstance(data, list):
        return [
            {
                _REPORTING_API[key]: value
                for key, value in item["body"].items()
                if key in _REPORTING_API
            }
            for item in data
            if isinstance(item, dict) and isinstance(item.get("body"), dict)
        ]
    raise ValueError("not a CSP report")


@csrf_exempt
@require_POST
def csp_report(request):
    """Log one browser's CSP violation report; 204 when read, 413 when too large, 400 when
    it is not a report."""
    limit = settings.BALLAST_CSP_REPORT_MAX_BYTES
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        length = 0
    if length > limit:
        return HttpResponse(status=413)
    body = request.read(limit + 1)
    if len(body) > limit:
        return HttpResponse(status=413)
    try:
        reports = _reports(body)
    except (ValueError, UnicodeDecodeError, KeyError, AttributeError):
        return HttpResponse(status=400)
    for report in reports:
        fields = {key: report[key] for key in _FIELDS if key in report}
        logger.warning(
            "CSP violation: %s",
            json.dumps(fields, ensure_ascii=False, sort_keys=True),
            extra={"csp_report": fields, "client": request.META.get("REMOTE_ADDR")},
        )
    return HttpResponse(status=204)
