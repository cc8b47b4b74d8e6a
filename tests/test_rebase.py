"""Shares in force and the tolerance rule (§18.1(a)): worked examples at, just under and
just over the tolerance (compared exactly), a change of participants, and shares in
force from the book and from the history database."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from finance.book import load_book, require_book
from finance.cli import app
from finance.core.apportion import apportion_detail
from finance.core.chain import Prior
from finance.core.rebase import apply_rule, rounded_shares
from finance.core.run import run_year
from finance.core.services import ServiceLine, ServiceSplit
from tests.conftest import BookCopy

HALF = {"A": Fraction(1, 2), "B": Fraction(1, 2)}


def split(net: int, weights: dict[str, int]) -> ServiceSplit:
    lines = tuple(ServiceLine.of(s, 12, s.weight, None)
                  for s in apportion_detail(net, weights))
    return ServiceSplit("S", "Service", "2025-26", "A", "population", net, 0, (), lines)


# -------------------------------------------------------------- the rule, worked by hand


def test_at_the_tolerance_exactly_the_split_is_kept() -> None:
    # computed 53% / 47% against 50% / 50%: a movement of exactly 3 points
    kept = apply_rule(split(100_000, {"A": 53, "B": 47}), Fraction(3, 100), HALF, "book")
    assert kept.rebase is not None
    assert (kept.rebase.rebased, kept.rebase.max_movement) == (False, Fraction(3, 100))
    assert kept.shares == {"A": 50_000, "B": 50_000}


def test_just_under_the_tolerance_the_split_is_kept() -> None:
    # 52.9999% / 47.0001%: 2.9999 points
    kept = apply_rule(split(100_000, {"A": 529_999, "B": 470_001}), Fraction(3, 100), HALF,
                      "book")
    assert kept.rebase is not None and kept.rebase.rebased is False
    assert kept.rebase.max_movement == Fraction(29_999, 1_000_000)
    assert kept.shares == {"A": 50_000, "B": 50_000}


def test_just_over_the_tolerance_the_split_is_rebased() -> None:
    # 53.0001% / 46.9999%: 3.0001 points, one ten-thousandth of a point over
    sp = split(100_000, {"A": 530_001, "B": 469_999})
    out = apply_rule(sp, Fraction(3, 100), HALF, "book")
    assert out.rebase is not None and out.rebase.rebased is True
    assert out.rebase.max_movement == Fraction(30_001, 1_000_000)
    assert out.shares == sp.shares == {"A": 53_000, "B": 47_000}


def test_a_kept_split_is_a_largest_remainder_split_of_the_shares_in_force() -> None:
    thirds = {"A": Fraction(1, 3), "B": Fraction(1, 3), "C": Fraction(1, 3)}
    kept = apply_rule(split(100_000, {"A": 34, "B": 33, "C": 33}), Fraction(1, 100), thirds,
                      "history")
    assert kept.shares == {"A": 33_334, "B": 33_333, "C": 33_333}  # the extra penny to A
    assert sum(kept.shares.values()) == 100_000
    assert [x.weight for x in kept.lines] == [Fraction(1, 3)] * 3
    assert kept.rebase is not None and kept.rebase.source == "history"


def test_a_change_of_participants_always_rebases() -> None:
    sp = split(90_000, {"A": 1, "B": 1, "C": 1})
    out = apply_rule(sp, Fraction(1), HALF, "book")  # even with a tolerance of 100 points
    assert out.rebase is not None
    assert (out.rebase.rebased, out.rebase.max_movement) == (True, None)
    assert out.shares == sp.shares


def test_no_shares_in_force_rebases() -> None:
    out = apply_rule(split(1_000, {"A": 1, "B": 3}), Fraction(3, 100), None, "")
    assert out.rebase is not None
    assert (out.rebase.rebased, out.rebase.in_force, out.rebase.source) == (True, None, "")


# -------------------------------------------------------------- through the book and JSON


def in_force_35_33_32(book: BookCopy) -> None:
    """Planning Support's shares in force: 35% / 33% / 32% (computed: a third each)."""
    book.write("shares_in_force", [
        {"service": "PLANNING", "party": "MBC", "share": "35%"},
        {"service": "PLANNING", "party": "SBC", "share": "33%"},
        {"service": "PLANNING", "party": "TWBC", "share": "32%"}])


