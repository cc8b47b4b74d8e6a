"""Reading large CSV tables a column at a time (large books).

A ledger of a hundred thousand lines read row by row in Python takes seconds; pyarrow
splits the same file into columns in milliseconds.  Each column is then read by the
core's own rules (:mod:`finance.core.cells`, through the validator's schema), so the
result is what the row-by-row validator builds — for the ledger the same
:class:`~finance.core.ledger.Ledger`, for any other table a
:class:`~finance.core.parse.ReadTable` holding the same values:

* year, kind and date repeat on most lines: each *distinct* value is read once by the
  column's reader and the answers are mapped back over the column;
* amounts of money in the plain form ``-1234.56`` (the validator's own fast-path
  pattern, at most 13 digits and 2 decimals) are converted exactly by pyarrow into
  ``decimal128`` with two decimal places, whose stored integer *is* the amount in pence;
  any other form (``£1,234.50``, ``(12.00)``) is read by the cell reader, cell by cell,
  and a blank is ``None`` where the column may be left blank;
* description and reference stay in pyarrow until someone asks for them, then are read
  by the text reader.

This module only reads well-formed tables fast.  When anything is unusual — a column
that is missing, unknown or repeated, a row with the wrong number of cells, a blank
where a value is needed, any cell its reader refuses, more rows than the limit — it
returns ``None`` and the caller reads the file row by row, which reports every problem
with its row and column.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, overload

import numpy as np

from finance.core.cells import PLAIN_MONEY, CellError, is_blank, read_money, read_text
from finance.core.ledger import Ledger
from finance.core.model import LEDGER_KINDS
from finance.core.parse import SCHEMA, TEXT_READERS, Col, ReadTable, nonneg_money, norm

#: Money readers, and whether the amount must not be negative.
_MONEY: dict[Callable[[object], Any], bool] = {read_money: False, nonneg_money: True}


class _Texts(Sequence[str]):
    """A text column read by :func:`read_text` only when asked for: held by pyarrow
    (:meth:`of_arrow`) or as a workbook's cells (:meth:`of_cells`)."""

    __slots__ = ("_list", "_n", "_one", "_values")

    def __init__(self, n: int, values: Callable[[], Iterable[Any]],
                 one: Callable[[int], Any]) -> None:
        self._n, self._values, self._one = n, values, one
        self._list: list[str] | None = None

    @classmethod
    def of_arrow(cls, arr: Any) -> _Texts:
        return cls(len(arr), lambda: map(read_text, arr.to_pylist()),
                   lambda i: read_text(arr[i].as_py()))

    @classmethod
    def of_cells(cls, cells: Sequence[Any], cell: Callable[[Any], Any]) -> _Texts:
        return cls(len(cells), lambda: (read_text(cell(v)) for v in cells),
                   lambda i: read_text(cell(cells[i])))

    def __len__(self) -> int:
        return self._n

    def _all(self) -> list[str]:
        if self._list is None:
            self._list = list(self._values())
        return self._list

    @overload
    def __getitem__(self, i: int) -> str: ...

    @overload
    def __getitem__(self, i: slice) -> list[str]: ...

    def __getitem__(self, i: int | slice) -> str | list[str]:
        if isinstance(i, slice) or self._list is not None:
            return self._all()[i]
        return self._one(range(self._n)[i])

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __reduce__(self) -> tuple[Any, ...]:  # pickled as a plain list (batch workers)
        return (list, (self._all(),))


class _Unusual(Exception):
    """The fast reader cannot take this file; read it row by row instead."""


def _by_distinct(col: Any, column: Col) -> tuple[list[Any], np.ndarray]:
    """Read each distinct value of a column once: ``(answers, index per row)``."""
    enc = col.dictionary_encode()
    index = enc.indices.to_numpy(zero_copy_only=False)
    if column.read in TEXT_READERS:  # (every value is text: the file was read as text)
        trimmed = [v.strip() or None for v in enc.dictionary.to_pylist()]
        if column.required and None in trimmed:
            raise _Unusual(f"{column.name} is blank")
        return trimmed, index
    return [_read(v, column) for v in enc.dictionary.to_pylist()], index


