"""红黑榜 of units (先进与后进板块): who is named, by which rule, in which words.

The rule (docs/bulletins.md "红黑榜"):

* Only units with a value take part (a score; or, without an assessment, an investment
  completion rate — a unit without an annual plan has none). The others are named as
  left out.
* ``k`` = a third of the units taking part, rounded down, at most three
  (:data:`LIST_MAX`): the top ``k`` are on the red list, the bottom ``k`` on the black
  list. As 2k ≤ the units taking part, no unit is on both; with fewer than three units
  taking part both lists are empty.
* Ties are decided by the value, never by the unit's code: units with the same value
  stand together. A group of tied units that does not fit whole within the top (or the
  bottom) ``k`` is left off that list — all of them, none chosen among equals — so a
  list may be shorter than ``k``, or empty, and the tied units are named.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

# A list names at most this many units (the seeds' 前三名 / 后三名).
LIST_MAX = 3
# A list is drawn only when at least this many units take part (k = 1 needs three).
MIN_RANKED = 3


@dataclass(frozen=True)
class HonourLists:
    """The outcome of the rule for one bulletin (names in ranking order)."""

    ranked: list[str]
    size: int
    red: list[str]
    black: list[str]
    unranked: list[str] = field(default_factory=list)
    tied_out_red: list[str] = field(default_factory=list)
    tied_out_black: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "ranked": self.ranked,
            "size": self.size,
            "red": self.red,
            "black": self.black,
            "unranked": self.unranked,
            "tied_out_red": self.tied_out_red,
            "tied_out_black": self.tied_out_black,
        }


def _groups(ranked: list[tuple[str, Decimal]]) -> list[list[str]]:
    """Names grouped by equal value, best first (``ranked`` is sorted best first)."""
    groups: list[list[str]] = []
    previous = None
    for name, value in ranked:
        if groups and value == previous:
            groups[-1].append(name)
        else:
            groups.append([name])
        previous = value
    return groups


def _fill(groups: list[list[str]], size: int) -> tuple[list[str], list[str]]:
    """Whole groups from the front while they fit in ``size``; the group across the cut."""
    chosen: list[str] = []
    for group in groups:
        if len(chosen) + len(group) <= size:
            chosen += group
            continue
        return chosen, (group if len(chosen) < size else [])
    return chosen, []


def honour_lists(values: list[tuple[str, Decimal | None]]) -> HonourLists:
    """Apply the rule to ``(unit name, value)`` pairs, a higher value being better.

    The order of ``values`` decides only the order names are written in among equals."""
    unranked = [name for name, value in values if value is None]
    known = [(name, Decimal(value)) for name, value in values if value is not None]
    order = {name: i for i, (name, _) in enumerate(known)}
    known.sort(key=lambda pair: (-pair[1], order[pair[0]]))
    ranked = [name for name, _ in known]
    size = min(LIST_MAX, len(known) // 3) if len(known) >= MIN_RANKED else 0
    groups = _groups(known)
    red, tied_red = _fill(groups, size)
    # The bottom, worst first: groups reversed, names inside a group in ranking order.
    black, tied_black = _fill(groups[::-1], size)
    return HonourLists(
        ranked=ranked,
        size=size,
        red=red,
        black=black,
        unranked=unranked,
        tied_out_red=tied_red,
        tied_out_black=tied_black,
    )


def honour_text(lists: HonourLists, *, basis: str, unranked_reason: str) -> str:
    """The paragraph stating the basis and the two lists.

    ``basis`` names the value (考核综合得分, 年度投资完成率); ``unranked_reason`` says why a
    unit has none (未参与考核评分, 未安排年度计划投资)."""
    n = len(lists.ranked)
    sentences = []
    if lists.size == 0:
        sentences.append(f"参与排名的板块{n}个，不足{MIN_RANKED}个，本期不列先进与后进板块。")
    else:
        sentences.append(
            f"按{basis}排名，参与排名的板块{n}个，前{lists.size}名列入红榜、"
            f"后{lists.size}名列入黑榜（名额为参与排名板块数的三分之一、向下取整，"
            f"最多{LIST_MAX}名；{basis}相同的板块同进同出，跨越名次界限的均不列入）。"
        )
        red = "、".join(lists.red) if lists.red else "无"
        black = "、".join(lists.black) if lists.black else "无"
        sentences.append(f"列入红榜的板块为{red}；列入黑榜的板块为{black}。")
        if lists.tied_out_red:
            sentences.append(
                f"{'、'.join(lists.tied_out_red)}{basis}相同、跨越红榜名次界限，均未列入红榜。"
            )
        if lists.tied_out_black:
            sentences.append(
                f"{'、'.join(lists.tied_out_black)}{basis}相同、跨越黑榜名次界限，均未列入黑榜。"
            )
    if lists.unranked:
        sentences.append(f"{'、'.join(lists.unranked)}{unranked_reason}，未参与排名。")
    return "".join(sentences)
