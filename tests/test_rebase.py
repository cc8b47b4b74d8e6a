"""Shares in force and the tolerance rule (§18.1(a)): worked examples at, just under and
just over the tolerance (compared exactly), a change of participants, and shares in
force from the book and from the history database."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest
from typer.testing import CliRunner

from finance.book import load_book, require_book
from finance.cli import app
from finance.core.apportion import apportion_detail
from finance.core.chain import Prior
from finance.core.rebase import apply_rule
from finance.core.run import run_year
from finance.core.services import ServiceLine, ServiceSplit
from tests.conftest import BookCopy

HALF = {"A": Fraction(1, 2), "B": Fraction(1, 2)}


def split(net: int, weights: dict[str, int]) -> ServiceSplit:
    lines = tuple(ServiceLine((*s, 12, s.weight.numerator, s.weight.denominator, None))
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
    res = runner.invoke(app, ["close", str(two.path), "--year", "2025-26", "--approved-by",
                              "A", "--db", db])
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
    planning = next(x for x in rows if x[0] == "PLANNING")
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
    lo_planning = next(x for x in lo_rows if x[0] == "PLANNING")
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
