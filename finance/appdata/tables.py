"""Display tables and headline figures: what every tab of the app shows its figures in.

A :class:`~finance.core.run.Result` becomes display tables (:class:`Table`: rows of
values and a format per column, shown as text by :func:`show_value`, coloured by
:func:`styled`) and headline figures (:class:`Metric`).  Money is given in pence and
shown exactly as the core computed it, never through a float.  The header's lines
(:func:`governance_line`, :func:`checks_summary`) are here too, as they belong to no tab.
"""

from __future__ import annotations

import zlib
from collections.abc import Hashable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from finance.appdata.formats import count_text, gbp, md_escape
from finance.core.model import Book
from finance.core.money import round_pence
from finance.core.run import Result

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler


#: Display formats a :class:`Table` column may have.  Money is given in pence (``int`` or
#: an exact ``Fraction``) and shown with :func:`gbp`, so what is shown is exactly what
#: the core computed, never a float.
MONEY, EXACT, PCT, INT, RATIO, SCORE, YEARS, TEXT, RAG = (
    "money", "exact", "pct", "int", "ratio", "score", "years", "text", "rag")

#: Formats shown right-aligned, as figures.
FIGURES = frozenset({MONEY, EXACT, PCT, INT, RATIO, SCORE, YEARS})

TOTAL = "Total"

BOLD = "_bold"  # a row key: show this row in bold (a subtotal)


def show_value(kind: str, v: object) -> str:
    """One cell as the app shows it.

    >>> [show_value(MONEY, v) for v in (4284000, -150, Fraction(5, 2), None)]
    ['£42,840.00', '(£1.50)', '£0.03', '—']
    >>> show_value(PCT, 0.379888), show_value(PCT, 1), show_value(YEARS, None)
    ('37.99%', '100.00%', 'never')
    >>> show_value(PCT, -0.0333), show_value(PCT, -0.00001)  # brackets; no "-0.00%"
    ('(3.33%)', '0.00%')
    """
    if v is None or (isinstance(v, float) and v != v):
        return {YEARS: "never", TEXT: "", INT: "", RAG: ""}.get(kind, "—")
    if kind == MONEY:
        assert isinstance(v, int | Fraction)
        return gbp(round_pence(v))
    if kind == EXACT:
        assert isinstance(v, int | Fraction)
        d = Decimal(Fraction(v).numerator) / Decimal(Fraction(v).denominator) / 100
        return f"{'-' if d < 0 else ''}£{abs(d):,.4f}"
    if kind == PCT:  # fixed two places, so a column's figures line up; negative in brackets
        x = float(v) * 100  # type: ignore[arg-type]
        shown = f"{abs(x):,.2f}%"
        return f"({shown})" if x < 0 and shown != "0.00%" else shown
    if kind == INT:
        return f"{int(v):,}"  # type: ignore[call-overload]
    if kind == RATIO:
        return f"{float(v):,.2f}"  # type: ignore[arg-type]
    if kind == SCORE:
        return f"{float(v):.1f}"  # type: ignore[arg-type]
    if kind == YEARS:
        return f"{float(v):.1f} years"  # type: ignore[arg-type]
    if kind == RAG:
        return rag_label(str(v))
    return str(v)


