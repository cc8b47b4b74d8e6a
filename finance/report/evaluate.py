"""Work out the value of each formula the report writes, as a spreadsheet program would.

Every formula cell of the report carries its value (the "cached value" a reader sees
before anything recalculates, and what a program that does not recalculate shows).
Rather than restating each rule a second time in Python beside its formula, the report
evaluates its own formulas here, once the sheets are laid out: a small evaluator for the
part of the Excel formula language the report uses (arithmetic, comparison, ``&``,
ranges on any sheet, defined names and the functions in :data:`FUNCTIONS`), in IEEE
doubles as Excel and LibreOffice calculate.  ``ROUND`` rounds half away from zero after
taking the double to 15 significant digits, as Excel does.

A formula this module cannot evaluate is a bug in the report: :func:`evaluate` raises.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Context, Decimal
from functools import lru_cache, partial
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["FUNCTIONS", "Arr", "Evaluator", "FormulaError", "Ref", "parse_ref"]


class FormulaError(Exception):
    """An Excel error value (``#DIV/0!``, ``#VALUE!`` ...) raised while evaluating."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Arr:
    """A rectangular block of values (a range, or the result of an array operation).

    Long ranges recur in the report's ``SUMPRODUCT`` formulas (a row of a table against
    the whole of another), so an array keeps, once worked out, its values as doubles
    (:meth:`numbers`) and as text (:meth:`texts`).
    """

    values: tuple[Any, ...]
    rows: int
    cols: int
    _cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def numbers(self) -> npt.NDArray[np.float64] | None:
        """The values as doubles for arithmetic (TRUE 1, FALSE 0, blank 0), or ``None``
        when one is text or an error (then each element is worked out on its own)."""
        if "num" not in self._cache:
            out: npt.NDArray[np.float64] | None
            if any(isinstance(x, str | FormulaError) for x in self.values):
                out = None
            else:
                out = np.fromiter((0.0 if x is None else float(x) for x in self.values),
                                  dtype=np.float64, count=len(self.values))
            self._cache["num"] = out
        return self._cache["num"]

    def texts(self) -> tuple[str, ...]:
        """The values as ``EXACT`` compares them (as text)."""
        if "text" not in self._cache:
            self._cache["text"] = tuple(_text(x) for x in self.values)
        return self._cache["text"]

    def plain_numbers(self) -> bool:
        """Whether every value is a number or blank (no text, truth value or error)."""
        if "plain" not in self._cache:
            self._cache["plain"] = all(
                x is None or (isinstance(x, int | float) and not isinstance(x, bool))
                for x in self.values)
        return self._cache["plain"]


@dataclass(frozen=True)
class Ref:
    """A cell or range on a sheet, 1-based and inclusive."""

    sheet: str
    r0: int
    c0: int
    r1: int
    c1: int


_CELL = re.compile(r"\$?([A-Z]{1,3})\$?([0-9]+)")


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


@lru_cache(maxsize=65536)
def parse_ref(text: str, sheet: str) -> Ref:
    """``'Sheet'!$A$1:$B$2`` (or without a sheet, on ``sheet``) as a :class:`Ref`."""
    if "!" in text:
        name, _, text = text.rpartition("!")
        sheet = name[1:-1].replace("''", "'") if name.startswith("'") else name
    a, _, b = text.partition(":")
    m0 = _CELL.fullmatch(a)
    m1 = _CELL.fullmatch(b or a)
    if m0 is None or m1 is None:
        raise ValueError(f"not a reference: {text}")
    return Ref(sheet, int(m0.group(2)), _col(m0.group(1)), int(m1.group(2)), _col(m1.group(1)))


# --------------------------------------------------------------------------- tokens

_TOKEN = re.compile(r"""
    (?P<ref>(?:'(?:[^']|'')+'!|[A-Za-z_][A-Za-z0-9_.]*!)?\$?[A-Z]{1,3}\$?[0-9]+
            (?::\$?[A-Z]{1,3}\$?[0-9]+)?)(?![A-Za-z0-9_(])
  | (?P<op><>|<=|>=|[-+*/^&=<>(),])
  | (?P<slot>@)
  | (?P<func>[A-Z][A-Z0-9.]*)\(
  | (?P<num>[0-9]+(?:\.[0-9]*)?(?:[Ee][+-]?[0-9]+)?|\.[0-9]+)
  | (?P<str>"(?:[^"]|"")*")
  | (?P<name>[A-Za-z_][A-Za-z0-9_.]*)
  | (?P<ws>\s+)
""", re.VERBOSE)


def _tokens(formula: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    for m in _TOKEN.finditer(formula):
        if m.start() != pos:
            break
        pos = m.end()
        kind = m.lastgroup
        if kind != "ws":
            out.append((kind, m.group(kind)))  # type: ignore[arg-type]
    if pos != len(formula):
        raise ValueError(f"cannot read formula at {formula[pos:pos + 20]!r}: {formula}")
    return out


# --------------------------------------------------------------------------- parser
# Nodes are tuples: ("num", v) ("str", s) ("bool", b) ("ref", Ref) ("name", n)
# ("neg", x) ("op", o, a, b) ("call", NAME, [args])

_BINARY = [("=", "<>", "<", ">", "<=", ">="), ("&",), ("+", "-"), ("*", "/"), ("^",)]
_PREC = {op: level for level, ops in enumerate(_BINARY) for op in ops}
#: A reference outside a string (a string is matched, and kept, as a whole).
_REF_OR_STR = re.compile(r"""("(?:[^"]|"")*")|((?:'(?:[^']|'')+'!|[A-Za-z_][A-Za-z0-9_.]*!)?"""
                         r"\$?[A-Z]{1,3}\$?[0-9]+(?::\$?[A-Z]{1,3}\$?[0-9]+)?)"
                         r"(?![A-Za-z0-9_(])")


@lru_cache(maxsize=4096)
def _parse_shape(shape: str) -> Any:
    """The parse of a formula with each reference replaced by ``@`` (a slot): formulas
    that differ only in their references share it."""
    return _Parser(shape, "").parse()


#: A formula that is one reference (most of the report's links between sheets).
_ONE_REF = re.compile(r"(?:'(?:[^']|'')+'!|[A-Za-z_][A-Za-z0-9_.]*!)?\$?[A-Z]{1,3}\$?[0-9]+")


class _Parser:
    def __init__(self, formula: str, sheet: str) -> None:
        self.toks = _tokens(formula)
        self.i = 0
        self.sheet = sheet
        self.slots = 0

    def peek(self) -> tuple[str, str] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> tuple[str, str]:
        t = self.toks[self.i]
        self.i += 1
        return t

    def expect(self, op: str) -> None:
        t = self.take()
        if t != ("op", op):
            raise ValueError(f"expected {op!r}, got {t[1]!r}")

    def parse(self) -> Any:
        node = self.binary(0)
        if self.peek() is not None:
            raise ValueError(f"unexpected {self.peek()}")
        return node

    def binary(self, min_prec: int) -> Any:
        """Operators by precedence climbing (all left-associative)."""
        node = self.unary()
        toks = self.toks
        while self.i < len(toks):
            kind, op = toks[self.i]
            prec = _PREC.get(op) if kind == "op" else None
            if prec is None or prec < min_prec:
                return node
            self.i += 1
            node = ("op", op, node, self.binary(prec + 1))
        return node

    def unary(self) -> Any:
        t = self.peek()
        if t == ("op", "-"):
            self.take()
            return ("neg", self.unary())
        if t == ("op", "+"):
            self.take()
            return self.unary()
        return self.primary()

    def primary(self) -> Any:
        kind, text = self.take()
        if kind == "num":
            return ("num", float(text))
        if kind == "str":
            return ("str", text[1:-1].replace('""', '"'))
        if kind == "ref":
            return ("ref", parse_ref(text, self.sheet))
        if kind == "slot":
            self.slots += 1
            return ("slot", self.slots - 1)
        if kind == "name":
            up = text.upper()
            if up in ("TRUE", "FALSE"):
                return ("bool", up == "TRUE")
            return ("name", text)
        if kind == "func":
            args: list[Any] = []
            if self.peek() == ("op", ")"):
                self.take()
            else:
                while True:
                    args.append(self.binary(0))
                    t = self.take()
                    if t == ("op", ")"):
                        break
                    if t != ("op", ","):
                        raise ValueError(f"expected , or ) in {text}")
            return ("call", text.upper(), args)
        if (kind, text) == ("op", "("):
            node = self.binary(0)
            self.expect(")")
            return node
        raise ValueError(f"unexpected {text!r}")


# --------------------------------------------------------------------------- values

_CTX15 = Context(prec=15)


def _num(v: Any) -> float:
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if v is None:
        return 0.0
    if isinstance(v, int | float):
        return float(v)
    if isinstance(v, str):
        try:
            return float(v)
        except ValueError:
            raise FormulaError("#VALUE!") from None
    raise FormulaError("#VALUE!")


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float | int):
        f = float(v)
        if f == int(f) and abs(f) < 1e15:
            return str(int(f))
        return format(_CTX15.plus(Decimal(repr(f))).normalize(), "f")
    return str(v)


def _rank(v: Any) -> int:
    if isinstance(v, bool):
        return 2
    if isinstance(v, str):
        return 1
    return 0


def _compare(op: str, a: Any, b: Any) -> bool:
    if a is None:
        a = "" if isinstance(b, str) else False if isinstance(b, bool) else 0.0
    if b is None:
        b = "" if isinstance(a, str) else False if isinstance(a, bool) else 0.0
    ra, rb = _rank(a), _rank(b)
    if ra != rb:
        x: Any = ra
        y: Any = rb
    elif ra == 1:
        x, y = str(a).lower(), str(b).lower()
    else:
        x, y = float(a), float(b)
    if op == "=":
        return bool(x == y)
    if op == "<>":
        return bool(x != y)
    if op == "<":
        return bool(x < y)
    if op == ">":
        return bool(x > y)
    if op == "<=":
        return bool(x <= y)
    return bool(x >= y)


def _arith(op: str, a: Any, b: Any) -> Any:
    if op in ("=", "<>", "<", ">", "<=", ">="):
        return _compare(op, a, b)
    if op == "&":
        return _text(a) + _text(b)
    x, y = _num(a), _num(b)
    if op == "+":
        return x + y
    if op == "-":
        return x - y
    if op == "*":
        return x * y
    if op == "/":
        if y == 0:
            raise FormulaError("#DIV/0!")
        return x / y
    try:
        return float(x ** y)
    except (OverflowError, ZeroDivisionError):
        raise FormulaError("#NUM!") from None


_VECTOR_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide,
    "=": np.equal, "<>": np.not_equal, "<": np.less, ">": np.greater, "<=": np.less_equal,
    ">=": np.greater_equal,
}


