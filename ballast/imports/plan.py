"""What an import would do: a plan of per-row changes and errors, built before anything
is written, so a dry run, a web preview and the real import show the same thing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

ACTION_LABELS = {"create": "新增", "update": "修改", "unchanged": "无变化", "error": "有错误"}


@dataclass(slots=True)
class RowError:
    """One problem of one cell (or of the row, when ``column`` is empty)."""

    row: int  # Excel row number; 0 for the file as a whole
    column: str
    message: str

    def __str__(self) -> str:
        where = f"第 {self.row} 行" if self.row else "文件"
        column = f"“{self.column}”列" if self.column else ""
        return f"{where}{column}：{self.message}"


@dataclass(slots=True)
class FieldChange:
    column: str
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.column}：{self.old or '（空）'} → {self.new or '（空）'}"


@dataclass(slots=True)  # a 50,000-row file holds 50,000 of them
class RowPlan:
    """What one row of the file does: create, update or nothing, with the field changes.

    ``changes`` are the texts of the preview, the dry run and the error workbook. A planner
    may keep them compact (a large file's texts are most of its plan): then ``shown`` holds
    entries that ``describe`` turns into :class:`FieldChange` when ``changes`` is read."""

    row: int
    label: str
    action: str = "unchanged"
    project_id: int | None = None
    shown: list = field(default_factory=list)  # FieldChange, or what ``describe`` reads
    errors: list[RowError] = field(default_factory=list)
    ops: list[tuple] = field(default_factory=list)  # what apply_plan calls, in order
    describe: Callable[[object], list[FieldChange]] | None = None

    @property
    def changes(self) -> list[FieldChange]:
        if self.describe is None:
            return self.shown
        return [change for entry in self.shown for change in self.describe(entry)]

    @changes.setter
    def changes(self, value: list) -> None:
        self.shown = value

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.row, column, message))

    def summary(self) -> str:
        head = f"第 {self.row} 行 {self.label}：{ACTION_LABELS[self.action]}"
        if self.action == "error":
            return (
                head
                + "\n"
                + "\n".join(f"    {e.column or '整行'}：{e.message}" for e in self.errors)
            )
        if self.changes:
            return head + "\n" + "\n".join(f"    {change}" for change in self.changes)
        return head


@dataclass
class ImportPlan:
    """The plan of an import file. ``kind`` is ``ledger``, ``reports`` or ``mujun``;
    ``layout`` is ``ledger``, ``long``, ``wide`` or ``mujun``."""

    kind: str
    filename: str
    user_id: int | None
    sheet: str = ""
    layout: str = ""
    rows: list[RowPlan] = field(default_factory=list)
    file_errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[RowError]:
        return [*self.file_errors, *(e for row in self.rows for e in row.errors)]

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(ACTION_LABELS, 0)
        for row in self.rows:
            counts[row.action] += 1
        return counts

    @property
    def reason(self) -> str:
        return f"导入 {self.filename}"

    def summary(self) -> str:
        counts = self.counts
        what = {
            "ledger": "项目台账",
            "reports": "月度填报",
            "mujun": "亩均数据",
            "targets": "板块目标",
        }[self.kind]
        layout = {"ledger": "", "long": "（长表）", "wide": "（宽表）"}.get(self.layout, "")
        lines = [
            f"{self.filename}：{what}{layout}，工作表“{self.sheet}”，共 {len(self.rows)} 行数据",
            f"新增 {counts['create']}，修改 {counts['update']}，无变化 {counts['unchanged']}，有错误 {counts['error']}",
        ]
        lines += [f"提示：{w}" for w in self.warnings]
        lines += [str(e) for e in self.file_errors]
        lines += [row.summary() for row in self.rows if row.action != "unchanged"]
        return "\n".join(lines)

    def error_listing(self) -> str:
        return "\n".join(str(e) for e in self.errors)


class ImportRejected(Exception):
    """The import was refused and nothing was written; ``errors`` lists every problem."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def count(self, row) -> int:
        """Count ``row`` by its action; the number of rows counted so far."""
        if row.action == "create":
            self.created += 1
        elif row.action == "update":
            self.updated += 1
        else:
            self.unchanged += 1
        return self.created + self.updated + self.unchanged
