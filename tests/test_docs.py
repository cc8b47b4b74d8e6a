"""The repository stands on its own: its input-format page is generated from the column
registry and current, and the template and the app are built from that same registry."""

from __future__ import annotations

import pandas as pd
import pytest

from finance import appdata, docgen, template
from finance.core import schema
from finance.core.cells import CellError
from finance.core.parse import SCHEMA
from tests.conftest import ROOT


def test_input_format_page_is_generated_from_the_registry_and_current() -> None:
    page = ROOT / docgen.PAGE
    assert page.read_text(encoding="utf-8") == docgen.render(), (
        "docs/input-format.md is out of date: run `python -m finance.docgen`")


def test_input_format_page_lists_every_table_and_column() -> None:
    text = docgen.render()
    for name, t in schema.TABLES.items():
        assert f"## {name}\n" in text
        for c in t.columns:
            assert f"| `{c.name}` |" in text, (name, c.name)
    for key in schema.SETTING_KEYS:
        assert f"| `{key}` |" in text


def test_page_written_by_the_script_reads_back(tmp_path) -> None:
    (tmp_path / "docs").mkdir()
    assert docgen.main([str(tmp_path)]) == 0
    assert (tmp_path / docgen.PAGE).read_text(encoding="utf-8") == docgen.render()
    assert not list((tmp_path / "docs").glob("*.tmp"))


def test_the_validator_template_and_app_share_one_registry() -> None:
    assert SCHEMA is schema.SCHEMA
    for table, cols in SCHEMA.items():
        assert [c.name for c in cols] == list(template.COLUMNS[table])
        for c in cols:
            assert template.COLUMNS[table][c.name] is c
            hint = appdata.column_hint(table, c.name)
            assert hint.startswith(c.help)
            assert ("May be left blank." in hint) is (not c.required)
        assert template.TABLES[table] == (schema.TABLES[table].required,
                                          schema.TABLES[table].help)
        assert appdata.TABLE_LABELS[table] == schema.TABLES[table].label
    assert schema.REQUIRED_TABLES == ("settings", "parties", "populations", "years")


@pytest.mark.parametrize("table,column", [(t, c.name) for t, cols in SCHEMA.items()
                                          for c in cols if c.choices and c.strict])
def test_every_listed_word_is_read_and_a_stranger_is_refused(table: str, column: str) -> None:
    col = schema.column(table, column)
    for word in col.choices:
        col.read(word)  # every word offered by a drop-down is accepted
    with pytest.raises(CellError):
        col.read("no-such-word")
    offered = appdata.choices(table, column, pd.DataFrame({column: ["no-such-word"]}))
    assert offered == (*col.choices, "no-such-word")  # a held value is kept, not dropped


def test_money_columns_take_pence_and_refuse_a_third_decimal() -> None:
    money = [c for cols in SCHEMA.values() for c in cols if c.kind == "money"]
    assert money and all(c.places == 2 for c in money)
    for c in money:
        assert c.read("1,234.56") == 123456
        with pytest.raises(CellError, match="two decimal places"):
            c.read("1.234")


def test_the_rate_keeps_every_decimal_place_typed() -> None:
    rate = schema.column("years", "rate_pence")
    assert rate.places is None
    assert str(rate.read("30.12345")) == "30.12345"


def test_an_unknown_column_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown column kind"):
        schema._col("x", str, "colour", "help")


def test_the_json_page_example_is_the_golden_result_abridged() -> None:
    page = (ROOT / docgen.JSON_PAGE).read_text(encoding="utf-8")
    golden = (ROOT / docgen.GOLDEN).read_text(encoding="utf-8")
    assert page == docgen.json_page(page, golden), (
        "docs/json.md's example is out of date: run `python -m finance.docgen`")


def test_every_key_of_the_result_is_described_on_the_json_page() -> None:
    import json

    page = (ROOT / docgen.JSON_PAGE).read_text(encoding="utf-8")
    result = json.loads((ROOT / docgen.GOLDEN).read_text(encoding="utf-8"))

    def keys(node: object, path: str = "") -> set[str]:
        out: set[str] = set()
        if isinstance(node, dict):
            for k, v in node.items():
                out.add(k)
                out |= keys(v, f"{path}.{k}")
        elif isinstance(node, list) and node:
            out |= keys(node[0], path)
        return out

    described = set(__import__("re").findall(r"`(?:[a-z_]+\[\]\.)*([a-z_0-9]+)`", page))
    assert keys(result) - described == set()