#: Arrays shorter than this are worked element by element (numpy's set-up costs more).
_VECTOR_MIN = 32


def _from_vector(out: npt.NDArray[Any], rows: int, cols: int) -> Arr:
    """An array from a numpy result, its doubles (and whether they are plain numbers, not
    truth values) already known."""
    arr = Arr(tuple(out.tolist()), rows, cols)
    arr._cache["num"] = out.astype(np.float64)
    arr._cache["plain"] = out.dtype != np.bool_
    return arr


def _vector(v: Any) -> Any:
    """``v`` as doubles for a whole-array operation, or ``None`` (element by element)."""
    if isinstance(v, Arr):
        return v.numbers()
    if v is None:
        return 0.0
    if isinstance(v, int | float):  # a truth value counts 1 or 0 in arithmetic
        return float(v)
    return None


def _broadcast(op: str, a: Any, b: Any) -> Any:
    if not isinstance(a, Arr) and not isinstance(b, Arr):
        return _arith(op, a, b)
    fn = _VECTOR_OPS.get(op)
    size = len(a.values) if isinstance(a, Arr) else len(b.values)
    if fn is not None and size >= _VECTOR_MIN:
        # numbers against numbers: IEEE doubles elementwise, as the element-by-element path
        # gives; comparisons only between plain numbers (a truth value compares unlike a
        # number), division only with no zero divisor (that is an error per element)
        x, y = _vector(a), _vector(b)
        comparing = op in ("=", "<>", "<", ">", "<=", ">=")
        plain = all(v.plain_numbers() if isinstance(v, Arr)
                    else v is None or (isinstance(v, int | float) and not isinstance(v, bool))
                    for v in (a, b))
        if (x is not None and y is not None and (plain or not comparing)
                and not (op == "/" and np.any(np.asarray(y) == 0))):
            shape = a if isinstance(a, Arr) else b
            if isinstance(a, Arr) and isinstance(b, Arr) and (a.rows, a.cols) != (b.rows,
                                                                                  b.cols):
                raise FormulaError("#VALUE!")
            out = np.asarray(fn(x, y))
            return _from_vector(out, shape.rows, shape.cols)
    if isinstance(a, Arr) and isinstance(b, Arr):
        if (a.rows, a.cols) != (b.rows, b.cols):
            raise FormulaError("#VALUE!")
        return Arr(tuple(_safe(op, x, y) for x, y in zip(a.values, b.values, strict=True)),
                   a.rows, a.cols)
    if isinstance(a, Arr):
        return Arr(tuple(_safe(op, x, b) for x in a.values), a.rows, a.cols)
    assert isinstance(b, Arr)
    return Arr(tuple(_safe(op, a, y) for y in b.values), b.rows, b.cols)


