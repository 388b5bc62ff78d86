"""红黑榜 of units: a unit is on at most one list, a list may be shorter or empty, ties
stand together, units without a value are left out and named, and the basis is stated.

Every expected list below is worked out by hand from the rule (docs/bulletins.md):
k = ⌊ranked units / 3⌋, at most 3; top k red, bottom k black; a group of equal values
that does not fit whole within k is left off that list."""

from datetime import date
from decimal import Decimal

from ballast.bulletins.honour import honour_lists, honour_text
from ballast.bulletins.selectors import bulletin_content
from ballast.projects import services as ps
from ballast.regions.models import Region
from ballast.reports import services as rs

D = Decimal


def test_three_units_one_on_each_list_and_the_middle_on_neither():
    lists = honour_lists([("甲", D("0.9")), ("乙", D("0.5")), ("丙", D("0.2"))])
    # 3 ranked → k = 1: 甲 best, 丙 worst; 乙 is on no list.
    assert (lists.size, lists.red, lists.black) == (1, ["甲"], ["丙"])
    assert not set(lists.red) & set(lists.black)


def test_four_units_still_one_each():
    lists = honour_lists([("丁", D("0.2")), ("甲", D("0.8")), ("丙", D("0.4")), ("乙", D("0.6"))])
    # 4 ranked → k = ⌊4/3⌋ = 1; the input order does not matter, the values do.
    assert lists.ranked == ["甲", "乙", "丙", "丁"]
    assert (lists.red, lists.black) == (["甲"], ["丁"])


def test_nine_units_three_each_black_worst_first():
    names = list("甲乙丙丁戊己庚辛壬")
    lists = honour_lists([(n, D(9 - i)) for i, n in enumerate(names)])
    # 9 ranked → k = 3: values 9, 8, 7 red; 1, 2, 3 black (worst first).
    assert lists.red == ["甲", "乙", "丙"]
    assert lists.black == ["壬", "辛", "庚"]


def test_a_tie_across_the_red_cut_puts_none_of_the_tied_on_it():
    lists = honour_lists([("甲", D("0.8")), ("乙", D("0.8")), ("丙", D("0.4")), ("丁", D("0.2"))])
    # k = 1, but 甲 and 乙 share the best value: both would need the one place.
    assert lists.red == []
    assert lists.tied_out_red == ["甲", "乙"]
    assert lists.black == ["丁"]


def test_a_tie_inside_the_cut_takes_all_the_tied():
    names = list("甲乙丙丁戊己庚辛壬")
    values = [9, 8, 7, 6, 5, 4, 3, 2, 2]
    lists = honour_lists([(n, D(v)) for n, v in zip(names, values, strict=True)])
    # Bottom: 辛 and 壬 (2, 2) fit in 3 places, then 庚 (3) fills the third.
    assert lists.black == ["辛", "壬", "庚"]
    assert lists.tied_out_black == []


def test_a_tie_across_the_black_cut_shortens_the_list():
    names = list("甲乙丙丁戊己庚辛壬")
    values = [9, 8, 7, 6, 5, 3, 3, 3, 1]
    lists = honour_lists([(n, D(v)) for n, v in zip(names, values, strict=True)])
    # Bottom: 壬 (1) takes one place; 己、庚、辛 (3, 3, 3) would need three of the two left.
    assert lists.black == ["壬"]
    assert lists.tied_out_black == ["己", "庚", "辛"]
    assert lists.red == ["甲", "乙", "丙"]


def test_all_equal_names_nobody():
    lists = honour_lists([("甲", D(1)), ("乙", D(1)), ("丙", D(1))])
    assert (lists.red, lists.black) == ([], [])
    text = honour_text(lists, basis="年度投资完成率", unranked_reason="未安排年度计划投资")
    assert "列入红榜的板块为无；列入黑榜的板块为无。" in text
    assert "甲、乙、丙年度投资完成率相同、跨越红榜名次界限，均未列入红榜。" in text


def test_units_without_a_value_are_left_out_and_named():
    lists = honour_lists(
        [("甲", D("0.3")), ("乙", None), ("丙", D("0.9")), ("丁", None), ("戊", D("0.5"))]
    )
    # Three ranked (丙 0.9, 戊 0.5, 甲 0.3) → k = 1.
    assert (lists.red, lists.black, lists.unranked) == (["丙"], ["甲"], ["乙", "丁"])
    text = honour_text(lists, basis="年度投资完成率", unranked_reason="未安排年度计划投资")
    assert text.endswith("乙、丁未安排年度计划投资，未参与排名。")


def test_fewer_than_three_ranked_draw_no_lists():
    lists = honour_lists([("甲", D("0.3")), ("乙", D("0.9")), ("丙", None)])
    assert (lists.size, lists.red, lists.black) == (0, [], [])
    text = honour_text(lists, basis="考核综合得分", unranked_reason="未参与考核评分")
    assert text == (
        "参与排名的板块2个，不足3个，本期不列先进与后进板块。丙未参与考核评分，未参与排名。"
    )


def test_the_basis_is_stated():
    lists = honour_lists([(n, D(9 - i)) for i, n in enumerate("甲乙丙丁戊己")])
    text = honour_text(lists, basis="考核综合得分", unranked_reason="未参与考核评分")
    assert text.startswith("按考核综合得分排名，参与排名的板块6个，前2名列入红榜、后2名列入黑榜")
    assert "列入红榜的板块为甲、乙；列入黑榜的板块为己、戊。" in text


def test_city_where_only_three_units_have_projects(city, unit_a, unit_b, people, make_project):
    """The reported defect: three units with projects were named on both lists. Plans of
    100,000 万元 each; accepted Q1 investment 仪征 30,000, 高邮 20,000, 江都 5,000 —
    completion rates 30%, 20%, 5%: 仪征 red, 江都 black, 高邮 neither; the six units
    without a plan are left out and named."""
    admin = people["city_admin"]
    jiangdu = Region.objects.get(code="321012")
    for unit, amount in ((unit_a, 30000), (unit_b, 20000), (jiangdu, 5000)):
        project = make_project(unit, stages={"started": date(2022, 6, 1)})
        ps.plan_save(user=admin, project=project, year=2023, planned_investment=D(100000))
        rs.report_record_accepted(
            user=admin,
            project=project,
            month=date(2023, 3, 1),
            data={"investment": D(amount)},
            reason="测试",
        )
    content = bulletin_content(city=city, period="2023Q1")
    honour = content["honour_units"]
    assert honour["basis"] == "年度投资完成率"
    assert honour["ranked"] == ["仪征", "高邮", "江都"]
    assert (honour["red"], honour["black"]) == (["仪征"], ["江都"])
    assert len(honour["unranked"]) == 6
    texts = [
        b["text"]
        for s in content["sections"]
        if s["heading"].endswith("红黑榜")
        for b in s["blocks"]
        if b["type"] == "paragraph"
    ]
    assert "列入红榜的板块为仪征；列入黑榜的板块为江都。" in texts[0]
    assert "未安排年度计划投资，未参与排名。" in texts[0]