@dataclass(frozen=True)
class Table:
    """A display table: rows of values, each column's format, and help per column.

    :attr:`frame` is what the app shows: every cell preformatted as text (money with a
    pound sign, thousands separators and pence), blanks as ``—``.

    Fields:
        rows: one mapping a row, column name to value (money in pence); a true
            :data:`BOLD` key shows the row in bold.
        columns: the columns shown, in order.
        formats: each column's format (:data:`MONEY`, :data:`PCT` …); :data:`TEXT` if
            none.
        help: the help shown on a column's heading, by column.
    """

    rows: list[dict[str, Any]]
    columns: list[str]
    formats: dict[str, str] = field(default_factory=dict)
    help: dict[str, str] = field(default_factory=dict)

    def kind(self, column: str) -> str:
        return self.formats.get(column, TEXT)

    @property
    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [[show_value(self.kind(c), row.get(c)) for c in self.columns] for row in self.rows],
            columns=self.columns)

    @property
    def height(self) -> int:
        """Pixels that show every row without a scroll bar (35 px a row and the header)."""
        return 35 * (len(self.rows) + 1) + 3

    @property
    def has_total(self) -> bool:
        return bool(self.rows) and self.rows[-1].get(self.columns[0]) == TOTAL

    @property
    def bold_rows(self) -> list[int]:
        """Positions of total and subtotal rows (shown in bold)."""
        return [i for i, row in enumerate(self.rows)
                if row.get(BOLD) or (i == len(self.rows) - 1 and self.has_total)]

    @property
    def rag_columns(self) -> list[str]:
        return [c for c in self.columns if self.kind(c) == RAG]

    def raw(self, column: str) -> list[Any]:
        """A column's values before formatting (tests and charts)."""
        return [row.get(column) for row in self.rows]


RAG_COLOURS = {"Green": "#d7eedd", "Amber": "#fde8b5", "Red": "#f6d0cd"}

RAG_TEXT = {"Green": "#1e5631", "Amber": "#7a4f01", "Red": "#8a1c13"}


def rag_label(rag: str) -> str:
    return rag.capitalize()


#: A table of at most this many rows is shown whole on the page (:func:`page_table`),
#: its columns' help on a line under it; a longer one scrolls in a grid
#: (:func:`styled`), each column's help on its heading.
PAGE_ROWS = 60

#: Text no longer than this (a code, a year) is kept on one line in a page table.
SHORT_TEXT = 12

#: How a column lines up, by its format: figures right, RAG labels centred (text left),
#: in a grid and in a page table alike.
ALIGN: dict[str, Literal["center", "right"]] = {**dict.fromkeys(FIGURES, "right"),
                                                RAG: "center"}

#: The CSS that lines a page table's column up, heading and cells alike.
ALIGNED = {"right": "text-align: right !important; font-variant-numeric: tabular-nums; "
                    "white-space: nowrap !important",
           "center": "text-align: center !important; white-space: nowrap !important"}


#: How a total or subtotal row stands out, in a grid and in a page table alike.
BOLD_ROW = "font-weight: 700; background-color: #eef1f6"


def rag_style(rag: str) -> str:
    """How a RAG cell ("Green", "Amber", "Red") is coloured."""
    return f"background-color: {RAG_COLOURS[rag]}; color: {RAG_TEXT[rag]}; font-weight: 600"


def on_page(t: Table) -> bool:
    """Whether the table is shown whole on the page, as printed (short enough); else it
    scrolls in a grid."""
    return len(t.rows) <= PAGE_ROWS


def column_notes(t: Table) -> str:
    """What a page table's columns mean, for the line under it (a grid shows each on
    its heading instead), in the table's column order, as markdown.

    >>> t = Table([], ["Service", "MBC"], {}, {"MBC": "Maidstone's share", "Service": "Name"})
    >>> print(column_notes(t))
    **Service**: Name · **MBC**: Maidstone's share
    """
    return " · ".join(f"**{md_escape(c)}**: {md_escape(t.help[c])}" for c in t.columns
                      if t.help.get(c))


@dataclass(frozen=True)
class PageTable:
    """A table as shown whole on the page.

    Fields:
        key: the name of the block that holds it on the page (``st-key-KEY`` in its
            class), from its title and headings.
        frame: its cells and headings as the page reads them (markdown: text from the
            data escaped), no index.
        rules: how it looks, as CSS rules for that block only: figures and their
            headings right-aligned, RAG cells centred and coloured, total rows in bold,
            codes and years on one line.  Rules over the table's rows and columns, beside
            a plain table: the page draws it in a fraction of the time pandas' Styler
            cost each run.
    """

    key: str
    frame: pd.DataFrame
    rules: tuple[str, ...]

    @property
    def css(self) -> str:
        return " ".join(self.rules)


