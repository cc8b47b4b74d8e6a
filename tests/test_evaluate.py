"""The report's formula evaluator (the values stored with each formula): the functions it
knows give what a spreadsheet gives, on long ranges as on short ones."""

from __future__ import annotations

from typing import Any

import pytest

from finance.report.evaluate import Evaluator, FormulaError, round_excel


def sheet(cells: dict[tuple[int, int], Any], names: dict[str, str] | None = None) -> Evaluator:
    def cell(_sheet: str, row: int, col: int) -> tuple[Any, str | None]:
        v = cells.get((row, col))
        if isinstance(v, str) and v.startswith("="):
            return None, v
        return v, None

    return Evaluator(cell, names or {})


@pytest.mark.parametrize(("x", "digits", "want"), [
    (2.675, 2, 2.68), (-2.675, 2, -2.68), (0.5, 0, 1.0), (-0.5, 0, -1.0), (1.005, 2, 1.01),
    (30.15 * 10, 0, 302.0), (1234.5, -1, 1230.0), (8104.35000000001, 2, 8104.35),
])
def test_round_is_half_away_from_zero_on_fifteen_digits(x: float, digits: int,
                                                         want: float) -> None:
    assert round_excel(x, digits) == want


def test_functions_and_operators() -> None:
    ev = sheet({(1, 1): 7, (2, 1): 3, (3, 1): "abc", (4, 1): None, (5, 1): True})
    f = ev.formula
    assert f("QUOTIENT(A1,A2)*A2+MOD(A1,A2)", "S") == 7
    assert f("MOD(-7,3)", "S") == 2
    assert f('"Q"&A2&"-"&A3', "S") == "Q3-abc"
    assert f("IF(A4=0,\"blank is 0\",1/0)", "S") == "blank is 0"
    assert f("ISBLANK(A4)", "S") is True and f("ISNUMBER(A3)", "S") is False
    assert f("NOT(ISERROR(1/A2))", "S") is True
    assert f("SIGN(-A1)*ABS(-A2)^2", "S") == -9
    assert f("AND(A5,A1>A2)", "S") is True
    assert f("VALUE(LEFT(\"2025-26\",4))*4", "S") == 8100
    with pytest.raises(FormulaError):
        f("A3+1", "S")
    with pytest.raises(FormulaError):
        f("1/(A1-7)", "S")


@pytest.mark.parametrize("n", [3, 200])
def test_sumproduct_and_exact_on_short_and_long_ranges(n: int) -> None:
    cells: dict[tuple[int, int], Any] = {}
    for r in range(1, n + 1):
        cells[(r, 1)] = "MBC" if r % 3 else "SBC"
        cells[(r, 2)] = "x" if r % 2 else "y"
        cells[(r, 3)] = r * 0.1
    ev = sheet(cells)
    rng = f"$A$1:$A${n}"
    got = ev.formula(f'SUMPRODUCT(EXACT({rng},"MBC")*EXACT($B$1:$B${n},"x")*$C$1:$C${n})', "S")
    want = sum(r * 0.1 for r in range(1, n + 1) if r % 3 and r % 2)
    assert abs(got - want) < 1e-9
    count = ev.formula(f'SUMPRODUCT(($C$1:$C${n}>0.15)+($C$1:$C${n}=0.1))', "S")
    assert count == n
    assert ev.formula(f'COUNTIF($B$1:$B${n},"x")', "S") == (n + 1) // 2


def test_index_match_npv_irr_and_names() -> None:
    ev = sheet({(1, 1): 0, (1, 2): 1, (1, 3): 1.5, (2, 1): 0, (2, 2): 25, (2, 3): 50,
                (3, 1): -100, (3, 2): 60, (3, 3): 60},
               {"Bcr": "'S'!$A$1:$C$1", "Score": "'S'!$A$2:$C$2"})
    assert ev.formula("INDEX(Score,MATCH(1.2,Bcr,1))", "S") == 25
    assert ev.formula("COLUMNS(Bcr)", "S") == 3
    npv = ev.formula("A3+NPV(0.1,B3:C3)", "S")
    assert abs(npv - (-100 + 60 / 1.1 + 60 / 1.21)) < 1e-12
    irr = ev.formula("IRR(A3:C3)", "S")
    assert abs(-100 + 60 / (1 + irr) + 60 / (1 + irr) ** 2) < 1e-9
