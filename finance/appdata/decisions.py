"""The board's decisions in the sidebar, and the year run with them.

The sidebar's rate per head, refund share, discount rate and financial weight override
the book's values for the year being run: :func:`apply_decisions` returns a new
:class:`~finance.core.model.Book` (the core stays pure).  An override equal to the
book's value changes nothing.  :func:`run_safely` runs the year; :func:`json_bytes` and
:func:`report_bytes` give its downloads, exactly as the CLI writes them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from finance.appdata.formats import decimal_input, pct_input, pct_text, pct_value, pence_text
from finance.core.chain import Prior
from finance.core.model import Book
from finance.core.problems import Problem
from finance.core.run import Result
from finance.pipeline import compute, render


@dataclass(frozen=True)
class Decisions:
    """The board's decisions and key rates for one year, as the sidebar holds them.

    ``rate_pence`` in pence per head; the others as fractions (35% is ``0.35``).

    Fields:
        rate_pence: the per-head contribution, pence per head.
        refund_share: share of the uncommitted balance refunded, a fraction.
        discount_rate: the discount rate of the investment appraisals, a fraction.
        financial_weight: share of an investment score from its financial score, a
            fraction.
    """

    rate_pence: Decimal
    refund_share: Decimal
    discount_rate: Decimal
    financial_weight: Decimal


def book_decisions(book: Book, year: str) -> Decisions:
    """The book's own values for ``year`` (a blank refund share is 0%: carry all over)."""
    yr = next(y for y in book.years if y.year == year)
    return Decisions(yr.rate_pence, yr.refund_share or Decimal(0),
                     book.settings.discount_rate, book.settings.financial_weight)


def apply_decisions(book: Book, year: str, d: Decisions) -> Book:
    """A new book with the decisions for ``year``; the same book when nothing differs.

    >>> from finance.core.model import Settings, YearRow
    >>> b = Book(Settings("P", "A"), (), years=(YearRow("2025-26", Decimal(30)),))
    >>> apply_decisions(b, "2025-26", book_decisions(b, "2025-26")) is b
    True
    >>> nb = apply_decisions(b, "2025-26", Decisions(Decimal("30.5"), Decimal("0.5"),
    ...                      Decimal("0.035"), Decimal("0.6")))
    >>> nb.years[0].rate_pence, nb.years[0].refund_share
    (Decimal('30.5'), Decimal('0.5'))
    """
    now = book_decisions(book, year)
    if d == now:
        return book
    years = tuple(
        replace(y, rate_pence=d.rate_pence, refund_share=(
            d.refund_share if d.refund_share != now.refund_share else y.refund_share))
        if y.year == year else y
        for y in book.years
    )
    settings = replace(book.settings, discount_rate=d.discount_rate,
                       financial_weight=d.financial_weight)
    sha = hashlib.sha256(f"{book.source_sha256}|{d.rate_pence}|{d.refund_share}|"
                         f"{d.discount_rate}|{d.financial_weight}".encode()).hexdigest()
    return replace(book, years=years, settings=settings, source_sha256=sha)


def run_safely(book: Book, year: str, d: Decisions, prior: Prior | None = None
               ) -> tuple[Result | None, tuple[Problem, ...]]:
    """The year end with the board's decisions applied, opening from the previous year
    as closed in the history when there is one; problems instead of a crash."""
    try:
        result, problems = compute(apply_decisions(book, year, d), year, prior)
    except Exception as exc:  # a defect, not bad input: report it, keep the app up
        return None, (Problem("book", None, None,
                              f"internal error: {type(exc).__name__}: {exc}"),)
    return result, tuple(problems)


def json_bytes(result: Result) -> tuple[bytes, str]:
    """The JSON result, exactly as the CLI writes it, or why it could not be made."""
    try:
        js, _ = render(result, with_report=False)
    except Exception as exc:
        return b"", f"The JSON result could not be built ({type(exc).__name__}: {exc})."
    return js, ""