def _safe(op: str, a: Any, b: Any) -> Any:
    if isinstance(a, FormulaError):
        return a
    if isinstance(b, FormulaError):
        return b
    try:
        return _arith(op, a, b)
    except FormulaError as e:
        return e


def _flat(v: Any) -> Iterator[Any]:
    if isinstance(v, Arr):
        for x in v.values:
            if isinstance(x, FormulaError):
                raise x
            yield x
    else:
        yield v


def round_excel(x: float, digits: int) -> float:
    """Excel's ``ROUND``: half away from zero, on the double taken to 15 digits."""
    if not math.isfinite(x):
        raise FormulaError("#NUM!")
    if x == 0:
        return 0.0
    d = _CTX15.plus(Decimal(repr(x)))
    q = Decimal(1).scaleb(-digits)
    return float(d.quantize(q, rounding=ROUND_HALF_UP, context=Context(prec=60)))


def _integral(x: float) -> bool:
    return x == int(x) and abs(x) < 2**63


# --------------------------------------------------------------------------- functions


def _f_sum(ev: Evaluator, args: Sequence[Any]) -> Any:
    total = 0.0
    for a in args:
        if isinstance(a, Arr):
            total += sum(float(x) for x in _flat(a)
                         if isinstance(x, int | float) and not isinstance(x, bool))
        else:
            total += _num(a)
    return total