def _with_column(book: BookCopy, table: str, column: str, values: dict[str, str],
                 key: str) -> None:
    rows = book.rows(table)
    cols = list(rows[0]) + [column]
    for r in rows:
        r[column] = values.get(r[key], "")
    book.write(table, rows, cols)


def test_shares_in_force_from_the_book_hold_the_split(book_copy: BookCopy) -> None:
    _with_column(book_copy, "services", "rebase_tolerance", {"PLANNING": "3%"}, "service")
    in_force_35_33_32(book_copy)
    r = run_year(require_book(book_copy.path))
    planning = next(s for s in r.services if s.service == "PLANNING")
    # computed 1/3 each; the largest movement is |35% - 1/3| = 1.67 points: kept
    assert planning.rebase is not None and planning.rebase.rebased is False
    assert planning.rebase.max_movement == Fraction(35, 100) - Fraction(1, 3)
    assert planning.shares == {"MBC": 31_675_000, "SBC": 29_865_000, "TWBC": 28_960_000}
    from finance.core.jsonout import result_json

    js = next(s for s in result_json(r)["services"] if s["service"] == "PLANNING")
    assert (js["rebased"], js["max_movement"]) == (False, 0.016667)
    assert [p["share_in_force"] for p in js["parties"]] == [0.35, 0.33, 0.32]
    others = [s for s in result_json(r)["services"] if s["service"] != "PLANNING"]
    assert all(s["rebased"] is None and s["max_movement"] is None for s in others)


def test_shares_in_force_past_the_tolerance_are_rebased(book_copy: BookCopy) -> None:
    _with_column(book_copy, "services", "rebase_tolerance", {"PLANNING": "1%"}, "service")
    in_force_35_33_32(book_copy)
    r = run_year(require_book(book_copy.path))
    planning = next(s for s in r.services if s.service == "PLANNING")
    assert planning.rebase is not None and planning.rebase.rebased is True
    assert planning.shares == {"MBC": 30_166_667, "SBC": 30_166_667, "TWBC": 30_166_666}


def test_shares_in_force_must_total_100_percent_and_name_known_codes(
        book_copy: BookCopy) -> None:
    book_copy.write("shares_in_force", [
        {"service": "PLANNING", "party": "MBC", "share": "35%"},
        {"service": "PLANNING", "party": "SBC", "share": "33%"},
        {"service": "NOPE", "party": "XYZ", "share": "32%"}])
    book, problems = load_book(book_copy.path)
    assert book is None
    text = [str(p) for p in problems if p.is_error]
    assert "shares_in_force row 3, column share: shares in force for 'PLANNING' total " \
           "68.00%, not exactly 100%" in text
    assert "shares_in_force row 4, column service: 'NOPE' is not a known service" in text


def test_shares_in_force_from_the_history(book_copy: BookCopy, tmp_path: Path) -> None:
    """A closed year stores the shares it applied; the next year with a tolerance holds
    them while the computed shares stay within it."""
    runner = CliRunner()
    db = f"sqlite:///{tmp_path / 'h.db'}"
    two = BookCopy(tmp_path / "two")
    _with_column(two, "services", "rebase_tolerance", {}, "service")
    rows = two.rows("years")
    two.write("years", rows + [dict(rows[0], year="2026-27", opening_balance="",
                                    opening_commitments="")])
    for table in ("services", "service_parties", "drivers"):
        rs = two.rows(table)
        extra = [dict(r, year="2026-27") for r in rs if r["year"] == "2025-26"]
        if table == "services":
            for r in extra:
                r["rebase_tolerance"] = "3%" if r["service"] == "AUDIT" else ""
        if table == "drivers":  # MBC's audit days up 5%: AUDIT's computed shares move
            for r in extra:
                if r["driver"] == "audit_days" and r["party"] == "MBC":
                    r["value"] = "441"
        two.write(table, rs + extra)
    two.edit("service_blend", lambda rs: rs.extend(
        [dict(r, year="2026-27") for r in list(rs) if r["year"] == "2025-26"]))
    res = runner.invoke(app, ["close", str(two.path), "--year", "2025-26", *APPROVAL,
                              "--db", db])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["run", str(two.path), "--year", "2026-27", "--json", "--db", db])
    assert res.exit_code == 0, res.output
    audit = next(s for s in json.loads(res.output)["services"] if s["service"] == "AUDIT")
    # 2025-26 applied 420/1150, 380/1150, 350/1150; 2026-27 computes 441/1171 ...: the
    # largest movement is under 1 point, so the split holds on the stored shares
    assert audit["rebased"] is False
    assert audit["max_movement"] == pytest.approx(float(
        Fraction(441, 1171) - Fraction(420, 1150)), abs=1e-6)
    assert [p["share_in_force"] for p in audit["parties"]] == [
        round(420 / 1150, 6), round(380 / 1150, 6), round(350 / 1150, 6)]
    book = require_book(two.path)
    stored = Prior.of(None, {"AUDIT": {"MBC": Fraction(420, 1150), "SBC": Fraction(380, 1150),
                                       "TWBC": Fraction(350, 1150)}})
    again = run_year(book, "2026-27", stored)
    audit_split = next(s for s in again.services if s.service == "AUDIT")
    assert audit_split.shares == dict(zip(
        ("MBC", "SBC", "TWBC"), (x.share for x in apportion_detail(
            audit_split.net_cost, {"MBC": 420, "SBC": 380, "TWBC": 350})), strict=True))


