"""Scenarios side by side: each change kind, leavers and joiners, a where that matches
nothing, a scenario that breaks the book, order kept, and byte-identical output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from finance.cli import app
from finance.core.parse import RawTable
from finance.core.scenario import apply_changes, scenarios_from
from tests.conftest import MKIP, ROOT

EXAMPLE = ROOT / "data" / "scenarios" / "mkip-2025-26.toml"
runner = CliRunner()


def compare_json(*args: str) -> dict:
    res = runner.invoke(app, ["compare", *args, "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def party(doc: dict, scenario: str, code: str) -> dict:
    s = next(x for x in doc["scenarios"] if x["name"] == scenario)
    return next(p for p in s["parties"] if p["party"] == code)


def toml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------ the bundled example


def test_the_example_scenarios_keep_their_order_and_carry_their_changes() -> None:
    doc = compare_json(str(MKIP), "--scenarios", str(EXAMPLE))
    assert [s["name"] for s in doc["scenarios"]] == [
        "35p per head", "Swale leaves on 30 September", "Planning without Tunbridge Wells",
        "Refund everything"]
    assert doc["scenarios"][0]["changes"] == [
        {"table": "years", "where": {"year": "2025-26"}, "set": {"rate_pence": "35"}}]
    assert doc["baseline"]["contributions"]["total"] == "112770.00"
    assert doc["scenarios"][0]["result"]["contributions"]["total"] == "131565.00"


def test_set_35p_per_head() -> None:
    doc = compare_json(str(MKIP), "--scenarios", str(EXAMPLE))
    mbc = party(doc, "35p per head", "MBC")
    # 35p x 142,800 = £49,980.00 against 30p x 142,800 = £42,840.00
    assert mbc["contribution"] == {"baseline": "42840.00", "scenario": "49980.00",
                                   "change": "7140.00"}
    assert mbc["refund"]["change"] == "3570.00"  # half of the extra is refunded


def test_a_leaver_on_30_september_shares_services_for_six_months() -> None:
    doc = compare_json(str(MKIP), "--scenarios", str(EXAMPLE))
    sbc = party(doc, "Swale leaves on 30 September", "SBC")
    assert sbc["contribution"]["change"] == "0.00"  # paid in full on 1 April
    assert sbc["services"]["change"] == "-1005139.27"
    planning = next(s for s in next(x for x in doc["scenarios"] if x["name"].startswith(
        "Swale"))["result"]["services"] if s["service"] == "PLANNING")
    assert [(p["party"], p["months"], p["share"]) for p in planning["parties"]] == [
        ("MBC", 12, "362000.00"), ("SBC", 6, "181000.00"), ("TWBC", 12, "362000.00")]
    # nothing is lost between the councils: the changes in net position sum to zero
    s = next(x for x in doc["scenarios"] if x["name"].startswith("Swale"))
    assert sum(float(p["net_position"]["change"]) for p in s["parties"]) == pytest.approx(0)


def test_remove_a_service_participant() -> None:
    doc = compare_json(str(MKIP), "--scenarios", str(EXAMPLE))
    twbc = party(doc, "Planning without Tunbridge Wells", "TWBC")
    assert twbc["services"] == {"baseline": "2146629.41", "scenario": "1844962.75",
                                "change": "-301666.66"}  # its third of Planning Support


def test_a_joiner_added_with_its_population(tmp_path: Path) -> None:
    path = toml(tmp_path, """
[[scenario]]
name = "Ashford joins on 1 October"
  [[scenario.change]]
  table = "parties"
  add = { code = "ABC", name = "Ashford Borough Council", voting = "yes", joined = "2025-10-01" }
  [[scenario.change]]
  table = "populations"
  add = { party = "ABC", year = "2025-26", population = 132000 }
""")
    doc = compare_json(str(MKIP), "--scenarios", str(path))
    abc = party(doc, "Ashford joins on 1 October", "ABC")
    # 30p x 132,000 x 6 / 12 = £19,800.00; absent from the baseline, so 0.00 there
    assert abc["contribution"] == {"baseline": "0.00", "scenario": "19800.00",
                                   "change": "19800.00"}


def test_a_leaver_on_1_april_takes_no_part_in_services(tmp_path: Path) -> None:
    path = toml(tmp_path, """
