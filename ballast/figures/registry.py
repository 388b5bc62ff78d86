"""The figure registry (指标登记): every figure declared once.

A :class:`Figure` says what a figure *is* — its flattened key (``"new.started.count"``),
Chinese name, English name, unit, kind, definition (the one-or-two-sentence Chinese
definition the reference ``docs/figure-reference.md`` is generated from), how it adds up
from an assessment unit to a city and a province (:class:`Aggregation`), at which groupings
it exists, and — where a bulletin must call it otherwise — its bulletin label.

How a figure is *computed* lives in ``figures.selectors`` (one engine: additive raw sums per
unit by grouped queries, assembled into every figure of a unit, a city or a province); the
registry is what everything else reads: ``FIGURE_KEYS`` (key → (中文名, kind)), the JSON's
money/rate formatting (``to_json``), the ``figures`` command's table, the assessments'
indicator keys, the bulletins' keys and labels and the generated reference
(``manage.py figures --write-docs``). A key not declared here is not a figure
(``tests/test_figure_keys_come_from_the_registry.py``).

Families (the four new-project stages, the five size classes, the ten target indicators)
are declared by one loop each, so a new stage or indicator brings its figures with it.
Adding a figure: docs/development.md "Adding a figure".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import get_language

from ballast.projects.choices import SIZE_THRESHOLDS_WAN, SizeClass, Stage, TargetIndicator

# --------------------------------------------------------------------------- vocabulary

COUNT, MONEY, RATE, TEXT = "count", "money", "rate", "text"
KINDS = (COUNT, MONEY, RATE, TEXT)
UNITS = {COUNT: "个", MONEY: "万元", RATE: "%", TEXT: "文本"}
"""The unit a kind is shown in (a rate is a ratio shown as a percentage)."""

UNIT, CITY, PROVINCE, CLUSTER = "unit", "city", "province", "cluster"
LEVEL_NAMES = {UNIT: "板块", CITY: "市", PROVINCE: "省", CLUSTER: "产业集群"}
EVERY_LEVEL = (UNIT, CITY, PROVINCE)
"""The groupings the engine computes (``unit_figures`` of a unit, a city, a province).
Clusters are not a grouping of the unit figures yet."""

SUM, RATIO, WEIGHTED, DIFFERENCE, CHANGE, NONE = (
    "sum",
    "ratio",
    "weighted",
    "difference",
    "change",
    "none",
)
RAW_SUMS = {
    "raw:prev_plan.inv": "上年年度计划投资之和",
    "raw:prev_plan.count": "上年有年度计划的项目数",
}
"""Raw sums of the engine (``figures.selectors._raw_sums``) an aggregation may name."""


@dataclass(frozen=True)
class Aggregation:
    """How a figure of a larger grouping is made from its parts' figures.

    * ``sum`` — the parts' values added up (counts, money, plans, count/money targets);
    * ``ratio`` — ``of[0] / of[1]``, both registered sums, computed on the larger grouping's
      sums (never an average of the parts' rates);
    * ``weighted`` — Σ(weight × value) / Σ weight, the weight ``of[1]`` (序时进度 by plan);
    * ``difference`` — ``of[0] − of[1]`` of the grouping's own figures;
    * ``change`` — (``of[0]`` − ``of[1]``) / ``of[1]`` of the grouping's own figures;
    * an operand ``raw:…`` names a raw sum of the engine that is no figure of its own
      (:data:`RAW_SUMS`);
    * ``none`` — not additive: a label of the grouping, or a value set per unit only
      (rate targets: a city has none).
    """

    how: str
    of: tuple[str, ...] = ()

    def describe(self) -> str:
        """The rule in Chinese, for the reference."""
        refs = [RAW_SUMS.get(key, f"`{key}`") for key in self.of]
        if self.how == SUM:
            return "求和"
        if self.how == RATIO:
            return f"{refs[0]} ÷ {refs[1]}（以合计值计算）"
        if self.how == WEIGHTED:
            return f"以 {refs[1]} 加权平均"
        if self.how == DIFFERENCE:
            return f"{refs[0]} − {refs[1]}"
        if self.how == CHANGE:
            return f"（{refs[0]} − {refs[1]}）÷ {refs[1]}"
        return "不可加（按各自口径）"


@dataclass(frozen=True)
class Figure:
    """One figure (指标), declared once."""

    key: str
    name: str  # 中文名
    english: str
    kind: str  # count | money | rate | text
    definition: str  # 中文定义
    group: str  # the reference's heading
    aggregation: Aggregation = field(default_factory=lambda: Aggregation(SUM))
    levels: tuple[str, ...] = EVERY_LEVEL
    bulletin_label: str | None = None  # what a bulletin calls it, when not ``name``
    unit: str = ""  # 个 / 万元 / % / 文本 / 年; the kind's unit when empty

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"{self.key}: unknown kind {self.kind!r}")
        if not self.unit:
            object.__setattr__(self, "unit", UNITS[self.kind])

    @property
    def label(self) -> str:
        """The name in the active language: the Chinese name, or the English one. (The
        English is declared beside the Chinese rather than in a message catalogue: most
        names are made by the families' loops, which ``makemessages`` cannot read.)"""
        language = get_language() or "zh-hans"
        return self.english if language.startswith("en") else self.name

    @property
    def in_bulletin(self) -> str:
        """What a bulletin calls this figure."""
        return self.bulletin_label or self.name


# --------------------------------------------------------------------------- declarations

FIGURES: dict[str, Figure] = {}


def declare(key: str, name: str, english: str, kind: str, definition: str, group: str, **kw):
    """Declare one figure (a key is declared once: a second declaration is an error)."""
    if key in FIGURES:
        raise ValueError(f"指标键“{key}”重复登记。")
    FIGURES[key] = Figure(key, name, english, kind, definition, group, **kw)
    return FIGURES[key]


NEW_STAGES = (Stage.SIGNED, Stage.STARTED, Stage.COMPLETED, Stage.IN_PRODUCTION)
COHORT_STAGES = (Stage.LANDED, Stage.STARTED, Stage.IN_STATISTICS)
SIZE_CLASSES = [cls for cls, _ in SIZE_THRESHOLDS_WAN] + [SizeClass.BELOW]

NEW_NAMES = {
    Stage.SIGNED: ("新签约", "signed", "签约"),
    Stage.STARTED: ("新开工", "started", "开工"),
    Stage.COMPLETED: ("新竣工", "completed", "竣工"),
    Stage.IN_PRODUCTION: ("新投产", "in production", "投产"),
}
COHORT_NAMES = {
    Stage.LANDED: ("落地", "landed"),
    Stage.STARTED: ("开工", "started"),
    Stage.IN_STATISTICS: ("列统", "in statistics"),
}
SIZE_ENGLISH = {
    SizeClass.HUNDRED_YI: "≥ 10 bn yuan",
    SizeClass.FIFTY_YI: "≥ 5 bn yuan",
    SizeClass.TEN_YI: "≥ 1 bn yuan",
    SizeClass.ONE_YI: "≥ 100 m yuan",
    SizeClass.BELOW: "< 100 m yuan",
}
TARGET_ENGLISH = {
    TargetIndicator.SIGNED_COUNT: "new signings",
    TargetIndicator.SIGNED_INVESTMENT: "investment of new signings (10k yuan)",
    TargetIndicator.STARTED_COUNT: "new starts",
    TargetIndicator.STARTED_INVESTMENT: "investment of new starts (10k yuan)",
    TargetIndicator.COMPLETED_COUNT: "new completions",
    TargetIndicator.COMPLETED_INVESTMENT: "investment of new completions (10k yuan)",
    TargetIndicator.ANNUAL_INVESTMENT: "investment completed this year (10k yuan)",
    TargetIndicator.LANDED_RATE: "landed rate of this year's signings",
    TargetIndicator.STARTED_RATE: "started rate of this year's signings",
    TargetIndicator.IN_STATISTICS_RATE: "in-statistics rate of this year's signings",
}
# Target indicator → the figure key its actual value is read from.
TARGET_ACTUALS = {
    TargetIndicator.SIGNED_COUNT: "new.signed.count",
    TargetIndicator.SIGNED_INVESTMENT: "new.signed.investment_wan",
    TargetIndicator.STARTED_COUNT: "new.started.count",
    TargetIndicator.STARTED_INVESTMENT: "new.started.investment_wan",
    TargetIndicator.COMPLETED_COUNT: "new.completed.count",
    TargetIndicator.COMPLETED_INVESTMENT: "new.completed.investment_wan",
    TargetIndicator.ANNUAL_INVESTMENT: "investment.completed_wan",
    TargetIndicator.LANDED_RATE: "signed_cohort.landed_rate",
    TargetIndicator.STARTED_RATE: "signed_cohort.started_rate",
    TargetIndicator.IN_STATISTICS_RATE: "signed_cohort.in_statistics_rate",
}
SIZE_RULE = "按总投资：百亿级 ≥ 100 亿元，50亿级 ≥ 50 亿元，10亿级 ≥ 10 亿元，亿元以上 ≥ 1 亿元，其余亿元以下"
LABEL = Aggregation(NONE)


def target_kind(indicator: str) -> str:
    """The kind of a target indicator's value (by its code's ending)."""
    if indicator.endswith("_rate"):
        return RATE
    if indicator.endswith("_count"):
        return COUNT
    return MONEY


def _declare_all() -> None:
    g = "基本信息"
    declare("unit", "板块代码", "Unit code", TEXT, "板块（或市）的区划代码。", g, aggregation=LABEL)
    declare(
        "unit_name", "板块名称", "Unit name", TEXT, "板块（或市）的简称。", g, aggregation=LABEL
    )
    declare("year", "年度", "Year", COUNT, "统计年度 Y。", g, aggregation=LABEL, unit="年")
    declare("as_of", "截至日期", "As of", TEXT, "统计日期 D（ISO 日期）。", g, aggregation=LABEL)

    g = "当年签约项目（签约项目集 S）"
    declare(
        "signed_cohort.count",
        "当年签约项目数",
        "Projects signed this year",
        COUNT,
        "当年签约项目集 S：签约日期在 Y 年且不晚于 D 的项目数（只有“落地”等后续阶段而无签约日期的项目不计入）。",
        g,
        bulletin_label="签约项目",
    )
    declare(
        "signed_cohort.investment_wan",
        "当年签约项目总投资（万元）",
        "Total investment of projects signed this year (10k yuan)",
        MONEY,
        "S 中项目的总投资之和（项目当前总投资，万元）。",
        g,
    )
    for stage, (cn, en) in COHORT_NAMES.items():
        declare(
            f"signed_cohort.{stage.value}",
            f"当年签约项目已{cn}数",
            f"Projects signed this year and {en}",
            COUNT,
            f"S 中截至 D 已{cn}（或已到更后阶段）的项目数。",
            g,
            bulletin_label=f"已{cn}",
        )
    for stage, (cn, en) in COHORT_NAMES.items():
        declare(
            f"signed_cohort.{stage.value}_rate",
            f"当年签约项目{cn}率",
            f"{en.capitalize()} rate of this year's signings",
            RATE,
            f"当年签约项目{cn}率 = {stage.value} / count；S 为空时为 null。",
            g,
            aggregation=Aggregation(RATIO, (f"signed_cohort.{stage.value}", "signed_cohort.count")),
            bulletin_label=f"{cn}率",
        )

    for prefix, period_name, english, since, g in (
        ("new", "年初至今", "this year", "Y 年 1 月 1 日", "年初至今新增项目"),
        ("quarter.new", "本季度", "this quarter", "D 所在季度季初", "本季度"),
    ):
        for stage in NEW_STAGES:
            cn, en, event = NEW_NAMES[stage]
            declare(
                f"{prefix}.{stage.value}.count",
                f"{period_name}{cn}项目数",
                f"Projects {en} {english}",
                COUNT,
                f"{event}日期在 {since}至 D 之间的项目数。",
                g,
            )
            declare(
                f"{prefix}.{stage.value}.investment_wan",
                f"{period_name}{cn}项目总投资（万元）",
                f"Total investment of projects {en} {english} (10k yuan)",
                MONEY,
                "这些项目的总投资之和（万元）。",
                g,
            )

    g = "年度投资"
    declare(
        "investment.plan_count",
        "有年度计划的项目数",
        "Projects with an annual plan",
        COUNT,
        "有 Y 年度计划（AnnualPlan）的项目数。",
        g,
    )
    declare(
        "investment.annual_plan_wan",
        "年度计划投资（万元）",
        "Annual planned investment (10k yuan)",
        MONEY,
        "Y 年度计划投资之和（有年度计划的项目）。",
        g,
        bulletin_label="年度计划投资",
    )
    declare(
        "investment.completed_wan",
        "年度累计完成投资（万元）",
        "Investment completed this year (10k yuan)",
        MONEY,
        "有 Y 年度计划的项目，Y 年 1 月至 D 所在月、经市级验收的月报完成投资之和。",
        g,
        bulletin_label="累计完成投资",
    )
    declare(
        "investment.completion_rate",
        "年度投资完成率",
        "Annual investment completion rate",
        RATE,
        "年度投资完成率 = completed_wan / annual_plan_wan；计划为 0 时为 null。",
        g,
        aggregation=Aggregation(RATIO, ("investment.completed_wan", "investment.annual_plan_wan")),
        bulletin_label="完成率",
    )
    declare(
        "investment.time_progress",
        "序时进度",
        "Time progress",
        RATE,
        "序时进度：按计划加权 Σ(计划 × 项目序时进度) / Σ计划；项目序时进度为 m/12（m 为 Y 年截至 D "
        "已到报送截止日的月数：第 k 月在 D 不早于其报送截止日（次月 5 日，以市报送规则为准）或 D "
        "为该月最后一天时计入；见“序时进度”一节），项目有月度计划曲线时为曲线累计至 m 月 / 年度计划。"
        "无计划时为 m/12。",
        g,
        aggregation=Aggregation(
            WEIGHTED, ("investment.time_progress", "investment.annual_plan_wan")
        ),
    )
    declare(
        "investment.time_progress_gap",
        "完成率与序时进度之差",
        "Completion rate minus time progress",
        RATE,
        "completion_rate − time_progress（负数表示落后序时进度）；无完成率时为 null。",
        g,
        aggregation=Aggregation(
            DIFFERENCE, ("investment.completion_rate", "investment.time_progress")
        ),
        bulletin_label="快慢",
    )
    declare(
        "quarter.period",
        "季度",
        "Quarter",
        TEXT,
        "D 所在季度（D 不在 Y 年时取 Y 年最近的季度），如 2023Q1。",
        "本季度",
        aggregation=LABEL,
    )
    declare(
        "quarter.investment.completed_wan",
        "本季度完成投资（万元）",
        "Investment completed this quarter (10k yuan)",
        MONEY,
        "本季度（季初至 D 所在月）有 Y 年度计划项目的已验收完成投资。",
        "本季度",
    )

    g = "竣工投产与达产达效"
    declare(
        "completion_production.planned",
        "当年计划竣工项目数",
        "Projects planned to complete this year",
        COUNT,
        "当年计划竣工项目数：Y 年度计划填写了“计划竣工月份”（AnnualPlan.completion_month）的项目"
        "（不以项目的计划竣工日期判断）。",
        g,
    )
    declare(
        "completion_production.done",
        "当年计划竣工项目中已竣工投产数",
        "Of those, completed and in production",
        COUNT,
        "其中截至 D 已竣工且已投产的项目数；基础设施、社会民生、生态环保类项目没有投产阶段，已竣工即计入。",
        g,
    )
    declare(
        "completion_production.rate",
        "竣工投产率",
        "Completion-to-production rate",
        RATE,
        "竣工投产率 = done / planned；planned 为 0 时为 null。",
        g,
        aggregation=Aggregation(
            RATIO, ("completion_production.done", "completion_production.planned")
        ),
    )
    declare(
        "capacity.eligible",
        "投产满12个月项目数",
        "Projects in production for 12 months",
        COUNT,
        "截至 D 已投产满 12 个月的项目数（投产或更后阶段的日期不晚于 D 前 12 个月的同日）。",
        g,
    )
    declare(
        "capacity.at_capacity",
        "其中已达产达效数",
        "Of those, at capacity",
        COUNT,
        "其中截至 D 已达产达效的项目数。",
        g,
    )
    declare(
        "capacity.rate",
        "达产达效率",
        "At-capacity rate",
        RATE,
        "达产达效率 = at_capacity / eligible；eligible 为 0 时为 null。",
        g,
        aggregation=Aggregation(RATIO, ("capacity.at_capacity", "capacity.eligible")),
    )

    g = "新签约项目规模"
    for cls in SIZE_CLASSES:
        declare(
            f"size_classes.{cls.value}.count",
            f"新签约{cls.label}项目数",
            f"Projects signed this year, {SIZE_ENGLISH[cls]}",
            COUNT,
            f"当年签约项目集 S 中该规模（{SIZE_RULE}）的项目数。",
            g,
        )
        declare(
            f"size_classes.{cls.value}.investment_wan",
            f"新签约{cls.label}项目总投资（万元）",
            f"Total investment of projects signed this year, {SIZE_ENGLISH[cls]} (10k yuan)",
            MONEY,
            f"当年签约项目集 S 中该规模（{SIZE_RULE}）的总投资之和。",
            g,
        )

    g = "目标与目标完成率"
    for indicator in TargetIndicator:
        kind = target_kind(indicator.value)
        actual = TARGET_ACTUALS[indicator]
        quarter_actual = actual if kind == RATE else f"quarter.{actual}"
        per_unit = {"aggregation": LABEL, "levels": (UNIT,)} if kind == RATE else {}
        en = TARGET_ENGLISH[indicator]
        declare(
            f"targets.{indicator.value}",
            f"年度目标：{indicator.label}",
            f"Annual target: {en}",
            kind,
            "Y 年度目标（UnitTarget，期间 “Y”）；未设为 null。全市：各板块数量、金额目标之和；比率目标全市为 null。",
            g,
            **per_unit,
        )
        declare(
            f"quarter.targets.{indicator.value}",
            f"季度目标：{indicator.label}",
            f"Quarterly target: {en}",
            kind,
            "D 所在季度的目标（期间 “YQn”）；规则同上。",
            g,
            **per_unit,
        )
        declare(
            f"target_completion.{indicator.value}",
            f"年度目标完成率：{indicator.label}",
            f"Share of the annual target reached: {en}",
            RATE,
            f"年度目标完成率 = `{actual}` / 目标（比率类以未舍入的实际比率计算）；无目标或目标为 0 时为 null。",
            g,
            aggregation=Aggregation(RATIO, (actual, f"targets.{indicator.value}")),
            levels=per_unit.get("levels", EVERY_LEVEL),
        )
        declare(
            f"quarter.target_completion.{indicator.value}",
            f"季度目标完成率：{indicator.label}",
            f"Share of the quarterly target reached: {en}",
            RATE,
            f"季度目标完成率 = `{quarter_actual}` / 季度目标。",
            g,
            aggregation=Aggregation(RATIO, (quarter_actual, f"quarter.targets.{indicator.value}")),
            levels=per_unit.get("levels", EVERY_LEVEL),
        )

    g = "同比"
    declare(
        "year_on_year.as_of_previous",
        "上年同期截至日期",
        "Same day last year",
        TEXT,
        "上年同期日期（D 减 12 个月，2 月 29 日取 2 月 28 日）。",
        g,
        aggregation=LABEL,
    )
    for stage in (Stage.SIGNED, Stage.STARTED):
        cn, en, _event = NEW_NAMES[stage]
        base = f"year_on_year.new_{stage.value}"
        declare(
            f"{base}.count_previous",
            f"上年同期{cn}项目数",
            f"Projects {en} last year to the same day",
            COUNT,
            f"上年 1 月 1 日至上年同期的{cn}项目数。",
            g,
        )
        declare(
            f"{base}.count_change",
            f"{cn}项目数同比增长",
            f"Projects {en}: change on last year",
            RATE,
            f"{cn}项目数同比增长 =（本年 − 上年）/ 上年；上年为 0 时为 null。",
            g,
            aggregation=Aggregation(CHANGE, (f"new.{stage.value}.count", f"{base}.count_previous")),
        )
        declare(
            f"{base}.investment_wan_previous",
            f"上年同期{cn}项目总投资（万元）",
            f"Total investment of projects {en} last year to the same day (10k yuan)",
            MONEY,
            f"上年同期{cn}项目总投资之和。",
            g,
        )
        declare(
            f"{base}.investment_change",
            f"{cn}项目总投资同比增长",
            f"Total investment of projects {en}: change on last year",
            RATE,
            f"{cn}项目总投资同比增长。",
            g,
            aggregation=Aggregation(
                CHANGE, (f"new.{stage.value}.investment_wan", f"{base}.investment_wan_previous")
            ),
        )
    declare(
        "year_on_year.avg_annual_plan_wan",
        "项目平均年度计划投资（万元）",
        "Average annual plan of a project (10k yuan)",
        MONEY,
        "项目平均年度计划投资 = Y 年度计划投资之和 / 有 Y 年度计划的项目数；无计划时为 null。",
        g,
        aggregation=Aggregation(RATIO, ("investment.annual_plan_wan", "investment.plan_count")),
    )
    declare(
        "year_on_year.avg_annual_plan_wan_previous",
        "上年项目平均年度计划投资（万元）",
        "Average annual plan of a project last year (10k yuan)",
        MONEY,
        "同上，Y−1 年。",
        g,
        aggregation=Aggregation(RATIO, ("raw:prev_plan.inv", "raw:prev_plan.count")),
    )
    declare(
        "year_on_year.avg_annual_plan_change",
        "项目平均年度计划投资同比增长",
        "Average annual plan: change on last year",
        RATE,
        "项目平均年度计划投资同比增长 =（本年 − 上年）/ 上年；上年为 0 或无时为 null。",
        g,
        aggregation=Aggregation(
            CHANGE,
            ("year_on_year.avg_annual_plan_wan", "year_on_year.avg_annual_plan_wan_previous"),
        ),
    )
    declare(
        "year_on_year.completed_wan_previous",
        "上年同期累计完成投资（万元）",
        "Investment completed last year to the same month (10k yuan)",
        MONEY,
        "Y−1 年 1 月至上年同期所在月、有 Y−1 年度计划项目的已验收完成投资。",
        g,
    )
    declare(
        "year_on_year.completed_change",
        "累计完成投资同比增长",
        "Investment completed: change on last year",
        RATE,
        "累计完成投资同比增长。",
        g,
        aggregation=Aggregation(
            CHANGE, ("investment.completed_wan", "year_on_year.completed_wan_previous")
        ),
    )


_declare_all()


def figure(key: str) -> Figure:
    """The declaration of ``key`` (a Chinese error for an unknown key)."""
    try:
        return FIGURES[key]
    except KeyError:
        raise KeyError(f"未知的指标键“{key}”。") from None


def figure_keys() -> dict[str, tuple[str, str]]:
    """Every key → (中文名, kind): the shape ``figures.selectors.FIGURE_KEYS`` has always had."""
    return {key: (f.name, f.kind) for key, f in FIGURES.items()}


# --------------------------------------------------------------------------- the reference

REFERENCE_INTRO = """\
# 指标参考（Figure reference）

<!-- 本文件由 `python manage.py figures --write-docs` 从 `ballast/figures/registry.py`
生成，请勿手工修改（tests/test_figure_reference_is_generated.py 检查二者一致）。 -->

每个指标在 `ballast/figures/registry.py` 登记一次：键、中文名、英文名、单位、定义、汇总方式
和适用层级。计算规则（截至日期 D、已验收月报、序时进度的月数等）见 `docs/figures.md`。

汇总方式：**求和**——板块之和即市、市之和即省；**比值**——以合计后的分子、分母计算（不是各板块
比率的平均）；**加权平均**——以所注指标为权数；**不可加**——各层级按各自口径（名称、日期），
或只对板块设定（比率目标，全市、全省为 null）。层级：板块、市、省（产业集群尚不是指标的汇总层级）。
"""


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def reference_markdown() -> str:
    """``docs/figure-reference.md``: a table per group, in declaration order."""
    lines = [REFERENCE_INTRO.rstrip("\n")]
    groups: dict[str, list[Figure]] = {}
    for f in FIGURES.values():
        groups.setdefault(f.group, []).append(f)
    for group, figures in groups.items():
        lines += [
            "",
            f"## {group}",
            "",
            "| 键 | 中文名 | 英文名 | 单位 | 定义 | 汇总方式 | 层级 |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for f in figures:
            levels = "、".join(LEVEL_NAMES[level] for level in f.levels)
            lines.append(
                f"| `{f.key}` | {_cell(f.name)} | {_cell(f.english)} | {f.unit} | "
                f"{_cell(f.definition)} | {_cell(f.aggregation.describe())} | {levels} |"
            )
    return "\n".join(lines) + "\n"
