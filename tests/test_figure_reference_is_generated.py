"""docs/figure-reference.md is generated from the figure registry and cannot drift: the
committed file is exactly what ``manage.py figures --write-docs`` writes."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ballast.figures import registry
from ballast.figures.management.commands.figures import reference_path


def test_the_committed_reference_is_what_the_registry_generates():
    assert reference_path().read_text(encoding="utf-8") == registry.reference_markdown()
    out = StringIO()
    call_command("figures", "--check-docs", stdout=out)
    assert "一致" in out.getvalue()


def test_a_changed_declaration_makes_the_check_fail(monkeypatch):
    landed = registry.FIGURES["signed_cohort.landed_rate"]
    changed = registry.Figure(**{**landed.__dict__, "definition": "另一个定义。"})
    monkeypatch.setitem(registry.FIGURES, landed.key, changed)
    assert "另一个定义。" in registry.reference_markdown()
    with pytest.raises(CommandError, match="--write-docs"):
        call_command("figures", "--check-docs")


def test_every_figure_is_declared_whole():
    for key, figure in registry.FIGURES.items():
        assert figure.key == key
        assert figure.name and figure.english and figure.definition, key
        assert figure.unit in ("个", "万元", "%", "文本", "年"), key
        assert set(figure.levels) <= set(registry.LEVEL_NAMES), key
        # A ratio, a weighted mean, a difference or a change names registered figures
        # (or a raw sum of the engine the registry names).
        for operand in figure.aggregation.of:
            assert operand in registry.FIGURES or operand in registry.RAW_SUMS, (key, operand)
        if figure.aggregation.how == registry.RATIO:
            assert figure.kind in (registry.RATE, registry.MONEY), key


def test_a_key_is_declared_once():
    with pytest.raises(ValueError, match="重复登记"):
        registry.declare("new.signed.count", "x", "x", registry.COUNT, "x。", "x")


def test_the_name_follows_the_language():
    from django.utils import translation

    landed = registry.FIGURES["signed_cohort.landed_rate"]
    with translation.override("en"):
        assert landed.label == "Landed rate of this year's signings"
    with translation.override("zh-hans"):
        assert landed.label == "当年签约项目落地率"
