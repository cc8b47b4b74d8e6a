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
from collections.abc import Callable, Iterator, Sequence
from typing import Any, overload

import numpy as np

from finance.core.cells import PLAIN_MONEY, CellError, is_blank, read_money, read_text
from finance.core.ledger import Ledger
from finance.core.model import LEDGER_KINDS
from finance.core.parse import SCHEMA, TEXT_READERS, Col, ReadTable, nonneg_money, norm

#: Money readers, and whether the amount must not be negative.
_MONEY: dict[Callable[[object], Any], bool] = {read_money: False, nonneg_money: True}


class _Texts(Sequence[str]):
    """A text column held by pyarrow, read by :func:`read_text` when asked for."""

    __slots__ = ("_arr", "_list")

    def __init__(self, arr: Any) -> None:
        self._arr = arr
        self._list: list[str] | None = None

    def __len__(self) -> int:
        return len(self._arr)

    def _all(self) -> list[str]:
        if self._list is None:
            self._list = [read_text(v) for v in self._arr.to_pylist()]
        return self._list

    @overload
    def __getitem__(self, i: int) -> str: ...

    @overload
    def __getitem__(self, i: slice) -> list[str]: ...

    def __getitem__(self, i: int | slice) -> str | list[str]:
        if isinstance(i, slice) or self._list is not None:
            return self._all()[i]
        return read_text(self._arr[range(len(self))[i]].as_py())

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
    answers: list[Any] = []
    for v in enc.dictionary.to_pylist():
        if is_blank(v):
            if column.required:
                raise _Unusual(f"{column.name} is blank")
            answers.append(None)
            continue
        try:
            answers.append(column.read(v))
        except CellError as exc:
            raise _Unusual(str(exc)) from exc
    return answers, index


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
    blank = []
    if len(others):  # blanks and other forms (£1,234.50, (12.00)): cell by cell
        for i, v in zip(others.tolist(), raw.take(others).to_pylist(), strict=True):
            if is_blank(v):
                if column.required:
                    raise _Unusual(f"{column.name} is blank")
                blank.append(i)
                continue
            try:
                out[i] = column.read(v)
            except CellError as exc:
                raise _Unusual(str(exc)) from exc
    if _MONEY[column.read] and (out < 0).any():
        raise _Unusual(f"{column.name} is negative")
    return out, blank


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
    names = [norm(h) for h in header]
    wanted = [n for n in names if n]
    if len(set(wanted)) != len(wanted) or any(n not in schema for n in wanted):
        raise _Unusual("header")
    if any(c.present and c.name not in wanted for c in schema.values()):
        raise _Unusual("missing column")
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
        _Texts(cols.get("description", pa.nulls(n, pa.string()))),
        _Texts(cols.get("reference", pa.nulls(n, pa.string()))),
        np.arange(2, n + 2, dtype=np.int64),
    )