def report_bytes(result: Result, prior: Prior | None = None,
                 changes: Sequence[str] = (), source_sha256: str | None = None) -> bytes:
    """The board report, exactly as the CLI writes it (:func:`finance.pipeline.render`),
    DRAFT or FINAL and compared with last year as the history says; ``changes`` made in
    the app (:func:`cover_changes`) are listed on its cover with ``source_sha256``, the
    digest of the source as read.

    It takes a second or two for a full book, so the app builds it when the download is
    clicked, not on every edit.
    """
    _, report = render(result, prior=prior, changes=changes, source_sha256=source_sha256)
    return report


def cover_changes(decisions: Sequence[str], edits: Sequence[str]) -> list[str]:
    """What the app changed after the book was read, as the report's cover lists it.

    >>> cover_changes(["rate per head 31p (book: 30p)"],
    ...               ["populations row 2, population: 142800 → 150000"])
    ... # doctest: +NORMALIZE_WHITESPACE
    ['Board decision overridden in the app: rate per head 31p (book: 30p)',
     'Edited in the app: populations row 2, population: 142800 → 150000']
    """
    return ([f"Board decision overridden in the app: {d}" for d in decisions]
            + [f"Edited in the app: {e}" for e in edits])


def download_note(fresh: bool, changes: int) -> str:
    """What the download buttons say of the figures behind them.

    >>> download_note(True, 0)
    ''
    >>> print(download_note(True, 2))  # doctest: +NORMALIZE_WHITESPACE
    With 2 changes made here, not in the book: the file name ends -with-changes and the
    report's cover lists them.
    """
    if not fresh:
        return "Downloads are off: the figures on screen are not those of the current inputs."
    if changes:
        what = "1 change" if changes == 1 else f"{changes} changes"
        return (f"With {what} made here, not in the book: the file name ends -with-changes "
                "and the report's cover lists them.")
    return ""


def download_stem(stem: str, changes: Sequence[str]) -> str:
    """A download's file name stem: the command line's, marked when the figures include
    changes made in the app, so the file is never taken for the book's own.

    >>> download_stem("mkip-2025-26", []), download_stem("mkip-2025-26", ["x"])
    ('mkip-2025-26', 'mkip-2025-26-with-changes')
    """
    return f"{stem}-with-changes" if changes else stem


def changed_decisions(book: Book, year: str, d: Decisions) -> list[str]:
    """Plain sentences for each decision that differs from the book."""
    now = book_decisions(book, year)
    out = []
    if d.rate_pence != now.rate_pence:
        out.append(f"rate per head {pence_text(d.rate_pence)} (book: "
                   f"{pence_text(now.rate_pence)})")
    for label, new, old in (("refund share", d.refund_share, now.refund_share),
                            ("discount rate", d.discount_rate, now.discount_rate),
                            ("financial weight", d.financial_weight, now.financial_weight)):
        if new != old:
            out.append(f"{label} {pct_text(new)} (book: {pct_text(old)})")
    return out


def decisions_from_widgets(now: Decisions, rate: float, refund: float, discount: float,
                           weight: float) -> Decisions:
    """The decisions the sidebar's number widgets show, keeping the book's exact value
    wherever a widget still shows what it started at (a widget holds a float: a rate of
    30.12345p must not come back as 30.1234p and count as a change nobody made).

    >>> now = Decisions(Decimal("30.12345"), Decimal("0.5"), Decimal("0.035"),
    ...                 Decimal("0.6"))
    >>> decisions_from_widgets(now, 30.12345, 50.0, 3.5, 60.0) == now
    True
    >>> decisions_from_widgets(now, 31.0, 50.0, 3.5, 60.0).rate_pence
    Decimal('31')
    """
    def keep(typed: float, book: Decimal, shown: float, read: Any) -> Decimal:
        return book if typed == shown else read(typed)

    return Decisions(
        keep(rate, now.rate_pence, float(now.rate_pence), decimal_input),
        keep(refund, now.refund_share, pct_value(now.refund_share), pct_input),
        keep(discount, now.discount_rate, pct_value(now.discount_rate), pct_input),
        keep(weight, now.financial_weight, pct_value(now.financial_weight), pct_input))


def decisions_message(changes: Sequence[str]) -> str:
    return "Board decisions applied: " + "; ".join(changes) + "."
