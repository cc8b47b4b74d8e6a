"""CLI tests in the hledger style: a command, its input, the expected output and exit code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from finance.cli import app
from tests.conftest import MKIP, ROOT, BookCopy

GOLDEN = ROOT / "tests" / "golden" / "mkip-2025-26.json"
runner = CliRunner()


def mkip(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def test_run_json_on_the_bundled_book_gives_the_13_2_contributions():
    res = mkip("run", "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    c = out["contributions"]
    assert [(p["party"], p["amount"]) for p in c["parties"]] == [
        ("MBC", "42840.00"), ("SBC", "38550.00"), ("TWBC", "31380.00")]
    assert c["total"] == "112770.00"
    assert c["rate_pence"] == "30"
    assert c["parties"][0]["weight"] == 0.379888
    assert out["year"] == "2025-26"
    assert all(ch["ok"] for ch in out["checks"])


def _strip_volatile(d: dict) -> dict:  # type: ignore[type-arg]
    d = dict(d)
    d.pop("input_sha256", None)
    d.pop("software_version", None)
    return d


def test_golden_json_for_the_bundled_book():
    """The whole result for data/mkip; regenerate with UPDATE_GOLDEN=1 after a reviewed change."""
    res = mkip("run", "--json")
    assert res.exit_code == 0
    got = json.loads(res.stdout)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(got, indent=2) + "\n")
    assert _strip_volatile(got) == _strip_volatile(json.loads(GOLDEN.read_text()))


def test_money_in_json_is_always_a_two_decimal_string():
    out = json.loads(mkip("run", "--json").stdout)

    def walk(x, key=""):  # type: ignore[no-untyped-def]
        if isinstance(x, dict):
            for k, v in x.items():
                walk(v, k)
        elif isinstance(x, list):
            for v in x:
                walk(v, key)
        elif key in {"amount", "total", "share", "net_cost", "refund", "carry_over", "spend",
                     "contribution", "npv", "pv_costs", "pv_benefits", "supplementary"}:
            assert isinstance(x, str) and x.replace("-", "").replace(".", "").isdigit()
            assert x.split(".")[1].__len__() == 2

    walk(out)


def test_run_writes_json_named_after_partnership_and_year(tmp_path):
    res = mkip("run", str(MKIP), "--out", str(tmp_path), "--no-report")
    assert res.exit_code == 0, res.output
    assert (tmp_path / "mid-kent-improvement-partnership-2025-26.json").exists()
    assert "£112,770.00" in res.stdout
    assert not list(tmp_path.glob(".mkip-tmp-*"))


def test_unknown_year_is_bad_input(tmp_path):
    res = mkip("run", str(MKIP), "--year", "2030-31", "--out", str(tmp_path))
    assert res.exit_code == 2
    assert "2030-31 is not in the years table" in res.stderr
    assert not list(tmp_path.iterdir())


def test_validate_good_book_lists_the_years_warnings_too():
    """The bundled book has no error; its year's three stale-population warnings are
    listed, as `mkip run` prints them."""
    res = mkip("validate", str(MKIP))
    assert res.exit_code == 0
    assert res.stdout.splitlines()[-1] == f"{MKIP}: no errors found; 3 warning(s) above."
    assert ("populations row 2, column year: MBC: the latest estimate is for 2008-09, "
            "older than 2025-26 (warning)") in res.stdout


def test_validate_reads_the_history(tmp_path, book_copy: BookCopy):
    """With the year before closed, a given opening that differs is warned about, as
    `mkip run --db` warns."""
    db = f"sqlite:///{tmp_path / 'h.db'}"
    assert mkip("close", str(MKIP), "--year", "2024-25", "--approved-by", "A", "--minute",
                "MKIP/25/07", "--meeting-date", "2025-06-12", "--db", db).exit_code == 0
    book_copy.set("years", [r["year"] for r in book_copy.rows("years")].index("2025-26"),
                  "opening_balance", "100.00")
    res = mkip("validate", str(book_copy.path), "--db", db)
    assert res.exit_code == 0, res.output
    assert ("column opening_balance: £100.00 differs from the £0.00 carried over from "
            "2024-25 (closed version 1, approved by A) (warning)") in res.stdout, res.stdout


def test_python_dash_m_finance_is_the_same_command(tmp_path):
    p = subprocess.run([sys.executable, "-m", "finance", "run", "--json"], capture_output=True,
                       text=True, cwd=tmp_path, timeout=120)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["contributions"]["total"] == "112770.00"


def test_input_is_never_modified(tmp_path, book_copy: BookCopy):
    before = {f.name: f.read_bytes() for f in book_copy.path.iterdir()}
    assert mkip("run", str(book_copy.path), "--out", str(tmp_path / "o")).exit_code == 0
    assert {f.name: f.read_bytes() for f in book_copy.path.iterdir()} == before


# -- bad input: every kind gives exit 2, a located message, and nothing written ---------

Edit = Callable[[BookCopy], object]


def _drop(table: str, i: int) -> Edit:
    return lambda b: b.edit(table, lambda rows: rows.pop(i))


def _append(table: str, row: dict[str, str]) -> Edit:
    return lambda b: b.edit(table, lambda rows: rows.append(row))


BAD: list[tuple[str, Edit, str]] = [
    ("population not a number", lambda b: b.set("populations", 2, "population", "abc"),
     "populations row 4, column population: 'abc' is not a whole number"),
    ("population zero", lambda b: b.set("populations", 0, "population", "0"),
     "populations row 2, column population: '0' must be a population above zero"),
    ("unknown party in populations", lambda b: b.set("populations", 1, "party", "XBC"),
     "populations row 3, column party: 'XBC' is not a known party code"),
    ("duplicate party code", lambda b: b.set("parties", 1, "code", "MBC"),
     "parties row 3, column code: party code 'MBC' is already used on row 2"),
    ("voting not yes/no", lambda b: b.set("parties", 0, "voting", "maybe"),
     "parties row 2, column voting: 'maybe' is not yes or no"),
    ("fixed shares not 100%", lambda b: b.set("service_parties", 6, "fixed_share", "34%"),
     "fixed shares for 'LEGAL' 2025-26 total 99.00%, not exactly 100%"),
    ("blend weights not 100%", lambda b: b.set("service_blend", 0, "weight", "45%"),
     "blend weights for 'ICT' 2025-26 total 105.00%, not exactly 100%"),
    ("unknown driver", lambda b: b.set("services", 0, "basis", "driver:cases"),
     "services row 2, column basis: driver 'cases' has no values in drivers for 2025-26"),
    ("leaving less than six months after notice",
     lambda b: b.edit("parties", lambda rows: rows[2].update(notice_given="2025-06-01",
                                                             left="2025-10-01")),
     "parties row 4, column left: 2025-10-01 is less than six months after notice given"),
    ("year written wrongly", lambda b: b.set("years", 0, "year", "2025/26"),
     "years row 2, column year: '2025/26' is not a financial year like 2025-26"),
    ("year with wrong second half", lambda b: b.set("ledger", 0, "year", "2025-27"),
     "ledger row 2, column year: '2025-27' is not a financial year like 2025-26"),
    ("ledger kind unknown", lambda b: b.set("ledger", 1, "kind", "refund"),
     "ledger row 3, column kind: 'refund' is not a ledger kind"),
    ("amount with three decimals", lambda b: b.set("ledger", 1, "amount", "12.345"),
     "ledger row 3, column amount: '12.345' has more than two decimal places"),
    ("basis unknown", lambda b: b.set("services", 5, "basis", "headcount"),
     "services row 7, column basis: 'headcount' is not a basis"),
    ("host unknown", lambda b: b.set("services", 1, "host", "ABC"),
     "services row 3, column host: 'ABC' is not a known party code"),
    ("required table missing", lambda b: b.remove("years"),
     "years: required table is missing"),
    ("required column missing",
     lambda b: b.write("populations", [{"party": "MBC", "year": "2025-26"}]),
     "populations column population: required column is missing"),
    ("blank required cell", lambda b: b.set("parties", 0, "name", ""),
     "parties row 2, column name: is blank"),
    ("refund share over 100%", lambda b: b.set("years", 0, "refund_share", "150%"),
     "years row 2, column refund_share: '150%' is not a percentage between 0% and 100%"),
    ("impossible date", lambda b: b.set("ledger", 0, "date", "31/02/2026"),
     "ledger row 2, column date: '31/02/2026' is not a real date"),
    ("date outside its financial year", lambda b: b.set("ledger", 0, "date", "2027-01-01"),
     "ledger row 2, column date: 2027-01-01 is not in financial year 2025-26"),
    ("duplicate service row", _append("services", {
        "service": "HR", "name": "x", "year": "2025-26", "host": "MBC", "gross_cost": "1",
        "income": "0", "basis": "equal"}),
     "services row 14, column service: this service and year repeats row 5"),
    ("cash flow year out of range", lambda b: b.set("cashflows", 0, "year_index", "6"),
     "cashflows row 2, column year_index: '6' is not a year of the five-year profile"),
    ("criterion score out of range", lambda b: b.set("criteria", 0, "score", "7"),
     "criteria row 2, column score: '7' is not a score from 0 to 5"),
    ("unknown project in cashflows", lambda b: b.set("cashflows", 0, "project", "NOPE"),
     "cashflows row 2, column project: 'NOPE' is not a known project"),
    ("accountable body not a party", lambda b: b.set("settings", 1, "value", "XYZ"),
     "settings row 3, column value: accountable body 'XYZ' is not a party code"),
    ("no population for the year", _drop("populations", 2),
     "populations column party: no population estimate for TWBC in or before 2025-26"),
    ("quarter out of range", lambda b: b.set("budget_monitor", 0, "quarter", "5"),
     "budget_monitor row 2, column quarter: '5' is not a quarter (1 to 4)"),
]


@pytest.mark.parametrize(("edit", "message"), [(e, m) for _, e, m in BAD],
                         ids=[n for n, _, _ in BAD])
def test_bad_input_exit_2_with_located_message_and_nothing_written(
    edit: Edit, message: str, book_copy: BookCopy, tmp_path: Path
):
    edit(book_copy)
    out = tmp_path / "out"
    res = mkip("run", str(book_copy.path), "--out", str(out))
    assert res.exit_code == 2, res.output
    assert message in res.stderr, res.stderr
    assert "Traceback" not in res.output
    assert not out.exists() or not any(out.iterdir())
    v = mkip("validate", str(book_copy.path))
    assert v.exit_code == 2
    assert message in v.stdout


def test_every_problem_is_reported_not_just_the_first(book_copy: BookCopy):
    book_copy.set("populations", 0, "population", "abc")
    book_copy.set("ledger", 1, "kind", "refund")
    book_copy.set("parties", 1, "voting", "perhaps")
    res = mkip("validate", str(book_copy.path))
    assert res.exit_code == 2
    assert "3 problem(s)" in res.stdout


def test_unknown_extra_column_is_a_warning_not_an_error(book_copy: BookCopy):
    book_copy.edit("parties", lambda rows: [r.update(colour="blue") for r in rows])
    rows = book_copy.rows("parties")
    book_copy.write("parties", rows, [*rows[0].keys(), "colour"])
    res = mkip("validate", str(book_copy.path))
    assert res.exit_code == 0
    assert "parties column colour: column is not used by this tool and was ignored" in res.stdout


def test_missing_book_path_is_bad_input(tmp_path):
    res = mkip("run", str(tmp_path / "nope"))
    assert res.exit_code == 2


def test_names_match_case_insensitively_with_spaces(book_copy: BookCopy):
    (book_copy.path / "years.csv").rename(book_copy.path / " YEARS .csv")
    text = (book_copy.path / "parties.csv").read_text()
    (book_copy.path / "parties.csv").write_text(text.replace("code,name", " Code , NAME"))
    res = mkip("run", str(book_copy.path), "--json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["contributions"]["total"] == "112770.00"
