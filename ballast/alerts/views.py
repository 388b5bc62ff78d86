"""The warnings page (预警清单) and its export: the registered rules' warnings of the
projects a person may see, as of a date. Querysets start from
``Project.objects.restrict(request.user)``."""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ballast.accounts import policy
from ballast.alerts import registry
from ballast.alerts.choices import Level
from ballast.alerts.selectors import warnings_as_of
from ballast.alerts.tables import (
    DELAY_BUCKET_LABELS,
    NewDelayTable,
    OverrunTable,
    WarningTable,
)
from ballast.core.cache import cached
from ballast.core.periods import month_start
from ballast.figures.selectors import late_projects, new_delays, overrun_summary
from ballast.projects.models import Project
from ballast.projects.selectors import visible_units
from ballast.web.labels import translated_choices
from ballast.web.pages import as_of_param, unit_param
from ballast.web.views.generic import ObjectListView


class WarningList(ObjectListView):
    """预警清单 as of a date, filtered by unit, rule and level; exported by its table."""

    model = Project
    action = "view_warnings"
    denied_message = gettext_lazy("您没有查看预警的权限。")
    table_class = WarningTable
    template_name = "alerts/warnings.html"
    export_title = "预警清单"

    def get_rows(self):
        request, user = self.request, self.request.user
        self.as_of, self.today = as_of_param(request)
        self.units = list(visible_units(user))
        self.unit = unit_param(request, self.units)
        self.rule = request.GET.get("rule") or ""
        self.level = request.GET.get("level") or ""
        projects = self.get_queryset()
        if self.unit is not None:
            projects = projects.filter(unit=self.unit)
        rules = [self.rule] if self.rule in set(registry.keys()) else None
        found = cached(
            (
                "warnings",
                policy.cache_scope(user),
                self.unit.pk if self.unit else "",
                rules,
                self.as_of,
            ),
            lambda: warnings_as_of(projects=projects, as_of=self.as_of, rules=rules),
        )
        self.counts = {lv.value: sum(1 for w in found if w.level == lv.value) for lv in Level}
        if self.level in self.counts:
            found = [w for w in found if w.level == self.level]
        return found

    def get_export_filename(self):
        return f"warnings-{self.as_of:%Y%m%d}"

    def get_extra_context(self, rows, **kwargs):
        return {
            "as_of": self.as_of,
            "is_today": self.as_of == self.today,
            "units": self.units,
            "unit": self.unit,
            "rules": [(r.key, _(r.label)) for r in registry.all_rules()],
            "rule": self.rule,
            "levels": translated_choices(Level.choices),
            "level": self.level,
            "counts": self.counts,
            "total": len(rows),
        }


warnings = WarningList.as_view()


class OverrunList(ObjectListView):
    """超期项目（相对基线）: the projects in the person's scope late against their baseline
    as recorded on the as-of date, by delay bucket (``figures.selectors``: the one
    definition of the figure), with the summary of cost and time overruns and the new
    delays since the end of last month. ``?export=csv|xlsx`` writes the late projects;
    with ``list=new`` the new delays."""

    model = Project
    action = "view_overruns"
    denied_message = gettext_lazy("您没有查看超期项目的权限。")
    table_class = OverrunTable
    template_name = "alerts/overruns.html"
    export_title = "超期项目（相对基线）"

    def get_rows(self):
        request, user = self.request, self.request.user
        self.as_of, self.today = as_of_param(request)
        self.units = list(visible_units(user))
        self.unit = unit_param(request, self.units)
        self.bucket = request.GET.get("bucket") or ""
        if self.bucket not in DELAY_BUCKET_LABELS:
            self.bucket = ""
        projects = self.get_queryset().filter(unit__is_assessment_unit=True)
        if self.unit is not None:
            projects = projects.filter(unit=self.unit)
        self.projects = projects
        rows = late_projects(projects, as_of=self.as_of).select_related("unit")
        if self.bucket:
            rows = rows.filter(delay_bucket=self.bucket)
        return rows

    def new_rows(self):
        return (
            new_delays(self.projects, as_of=self.as_of)
            .select_related("unit")
            .order_by("-time_overrun_months", "name", "pk")
        )

    def export(self, kind, table):
        if self.request.GET.get("list") == "new":
            table = NewDelayTable(self.new_rows())
            return table.export(kind, f"new-delays-{self.as_of:%Y%m%d}", "本月新增延期项目")
        return super().export(kind, table)

    def get_export_filename(self):
        return f"overruns-{self.as_of:%Y%m%d}"

    def get_extra_context(self, rows, **kwargs):
        summary = overrun_summary(self.projects, as_of=self.as_of)
        buckets = summary["time_overrun"]["buckets"]
        rate = summary["cost_overrun"]["rate"]
        return {
            "as_of": self.as_of,
            "is_today": self.as_of == self.today,
            "units": self.units,
            "unit": self.unit,
            "bucket": self.bucket,
            "buckets": [
                (code, label, buckets[code]) for code, label in DELAY_BUCKET_LABELS.items()
            ],
            "summary": summary,
            "cost_rate_pct": None if rate is None else rate * 100,
            "new_table": NewDelayTable(self.new_rows()),
            "month_end": month_start(self.as_of) - timedelta(days=1),
        }


overruns = OverrunList.as_view()