def page_table(t: Table, title: str = "") -> PageTable:
    """The table ``t`` (shown under ``title``) as shown whole on the page.

    >>> t = Table([{"Party": "A_B", "P*Y": 150}], ["Party", "P*Y"], {"P*Y": MONEY})
    >>> s = page_table(t, "Shares"); print(s.key, s.frame.iloc[0, 0], s.frame.iloc[0, 1])
    table-31bfaa1f A\\_B £1.50
    >>> list(s.frame.columns)
    ['Party', 'P\\\\*Y']
    >>> [r.replace(f".st-key-{s.key} ", "").split(" {")[0] for r in s.rules]  # A_B: short
    ['td:nth-child(1), td:nth-child(1) *', 'th:nth-child(2), td:nth-child(2)']
    """
    key = "table-" + format(zlib.crc32("|".join([title, *t.columns]).encode()), "08x")
    scope = f".st-key-{key}"
    df = t.frame
    rules: list[str] = []
    for i, c in enumerate(t.columns, start=1):
        cells = f"{scope} td:nth-child({i})"
        align = ALIGN.get(t.kind(c))
        if align:
            rules.append(f"{scope} th:nth-child({i}), {cells} {{{ALIGNED[align]}}}")
            continue
        df[c] = df[c].map(md_escape)  # text, not a figure or a RAG label
        if df[c].map(len).max() <= SHORT_TEXT:  # a code or a year: kept on one line
            rules.append(f"{cells}, {cells} * {{white-space: nowrap !important}}")
    for r in t.bold_rows:
        rules.append(f"{scope} tbody tr:nth-child({r + 1}) td {{{BOLD_ROW}}}")
    for c in t.rag_columns:
        i = t.columns.index(c) + 1
        for r, value in enumerate(df[c].tolist(), start=1):
            if str(value) in RAG_COLOURS:
                rules.append(f"{scope} tbody tr:nth-child({r}) td:nth-child({i}) "
                             f"{{{rag_style(str(value))}}}")
    df.columns = pd.Index([md_escape(str(c)) for c in t.columns])  # codes, from the data
    return PageTable(key, df, tuple(rules))


def styled(t: Table) -> Styler | pd.DataFrame:
    """The table's frame for a grid, with RAG cells coloured and a total row in bold."""
    df = t.frame
    cols: list[Hashable] = list(t.rag_columns)
    if not cols and not t.bold_rows:
        return df

    def colour(v: object) -> str:
        return rag_style(str(v)) if str(v) in RAG_COLOURS else ""

    style = df.style
    if cols:
        style = style.map(colour, subset=cols)
    bold = set(t.bold_rows)
    if bold:
        style = style.apply(lambda row: [BOLD_ROW if row.name in bold else "" for _ in row],
                            axis=1)
    return style


@dataclass(frozen=True)
class Metric:
    """A headline figure, shown above a tab's tables.

    Fields:
        label: what the figure is.
        value: the figure, as text.
        help: a sentence on how it is worked out ("" for none).
    """

    label: str
    value: str
    help: str = ""


def party_name(book: Book, code: str) -> str:
    try:
        return book.party(code).name
    except KeyError:
        return code


def governance_line(r: Result) -> list[tuple[str, str]]:
    g = r.governance
    book = r.book
    return [
        ("Chair", party_name(book, g.chair) if g.chair else "not set"),
        ("Vice-chair", party_name(book, g.vice_chair) if g.vice_chair else "not set"),
        ("Host authority", party_name(book, g.host) if g.host else "not set"),
        ("Accountable body", party_name(book, g.accountable_body)),
    ]


def checks_summary(r: Result) -> tuple[bool, str]:
    bad = [c.check for c in r.checks if not c.ok]
    if not bad:
        return True, f"All {len(r.checks)} arithmetic checks pass"
    return False, (f"{count_text(len(bad), 'check')} of {len(r.checks)} failed: "
                   + "; ".join(bad))


def checks_table(r: Result) -> Table:
    return Table([{"Check": c.check, "Result": "Pass" if c.ok else "FAIL"} for c in r.checks],
                 ["Check", "Result"])
