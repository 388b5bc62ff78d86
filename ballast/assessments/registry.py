"""The data keys a scheme's indicators may name, by period kind.

A calendar scheme (月度 … 年度) scores figure keys (``figures.selectors.FIGURE_KEYS``,
docs/figures.md). A campaign round scheme (``PeriodKind.ROUND``) scores the indicators of
an attraction campaign round, which the attraction app — a layer above — registers from
its ``AppConfig.ready()`` (this app cannot import it)."""

from __future__ import annotations

from collections.abc import Mapping

from ballast.assessments.choices import PeriodKind
from ballast.figures.selectors import FIGURE_KEYS

_ROUND_KEYS: dict[str, str] = {}


def register_round_keys(keys: Mapping[str, str]) -> None:
    """Declare the indicators a campaign round scheme may score (key → 中文名)."""
    _ROUND_KEYS.update(keys)


def data_keys(period_kind: str) -> Mapping:
    """The keys an indicator of a scheme of ``period_kind`` may name."""
    return _ROUND_KEYS if period_kind == PeriodKind.ROUND else FIGURE_KEYS
