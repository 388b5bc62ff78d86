"""The columns of a ranking's export: (header, value of a ranked row)."""

from decimal import Decimal, InvalidOperation


def number(value):
    """A score as a Decimal for the spreadsheet; blanks stay blank."""
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return str(value)


def points(row, key):
    cell = (row.get("indicators") or {}).get(key)
    if cell is None:
        return None
    found = cell.get("points") if isinstance(cell, dict) else getattr(cell, "points", None)
    return number(found)


def move(row) -> str:
    if row.get("move") == "up":
        return f"进{row['move_abs']}"
    if row.get("move") == "down":
        return f"退{row['move_abs']}"
    return ""


def ranking_columns(indicators):
    """The ranking's columns: rank, unit, score, move, then each indicator's points."""
    columns = [
        ("名次", lambda r: r.get("rank")),
        ("板块", lambda r: r.get("unit_name")),
        ("总分（分）", lambda r: number(r.get("score"))),
        ("进位/退位", move),
    ]
    for ind in indicators:
        title = f"{ind.label or ind.key}（分，权重{ind.weight.normalize():f}）"
        columns.append((title, lambda r, key=ind.key: points(r, key)))
    return columns