def _f_sumproduct(ev: Evaluator, args: Sequence[Any]) -> Any:
    arrays = [a if isinstance(a, Arr) else Arr((a,), 1, 1) for a in args]
    shape = (arrays[0].rows, arrays[0].cols)
    if any((a.rows, a.cols) != shape for a in arrays):
        raise FormulaError("#VALUE!")
    if len(arrays[0].values) >= _VECTOR_MIN and all(a.plain_numbers() for a in arrays):
        product = arrays[0].numbers()
        assert product is not None
        for a in arrays[1:]:
            nums = a.numbers()
            assert nums is not None
            product = product * nums
        return float(sum(product.tolist()))
    total = 0.0
    for items in zip(*(a.values for a in arrays), strict=True):
        prod = 1.0
        for x in items:
            if isinstance(x, FormulaError):
                raise x
            prod *= float(x) if isinstance(x, int | float) and not isinstance(x, bool) else 0.0
        total += prod
    return total


def _f_round(ev: Evaluator, args: Sequence[Any]) -> Any:
    return round_excel(_num(args[0]), int(_num(args[1])))


def _f_quotient(ev: Evaluator, args: Sequence[Any]) -> Any:
    a, b = _num(args[0]), _num(args[1])
    if b == 0:
        raise FormulaError("#DIV/0!")
    if _integral(a) and _integral(b):
        q = abs(int(a)) // abs(int(b))
        return float(q if (a < 0) == (b < 0) else -q)
    return float(math.trunc(a / b))


