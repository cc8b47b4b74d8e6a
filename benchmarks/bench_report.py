"""The board report for the large book, against a plain openpyxl dump of the same rows.

Target: the report for the large book (300 parties, 3,000 services, 100,000
ledger lines; one row per service participant and per ledger line) in under 10 s.
Baseline, same run: openpyxl's write-only mode writing the same ledger and service rows
as bare values (no styles, no formulas, no other sheets).

    .venv/bin/python -m benchmarks.bench_report [PARTIES SERVICES LEDGER_ROWS]
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.generate import large_book


def main(parties: int = 300, services: int = 3000, ledger_rows: int = 100_000) -> dict:
    from openpyxl import Workbook

    from finance.book import require_book
    from finance.core.run import run_year
    from finance.report import build_report

    with tempfile.TemporaryDirectory() as tmp:
        result = run_year(require_book(large_book(Path(tmp) / "b", parties, services,
                                                  ledger_rows)))
    t0 = time.perf_counter()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Ledger")
    for e in result.book.ledger:
        ws.append([e.date, e.kind, e.amount / 100, e.description, e.reference])
    ws = wb.create_sheet("Services")
    for s in result.services:
        for x in s.lines:
            d = x.detail
            ws.append([s.service, s.name, s.basis, s.host, s.net_cost / 100, x.party, x.months,
                       float(d.weight), float(d.quota), d.floor, float(d.remainder), d.rank,
                       int(d.extra_penny), x.share / 100, x.standalone_cost, x.saving])
    wb.save(io.BytesIO())
    base = time.perf_counter() - t0
    t0 = time.perf_counter()
    data = build_report(result)
    took = time.perf_counter() - t0
    lines = sum(len(s.lines) for s in result.services)
    print(f"large book: {len(result.book.ledger):,} ledger lines, {lines:,} service lines")
    print(f"baseline, openpyxl write-only dump of the same rows: {base:.2f} s")
    print(f"board report: {took:.2f} s ({len(data):,} bytes), {took / base:.2f}x the "
          f"baseline; target < 10 s: {'met' if took < 10 else 'NOT met'}")
    return {"baseline_s": base, "report_s": took, "ratio": took / base}


if __name__ == "__main__":
    main(*[int(a) for a in sys.argv[1:4]])
