"""The demo city (演示城市): a deterministic, realistic Yangzhou built by ``load_demo``.

``build_demo(seed=…, password=…, today=…)`` builds it. The data is a pure function of
``(seed, today)``: the same seed and the same day give the same rows (ids and
timestamps of creation aside). ``today`` is passed in; nothing here reads the clock.

The build is a list of steps, :data:`DEMO_STEPS`, each a callable taking the shared
:class:`DemoContext` (the city, units, users, clusters, departments, the generated
project specs and the warning cases). Each step draws its random numbers from its own
stream, ``ctx.rng("<step name>")``, so adding a step never changes the data of the
others. To add the coordination issues, visits and tours of a later issue, write::

    def step_coordination(ctx: DemoContext) -> None:
        ...  # read ctx.projects / ctx.specs / ctx.users, bulk-create with ctx.bulk(...)

    DEMO_STEPS.append(step_coordination)

(or insert it into the list below). ``ctx.bulk(Model, rows)`` creates rows with their
history (``bulk_create_with_history``) attributed to the city administrator with the
reason "演示数据".

Projects are generated first as plain :class:`ProjectSpec` objects (timeline, monthly
investment series, suspension, termination), then written by the steps. Phase parents
(项目分期的上级项目) carry only the early stages (储备/签约/落地) and no plans or
reports; their phases carry construction, so investment is never counted twice.

The warning cases (``DemoSummary.cases``) are projects built on purpose to trigger each
early-warning rule as of ``today``; see ``docs/demo.md``.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from ballast.accounts.choices import Role
from ballast.accounts.models import Department, User
from ballast.assessments import demo as assessments_demo
from ballast.attraction import demo as attraction_demo
from ballast.audit.services import record_bulk
from ballast.coordination import demo as coordination_demo
from ballast.core.history import acting
from ballast.core.periods import add_months, month_start
from ballast.core.validators import USCC_ALPHABET, uscc_check_char
from ballast.dashboards import geo
from ballast.demo.models import DemoBuild
from ballast.figures import facts
from ballast.figures.selectors import elapsed_months
from ballast.projects.choices import (
    CATEGORIES_WITHOUT_PRODUCTION,
    Category,
    ConfidenceRating,
    Level,
    NodeKind,
    NodeOutcome,
    Origin,
    Stage,
    SuspensionKind,
    SuspensionReason,
    TargetIndicator,
    TerminationReason,
)
from ballast.projects.models import (
    AnnualPlan,
    ConfidenceAssessment,
    IndustryCluster,
    Node,
    PlanMonth,
    Project,
    StageEvent,
    Suspension,
    Termination,
    UnitTarget,
)
from ballast.regions.models import Region
from ballast.regions.services import assessment_units, init_city, init_province, read_parks_csv
from ballast.reports.choices import DEFAULT_DEADLINE_DAY, ReportStatus
from ballast.reports.models import MonthlyReport
from ballast.reports.services import report_amend

CITY_CODE = "321000"
PROVINCE_CODE = "320000"
FIRST_YEAR = 2021
# Passes the password rules of both modes (three classes, ≥ 8, not common).
DEFAULT_PASSWORD = "Ballast2026!"
DEFAULT_SEED = 2023
TARGET_PROJECTS = 600
REASON = "演示数据"
PARKS_CSV = Path(__file__).resolve().parent.parent / "regions" / "data" / "yangzhou_parks.csv"

CENT = Decimal("0.01")


def _money(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def _wan(value: float, step: int = 100) -> Decimal:
    """Round a float amount of 万元 to ``step`` 万元."""
    return Decimal(max(step, int(round(value / step)) * step)).quantize(CENT)


# --------------------------------------------------------------------------------------
# Reference data
# --------------------------------------------------------------------------------------

# Yangzhou's 13 key industry clusters: code, name, category, GB/T 4754 division, words.
CLUSTERS = [
    (
        "auto",
        "汽车及零部件",
        Category.INDUSTRIAL,
        "36",
        ["汽车零部件", "新能源汽车电驱系统", "汽车轻量化部件", "智能座舱"],
    ),
    (
        "equipment",
        "高端装备",
        Category.INDUSTRIAL,
        "34",
        ["智能数控机床", "工业机器人", "精密液压件", "智能输变电装备"],
    ),
    (
        "new-energy",
        "新能源",
        Category.INDUSTRIAL,
        "38",
        ["高效光伏组件", "储能电池", "氢能装备", "风电装备"],
    ),
    (
        "new-materials",
        "新材料",
        Category.INDUSTRIAL,
        "26",
        ["高性能复合材料", "电子化学品", "特种合金", "高端膜材料"],
    ),
    (
        "biomedicine",
        "生物医药和新型医疗器械",
        Category.INDUSTRIAL,
        "27",
        ["生物制剂", "高端医疗器械", "创新药", "医用耗材"],
    ),
    (
        "digital",
        "软件和信息服务（数字经济）",
        Category.SERVICES,
        "65",
        ["工业互联网平台", "数据中心", "软件研发基地", "算力中心"],
    ),
    ("food", "食品", Category.INDUSTRIAL, "14", ["调味品", "预制菜", "乳制品", "休闲食品"]),
    (
        "textile",
        "高端纺织服装",
        Category.INDUSTRIAL,
        "18",
        ["功能性面料", "高端服装", "产业用纺织品"],
    ),
    (
        "microelectronics",
        "微电子",
        Category.INDUSTRIAL,
        "39",
        ["车规级芯片封测", "功率半导体", "集成电路材料"],
    ),
    (
        "aviation",
        "航空",
        Category.INDUSTRIAL,
        "37",
        ["航空零部件", "通用航空整机", "航空复合材料构件"],
    ),
    (
        "marine",
        "海工装备和高技术船舶",
        Category.INDUSTRIAL,
        "37",
        ["高技术船舶", "海工平台模块", "船用动力系统"],
    ),
    (
        "culture-tourism",
        "文化旅游",
        Category.SERVICES,
        "90",
        ["文旅综合体", "运河文化街区", "康养度假区"],
    ),
    ("green", "节能环保", Category.INDUSTRIAL, "35", ["环保装备", "固废资源化利用", "节能装备"]),
]

# name, short name, username suffix
DEPARTMENTS = [
    ("扬州市发展和改革委员会", "市发改委", "fgw"),
    ("扬州市自然资源和规划局", "市自然资源和规划局", "zrzy"),
    ("扬州市生态环境局", "市生态环境局", "sthj"),
    ("扬州市住房和城乡建设局", "市住建局", "zjj"),
    ("扬州市行政审批局", "市行政审批局", "xzsp"),
    ("扬州市工业和信息化局", "市工信局", "gxj"),
    ("扬州市商务局", "市商务局", "swj"),
    ("扬州市财政局", "市财政局", "czj"),
    ("国网扬州供电公司", "供电公司", "power"),
    ("扬州市水务局", "市水务局", "water"),
    ("扬州市统计局", "市统计局", "tjj"),
]

# unit code: (weight, lon, lat, place words)
UNIT_GEO = {
    "321002": (60, 119.47, 32.38, ["广陵新城", "杭集镇", "头桥镇", "李典镇"]),
    "321003": (80, 119.36, 32.40, ["维扬经济开发区", "汊河街道", "杨寿镇", "方巷镇"]),
    "321012": (85, 119.60, 32.45, ["江都经济开发区", "仙女镇", "大桥镇", "丁沟镇"]),
    "321023": (55, 119.35, 33.22, ["宝应经济开发区", "安宜镇", "氾水镇", "射阳湖镇"]),
    "321081": (85, 119.17, 32.29, ["仪征经济开发区", "仪征大数据产业园", "真州镇", "新城镇"]),
    "321084": (65, 119.45, 32.78, ["高邮经济开发区", "高邮湖滨", "送桥镇", "车逻镇"]),
    "321071": (75, 119.42, 32.33, ["扬州经济技术开发区", "施桥镇", "朴席镇", "八里镇"]),
    "321072": (50, 119.50, 32.34, ["生态科技新城", "杭集片区", "泰安镇"]),
    "321073": (45, 119.41, 32.42, ["瘦西湖片区", "长春路片区", "平山乡"]),
}


def inside_outline(unit_code: str, lon: Decimal, lat: Decimal) -> tuple[Decimal, Decimal]:
    """A point in the unit's shipped outline (the map's): the point itself when inside,
    else the first of the points on the way to the unit's centre (UNIT_GEO) that is.
    Deterministic and uses no random draw, so the rest of the city stays as it was.
    Units without an outline (the functional zones) keep the point."""
    outline = geo.shipped_geometries(CITY_CODE).get(unit_code)
    if outline is None or geo.contains(outline, float(lon), float(lat)):
        return lon, lat
    centre = UNIT_GEO[unit_code][1:3]
    for step in range(1, 11):
        t = step / 10
        x = float(lon) + t * (centre[0] - float(lon))
        y = float(lat) + t * (centre[1] - float(lat))
        if geo.contains(outline, x, y):
            return Decimal(f"{x:.6f}"), Decimal(f"{y:.6f}")
    raise ValueError(f"the centre of unit {unit_code} lies outside its outline")


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方"
GIVEN = "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂华建国志宏文斌海波晓红玉兰春林凯鹏飞浩然宇轩子涵思远嘉欣雨婷俊峰立新卫东振宇晨阳"
BRANDS = "恒润华瑞泰宏盛达鑫源中科金通新阳博远天成汇丰德隆永嘉嘉禾瑞祥宏图正大东方江海扬帆"
COMPANY_PREFIX = ["扬州", "江苏", "仪征", "高邮", "江都", "宝应", "苏中", "长三角"]

SOCIAL_NAMES = [
    "人民医院新院区",
    "职业教育园区",
    "公共卫生服务中心",
    "保障性租赁住房",
    "养老服务中心",
    "中小学校扩建",
]
INFRA_NAMES = [
    "快速路",
    "绕城公路改扩建",
    "港区码头",
    "城市供水管网",
    "综合管廊",
    "220千伏输变电工程",
    "公交枢纽",
]
ECOLOGY_NAMES = ["河道综合整治", "污水处理厂提标改造", "生态湿地修复", "城市绿道", "固废处置中心"]

PROGRESS_TEXTS = [
    (5, "场地平整、临时设施搭建"),
    (15, "桩基施工"),
    (35, "基础及地下结构施工"),
    (60, "主体结构施工"),
    (80, "钢结构吊装、屋面及幕墙施工"),
    (92, "设备安装调试、装饰装修"),
    (101, "收尾及竣工验收准备"),
]
PROBLEMS = [
    ("用地指标尚未全部落实", "请市自然资源和规划局协调用地指标"),
    ("施工许可办理进度偏慢", "请市行政审批局加快施工许可办理"),
    ("企业自有资金到位偏慢", "协调银行加大信贷支持"),
    ("高压电力增容接入待实施", "请供电公司加快外线工程建设"),
    ("环评批复尚未取得", "请市生态环境局提前介入指导"),
    ("用工紧张，施工人员不足", "协调人社部门组织用工对接"),
]

NODE_DEPARTMENT = {
    NodeKind.FILING: "fgw",
    NodeKind.LAND_SUPPLY: "zrzy",
    NodeKind.PLANNING_PERMIT: "zrzy",
    NodeKind.ENVIRONMENT_REVIEW: "sthj",
    NodeKind.ENERGY_REVIEW: "fgw",
    NodeKind.CONSTRUCTION_PERMIT: "xzsp",
    NodeKind.STATISTICS_ENTRY: "tjj",
    NodeKind.COMPLETION_ACCEPTANCE: "zjj",
    NodeKind.PRODUCTION: "gxj",
}

# The warning cases, by rule and level (DemoSummary.cases keys).
CASE_KEYS = [
    "start_overdue.yellow",
    "start_overdue.red",
    "stalled.yellow",
    "stalled.red",
    "silent.yellow",
    "silent.red",
    "lagging.yellow",
    "lagging.red",
    "completion_overdue.yellow",
    "completion_overdue.red",
    "not_in_statistics.yellow",
    "not_in_statistics.red",
    "report_missing",
    "data_anomaly.over_total",
    "data_anomaly.spike",
]


# --------------------------------------------------------------------------------------
# Context and summary
# --------------------------------------------------------------------------------------


@dataclass
class ProjectSpec:
    """A project as generated, before it is written."""

    key: int
    name: str
    unit_code: str
    category: str
    cluster_code: str | None
    level: str
    total: Decimal
    investor: str = ""
    credit_code: str = ""
    origin: str = Origin.DOMESTIC
    foreign: Decimal | None = None
    land: Decimal | None = None
    floor: Decimal | None = None
    content: str = ""
    capacity: str = ""
    address: str = ""
    lon: Decimal | None = None
    lat: Decimal | None = None
    code: str = ""
    parent_key: int | None = None
    phase_label: str = ""
    planned_start: date | None = None
    planned_completion: date | None = None
    planned_full_output: date | None = None
    baseline_total: Decimal | None = None
    baseline_completion: date | None = None
    sales: Decimal | None = None
    tax: Decimal | None = None
    stages: dict[str, date] = field(default_factory=dict)
    suspension: tuple | None = None  # (kind, reason, start, planned_resume, resumed, note)
    termination: tuple | None = None  # (date, reason, note)
    # month (first day) → investment (万元), over the whole construction period, the
    # future included (plans use it; reports take the months up to the last full month)
    series: dict[date, Decimal] = field(default_factory=dict)
    report_until: date | None = None  # last month reported (inclusive), None: up to the end
    report_skip: set[date] = field(default_factory=set)
    force_accepted: bool = False
    plan_override: dict[int, Decimal] = field(default_factory=dict)
    no_curve: bool = False
    is_parent: bool = False
    case: str = ""
    enterprise_user: str = ""
    named: bool = False

    @property
    def is_started(self) -> bool:
        return Stage.STARTED in self.stages

    @property
    def has_production(self) -> bool:
        return self.category not in CATEGORIES_WITHOUT_PRODUCTION


@dataclass
class DemoSummary:
    """What ``build_demo`` made: counts per table, the logins and the warning cases.

    ``cases`` maps a case key (``stalled.red``, ``silent.yellow``, … and the plain rule
    names ``stalled``, ``silent``, …) to the project codes built to trigger it.
    """

    seed: int
    today: date
    counts: dict[str, int]
    cases: dict[str, list[str]]
    logins: list[tuple[str, str, str]]  # username, role label, unit name


@dataclass
class DemoContext:
    """Shared state of the build, handed to every step of :data:`DEMO_STEPS`."""

    seed: int
    password: str
    today: date
    city: Region | None = None
    units: list[Region] = field(default_factory=list)
    departments: dict[str, Department] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    clusters: dict[str, IndustryCluster] = field(default_factory=dict)
    specs: list[ProjectSpec] = field(default_factory=list)
    projects: dict[int, Project] = field(default_factory=dict)  # spec key → project
    plans: dict[tuple[int, int], AnnualPlan] = field(default_factory=dict)
    reports: list[MonthlyReport] = field(default_factory=list)
    cases: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in CASE_KEYS})
    counts: dict[str, int] = field(default_factory=dict)

    def rng(self, name: str) -> random.Random:
        """An independent random stream for one step, fixed by the seed."""
        return random.Random(f"ballast-demo:{self.seed}:{name}")

    @property
    def admin(self) -> User | None:
        return self.users.get("city_admin")

    @property
    def last_month(self) -> date:
        """The last full month before ``today``."""
        return add_months(month_start(self.today), -1)

    @property
    def progress_months(self) -> int:
        """The months of this year 序时进度 counts on ``today``: the figures' own rule, the
        months whose reports are due (``figures.selectors.elapsed_months``, the 5th)."""
        return elapsed_months(self.today.year, self.today, deadline_day=DEFAULT_DEADLINE_DAY)

    @property
    def time_progress(self) -> Decimal:
        """序时进度 (without a monthly curve) on ``today``."""
        return Decimal(self.progress_months) / 12

    @property
    def due_month(self) -> date:
        """The latest month whose report deadline (5th of the next month) has passed."""
        if self.today > month_start(self.today).replace(day=5):
            return self.last_month
        return add_months(self.last_month, -1)

    def unit(self, code: str) -> Region:
        return next(u for u in self.units if u.code == code)

    def bulk(self, model, rows: list, batch_size: int = 500) -> list:
        """Create ``rows`` with their history rows, attributed to the city administrator."""
        created = bulk_create_with_history(
            rows,
            model,
            batch_size=batch_size,
            default_user=self.admin,
            default_change_reason=REASON,
            custom_historical_attrs={"history_source": "command", "history_reason_text": REASON},
        )
        self.counts[model._meta.model_name] = self.counts.get(model._meta.model_name, 0) + len(rows)
        # Bulk history sends no signal: the audit trail is told here, one lock per batch.
        for start in range(0, len(created), batch_size):
            batch = created[start : start + batch_size]
            record_bulk(
                model.history.filter(id__in=[obj.pk for obj in batch], history_type="+")
                .select_related("history_user")
                .order_by("history_id"),
                objects=batch,
            )
        return created

    def aware(self, day: date, hour: int = 9, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(settings.TIME_ZONE))


# --------------------------------------------------------------------------------------
# Small generators
# --------------------------------------------------------------------------------------


def _person(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}"


def _credit_code(rng: random.Random, region_code: str) -> str:
    body = "91" + region_code + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    return body + uscc_check_char(body)


def _days(rng: random.Random, low: int, high: int) -> timedelta:
    return timedelta(days=rng.randint(low, high))


def _s_weights(n: int) -> list[float]:
    """Monthly shares of an S-shaped (logistic) cumulative curve over ``n`` months."""

    def cumulative(x: float) -> float:
        return 1 / (1 + math.exp(-8 * (x - 0.5)))

    low, high = cumulative(0), cumulative(1)
    points = [(cumulative(i / n) - low) / (high - low) for i in range(n + 1)]
    return [points[i + 1] - points[i] for i in range(n)]


def _months(first: date, last: date) -> list[date]:
    out, month = [], month_start(first)
    while month <= last:
        out.append(month)
        month = add_months(month, 1)
    return out


# --------------------------------------------------------------------------------------
# Steps
# --------------------------------------------------------------------------------------


def step_regions(ctx: DemoContext) -> None:
    """扬州市 with its six county-level divisions and three parks; the city departments."""
    ctx.city = init_city(code=CITY_CODE, parks=read_parks_csv(PARKS_CSV))
    ctx.units = list(assessment_units(ctx.city))
    # The other twelve cities of 江苏 (no projects: the province cockpit says so), after
    # Yangzhou so that its regions keep their ids.
    init_province(code=PROVINCE_CODE)
    rows = [Department(city=ctx.city, name=n, short_name=s) for n, s, _ in DEPARTMENTS]
    Department.objects.bulk_create(rows)
    by_name = {d.name: d for d in Department.objects.filter(city=ctx.city)}
    ctx.departments = {key: by_name[name] for name, _, key in DEPARTMENTS}
    ctx.counts["department"] = len(rows)


def step_users(ctx: DemoContext) -> None:
    """People for every role: city-level ones, one per department, three per unit, and
    enterprise contacts (two per unit). One password hash is shared by all."""
    rng = ctx.rng("users")
    hashed = make_password(ctx.password)
    rows: list[User] = []

    def add(username, role, region, title, department=None):
        rows.append(
            User(
                username=username,
                password=hashed,
                role=role,
                region=region,
                department=department,
                full_name=_person(rng),
                title=title,
                phone=_phone(rng),
                is_staff=role != Role.ENTERPRISE,
                is_superuser=False,
            )
        )

    add("city_admin", Role.CITY_ADMIN, ctx.city, "市发改委重大项目办主任")
    add("city_reviewer", Role.CITY_REVIEWER, ctx.city, "市发改委重大项目办科员")
    for n, title in enumerate(["副市长", "副市长", "市政府秘书长", "市发改委主任"], start=1):
        add(f"leader_city{n}", Role.LEADER, ctx.city, title)
    add("auditor", Role.AUDITOR, ctx.city, "安全审计员")
    for _, short, key in DEPARTMENTS:
        add(f"dept_{key}", Role.DEPARTMENT, ctx.city, f"{short}项目联络员", ctx.departments[key])
    for unit in ctx.units:
        name = unit.display_name
        add(f"clerk_{unit.code}", Role.UNIT_CLERK, unit, f"{name}重大项目办科员")
        add(f"reviewer_{unit.code}", Role.UNIT_REVIEWER, unit, f"{name}重大项目办主任")
        add(f"leader_{unit.code}", Role.LEADER, unit, f"{name}分管负责人")
    n = 0
    for unit in ctx.units:
        for _ in range(2):
            n += 1
            add(f"ent_{n}", Role.ENTERPRISE, unit, "企业项目联络人")
    # The other two administrators of 三权分立 (configuration; accounts), added last so
    # the people above keep their names and ids.
    add("sysadmin", Role.SYSTEM_ADMIN, ctx.city, "市发改委信息中心系统管理员")
    add("secadmin", Role.SECURITY_ADMIN, ctx.city, "市发改委信息中心安全管理员")
    # 省发改委: reads and compares the province's cities (added last: ids stay).
    add("province_officer", Role.PROVINCE_OFFICER, ctx.city.parent, "省发改委重大项目处")
    # With their history rows: the accounts' trail starts with the demo's creation.
    bulk_create_with_history(
        rows,
        User,
        default_change_reason=REASON,
        custom_historical_attrs={"history_source": "command", "history_reason_text": REASON},
    )
    ctx.users = {
        u.username: u for u in User.objects.filter(username__in=[r.username for r in rows])
    }
    ctx.counts["user"] = len(rows)


def step_clusters(ctx: DemoContext) -> None:
    """Yangzhou's 13 key industry clusters (configurable rows)."""
    rows = [
        IndustryCluster(city=ctx.city, code=code, name=name, sort_order=i)
        for i, (code, name, *_rest) in enumerate(CLUSTERS, start=1)
    ]
    ctx.bulk(IndustryCluster, rows)
    ctx.clusters = {c.code: c for c in IndustryCluster.objects.filter(city=ctx.city)}