def _f_mod(ev: Evaluator, args: Sequence[Any]) -> Any:
    a, b = _num(args[0]), _num(args[1])
    if b == 0:
        raise FormulaError("#DIV/0!")
    if _integral(a) and _integral(b):
        return float(int(a) % int(b))
    return a - b * math.floor(a / b)


def _f_gcd(ev: Evaluator, args: Sequence[Any]) -> Any:
    g = 0
    for a in args:
        for x in _flat(a):
            n = _num(x)
            if n < 0:
                raise FormulaError("#NUM!")
            g = math.gcd(g, int(n))
    return float(g)


def _f_npv(ev: Evaluator, args: Sequence[Any]) -> Any:
    rate = _num(args[0])
    total = 0.0
    i = 0
    for a in args[1:]:
        for x in _flat(a):
            if isinstance(x, int | float) and not isinstance(x, bool):
                i += 1
                total += float(x) / (1 + rate) ** i
    return total


def _f_irr(ev: Evaluator, args: Sequence[Any]) -> Any:
    flows = [float(x) for x in _flat(args[0])
             if isinstance(x, int | float) and not isinstance(x, bool)]
    r = _num(args[1]) if len(args) > 1 else 0.1

    def npv(rate: float) -> float:
        return sum(c / (1 + rate) ** t for t, c in enumerate(flows))

    for _ in range(200):  # Newton's method from the guess, as spreadsheets do
        f = npv(r)
        d = sum(-t * c / (1 + r) ** (t + 1) for t, c in enumerate(flows))
        if d == 0:
            break
        step = f / d
        r -= step
        if r <= -1:
            break
        if abs(step) < 1e-15 * max(1.0, abs(r)):
            return r
    lo, hi = -0.99, 10.0  # else bisection, where the sign changes
    if npv(lo) * npv(hi) > 0:
        raise FormulaError("#NUM!")
    for _ in range(200):
        mid = (lo + hi) / 2
        if (npv(mid) > 0) == (npv(lo) > 0):
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _shape(v: Any) -> Arr:
    return v if isinstance(v, Arr) else Arr((v,), 1, 1)


def _f_index(ev: Evaluator, args: Sequence[Any]) -> Any:
    a = _shape(args[0])
    i = int(_num(args[1]))
    j = int(_num(args[2])) if len(args) > 2 else None
    if j is None:
        if a.rows == 1:
            i, j = 1, i
        else:
            j = 1
    if not (1 <= i <= a.rows and 1 <= j <= a.cols):
        raise FormulaError("#REF!")
    v = a.values[(i - 1) * a.cols + (j - 1)]
    if isinstance(v, FormulaError):
        raise v
    return v


def _f_match(ev: Evaluator, args: Sequence[Any]) -> Any:
    x = args[0]
    values = list(_flat(args[1]))
    kind = int(_num(args[2])) if len(args) > 2 else 1
    if kind == 0:
        for k, v in enumerate(values, start=1):
            if _compare("=", v, x):
                return float(k)
        raise FormulaError("#N/A")
    found = 0
    for k, v in enumerate(values, start=1):
        if v is not None and _compare("<=", v, x):
            found = k
        else:
            break
    if not found:
        raise FormulaError("#N/A")
    return float(found)


def _compare_to(op: str, target: Any, v: Any) -> bool:
    return _compare(op, v, target)


def _criterion(crit: Any) -> Callable[[Any], bool]:
    if isinstance(crit, str):
        for op in ("<>", "<=", ">=", "<", ">", "="):
            if crit.startswith(op):
                rest = crit[len(op):]
                try:
                    target: Any = float(rest)
                except ValueError:
                    target = rest
                return partial(_compare_to, op, target)
        return lambda v: isinstance(v, str) and v.lower() == crit.lower()
    return lambda v: v is not None and _rank(v) == _rank(crit) and _compare("=", v, crit)


def _f_countif(ev: Evaluator, args: Sequence[Any]) -> Any:
    test = _criterion(args[1])
    return float(sum(1 for v in _flat(args[0]) if test(v)))


