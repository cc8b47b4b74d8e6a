"""Synthetic books for benchmarks and scale tests (deterministic: seeded)."""

from __future__ import annotations

import csv
import datetime
import random
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MKIP = ROOT / "data" / "mkip"
YEAR = "2025-26"


def _write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def large_book(folder: Path, parties: int = 300, services: int = 3000,
               ledger_rows: int = 100_000, seed: int = 1) -> Path:
    """A book with ``parties`` councils, ``services`` shared services of 2-8 participants
    across every basis, and ``ledger_rows`` ledger lines."""
    rnd = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    codes = [f"P{i:03d}" for i in range(parties)]
    _write(folder / "settings.csv", ["key", "value"], [
        ["name", "Large Synthetic Partnership"], ["accountable_body", codes[0]],
        ["rotation", ",".join(codes[:5])], ["rotation_start", "2020-21"]])
    _write(folder / "parties.csv", ["code", "name", "voting", "joined", "notice_given", "left"],
           [[c, f"Council {c}", "yes", "2020-04-01" if i % 17 else "2025-09-01", "", ""]
            for i, c in enumerate(codes)])
    _write(folder / "populations.csv", ["party", "year", "population", "source"],
           [[c, YEAR, rnd.randint(20_000, 400_000), "synthetic"] for c in codes])
    _write(folder / "years.csv",
           ["year", "rate_pence", "opening_balance", "opening_commitments", "refund_share"],
           [[YEAR, "30.5", "12345.67", "2000.00", "40%"]])
    kinds = ["spend"] * 6 + ["commitment", "external_funding", "income", "admin_recharge"]
    start = 0
    ledger = []
    for i in range(ledger_rows):
        k = kinds[i % len(kinds)]
        amount = rnd.randint(1, 20_000_00) if k != "spend" else rnd.randint(1, 40_00)
        month = (start + i) % 12
        y, m = (2025, 4 + month) if month < 9 else (2026, month - 8)
        ledger.append([f"{y}-{m:02d}-{1 + i % 28:02d}", YEAR, k, f"{amount / 100:.2f}",
                       f"line {i}", f"REF-{i:06d}"])
    _write(folder / "ledger.csv",
           ["date", "year", "kind", "amount", "description", "reference"], ledger)
    drivers = ["caseload", "fte", "pcs", "audit_days"]
    _write(folder / "drivers.csv", ["year", "driver", "party", "value"],
           [[YEAR, d, c, rnd.randint(1, 5000)] for d in drivers for c in codes])
    bases = ["equal", "fixed", "population", "driver:caseload", "blend"]
    svc_rows, sp_rows, blend_rows = [], [], []
    for s in range(services):
        basis = bases[s % len(bases)]
        parts = rnd.sample(codes, rnd.randint(2, 8))
        code = f"S{s:04d}"
        gross = rnd.randint(10_000, 5_000_000)
        svc_rows.append([code, f"Service {s}", YEAR, parts[0], f"{gross}.00",
                         f"{rnd.randint(0, 9_999)}.00", basis])
        shares = _fixed_shares(len(parts), rnd) if basis == "fixed" else [""] * len(parts)
        for j, (p, sh) in enumerate(zip(parts, shares, strict=True)):
            joined = "2025-10-01" if (s + j) % 23 == 0 else ""
            sp_rows.append([code, YEAR, p, sh, f"{rnd.randint(10_000, 3_000_000)}.00", joined])
        if basis == "blend":
            blend_rows += [[code, YEAR, "equal", "30%"], [code, YEAR, "population", "30%"],
                           [code, YEAR, "driver:fte", "40%"]]
    _write(folder / "services.csv",
           ["service", "name", "year", "host", "gross_cost", "income", "basis"], svc_rows)
    _write(folder / "service_parties.csv",
           ["service", "year", "party", "fixed_share", "standalone_cost", "joined"], sp_rows)
    _write(folder / "service_blend.csv", ["service", "year", "component", "weight"], blend_rows)
    return folder


def _fixed_shares(n: int, rnd: random.Random) -> list[str]:
    """n whole-percent shares summing to exactly 100%."""
    cuts = sorted(rnd.sample(range(1, 100), n - 1))
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
    return [f"{p}%" for p in parts]


def _typed(text: str) -> tuple[str, object]:
    """How a spreadsheet holds a CSV cell: a number, a date, a percentage or text."""
    if re.fullmatch(r"-?\d+", text):
        return "number", int(text)
    if re.fullmatch(r"-?\d+\.\d+", text):
        return "number", float(text)
    if re.fullmatch(r"\d+(\.\d+)?%", text):
        return "percent", float(text[:-1]) / 100
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return "date", datetime.datetime.strptime(text, "%Y-%m-%d")
        except ValueError:  # 2025-02-31 stays text, as a spreadsheet keeps it
            pass
    return "text", text


def as_workbook(folder: Path, out: Path) -> Path:
    """The book in ``folder`` (CSV files) written as one ``.xlsx`` workbook, a sheet per
    table, each cell as a spreadsheet holds it: numbers as numbers, ISO dates as dates,
    percentages as percentages (``40%`` is 0.4 shown as a percentage), text as text."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    formats = {"date": wb.add_format({"num_format": "dd/mm/yyyy"}),
               "percent": wb.add_format({"num_format": "0%"})}
    for f in sorted(folder.glob("*.csv")):
        ws = wb.add_worksheet(f.stem)
        with f.open(newline="", encoding="utf-8") as fh:
            for r, row in enumerate(csv.reader(fh)):
                for c, text in enumerate(row):
                    if r == 0 or text == "":
                        if text:
                            ws.write_string(r, c, text)
                        continue
                    kind, value = _typed(text)
                    if kind == "number" or kind == "percent":
                        ws.write_number(r, c, value, formats.get(kind))  # type: ignore[arg-type]
                    elif kind == "date":
                        ws.write_datetime(r, c, value, formats["date"])  # type: ignore[arg-type]
                    else:
                        ws.write_string(r, c, text)
    wb.close()
    return out


def small_books(folder: Path, n: int = 100) -> Path:
    """``n`` copies of the three-council MKIP book, each its own partnership."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        dest = folder / f"book{i:03d}"
        shutil.copytree(MKIP, dest)
        s = (dest / "settings.csv").read_text()
        (dest / "settings.csv").write_text(
            s.replace("Mid Kent Improvement Partnership", f"Partnership {i:03d}"))
    return folder


if __name__ == "__main__":
    import sys

    book = large_book(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/large-book"))
    print(book)
    if "--xlsx" in sys.argv:
        print(as_workbook(book, book.with_suffix(".xlsx")))
