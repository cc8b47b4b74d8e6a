"""The compact layout's Ledger sheet: one row per ledger line of the year, in the
report's ledger order, outside the print area (the Year end sheet sums them by kind).
Most of a large workbook's cells are here, so they go straight to the worksheet's own
cell writers (:func:`~finance.report.compact.sheet.fast_writers`)."""

from __future__ import annotations

import numpy as np

from finance.core.ledger import Ledger
from finance.core.model import LEDGER_KINDS
from finance.report.compact.sheet import NONE, Report, Sheet, fast_writers
from finance.xlsx import clean_text

__all__ = ["ledger_rows", "write"]


def ledger_rows(led: Ledger, year: str) -> tuple[list[int | None], list[str], list[float],
                                                 list[str], list[str]]:
    """The year's ledger lines, column by column, in the report's ledger order (undated
    last, then date, kind, reference, amount, description; see
    :func:`finance.report.common.ledger_order`): Excel date serials, kinds, amounts in
    pounds, descriptions and references.

    Pence / 100 is a correctly rounded division, so each amount is the double nearest the
    exact pounds figure, the same number as the 2-decimal text read back.
    """
    if year not in led.years:
        return [], [], [], [], []
    idx = np.flatnonzero(led.year_code == led.years.index(year))
    alpha = sorted(LEDGER_KINDS)
    rank = np.array([alpha.index(k) for k in LEDGER_KINDS], dtype=np.int8)[led.kind_code[idx]]
    day = led.day[idx]
    undated = np.isnat(day)
    days = np.where(undated, 0, day.astype("datetime64[D]").astype(np.int64))
    desc = [led.description[i] for i in idx.tolist()]
    ref = [led.reference[i] for i in idx.tolist()]
    amount = led.amount[idx]
    order = np.lexsort((np.array(desc, dtype=str), amount, np.array(ref, dtype=str), rank,
                        days, undated))
    serial = [None if u else d + 25569 for u, d in
              zip(undated[order].tolist(), days[order].tolist(), strict=True)]
    kinds = [LEDGER_KINDS[k] for k in led.kind_code[idx][order].tolist()]
    o = order.tolist()
    return (serial, kinds, (amount[order] / 100).tolist(), [desc[i] for i in o],
            [ref[i] for i in o])


def write(rep: Report) -> int:
    """The sheet; returns its last row (at least 4, the first listing row)."""
    r = rep.result
    serial, kinds, amounts, descs, refs = ledger_rows(r.book.ledger, r.year)
    sh = Sheet(rep, "Ledger", [12, 18, 16, 60, 18], f"Ledger {r.year}",
               f"{len(kinds):,} lines of {r.year} from the input book (sheet Ledger, rows "
               f"4-{3 + len(kinds):,}); the fund account on the Year end sheet sums them "
               "by kind and prints their totals, so the lines themselves are not printed."
               if kinds else f"{NONE} No ledger lines for {r.year}.",
               header_row=True)
    sh.header(["Date", "Kind", "Amount", "Description", "Reference"])
    sh.ws.print_area(0, 0, 1, 4)
    ws = sh.ws
    date_f, text_f, money_f = (rep.fmt(x) for x in ("input_date", "input", "input_money"))
    # the listing is most of the workbook: cells go straight to the row writer (text
    # still only as text), and blank cells are left out
    put_s, put_n, _ = fast_writers(ws)
    row = sh.row
    for day, kind, amount, desc, ref in zip(serial, kinds, amounts, descs, refs,
                                            strict=True):
        if day is not None:
            put_n(row, 0, day, date_f)
        put_s(row, 1, kind, text_f)
        put_n(row, 2, amount, money_f)
        if desc:
            put_s(row, 3, clean_text(desc), text_f)
        if ref:
            put_s(row, 4, clean_text(ref), text_f)
        row += 1
    sh.row = row
    return max(row, 4)
