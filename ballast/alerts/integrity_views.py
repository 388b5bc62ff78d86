"""The integrity page (数据质量与防虚报): the analytics of ``figures.integrity`` for the
assessment units a person sees — a city person every unit of their city, a unit person
their own unit — with the flagged projects; ``?export=csv|xlsx`` writes the unit rows."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from ballast.alerts.integrity_tables import IntegrityTable
from ballast.figures.integrity import integrity
from ballast.projects.models import Project
from ballast.projects.selectors import visible_units
from ballast.regions.models import cities_containing
from ballast.web.pages import as_of_param
from ballast.web.views.generic import ObjectListView


class IntegrityList(ObjectListView):
    """Unit rows with their checks and flags (each with its reason), for a year as of a
    date; the projects whose reports outrun their total or their stage below."""

    model = Project
    action = "view_warnings"
    denied_message = gettext_lazy("您没有查看数据质量分析的权限。")
    table_class = IntegrityTable
    template_name = "alerts/integrity.html"
    export_title = "数据质量与防虚报"
    paginate = False

    def get_rows(self):
        self.as_of, self.today = as_of_param(self.request)
        try:
            self.year = int(self.request.GET.get("year") or self.as_of.year)
        except ValueError:
            self.year = self.as_of.year
        if not 2000 <= self.year <= 2100:
            self.year = self.as_of.year
        units = [u for u in visible_units(self.request.user) if u.is_assessment_unit]
        self.city = cities_containing([u.pk for u in units]).first()
        self.result = None
        if self.city is None:
            return []
        mine = [u for u in units if u.path.startswith(f"{self.city.path}/")]
        self.result = integrity(city=self.city, year=self.year, as_of=self.as_of, units=mine)
        return self.result["units"]

    def get_export_filename(self):
        return f"integrity-{self.year}-{self.as_of:%Y%m%d}"

    def get_extra_context(self, rows, **kwargs):
        result = self.result or {"projects": [], "thresholds": {}}
        return {
            "as_of": self.as_of,
            "year": self.year,
            "city": self.city,
            "flagged": sum(1 for row in rows if row["flags"]),
            "projects": result["projects"],
            "thresholds": result["thresholds"],
        }


integrity_page = IntegrityList.as_view()