def test_the_cli_summary_says_kept_or_rebased(book_copy: BookCopy, tmp_path: Path) -> None:
    _with_column(book_copy, "services", "rebase_tolerance", {"PLANNING": "3%", "HR": "2%"},
                 "service")
    in_force_35_33_32(book_copy)
    res = CliRunner().invoke(app, ["run", str(book_copy.path), "--out", str(tmp_path / "o"),
                                   "--no-report"])
    assert res.exit_code == 0, res.output
    assert ("PLANNING: kept on the shares in force (from the book); largest movement 1.67 "
            "points, tolerance 3.00 points") in res.output
    assert "HR: re-based on the computed shares (no shares in force; tolerance 2.00 points)" \
        in res.output


def _kept_book(book_copy: BookCopy):  # type: ignore[no-untyped-def]
    _with_column(book_copy, "services", "rebase_tolerance", {"PLANNING": "3%"}, "service")
    in_force_35_33_32(book_copy)
    return run_year(require_book(book_copy.path))


@pytest.mark.libreoffice  # recalculated by LibreOffice
def test_the_report_splits_a_kept_service_on_its_shares_in_force(book_copy: BookCopy,
                                                                  tmp_path: Path) -> None:
    import io

    import openpyxl

    from finance.report import build_report
    from tests.test_report_print import _convert, _same

    r = _kept_book(book_copy)
    data = build_report(r)
    wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=True)
    rows = [tuple(x) for x in wb["Shared services"].iter_rows(values_only=True)]
    planning = next(x for x in rows if x[0] == "Planning Support (PLANNING)")
    assert planning[3:6] == (316750.0, 298650.0, 289600.0)  # the shares in force
    table = [x for x in rows if x[2] in ("MBC", "SBC", "TWBC") and x[6] == 0.03]
    assert [x[4] for x in table] == [0.35, 0.33, 0.32] and table[0][7] == "no"
    checks = [x for x in wb["Checks"].iter_rows(values_only=True) if x and x[-1] in (
        True, False)]
    assert checks and all(x[-1] is True for x in checks)
    # LibreOffice recalculates the report to the same figures
    [path] = _convert(tmp_path, {"kept": data}, ["kept"], "xlsx").values()
    lo = openpyxl.load_workbook(path, data_only=True, read_only=True)["Shared services"]
    lo_rows = [tuple(x) for x in lo.iter_rows(values_only=True)]
    lo_planning = next(x for x in lo_rows if x[0] == "Planning Support (PLANNING)")
    assert all(_same(a, b) for a, b in zip(planning[3:6], lo_planning[3:6], strict=True))


def test_the_app_shows_kept_and_rebased_services(book_copy: BookCopy) -> None:
    from finance.appdata import services

    r = _kept_book(book_copy)
    t = services.tolerance_table(r)
    assert [row["Party"] for row in t.rows] == ["MBC", "SBC", "TWBC"]
    assert t.rows[0]["Split"] == "kept (shares from the book)"
    assert list(t.frame.iloc[0])[:6] == ["PLANNING", "MBC", "33.33%", "35.00%", "1.67%",
                                         "3.00%"]
    assert services.tolerance_table(run_year(require_book(
        Path(__file__).resolve().parent.parent / "data" / "mkip"))).rows == []


# -------------------------------------------------------------- rounded re-basing (step)