[[scenario]]
name = "Tunbridge Wells left on 1 April"
  [[scenario.change]]
  table = "parties"
  where = { code = "TWBC" }
  set = { notice_given = "2024-09-30", left = "2025-04-01" }
  [[scenario.change]]
  table = "service_parties"
  remove = { service = "LEGAL", party = "TWBC" }
  [[scenario.change]]
  table = "service_parties"
  where = { service = "LEGAL" }
  set = { fixed_share = "50%" }
  [[scenario.change]]
  table = "settings"
  where = { key = "rotation" }
  set = { value = "MBC,SBC" }
""")
    doc = compare_json(str(MKIP), "--scenarios", str(path))
    twbc = party(doc, "Tunbridge Wells left on 1 April", "TWBC")
    assert twbc["contribution"]["scenario"] == "0.00"
    assert twbc["services"]["scenario"] == "0.00"


# ------------------------------------------------------------------ problems


def test_a_where_that_matches_nothing_is_located(tmp_path: Path) -> None:
    path = toml(tmp_path, """
[[scenario]]
name = "Nobody"
  [[scenario.change]]
  table = "parties"
  where = { code = "XYZ" }
  set = { left = "2025-09-30" }
""")
    out = tmp_path / "out"
    res = runner.invoke(app, ["compare", str(MKIP), "--scenarios", str(path), "--out",
                              str(out)])
    assert res.exit_code == 2
    assert "scenario \"Nobody\" change 1: no row of parties has code = 'XYZ'" in res.output
    assert not out.exists()


def test_a_scenario_that_breaks_the_book_is_located_and_nothing_is_written(
        tmp_path: Path) -> None:
    path = toml(tmp_path, """
[[scenario]]
name = "Fine"
  [[scenario.change]]
  table = "years"
  set = { rate_pence = "31" }

[[scenario]]
name = "Bad rate"
  [[scenario.change]]
  table = "years"
  where = { year = "2025-26" }
  set = { rate_pence = "thirty" }
""")
    out = tmp_path / "out"
    res = runner.invoke(app, ["compare", str(MKIP), "--scenarios", str(path), "--out",
                              str(out)])
    assert res.exit_code == 2
    assert ("scenario \"Bad rate\" change 1: years row 2, column rate_pence: 'thirty' is not a "
            "number") in res.output
    assert "nothing was written" in res.output and not out.exists()


def test_a_file_that_is_not_toml_or_names_an_unknown_column() -> None:
    raw = {"parties": RawTable("parties", ("code", "name", "voting"),
                               ((2, ("MBC", "Maidstone", "yes")),))}
    [s], problems = scenarios_from({"scenario": [{"name": "x", "change": [
        {"table": "parties", "where": {"code": "MBC"}, "set": {"colour": "red"}},
        {"table": "nope", "add": {"a": "b"}}]}]})
    assert problems == []
    _tables, found = apply_changes(raw, s)
    assert [p.message for p in found] == [
        'scenario "x" change 1: parties has no column \'colour\'',
        'scenario "x" change 2: \'nope\' is not a table of the book']
    _s, found = scenarios_from({"scenario": [{"name": "y", "change": [
        {"table": "years", "set": {"rate_pence": "1"}, "add": {"year": "2030-31"}}]}]})
    assert [p.message for p in found] == [
        'scenario "y" change 1: give exactly one of set, add or remove']


def test_where_matches_values_as_the_column_reads_them() -> None:
    raw = {"service_parties": RawTable(
        "service_parties", ("service", "year", "party", "fixed_share"),
        ((2, ("LEGAL", "2025-26", " SBC ", "35%")), (3, ("LEGAL", "2025-26", "MBC", "0.35"))))}
    [s], _ = scenarios_from({"scenario": [{"name": "z", "change": [
        {"table": "service_parties", "where": {"fixed_share": "0.35", "party": "SBC"},
         "set": {"fixed_share": "40%"}}]}]})
    tables, found = apply_changes(raw, s)
    assert found == []
    assert [cells[3] for _rn, cells in tables["service_parties"].rows] == ["40%", "0.35"]
    assert raw["service_parties"].rows[0][1][3] == "35%"  # the book's tables are untouched
def test_the_same_comparison_gives_the_same_bytes(tmp_path: Path) -> None:
    outs = []
    for n in (1, 2):
        out = tmp_path / f"o{n}"
        res = runner.invoke(app, ["compare", str(MKIP), "--scenarios", str(EXAMPLE),
                                  "--out", str(out)])
        assert res.exit_code == 0, res.output
        outs.append({p.name: p.read_bytes() for p in out.iterdir()})
    assert outs[0] == outs[1]
    assert sorted(outs[0]) == ["mid-kent-improvement-partnership-2025-26-scenarios.json",
                               "mid-kent-improvement-partnership-2025-26-scenarios.xlsx"]


def _comparison_bytes() -> bytes:
    from finance.comparison import comparison_workbook
    from finance.scenarios import read_scenarios, run_comparison

    scs, problems = read_scenarios(EXAMPLE)
    assert problems == []
    return comparison_workbook(run_comparison(MKIP, scs))


def test_every_formula_of_the_comparison_workbook_holds_its_value() -> None:
    import io
    import zipfile

    from tests.test_report_print import _CELL

    with zipfile.ZipFile(io.BytesIO(_comparison_bytes())) as z:
        formulas = 0
        for part in (n for n in z.namelist() if n.startswith("xl/worksheets/sheet")):
            for m in _CELL.finditer(z.read(part)):
                if b"<f>" in m.group(1):
                    formulas += 1
                    assert b"<v>" in m.group(1), m.group(1)[:200]
    assert formulas == 3 * 5 * 4 + 5 * 9  # a change per council, figure and scenario; totals


@pytest.mark.libreoffice
def test_the_comparison_recalculates_to_its_cached_values(tmp_path: Path) -> None:
    import io

    import openpyxl

    from tests.test_report_print import _convert, _same

    data = _comparison_bytes()
    [path] = _convert(tmp_path, {"cmp": data}, ["cmp"], "xlsx").values()
    theirs = openpyxl.load_workbook(path, data_only=True, read_only=True)["Summary"]
    formulas = openpyxl.load_workbook(io.BytesIO(data), read_only=True)["Summary"]
    cached = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)["Summary"]
    wrong, count = [], 0
    for frow, mrow, lrow in zip(formulas.iter_rows(values_only=True),
                                cached.iter_rows(values_only=True),
                                theirs.iter_rows(values_only=True), strict=False):
        for c, f in enumerate(frow):
            if isinstance(f, str) and f.startswith("="):
                count += 1
                if not _same(mrow[c], lrow[c]):
                    wrong.append((f, mrow[c], lrow[c]))
    assert count == 105 and wrong == []


def test_a_date_written_without_quotes_is_read_as_typed(tmp_path: Path) -> None:
    path = toml(tmp_path, """
