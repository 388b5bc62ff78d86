"""The rankings page (考核排名): a scheme's result for a period, its export and the rank
history. Numbers come from :mod:`ballast.assessments.selectors`."""

from __future__ import annotations

from django.contrib import messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ballast.accounts import policy
from ballast.assessments import selectors
from ballast.assessments.models import PublishedResult
from ballast.assessments.services import ensure_schemes_on_first_visit
from ballast.assessments.tables import RankingTable
from ballast.core.cache import cached
from ballast.core.periods import Period
from ballast.projects.selectors import city_in_scope
from ballast.web.pages import as_of_param
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