#: The board meeting and minute each close of these tests records.
APPROVAL = ("--approved-by", "Cllr A Chair", "--minute", "MKIP/26/14", "--meeting-date",
            "2026-03-12")
THIRDS = {"A": Fraction(1, 3), "B": Fraction(1, 3), "C": Fraction(1, 3)}


def test_a_rebased_split_is_rounded_to_its_step_and_the_money_split_on_it() -> None:
    # computed 71.26% / 28.74% (the measure), in force 75% / 25%: 3.74 points moved, past
    # a 3-point tolerance; rounded to 1%: 71.26 and 28.74 steps, floors 71 + 28 = 99, the
    # step left over to the larger remainder (B's 0.74): 71% / 29%
    sp = split(1_000_001, {"A": 7_126, "B": 2_874})
    out = apply_rule(sp, Fraction(3, 100), {"A": Fraction(3, 4), "B": Fraction(1, 4)},
                     "book", Fraction(1, 100))
    assert out.rebase is not None and out.rebase.rebased is True
    assert out.rebase.max_movement == Fraction(374, 10_000)  # on the computed shares
    assert out.rebase.rounded == (("A", Fraction(71, 100)), ("B", Fraction(29, 100)))
    assert [x.weight for x in out.lines] == [Fraction(71, 100), Fraction(29, 100)]
    # £10,000.01 on 71% / 29%: quotas 710,000.71 and 290,000.29 pence, floors leave one
    # penny, which goes to A's larger remainder (0.71)
    assert out.shares == {"A": 710_001, "B": 290_000}
    # unrounded, it would have been 712,600.7126 and 287,400.2874 pence
    assert sp.shares == {"A": 712_601, "B": 287_400}


def test_at_exactly_the_tolerance_a_split_with_a_step_is_kept_and_not_rounded() -> None:
    # in force 70.5% / 29.5% (not multiples of the step); computed 73.5% / 26.5%: exactly
    # 3 points, within the tolerance: kept on 70.5% / 29.5% as they are
    in_force = {"A": Fraction(705, 1_000), "B": Fraction(295, 1_000)}
    kept = apply_rule(split(100_000, {"A": 735, "B": 265}), Fraction(3, 100), in_force,
                      "history", Fraction(1, 100))
    assert kept.rebase is not None
    assert (kept.rebase.rebased, kept.rebase.max_movement) == (False, Fraction(3, 100))
    assert kept.rebase.rounded is None and kept.rebase.step == Fraction(1, 100)
    assert [x.weight for x in kept.lines] == [Fraction(705, 1_000), Fraction(295, 1_000)]
    assert kept.shares == {"A": 70_500, "B": 29_500}


def test_a_tie_in_the_largest_remainder_goes_to_the_larger_share_then_the_code() -> None:
    # a third each, step 1%: 33.33 steps each, floors 99; remainders and shares tie, so the
    # step left over goes by party code: A 34%, B 33%, C 33%
    assert rounded_shares(THIRDS, Fraction(1, 100)) == {
        "A": Fraction(34, 100), "B": Fraction(33, 100), "C": Fraction(33, 100)}
    out = apply_rule(split(90_000, {"A": 1, "B": 1, "C": 1}), Fraction(1, 100), None, "",
                     Fraction(1, 100))
    assert out.shares == {"A": 30_600, "B": 29_700, "C": 29_700}
    # 15% / 25% / 60%, step 10%: 1.5, 2.5 and 6 steps, floors 1 + 2 + 6 = 9; A and B tie
    # on a remainder of 0.5, and the step goes to the larger computed share, B's
    assert rounded_shares({"A": Fraction(15, 100), "B": Fraction(25, 100),
                           "C": Fraction(60, 100)}, Fraction(1, 10)) == {
        "A": Fraction(1, 10), "B": Fraction(3, 10), "C": Fraction(6, 10)}


def test_the_rounded_shares_sum_to_exactly_one() -> None:
    # seven equal parties, step 1%: 14.2857 steps each, floors 98, the two steps left over
    # to A and B by code: 15, 15, 14, 14, 14, 14, 14
    sevenths = {p: Fraction(1, 7) for p in "ABCDEFG"}
    r = rounded_shares(sevenths, Fraction(1, 100))
    assert [x * 100 for x in r.values()] == [15, 15, 14, 14, 14, 14, 14]
    assert sum(r.values()) == Fraction(1)
    # and a step of 2.5% on 1/3, 1/3, 1/3: 13.33 steps each, floors 39, one left to A
    r = rounded_shares(THIRDS, Fraction(1, 40))
    assert list(r.values()) == [Fraction(35, 100), Fraction(325, 1_000), Fraction(325, 1_000)]
    assert sum(r.values()) == 1