[[scenario]]
name = "Swale leaves"
  [[scenario.change]]
  table = "parties"
  where = { code = "SBC" }
  set = { notice_given = 2025-03-31, left = 2025-09-30 }
""")
    doc = compare_json(str(MKIP), "--scenarios", str(path))
    assert doc["scenarios"][0]["changes"][0]["set"] == {"notice_given": "2025-03-31",
                                                        "left": "2025-09-30"}


def test_the_changes_sheet_says_each_change_in_words() -> None:
    """A leaver is named and its dates written out, as a board paper says it."""
    import io

    import openpyxl

    from finance.comparison import comparison_workbook
    from finance.scenarios import read_scenarios, run_comparison
    from tests.conftest import MKIP

    file = MKIP.parent / "scenarios" / "mkip-2025-26.toml"
    scs, problems = read_scenarios(file)
    assert not problems
    cmp = run_comparison(MKIP, scs)
    ws = openpyxl.load_workbook(io.BytesIO(comparison_workbook(cmp)))["Changes"]
    said = [str(c.value) for row in ws.iter_rows() for c in row if c.value]
    assert ("Swale Borough Council gives notice on 31 March 2025 and leaves on "
            "30 September 2025") in said
    assert "the rate per head for 2025-26 is 35p" in said
    assert "Tunbridge Wells Borough Council no longer takes part in PLANNING" in said


def test_a_value_the_reader_refuses_is_located_by_its_change(tmp_path) -> None:
    """A scenario that types text where a whole number goes: the problem names the
    scenario, the change, and the row and column it lands in."""
    from typer.testing import CliRunner

    from finance.cli import app

    f = tmp_path / "bad.toml"
    f.write_text('[[scenario]]\nname = "Not a number"\n  [[scenario.change]]\n'
                 '  table = "populations"\n  where = { party = "MBC" }\n'
                 '  set = { population = "abc" }\n', encoding="utf-8")
    res = CliRunner().invoke(app, ["compare", "--scenarios", str(f), "--json"])
    assert res.exit_code == 2
    assert ('scenario "Not a number" change 1: populations row 2, column population: '
            "'abc' is not a whole number") in res.stderr
