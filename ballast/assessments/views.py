"""The rankings page (考核排名): a scheme's result for a period, its export and the rank
history; the 亩均 evaluation page (亩均论英雄). Numbers come from
:mod:`ballast.assessments.selectors`."""

from __future__ import annotations

from django.contrib import messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ballast.accounts import policy
from ballast.assessments import selectors
from ballast.assessments.models import EfficiencyRecord, PublishedResult
from ballast.assessments.services import ensure_schemes_on_first_visit
from ballast.assessments.tables import MUJUN_CLASS_LABELS, MujunTable, RankingTable
from ballast.core.cache import cached
from ballast.core.periods import Period
from ballast.projects.selectors import city_in_scope, visible_units
from ballast.web.pages import as_of_param, unit_param
from ballast.web.views.generic import ObjectListView


class Rankings(ObjectListView):
    """考核排名: a scheme's result for a period (as of a date), its export (one
    ``RankingTable`` for both) and the rank history."""

    model = PublishedResult
    action = "view_rankings"
    denied_message = gettext_lazy("您没有查看考核排名的权限。")
    table_class = RankingTable
    template_name = "assessments/rankings.html"
    paginate = False

    def get_rows(self):
        request, user = self.request, self.request.user
        self.as_of, self.today = as_of_param(request)
        city = city_in_scope(user, request.GET.get("city"))
        ensure_schemes_on_first_visit(user=user, city=city)
        self.schemes = list(selectors.schemes_of(user, city))
        scheme = None
        if (request.GET.get("scheme") or "").isdigit():
            scheme = next((s for s in self.schemes if s.pk == int(request.GET["scheme"])), None)
        self.scheme = scheme or selectors.default_scheme(self.schemes)
        self.data, self.indicators = None, []
        if self.scheme is None:
            return []
        period = None
        try:
            if request.GET.get("period"):
                period = Period.parse(request.GET["period"])
        except ValueError:
            messages.error(request, _("期间格式不正确，已改为当前期间。"))
        default = selectors.period_for(self.scheme, self.as_of)
        if period is None or period.kind != default.kind:
            period = default
        self.period = period
        own = None if user.is_above_units or user.is_superuser else user.region
        self.data = cached(
            ("ranking", policy.cache_scope(user), self.scheme.pk, str(period), self.as_of),
            lambda: selectors.ranking(
                user=user,
                city=city,
                as_of=self.as_of,
                scheme=self.scheme,
                period=period,
                highlight=own,
            ),
        )
        self.indicators = list(self.scheme.indicators.all())
        return self.data["result"].rows

    def export(self, kind, table):
        if self.scheme is None:
            return None  # nothing to export: the page says no scheme is set up
        return super().export(kind, table)

    def table_kwargs(self):
        return {"indicators": self.indicators}

    def get_export_filename(self):
        return f"ranking-{self.data['period']}"

    def get_export_title(self):
        return f"{self.data['period']}考核排名"

    def get_extra_context(self, rows, **kwargs):
        context = {
            "as_of": self.as_of,
            "is_today": self.as_of == self.today,
            "schemes": self.schemes,
            "scheme": self.scheme,
        }
        if self.scheme is None:
            return context
        data = self.data
        history = selectors.rank_history(user=self.request.user, scheme=self.scheme)
        current = {r["unit"]: r["rank"] for r in data["result"].rows}
        if not any(h["period"] == data["period"] for h in history):
            history.append({"period": data["period"], "ranks": current})
        context.update(
            {
                "data": data,
                "period": data["period"],
                "previous_period": str(self.period.previous()),
                "indicators": self.indicators,
                "history": {
                    "periods": [h["period"] for h in history],
                    "units": [
                        {
                            "name": r["unit_name"],
                            "ranks": [h["ranks"].get(r["unit"]) for h in history],
                        }
                        for r in data["result"].rows
                    ],
                    # {n} is filled in by charts.js
                    "texts": {"rank": _("第 {n} 名"), "axis": _("名次")},
                },
            }
        )
        return context


rankings = Rankings.as_view()


class MujunEvaluation(ObjectListView):
    """亩均论英雄: the evaluation of a year by a scheme — a row per project (enterprise,
    unit, land, each indicator's value and points, score, rank and A/B/C/D class), the
    classes counted per unit, filters by unit and class; ``?export=csv|xlsx`` writes the
    rows. Classes are the city's (``selectors.mujun_rows``); a unit person sees their own
    unit's projects."""

    model = EfficiencyRecord
    action = "view_mujun"
    denied_message = gettext_lazy("您没有查看亩均评价的权限。")
    table_class = MujunTable
    template_name = "assessments/mujun.html"
    paginate = False

    def get_rows(self):
        request, user = self.request, self.request.user
        self.city = city_in_scope(user, request.GET.get("city"))
        _as_of, today = as_of_param(request)
        self.years = selectors.mujun_years(self.city)
        default_year = self.years[0] if self.years else today.year - 1
        try:
            self.year = int(request.GET.get("year") or default_year)
        except ValueError:
            self.year = default_year
        if not 2000 <= self.year <= 2100:
            self.year = default_year
        self.schemes = selectors.efficiency_schemes(self.city)
        wanted = request.GET.get("scheme") or ""
        self.scheme = next((s for s in self.schemes if s.slug == wanted), self.schemes[0])
        self.units = [u for u in visible_units(user) if self.city.contains(u)]
        self.unit = unit_param(request, self.units)
        self.klass = request.GET.get("class") or ""
        rows = selectors.mujun_rows(user=user, city=self.city, year=self.year, scheme=self.scheme)
        if self.unit is not None:
            rows = [r for r in rows if r["unit"] == self.unit.code]
        self.all_rows = rows
        if self.klass in MUJUN_CLASS_LABELS:
            rows = [r for r in rows if r["class"] == self.klass]
        elif self.klass == "none":
            rows = [r for r in rows if not r["graded"]]
        else:
            self.klass = ""
        return rows

    def table_kwargs(self):
        return {"indicators": self.scheme.indicators}

    def get_export_filename(self):
        return f"mujun-{self.year}-{self.scheme.slug}"

    def get_export_title(self):
        return f"{self.year}年亩均效益评价"

    def get_extra_context(self, rows, **kwargs):
        by_unit: dict[str, dict] = {}
        for row in self.all_rows:
            counts = by_unit.setdefault(
                row["unit_name"], {"A": 0, "B": 0, "C": 0, "D": 0, "none": 0, "total": 0}
            )
            counts[row["class"] or "none"] += 1
            counts["total"] += 1
        return {
            "city": self.city,
            "year": self.year,
            "years": sorted({*self.years, self.year}, reverse=True),
            "schemes": self.schemes,
            "scheme": self.scheme,
            "units": self.units,
            "unit": self.unit,
            "klass": self.klass,
            "classes": list(MUJUN_CLASS_LABELS.items()),
            "by_unit": sorted(by_unit.items()),
            "may_import": policy.may_do(self.request.user, "enter_mujun"),
        }


mujun = MujunEvaluation.as_view()