#: Steps that divide 100% into whole steps, as a book may give them.
STEPS = [Fraction(Decimal(s)) for s in ("0.001", "0.005", "0.01", "0.02", "0.025", "0.04",
                                        "0.05", "0.1", "0.125", "0.2", "0.25", "0.5", "1")]


@given(weights=st.lists(st.integers(0, 10_000), min_size=1, max_size=12).filter(any),
       step=st.sampled_from(STEPS))
def test_property_rounded_shares_are_multiples_of_the_step_and_sum_to_one(
        weights: list[int], step: Fraction) -> None:
    total = sum(weights)
    computed = {f"P{i:02d}": Fraction(w, total) for i, w in enumerate(weights)}
    r = rounded_shares(computed, step)
    assert sum(r.values()) == 1
    assert set(r) == set(computed)
    for p, share in r.items():
        assert (share / step).denominator == 1 and share >= 0  # a whole number of steps
        assert abs(share - computed[p]) < step  # its quota rounded down or up, no further
        if computed[p] == 0:
            assert share == 0


def test_a_step_must_be_above_0_and_divide_100_percent(book_copy: BookCopy) -> None:
    _with_column(book_copy, "services", "rebase_tolerance", {"PLANNING": "1%", "AUDIT": "1%"},
                 "service")
    _with_column(book_copy, "services", "rebase_step",
                 {"PLANNING": "0%", "AUDIT": "3%", "HR": "abc", "ICT": "101%",
                  "REVBEN": "1%"}, "service")
    book, problems = load_book(book_copy.path)
    assert book is None
    text = [str(p) for p in problems]
    rows = {r["service"]: i + 2 for i, r in enumerate(book_copy.rows("services"))
            if r["year"] == "2025-26"}
    assert (f"services row {rows['PLANNING']}, column rebase_step: '0%' must be above 0%"
            in text)
    assert (f"services row {rows['AUDIT']}, column rebase_step: '3%' does not divide 100% "
            "into whole steps (e.g. 1%, 2.5%, 5%)" in text)
    assert any(t.startswith(f"services row {rows['HR']}, column rebase_step: 'abc' is not "
                            "a percentage") for t in text), text
    assert any(t.startswith(f"services row {rows['ICT']}, column rebase_step: '101%' is not "
                            "a percentage between 0% and 100%") for t in text), text
    # a step without a tolerance does nothing: a warning at its cell
    assert (f"services row {rows['REVBEN']}, column rebase_step: has no effect without a "
            "rebase_tolerance (a split is rounded only when it is re-based) (warning)" in text)


def _planning_rounded(book: BookCopy) -> None:
    """Planning Support, 1-point tolerance and a 1% step, shares in force 35/33/32."""
    _with_column(book, "services", "rebase_tolerance", {"PLANNING": "1%"}, "service")
    _with_column(book, "services", "rebase_step", {"PLANNING": "1%"}, "service")
    in_force_35_33_32(book)


def test_the_bundled_book_rebased_and_rounded(book_copy: BookCopy) -> None:
    """The worked example of docs/calculations.md, section 6.1."""
    _planning_rounded(book_copy)
    r = run_year(require_book(book_copy.path))
    planning = next(s for s in r.services if s.service == "PLANNING")
    rb = planning.rebase
    assert rb is not None and rb.rebased is True
    assert rb.max_movement == Fraction(35, 100) - Fraction(1, 3)  # 1.67 points, past 1
    # a third each: 33.33 steps, the step left over to MBC by code
    assert [x.weight for x in planning.lines] == [Fraction(34, 100), Fraction(33, 100),
                                                   Fraction(33, 100)]
    assert planning.shares == {"MBC": 30_770_000, "SBC": 29_865_000, "TWBC": 29_865_000}
    from finance.core.jsonout import result_json

    js = next(s for s in result_json(r)["services"] if s["service"] == "PLANNING")
    assert (js["rebased"], js["max_movement"], js["rebase_step"]) == (True, 0.016667, 0.01)
    assert [(p["weight"], p["share"], p["share_in_force"]) for p in js["parties"]] == [
        (0.34, "307700.00", 0.35), (0.33, "298650.00", 0.33), (0.33, "298650.00", 0.32)]
    assert all(s["rebase_step"] is None for s in result_json(r)["services"]
               if s["service"] != "PLANNING")