def _f_sumifs(ev: Evaluator, args: Sequence[Any]) -> Any:
    total = _shape(args[0])
    keep = [True] * len(total.values)
    for k in range(1, len(args), 2):
        rng = _shape(args[k])
        test = _criterion(args[k + 1])
        keep = [a and test(v) for a, v in zip(keep, rng.values, strict=True)]
    return float(sum(float(v) for v, k in zip(total.values, keep, strict=True)
                     if k and isinstance(v, int | float) and not isinstance(v, bool)))


def _f_sumif(ev: Evaluator, args: Sequence[Any]) -> Any:
    return _f_sumifs(ev, [args[2], args[0], args[1]])


def _scalar(fn: Callable[..., Any]) -> Callable[[Evaluator, Sequence[Any]], Any]:
    def call(ev: Evaluator, args: Sequence[Any]) -> Any:
        vals = []
        for a in args:
            if isinstance(a, Arr):
                if len(a.values) != 1:
                    raise FormulaError("#VALUE!")
                a = a.values[0]
            if isinstance(a, FormulaError):
                raise a
            vals.append(a)
        return fn(*vals)
    return call


def _elementwise(fn: Callable[..., Any]) -> Callable[[Evaluator, Sequence[Any]], Any]:
    def call(ev: Evaluator, args: Sequence[Any]) -> Any:
        arr = next((a for a in args if isinstance(a, Arr)), None)
        if arr is None:
            return fn(*args)
        cols = [a.values if isinstance(a, Arr) else (a,) * len(arr.values) for a in args]
        return Arr(tuple(fn(*xs) for xs in zip(*cols, strict=True)), arr.rows, arr.cols)
    return call


def _f_exact(ev: Evaluator, args: Sequence[Any]) -> Any:
    a, b = args[0], args[1]
    if isinstance(b, Arr) and not isinstance(a, Arr):
        a, b = b, a
    if isinstance(a, Arr) and not isinstance(b, Arr):
        t = _text(b)
        if len(a.values) >= _VECTOR_MIN:
            if "np_text" not in a._cache:
                a._cache["np_text"] = np.array(a.texts(), dtype=object)
            return _from_vector(a._cache["np_text"] == t, a.rows, a.cols)
        return Arr(tuple(x == t for x in a.texts()), a.rows, a.cols)
    return _elementwise(lambda x, y: _text(x) == _text(y))(ev, args)


def _value(v: Any) -> float:
    try:
        return float(_text(v).strip())
    except ValueError:
        raise FormulaError("#VALUE!") from None


def _left(s: Any, n: Any = 1.0) -> str:
    return _text(s)[:int(_num(n))]


def _sign(x: Any) -> float:
    n = _num(x)
    return float((n > 0) - (n < 0))


FUNCTIONS: dict[str, Callable[[Evaluator, Sequence[Any]], Any]] = {
    "SUM": _f_sum,
    "SUMPRODUCT": _f_sumproduct,
    "ROUND": _f_round,
    "QUOTIENT": _f_quotient,
    "MOD": _f_mod,
    "GCD": _f_gcd,
    "NPV": _f_npv,
    "IRR": _f_irr,
    "INDEX": _f_index,
    "MATCH": _f_match,
    "COUNTIF": _f_countif,
    "SUMIFS": _f_sumifs,
    "SUMIF": _f_sumif,
    "ROWS": lambda ev, a: float(_shape(a[0]).rows),
    "COLUMNS": lambda ev, a: float(_shape(a[0]).cols),
    "MAX": lambda ev, a: max((float(x) for v in a for x in _flat(v)
                              if isinstance(x, int | float) and not isinstance(x, bool)),
                             default=0.0),
    "ABS": _scalar(lambda x: abs(_num(x))),
    "SIGN": _scalar(_sign),
    "NOT": _scalar(lambda x: not bool(_num(x))),
    "AND": lambda ev, a: all(bool(_num(x)) for v in a for x in _flat(v)),
    "VALUE": _scalar(_value),
    "LEFT": _scalar(_left),
    "EXACT": _f_exact,
}


# --------------------------------------------------------------------------- evaluator


