"""Charts of a bulletin as PNG images (matplotlib, no display).

The Chinese labels need a CJK font: the first of :data:`PREFERRED_FONTS` that
``matplotlib.font_manager`` knows is used (``bin/system-setup`` installs
``fonts-noto-cjk`` and ``fonts-wqy-microhei`` on Debian). Without one the charts still
render — the labels fall back to boxes — and a warning is logged once.
"""

from __future__ import annotations

import io
import logging
import warnings
from decimal import Decimal
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

logger = logging.getLogger(__name__)

PREFERRED_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "SimHei",
    "Microsoft YaHei",
    "Noto Serif CJK SC",
    "Noto Serif CJK JP",
    "AR PL UMing CN",
)
COLOURS = ("#c00000", "#1f4e79", "#7f7f7f", "#ed7d31")


@lru_cache(maxsize=1)
def cjk_font() -> font_manager.FontProperties | None:
    """A font with Chinese glyphs found by matplotlib's font manager, or None."""
    by_name = {f.name: f.fname for f in font_manager.fontManager.ttflist}
    for name in PREFERRED_FONTS:
        if name in by_name:
            return font_manager.FontProperties(fname=by_name[name])
    for entry in font_manager.fontManager.ttflist:
        if "CJK" in entry.name or "Hei" in entry.name or "Song" in entry.name:
            return font_manager.FontProperties(fname=entry.fname)
    logger.warning("未找到中文字体，通报图表中的中文可能无法显示（请运行 bin/system-setup）。")
    return None


def _num(value) -> float:
    # Charts are pictures: converting the exact decimals to floats for drawing only.
    return float(Decimal(value)) if value not in (None, "") else 0.0


def render_chart(chart: dict) -> bytes:
    """A PNG of one chart of a bulletin's content (``kind``: bar or bar_line)."""
    font = cjk_font()
    text = {"fontproperties": font} if font else {}
    figure = Figure(figsize=(6.3, 3.4), dpi=200)
    axes = figure.add_subplot()
    categories = chart["categories"]
    positions = list(range(len(categories)))
    bars = [s for s in chart["series"] if s.get("kind", "bar") == "bar"]
    lines = [s for s in chart["series"] if s.get("kind") == "line"]
    width = 0.8 / max(len(bars), 1)
    for index, series in enumerate(bars):
        offset = (index - (len(bars) - 1) / 2) * width
        values = [_num(v) for v in series["values"]]
        drawn = axes.bar(
            [p + offset for p in positions],
            values,
            width=width * 0.92,
            label=series["label"],
            color=COLOURS[index % len(COLOURS)],
        )
        axes.bar_label(drawn, fmt="%g", fontsize=6, padding=1)
    for index, series in enumerate(lines):
        axes.plot(
            positions,
            [_num(v) for v in series["values"]],
            label=series["label"],
            color=COLOURS[(len(bars) + index + 1) % len(COLOURS)],
            linestyle="--",
            linewidth=1.4,
        )
    axes.set_xticks(positions)
    axes.set_xticklabels(categories, fontsize=7, rotation=30 if len(categories) > 6 else 0, **text)
    axes.tick_params(axis="y", labelsize=7)
    axes.set_ylabel(chart.get("unit", ""), fontsize=8, rotation=0, loc="top", **text)
    axes.set_title(chart["title"], fontsize=10, pad=20, **text)
    axes.spines[["top", "right"]].set_visible(False)
    legend = {"prop": font.copy() if font else None}
    if legend["prop"] is not None:
        legend["prop"].set_size(7)
    else:
        legend = {"fontsize": 7}
    # Above the plot, below the title: never over the bars.
    axes.legend(
        frameon=False,
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        ncol=len(chart["series"]),
        **legend,
    )
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        if font is None:  # already logged once: no warning per missing glyph
            warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        figure.tight_layout()
        figure.savefig(buffer, format="png")
    return buffer.getvalue()