# ---- project generation --------------------------------------------------------------


class _Generator:
    """Generates the project specs: named projects, warning cases, then ordinary ones."""

    def __init__(self, ctx: DemoContext):
        self.ctx = ctx
        self.today = ctx.today
        self.rng = ctx.rng("projects")
        self.specs: list[ProjectSpec] = []
        self.serial = 0
        self.names: set[str] = set()
        self.unit_codes = [u.code for u in ctx.units]
        self.unit_weights = [UNIT_GEO[c][0] if c in UNIT_GEO else 50 for c in self.unit_codes]
        self.ent_by_unit = {}
        for unit in ctx.units:
            self.ent_by_unit[unit.code] = [
                u.username
                for u in ctx.users.values()
                if u.role == Role.ENTERPRISE and u.region_id == unit.id
            ]
        self.ent_used: set[str] = set()

    # -- basic fields --

    def new_spec(self, **kwargs) -> ProjectSpec:
        spec = ProjectSpec(key=len(self.specs), **kwargs)
        self.specs.append(spec)
        return spec

    def pick_unit(self) -> str:
        return self.rng.choices(self.unit_codes, weights=self.unit_weights)[0]

    def pick_category(self) -> str:
        return self.rng.choices(
            [
                Category.INDUSTRIAL,
                Category.SERVICES,
                Category.INFRASTRUCTURE,
                Category.SOCIAL,
                Category.ECOLOGY,
            ],
            weights=[66, 12, 11, 6, 5],
        )[0]

    def pick_total(self, category: str) -> Decimal:
        # lognormal: median ≈ 3 亿元, a long tail to 百亿级, floor 5,000 万元
        mu = math.log(30_000) + (0.2 if category == Category.INFRASTRUCTURE else 0)
        value = math.exp(self.rng.gauss(mu, 1.05))
        value = min(max(value, 5_000), 1_500_000)
        step = 10 if value < 20_000 else 100 if value < 200_000 else 1000
        return _wan(value, step)

    def pick_level(self, total: Decimal) -> str:
        r = self.rng.random()
        if total >= 300_000 and r < 0.45:
            return Level.PROVINCIAL
        if total >= 50_000 and r < 0.8:
            return Level.CITY
        if total >= 10_000 and r < 0.35:
            return Level.CITY
        return Level.UNIT

    def company(self, unit_code: str, word: str) -> str:
        prefix = self.rng.choice(COMPANY_PREFIX)
        brand = self.rng.choice(BRANDS) + self.rng.choice(BRANDS)
        return f"{prefix}{brand}{word}有限公司"

    def unique_name(self, base: str) -> str:
        name, n = base, 2
        while name in self.names:
            name = f"{base}（{n}）" if n < 10 else f"{base}{n}"
            n += 1
        self.names.add(name)
        return name

    def fill_common(self, spec: ProjectSpec, year: int) -> None:
        """Codes, place, areas, people-facing text, derived from the spec's kind."""
        rng = self.rng
        geo = UNIT_GEO.get(spec.unit_code, (50, 119.43, 32.40, ["园区"]))
        if spec.lon is None:
            spec.lon = _money(min(max(geo[1] + rng.uniform(-0.05, 0.05), 119.0), 119.9)).quantize(
                Decimal("0.000001")
            )
            lat = min(max(geo[2] + rng.uniform(-0.04, 0.04), 32.2), 33.28)
            spec.lat = Decimal(f"{lat:.6f}")
            spec.lon = Decimal(f"{float(spec.lon) + rng.uniform(-0.005, 0.005):.6f}")
            spec.lon, spec.lat = inside_outline(spec.unit_code, spec.lon, spec.lat)
        if not spec.address:
            spec.address = f"扬州市{rng.choice(geo[3])}{rng.choice(BRANDS)}{rng.choice('东西南北')}路{rng.randint(1, 300)}号"
        industry = "48"
        if spec.cluster_code:
            industry = next(c[3] for c in CLUSTERS if c[0] == spec.cluster_code)
        elif spec.category == Category.SOCIAL:
            industry = "83"
        elif spec.category == Category.ECOLOGY:
            industry = "77"
        kind = "03" if spec.category in (Category.INDUSTRIAL, Category.SERVICES) else "01"
        if spec.category == Category.INDUSTRIAL and rng.random() < 0.08:
            kind = "02"
        region = spec.unit_code if spec.unit_code[4:] not in ("71", "72", "73") else CITY_CODE
        self.serial += rng.randint(1, 97)
        spec.code = f"{year}-{region}-{industry}-{kind}-{100000 + self.serial:06d}"
        if not spec.investor:
            if spec.category in (Category.INDUSTRIAL, Category.SERVICES):
                word = rng.choice(["科技", "新材料", "智能装备", "实业", "新能源科技", "产业发展"])
                spec.investor = self.company(spec.unit_code, word)
            else:
                unit_name = self.ctx.unit(spec.unit_code).display_name
                owners = {
                    Category.INFRASTRUCTURE: ["交通建设投资有限公司", "城市建设发展集团有限公司"],
                    Category.SOCIAL: ["城市建设发展集团有限公司", "国有资产投资经营有限公司"],
                    Category.ECOLOGY: ["水利建设有限公司", "城市建设发展集团有限公司"],
                }[spec.category]
                spec.investor = f"{unit_name}{rng.choice(owners)}"
        if not spec.credit_code:
            spec.credit_code = _credit_code(rng, spec.unit_code)
        if spec.land is None and not spec.is_parent:
            per_mu = (
                rng.uniform(80, 400)
                if spec.category == Category.INDUSTRIAL
                else rng.uniform(150, 900)
            )
            spec.land = _money(max(float(spec.total) / per_mu, 10)).quantize(Decimal("1"))
        if spec.floor is None and spec.land is not None:
            spec.floor = _money(float(spec.land) * 666.67 * rng.uniform(0.6, 1.4)).quantize(
                Decimal("1")
            )
        if spec.has_production and spec.sales is None:
            spec.sales = _wan(float(spec.total) * rng.uniform(0.8, 2.5), 100)
            spec.tax = _wan(float(spec.sales) * rng.uniform(0.03, 0.08), 10)
        if spec.baseline_total is None:
            spec.baseline_total = spec.total
            if rng.random() < 0.1:  # cost overrun: the forecast grew after the baseline
                spec.baseline_total = _wan(float(spec.total) / rng.uniform(1.05, 1.3), 10)
        if (
            spec.origin == Origin.DOMESTIC
            and rng.random() < 0.07
            and spec.category == Category.INDUSTRIAL
        ):
            spec.origin = rng.choice([Origin.FOREIGN, Origin.FOREIGN, Origin.HMT])
            spec.foreign = _wan(float(spec.total) / 7.1 * rng.uniform(0.5, 1.0), 10)
        if not spec.enterprise_user and spec.category in (Category.INDUSTRIAL, Category.SERVICES):
            free = [u for u in self.ent_by_unit.get(spec.unit_code, []) if u not in self.ent_used]
            if free and (spec.named or rng.random() < 0.05):
                spec.enterprise_user = free[0]
                self.ent_used.add(free[0])

    def ordinary_identity(self, unit_code: str, category: str) -> tuple[str, str | None, str, str]:
        """name, cluster code, content, capacity"""
        rng = self.rng
        unit_name = self.ctx.unit(unit_code).display_name
        place = rng.choice(UNIT_GEO.get(unit_code, (0, 0, 0, [""]))[3]).removeprefix(unit_name)
        if category == Category.INDUSTRIAL:
            industrial = [c for c in CLUSTERS if c[2] == Category.INDUSTRIAL]
            cluster = rng.choices(
                industrial, weights=[14, 14, 14, 12, 9, 7, 5, 6, 4, 5, 6][: len(industrial)]
            )[0]
            product = rng.choice(cluster[4])
            if cluster[0] in ("new-materials", "food", "textile"):
                amount, unit_word = rng.choice([1, 2, 3, 5, 10, 20, 30]), "万吨"
            elif cluster[0] in ("new-energy",) and "光伏" in product:
                amount, unit_word = rng.choice([1, 2, 3, 5, 10]), "GW"
            else:
                amount = rng.choice([5, 10, 20, 30, 50, 100, 200, 500])
                unit_word = rng.choice(["万套", "万件", "万台", "套"])
            brand = rng.choice(BRANDS) + rng.choice(BRANDS)
            name = f"{brand}年产{amount}{unit_word}{product}项目"
            content = f"新建生产厂房、研发楼及配套设施，购置{product}生产线{rng.randint(2, 12)}条"
            capacity = f"年产{amount}{unit_word}{product}"
            return name, cluster[0], content, capacity
        if category == Category.SERVICES:
            cluster = rng.choice([c for c in CLUSTERS if c[2] == Category.SERVICES])
            product = rng.choice(cluster[4])
            brand = rng.choice(BRANDS) + rng.choice(BRANDS)
            name = f"{unit_name}{brand}{product}项目"
            return name, cluster[0], f"建设{product}及配套商业设施", f"建成{product}一处"
        if category == Category.INFRASTRUCTURE:
            base = rng.choice(INFRA_NAMES)
            return f"{unit_name}{place}{base}工程", None, f"{base}工程建设", ""
        if category == Category.SOCIAL:
            base = rng.choice(SOCIAL_NAMES)
            return f"{unit_name}{place}{base}项目", None, f"{base}建设", ""
        base = rng.choice(ECOLOGY_NAMES)
        return (
            f"{unit_name}{place}{base}工程",
            "green" if rng.random() < 0.3 else None,
            f"{base}",
            "",
        )

    # -- timeline --

    def build_series(self, spec: ProjectSpec, start: date, end: date, share: float) -> None:
        """S-shaped monthly investment from ``start``'s month to ``end``'s month, skipping
        the paused months, summing to about ``share`` of the total."""
        months = [m for m in _months(start, end) if m not in spec.report_skip]
        if not months:
            return
        weights = _s_weights(len(months))
        total = float(spec.total) * share
        cap = float(spec.total) * 0.98
        cumulative = 0.0
        for month, weight in zip(months, weights, strict=True):
            amount = total * weight * self.rng.uniform(0.8, 1.2)
            amount = max(min(amount, cap - cumulative), 0)
            amount = round(amount, 2)
            cumulative += amount
            spec.series[month] = _money(amount)

    def construction_months(self, total: Decimal) -> int:
        base = 8 + 5 * math.log10(max(float(total), 5_000) / 5_000)
        return int(min(max(base + self.rng.randint(-2, 5), 8), 40))

    def timeline(self, spec: ProjectSpec, entry: date) -> None:
        """Walk the lifecycle from ``entry`` with plausible durations, stopping at today."""
        rng, today = self.rng, self.today
        stages: dict[str, date] = {}
        gov = spec.category in CATEGORIES_WITHOUT_PRODUCTION
        on = entry
        if gov:
            path = [Stage.RESERVE]
        else:
            first = rng.choices(
                [Stage.RESERVE, Stage.NEGOTIATING, Stage.SIGNED], weights=[3, 3, 4]
            )[0]
            path = [Stage.RESERVE, Stage.NEGOTIATING, Stage.SIGNED, Stage.LANDED]
            path = path[path.index(first) :]
        stuck = rng.random() < 0.08  # stays in the early stages (储备库/在谈 pool)
        gaps = {
            Stage.NEGOTIATING: (30, 120),
            Stage.SIGNED: (30, 150),
            Stage.LANDED: (20, 120),
        }
        for i, stage in enumerate(path):
            if i:
                on = on + _days(rng, *gaps.get(stage, (30, 90)))
            stages[stage] = on
            if stuck and stage in (Stage.RESERVE, Stage.NEGOTIATING):
                break
        planned_start = on + _days(rng, 60 if gov else 30, 240 if gov else 150)
        spec.planned_start = planned_start
        months = self.construction_months(spec.total)
        if stuck:
            spec.stages = {s: d for s, d in stages.items() if d <= today}
            spec.planned_start = (
                None if rng.random() < 0.5 else max(planned_start, today + _days(rng, 60, 300))
            )
            return
        start = planned_start + _days(rng, -20, 40)
        baseline_completion = add_months(planned_start, months)
        if start > today:
            # not started yet: the plan lies ahead (the overdue ones are built apart)
            spec.stages = {s: d for s, d in stages.items() if d <= today}
            if planned_start <= today:
                planned_start = today + _days(rng, 20, 240)
            spec.planned_start = planned_start
            spec.planned_completion = add_months(planned_start, months)
            spec.baseline_completion = spec.planned_completion
            if spec.has_production:
                spec.planned_full_output = add_months(spec.planned_completion, rng.randint(6, 18))
            return
        stages[Stage.STARTED] = start
        stages[Stage.IN_STATISTICS] = start + _days(rng, 15, 40)
        delay = 0 if rng.random() < 0.6 else rng.randint(1, 6)
        pause = 0
        if rng.random() < 0.07 and add_months(start, 3) < today:
            pause_start = start + _days(
                rng, 70, max(71, min(months * 30, (today - start).days) - 10)
            )
            if pause_start < today:
                resumed = rng.random() < 0.5
                pause_days = rng.randint(60, 200)
                resume_on = pause_start + timedelta(days=pause_days)
                kind = rng.choice([SuspensionKind.STOPPED, SuspensionKind.DEFERRED])
                reason = rng.choice([r for r in SuspensionReason if r != SuspensionReason.OTHER])
                if resumed and resume_on < today:
                    pause = (pause_days + 29) // 30
                    spec.suspension = (kind, reason, pause_start, resume_on, resume_on, "")
                    spec.report_skip = set(
                        _months(add_months(pause_start, 1), add_months(resume_on, -1))
                    )
                else:
                    planned = max(today, pause_start) + _days(rng, 30, 180)
                    spec.suspension = (kind, reason, pause_start, planned, None, "")
                    spec.report_until = add_months(month_start(pause_start), -1)
        completion = add_months(start, months + delay + pause)
        spec.baseline_completion = baseline_completion
        spec.planned_completion = max(baseline_completion, add_months(start, months + pause))
        if completion <= today and not (spec.suspension and spec.suspension[4] is None):
            stages[Stage.COMPLETED] = completion
            spec.planned_completion = (
                max(spec.planned_completion, completion) if delay == 0 else completion
            )
            if spec.has_production:
                production = completion + _days(rng, 0, 60)
                stages[Stage.IN_PRODUCTION] = production
                capacity = production + _days(rng, 180, 540)
                if rng.random() < 0.7:  # not every plant reaches its designed output
                    stages[Stage.AT_CAPACITY] = capacity
                spec.planned_full_output = production + _days(rng, 150, 400)
        else:
            if spec.planned_completion <= today:
                # re-planned: the forecast moved, the baseline kept the original date
                spec.planned_completion = max(completion, today + _days(rng, 30, 300))
            completion = max(completion, spec.planned_completion)
            if spec.has_production:
                spec.planned_full_output = add_months(spec.planned_completion, rng.randint(6, 18))
        spec.stages = {s: d for s, d in stages.items() if d <= today}
        if spec.suspension and spec.suspension[4] is None:
            spec.stages = {s: d for s, d in spec.stages.items() if d <= spec.suspension[2]}
        self.build_series(spec, start, completion, rng.uniform(0.86, 0.96))

    def maybe_terminate(self, spec: ProjectSpec) -> None:
        rng, today = self.rng, self.today
        if spec.suspension or Stage.COMPLETED in spec.stages or not spec.stages:
            return
        last = max(spec.stages.values())
        if (today - last).days < 45:
            # too recent to have given up: drop the latest stages and leave after them
            spec.stages = {s: d for s, d in spec.stages.items() if (today - d).days >= 45}
            if not spec.stages:
                return
            last = max(spec.stages.values())
        on = last + _days(rng, 30, min(400, (today - last).days - 1))
        reason = rng.choice(list(TerminationReason))
        notes = {
            TerminationReason.INVESTOR_WITHDREW: "投资方战略调整，决定不再投资",
            TerminationReason.FUNDING: "企业资金链断裂，无力继续建设",
            TerminationReason.POLICY: "项目不符合最新产业政策",
            TerminationReason.LAND: "规划调整，项目用地无法保障",
            TerminationReason.MERGED: "并入同一投资主体的其他项目实施",
            TerminationReason.OTHER: "经板块研究决定退出重大项目库",
        }
        spec.termination = (on, reason, notes[reason])
        spec.report_until = add_months(month_start(on), -1)
        started = spec.is_started
        spec.series = {m: v for m, v in spec.series.items() if started and m < month_start(on)}

    # -- projects --

    def ordinary(self, unit_code: str | None = None, category: str | None = None) -> ProjectSpec:
        rng = self.rng
        unit_code = unit_code or self.pick_unit()
        category = category or self.pick_category()
        name, cluster, content, capacity = self.ordinary_identity(unit_code, category)
        total = self.pick_total(category)
        spec = self.new_spec(
            name=self.unique_name(name),
            unit_code=unit_code,
            category=category,
            cluster_code=cluster,
            level=self.pick_level(total),
            total=total,
            content=content,
            capacity=capacity,
        )
        span = (self.today - date(FIRST_YEAR, 1, 1)).days
        entry = (
            date(FIRST_YEAR, 1, 1)
            - timedelta(days=rng.randint(0, 200))
            + timedelta(days=int(span * rng.random() ** 0.6))
        )
        self.timeline(spec, min(entry, self.today - timedelta(days=5)))
        year = min(spec.stages.values()).year if spec.stages else self.today.year
        self.fill_common(spec, max(year, FIRST_YEAR - 1))
        if rng.random() < 0.08:
            self.maybe_terminate(spec)
        return spec

    def case_project(
        self, case: str, *, started_months_ago: int | None, unit_code=None
    ) -> ProjectSpec:
        """A project shaped for a warning case: active, industrial, started or not."""
        rng, today = self.rng, self.today
        unit_code = unit_code or self.unit_codes[len(self.specs) % len(self.unit_codes)]
        name, cluster, content, capacity = self.ordinary_identity(unit_code, Category.INDUSTRIAL)
        total = _wan(math.exp(rng.uniform(math.log(20_000), math.log(200_000))), 100)
        spec = self.new_spec(
            name=self.unique_name(name),
            unit_code=unit_code,
            category=Category.INDUSTRIAL,
            cluster_code=cluster,
            level=rng.choice([Level.CITY, Level.CITY, Level.UNIT]),
            total=total,
            content=content,
            capacity=capacity,
            case=case,
            force_accepted=True,
            no_curve=True,
        )
        if started_months_ago is None:
            return spec
        start = add_months(today, -started_months_ago) - _days(rng, 0, 10)
        signed = start - _days(rng, 120, 300)
        spec.stages = {
            Stage.SIGNED: signed,
            Stage.LANDED: signed + _days(rng, 30, 90),
            Stage.STARTED: start,
        }
        if case not in ("not_in_statistics.yellow", "not_in_statistics.red"):
            spec.stages[Stage.IN_STATISTICS] = start + _days(rng, 15, 30)
        spec.planned_start = start - _days(rng, 0, 20)
        months = self.construction_months(total) + 6
        spec.planned_completion = add_months(start, months)
        if spec.planned_completion <= today + timedelta(days=120):
            spec.planned_completion = today + _days(rng, 150, 500)
        spec.baseline_completion = spec.planned_completion
        spec.planned_full_output = add_months(spec.planned_completion, 12)
        self.build_series(spec, start, spec.planned_completion, rng.uniform(0.86, 0.94))
        return spec

    def add_case(self, spec: ProjectSpec, key: str) -> None:
        year = min(spec.stages.values()).year if spec.stages else self.today.year
        self.fill_common(spec, year)
        spec.case = key

    def build_cases(self) -> None:
        rng, today, ctx = self.rng, self.today, self.ctx
        last, due = ctx.last_month, ctx.due_month
        # start overdue: signed and landed, planned start passed, not started
        for key, low, high in (("start_overdue.yellow", 10, 75), ("start_overdue.red", 120, 300)):
            for _ in range(4):
                spec = self.case_project(key, started_months_ago=None)
                planned = today - _days(rng, low, high)
                signed = planned - _days(rng, 150, 300)
                spec.stages = {Stage.SIGNED: signed, Stage.LANDED: signed + _days(rng, 30, 90)}
                spec.planned_start = planned
                spec.planned_completion = add_months(planned, 18)
                spec.baseline_completion = spec.planned_completion
                spec.planned_full_output = add_months(planned, 30)
                self.add_case(spec, key)
        # 只开工不施工: accepted reports with 0 in each of the last 2 (yellow) / 3 (red) months
        for key, zeros in (("stalled.yellow", 2), ("stalled.red", 3)):
            for _ in range(4):
                spec = self.case_project(key, started_months_ago=rng.randint(9, 20))
                for i in range(zeros):
                    spec.series[add_months(last, -i)] = Decimal("0.00")
                before = add_months(last, -zeros)
                if spec.series.get(before, Decimal(0)) == 0:
                    spec.series[before] = _wan(float(spec.total) * 0.02, 10)
                self.add_case(spec, key)
        # silent: no report for the last 2 (yellow) / 3 or more (red) months
        for key, gap in (("silent.yellow", 2), ("silent.red", 4)):
            for _ in range(4):
                spec = self.case_project(key, started_months_ago=rng.randint(10, 24))
                spec.report_until = add_months(last, -gap)
                self.add_case(spec, key)
        # lagging: this year's completion rate behind 序时进度 by 10–20 / over 20 points
        month_progress = self.ctx.time_progress
        for key, low, high in (("lagging.yellow", 12, 18), ("lagging.red", 24, 32)):
            if month_progress - Decimal(high) / 100 < Decimal("0.05") or last.year != today.year:
                continue
            for _ in range(4):
                spec = self.case_project(key, started_months_ago=rng.randint(14, 26))
                ytd = sum(
                    (v for m, v in spec.series.items() if m.year == today.year and m <= last),
                    Decimal(0),
                )
                if ytd <= 0:
                    continue
                gap = Decimal(rng.randint(low * 10, high * 10)) / 1000
                spec.plan_override[today.year] = _money(ytd / (month_progress - gap))
                self.add_case(spec, key)
        # completion overdue: planned completion passed, not completed
        for key, low, high in (
            ("completion_overdue.yellow", 15, 80),
            ("completion_overdue.red", 200, 420),
        ):
            for _ in range(3):
                spec = self.case_project(key, started_months_ago=rng.randint(24, 40))
                spec.planned_completion = today - _days(rng, low, high)
                spec.baseline_completion = spec.planned_completion - _days(rng, 0, 90)
                spec.planned_full_output = add_months(spec.planned_completion, 12)
                self.add_case(spec, key)
        # not in statistics: started 1–2 months ago (yellow) or more than 2 (red), no 列统
        for key, low, high in (
            ("not_in_statistics.yellow", 35, 55),
            ("not_in_statistics.red", 75, 170),
        ):
            for _ in range(3):
                spec = self.case_project(key, started_months_ago=None)
                start = today - _days(rng, low, high)
                signed = start - _days(rng, 120, 300)
                spec.stages = {
                    Stage.SIGNED: signed,
                    Stage.LANDED: signed + _days(rng, 30, 90),
                    Stage.STARTED: start,
                }
                spec.planned_start = start - _days(rng, 0, 15)
                spec.planned_completion = add_months(start, 20)
                spec.baseline_completion = spec.planned_completion
                spec.planned_full_output = add_months(start, 32)
                self.build_series(spec, start, spec.planned_completion, 0.9)
                self.add_case(spec, key)
        # report missing after the deadline: the due month's report absent
        for _ in range(4):
            spec = self.case_project("report_missing", started_months_ago=rng.randint(8, 20))
            spec.report_until = add_months(due, -1)
            self.add_case(spec, "report_missing")
        # data anomalies: cumulative accepted investment above the total; a spike month
        for _ in range(2):
            spec = self.case_project(
                "data_anomaly.over_total", started_months_ago=rng.randint(16, 30)
            )
            reported = [m for m in spec.series if m <= last]
            done = sum((spec.series[m] for m in reported), Decimal(0))
            extra = spec.total * Decimal(rng.uniform(1.05, 1.2)) - done
            spec.series[reported[-1]] += _money(extra)
            # Reports are refused past the total (reports/rules.py), so the story is a total
            # cut after they were accepted: the original total (the baseline) held them.
            spec.baseline_total = _wan(float(done + extra) * 1.1, 10)
            self.add_case(spec, "data_anomaly.over_total")
        for _ in range(3):
            spec = self.case_project("data_anomaly.spike", started_months_ago=rng.randint(12, 24))
            spike = add_months(last, -rng.randint(0, 3))
            others = sorted(v for m, v in spec.series.items() if m <= last and m != spike)
            median = others[len(others) // 2]
            spec.series[spike] = _money(max(median, Decimal(10)) * rng.randint(8, 12))
            reported = sum((v for m, v in spec.series.items() if m <= last), Decimal(0))
            if reported > spec.total:  # a spike, not a sum past the total (reports/rules.py)
                spec.total = _wan(float(reported) * 1.1, 100)
            self.add_case(spec, "data_anomaly.spike")

    def build_named(self) -> None:
        """The projects the seeds name, with their published figures."""
        d = date
        # 阿特斯光储全产业链: 百亿级, 1,200 亩, three phases
        parent = self.new_spec(
            name="阿特斯光储全产业链项目",
            unit_code="321071",
            category=Category.INDUSTRIAL,
            cluster_code="new-energy",
            level=Level.PROVINCIAL,
            total=Decimal("1000000.00"),
            investor="阿特斯阳光电力集团股份有限公司",
            land=Decimal("1200.00"),
            floor=Decimal("560000.00"),
            content="建设光伏切片、电池片、组件及储能系统全产业链生产基地",
            capacity="14GW 切片和电池片、10GW 组件",
            address="扬州经济技术开发区施桥镇",
            is_parent=True,
            named=True,
            sales=Decimal("3000000.00"),
            tax=Decimal("90000.00"),
            stages={
                Stage.NEGOTIATING: d(2022, 8, 15),
                Stage.SIGNED: d(2022, 11, 18),
                Stage.LANDED: d(2022, 12, 20),
            },
        )
        self.names.add(parent.name)
        self.fill_common(parent, 2022)
        phases = [
            (
                "一期",
                "400000",
                "500",
                "8GW 切片和电池片",
                d(2023, 1, 29),
                d(2024, 6, 28),
                d(2024, 7, 15),
            ),
            (
                "二期",
                "350000",
                "400",
                "6GW 切片和电池片、5GW 组件",
                d(2024, 3, 18),
                d(2025, 9, 30),
                d(2025, 10, 20),
            ),
            ("三期", "250000", "300", "5GW 组件、储能系统", d(2025, 10, 15), None, None),
        ]
        for label, total, land, capacity, start, completed, production in phases:
            spec = self.new_spec(
                name=f"阿特斯光储全产业链项目{label}",
                unit_code="321071",
                category=Category.INDUSTRIAL,
                cluster_code="new-energy",
                level=Level.PROVINCIAL,
                total=Decimal(total),
                investor=parent.investor,
                credit_code=parent.credit_code,
                land=Decimal(land),
                content=f"阿特斯光储全产业链{label}工程",
                capacity=capacity,
                address=parent.address,
                lon=parent.lon,
                lat=parent.lat,
                parent_key=parent.key,
                phase_label=label,
                named=True,
                enterprise_user=parent.enterprise_user,
            )
            self.names.add(spec.name)
            end = completed or d(2027, 3, 31)
            self.named_timeline(
                spec, start=start, completed=completed, production=production, planned_end=end
            )
            self.fill_common(spec, start.year)
        # 亚新科双环汽车零部件: 20 亿元, started March 2023, in production by year end
        spec = self.named(
            name="亚新科双环汽车零部件项目",
            unit_code="321081",
            cluster_code="auto",
            level=Level.PROVINCIAL,
            total="200000",
            investor="仪征亚新科双环活塞环有限公司",
            land="260",
            floor="156000",
            content="研发、生产和销售各类新型活塞环",
            capacity="年产1.2亿片汽车活塞环零部件",
            sales="50000",
            tax="5000",
            address="仪征经济开发区",
        )
        spec.stages = {Stage.SIGNED: d(2022, 10, 12), Stage.LANDED: d(2022, 12, 5)}
        self.named_timeline(
            spec,
            start=d(2023, 3, 8),
            completed=d(2023, 12, 20),
            production=d(2023, 12, 28),
            planned_end=d(2023, 12, 31),
        )
        self.fill_common(spec, 2022)
        # 中国移动长三角(扬州)数据中心: 100 亿元, 24 万 m², 25,600 racks
        spec = self.named(
            name="中国移动长三角（扬州）数据中心项目",
            unit_code="321081",
            cluster_code="digital",
            level=Level.PROVINCIAL,
            total="1000000",
            investor="中国移动通信集团江苏有限公司扬州分公司",
            land="420",
            floor="240000",
            content="建设集团级超大型5G数据中心",
            capacity="超大型5G数据中心，设计容纳25,600个机架（2.56万架）",
            sales="250000",
            tax="15000",
            address="仪征大数据产业园",
            category=Category.SERVICES,
        )
        spec.stages = {Stage.SIGNED: d(2022, 9, 20), Stage.LANDED: d(2022, 12, 28)}
        self.named_timeline(
            spec, start=d(2023, 3, 15), completed=None, production=None, planned_end=d(2027, 6, 30)
        )
        self.fill_common(spec, 2022)
        # 科霸高端生物医药一期: 26 亿元
        spec = self.named(
            name="科霸高端生物医药一期项目",
            unit_code="321071",
            cluster_code="biomedicine",
            level=Level.PROVINCIAL,
            total="260000",
            investor="扬州科霸生物医药有限公司",
            land="150",
            floor="98000",
            content="建设生物药原液及制剂生产基地，6000升生物反应器总容量",
            capacity="6000升生物反应器总容量，每年支持至少12个临床阶段产品和4个商业化规模产品生产",
            sales="300000",
            tax="20000",
            address="扬州经济技术开发区",
            phase_label="一期",
        )
        spec.stages = {Stage.SIGNED: d(2021, 11, 16), Stage.LANDED: d(2022, 3, 2)}
        self.named_timeline(
            spec,
            start=d(2022, 6, 18),
            completed=d(2025, 3, 28),
            production=d(2025, 6, 30),
            planned_end=d(2024, 12, 31),
        )
        self.fill_common(spec, 2021)
        # 长春路消费带文旅提升改造: 10 亿元, culture and tourism
        spec = self.named(
            name="长春路消费带文旅提升改造项目",
            unit_code="321073",
            cluster_code="culture-tourism",
            level=Level.CITY,
            total="100000",
            investor="扬州蜀冈—瘦西湖文化旅游发展有限公司",
            land="90",
            floor="36000",
            content="集康养、生态、度假于一体的高品质文旅休闲区提升改造",
            capacity="总建筑面积约3.6万平方米的文旅休闲街区",
            sales="120000",
            tax="3000",
            address="蜀冈—瘦西湖风景名胜区长春路",
            category=Category.SERVICES,
        )
        spec.stages = {Stage.RESERVE: d(2022, 5, 10), Stage.SIGNED: d(2022, 10, 26)}
        self.named_timeline(
            spec,
            start=d(2023, 2, 20),
            completed=d(2024, 9, 30),
            production=d(2024, 10, 1),
            planned_end=d(2024, 9, 30),
        )
        self.fill_common(spec, 2022)

    def named(
        self,
        *,
        name,
        unit_code,
        cluster_code,
        level,
        total,
        land,
        floor,
        sales,
        tax,
        category=Category.INDUSTRIAL,
        **kw,
    ) -> ProjectSpec:
        spec = self.new_spec(
            name=name,
            unit_code=unit_code,
            category=category,
            cluster_code=cluster_code,
            level=level,
            total=Decimal(total).quantize(CENT),
            land=Decimal(land).quantize(CENT),
            floor=Decimal(floor).quantize(CENT),
            sales=Decimal(sales).quantize(CENT),
            tax=Decimal(tax).quantize(CENT),
            named=True,
            **kw,
        )
        self.names.add(name)
        return spec

    def named_timeline(self, spec, *, start, completed, production, planned_end) -> None:
        today = self.today
        spec.stages[Stage.STARTED] = start
        spec.stages[Stage.IN_STATISTICS] = start + timedelta(days=30)
        spec.planned_start = start
        spec.planned_completion = completed or planned_end
        spec.baseline_completion = planned_end
        if completed:
            spec.stages[Stage.COMPLETED] = completed
        if production:
            spec.stages[Stage.IN_PRODUCTION] = production
            spec.planned_full_output = add_months(production, 12)
            if add_months(production, 12) < today:
                spec.stages[Stage.AT_CAPACITY] = add_months(production, 12)
        elif spec.has_production:
            spec.planned_full_output = add_months(spec.planned_completion, 12)
        if spec.planned_completion <= today and not completed:
            spec.planned_completion = add_months(today, 6)
        end = completed or spec.planned_completion
        spec.force_accepted = True
        self.build_series(spec, start, end, 0.95)
        spec.stages = {s: d for s, d in spec.stages.items() if d <= today}

    def build_phased(self, count: int) -> None:
        """A few ordinary projects built in two phases (一期/二期) under a parent."""
        rng = self.rng
        for _ in range(count):
            first = self.ordinary(category=Category.INDUSTRIAL)
            if first.termination or not first.stages:
                continue
            base = first.name.removesuffix("项目")
            parent = self.new_spec(
                name=self.unique_name(f"{base}（总体）项目"),
                unit_code=first.unit_code,
                category=first.category,
                cluster_code=first.cluster_code,
                level=first.level,
                total=first.total,
                investor=first.investor,
                credit_code=first.credit_code,
                content=first.content,
                capacity=first.capacity,
                is_parent=True,
                address=first.address,
                lon=first.lon,
                lat=first.lat,
            )
            early = {
                s: d
                for s, d in first.stages.items()
                if s in (Stage.RESERVE, Stage.NEGOTIATING, Stage.SIGNED, Stage.LANDED)
            }
            if not early:
                early = {Stage.SIGNED: min(first.stages.values())}
            parent.stages = early
            self.fill_common(parent, min(early.values()).year)
            parent.land = first.land
            first.parent_key = parent.key
            first.phase_label = "一期"
            first.name = self.unique_name(f"{base}一期项目")
            second = self.new_spec(
                name=self.unique_name(f"{base}二期项目"),
                unit_code=first.unit_code,
                category=first.category,
                cluster_code=first.cluster_code,
                level=first.level,
                total=_wan(max(float(first.total) * rng.uniform(0.6, 1.2), 5_000), 100),
                investor=first.investor,
                credit_code=first.credit_code,
                content=first.content,
                capacity=first.capacity,
                parent_key=parent.key,
                phase_label="二期",
                address=first.address,
            )
            entry = max(first.stages.values()) + _days(rng, 90, 400)
            self.timeline(second, min(entry, self.today - timedelta(days=5)))
            second.stages.pop(Stage.RESERVE, None)
            second.stages.pop(Stage.NEGOTIATING, None)
            self.fill_common(
                second, (min(second.stages.values()) if second.stages else self.today).year
            )
            parent.total = first.total + second.total
            parent.baseline_total = parent.total
            parent.planned_start = parent.planned_completion = parent.baseline_completion = None

    def generate(self) -> list[ProjectSpec]:
        self.build_named()
        self.build_cases()
        self.build_phased(8)
        # make sure every unit has a few of each early state, then fill up to the target
        while len(self.specs) < TARGET_PROJECTS:
            self.ordinary()
        return self.specs


def step_projects(ctx: DemoContext) -> None:
    """About 600 projects across the units, with leaders, codes and places."""
    ctx.specs = _Generator(ctx).generate()
    rng = ctx.rng("project-people")
    city_leaders = [u for k, u in ctx.users.items() if k.startswith("leader_city")]
    rows_parent, rows_other = [], []
    for spec in ctx.specs:
        unit = ctx.unit(spec.unit_code)
        ent = ctx.users.get(spec.enterprise_user) if spec.enterprise_user else None
        project = Project(
            code=spec.code,
            name=spec.name,
            investor=spec.investor,
            investor_credit_code=spec.credit_code,
            origin=spec.origin,
            unit=unit,
            district=unit if unit.kind != "park" else None,
            address=spec.address,
            longitude=spec.lon,
            latitude=spec.lat,
            cluster=ctx.clusters.get(spec.cluster_code) if spec.cluster_code else None,
            category=spec.category,
            level=spec.level,
            total_investment=spec.total,
            foreign_investment=spec.foreign,
            land_area=spec.land,
            floor_area=spec.floor,
            content=spec.content,
            capacity=spec.capacity,
            phase_label=spec.phase_label,
            planned_start=spec.planned_start,
            planned_completion=spec.planned_completion,
            planned_full_output=spec.planned_full_output,
            expected_annual_sales=spec.sales,
            expected_annual_tax=spec.tax,
            baseline_total_investment=spec.baseline_total,
            baseline_completion=spec.baseline_completion or spec.planned_completion,
            service_team=f"{spec.name}服务专班",
            responsible_officer=_person(rng),
            responsible_phone=_phone(rng),
            enterprise_contact=ent.full_name if ent else _person(rng),
            enterprise_phone=ent.phone if ent else _phone(rng),
        )
        if (
            project.planned_full_output
            and project.planned_completion
            and project.planned_full_output < project.planned_completion
        ):
            project.planned_full_output = project.planned_completion
        (rows_parent if spec.is_parent else rows_other).append((spec, project))
    # Field and model rules are checked; foreign keys are known good (skipping their
    # existence queries keeps the build fast).
    foreign_keys = ["unit", "district", "cluster", "parent"]
    for _spec, project in rows_parent:
        project.clean_fields(exclude=foreign_keys)
        project.clean()
    ctx.bulk(Project, [p for _, p in rows_parent])
    for spec, project in rows_parent:
        ctx.projects[spec.key] = project
    for spec, project in rows_other:
        if spec.parent_key is not None:
            project.parent = ctx.projects[spec.parent_key]
        project.clean_fields(exclude=foreign_keys)
        project.clean()
    ctx.bulk(Project, [p for _, p in rows_other])
    for spec, project in rows_other:
        ctx.projects[spec.key] = project
    # linked leaders: the unit's leader and one or two city leaders
    through = Project.leaders.through
    links = []
    for spec in ctx.specs:
        project = ctx.projects[spec.key]
        leaders = [ctx.users[f"leader_{spec.unit_code}"]]
        leaders += rng.sample(
            city_leaders, 2 if spec.level == Level.PROVINCIAL or rng.random() < 0.3 else 1
        )
        links += [through(project_id=project.pk, user_id=leader.pk) for leader in leaders]
    through.objects.bulk_create(links)
    ctx.counts["project_leader"] = len(links)


def step_lifecycle(ctx: DemoContext) -> None:
    """Stage events, suspensions (some resumed) and terminations."""
    events, suspensions, terminations = [], [], []
    for spec in ctx.specs:
        project = ctx.projects[spec.key]
        if spec.termination:
            spec.stages = {s: d for s, d in spec.stages.items() if d <= spec.termination[0]}
        for stage, on in sorted(spec.stages.items(), key=lambda item: item[1]):
            events.append(
                StageEvent(project=project, stage=stage, date=on, evidence=_evidence(stage, spec))
            )
        if spec.suspension:
            kind, reason, started, planned, resumed, note = spec.suspension
            row = Suspension(
                project=project,
                kind=kind,
                reason=reason,
                note=note or f"因{SuspensionReason(reason).label}{SuspensionKind(kind).label}",
                started_on=started,
                planned_resume_on=planned,
                resumed_on=resumed,
            )
            row.clean_fields(exclude=["project"])
            row.clean()
            suspensions.append(row)
        if spec.termination:
            on, reason, note = spec.termination
            terminations.append(
                Termination(project=project, terminated_on=on, reason=reason, note=note)
            )
    ctx.bulk(StageEvent, events)
    ctx.bulk(Suspension, suspensions)
    ctx.bulk(Termination, terminations)


def _evidence(stage: str, spec: ProjectSpec) -> str:
    return {
        Stage.RESERVE: "列入市重大项目储备库",
        Stage.NEGOTIATING: "招商部门在谈项目台账",
        Stage.SIGNED: f"与{spec.investor}签订投资协议",
        Stage.LANDED: "完成公司注册，土地摘牌",
        Stage.STARTED: "取得施工许可，主体工程正式破土开槽",
        Stage.IN_STATISTICS: "已入固定资产投资统计库",
        Stage.COMPLETED: "完成竣工验收备案",
        Stage.IN_PRODUCTION: "生产线投产运营",
        Stage.AT_CAPACITY: "达到设计产能",
    }[stage]


def step_plans(ctx: DemoContext) -> None:
    """Annual plans for the years a project is (or is planned to be) under construction;
    a minority carry their own monthly curve summing exactly to the plan."""
    rng = ctx.rng("plans")
    plans, curves = [], []
    progress = ctx.time_progress
    for spec in ctx.specs:
        if spec.is_parent:
            continue
        project = ctx.projects[spec.key]
        years: set[int] = {m.year for m in spec.series}
        if not spec.is_started and spec.planned_start and spec.planned_start.year <= ctx.today.year:
            years.add(spec.planned_start.year)
        if spec.termination:
            years = {y for y in years if y <= spec.termination[0].year}
        for year in sorted(y for y in years if FIRST_YEAR <= y <= ctx.today.year):
            months = {m.month: v for m, v in spec.series.items() if m.year == year}
            expected = sum(months.values(), Decimal(0))
            # The months 序时进度 counts: a plan on pace for them (reports not yet due
            # come on top).
            to_date = sum(
                (
                    v
                    for m, v in spec.series.items()
                    if m.year == year and m.month <= ctx.progress_months
                ),
                Decimal(0),
            )
            if year in spec.plan_override:
                amount = spec.plan_override[year]
            elif year == ctx.today.year and to_date > 0:
                # this year's plan is roughly on 序时进度 (the months whose reports are due)
                amount = _wan(float(to_date / progress) * rng.uniform(0.86, 1.04), 10)
            elif expected > 0:
                amount = _wan(float(expected) * rng.uniform(0.92, 1.12), 10)
            else:
                amount = _wan(float(spec.total) * rng.uniform(0.05, 0.15), 10)
            start = spec.stages.get(Stage.STARTED) or spec.planned_start
            stats = spec.stages.get(Stage.IN_STATISTICS) or (start and add_months(start, 1))
            completion = spec.planned_completion
            production = completion and spec.has_production and add_months(completion, 1)
            plan = AnnualPlan(
                project=project,
                year=year,
                planned_investment=amount,
                start_month=start.month if start and start.year == year else None,
                statistics_month=stats.month if stats and stats.year == year else None,
                completion_month=completion.month
                if completion and completion.year == year
                else None,
                production_month=production.month
                if production and production.year == year
                else None,
            )
            plans.append(plan)
            ctx.plans[(spec.key, year)] = plan
            if not spec.no_curve and expected > 0 and rng.random() < 0.15:
                curves.append((plan, months, expected))
    ctx.bulk(AnnualPlan, plans)
    rows = []
    for plan, months, expected in curves:
        shares = {m: plan.planned_investment * v / expected for m, v in months.items()}
        amounts = {m: _money(v) for m, v in shares.items()}
        last = max(amounts)
        amounts[last] += plan.planned_investment - sum(amounts.values())
        if amounts[last] < 0:
            continue
        rows += [
            PlanMonth(plan=plan, month=m, planned_investment=v) for m, v in sorted(amounts.items())
        ]
    ctx.bulk(PlanMonth, rows)


def step_nodes(ctx: DemoContext) -> None:
    """Node plans (前期手续与节点计划) of 5–8 nodes for projects from 落地 on; some late."""
    rng = ctx.rng("nodes")
    today = ctx.today
    rows = []
    for spec in ctx.specs:
        if spec.is_parent or not spec.planned_start:
            continue
        if (
            Stage.LANDED not in spec.stages
            and not spec.is_started
            and Stage.SIGNED not in spec.stages
        ):
            continue
        project = ctx.projects[spec.key]
        start = spec.stages.get(Stage.STARTED) or spec.planned_start
        completion = (
            spec.stages.get(Stage.COMPLETED) or spec.planned_completion or add_months(start, 18)
        )
        plan = [
            (NodeKind.FILING, start - _days(rng, 120, 200), Stage.LANDED),
            (NodeKind.LAND_SUPPLY, start - _days(rng, 80, 120), Stage.LANDED),
            (NodeKind.PLANNING_PERMIT, start - _days(rng, 40, 70), Stage.STARTED),
            (NodeKind.ENVIRONMENT_REVIEW, start - _days(rng, 30, 60), Stage.STARTED),
            (NodeKind.ENERGY_REVIEW, start - _days(rng, 30, 60), Stage.STARTED),
            (NodeKind.CONSTRUCTION_PERMIT, start - _days(rng, 5, 20), Stage.STARTED),
            (NodeKind.STATISTICS_ENTRY, start + _days(rng, 20, 40), Stage.IN_STATISTICS),
            (NodeKind.COMPLETION_ACCEPTANCE, completion, Stage.COMPLETED),
        ]
        if spec.has_production:
            plan.append((NodeKind.PRODUCTION, add_months(completion, 1), Stage.IN_PRODUCTION))
        count = rng.randint(5, min(8, len(plan)))
        keep = sorted(rng.sample(range(len(plan)), count))
        late_one = rng.random() < 0.2
        for order, index in enumerate(keep, start=1):
            kind, deadline, stage = plan[index]
            done_on = spec.stages.get(stage)
            node = Node(
                project=project,
                kind=kind,
                name=NodeKind(kind).label,
                deadline=deadline,
                department=ctx.departments[NODE_DEPARTMENT[kind]],
                department_name=ctx.departments[NODE_DEPARTMENT[kind]].short_name,
                person=_person(rng),
                sort_order=order,
            )
            if kind == NodeKind.ENERGY_REVIEW and spec.total < 20_000:
                node.outcome = NodeOutcome.NOT_NEEDED
                node.note = "年综合能耗低于审查标准，无需单独能评"
            elif done_on and not (
                late_one and deadline < today and stage != Stage.LANDED and not spec.is_started
            ):
                finished = min(
                    max(deadline + _days(rng, -20, 25), deadline - timedelta(days=60)), today
                )
                if stage in (Stage.STARTED, Stage.LANDED):
                    finished = min(finished, done_on)
                node.outcome, node.completed_on = NodeOutcome.DONE, finished
                if finished > deadline:
                    node.note = "逾期办结"
            elif deadline < today:
                node.note = "已逾期，责任部门正在办理"
            rows.append(node)
    ctx.bulk(Node, rows, batch_size=1000)


def step_reports(ctx: DemoContext) -> None:
    """Monthly reports of started projects up to the last full month: older months
    accepted by the city, the last two in a mix of states filling the review queues."""
    rng = ctx.rng("reports")
    last = ctx.last_month
    reviewer = ctx.users["city_reviewer"]
    rows = []
    for spec in ctx.specs:
        if spec.is_parent or not spec.series:
            continue
        project = ctx.projects[spec.key]
        clerk = ctx.users[f"clerk_{spec.unit_code}"]
        unit_reviewer = ctx.users[f"reviewer_{spec.unit_code}"]
        until = min(last, spec.report_until or last)
        completed = spec.stages.get(Stage.COMPLETED)
        cumulative = Decimal(0)
        problem_months = set()
        for month, amount in sorted(spec.series.items()):
            cumulative += amount
            if month > until or (completed and month > month_start(completed)):
                continue
            if month in spec.report_skip:
                continue
            percent = min(Decimal(100), (cumulative / spec.total * 100).quantize(CENT))
            progress = next(text for limit, text in PROGRESS_TEXTS if percent < limit)
            report = MonthlyReport(
                project=project,
                month=month,
                investment=amount,
                progress=f"{progress}，累计完成工程量约{percent:.0f}%",
                percent_complete=percent,
            )
            if amount == 0 or (rng.random() < 0.06 and month not in problem_months):
                problem, suggestion = rng.choice(PROBLEMS)
                report.problems, report.suggestions = problem, suggestion
                problem_months.add(month)
            age = (last.year - month.year) * 12 + last.month - month.month
            if spec.force_accepted or age >= 2:
                status = ReportStatus.ACCEPTED
            elif age == 1:
                status = rng.choices(list(ReportStatus), weights=[3, 4, 6, 87])[0]
            else:
                status = rng.choices(list(ReportStatus), weights=[12, 14, 16, 58])[0]
            _stamp(ctx, rng, report, status, clerk, unit_reviewer, reviewer)
            rows.append(report)
    ctx.reports = ctx.bulk(MonthlyReport, rows, batch_size=1000)


def _stamp(ctx, rng, report, status, clerk, unit_reviewer, city_reviewer) -> None:
    """Flow timestamps: submitted in the first days of the next month, then reviewed."""
    report.status = status
    if status == ReportStatus.DRAFT:
        return
    day = add_months(report.month, 1) + timedelta(days=rng.randint(0, 3))
    day = min(day, ctx.today)
    report.submitted_by, report.submitted_at = (
        clerk,
        ctx.aware(day, rng.randint(8, 17), rng.randint(0, 59)),
    )
    if status == ReportStatus.SUBMITTED:
        return
    day = min(day + timedelta(days=rng.randint(0, 2)), ctx.today)
    report.unit_approved_by = unit_reviewer
    report.unit_approved_at = max(
        report.submitted_at, ctx.aware(day, rng.randint(9, 17), rng.randint(0, 59))
    )
    if status == ReportStatus.UNIT_APPROVED:
        return
    day = min(day + timedelta(days=rng.randint(1, 5)), ctx.today)
    report.accepted_by = city_reviewer
    report.accepted_at = max(
        report.unit_approved_at, ctx.aware(day, rng.randint(9, 17), rng.randint(0, 59))
    )


def step_amendments(ctx: DemoContext) -> None:
    """A few accepted reports corrected (更正) by the city, with the reason in history."""

    rng = ctx.rng("amendments")
    case_projects = {ctx.projects[s.key].pk for s in ctx.specs if s.case}
    candidates = [
        r
        for r in ctx.reports
        if r.status == ReportStatus.ACCEPTED
        and r.investment > 100
        and r.project_id not in case_projects
    ]
    candidates.sort(key=lambda r: (r.project.code, r.month))
    reviewer = ctx.users["city_reviewer"]
    for report in rng.sample(candidates, min(6, len(candidates))):
        new = _money(report.investment * Decimal(rng.uniform(0.9, 0.98)))
        report_amend(
            user=reviewer,
            report=report,
            data={"investment": new},
            reason=rng.choice(
                [
                    "统计口径调整，剔除土地费用",
                    "经现场核查，按实际完成工程量更正",
                    "重复计入设备款，予以核减",
                ]
            ),
        )
    ctx.counts["amended_report"] = min(6, len(candidates))


def step_targets(ctx: DemoContext) -> None:
    """Unit targets for every year and quarter, from each unit's actual pace, with slack."""
    rng = ctx.rng("targets")
    quarter_share = [Decimal("0.18"), Decimal("0.25"), Decimal("0.27"), Decimal("0.30")]
    rows = []
    for unit in ctx.units:
        specs = [s for s in ctx.specs if s.unit_code == unit.code and not s.is_parent]
        for year in range(FIRST_YEAR, ctx.today.year + 1):

            def count_total(stage, specs=specs, year=year):
                hit = [s for s in specs if s.stages.get(stage) and s.stages[stage].year == year]
                return len(hit), sum((s.total for s in hit), Decimal(0))

            plan_total = sum(
                (
                    ctx.plans[(s.key, year)].planned_investment
                    for s in specs
                    if (s.key, year) in ctx.plans
                ),
                Decimal(0),
            )
            annual = {}
            for stage, count_key, money_key in (
                (Stage.SIGNED, TargetIndicator.SIGNED_COUNT, TargetIndicator.SIGNED_INVESTMENT),
                (Stage.STARTED, TargetIndicator.STARTED_COUNT, TargetIndicator.STARTED_INVESTMENT),
                (
                    Stage.COMPLETED,
                    TargetIndicator.COMPLETED_COUNT,
                    TargetIndicator.COMPLETED_INVESTMENT,
                ),
            ):
                n, money = count_total(stage)
                annual[count_key] = Decimal(max(2, round(max(n, 2) * rng.uniform(1.0, 1.25))))
                annual[money_key] = _wan(max(float(money), 20_000) * rng.uniform(1.0, 1.2), 100)
            annual[TargetIndicator.ANNUAL_INVESTMENT] = _wan(
                max(float(plan_total), 20_000) * rng.uniform(0.98, 1.08), 100
            )
            annual[TargetIndicator.LANDED_RATE] = Decimal(
                rng.choice(["0.65", "0.70", "0.70", "0.75"])
            )
            annual[TargetIndicator.STARTED_RATE] = Decimal(
                rng.choice(["0.25", "0.30", "0.30", "0.35"])
            )
            annual[TargetIndicator.IN_STATISTICS_RATE] = Decimal(
                rng.choice(["0.25", "0.30", "0.30"])
            )
            for indicator, value in annual.items():
                rows.append(
                    UnitTarget(unit=unit, period=str(year), indicator=indicator, value=value)
                )
            for q, share in enumerate(quarter_share, start=1):
                for indicator, value in annual.items():
                    if indicator.endswith("_rate"):
                        quarter_value = value
                    elif indicator.endswith("_count"):
                        quarter_value = Decimal(max(1, round(value * share)))
                    else:
                        quarter_value = _money(value * share)
                    rows.append(
                        UnitTarget(
                            unit=unit,
                            period=f"{year}Q{q}",
                            indicator=indicator,
                            value=quarter_value,
                        )
                    )
    ctx.bulk(UnitTarget, rows, batch_size=1000)


def step_ratings(ctx: DemoContext) -> None:
    """Monthly delivery-confidence ratings (green/amber/red) for projects of ≥ 10 亿元
    under construction, and for the warning cases."""
    rng = ctx.rng("ratings")
    last = ctx.last_month
    rows = []
    narratives = {
        ConfidenceRating.GREEN: [
            "按计划推进，节点可控",
            "施工组织有序，投资进度符合序时",
            "主要节点均按期完成",
        ],
        ConfidenceRating.AMBER: [
            "部分节点滞后，需加快推进",
            "资金到位偏慢，存在延期风险",
            "要素保障存在不确定性",
        ],
        ConfidenceRating.RED: [
            "进度严重滞后，需市级协调",
            "近期基本停工，竣工目标难以实现",
            "多项问题未解决，交付存在重大风险",
        ],
    }
    for spec in ctx.specs:
        if spec.is_parent or not spec.is_started:
            continue
        if spec.total < 100_000 and not spec.case:
            continue
        start = month_start(spec.stages[Stage.STARTED])
        end = min(last, month_start(spec.stages.get(Stage.COMPLETED, ctx.today)))
        if spec.termination:
            end = min(end, add_months(month_start(spec.termination[0]), -1))
        first = max(start, add_months(last, -23))
        project = ctx.projects[spec.key]
        for month in _months(first, end) if first <= end else []:
            recent = (last.year - month.year) * 12 + last.month - month.month < 3
            if spec.case and recent:
                rating = (
                    ConfidenceRating.RED if spec.case.endswith("red") else ConfidenceRating.AMBER
                )
            else:
                rating = rng.choices(list(ConfidenceRating), weights=[82, 14, 4])[0]
            rows.append(
                ConfidenceAssessment(
                    project=project,
                    month=month,
                    rating=rating,
                    narrative=rng.choice(narratives[rating]),
                )
            )
    ctx.bulk(ConfidenceAssessment, rows, batch_size=1000)


def step_attraction(ctx: DemoContext) -> None:
    """The attraction pipeline (ballast.attraction.demo), its products the clusters'."""
    attraction_demo.demo_step(ctx, products={code: items for code, *_, items in CLUSTERS})


def step_cases(ctx: DemoContext) -> None:
    """Record which project was built for which warning case."""
    for spec in ctx.specs:
        if spec.case:
            ctx.cases[spec.case].append(spec.code)
    for key in list(ctx.cases):
        rule = key.split(".")[0]
        if rule != key:
            ctx.cases.setdefault(rule, [])
            ctx.cases[rule] += ctx.cases[key]
    for key in ctx.cases:
        ctx.cases[key].sort()


# The build, in order. Append a step (a callable taking the DemoContext) to extend it.
DEMO_STEPS: list = [
    step_regions,
    step_users,
    step_clusters,
    step_projects,
    step_lifecycle,
    step_plans,
    step_nodes,
    step_reports,
    step_amendments,
    step_targets,
    step_ratings,
    step_cases,
    coordination_demo.demo_step,
    assessments_demo.demo_step,
    step_attraction,
]


# --------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------


def demo_loaded() -> bool:
    """The demo city is there: Yangzhou exists with projects."""
    return Project.objects.filter(unit__path__startswith=f"{PROVINCE_CODE}/{CITY_CODE}/").exists()


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, role in Chinese, unit or city) of the demo people, in a readable order."""
    city_order = [
        "city_admin",
        "city_reviewer",
        "leader",
        "system_admin",
        "security_admin",
        "auditor",
        "department",
    ]
    unit_order = ["unit_clerk", "unit_reviewer", "leader", "enterprise"]
    users = User.objects.filter(region__isnull=False).select_related("region", "department")
    rows = []
    for user in users:
        scope = user.region.name
        if user.department_id:
            scope = f"{user.region.name} {user.department.short_name}"
        if user.region.kind == "province":
            key = (0, 10**9, 0)  # after the city people, before the units
        elif user.region.kind == "city":
            key = (
                0,
                user.department_id or 0,
                city_order.index(user.role) if user.role in city_order else 9,
            )
        else:
            key = (
                1,
                user.region.sort_order,
                unit_order.index(user.role) if user.role in unit_order else 9,
            )
        rows.append(
            ((*key, _natural(user.username)), (user.username, user.get_role_display(), scope))
        )
    rows.sort(key=lambda item: item[0])
    return [row for _, row in rows]


def _natural(text: str):
    import re

    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


@transaction.atomic
def build_demo(*, seed: int, password: str, today: date) -> DemoSummary:
    """Build the demo city on a database without it (see :func:`reset_demo`)."""
    ctx = DemoContext(seed=seed, password=password, today=today)
    with acting(source="command", reason=REASON):
        for step in DEMO_STEPS:
            with acting(user=ctx.admin):
                step(ctx)
    DemoBuild.objects.create(seed=seed, today=today, project_count=len(ctx.specs))
    return DemoSummary(
        seed=seed, today=today, counts=dict(ctx.counts), cases=ctx.cases, logins=demo_logins()
    )


# Apps whose rows make up "the demo data"; --reset wipes them (history tables included).
DOMAIN_APPS = (
    "reports",
    "projects",
    "coordination",
    "attraction",
    "attachments",
    "inbox",
    "alerts",
    "assessments",
    "figures",
    "imports",
    "web",
    "demo",
    "accounts",
    "regions",
    "core",
)


class NotADemoDatabase(Exception):
    """Raised when --reset is asked of a database holding data that is not the demo's."""


@transaction.atomic
def reset_demo() -> int:
    """Delete every domain row (and its history, sessions and admin log) of a demo
    database. Refuses (``NotADemoDatabase``) when projects exist but no demo build does."""
    from django.apps import apps
    from django.db import connection

    if Project.objects.exists() and not DemoBuild.objects.exists():
        raise NotADemoDatabase(
            "数据库中有项目但没有演示数据构建记录，拒绝清空（--reset 只用于演示库）。"
        )
    models = []
    for label in DOMAIN_APPS + ("admin", "sessions", "axes", "otp_totp"):
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        models += [
            m
            for m in config.get_models(include_auto_created=True)
            if not m._meta.proxy and m._meta.managed
        ]
    deleted = 0
    # Foreign keys are deferred to the commit on SQLite and PostgreSQL alike, so the
    # order of the deletes does not matter; raw deletes skip signals (and history).
    for model in models:
        deleted += model._base_manager.all()._raw_delete(connection.alias) or 0
    # In any order, a report's trigger may no longer find its project: the maintained
    # figures facts (PostgreSQL) are recomputed from what is left (nothing).
    facts.rebuild()
    return deleted
