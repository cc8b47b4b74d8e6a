"""Build the committed corpus of bad books: ``tests/data/bad/``.

Each entry holds exactly one defect: a folder of CSV files with an ``expected.txt``, or a
single file with ``NAME.expected.txt`` beside it.  ``expected.txt`` holds the message the
tool must print (a substring of its output).  Regenerate with

    .venv/bin/pip install msoffcrypto-tool xlwt   # only to build the .xls and encrypted cases
    .venv/bin/python -m tests.data.make_bad_corpus

and review the diff: the expected messages are the contract.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
BAD = HERE / "bad"

Tables = dict[str, list[list[str]]]

BASE: Tables = {
    "settings": [["key", "value"], ["name", "Test Partnership"], ["accountable_body", "AAA"],
                 ["rotation", "AAA,BBB"], ["rotation_start", "2024-25"]],
    "parties": [["code", "name", "voting", "joined", "notice_given", "left"],
                ["AAA", "Alpha Council", "yes", "", "", ""],
                ["BBB", "Beta Council", "yes", "", "", ""],
                ["CCC", "County Council", "no", "", "", ""]],
    "populations": [["party", "year", "population", "source"],
                    ["AAA", "2025-26", "100000", "test"], ["BBB", "2025-26", "50000", "test"]],
    "years": [["year", "rate_pence", "opening_balance", "opening_commitments", "refund_share"],
              ["2025-26", "30", "0", "0", "50%"]],
    "ledger": [["date", "year", "kind", "amount", "description", "reference"],
               ["2025-05-01", "2025-26", "spend", "1000.00", "Advice", "R1"],
               ["2026-03-01", "2025-26", "commitment", "500.00", "Order", "R2"]],
    "services": [["service", "name", "year", "host", "gross_cost", "income", "basis"],
                 ["LEG", "Legal", "2025-26", "AAA", "10000.00", "0", "fixed"],
                 ["ICT", "ICT", "2025-26", "BBB", "20000.00", "1000", "blend"],
                 ["AUD", "Audit", "2025-26", "AAA", "5000.00", "0", "driver:days"]],
    "service_parties": [["service", "year", "party", "fixed_share", "standalone_cost", "joined"],
                        ["LEG", "2025-26", "AAA", "60%", "", ""],
                        ["LEG", "2025-26", "BBB", "40%", "", ""]],
    "service_blend": [["service", "year", "component", "weight"],
                      ["ICT", "2025-26", "equal", "50%"], ["ICT", "2025-26", "population", "50%"]],
    "drivers": [["year", "driver", "party", "value"], ["2025-26", "days", "AAA", "10"],
                ["2025-26", "days", "BBB", "5"]],
    "projects": [["project", "name", "service", "lead", "start_year", "optimism_bias",
                  "discount_rate"], ["P1", "System", "ICT", "AAA", "2025-26", "10%", ""]],
    "cashflows": [["project", "year_index", "kind", "amount"], ["P1", "0", "one_off_cost", "100"],
                  ["P1", "1", "saving", "80"]],
    "criteria": [["project", "criterion", "score", "weight"], ["P1", "a", "4", ""]],
    "savings": [["service", "year", "predicted", "actual"], ["LEG", "2025-26", "100", "90"]],
    "budget_monitor": [["year", "quarter", "line", "budget", "actual_to_date",
                        "forecast_outturn"], ["2025-26", "1", "Advice", "100", "10", "90"]],
    "performance": [["service", "year", "quarter", "indicator", "target", "actual",
                     "higher_is_better"], ["LEG", "2025-26", "1", "Files", "90", "95", "yes"]],
}


def _copy() -> Tables:
    return {k: [list(r) for r in v] for k, v in BASE.items()}


def _csv(rows: list[list[str]], delimiter: str = ",") -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def write_folder(dest: Path, tables: Tables, expected: str) -> None:
    dest.mkdir(parents=True)
    for name, rows in tables.items():
        (dest / f"{name}.csv").write_text(_csv(rows), encoding="utf-8")
    (dest / "expected.txt").write_text(expected + "\n", encoding="utf-8")


def xlsx_bytes(tables: Tables, tweak: Callable[[object], None] | None = None) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in tables.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
            for c in ws[ws.max_row]:
                c.data_type = "s"
    if tweak:
        tweak(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def cell(table: str, row: int, col: str, value: str) -> Callable[[Tables], None]:
    """Set ``table`` data row ``row`` (0-based) column ``col``."""

    def f(t: Tables) -> None:
        i = t[table][0].index(col)
        t[table][row + 1][i] = value

    return f


def add_row(table: str, row: list[str]) -> Callable[[Tables], None]:
    return lambda t: t[table].append(row)


def drop_table(table: str) -> Callable[[Tables], None]:
    return lambda t: t.pop(table) and None


def drop_column(table: str, col: str) -> Callable[[Tables], None]:
    def f(t: Tables) -> None:
        i = t[table][0].index(col)
        for r in t[table]:
            del r[i]

    return f


# (name, edit, expected message)
CSV_CASES: list[tuple[str, Callable[[Tables], None], str]] = [
    ("population-not-a-number", cell("populations", 0, "population", "lots"),
     "populations row 2, column population: 'lots' is not a whole number"),
    ("population-negative", cell("populations", 1, "population", "-5"),
     "populations row 3, column population: '-5' must be a population above zero"),
    ("population-zero", cell("populations", 1, "population", "0"),
     "populations row 3, column population: '0' must be a population above zero"),
    ("population-absurd", cell("populations", 0, "population", "1000000000000000"),
     "populations row 2, column population: '1000000000000000' is too large to be real"),
    ("population-fraction", cell("populations", 0, "population", "100.5"),
     "populations row 2, column population: '100.5' is not a whole number"),
    ("population-blank", cell("populations", 0, "population", ""),
     "populations row 2, column population: is blank"),
    ("party-name-blank", cell("parties", 0, "name", ""), "parties row 2, column name: is blank"),
    ("voting-not-yes-no", cell("parties", 1, "voting", "sometimes"),
     "parties row 3, column voting: 'sometimes' is not yes or no"),
    ("duplicate-party-code", cell("parties", 1, "code", "AAA"),
     "parties row 3, column code: party code 'AAA' is already used on row 2"),
    ("unknown-party-in-populations", cell("populations", 1, "party", "ZZZ"),
     "populations row 3, column party: 'ZZZ' is not a known party code"),
    ("duplicate-population", add_row("populations", ["AAA", "2025-26", "1", ""]),
     "populations row 4, column year: a second estimate for this party and year repeats row 2"),
    ("year-malformed", cell("years", 0, "year", "2025"),
     "years row 2, column year: '2025' is not a financial year like 2025-26"),
    ("year-wrong-pair", cell("ledger", 0, "year", "2025-27"),
     "ledger row 2, column year: '2025-27' is not a financial year like 2025-26"),
    ("duplicate-year", add_row("years", ["2025-26", "30", "", "", ""]),
     "years row 3, column year: this year repeats row 2"),
    ("rate-negative", cell("years", 0, "rate_pence", "-1"),
     "years row 2, column rate_pence: '-1' must not be negative"),
    ("rate-not-a-number", cell("years", 0, "rate_pence", "thirty"),
     "years row 2, column rate_pence: 'thirty' is not a number"),
    ("refund-share-over-100", cell("years", 0, "refund_share", "120%"),
     "years row 2, column refund_share: '120%' is not a percentage between 0% and 100%"),
    ("refund-share-negative", cell("years", 0, "refund_share", "-10%"),
     "years row 2, column refund_share: '-10%' is not a percentage between 0% and 100%"),
    ("ledger-kind-unknown", cell("ledger", 0, "kind", "grant"),
     "ledger row 2, column kind: 'grant' is not a ledger kind"),
    ("ledger-amount-text", cell("ledger", 0, "amount", "a lot"),
     "ledger row 2, column amount: 'a lot' is not an amount of money"),
    ("ledger-amount-three-decimals", cell("ledger", 0, "amount", "10.005"),
     "ledger row 2, column amount: '10.005' has more than two decimal places"),
    ("ledger-amount-absurd", cell("ledger", 0, "amount", "99999999999999"),
     "ledger row 2, column amount: '99999999999999' is too large to be a real amount"),
    ("date-impossible", cell("ledger", 0, "date", "30/02/2026"),
     "ledger row 2, column date: '30/02/2026' is not a real date"),
    ("date-not-a-date", cell("ledger", 0, "date", "next Tuesday"),
     "ledger row 2, column date: 'next Tuesday' is not a date"),
    ("date-outside-year", cell("ledger", 0, "date", "2024-05-01"),
     "ledger row 2, column date: 2024-05-01 is not in financial year 2025-26"),
    ("service-host-unknown", cell("services", 0, "host", "ZZZ"),
     "services row 2, column host: 'ZZZ' is not a known party code"),
    ("service-basis-unknown", cell("services", 0, "basis", "by headcount"),
     "services row 2, column basis: 'by headcount' is not a basis"),
    ("service-driver-unknown", cell("services", 2, "basis", "driver:cases"),
     "services row 4, column basis: driver 'cases' has no values in drivers for 2025-26"),
    ("fixed-shares-not-100", cell("service_parties", 1, "fixed_share", "39%"),
     "fixed shares for 'LEG' 2025-26 total 99.00%, not exactly 100%"),
    ("fixed-share-blank", cell("service_parties", 1, "fixed_share", ""),
     "service_parties row 3, column fixed_share: is blank, but 'LEG' is on the fixed basis"),
    ("blend-weights-not-100", cell("service_blend", 1, "weight", "40%"),
     "blend weights for 'ICT' 2025-26 total 90.00%, not exactly 100%"),
    ("service-party-unknown-service", cell("service_parties", 0, "service", "XYZ"),
     "service_parties row 2, column service: 'XYZ' has no row in services for 2025-26"),
    ("duplicate-service", add_row("services", ["LEG", "Legal", "2025-26", "AAA", "1", "0",
                                               "equal"]),
     "services row 5, column service: this service and year repeats row 2"),
    ("cashflow-kind-unknown", cell("cashflows", 0, "kind", "capex"),
     "cashflows row 2, column kind: 'capex' is not a cash-flow kind"),
    ("cashflow-negative", cell("cashflows", 0, "amount", "-100"),
     "cashflows row 2, column amount: '-100' must not be negative"),
    ("cashflow-year-index", cell("cashflows", 1, "year_index", "9"),
     "cashflows row 3, column year_index: '9' is not a year of the five-year profile (0 to 5)"),
    ("criterion-unknown", cell("criteria", 0, "criterion", "k"),
     "criteria row 2, column criterion: 'k' is not a §13.5 criterion (a to j)"),
    ("criterion-score-range", cell("criteria", 0, "score", "6"),
     "criteria row 2, column score: '6' is not a score from 0 to 5"),
    ("project-lead-unknown", cell("projects", 0, "lead", "ZZZ"),
     "projects row 2, column lead: 'ZZZ' is not a known party code"),
    ("quarter-out-of-range", cell("budget_monitor", 0, "quarter", "0"),
     "budget_monitor row 2, column quarter: '0' is not a quarter (1 to 4)"),
    ("optimism-bias-out-of-range", cell("projects", 0, "optimism_bias", "250%"),
     "projects row 2, column optimism_bias: '250%' is not a percentage between 0% and 100%"),
    ("notice-too-short", lambda t: t["parties"][2].__setitem__(
        slice(4, 6), ["2025-06-01", "2025-09-01"]),
     "parties row 3, column left: 2025-09-01 is less than six months after notice given"),
    ("accountable-body-unknown", cell("settings", 1, "value", "ZZZ"),
     "settings row 3, column value: accountable body 'ZZZ' is not a party code"),
    ("setting-name-missing", lambda t: t["settings"].pop(1) and None,
     "settings column value: setting 'name' is missing"),
    ("missing-table-years", drop_table("years"), "years: required table is missing"),
    ("missing-table-parties", drop_table("parties"), "parties: required table is missing"),
    ("missing-column-rate", drop_column("years", "rate_pence"),
     "years column rate_pence: required column is missing"),
    ("missing-column-kind", drop_column("ledger", "kind"),
     "ledger column kind: required column is missing"),
    ("no-population-for-year", lambda t: t["populations"].pop(2) and None,
     "no population estimate for BBB in or before 2025-26"),
    ("service-party-unknown-party", cell("service_parties", 1, "party", "ZZZ"),
     "service_parties row 3, column party: 'ZZZ' is not a known party code"),
    ("service-party-repeated", add_row("service_parties", ["LEG", "2025-26", "AAA", "10%", "",
                                                           ""]),
     "service_parties row 4, column party: this party in this service and year repeats row 2"),
]


def main() -> None:
    if BAD.exists():
        shutil.rmtree(BAD)
    BAD.mkdir(parents=True)
    for i, (name, edit, expected) in enumerate(CSV_CASES, 1):
        t = _copy()
        edit(t)
        write_folder(BAD / f"{i:02d}-{name}", t, expected)
    n = len(CSV_CASES)

    def single(name: str, data: bytes, expected: str) -> None:
        nonlocal n
        n += 1
        (BAD / f"{n:02d}-{name}").write_bytes(data)
        (BAD / f"{n:02d}-{name}.expected.txt").write_text(expected + "\n", encoding="utf-8")

    # semicolon-separated CSV
    t = _copy()
    n += 1
    d = BAD / f"{n:02d}-semicolon-csv"
    write_folder(d, t, "populations row 1: columns are separated by ';'")
    (d / "populations.csv").write_text(_csv(t["populations"], ";"), encoding="utf-8")
    # workbook cases
    import openpyxl

    empty = openpyxl.Workbook()
    buf = io.BytesIO()
    empty.save(buf)
    single("empty-workbook.xlsx", buf.getvalue(),
           "empty-workbook.xlsx: workbook is empty: no sheet has a header row")
    single("not-a-workbook.xlsx", b"Name,Population\nMaidstone,142800\n",
           "not-a-workbook.xlsx: is not an Excel .xlsx workbook")
    single("truncated-workbook.xlsx", xlsx_bytes(_copy())[:2000],
           "truncated-workbook.xlsx: is not an Excel .xlsx workbook")

    def formula(wb: object) -> None:
        ws = wb["populations"]  # type: ignore[index]
        ws["C2"] = "=1000*100"

    single("formula-without-value.xlsx", xlsx_bytes(_copy(), formula),
           "populations row 2, column population: holds the formula =1000*100 with no saved "
           "value")
    try:
        import xlwt  # type: ignore[import-untyped]

        wb = xlwt.Workbook()
        ws = wb.add_sheet("parties")
        ws.write(0, 0, "code")
        b2 = io.BytesIO()
        wb.save(b2)
        single("old-format.xls", b2.getvalue(),
               "old-format.xls: is an old .xls workbook or a password-protected one")
    except ImportError:
        print("xlwt missing: old .xls case not rebuilt")
    try:
        import msoffcrypto  # type: ignore[import-untyped]
        from msoffcrypto.format.ooxml import OOXMLFile  # type: ignore[import-untyped]

        plain = io.BytesIO(xlsx_bytes(_copy()))
        enc = io.BytesIO()
        OOXMLFile(plain).encrypt("secret", enc)
        single("password-protected.xlsx", enc.getvalue(),
               "password-protected.xlsx: is an old .xls workbook or a password-protected one")
        del msoffcrypto
    except ImportError:
        print("msoffcrypto-tool missing: password case not rebuilt")
    print(f"{n} bad books in {BAD}")


if __name__ == "__main__":
    main()
