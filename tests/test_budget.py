"""The year ahead (finance/core/budget.py): worked examples of each rule, the per-council
figures adding to the totals for any book, the bundled example end to end (JSON,
workbook recalculated by LibreOffice, PDFs), and the command line."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from typer.testing import CliRunner

from finance.book import load_book, require_book
from finance.budget_run import check_budget, default_budget_year, make_budget
from finance.cli import app
from finance.core.budget import (
    Budget,
    YearBefore,
    budget,
    grown,
    round_half_up_to_step,
    round_up_to_step,
)
from finance.core.budgetjson import budget_json
from finance.core.model import (
    Assumption,
    Book,
    BudgetItem,
    CentralLine,
    Party,
    Population,
    Service,
    ServiceParty,
    Settings,
    ShareInForce,
    YearRow,
)
from tests.conftest import IN_CI, MKIP, BookCopy
from tests.test_history import db_url  # noqa: F401  (the fixture, on both databases)

runner = CliRunner()


def _book(**kw: Any) -> Book:
    """Three councils of 1,000, 2,000 and 3,000 people at 30p, one year before B
    (2025-26), and what ``kw`` adds or replaces."""
    base: dict[str, Any] = {
        "settings": Settings("P", "A"),
        "parties": (Party("A", "Alpha", True), Party("B", "Beta", True),
                    Party("C", "Gamma", True)),
        "populations": (Population("A", "2025-26", 1000, "estimate"),
                        Population("B", "2025-26", 2000, "estimate"),
                        Population("C", "2025-26", 3000, "estimate")),
        "years": (YearRow("2025-26", Decimal(30)),),
    }
    base.update(kw)
    return Book(**base)


def _before(**kw: Any) -> YearBefore:
    base: dict[str, Any] = {"year": "2025-26", "source": "the book",
                            "rate_pence": Fraction(30), "carry_over": 0, "central": 0,
                            "services": (), "totals": ()}
    base.update(kw)
    return YearBefore(**base)


def _lines(year: str, *amounts: int) -> tuple[CentralLine, ...]:
    return tuple(CentralLine(year, f"line {i}", a) for i, a in enumerate(amounts))


# -- the rate ---------------------------------------------------------------------------


def test_the_rate_needed_on_a_step_is_kept() -> None:
    """£1,800.00 over 6,000 people is exactly 30p a head."""
    bg = budget(_book(budget_lines=_lines("2026-27", 180_000)), "2026-27", _before(), 1)
    y = bg.first
    assert y.paying_population == 6000
    assert y.rate_needed == Fraction(30)
    assert y.rate == 30 and y.surplus == 0


def test_the_rate_needed_just_past_a_step_is_rounded_up() -> None:
    """£1,800.01 needs 30.0001666...p: rounded up to 30.01p (a hundredth of a penny),
    or to 31p with a whole-penny step; never down."""
    b = _book(budget_lines=_lines("2026-27", 180_001))
    assert budget(b, "2026-27", _before(), 1).first.rate_needed == Fraction("30.01")
    whole = replace(b, settings=Settings("P", "A", rate_step=Decimal(1)))
    assert budget(whole, "2026-27", _before(), 1).first.rate_needed == 31


def test_use_of_balances_lowers_the_rate_needed_and_the_rate_set_is_shown_beside_it() -> None:
    """£2,400.00 less £600.00 of balances over 6,000 people: 30p needed; the board set
    32p, which raises £1,920.00: a surplus of £120.00 against the £1,800.00 to raise."""
    b = _book(budget_lines=_lines("2026-27", 240_000),
              years=(YearRow("2025-26", Decimal(30)),
                     YearRow("2026-27", Decimal(32), use_of_balances=60_000)))
    y = budget(b, "2026-27", _before(), 1).first
    assert (y.rate_needed, y.rate_set, y.rate) == (30, 32, 32)
    assert y.contributions_total == 192_000
    assert y.surplus == 12_000


def test_rate_uplift_from_the_year_after_rounds_half_up_to_the_step() -> None:
    """30p grown by 2.5% is 30.75p; again 31.51875p, rounded half up to 31.52p."""
    b = _book(assumptions=(Assumption("2027-28", "rate_uplift", Decimal("0.025")),))
    rates = [y.rate for y in budget(b, "2026-27", _before(), 3).years]
    assert rates == [30, Fraction("30.75"), Fraction("31.52")]
    assert round_half_up_to_step(Fraction("31.51875"), Fraction("0.01")) == Fraction("31.52")
    assert round_up_to_step(Fraction("31.51001"), Fraction("0.01")) == Fraction("31.52")


# -- who pays ---------------------------------------------------------------------------


def test_a_joiner_from_1_september_pays_seven_months() -> None:
    """D joins on 1 September 2026 with 1,200 people: 30p x 1,200 x 7/12 = £210.00 in
    2026-27, and a full year, £360.00, in 2027-28; its population counts 7/12."""
    b = _book(parties=(*_book().parties, Party("D", "Delta", True, date(2026, 9, 1))),
              populations=(*_book().populations, Population("D", "2026-27", 1200)))
    y1, y2 = budget(b, "2026-27", _before(), 2).years
    d1 = next(x for x in y1.contributions.lines if x.party == "D")
    d2 = next(x for x in y2.contributions.lines if x.party == "D")
    assert (d1.months, d1.amount, d2.months, d2.amount) == (7, 21_000, 12, 36_000)
    assert y1.paying_population == 6000 + 700


def test_a_leaver_before_1_april_pays_nothing_and_leaves_its_services() -> None:
    """C gave notice on 1 September 2025 and left on 31 March 2026: it pays nothing in
    2026-27 and its share of the equal service passes to A and B."""
    parties = (Party("A", "Alpha", True), Party("B", "Beta", True),
               Party("C", "Gamma", True, None, date(2025, 9, 1), date(2026, 3, 31)))
    svc = Service("S", "Service", "2025-26", "A", 90_000, 0, "equal")
    sps = tuple(ServiceParty("S", "2025-26", p) for p in "ABC")
    b = _book(parties=parties, services=(svc,), service_parties=sps)
    y = budget(b, "2026-27", _before(services=(("S", "Service", 90_000),)), 1).first
    assert [x.party for x in y.contributions.lines] == ["A", "B"]
    assert y.services[0].shares == (("A", 45_000), ("B", 45_000))
    assert [c.party for c in y.councils] == ["A", "B"]


# -- services ---------------------------------------------------------------------------


def _service_book(**kw: Any) -> Book:
    svc = Service("S", "Service", "2025-26", "A", 100_000, 0, "population")
    sps = tuple(ServiceParty("S", "2025-26", p) for p in "ABC")
    return _book(**{"services": (svc,), "service_parties": sps, **kw})


def test_approved_items_build_the_net_budget_and_inflation_only_without_items() -> None:
    """Base £1,000.00 + pay award £30.00 - saving £50.00 = £980.00 in 2026-27; 2027-28
    has no items: £980.00 grown by 2% = £999.60."""
    items = (BudgetItem("S", "2026-27", "Pay", "pay_award", 3_000),
             BudgetItem("S", "2026-27", "Cut", "saving", -5_000))
    b = _service_book(service_budget=items,
                      assumptions=(Assumption("2026-27", "inflation", Decimal("0.02")),))
    y1, y2 = budget(b, "2026-27", _before(services=(("S", "Service", 100_000),)), 2).years
    s1, s2 = y1.services[0], y2.services[0]
    assert (s1.base, s1.net, s1.inflation) == (100_000, 98_000, None)
    assert (s2.base, s2.net, s2.inflation) == (98_000, 99_960, Decimal("0.02"))
    assert dict(s1.shares) == {"A": 16_333, "B": 32_667, "C": 49_000}  # 1:2:3, LR


def test_a_service_under_its_tolerance_keeps_its_split() -> None:
    """Shares in force 20/30/50; computed 1/6, 1/3, 1/2 moves at most 3.33 points, within
    a 5-point tolerance: the budget is split 20/30/50."""
    svc = Service("S", "Service", "2025-26", "A", 100_000, 0, "population", Decimal("0.05"))
    b = _service_book(services=(svc,), shares_in_force=(
        ShareInForce("S", "A", Decimal("0.2")), ShareInForce("S", "B", Decimal("0.3")),
        ShareInForce("S", "C", Decimal("0.5"))))
    s = budget(b, "2026-27", _before(services=(("S", "Service", 100_000),)), 1).first.services[0]
    assert s.rebased is False
    assert s.shares == (("A", 20_000), ("B", 30_000), ("C", 50_000))


def test_a_proposal_is_shown_with_its_effect_and_in_no_total() -> None:
    items = (BudgetItem("S", "2026-27", "Officer", "growth", 60_000, approved=False),)
    b = _service_book(service_budget=items)
    bg = budget(b, "2026-27", _before(services=(("S", "Service", 100_000),)), 1)
    assert bg.first.services[0].net == 100_000
    assert sum(c.total for c in bg.first.councils) == bg.first.total
    [p] = bg.proposals
    assert p.effect == (("A", 10_000), ("B", 20_000), ("C", 30_000))


def test_whole_pound_budgets_split_in_pounds_with_the_tie_to_the_first_codes() -> None:
    """£1,000.50 rounds to £1,001 (half away from zero); split equally in whole pounds:
    333.67 each, the two spare pounds to A and B (remainders tie: code order)."""
    svc = Service("S", "Service", "2025-26", "A", 100_050, 0, "equal")
    b = _book(settings=Settings("P", "A", budget_rounding="pound"), services=(svc,),
              service_parties=tuple(ServiceParty("S", "2025-26", p) for p in "ABC"),
              service_budget=(BudgetItem("S", "2026-27", "None", "other", 0),))
    s = budget(b, "2026-27", _before(services=(("S", "Service", 100_050),)), 1).first.services[0]
    assert s.net == 100_100
    assert s.shares == (("A", 33_400), ("B", 33_400), ("C", 33_300))


def test_the_fund_going_negative_in_year_3_is_warned_about() -> None:
    """Opening £100.00; contributions £1,800.00 a year; central £1,800.00, £1,850.00,
    £1,900.00: the fund closes at £100.00, £50.00, then -£50.00 in 2028-29."""
    lines = (*_lines("2026-27", 180_000), *_lines("2027-28", 185_000),
             *_lines("2028-29", 190_000))
    bg = budget(_book(budget_lines=lines), "2026-27", _before(carry_over=10_000), 3)
    assert [y.fund_closing for y in bg.years] == [10_000, 5_000, -5_000]
    assert [y.fund_opening for y in bg.years] == [10_000, 10_000, 5_000]
    warned = [w.message for w in bg.warnings if w.table == "budget"]
    assert warned == ["2028-29: the central fund would close at -£50.00, below zero"]


def test_a_year_without_lines_grows_the_central_budget_by_inflation() -> None:
    b = _book(assumptions=(Assumption("2026-27", "inflation", Decimal("0.025")),))
    y = budget(b, "2026-27", _before(central=92_400_00), 1).first
    assert (y.central, y.central_source) == (grown(92_400_00, Decimal("0.025")), "grown")
    assert y.central == 94_710_00


def test_population_growth_applies_from_the_year_after_the_budget() -> None:
    """The budget year uses the latest estimate (§13.2); 2027-28 grows it by 1%, a
    projection given for 2028-29 is used as it is."""
    b = _book(assumptions=(Assumption("2026-27", "population_growth", Decimal("0.01")),),
              populations=(*_book().populations,
                           Population("A", "2028-29", 1100, "ONS projection")))
    years = budget(b, "2026-27", _before(), 3).years
    a = [next(x for x in y.contributions.lines if x.party == "A").population for y in years]
    assert a == [1000, 1010, 1100]


# -- any book ---------------------------------------------------------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(nets=st.lists(st.integers(-10**9, 10**9), min_size=1, max_size=4),
       items=st.lists(st.integers(-10**7, 10**7), max_size=4),
       pops=st.lists(st.integers(1, 500_000), min_size=3, max_size=3),
       central=st.integers(0, 10**8), years=st.integers(1, 4),
       pound=st.booleans(), bases=st.lists(st.sampled_from(["equal", "population"]),
                                           min_size=4, max_size=4))
def test_council_figures_add_to_the_totals_exactly(nets: list[int], items: list[int],
                                                   pops: list[int], central: int,
                                                   years: int, pound: bool,
                                                   bases: list[str]) -> None:
    services = tuple(Service(f"S{i}", f"Service {i}", "2025-26", "A", n, 0, bases[i])
                     for i, n in enumerate(nets))
    its = tuple(BudgetItem(f"S{i % len(nets)}", "2026-27", f"item {i}", "other", a)
                for i, a in enumerate(items))
    b = _book(settings=Settings("P", "A", budget_rounding="pound" if pound else "penny"),
              populations=tuple(Population(c, "2025-26", n) for c, n in zip("ABC", pops,
                                                                            strict=True)),
              services=services, service_budget=its, budget_lines=_lines("2026-27", central))
    bg = budget(b, "2026-27", _before(services=tuple((s.service, s.name, s.net_cost)
                                                     for s in services)), years)
    for y in bg.years:
        assert sum(c.contribution for c in y.councils) == y.contributions_total
        assert sum(c.total for c in y.councils) == y.total
        for s in y.services:
            assert sum(v for _, v in s.shares) == s.net
            if pound:
                assert s.net % 100 == 0 and all(v % 100 == 0 for _, v in s.shares)
        assert y.fund_closing == y.fund_opening + y.contributions_total - y.central


# -- the bundled example ----------------------------------------------------------------


@pytest.fixture(scope="module")
def mkip_budget() -> Budget:
    book = require_book(MKIP)
    bg, problems = make_budget(book, None, 5)
    assert bg is not None, problems
    return bg


def test_the_bundled_budget_by_hand(mkip_budget: Budget) -> None:
    """2026-27: four lines, £94,300.00, over 375,900 people need 25.09p (25.0864...
    rounded up); the rate in force, 30p, raises £112,770.00: £18,470.00 over.  Mid Kent
    ICT: £2,385,000.00 + £38,500.00 pay award + £42,000.00 growth = £2,465,500.00;
    Planning Support has no approved item: £905,000.00 grown by 2.5% = £927,625.00."""
    y = mkip_budget.first
    assert (y.year, y.central, y.paying_population) == ("2026-27", 94_300_00, 375_900)
    assert y.rate_needed == Fraction("25.09") and y.rate == 30
    assert (y.contributions_total, y.surplus) == (112_770_00, 18_470_00)
    svc = {s.service: s for s in y.services}
    assert svc["ICT"].net == 2_465_500_00
    assert svc["PLANNING"].net == 927_625_00 and svc["PLANNING"].inflation == Decimal("0.025")
    assert svc["REVBEN"].net == 1_764_000_00
    assert y.fund_opening == mkip_budget.before.carry_over == 20_709_75
    [p] = mkip_budget.proposals
    assert p.item.item == "Enforcement officer" and sum(v for _, v in p.effect) == 48_000_00


def test_the_json_agrees_with_the_budget(mkip_budget: Budget) -> None:
    data = budget_json(mkip_budget)
    y = data["years"][0]
    assert y["rate_needed_pence"] == "25.09" and y["rate_pence"] == "30"
    assert y["contributions_total"] == "112770.00"
    for c in y["councils"]:
        parts = Decimal(c["contribution"]) + sum(Decimal(v) for v in c["services"].values())
        assert parts == Decimal(c["total"])
    assert sum(Decimal(c["total"]) for c in y["councils"]) == Decimal(y["total"])
    assert [x["year"] for x in data["years"]] == ["2026-27", "2027-28", "2028-29", "2029-30",
                                                 "2030-31"]


def test_default_year_and_what_stops_a_budget() -> None:
    book = require_book(MKIP)
    assert default_budget_year(book) == "2026-27"
    assert check_budget(book, "2026-27", 5) == ("2026-27", [])
    _, problems = check_budget(book, "2025-26", 5)
    assert [p.message for p in problems] == [
        "2025-26 is not a year ahead: the ledger has lines for 2025-26, so a budget is for "
        "2026-27 or later"]
    for n in (0, 11):
        _, problems = check_budget(book, None, n)
        assert [p.message for p in problems] == [f"a forecast runs 1 to 10 years, not {n}"]
    _, problems = check_budget(book, "2028-29", 5)
    assert [str(p) for p in problems] == [
        "years column year: the budget for 2028-29 starts from 2027-28, which has no row in "
        "years"]


def test_bad_budget_rows_are_located(book_copy: BookCopy) -> None:
    book_copy.write("service_budget", [
        {"service": "ICT", "year": "2026-27", "item": "Cut", "kind": "saving",
         "amount": "5000", "description": "", "approved": ""},
        {"service": "NOPE", "year": "2026-27", "item": "X", "kind": "growth",
         "amount": "1", "description": "", "approved": ""}])
    book_copy.write("assumptions", [{"year": "2026-27", "key": "inflation", "value": "60%"}])
    _, problems = load_book(book_copy.path)
    errors = [str(p) for p in problems if p.is_error]
    assert errors == [
        "service_budget row 2, column amount: a saving lowers the net cost: enter it as a "
        "negative amount (-£5,000.00)",
        "service_budget row 3, column service: 'NOPE' is not a known service",
        "assumptions row 2, column value: '60%' is outside -50% to +50%"]


# -- the command line -------------------------------------------------------------------


def test_mkip_budget_writes_json_workbook_and_a_pdf_per_council(tmp_path: Path) -> None:
    res = runner.invoke(app, ["budget", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    stem = "mid-kent-improvement-partnership-2026-27-budget"
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [f"{stem}-MBC.pdf", f"{stem}-SBC.pdf", f"{stem}-TWBC.pdf",
                     f"{stem}.json", f"{stem}.xlsx"]
    assert "rate needed 25.09p, rate 30p: surplus £18,470.00" in res.stdout
    assert "due on 1 April 2026: £112,770.00" in res.stdout
    printed = runner.invoke(app, ["budget", "--json"])
    assert printed.exit_code == 0
    assert json.loads(printed.stdout) == json.loads((tmp_path / f"{stem}.json").read_text())


@pytest.mark.parametrize(("args", "message"), [
    (["--years", "0"], "a forecast runs 1 to 10 years, not 0"),
    (["--years", "11"], "a forecast runs 1 to 10 years, not 11"),
    (["--year", "2025-26"], "2025-26 is not a year ahead"),
])
def test_mkip_budget_refuses_with_exit_2_and_writes_nothing(args: list[str], message: str,
                                                             tmp_path: Path) -> None:
    res = runner.invoke(app, ["budget", *args, "--out", str(tmp_path / "out")])
    assert res.exit_code == 2
    assert message in res.stderr
    assert not (tmp_path / "out").exists()


def test_mkip_budget_starts_from_the_year_as_closed(db_url: str) -> None:  # noqa: F811
    """With 2025-26 closed in the history (SQLite and PostgreSQL), the budget starts
    from it as closed."""
    db = db_url
    assert runner.invoke(app, ["db", "upgrade", "--db", db]).exit_code == 0
    for y, minute, day in (("2024-25", "MKIP/2025/07", "2025-06-12"),
                           ("2025-26", "MKIP/2026/14", "2026-03-12")):
        res = runner.invoke(app, ["close", "--year", y, "--approved-by", "Cllr J Smith",
                                  "--minute", minute, "--meeting-date", day, "--db", db])
        assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["budget", "--json", "--db", db])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["year_before"]["source"] == "closed version 1, approved by Cllr J Smith"
    assert data["year_before"]["carry_over"] == "20709.75"
    assert data["years"][0]["fund"]["opening"] == "20709.75"


# -- what a person reads ----------------------------------------------------------------


def _poppler() -> str:
    exe = shutil.which("pdftotext")
    if exe is None:
        if IN_CI:
            pytest.fail("poppler-utils (pdftotext) is required in CI")
        pytest.skip("poppler-utils (pdftotext) is not installed")
    return exe


def _money(text: str) -> int:
    neg = text.startswith("(")
    pence = int(text.strip("()").replace(",", "").replace(".", ""))
    return -pence if neg else pence


def test_each_pdf_carries_its_councils_figures_and_adds_up(mkip_budget: Budget,
                                                            tmp_path: Path) -> None:
    from finance.budget_pdf import budget_pdfs

    exe = _poppler()
    for code, data in budget_pdfs(mkip_budget).items():
        pdf = tmp_path / f"{code}.pdf"
        pdf.write_bytes(data)
        text = subprocess.run([exe, "-layout", str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout
        c = next(x for x in mkip_budget.first.councils if x.party == code)
        lines = {ln.split("  ")[0].strip(): ln.split()[-1] for ln in text.splitlines()
                 if ln.strip() and "  " in ln.strip()}
        assert f"Payment reference MKIP-2026-27-{code}" in text
        assert _money(lines["Contribution due"]) == c.contribution
        assert _money(lines["Shared services"]) == sum(v for _, v in c.services)
        assert _money(lines["Total 2026-27"]) == c.total == (
            _money(lines["Contribution due"]) + _money(lines["Shared services"]))
        shares = [_money(ln.split()[-1]) for ln in text.splitlines()
                  if ln.strip().startswith(tuple(s.name for s in mkip_budget.first.services))]
        assert sum(shares) == sum(v for _, v in c.services)


@pytest.mark.libreoffice
def test_the_workbook_recalculated_by_libreoffice_equals_its_values(mkip_budget: Budget,
                                                                   tmp_path: Path) -> None:
    """Every formula, worked out again by LibreOffice, equals the value stored with it
    and the JSON to the penny; the workbook also opens with LibreOffice's defaults."""
    from finance.budget_book import budget_workbook
    from tests.test_report import XCU, _soffice

    exe = _soffice()
    src = tmp_path / "budget.xlsx"
    src.write_bytes(budget_workbook(mkip_budget))
    profile = tmp_path / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(XCU, encoding="utf-8")
    out = tmp_path / "out"
    subprocess.run([exe, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--norestore", "--convert-to", "xlsx", "--outdir", str(out), str(src)],
                   capture_output=True, timeout=240, check=False)
    original = openpyxl.load_workbook(src)
    cached = openpyxl.load_workbook(src, data_only=True)
    again = openpyxl.load_workbook(out / "budget.xlsx", data_only=True)
    formulas = [(ws.title, c.coordinate) for ws in original.worksheets
                for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert len(formulas) > 60
    for sheet, cell in formulas:
        v0, v1 = cached[sheet][cell].value, again[sheet][cell].value
        if isinstance(v0, int | float):
            assert isinstance(v1, int | float), (sheet, cell, v1)
            assert round(v0 * 100) == round(v1 * 100), (sheet, cell, v0, v1)
    totals = [round(c.value * 100) for c in again["Budget"]["E"]
              if isinstance(c.value, int | float)]
    assert mkip_budget.first.total in totals  # the councils' total, worked out again
    fresh = tmp_path / "fresh"
    pdf = subprocess.run([exe, f"-env:UserInstallation={(tmp_path / 'p2').as_uri()}",
                          "--headless", "--norestore", "--convert-to", "pdf", "--outdir",
                          str(fresh), str(src)], capture_output=True, timeout=240, check=False)
    assert pdf.returncode == 0 and (fresh / "budget.pdf").is_file(), pdf.stderr


def test_mkip_compare_budget_puts_each_scenario_beside_the_book(tmp_path: Path) -> None:
    """The bundled scenario file on the 2026-27 budget: at 35p (the rate in force, from
    2025-26) Maidstone's contribution is 142,800 x 35p = £49,980.00, £7,140.00 more; Swale
    leaving on 30 September 2025 budgets nothing for 2026-27."""
    scenarios = MKIP.parent / "scenarios" / "mkip-2025-26.toml"
    res = runner.invoke(app, ["compare", "--budget", "--scenarios", str(scenarios), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    by_name = {s["name"]: s for s in data["scenarios"]}
    rate = by_name["35p per head"]
    mbc = next(c for c in rate["budget"]["years"][0]["councils"] if c["party"] == "MBC")
    assert mbc["contribution"] == "49980.00"
    change = next(c for c in rate["councils"] if c["party"] == "MBC")
    assert change["change"] == "7140.00"
    leaves = next(c for c in by_name["Swale leaves on 30 September"]["councils"]
                  if c["party"] == "SBC")
    assert leaves["scenario"] == "0.00"
    written = runner.invoke(app, ["compare", "--budget", "--scenarios", str(scenarios),
                                  "--out", str(tmp_path)])
    assert written.exit_code == 0, written.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "mid-kent-improvement-partnership-2026-27-budget-scenarios.json",
        "mid-kent-improvement-partnership-2026-27-budget-scenarios.xlsx"]
    wb = openpyxl.load_workbook(
        tmp_path / "mid-kent-improvement-partnership-2026-27-budget-scenarios.xlsx")
    ws = wb["Budget scenarios"]
    assert ws["A4"].value == "MBC" and str(ws["E4"].value).startswith("=")


def test_a_forecast_year_is_split_afresh_when_anything_it_is_made_from_changes() -> None:
    """A year with nothing changed takes the year before's split; one whose populations
    move (A's projection) is split again: its shares follow the new populations."""
    b = _service_book(populations=(*_book().populations,
                                   Population("A", "2028-29", 4000, "ONS projection")))
    years = budget(b, "2026-27", _before(services=(("S", "Service", 100_000),)), 3).years
    shares = [dict(y.services[0].shares) for y in years]
    assert shares[0] == shares[1] == {"A": 16_667, "B": 33_333, "C": 50_000}
    assert shares[2] == {"A": 44_445, "B": 22_222, "C": 33_333}  # 4,000 : 2,000 : 3,000


@pytest.mark.libreoffice
def test_the_budget_comparison_opens_in_libreoffice_with_its_defaults(tmp_path: Path) -> None:
    from tests.test_report import _soffice

    exe, poppler = _soffice(), _poppler()
    scenarios = MKIP.parent / "scenarios" / "mkip-2025-26.toml"
    res = runner.invoke(app, ["compare", "--budget", "--scenarios", str(scenarios),
                              "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    [book] = (tmp_path / "out").glob("*.xlsx")
    proc = subprocess.run([exe, f"-env:UserInstallation={(tmp_path / 'p').as_uri()}",
                           "--headless", "--norestore", "--convert-to", "pdf", "--outdir",
                           str(tmp_path / "pdf"), str(book)], capture_output=True,
                          timeout=240, check=False)
    pdf = tmp_path / "pdf" / (book.stem + ".pdf")
    assert proc.returncode == 0 and pdf.is_file(), proc.stderr
    text = subprocess.run([poppler, str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "each council's total under each scenario" in text and "MBC" in text