class Evaluator:
    """Values of a workbook's formulas, worked out on demand and remembered.

    ``cell(sheet, row, col)`` gives ``(value, formula)`` of a cell (1-based), ``formula``
    ``None`` for a constant; ``names`` maps defined names to references.
    """

    def __init__(self, cell: Callable[[str, int, int], tuple[Any, str | None]],
                 names: Mapping[str, str]) -> None:
        self._cell = cell
        self._names = {k.upper(): v for k, v in names.items()}
        self._memo: dict[tuple[str, int, int], Any] = {}
        self._busy: set[tuple[str, int, int]] = set()
        self._ranges: dict[Ref, Arr] = {}

    def value(self, sheet: str, row: int, col: int) -> Any:
        """The value of one cell; an error value is returned as a :class:`FormulaError`."""
        key = (sheet, row, col)
        if key in self._memo:
            return self._memo[key]
        v, formula = self._cell(sheet, row, col)
        if formula is None:
            return v
        if key in self._busy:
            raise ValueError(f"circular reference at {sheet}!{row},{col}")
        self._busy.add(key)
        try:
            out = self.formula(formula, sheet)
        except FormulaError as e:
            out = e
        finally:
            self._busy.discard(key)
        self._memo[key] = out
        return out

    def formula(self, formula: str, sheet: str) -> Any:
        """The value of ``formula`` (with or without ``=``) written on ``sheet``."""
        formula = formula.removeprefix("=")
        if _ONE_REF.fullmatch(formula):
            return self._range(parse_ref(formula, sheet))
        refs: list[str] = []

        def slot(m: re.Match[str]) -> str:
            if m.group(1) is not None:
                return m.group(1)
            refs.append(m.group(2))
            return "@"

        node = _parse_shape(_REF_OR_STR.sub(slot, formula))
        v = self._eval(node, [parse_ref(x, sheet) for x in refs])
        if isinstance(v, Arr):
            v = v.values[0]
        if isinstance(v, FormulaError):
            raise v
        return v

    def _range(self, ref: Ref) -> Any:
        if ref.r0 == ref.r1 and ref.c0 == ref.c1:
            v = self.value(ref.sheet, ref.r0, ref.c0)
            if isinstance(v, FormulaError):
                raise v
            return v
        got = self._ranges.get(ref)
        if got is None:
            vals = tuple(self.value(ref.sheet, r, c) for r in range(ref.r0, ref.r1 + 1)
                         for c in range(ref.c0, ref.c1 + 1))
            got = self._ranges[ref] = Arr(vals, ref.r1 - ref.r0 + 1, ref.c1 - ref.c0 + 1)
        return got

    def _eval(self, node: Any, slots: list[Ref]) -> Any:
        kind = node[0]
        if kind in ("num", "str", "bool"):
            return node[1]
        if kind == "slot":
            return self._range(slots[node[1]])
        if kind == "ref":
            return self._range(node[1])
        if kind == "name":
            target = self._names.get(node[1].upper())
            if target is None:
                raise FormulaError("#NAME?")
            return self._range(parse_ref(target, ""))
        if kind == "neg":
            v = self._eval(node[1], slots)
            return _broadcast("*", v, -1.0)
        if kind == "op":
            return _broadcast(node[1], self._eval(node[2], slots), self._eval(node[3], slots))
        name, args = node[1], node[2]
        if name == "IF":
            cond = self._eval(args[0], slots)
            if isinstance(cond, Arr):
                cond = cond.values[0]
            if isinstance(cond, FormulaError):
                raise cond
            if isinstance(cond, str):
                raise FormulaError("#VALUE!")
            if bool(_num(cond)):
                return self._eval(args[1], slots) if len(args) > 1 else True
            return self._eval(args[2], slots) if len(args) > 2 else False
        if name in ("ISERROR", "ISNUMBER", "ISBLANK"):
            try:
                v = self._eval(args[0], slots)
            except FormulaError:
                return name == "ISERROR"
            if isinstance(v, Arr):
                v = v.values[0]
            if name == "ISERROR":
                return isinstance(v, FormulaError)
            if name == "ISBLANK":
                return v is None
            return isinstance(v, int | float) and not isinstance(v, bool)
        fn = FUNCTIONS.get(name)
        if fn is None:
            raise ValueError(f"the report's evaluator does not know {name}()")
        return fn(self, [self._eval(a, slots) for a in args])
