"""Planning a ledger (项目台账) import: one row per project with its fields, the dates of
its stages, its status and a plan year with its annual planned investment."""

from __future__ import annotations

import copy
import os
import re
import sys
from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.text import capfirst

from ballast.accounts import policy
from ballast.core import clock
from ballast.imports import cells
from ballast.imports.cells import CellProblem, compact
from ballast.imports.columns import (
    CATEGORY_WORDS,
    LEDGER_COLUMNS,
    LEVEL_WORDS,
    ORIGIN_WORDS,
    STATUS_WORDS,
)
from ballast.imports.matching import Lookups, ProjectIndex
from ballast.imports.plan import FieldChange, ImportPlan, RowError, RowPlan
from ballast.imports.reading import FileRejected, RawRow, Table, find_table
from ballast.projects.choices import (
    CATEGORIES_WITHOUT_PRODUCTION,
    PRODUCTION_STAGES,
    STAGE_ORDER,
    Stage,
    SuspensionKind,
    SuspensionReason,
    TerminationReason,
)
from ballast.projects.models import AnnualPlan, Project, StageEvent, Suspension, Termination
from ballast.projects.rules import check_happened, check_stage_date
from ballast.projects.services import PROJECT_FIELDS

QUANTITY_KINDS = ("money", "usd", "land", "area")
FOREIGN_KEYS = [f for f in Project._meta.concrete_fields if f.many_to_one]
STAGE_KEYS = {stage: f"stage:{stage}" for stage in STAGE_ORDER}  # shared by every row
CHUNK_ROWS = 2000  # rows planned with their projects loaded at a time
DEFAULT_UNITS = {"money": "万元", "usd": "万美元", "land": "亩", "area": "平方米"}


_COMPACT_WORDS: dict[int, list] = {}  # id of a module's word table → its compacted names


def _choice(words: dict, value, what: str):
    key = compact(value)
    table = _COMPACT_WORDS.get(id(words))
    if table is None:
        table = _COMPACT_WORDS[id(words)] = [
            (choice, {compact(n) for n in names}) for choice, names in words.items()
        ]
    for choice, names in table:
        if key in names or key in (choice, getattr(choice, "label", "")):
            return choice
    allowed = "、".join(names[0] for names in words.values())
    raise CellProblem(f"无法识别的{what}“{key}”，可填：{allowed}。")


def _reason(choices, text: str):
    key = compact(text)
    for choice in choices:
        if key == compact(choice.label) or key == choice.value:
            return choice, ""
    for choice in choices:
        if choice.label != "其他" and compact(choice.label) in key:
            return choice, text
    return choices.OTHER, text


def display(value) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple):  # ("row", n): a project created by an earlier row
        return f"第 {value[1]} 行的新项目"
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


STORED_UNITS = {c.key: c.unit for c in LEDGER_COLUMNS if c.kind in ("money", "usd", "land", "area")}


def display_field(key: str, value) -> str:
    """A project field's value as people read it: choice labels, amounts with their unit."""
    if isinstance(value, str) and value:
        choices = dict(Project._meta.get_field(key).flatchoices or ())
        return str(choices.get(value, value))
    if isinstance(value, Decimal) and key in STORED_UNITS:
        return f"{display(value)} {STORED_UNITS[key]}"
    return display(value)


class ChangeTexts:
    """The texts of a ledger row's changes, made when they are read (the preview, the dry
    run, the error workbook) rather than kept for every row of a large file. A row keeps,
    per change, the operation itself when it says everything (a new project's
    ``("create", data)``, a new stage date ``("stage", …)``, a new annual plan
    ``("plan", year, amount)``), else ``(key, old, new)`` — ``key`` a column's key or
    the year of an annual plan — or the :class:`FieldChange` itself."""

    __slots__ = ("headers",)

    def __init__(self, headers: dict[str, str]):
        self.headers = headers

    def column(self, key) -> str:
        if isinstance(key, int):  # an annual plan's year
            return f"{key}年{self.column('planned_investment')}"
        return self.headers.get(key, key)

    def __call__(self, entry) -> list[FieldChange]:
        if isinstance(entry, FieldChange):
            return [entry]
        kind = entry[0]
        if kind == "create":  # a new project: every field it is given
            return [
                FieldChange(self.column(key), "", display_field(key, value))
                for key, value in entry[1].items()
            ]
        if kind == "stage":  # ("stage", stage, date, reason): a stage not recorded before
            return [FieldChange(self.column(STAGE_KEYS[entry[1]]), "", display(entry[2]))]
        if kind == "plan":  # ("plan", year, amount): no plan for the year before
            return [
                FieldChange(
                    self.column(entry[1]), "", display_field("planned_investment", entry[2])
                )
            ]
        key, old, new = entry
        shown = "planned_investment" if isinstance(key, int) else key
        return [FieldChange(self.column(key), display_field(shown, old), display_field(shown, new))]