def test_the_cli_and_the_app_say_a_split_was_rounded(book_copy: BookCopy,
                                                     tmp_path: Path) -> None:
    from finance.appdata import services

    _planning_rounded(book_copy)
    res = CliRunner().invoke(app, ["run", str(book_copy.path), "--out", str(tmp_path / "o"),
                                   "--no-report"], terminal_width=200)
    assert res.exit_code == 0, res.output
    assert ("PLANNING: re-based on the computed shares; largest movement 1.67 points, "
            "tolerance 1.00 points; rounded to 1%: MBC 34%, SBC 33%, TWBC 33%") in " ".join(
        res.output.split())
    t = services.tolerance_table(run_year(require_book(book_copy.path)))
    assert t.rows[0]["Split"] == "re-based, rounded to 1%"
    assert [row["Share applied"] for row in t.rows] == [0.34, 0.33, 0.33]


@pytest.mark.libreoffice  # recalculated by LibreOffice
def test_the_report_splits_a_rounded_service_on_its_rounded_shares(book_copy: BookCopy,
                                                                    tmp_path: Path) -> None:
    import io

    import openpyxl

    from finance.report import build_report
    from tests.test_report_print import _convert, _same

    _planning_rounded(book_copy)
    data = build_report(run_year(require_book(book_copy.path)))
    wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=True)
    rows = [tuple(x) for x in wb["Shared services"].iter_rows(values_only=True)]
    planning = next(x for x in rows if x[0] == "Planning Support (PLANNING)")
    assert planning[3:6] == (307700.0, 298650.0, 298650.0)  # 34% / 33% / 33%
    table = [x for x in rows if x[2] in ("MBC", "SBC", "TWBC") and x[6] == 0.01]
    assert [(x[4], x[8], x[9]) for x in table] == [(0.35, 0.01, 0.34), (0.33, 0.01, 0.33),
                                                   (0.32, 0.01, 0.33)]
    assert table[0][7] == "yes"
    checks = [x for x in wb["Checks"].iter_rows(values_only=True) if x and x[-1] in (
        True, False)]
    assert checks and all(x[-1] is True for x in checks)
    # LibreOffice recalculates the report to the same figures
    [path] = _convert(tmp_path, {"rounded": data}, ["rounded"], "xlsx").values()
    lo = openpyxl.load_workbook(path, data_only=True, read_only=True)["Shared services"]
    lo_planning = next(tuple(x) for x in lo.iter_rows(values_only=True)
                       if x[0] == "Planning Support (PLANNING)")
    assert all(_same(a, b) for a, b in zip(planning[3:6], lo_planning[3:6], strict=True))


def _three_year_book(folder: Path) -> BookCopy:
    """The bundled book with 2026-27 added (a copy of 2025-26), Mid Kent Audit under a
    2-point tolerance and a 1% step in all three years, its audit days per year:
    2024-25 407 / 368 / 339 (as bundled), 2025-26 458 / 362 / 330, 2026-27 490 / 335 / 325;
    and shares in force of 36% / 33% / 31% in the book."""
    b = BookCopy(folder)
    years = b.rows("years")
    b.write("years", years + [dict(next(r for r in years if r["year"] == "2025-26"),
                                   year="2026-27", opening_balance="",
                                   opening_commitments="")])
    days = {"2025-26": {"MBC": "458", "SBC": "362", "TWBC": "330"},
            "2026-27": {"MBC": "490", "SBC": "335", "TWBC": "325"}}
    for table in ("services", "service_parties", "drivers", "service_blend"):
        rs = b.rows(table)
        rs += [dict(r, year="2026-27") for r in rs if r["year"] == "2025-26"]
        if table == "drivers":
            for r in rs:
                if r["driver"] == "audit_days" and r["year"] in days:
                    r["value"] = days[r["year"]][r["party"]]
        b.write(table, rs)
    _with_column(b, "services", "rebase_tolerance", {"AUDIT": "2%"}, "service")
    _with_column(b, "services", "rebase_step", {"AUDIT": "1%"}, "service")
    b.write("shares_in_force", [
        {"service": "AUDIT", "party": "MBC", "share": "36%"},
        {"service": "AUDIT", "party": "SBC", "share": "33%"},
        {"service": "AUDIT", "party": "TWBC", "share": "31%"}])
    return b