def _read(v: object, column: Col, cell: Callable[[Any], Any] | None = None) -> Any:
    """One cell by its column's reader (after ``cell`` where given), ``None`` when blank;
    unusual when a blank must be filled or the reader refuses the cell."""
    if is_blank(v):
        if column.required:
            raise _Unusual(f"{column.name} is blank")
        return None
    try:
        return column.read(v if cell is None else cell(v))
    except CellError as exc:
        raise _Unusual(str(exc)) from exc


def _money(col: Any, column: Col) -> tuple[np.ndarray, list[int]]:
    """Amounts as int64 pence, exactly (see the module docstring), and the rows left
    blank (0 in the array) where the column is optional."""
    import pyarrow as pa
    import pyarrow.compute as pc

    raw = col
    plain = pc.match_substring_regex(col, PLAIN_MONEY.pattern)
    others = np.flatnonzero(~plain.to_numpy(zero_copy_only=False))
    if len(others):
        col = pc.if_else(plain, col, "0")
    dec = pc.cast(col, pa.decimal128(17, 2))
    # decimal128 stores each value as a 16-byte two's-complement integer of the unscaled
    # value (pence, for two decimal places); amounts below 10**15 fit in its low 8
    # bytes, which read as a signed int64 are the pence themselves.
    words = np.frombuffer(dec.buffers()[1], dtype="<i8")
    out = words[2 * dec.offset: 2 * (dec.offset + len(dec)): 2].copy()
    # blanks and other forms (£1,234.50, (12.00)): cell by cell
    rest = zip(others.tolist(), raw.take(others).to_pylist(), strict=True) if len(others) else ()
    return out, _money_rest(out, rest, column)


def _money_rest(out: np.ndarray, cells: Iterable[tuple[int, Any]], column: Col,
                cell: Callable[[Any], Any] | None = None) -> list[int]:
    """The amounts not converted in bulk, each ``(row, cell)`` by the cell reader into
    ``out``; the rows left blank.  Unusual when a column that must not be negative is."""
    blank = []
    for i, v in cells:
        p = _read(v, column, cell)
        if p is None:
            blank.append(i)
        else:
            out[i] = p
    if _MONEY[column.read] and (out < 0).any():
        raise _Unusual(f"{column.name} is negative")
    return blank


def _values(col: Any, column: Col) -> list[Any]:
    """Every row's value of one column, read by the column's reader."""
    if column.read in _MONEY:
        pence, blank = _money(col, column)
        values: list[Any] = pence.tolist()
        for i in blank:
            values[i] = None
        return values
    answers, index = _by_distinct(col, column)
    return list(map(answers.__getitem__, index.tolist()))


def read_ledger_csv(text: bytes, max_rows: int) -> Ledger | None:
    """The ledger in ``text`` (UTF-8 CSV bytes, header first) as columns, or ``None``
    when it should be read row by row (see the module docstring)."""
    try:
        return _read_ledger(text, max_rows)
    except _Unusual:
        return None


def read_table_csv(name: str, text: bytes, max_rows: int) -> ReadTable | None:
    """Any other table of :data:`~finance.core.parse.SCHEMA` in ``text`` (UTF-8 CSV
    bytes, header first) read by columns, or ``None`` when it should be read row by row.

    A blank row is unusual (the row reader skips it): every table has a column that must
    be filled, and a blank there sends the file to the row reader.
    """
    try:
        schema = {c.name: c for c in SCHEMA[norm(name)]}
        n, cols = _arrow_columns(text, schema, max_rows)
        values = {c: _values(col, schema[c]) for c, col in cols.items()}
    except _Unusual:
        return None
    return ReadTable(name, range(2, n + 2), values)