def _project_code(value) -> str:
    text = compact(value).upper()
    return re.sub(r"[‐‑‒–—―－_]", "-", text)


def _chunks(ids, size=500):
    ids = sorted(ids)
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


class Known:
    """What is already recorded about the file's projects, loaded in a few queries."""

    def __init__(self, project_ids):
        self.events: dict[int, dict[str, date]] = defaultdict(dict)
        self.terminations: dict[int, Termination] = {}
        self.open_suspensions: dict[int, Suspension] = {}
        self.plans: dict[tuple[int, int], Decimal] = {}  # (project, year) → planned
        for chunk in _chunks(project_ids):
            for project_id, stage, on in StageEvent.objects.filter(
                project_id__in=chunk
            ).values_list("project_id", "stage", "date"):
                self.events[project_id][stage] = on
            for termination in Termination.objects.filter(project_id__in=chunk):
                self.terminations[termination.project_id] = termination
            for suspension in Suspension.objects.filter(
                project_id__in=chunk, resumed_on__isnull=True
            ):
                self.open_suspensions[suspension.project_id] = suspension
            for project_id, year, planned in AnnualPlan.objects.filter(
                project_id__in=chunk
            ).values_list("project_id", "year", "planned_investment"):
                self.plans[(project_id, year)] = planned


