"""The board report shows each service's weights as the calculation core worked them out.

The core keeps each basis's exact weights on the split (``ServiceSplit.basis_weights``);
the report renders them and never works them out again from the book.  So a split whose
weights are replaced shows the replaced figures on the Workings sheet, while the book
(and the Inputs sheet) stay as they were.
"""

from __future__ import annotations

import io
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from math import lcm
from pathlib import Path

import openpyxl
import pytest

from finance.book import require_book
from finance.core.run import Result, run_year
from finance.core.services import BasisWeights, ServiceSplit
from finance.report import build_report

MKIP = Path(__file__).resolve().parent.parent / "data" / "mkip"


@pytest.fixture(scope="module")
def mkip() -> Result:
    return run_year(require_book(MKIP))


def _with_weights(result: Result, service: str, *weights: BasisWeights) -> Result:
    """``result`` with one service's basis weights replaced (its lines as they were)."""
    return replace(result, services=tuple(
        replace(sp, basis_weights=weights) if sp.service == service else sp
        for sp in result.services))


def _basis_weights(basis: str, parties: tuple[str, ...], weights: list[Fraction],
                   component_weight: Decimal | None = None) -> BasisWeights:
    """Exact weights as the core keeps them: numerators over the least common denominator."""
    den = lcm(*(w.denominator for w in weights))
    return BasisWeights(basis, component_weight, parties,
                        tuple(int(w * den) for w in weights), den)


def _pool_rows(ws: openpyxl.worksheet.worksheet.Worksheet, title: str, parties: tuple[str, ...],
               heading: str) -> dict[str, object]:
    """The cells under ``heading`` of each party's row of the split titled ``title``."""
    (top,) = [c.row for c in ws["A"] if c.value == title]
    head = top + 3  # title, pool heads, pool figures, then the parties' heads
    (col,) = [c.column for c in ws[head] if c.value == heading]
    return {ws.cell(head + 1 + i, 1).value: ws.cell(head + 1 + i, col).value
            for i in range(len(parties))}


def test_the_workings_show_the_cores_driver_weights(mkip: Result) -> None:
    """AUDIT's audit days replaced in the core's weights (9 decimal places, so the pool is
    too large for exact spreadsheet arithmetic and its weights are written as figures):
    the Workings shows those weights, scaled to whole numbers, not the book's."""
    sp: ServiceSplit = next(s for s in mkip.services if s.service == "AUDIT")
    parties = tuple(ln.party for ln in sp.lines)
    assert parties == ("MBC", "SBC", "TWBC")
    days = [Fraction("420.123456789"), Fraction("380.5"), Fraction(350)]
    bw = _basis_weights("driver:audit_days", parties, [d * 12 for d in days])
    wb = openpyxl.load_workbook(io.BytesIO(build_report(_with_weights(mkip, "AUDIT", bw))))
    got = _pool_rows(wb["Workings"], "Mid Kent Audit (AUDIT): split of the net cost",
                     parties, "Weight")
    assert got == {p: int(d * 10**9) * 12 for p, d in zip(parties, days, strict=True)}


def test_the_workings_show_the_cores_blend(mkip: Result) -> None:
    """ICT's PCs (a blend of 60% PCs and 40% equal) replaced in the core's weights by the
    same in proportion, 100.000000001 times as many: the shares, the blend and the split
    are unchanged.  The PC weights' formulas scale the values by 10^8 (the core's decimal
    places), and the exact whole-number weights, now too large to form by formula
    exactly, are the core's blended weights (the split's raw weights) as whole numbers."""
    sp = next(s for s in mkip.services if s.service == "ICT")
    pcs, equal = sp.basis_weights
    assert (pcs.basis, equal.basis) == ("driver:pcs", "equal")
    times = Fraction("100.000000001")
    scaled = _basis_weights("driver:pcs", pcs.parties, [w * times for _, w in pcs.weights],
                            pcs.component_weight)
    assert scaled.shares == pcs.shares and scaled.weights != pcs.weights
    ws = openpyxl.load_workbook(io.BytesIO(build_report(
        _with_weights(mkip, "ICT", scaled, equal))))["Workings"]
    (head,) = [c.row for c in ws["A"] if c.value == "Party" and ws.cell(c.row, 2).value
               == "driver:pcs (raw)"]
    cols = {ws.cell(head, c).value: c for c in range(1, ws.max_column + 1)}
    rows = {ws.cell(r, 1).value: r for r in range(head + 1, head + 4)}
    assert all(str(ws.cell(r, cols["driver:pcs (raw)"]).value).startswith("=ROUND(")
               and "*100000000,0)" in str(ws.cell(r, cols["driver:pcs (raw)"]).value)
               for r in rows.values())
    # 23/60, 92/285 and 67/228 over their common denominator, 1,140
    assert {p: ws.cell(r, cols["Exact integer weight"]).value for p, r in rows.items()} == {
        "MBC": 437, "SBC": 368, "TWBC": 335}
    assert [ln.raw_weight for ln in sp.lines] == [Fraction(437, 1140), Fraction(368, 1140),
                                                  Fraction(335, 1140)]


def test_the_workings_show_the_book_weights_as_formulas(mkip: Result) -> None:
    """Unchanged, the same weights are formulas over the Inputs sheet, whose values are
    the core's."""
    wb = openpyxl.load_workbook(io.BytesIO(build_report(mkip)))
    got = _pool_rows(wb["Workings"], "Mid Kent Audit (AUDIT): split of the net cost",
                     ("MBC", "SBC", "TWBC"), "Weight")
    assert all(isinstance(f, str) and f.startswith("=ROUND(") for f in got.values()), got
    cached = openpyxl.load_workbook(io.BytesIO(build_report(mkip)), data_only=True)
    sp = next(s for s in mkip.services if s.service == "AUDIT")
    (bw,) = sp.basis_weights
    assert _pool_rows(cached["Workings"], "Mid Kent Audit (AUDIT): split of the net cost",
                      bw.parties, "Weight") == dict(zip(bw.parties, bw.nums, strict=True))