def _arrow_columns(data: bytes, schema: dict[str, Col], max_rows: int
                   ) -> tuple[int, dict[str, Any]]:
    """The CSV's row count and its columns as pyarrow text arrays, by schema name."""
    import csv

    import pyarrow as pa
    import pyarrow.csv as pacsv

    end = data.find(b"\n")
    first = data if end < 0 else data[:end]  # (not split: that would copy the whole file)
    if b'"' in first:
        raise _Unusual("quoted header")
    try:
        header = next(csv.reader([first.decode("utf-8").rstrip("\r")]), [])
    except UnicodeDecodeError as exc:
        raise _Unusual("header") from exc
    names = _schema_names(header, schema)
    keys = [f"c{i}" for i in range(len(header))]
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            # one block for the whole file: each column comes back in one piece, so no
            # copying to join pieces (and a single block parses faster here than several)
            read_options=pacsv.ReadOptions(column_names=keys, skip_rows=1,
                                           block_size=max(len(data) + 1, 1 << 20)),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(keys, pa.string()),
                                                 strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:  # ragged rows, bad bytes
        raise _Unusual(str(exc)) from exc
    if table.num_rows > max_rows:
        raise _Unusual("too many rows")
    return table.num_rows, {name: table.column(k).combine_chunks()
                            for name, k in zip(names, keys, strict=True) if name}


_LEDGER = {c.name: c for c in SCHEMA["ledger"]}


def _read_ledger(data: bytes, max_rows: int) -> Ledger:
    import pyarrow as pa

    n, cols = _arrow_columns(data, _LEDGER, max_rows)
    years, yix = _by_distinct(cols["year"], _LEDGER["year"])
    labels = sorted(set(years))
    year_code = np.array([labels.index(y) for y in years], dtype=np.int32)[yix]
    kinds, kix = _by_distinct(cols["kind"], _LEDGER["kind"])
    kind_code = np.array([LEDGER_KINDS.index(k) for k in kinds], dtype=np.int8)[kix]
    if "date" in cols:
        dates, dix = _by_distinct(cols["date"], _LEDGER["date"])
        day = np.array([np.datetime64("NaT") if d is None else np.datetime64(d, "D")
                        for d in dates], dtype="datetime64[D]").reshape(len(dates))[dix]
    else:
        day = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    return Ledger(
        labels, year_code, kind_code, _money(cols["amount"], _LEDGER["amount"])[0], day,
        _Texts.of_arrow(cols.get("description", pa.nulls(n, pa.string()))),
        _Texts.of_arrow(cols.get("reference", pa.nulls(n, pa.string()))),
        np.arange(2, n + 2, dtype=np.int64),
    )


# -- a workbook's sheets, by columns ---------------------------------------------------
#
# A workbook's cells come typed (calamine: text, float, bool, date, datetime, time; ''
# for a blank).  The same rules hold as for CSV text: each distinct value of a column is
# read once by the column's reader (after :func:`finance.workbook.cell` makes it the value
# openpyxl would give), and amounts held as numbers are turned into pence in one numpy
# pass, checked exact; anything unusual sends the sheet to the row reader.

#: An amount held as a number is converted in bulk below this many pounds in size (far
#: inside a double's exact range for two decimal places); a larger one cell by cell.
_BULK_MONEY_LIMIT = 1e11


def read_ledger_cells(header: Sequence[object], body: Sequence[Sequence[Any]],
                      first_row: int, cell: Callable[[Any], Any]) -> Ledger | None:
    """A workbook's ledger sheet as columns: ``header`` its header cells, ``body`` the
    rows under it as calamine gives them, the first of them sheet row ``first_row``;
    ``None`` when the sheet should be read row by row."""
    try:
        n, cols = _cell_columns(header, body, _LEDGER)
        years, yix = _cell_distinct(cols["year"], _LEDGER["year"], cell)
        labels = sorted(set(years))
        year_code = np.array([labels.index(y) for y in years], dtype=np.int32)[yix]
        kinds, kix = _cell_distinct(cols["kind"], _LEDGER["kind"], cell)
        kind_code = np.array([LEDGER_KINDS.index(k) for k in kinds], dtype=np.int8)[kix]
        if "date" in cols:
            dates, dix = _cell_distinct(cols["date"], _LEDGER["date"], cell)
            day = np.array([np.datetime64("NaT") if d is None else np.datetime64(d, "D")
                            for d in dates], dtype="datetime64[D]").reshape(len(dates))[dix]
        else:
            day = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
        amount, _ = _cell_money(cols["amount"], _LEDGER["amount"], cell)
    except _Unusual:
        return None

    def texts(name: str) -> Sequence[str]:
        return _Texts.of_cells(cols[name], cell) if name in cols else ("",) * n

    return Ledger(labels, year_code, kind_code, amount, day, texts("description"),
                  texts("reference"),
                  np.arange(first_row, first_row + n, dtype=np.int64))


