"""The compact layout's Monitoring sheet: savings delivered, the quarterly budget (Annex A
§5.1) and the board flags (Annex A §4.1).  The largest of each print (by variance; the
flags by their run of missed quarters), each table kept on one page, with where the rest
are; not printed, every row of each, as the engine's figures."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from finance.report.compact.sheet import NONE, Report, Sheet, rest_of
from finance.report.grid import ROW_HEIGHT

__all__ = ["TOP_MONITORING", "write"]

#: how many of the largest savings and budget variances, and of the flags, print
TOP_MONITORING = 15


class _Table(NamedTuple):
    title: str
    what: tuple[str, str]  # a row, rows
    heads: list[str]
    rows: list[Any]
    write: Callable[[Report, Sheet, Any], None]


def write(rep: Report) -> None:
    """The largest rows of each table, then, below the print area, every row."""
    tables = _tables(rep)
    sh = Sheet(rep, "Monitoring", [34, 10, 16, 16, 16, 12, 10],
               f"Monitoring {rep.result.year}",
               "Savings delivered and the quarterly budget (Annex A §5.1); performance "
               "flags (Annex A §4.1). The largest variances print; every line is listed "
               "below the printed page.")
    starts = _starts(sh.row, tables)
    for table, start in zip(tables, starts, strict=True):
        _printed(rep, sh, table, start)
    sh.ws.print_area(0, 0, sh.row - 2, 6)
    for table, start in zip(tables, starts, strict=True):
        sh.heading(f"Every {table.what[0]}", 7)
        sh.header(table.heads, 1)
        assert sh.row + 1 == start, (sh.row, start)
        for x in table.rows:
            table.write(rep, sh, x)
        if not table.rows:
            sh.put(0, NONE)
            sh.next()
        sh.blank()


def _pence(text: str) -> int:
    """The size of a variance given as pounds text, in pence."""
    return abs(int(Decimal(text) * 100))


def _tables(rep: Report) -> list[_Table]:
    """Savings, the quarterly budget and the flags, each largest first."""
    m = rep.result.monitoring.as_json()
    savings = sorted(m["savings"], key=lambda x: (-_pence(x["variance"]), x["service"] or "",
                                                  x["year"] or ""))
    budget = sorted(m["budget"], key=lambda b: (-_pence(b["variance"]), b["line"],
                                                b["quarter"]))
    flags = sorted(m["flags"], key=lambda f: (-f["quarters"], f["service"]))
    return [
        _Table("Savings", ("savings line", "savings lines"),
               ["Service", "Year", "Predicted", "Actual", "Variance", "Delivered", "RAG"],
               savings, _saving),
        _Table("Quarterly budget", ("budget line", "budget lines"),
               ["Line", "Quarter", "Budget", "Actual to date", "Forecast outturn", "Variance",
                "RAG"], budget, _line),
        _Table("Board flags: three missed quarters running", ("flag", "flags"),
               ["Service", "Missed quarters"], flags, _flag)]


def _starts(row: int, tables: Sequence[_Table]) -> list[int]:
    """Where each table's listing starts, below the printed tables (each a heading, a
    header, its largest rows or "None this year.", where the rest are, and a blank row),
    the sheet having ``row`` rows before them."""
    listing = row + 1 + sum(3 + min(len(t.rows), TOP_MONITORING) + 1 for t in tables)
    starts = []
    for t in tables:
        starts.append(listing + 2)  # after a heading and a header
        listing += 2 + max(len(t.rows), 1) + 1
    return starts


def _printed(rep: Report, sh: Sheet, table: _Table, start: int) -> None:
    """A table's largest rows, on one page, with where every row is (from ``start``)."""
    top = table.rows[:TOP_MONITORING]
    sh.keep(2 + max(len(top), 1) + 1, 30 - ROW_HEIGHT)
    sh.heading(table.title, 7)
    sh.header(table.heads, 1)
    for x in top:
        table.write(rep, sh, x)
    if not table.rows:
        sh.put(0, NONE)
        sh.next()
    else:
        what = table.what
        sh.more(rest_of(len(table.rows) - len(top), what, what[0], "Monitoring", start,
                        start + len(table.rows) - 1), 7)
    sh.blank()


def _saving(rep: Report, sh: Sheet, x: Any) -> None:
    sh.put(0, rep.service(x["service"]))
    sh.put(1, x["year"])
    for col, k in ((2, "predicted"), (3, "actual"), (4, "variance")):
        sh.put(col, float(Decimal(x[k])), "money")
    sh.put(5, x["pct_delivered"], "share")
    sh.put(6, x["rag"])
    sh.next()


def _line(rep: Report, sh: Sheet, b: Any) -> None:
    sh.put(0, b["line"])
    sh.put(1, b["quarter"])
    for col, k in ((2, "budget"), (3, "actual_to_date"), (4, "forecast_outturn"),
                   (5, "variance")):
        sh.put(col, float(Decimal(b[k])), "money")
    sh.put(6, b["rag"])
    sh.next()


def _flag(rep: Report, sh: Sheet, fl: Any) -> None:
    sh.put(0, rep.service(fl["service"]))
    sh.span(1, 4, f"{fl['from_year']} Q{fl['from_quarter']} to {fl['to_year']} "
                  f"Q{fl['to_quarter']} ({fl['quarters']} quarters)")
    sh.next()
