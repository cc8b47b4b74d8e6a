"""Reading a large ledger CSV a column at a time (issue 6).

A ledger of a hundred thousand lines read row by row in Python takes seconds; pyarrow
splits the same file into columns in milliseconds.  Each column is then read by the
core's own rules (:mod:`finance.core.cells`, through the validator's schema), so the
result is the same :class:`~finance.core.ledger.Ledger` the row-by-row validator builds:

* year, kind and date repeat on most lines: each *distinct* value is read once by the
  column's reader and the answers are mapped back over the column;
* amounts in the plain form ``-1234.56`` (the validator's own fast-path pattern, at most
  13 digits and 2 decimals) are converted exactly by pyarrow into ``decimal128`` with
  two decimal places, whose stored integer *is* the amount in pence; any other form
  (``£1,234.50``, ``(12.00)``) is read by the cell reader, cell by cell;
* description and reference stay in pyarrow until someone asks for them, then are read
  by the text reader.

This module only reads well-formed ledgers fast.  When anything is unusual — a column
that is missing, unknown or repeated, a row with the wrong number of cells, a blank
where a value is needed, any cell its reader refuses, more rows than the limit — it
returns ``None`` and the caller reads the file row by row, which reports every problem
with its row and column.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from typing import Any, overload

import numpy as np

from finance.core.cells import CellError, is_blank, read_text
from finance.core.ledger import Ledger
from finance.core.model import LEDGER_KINDS
from finance.core.parse import SCHEMA, norm

_PLAIN_MONEY = r"^-?\d{1,13}(\.\d{1,2})?$"  # = cells._PLAIN_MONEY: exact in decimal(17, 2)
_READERS = {c.name: c for c in SCHEMA["ledger"]}


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


def _by_distinct(col: Any, name: str) -> tuple[list[Any], np.ndarray]:
    """Read each distinct value of a column once: ``(answers, index per row)``."""
    enc = col.dictionary_encode()
    read = _READERS[name]
    answers: list[Any] = []
    for v in enc.dictionary.to_pylist():
        if is_blank(v):
            if read.required:
                raise _Unusual(f"{name} is blank")
            answers.append(None)
            continue
        try:
            answers.append(read.read(v))
        except CellError as exc:
            raise _Unusual(str(exc)) from exc
    return answers, enc.indices.to_numpy(zero_copy_only=False)


def _money(col: Any) -> np.ndarray:
    """Amounts as int64 pence, exactly (see the module docstring)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    raw = col
    plain = pc.match_substring_regex(col, _PLAIN_MONEY)
    others = np.flatnonzero(~plain.to_numpy(zero_copy_only=False))
    if len(others):
        col = pc.if_else(plain, col, "0")
    dec = pc.cast(col, pa.decimal128(17, 2))
    # decimal128 stores each value as a 16-byte two's-complement integer of the unscaled
    # value (pence, for two decimal places); amounts below 10**15 fit in its low 8
    # bytes, which read as a signed int64 are the pence themselves.
    words = np.frombuffer(dec.buffers()[1], dtype="<i8")
    out = words[2 * dec.offset: 2 * (dec.offset + len(dec)): 2].copy()
    if len(others):  # other forms (£1,234.50, (12.00)): the cell reader, cell by cell
        read = _READERS["amount"].read
        for i, v in zip(others.tolist(), raw.take(others).to_pylist(), strict=True):
            if is_blank(v):
                raise _Unusual("amount is blank")
            try:
                out[i] = read(v)
            except CellError as exc:
                raise _Unusual(str(exc)) from exc
    return out


def read_ledger_csv(text: bytes, max_rows: int) -> Ledger | None:
    """The ledger in ``text`` (UTF-8 CSV bytes, header first) as columns, or ``None``
    when it should be read row by row (see the module docstring)."""
    try:
        return _read(text, max_rows)
    except _Unusual:
        return None


def _read(data: bytes, max_rows: int) -> Ledger:
    import csv

    import pyarrow as pa
    import pyarrow.csv as pacsv

    first = data.split(b"\n", 1)[0]
    if b'"' in first:
        raise _Unusual("quoted header")
    header = next(csv.reader([first.decode("utf-8").rstrip("\r")]), [])
    names = [norm(h) for h in header]
    wanted = [n for n in names if n]
    if len(set(wanted)) != len(wanted) or any(n not in _READERS for n in wanted):
        raise _Unusual("header")
    if any(c.present and c.name not in wanted for c in SCHEMA["ledger"]):
        raise _Unusual("missing column")
    keys = [f"c{i}" for i in range(len(header))]
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(column_names=keys, skip_rows=1),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(keys, pa.string()),
                                                 strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:  # ragged rows, bad bytes
        raise _Unusual(str(exc)) from exc
    n = table.num_rows
    if n > max_rows:
        raise _Unusual("too many rows")
    cols = {name: table.column(k).combine_chunks() for name, k in zip(names, keys, strict=True)
            if name}

    years, yix = _by_distinct(cols["year"], "year")
    labels = sorted(set(years))
    year_code = np.array([labels.index(y) for y in years], dtype=np.int32)[yix]
    kinds, kix = _by_distinct(cols["kind"], "kind")
    kind_code = np.array([LEDGER_KINDS.index(k) for k in kinds], dtype=np.int8)[kix]
    if "date" in cols:
        dates, dix = _by_distinct(cols["date"], "date")
        day = np.array([np.datetime64("NaT") if d is None else np.datetime64(d, "D")
                        for d in dates], dtype="datetime64[D]").reshape(len(dates))[dix]
    else:
        day = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    return Ledger(
        labels, year_code, kind_code, _money(cols["amount"]), day,
        _Texts(cols.get("description", pa.nulls(n, pa.string()))),
        _Texts(cols.get("reference", pa.nulls(n, pa.string()))),
        np.arange(2, n + 2, dtype=np.int64),
    )