def test_rounded_rebasing_over_three_years_chained_through_the_history(
        tmp_path: Path) -> None:
    """Kept, re-based, re-based: each year closed, the next one holding the shares the
    closed year applied (and stored).  Worked by hand in docs/calculations.md, 6.1."""
    import sqlite3

    db_file = tmp_path / "h.db"
    db = f"sqlite:///{db_file}"
    book = _three_year_book(tmp_path / "book")
    runner = CliRunner()

    def close(year: str) -> dict:  # type: ignore[type-arg]
        res = runner.invoke(app, ["close", str(book.path), "--year", year, *APPROVAL,
                                  "--db", db])
        assert res.exit_code == 0, res.output
        res = runner.invoke(app, ["history", "--json", "--db", db])
        stored = json.loads(res.output)["partnerships"][0]["years"][-1]["result"]
        return next(s for s in stored["services"] if s["service"] == "AUDIT")

    def stored_shares(year: str) -> list[tuple[str, str, int]]:
        with sqlite3.connect(db_file) as conn:
            return conn.execute(
                "SELECT party, share_exact, share_pence FROM service_shares s JOIN "
                "closed_years c ON c.id = s.closed_year_id WHERE c.year = ? AND "
                "s.service = 'AUDIT' ORDER BY party", (year,)).fetchall()

    # 2024-25: computed 407/1114 = 36.535%, 368/1114 = 33.034%, 339/1114 = 30.431%; the
    # largest movement, TWBC's 31% - 30.431% = 317/55,700 (0.569 points), is within 2:
    # kept on 36% / 33% / 31% of £605,280.00, and not rounded again
    audit = close("2024-25")
    assert (audit["rebased"], audit["rebase_step"]) == (False, 0.01)
    assert audit["max_movement"] == round(317 / 55_700, 6)
    assert [p["share"] for p in audit["parties"]] == ["217900.80", "199742.40", "187636.80"]
    assert stored_shares("2024-25") == [("MBC", "9/25", 21_790_080),
                                        ("SBC", "33/100", 19_974_240),
                                        ("TWBC", "31/100", 18_763_680)]
    # from now on the shares in force are the history's: the book's table is emptied
    book.write("shares_in_force", [], ["service", "party", "share"])
    # 2025-26: computed 458/1150 = 39.826%, 362/1150 = 31.478%, 330/1150 = 28.696%; MBC
    # moved 229/575 - 9/25 = 22/575 (3.83 points), past 2: re-based, rounded to 1%:
    # 39.83, 31.48 and 28.70 steps, floors 39 + 31 + 28 = 98, the two steps left over to
    # the largest remainders (MBC 0.83, TWBC 0.70): 40% / 31% / 29% of £624,000.00
    audit = close("2025-26")
    assert (audit["rebased"], audit["max_movement"]) == (True, round(22 / 575, 6))
    assert [p["share_in_force"] for p in audit["parties"]] == [0.36, 0.33, 0.31]
    assert [p["weight"] for p in audit["parties"]] == [0.4, 0.31, 0.29]
    assert [p["share"] for p in audit["parties"]] == ["249600.00", "193440.00", "180960.00"]
    assert stored_shares("2025-26") == [("MBC", "2/5", 24_960_000),
                                        ("SBC", "31/100", 19_344_000),
                                        ("TWBC", "29/100", 18_096_000)]
    # 2026-27: computed 490/1150 = 42.609%, 335/1150 = 29.130%, 325/1150 = 28.261%,
    # against the 40% / 31% / 29% stored: MBC moved 49/115 - 2/5 = 3/115 (2.61 points):
    # re-based, rounded: floors 42 + 29 + 28 = 99, the step to MBC (0.61): 43% / 29% / 28%
    audit = close("2026-27")
    assert (audit["rebased"], audit["max_movement"]) == (True, round(3 / 115, 6))
    assert [p["share_in_force"] for p in audit["parties"]] == [0.4, 0.31, 0.29]
    assert [p["share"] for p in audit["parties"]] == ["268320.00", "180960.00", "174720.00"]
    assert stored_shares("2026-27") == [("MBC", "43/100", 26_832_000),
                                        ("SBC", "29/100", 18_096_000),
                                        ("TWBC", "7/25", 17_472_000)]
