"""Money helpers: exact pence, one rounding rule."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from finance.core.money import (
    ARROW_MIN,
    MoneyError,
    fmt_pounds,
    pounds_texts,
    round_pence,
    to_pence,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(Decimal("0.5"), 1), (Decimal("-0.5"), -1), (Decimal("1.4999"), 1), (Decimal("2.5"), 3),
     (Fraction(-3, 2), -2), (Fraction(5, 4), 1), (Decimal("-0.49"), 0)],
)
def test_round_half_away_from_zero_like_excel_round(value, expected):
    assert round_pence(value) == expected


def test_spreadsheet_float_is_converted_through_str():
    assert to_pence(0.1 + 0.2) == 30
    assert to_pence(112770.0) == 11277000
    assert to_pence("-0.01") == -1


def test_more_than_two_decimals_is_refused():
    with pytest.raises(MoneyError):
        to_pence("1.005")


def test_nan_is_refused():
    with pytest.raises(MoneyError):
        to_pence(float("nan"))


@given(st.integers(min_value=-(10**14), max_value=10**14))
def test_pence_round_trip_through_pounds_string(p):
    assert to_pence(fmt_pounds(p)) == p


@given(st.integers(min_value=-(10**20), max_value=10**20))
def test_pounds_string_is_the_decimal_text(p):
    from finance.core.money import pence_to_decimal

    assert fmt_pounds(p) == str(pence_to_decimal(p))


EDGES = [0, 1, -1, 5, -5, 99, -99, 100, -100, 2**63 - 1, -(2**63), 10**15, -(10**15)]


@pytest.mark.parametrize("size", [0, 3, ARROW_MIN - 1, ARROW_MIN, 3 * ARROW_MIN])
def test_pounds_texts_are_fmt_pounds_below_and_above_the_arrow_threshold(size):
    pence = [(i * 7919 - 5 * 10**6) * (-1) ** i for i in range(size)]
    pence[:len(EDGES)] = EDGES[:size]
    assert pounds_texts(pence) == [fmt_pounds(p) for p in pence]


def test_pounds_texts_beyond_int64_go_amount_by_amount():
    pence = [2**63, -(2**63) - 1, 10**30, *range(ARROW_MIN)]
    assert pounds_texts(pence) == [fmt_pounds(p) for p in pence]


@given(st.lists(st.integers(-(2**63), 2**63 - 1), min_size=ARROW_MIN, max_size=ARROW_MIN + 5))
def test_pounds_texts_of_any_int64_column_are_fmt_pounds(pence):
    assert pounds_texts(pence) == [fmt_pounds(p) for p in pence]


def test_pounds_texts_of_numpy_integers():
    import numpy as np

    pence = np.arange(-ARROW_MIN, ARROW_MIN, dtype=np.int64) * 997
    assert pounds_texts(pence) == [fmt_pounds(int(p)) for p in pence]
    assert pounds_texts(pence[:3]) == ["-9970.00", "-9960.03", "-9950.06"]
