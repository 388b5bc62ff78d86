"""Reading the chain-map workbook (招商图谱) a city keeps: the header row is found by its
names wherever it sits (a title row above it is common), blank rows are skipped, and
cells are read as text. Rules are the service's (``services.chain_map_import``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from openpyxl import load_workbook

HEADERS = {
    "cluster": ("产业集群", "集群", "产业链"),
    "segment": ("环节", "上中下游", "链环"),
    "link": ("链节", "链节名称", "产业链环节", "细分领域"),
    "targets": ("目标企业", "目标招引企业", "重点目标企业"),
}


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def read_chain_workbook(upload) -> list[dict]:
    """Rows ``{"line", "cluster", "segment", "link", "targets"}`` of the first sheet."""
    try:
        sheet = load_workbook(upload, read_only=True, data_only=True).worksheets[0]
    except Exception as exc:  # noqa: BLE001 — any unreadable file is the same answer
        raise ValidationError("无法读取该文件：请上传 Excel 工作簿（.xlsx）。") from exc
    rows = list(sheet.iter_rows(values_only=True))
    header_at = None
    for index, row in enumerate(rows[:10]):
        cells = [_text(c).replace(" ", "") for c in row]
        columns = {}
        for key, names in HEADERS.items():
            found = next((i for i, c in enumerate(cells) if c in names), None)
            if found is not None:
                columns[key] = found
        if {"cluster", "segment", "link"} <= set(columns):
            header_at = index
            break
    if header_at is None:
        raise ValidationError("没有找到表头：须有“产业集群”“环节”“链节”三列（“目标企业”可选）。")
    found_rows = []
    for line, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        values = {k: _text(row[i]) if i < len(row) else "" for k, i in columns.items()}
        if not any(values.values()):
            continue
        values.setdefault("targets", "")
        found_rows.append({"line": line, **values})
    if not found_rows:
        raise ValidationError("表中没有数据行。")
    return found_rows
