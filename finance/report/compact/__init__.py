"""The compact board report for a large book, written row by row (XlsxWriter's
constant-memory mode).

A partnership with thousands of ledger lines and service participants would make the
full report (a block of workings per service) too slow to build and too long to print.
Above :data:`~finance.report.compact.book.LARGE_LEDGER_LINES` ledger lines or
:data:`~finance.report.compact.book.LARGE_SERVICE_LINES` service participants,
:func:`finance.report.build_report` uses this layout instead: one row per ledger line and
one row per service participant, with the audit trail in columns (weight, exact quota,
floored share, remainder rank, extra penny) and live formulas for the contributions, the
totals, the fund account, each share and the checks.  The formulas come from
:mod:`finance.report.rules`, as in the full layout; each carries the engine's value.

The largest-remainder step itself (floor, remainder rank, extra penny) is written as the
engine's figures here, not as formulas: a live rank is a ``SUMPRODUCT`` over the whole
service for every participant, work that grows with the square of the rows and would
make a spreadsheet program crawl on a book of this size.  The cover says so; the
Checks sheet adds the shares up to each service's net cost live.

What prints is what a board reads: a table that could run to hundreds of rows prints its
largest rows, then "... and N more (sheet X, rows A-B, every ...)"
(:func:`~finance.report.compact.sheet.rest_of`), every row listed below the printed page;
the long tables that do print whole (contributions, the statement per party, the net
positions) repeat their heading row on every page.  Each sheet prints at a scale written
into it, and a sheet of several short tables starts a new page rather than cut one
(:meth:`~finance.report.compact.sheet.Sheet.keep`).

One module per sheet, as in the full layout:

``sheet``          what every sheet shares: the report being written (:class:`Report`:
                   the result, the cover's options, the formats, the checks and key
                   figures the sheets add), a sheet written row by row (:class:`Sheet`),
                   the styles, :func:`rest_of` and the fast cell writers
``cover``          Cover (made first, its body written last)
``contributions``  Contributions
``year_end``       Year end
``ledger``         Ledger
``services``       Shared services
``settlement``     Settlement
``investments``    Investments
``monitoring``     Monitoring
``checks``         Checks
``book``           the workbook assembled: :func:`large_report` and :func:`is_large`

:mod:`finance.report.large` re-exports the public names.  This package's ``__init__``
imports nothing, so that no module of it imports another through the package.
"""