class LedgerPlanner:
    """Builds the :class:`ImportPlan` of a ledger file for a user."""

    def __init__(self, *, user, table: Table, plan: ImportPlan, today: date):
        self.user = user
        self.table = table
        self.plan = plan
        self.today = today
        self.heads = table.columns()
        self.lookups = Lookups(user)
        self.changeable_unit_ids = set(
            policy.units_for(user, policy.CHANGE, Project).values_list("id", flat=True)
        )
        self.seen: dict[object, int] = {}
        self.file_projects: dict[tuple, int] = {}  # (unit id, code or name key) → row
        # (row, candidate, fields) whose foreign keys and unique code are checked for a
        # chunk of rows at once, after its rows (one query per kind of check); a candidate
        # is its foreign keys (FOREIGN_KEYS' order), its code and its id.
        self.candidates: list[tuple[RowPlan, tuple, frozenset[str]]] = []
        self.column_sets: dict[frozenset, frozenset] = {}
        self.projects: dict[int, Project] = {}  # those of the chunk being planned
        self.shared: dict = {}  # one instance per region and cluster
        self.known = Known(())
        self.texts = ChangeTexts({c.key: self.header_text(c.key) for c in LEDGER_COLUMNS})

    # -- reading cells -------------------------------------------------------------
    def unit_of(self, key: str) -> str:
        head = self.heads[key]
        kind = head.column.kind
        unit = head.unit or (self.table.declared_unit if kind == "money" else "")
        return unit or DEFAULT_UNITS.get(kind, "")

    def check_units(self) -> None:
        for head in self.heads.values():
            kind = head.column.kind
            if kind in QUANTITY_KINDS and head.unit and head.unit not in cells.UNIT_TABLES[kind]:
                self.plan.file_errors.append(
                    RowError(
                        0,
                        head.text,
                        f"无法识别列的单位“{head.unit}”，应为 {'、'.join(cells.UNIT_TABLES[kind])}。",
                    )
                )

    def read(self, raw: RawRow, row: RowPlan) -> dict:
        values = {}
        for key, head in self.heads.items():
            cell = raw.cell(head.index)
            if cells.is_blank(cell.value):
                continue
            kind = head.column.kind
            try:
                if kind == "code":
                    values[key] = _project_code(cell.value)
                elif kind == "name":
                    values[key] = cells.clean_name(cell.value)
                elif kind == "text":
                    values[key] = cells.clean_text(cell.value)
                elif kind == "credit":
                    values[key] = compact(cell.value).upper()
                elif kind in QUANTITY_KINDS:
                    values[key] = cells.to_quantity(cell.value, kind=kind, unit=self.unit_of(key))
                elif kind == "coordinate":
                    values[key] = cells.to_quantity(
                        cell.value, kind="degree", places=Decimal("0.000001")
                    )
                elif kind == "date":
                    values[key] = cells.to_date(cell.value)
                elif kind == "year":
                    values[key] = cells.to_year(cell.value)
                elif kind == "origin":
                    values[key] = _choice(ORIGIN_WORDS, cell.value, "资金来源")
                elif kind == "category":
                    values[key] = _choice(CATEGORY_WORDS, cell.value, "项目类别")
                elif kind == "level":
                    values[key] = _choice(LEVEL_WORDS, cell.value, "项目层级")
                elif kind == "status":
                    values[key] = _choice(STATUS_WORDS, cell.value, "状态")
                elif kind == "unit":
                    values[key] = self.lookups.unit(cell.value)
                else:  # district, cluster, parent: resolved once the unit is known
                    values[key] = cells.clean_name(cell.value)
            except CellProblem as exc:
                row.error(head.text, str(exc))
        return values

    def header_text(self, key: str) -> str:
        head = self.heads.get(key)
        if head is not None:
            return head.text
        return next((c.header for c in LEDGER_COLUMNS if c.key == key), key)

    # -- planning ----------------------------------------------------------------
    def build(self) -> None:
        self.check_units()
        raw_rows, self.table.rows = self.table.rows, []
        raw_values = []
        for position, raw in enumerate(raw_rows):
            raw_rows[position] = None  # read: its cells are not needed again (memory)
            row = RowPlan(row=raw.number, label="", describe=self.texts)
            values = self.read(raw, row)
            row.label = values.get("name") or values.get("code") or f"第 {raw.number} 行"
            raw_values.append((row, values))
        del raw_rows
        self.index = ProjectIndex(
            codes=[v.get("code") for _r, v in raw_values],
            unit_ids={v["unit"].id for _r, v in raw_values if "unit" in v},
        )
        # In chunks of rows: the projects a chunk names and what is recorded about them
        # are loaded for that chunk only (a file's existing projects, loaded whole, would
        # be most of a re-import's memory).
        for start in range(0, len(raw_values), CHUNK_ROWS):
            chunk = raw_values[start : start + CHUNK_ROWS]
            raw_values[start : start + CHUNK_ROWS] = [None] * len(chunk)
            self.load_chunk(chunk)
            for position, (row, values) in enumerate(chunk):
                chunk[position] = None  # planned: its cells are in the plan now (memory)
                if not row.errors:
                    try:
                        self.plan_row(row, values)
                    except CellProblem as exc:  # a problem of the row as a whole
                        row.error("", str(exc))
                self.plan.rows.append(row)
            self.check_candidates()
        self.projects, self.known = {}, Known(())
        for row in self.plan.rows:
            if row.errors:
                row.action, row.ops, row.changes = "error", [], []

    def load_chunk(self, chunk) -> None:
        """The projects the chunk's rows (and their parents) name, loaded whole with their
        unit, district, cluster and parent (one instance of each region and cluster for
        the whole file), and what is recorded about the rows' own projects."""
        own, parents = set(), []
        for row, values in chunk:
            if row.errors:
                continue
            unit = values.get("unit")
            try:
                pk = self.index.find(
                    code=values.get("code", ""), name=values.get("name", ""), unit=unit
                )
            except CellProblem:
                continue  # the row's error, found again when it is planned
            if pk is not None:
                own.add(pk)
            if "parent" in values:
                parents.append((values["parent"], unit, pk))
        self.projects = {}
        self.fetch(own)
        self.known = Known(own)
        wanted = set()
        for text, unit, pk in parents:
            unit = unit if unit is not None else getattr(self.projects.get(pk), "unit", None)
            try:
                found = self.index.find(code=_project_code(text), name=text, unit=unit)
            except CellProblem:
                continue
            if found is not None and found not in self.projects:
                wanted.add(found)
        self.fetch(wanted)

    def fetch(self, ids) -> None:
        queryset = Project.objects.select_related("unit", "district", "cluster", "parent")
        for chunk in _chunks(ids):
            for project in queryset.filter(pk__in=chunk):
                # One instance per region and cluster for all the projects (a
                # select_related row makes its own copy for each project).
                cache = project._state.fields_cache
                for name in ("unit", "district", "cluster"):
                    related = cache.get(name)
                    if related is not None:
                        cache[name] = self.shared.setdefault((type(related), related.pk), related)
                self.projects[project.pk] = project

    def find_project(self, *, code: str, name: str, unit) -> Project | None:
        pk = self.index.find(code=code, name=name, unit=unit)
        if pk is None:
            return None
        if pk not in self.projects:  # not foreseen by load_chunk
            self.fetch([pk])
        return self.projects[pk]

    def check_candidates(self) -> None:
        """What ``full_clean()`` would ask the database row by row, for a chunk of rows:
        that each foreign key exists (within its ``limit_choices_to``), one query per
        field, and that no project code is another project's, one query."""
        candidates = [c for c in self.candidates if not c[0].errors]
        self.candidates = []
        for position, field in enumerate(FOREIGN_KEYS):
            ids = {c[position] for _r, c, keys in candidates if field.name in keys}
            ids.discard(None)
            found = set()
            for chunk in _chunks(ids):
                found.update(
                    field.remote_field.model._base_manager.filter(pk__in=chunk)
                    .complex_filter(field.get_limit_choices_to())
                    .values_list("pk", flat=True)
                )
            for row, candidate, keys in candidates:
                value = candidate[position]
                if field.name in keys and value is not None and value not in found:
                    row.error(
                        self.header_text(field.name),
                        field.error_messages["invalid"]
                        % {
                            "model": field.remote_field.model._meta.verbose_name,
                            "pk": value,
                            "field": field.remote_field.field_name,
                            "value": value,
                        },
                    )
        code_field = Project._meta.get_field("code")
        codes = {c[-2] for _r, c, keys in candidates if "code" in keys and c[-2]}
        taken: dict[str, int] = {}
        for chunk in _chunks(codes):
            taken.update(Project._base_manager.filter(code__in=chunk).values_list("code", "pk"))
        for row, candidate, keys in candidates:
            code, pk = candidate[-2:]
            if "code" in keys and code in taken and taken[code] != pk:
                row.error(
                    self.header_text("code"),
                    code_field.error_messages["unique"]
                    % {
                        "model_name": capfirst(Project._meta.verbose_name),
                        "field_label": capfirst(code_field.verbose_name),
                    },
                )

    def plan_row(self, row: RowPlan, values: dict) -> None:
        code, name, unit = values.get("code", ""), values.get("name", ""), values.get("unit")
        if not code and not name:
            raise CellProblem("项目代码和项目名称至少填写一项。")
        project = self.find_project(code=code, name=name, unit=unit)
        if project is None and unit is None and not code and name:
            raise CellProblem("没有项目代码时须填写所属板块，以便按名称匹配项目。")
        if project is not None:
            identity = project.pk
        elif code:
            identity = ("code", code)
        else:
            identity = ("name", unit.id if unit else None, cells.name_key(name))
        if identity in self.seen:
            raise CellProblem(f"与第 {self.seen[identity]} 行是同一个项目，一个项目只能出现一行。")
        self.seen[identity] = row.row
        if project is not None:
            row.project_id = project.pk
            if project.unit_id not in self.changeable_unit_ids:
                raise CellProblem(f"项目“{project.name}”属于板块“{project.unit}”，您无权修改。")
            if (
                unit is not None
                and unit.id != project.unit_id
                and unit.id not in self.changeable_unit_ids
            ):
                row.error(self.header_text("unit"), f"您无权把项目移到板块“{unit}”。")
        else:
            if unit is None:
                row.error(self.header_text("unit"), "新增项目须填写所属板块。")
            elif unit.id not in self.lookups.writable_unit_ids:
                row.error(self.header_text("unit"), f"您无权在板块“{unit}”新增项目。")
            if not name:
                row.error(self.header_text("name"), "新增项目须填写项目名称。")
            if "total_investment" not in values:
                row.error(self.header_text("total_investment"), "新增项目须填写总投资。")
            if row.errors:
                return
        target_unit = unit or project.unit
        data = self.project_data(row, values, project, target_unit)
        if row.errors:
            return
        candidate = self.validate_project(row, project, data)
        if row.errors:
            return
        if project is None:
            row.action = "create"
            row.ops.append(("create", data))
            row.shown.append(row.ops[-1])  # its texts: ChangeTexts
            self.file_projects[(target_unit.id, code or cells.name_key(name))] = row.row
            if code:
                self.file_projects[(target_unit.id, cells.name_key(name))] = row.row
        else:
            changed = {}
            for key, value in data.items():
                old = getattr(project, key)
                new_id = getattr(value, "pk", value)
                old_id = (
                    getattr(project, f"{key}_id")
                    if key in ("unit", "district", "cluster", "parent")
                    else old
                )
                if isinstance(value, tuple) or (  # a parent among this file's new rows
                    old_id != new_id and not (old_id in (None, "") and new_id in (None, ""))
                ):
                    changed[key] = value
                    if old_id is not old:  # a related object: its text, not the object
                        old = display_field(key, old)
                    row.shown.append((key, old, value))
            if changed:
                row.ops.append(("update", changed))
        self.plan_stages(row, values, project, candidate)
        if not row.errors:
            self.plan_status(row, values, project)
        if not row.errors:
            self.plan_annual(row, values, project)
        if row.errors:
            return
        if project is not None:
            row.action = "update" if row.ops else "unchanged"

    def project_data(self, row, values, project, unit) -> dict:
        data = {}
        for key in PROJECT_FIELDS:
            if key in values:
                data[key] = values[key]
        city_id = unit.city_id
        for key, finder in (("district", self.lookups.district), ("cluster", self.lookups.cluster)):
            if key in data:
                try:
                    data[key] = finder(data[key], city_id=city_id)
                except CellProblem as exc:
                    row.error(self.header_text(key), str(exc))
        if "parent" in data:
            data["parent"] = self.parent_of(row, data["parent"], unit)
        return data

    def parent_of(self, row, text, unit):
        code = _project_code(text)
        try:
            found = self.find_project(code=code, name=text, unit=unit)
        except CellProblem as exc:
            row.error(self.header_text("parent"), str(exc))
            return None
        if found is not None:
            return found
        in_file = self.file_projects.get((unit.id, code)) or self.file_projects.get(
            (unit.id, cells.name_key(text))
        )
        if in_file:
            return ("row", in_file)
        row.error(
            self.header_text("parent"),
            f"在板块“{unit}”中找不到上级项目“{text}”（须已存在或在本表前面的行中）。",
        )
        return None

    def validate_project(self, row, project, data) -> Project:
        candidate = copy.copy(project) if project else Project()
        exclude = []
        for key, value in data.items():
            if isinstance(value, tuple):
                exclude.append(key)
                continue
            setattr(candidate, key, value)
        checked = [key for key in data if key not in exclude]
        # Foreign keys and the unique code: checked for the whole file (check_candidates).
        exclude += [f.name for f in FOREIGN_KEYS if f.name not in exclude]
        try:
            candidate.full_clean(exclude=exclude, validate_unique=False)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                column = "" if key == "__all__" else self.header_text(key)
                for message in messages:
                    row.error(column, message)
        if not row.errors:  # what check_candidates needs, not the whole candidate
            kept = (*(getattr(candidate, f.attname) for f in FOREIGN_KEYS), candidate.code)
            checked = frozenset(checked)  # one instance per set of columns (memory)
            checked = self.column_sets.setdefault(checked, checked)
            self.candidates.append((row, (*kept, candidate.pk), checked))
        return candidate

    def plan_stages(self, row, values, project, candidate) -> None:
        file_dates = {
            sys.intern(key.split(":", 1)[1]): value
            for key, value in values.items()
            if key.startswith("stage:")
        }
        if not file_dates:
            return
        existing = {}
        terminated_on = None
        if project is not None:
            existing = dict(self.known.events.get(project.pk, {}))
            termination = self.known.terminations.get(project.pk)
            terminated_on = termination.terminated_on if termination else None
        if terminated_on is None and values.get("status") == "terminated":
            terminated_on = values.get("status_date")
        merged = {**existing, **file_dates}
        reason = values.get("stage_reason", "")
        for stage, on in sorted(file_dates.items(), key=lambda item: STAGE_ORDER[item[0]]):
            column = self.header_text(f"stage:{stage}")
            label = Stage(stage).label
            try:  # the service's own rule: a real date that has happened
                check_stage_date(stage, on, today=self.today)
            except ValidationError as exc:
                for message in exc.messages:
                    row.error(column, message)
                continue
            if existing.get(stage) and existing[stage] != on and not reason:
                row.error(
                    column,
                    f"“{label}”已记录为 {existing[stage]}，改为 {on} 属于更正，"
                    f"须在“{self.header_text('stage_reason')}”列写明原因。",
                )
                continue
            if stage in PRODUCTION_STAGES and candidate.category in CATEGORIES_WITHOUT_PRODUCTION:
                row.error(column, f"{candidate.get_category_display()}项目没有“{label}”阶段。")
                continue
            for other, other_on in merged.items():
                if other == stage:
                    continue
                earlier = STAGE_ORDER[other] < STAGE_ORDER[stage]
                if (earlier and other_on > on) or (not earlier and other_on < on):
                    if other in file_dates and not earlier:
                        continue  # reported on the later stage's column
                    where = "本行的" if other in file_dates else "已记录的"
                    relation = "早于" if earlier else "晚于"
                    row.error(
                        column,
                        f"{label}日期 {on} {relation}{where}{Stage(other).label}日期 {other_on}，阶段日期不能倒序。",
                    )
                    break
            if terminated_on and on > terminated_on:
                row.error(column, f"项目于 {terminated_on} 终止，不能有之后的“{label}”日期 {on}。")
        if row.errors:
            return
        # Record in an order in which every intermediate state keeps the dates in order:
        # dates moved earlier first (earliest stage first), then new or later dates (latest
        # stage first), as stage_record checks each date against the others.
        moved_earlier = [s for s in file_dates if existing.get(s) and file_dates[s] < existing[s]]
        others = [s for s in file_dates if s not in moved_earlier]
        order = sorted(moved_earlier, key=STAGE_ORDER.get) + sorted(
            others, key=STAGE_ORDER.get, reverse=True
        )
        for stage in order:
            if existing.get(stage) != file_dates[stage]:
                row.ops.append(("stage", stage, file_dates[stage], reason))
                if stage in existing:  # its texts: ChangeTexts
                    row.shown.append((STAGE_KEYS[stage], existing[stage], file_dates[stage]))
                else:
                    row.shown.append(row.ops[-1])

    def plan_status(self, row, values, project) -> None:
        status = values.get("status")
        if status is None:
            return
        on = values.get("status_date")
        reason_text = values.get("status_reason", "")
        note = values.get("status_note", "")
        open_suspension = terminated = None
        if project is not None:
            open_suspension = self.known.open_suspensions.get(project.pk)
            terminated = self.known.terminations.get(project.pk)
        column = self.header_text("status")
        date_column = self.header_text("status_date")
        if on is not None:
            try:  # a stop, a resumption or a termination has happened: not in the future
                check_happened("status_date", on, today=self.today, what="状态日期")
            except ValidationError as exc:
                for message in exc.messages:
                    row.error(date_column, message)
                return
        if status == "active":
            if open_suspension is not None:
                if on is None:
                    row.error(date_column, "项目正处于停缓建，标为在建须在状态日期列填写复工日期。")
                    return
                row.ops.append(("resume", on, note))
                row.shown.append(
                    FieldChange(column, open_suspension.get_kind_display(), f"在建（{on} 复工）")
                )
            elif terminated is not None:
                row.error(column, f"项目已于 {terminated.terminated_on} 终止，不能标为在建。")
            return
        if status in ("stopped", "deferred"):
            if terminated is not None:
                row.error(column, "已终止的项目不能停缓建。")
                return
            if open_suspension is not None:
                return  # already off the line
            if on is None:
                row.error(date_column, f"“{STATUS_WORDS[status][0]}”须填写停缓建日期。")
                return
            reason, extra = (
                _reason(SuspensionReason, reason_text)
                if reason_text
                else (SuspensionReason.OTHER, "")
            )
            full_note = "；".join(t for t in (extra, note) if t)
            kind = SuspensionKind.STOPPED if status == "stopped" else SuspensionKind.DEFERRED
            row.ops.append(("suspend", kind.value, reason.value, on, full_note))
            row.shown.append(FieldChange(column, "在建", f"{kind.label}（{on}，{reason.label}）"))
            return
        # terminated
        if terminated is not None:
            return
        if on is None:
            row.error(date_column, "终止须填写终止日期。")
            return
        if not (reason_text or note):
            row.error(self.header_text("status_reason"), "终止须填写原因或说明。")
            return
        reason, _extra = (
            _reason(TerminationReason, reason_text)
            if reason_text
            else (TerminationReason.OTHER, "")
        )
        last = max(
            list(self.known.events.get(project.pk, {}).values()) if project else [],
            default=None,
        )
        file_last = max((v for k, v in values.items() if k.startswith("stage:")), default=None)
        latest = max((d for d in (last, file_last) if d), default=None)
        if latest and on < latest:
            row.error(date_column, f"终止日期 {on} 不能早于最近阶段的日期 {latest}。")
            return
        row.ops.append(("terminate", on, reason.value, note or reason_text))
        row.shown.append(FieldChange(column, "", f"终止（{on}，{reason.label}）"))

    def default_plan_year(self) -> int | None:
        """The year written in the annual plan's header ("2023年计划投资"), else the title's."""
        head = self.heads.get("planned_investment")
        found = re.search(r"((?:19|20)\d{2})年", compact(head.written)) if head else None
        return int(found[1]) if found else self.table.title_year

    def plan_annual(self, row, values, project) -> None:
        amount = values.get("planned_investment")
        if amount is None:
            return
        year = values.get("plan_year") or self.default_plan_year()
        if year is None:
            row.error(
                self.header_text("plan_year"),
                "填写了年度计划投资须同时填写计划年度（或在该列表头、表格标题中写明年份）。",
            )
            return
        if amount < 0:
            row.error(self.header_text("planned_investment"), "年度计划投资不能为负数。")
            return
        existing = None
        if project is not None:
            existing = self.known.plans.get((project.pk, year))
        if existing is not None and existing == amount:
            return
        row.ops.append(("plan", year, amount))  # its texts: ChangeTexts
        row.shown.append(row.ops[-1] if existing is None else (year, existing, amount))