def read_table_cells(name: str, header: Sequence[object], body: Sequence[Sequence[Any]],
                     first_row: int, cell: Callable[[Any], Any]) -> ReadTable | None:
    """Any other table of :data:`~finance.core.parse.SCHEMA` from a workbook's sheet, as
    :func:`read_ledger_cells` reads the ledger; ``None`` to read it row by row."""
    schema = {c.name: c for c in SCHEMA[norm(name)]}
    try:
        n, cols = _cell_columns(header, body, schema)
        values = {c: _cell_values(col, schema[c], cell) for c, col in cols.items()}
    except _Unusual:
        return None
    return ReadTable(name, range(first_row, first_row + n), values)


def _schema_names(header: Sequence[object], schema: dict[str, Col]) -> list[str]:
    """The header's names as the schema's (``""`` for a blank heading); unusual when a
    name is repeated or unknown, or a column that must be given is missing."""
    names = [norm(h) for h in header]
    wanted = [n for n in names if n]
    if len(set(wanted)) != len(wanted) or any(n not in schema for n in wanted):
        raise _Unusual("header")
    if any(c.present and c.name not in wanted for c in schema.values()):
        raise _Unusual("missing column")
    return names


def _cell_columns(header: Sequence[object], body: Sequence[Sequence[Any]],
                  schema: dict[str, Col]) -> tuple[int, dict[str, Sequence[Any]]]:
    """The sheet's columns under their schema names (a column with a blank heading is
    left out, as the row reader leaves it out)."""
    names = _schema_names(header, schema)
    columns = list(zip(*body, strict=True)) if body else [()] * len(names)
    return len(body), {name: col for name, col in zip(names, columns, strict=True) if name}


def _cell_values(col: Sequence[Any], column: Col, cell: Callable[[Any], Any]) -> list[Any]:
    """Every row's value of one column, each distinct cell read once."""
    if column.read in _MONEY:
        pence, blank = _cell_money(col, column, cell)
        values: list[Any] = pence.tolist()
        for i in blank:
            values[i] = None
        return values
    answers, index = _cell_distinct(col, column, cell)
    return list(map(answers.__getitem__, index.tolist()))


def _cell_distinct(col: Sequence[Any], column: Col, cell: Callable[[Any], Any]
                   ) -> tuple[list[Any], np.ndarray]:
    """Each distinct cell of a column read once: ``(answers, index per row)``."""
    # (keys: 1.0 and True must not share an answer; text is its own key)
    keys = [v if v.__class__ is str else (v.__class__, v) for v in col]
    number = {k: i for i, k in enumerate(dict.fromkeys(keys))}
    index = np.fromiter(map(number.__getitem__, keys), dtype=np.int64, count=len(keys))
    return [_read(k if k.__class__ is str else k[1], column, cell) for k in number], index


def _cell_money(col: Sequence[Any], column: Col, cell: Callable[[Any], Any]
                ) -> tuple[np.ndarray, list[int]]:
    """Amounts as int64 pence, and the rows left blank (0 in the array) where the column
    may be blank.  A number ``x`` is ``p`` pence when ``p = rint(100 x)`` and ``p / 100``
    is ``x`` again (then ``x`` is the double nearest a two-decimal amount, which is what
    the cell reader's ``Decimal(str(x))`` finds); any other cell goes to the reader."""
    n = len(col)
    numbers = np.fromiter((v.__class__ is float for v in col), dtype=bool, count=n)
    f = np.fromiter((v if v.__class__ is float else 0.0 for v in col), dtype=np.float64,
                    count=n)
    with np.errstate(invalid="ignore", over="ignore"):
        p = np.rint(f * 100)
        exact = numbers & (np.abs(f) < _BULK_MONEY_LIMIT) & (p / 100 == f)
    out = np.where(exact, p, 0).astype(np.int64)
    rest = ((i, col[i]) for i in np.flatnonzero(~exact).tolist())
    return out, _money_rest(out, rest, column, cell)