def plan_ledger_import(
    file, *, user, filename: str | None = None, today: date | None = None
) -> ImportPlan:
    """Read a ledger file and plan what importing it as ``user`` would change.

    Writes nothing. ``today`` (default: the clock's) bounds the dates of stages and
    statuses, as the services do. ``file`` is a path or a binary file object (an upload); ``filename``
    names it in messages and history (default: the file's own name).
    """
    filename = filename or os.path.basename(str(getattr(file, "name", "") or file))
    plan = ImportPlan(kind="ledger", filename=filename, user_id=user.pk, layout="ledger")
    if not (policy.may(user, policy.ADD, Project) or policy.may(user, policy.CHANGE, Project)):
        plan.file_errors.append(RowError(0, "", "您没有导入项目台账的权限。"))
        return plan
    try:
        table = find_table(file, filename=filename, columns=LEDGER_COLUMNS, allow_months=False)
    except FileRejected as exc:
        plan.file_errors.append(RowError(0, "", str(exc)))
        return plan
    plan.sheet = table.sheet
    if table.ignored:
        plan.warnings.append(f"以下列未识别，已忽略：{'、'.join(table.ignored)}")
    if not table.rows:
        plan.file_errors.append(RowError(0, "", "表头下没有数据行。"))
        return plan
    LedgerPlanner(user=user, table=table, plan=plan, today=today or clock.today()).build()
    return plan
