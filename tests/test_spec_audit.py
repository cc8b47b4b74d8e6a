"""Independent audit of the calculation core against the written rules (docs/calculations.md).

Every expected figure here is worked out by hand (or with ``fractions.Fraction`` in the
comments / in a small independent helper), never by calling the function under test.
The audit found five disagreements (a decimal comma read as a thousands separator, two
exit-settlement gaps, the JSON rate losing digits, and an undocumented IRR rule); the
first four are fixed and the fifth is now a documented rule, and each has its test here.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from finance.book import load_book
from finance.core.apportion import apportion
from finance.core.governance import officers, quorum
from finance.core.investments import appraise, bcr_score, portfolio
from finance.core.jsonout import result_json
from finance.core.model import (
    Book,
    Cashflow,
    Indicator,
    Party,
    Population,
    Project,
    SavingRow,
    Service,
    ServiceParty,
    Settings,
    YearRow,
)
from finance.core.monitoring import performance_monitor, savings_monitor
from finance.core.run import run_year
from tests.conftest import MKIP, BookCopy

Y = "2025-26"
# MKIP 2025-26 contribution weights in pence (§13.2: 30p x 142,800 / 128,500 / 104,600).
W = {"MBC": 4284000, "SBC": 3855000, "TWBC": 3138000}


# --------------------------------------------------------------------------- helpers


def hand_lr(total: int, weights: dict[str, int]) -> dict[str, int]:
    """Independent Hamilton split, written from the rule's text for this audit."""
    s = sum(weights.values())
    mag = abs(total)
    quota = {p: Fraction(mag * w, s) for p, w in weights.items()}
    floor = {p: q.numerator // q.denominator for p, q in quota.items()}
    left = mag - sum(floor.values())
    order = sorted(weights, key=lambda p: (-(quota[p] - floor[p]), -weights[p], p))
    for p in order[:left]:
        floor[p] += 1
    sign = -1 if total < 0 else 1
    return {p: sign * floor[p] for p in sorted(weights)}


def pounds(pence: int) -> str:
    sign = "-" if pence < 0 else ""
    return f"{sign}{abs(pence) // 100}.{abs(pence) % 100:02d}"


def load(bc: BookCopy) -> Book:
    book, problems = load_book(bc.path)
    assert book is not None, [str(p) for p in problems if p.is_error]
    return book


def run_json(bc: BookCopy, year: str | None = None) -> dict[str, Any]:
    return result_json(run_year(load(bc), year))


def errors(bc: BookCopy) -> list[str]:
    book, problems = load_book(bc.path)
    errs = [str(p) for p in problems if p.is_error]
    assert book is None and errs
    return errs


def drop_columns(bc: BookCopy, table: str, cols: list[str]) -> None:
    rows = bc.rows(table)
    keep = [c for c in rows[0] if c not in cols]
    bc.write(table, rows, keep)


def add_row(bc: BookCopy, table: str, row: dict[str, str]) -> None:
    bc.edit(table, lambda rows: rows.append(row))


def parties_line(j: dict[str, Any], section: str, party: str) -> dict[str, Any]:
    return next(x for x in j[section]["parties"] if x["party"] == party)


def service(j: dict[str, Any], code: str) -> dict[str, str]:
    s = next(x for x in j["services"] if x["service"] == code)
    return {x["party"]: x["share"] for x in s["parties"]}


# --------------------------------------------------------------------------- §2 rounding


def test_largest_remainder_ties_go_to_larger_weight_then_code():
    # 2p by 1:3 -> quotas 0.5, 1.5; floors 0 + 1; both remainders 0.5 -> larger weight B.
    assert apportion(2, {"A": 1, "B": 3}) == {"A": 0, "B": 2}
    # 100p three ways, all tied -> the penny to the first code, whatever the row order.
    assert apportion(100, {"C": 1, "B": 1, "A": 1}) == {"A": 34, "B": 33, "C": 33}
    assert apportion(100, {"A": 1, "C": 1, "B": 1}) == {"A": 34, "B": 33, "C": 33}


def test_negative_total_is_split_as_absolute_then_negated_and_zero_weight_gets_zero():
    assert apportion(-100, {"B": 1, "A": 1, "C": 1}) == {"A": -34, "B": -33, "C": -33}
    # 101p, A weight 0: B/C quotas 50.5 each, tie -> B (code); A exactly 0.
    assert apportion(101, {"A": 0, "B": 1, "C": 1}) == {"A": 0, "B": 51, "C": 50}
    assert apportion(-101, {"A": 0, "B": 1, "C": 1}) == {"A": 0, "B": -51, "C": -50}


def test_remainders_are_compared_exactly_not_as_floats():
    # S = 6e17+1, t = 2p.  Remainder numerators (over S): A 2e17+20, B 2e17+19, C 2e17-38.
    # As floats all three are 1/3 (ULP at 2e17 is 32), so a float comparison would tie A
    # and B and give the penny to the larger weight B.  Exactly, A's remainder is larger.
    wa, wb, wc = 10**17 + 10, 4 * 10**17 + 10, 10**17 - 19
    assert apportion(2, {"A": wa, "B": wb, "C": wc}) == {"A": 1, "B": 1, "C": 0}


def test_contribution_rounds_half_away_from_zero_once(book_copy: BookCopy):
    # 30.5p x 128,501 = 3,919,280.5p -> 3,919,281p (Excel ROUND), not banker's 3,919,280.
    book_copy.set("years", 0, "rate_pence", "30.5")
    book_copy.set("populations", 1, "population", "128501")
    j = run_json(book_copy)
    assert parties_line(j, "contributions", "SBC")["amount"] == "39192.81"
    assert parties_line(j, "contributions", "MBC")["amount"] == "43554.00"  # 30.5 x 142,800
    assert j["contributions"]["rate_pence"] == "30.5"


# --------------------------------------------------------------------------- §3 input


@pytest.mark.parametrize(
    ("table", "cols"),
    [
        ("ledger", ["date", "description", "reference"]),
        ("services", ["income"]),
        ("projects", ["start_year", "optimism_bias", "discount_rate"]),
        ("parties", ["joined", "notice_given", "left"]),
        ("populations", ["source"]),
        ("criteria", ["weight"]),
        ("service_parties", ["standalone_cost", "joined"]),
    ],
)
def test_optional_columns_may_be_left_out_entirely(book_copy: BookCopy, table, cols):
    drop_columns(book_copy, table, cols)
    j = run_json(book_copy)
    assert j["year"] == Y


def test_services_without_income_column_charge_gross_cost(book_copy: BookCopy):
    drop_columns(book_copy, "services", ["income"])
    j = run_json(book_copy)
    audit = next(s for s in j["services"] if s["service"] == "AUDIT")
    # 642,000.00 by audit days 420:380:350 (sum 1,150): quotas 23,446,956.52 /
    # 21,213,913.04 / 19,539,130.43; floors total 64,199,999, the penny to MBC (.52).
    assert audit["net_cost"] == "642000.00"
    shares = {x["party"]: x["share"] for x in audit["parties"]}
    assert shares == {"MBC": "234469.57", "SBC": "212139.13", "TWBC": "195391.30"}
    assert shares == {p: pounds(v) for p, v in
                      hand_lr(64200000, {"MBC": 420, "SBC": 380, "TWBC": 350}).items()}


def test_projects_without_optional_columns_use_run_year_green_book_rate_and_no_bias(
    book_copy: BookCopy,
):
    drop_columns(book_copy, "projects", ["start_year", "optimism_bias", "discount_rate"])
    j = run_json(book_copy)
    p = next(x for x in j["investments"] if x["project"] == "PLANSYS")
    # No bias, r = 3.5%: PV(costs) = 60,000 + 5,000 x a, PV(benefits) = 25,000 x a,
    # a = sum_{t=1..5} 1.035^-t = 4.5150524...; 6,000,000p + 500,000p x a = 8,257,526.2p.
    a = sum(Fraction(1000, 1035) ** t for t in range(1, 6))
    assert p["pv_costs"] == pounds(round(6000000 + 500000 * a))
    assert p["pv_costs"] == "82575.26"
    assert p["pv_benefits"] == "112876.31"  # 2,500,000 x a = 11,287,631.1p
    # start_year defaults to the year run, so the year-0 one-off costs are still indemnified
    # in 2025-26 exactly as in the bundled book, where every start_year is 2025-26.
    bundled = result_json(run_year(load_book(MKIP)[0]))  # type: ignore[arg-type]
    assert j["settlement"] == bundled["settlement"]


@pytest.mark.parametrize(
    ("table", "index", "column", "value"),
    [
        ("populations", 0, "party", "XYZ"),
        ("drivers", 0, "party", "XYZ"),
        ("services", 0, "host", "XYZ"),
        ("service_parties", 0, "party", "XYZ"),
        ("projects", 0, "lead", "XYZ"),
        ("settings", 1, "value", "XYZ"),  # accountable_body
        ("settings", 2, "value", "TWBC,MBC,XYZ"),  # rotation
    ],
)
def test_unknown_party_code_anywhere_is_an_error(book_copy: BookCopy, table, index, column,
                                                  value):
    book_copy.set(table, index, column, value)
    errs = errors(book_copy)
    assert any(e.startswith(f"{table} row {index + 2}") and "XYZ" in e for e in errs), errs


def test_fixed_shares_must_total_exactly_100_percent(book_copy: BookCopy):
    book_copy.set("service_parties", 8, "fixed_share", "29.99%")  # LEGAL TWBC: 35+35+29.99
    errs = errors(book_copy)
    assert any("service_parties" in e and "99.99%" in e for e in errs), errs


def test_fixed_shares_as_fractions_or_percent_are_the_same(book_copy: BookCopy):
    for i, v in ((6, "0.3333"), (7, "33.33%"), (8, "0.3334")):
        book_copy.set("service_parties", i, "fixed_share", v)
    j = run_json(book_copy)
    # 114,000,000p x .3333 = 37,996,200; x .3334 = 38,007,600: exact, no pennies left.
    assert service(j, "LEGAL") == {"MBC": "379962.00", "SBC": "379962.00", "TWBC": "380076.00"}


def test_blend_weights_must_total_exactly_100_percent(book_copy: BookCopy):
    book_copy.set("service_blend", 1, "weight", "59.99%")
    errs = errors(book_copy)
    assert any("service_blend" in e and "99.99%" in e for e in errs), errs


def test_every_problem_is_reported_with_row_and_column(book_copy: BookCopy):
    book_copy.set("populations", 0, "population", "abc")
    book_copy.set("populations", 2, "population", "12.5")
    book_copy.set("ledger", 1, "kind", "bribe")
    errs = errors(book_copy)
    assert "populations row 2, column population: 'abc' is not a whole number" in errs
    assert "populations row 4, column population: '12.5' is not a whole number" in errs
    assert any(e.startswith("ledger row 3, column kind:") for e in errs)


@pytest.mark.parametrize(
    ("table", "index", "column", "value"),
    [("ledger", 3, "amount", "21750,50"), ("years", 0, "refund_share", "0,5")],
)
def test_decimal_comma_is_reported_not_guessed(book_copy: BookCopy, table, index, column,
                                               value):
    # The input format: money in pounds (1234.56), percentages 35% or 0.35; "bad input is reported,
    # never guessed at".  "21750,50" is not a thousands-grouped number (groups of three),
    # and "0,5" is not 0.5 read as "05" = 5%.
    book_copy.set(table, index, column, value)
    _, problems = load_book(book_copy.path)
    assert any(p.is_error and p.table == table and p.row == index + 2 and p.column == column
               for p in problems), [str(p) for p in problems]


def test_table_and_column_names_match_case_insensitively_with_spaces(book_copy: BookCopy):
    rows = book_copy.rows("years")
    book_copy.write("years", [{f" {k.upper().replace('_', ' ')} ": v for k, v in r.items()}
                              for r in rows])
    (book_copy.path / "ledger.csv").rename(book_copy.path / " LEDGER .csv")
    ye = run_json(book_copy)["year_end"]
    assert (ye["uncommitted"], ye["refund"]) == ("41419.50", "20709.75")


def test_formula_looking_text_stays_text(book_copy: BookCopy):
    names = {0: "=1+1", 1: "@SUM(A1)", 2: "+44 1622", 3: "-HYPERLINK(\"x\")"}
    for i, v in names.items():
        book_copy.set("services", i, "name", v)
    book_copy.set("settings", 0, "value", "=cmd|' /C calc'!A0")
    j = run_json(book_copy)
    got = {s["service"]: s["name"] for s in j["services"]}
    assert got["AUDIT"] == "=1+1" and got["ICT"] == "@SUM(A1)"
    assert got["LEGAL"] == "+44 1622" and got["HR"] == '-HYPERLINK("x")'
    assert j["partnership"] == "=cmd|' /C calc'!A0"


# --------------------------------------------------------------------------- §4


def test_population_vintage_latest_not_after_year_and_stale_warning(book_copy: BookCopy):
    add_row(book_copy, "populations", {"party": "MBC", "year": "2024-25", "population": "150000"})
    add_row(book_copy, "populations", {"party": "MBC", "year": "2026-27", "population": "999999"})
    add_row(book_copy, "populations", {"party": "SBC", "year": "2025-26", "population": "130000"})
    j = run_json(book_copy)
    mbc = parties_line(j, "contributions", "MBC")
    assert (mbc["population"], mbc["population_year"], mbc["amount"]) == (150000, "2024-25",
                                                                          "45000.00")
    sbc = parties_line(j, "contributions", "SBC")
    assert (sbc["population_year"], sbc["amount"]) == ("2025-26", "39000.00")
    warns = " ".join(j["warnings"])
    assert "MBC: the latest estimate is for 2024-25" in warns
    assert "TWBC: the latest estimate is for 2008-09" in warns
    assert "SBC:" not in warns


def test_part_year_joiner_pays_months_from_joining_month_rounded_once(book_copy: BookCopy):
    # TWBC joins 1 Oct 2025: Oct..Mar = 6 months.  30.5p x 1,001 x 6/12 = 15,265.25p -> 15,265.
    # (Rounding twice would give round(30,530.5) = 30,531 x 6/12 = 15,265.5 -> 15,266.)
    book_copy.set("parties", 2, "joined", "2025-10-01")
    book_copy.set("years", 0, "rate_pence", "30.5")
    add_row(book_copy, "populations", {"party": "TWBC", "year": "2025-26", "population": "1001"})
    j = run_json(book_copy)
    tw = parties_line(j, "contributions", "TWBC")
    assert (tw["months"], tw["amount"]) == (6, "152.65")


def test_joining_on_1_september_pays_seven_twelfths(book_copy: BookCopy):
    # 30p x 104,600 x 7/12 = 1,830,500p.
    book_copy.set("parties", 2, "joined", "2025-09-01")
    j = run_json(book_copy)
    tw = parties_line(j, "contributions", "TWBC")
    assert (tw["months"], tw["amount"]) == (7, "18305.00")
    assert j["contributions"]["total"] == "99695.00"  # 42,840 + 38,550 + 18,305


# --------------------------------------------------------------------------- §5


def test_mkip_year_end_by_hand(book_copy: BookCopy):
    j = run_json(book_copy)
    ye = j["year_end"]
    # available = 0 + 0 + 112,770 + 15,000 + 2,500 - 0 = 130,270.00
    # spend = 18,500 + 32,400 + 21,750.50 + 4,200 = 76,850.50; commitments 12,000.00
    # uncommitted = 130,270 - 76,850.50 - 12,000 = 41,419.50; refund 50% = 20,709.75
    assert (ye["uncommitted"], ye["refund"], ye["carry_over"]) == (
        "41419.50", "20709.75", "20709.75")
    refund = hand_lr(2070975, W)  # quotas 786739.11 / 707955.01 / 576280.89 -> TWBC +1p
    assert refund == {"MBC": 786739, "SBC": 707955, "TWBC": 576281}
    for p in W:
        line = parties_line(j, "year_end", p)
        assert line["refund"] == pounds(refund[p])
        assert line["contribution"] == pounds(W[p])
        assert line["spend"] == pounds(hand_lr(7685050, W)[p])
        assert line["supplementary"] == "0.00"


def test_refund_is_rounded_once_half_away_from_zero(book_copy: BookCopy):
    # One more penny of income: uncommitted 41,419.51; x 50% = 2,070,975.5p -> 2,070,976p.
    add_row(book_copy, "ledger", {"date": "2026-03-30", "year": Y, "kind": "income",
                                  "amount": "0.01", "description": "", "reference": ""})
    ye = run_json(book_copy)["year_end"]
    assert (ye["uncommitted"], ye["refund"], ye["carry_over"]) == (
        "41419.51", "20709.76", "20709.75")


def test_deficit_reports_supplementary_on_contribution_weights(book_copy: BookCopy):
    # +50,000 spend: uncommitted = 130,270 - 126,850.50 - 12,000 = -8,580.50.
    add_row(book_copy, "ledger", {"date": "2026-02-01", "year": Y, "kind": "spend",
                                  "amount": "50000.00", "description": "", "reference": ""})
    j = run_json(book_copy)
    ye = j["year_end"]
    assert (ye["uncommitted"], ye["refund"], ye["carry_over"], ye["deficit"]) == (
        "-8580.50", "0.00", "-8580.50", True)
    sup = hand_lr(858050, W)  # 325963.13 / 293321.16 / 238765.71 -> TWBC +1p
    assert sup == {"MBC": 325963, "SBC": 293321, "TWBC": 238766}
    for p in W:
        assert parties_line(j, "year_end", p)["supplementary"] == pounds(sup[p])
        assert parties_line(j, "year_end", p)["carry_over"] == pounds(-sup[p])


def test_carry_forward_and_default_year_is_latest(book_copy: BookCopy):
    # 2026-27 listed first, openings blank: it takes 2025-26's carry-over and commitments.
    book_copy.edit("years", lambda r: r.insert(0, {
        "year": "2026-27", "rate_pence": "30", "opening_balance": "",
        "opening_commitments": "", "refund_share": ""}))
    j = run_json(book_copy)
    ye = j["year_end"]
    assert j["year"] == "2026-27"
    assert (ye["opening_balance"], ye["opening_commitments"]) == ("20709.75", "12000.00")
    # 20,709.75 + 12,000 + 112,770 = 145,479.75; blank refund_share -> carry everything.
    assert (ye["uncommitted"], ye["refund"], ye["carry_over"]) == (
        "145479.75", "0.00", "145479.75")


@pytest.mark.parametrize(("left", "ok"), [("2025-10-14", False), ("2025-10-15", True)])
def test_six_months_notice(book_copy: BookCopy, left, ok):
    book_copy.set("parties", 0, "notice_given", "2025-04-15")
    book_copy.set("parties", 0, "left", left)
    book, problems = load_book(book_copy.path)
    assert (book is not None) is ok, [str(p) for p in problems]


def test_exit_settlement_at_leaving_date(book_copy: BookCopy):
    # MBC: notice 15 Apr 2025, leaves 15 Oct 2025.  A 3,000.00 commitment on 10 Apr (before
    # notice).  Balance at 15 Oct: 112,770 + 15,000 - (18,500 + 32,400 + 21,750.50) - 3,000
    # = 52,119.50.
    book_copy.set("parties", 0, "notice_given", "2025-04-15")
    book_copy.set("parties", 0, "left", "2025-10-15")
    add_row(book_copy, "ledger", {"date": "2025-04-10", "year": Y, "kind": "commitment",
                                  "amount": "3000.00", "description": "", "reference": ""})
    ex = run_json(book_copy)["year_end"]["exits"]
    assert len(ex) == 1 and ex[0]["party"] == "MBC"
    assert ex[0]["balance_at_leaving"] == "52119.50"
    assert ex[0]["share"] == pounds(hand_lr(5211950, W)["MBC"]) == "19799.59"
    assert ex[0]["commitments_before_notice"] == "3000.00"
    assert ex[0]["commitment_liability"] == pounds(hand_lr(300000, W)["MBC"]) == "1139.66"


def test_exit_liability_includes_last_years_commitments_made_before_notice(
    book_copy: BookCopy,
):
    # 2024-25: a 5,000.00 commitment on 10 Jan 2025, carried into 2025-26 as opening
    # commitments.  MBC gives notice 1 Feb 2025 and leaves 1 Aug 2025.  The commitment was
    # made before notice, so (§16.3; docs/calculations.md, commitments dated before notice)
    # MBC stays liable for its weight share: 500,000p x 4,284,000/11,277,000 = 189,944.13
    # -> 1,899.44.
    book_copy.set("parties", 0, "notice_given", "2025-02-01")
    book_copy.set("parties", 0, "left", "2025-08-01")
    book_copy.set("years", 0, "opening_balance", "")
    book_copy.set("years", 0, "opening_commitments", "")
    book_copy.edit("years", lambda rows: [r.update(
        {"opening_balance": "0", "opening_commitments": "0", "refund_share": ""})
        for r in rows if r["year"] == "2024-25"])
    add_row(book_copy, "ledger", {"date": "2025-01-10", "year": "2024-25",
                                  "kind": "commitment", "amount": "5000.00",
                                  "description": "", "reference": ""})
    j = run_json(book_copy, Y)
    assert j["year_end"]["opening_commitments"] == "5000.00"
    ex = j["year_end"]["exits"][0]
    assert ex["commitments_before_notice"] == "5000.00"
    assert ex["commitment_liability"] == pounds(hand_lr(500000, W)["MBC"]) == "1899.44"


def test_party_leaving_on_1_april_gets_an_exit_settlement(book_copy: BookCopy):
    # MBC: notice 1 Sep 2025, leaves 1 Apr 2026 (7 months' notice, valid).  It paid for
    # 2025-26 and has a weight share of the balance carried over; §16.3 gives it an exit
    # settlement "at the date it leaves".  Neither the 2025-26 nor the 2026-27 run has one.
    book_copy.set("parties", 0, "notice_given", "2025-09-01")
    book_copy.set("parties", 0, "left", "2026-04-01")
    add_row(book_copy, "years", {"year": "2026-27", "rate_pence": "30", "opening_balance": "",
                                 "opening_commitments": "", "refund_share": ""})
    exits = [e for y in (Y, "2026-27") for e in run_json(book_copy, y)["year_end"]["exits"]]
    assert [e["party"] for e in exits] == ["MBC"]


# --------------------------------------------------------------------------- §6


def test_mkip_service_splits_by_hand(book_copy: BookCopy):
    j = run_json(book_copy)
    # equal: 90,500,000p / 3 = 30,166,666.67 each; all tie -> MBC, SBC get the 2 pennies.
    assert service(j, "PLANNING") == {"MBC": "301666.67", "SBC": "301666.67",
                                      "TWBC": "301666.66"}
    # fixed 35/35/30 of 1,140,000.00.
    assert service(j, "LEGAL") == {"MBC": "399000.00", "SBC": "399000.00", "TWBC": "342000.00"}
    # population x months (SBC joined REVBEN 1 Oct: 6 months): 142,800x12 : 128,500x6 :
    # 104,600x12 of 182,400,000p -> quotas 83,576,832.99 / 37,603,722.12 / 61,219,444.89.
    assert service(j, "REVBEN") == {"MBC": "835768.33", "SBC": "376037.22",
                                    "TWBC": "612194.45"}
    # blend 40% equal + 60% PCs (950:720:610, sum 2,280), exact:
    # MBC 2/15 + 1/4 = 23/60; SBC 2/15 + 18/95 = 92/285; TWBC 2/15 + 61/380 = 67/228.
    # 238,500,000p x those = 91,425,000 / 76,989,473.68 / 70,085,526.32 -> SBC +1p.
    assert service(j, "ICT") == {"MBC": "914250.00", "SBC": "769894.74", "TWBC": "700855.26"}
    ict = next(s for s in j["services"] if s["service"] == "ICT")
    assert [x["weight"] for x in ict["parties"]] == [
        round(23 / 60, 6), round(92 / 285, 6), round(67 / 228, 6)]


def test_saving_is_standalone_cost_minus_share(book_copy: BookCopy):
    j = run_json(book_copy)
    audit = next(s for s in j["services"] if s["service"] == "AUDIT")
    mbc = next(x for x in audit["parties"] if x["party"] == "MBC")
    # AUDIT 624,000.00 by 420:380:350 -> MBC 227,895.65; 236,000.00 - 227,895.65.
    assert (mbc["share"], mbc["standalone_cost"], mbc["saving"]) == (
        "227895.65", "236000.00", "8104.35")
    hr = next(s for s in j["services"] if s["service"] == "HR")
    assert {x["party"] for x in hr["parties"]} == {"MBC", "SBC"}  # only those engaged


def test_service_without_participants_is_shared_by_paying_voting_parties(book_copy: BookCopy):
    rows = [x for x in book_copy.rows("service_parties") if x["service"] != "PLANNING"]
    book_copy.write("service_parties", rows)
    j = run_json(book_copy)
    # KCC (non-voting) excluded; same equal split as with the three listed.
    assert service(j, "PLANNING") == {"MBC": "301666.67", "SBC": "301666.67",
                                      "TWBC": "301666.66"}


def test_blend_of_part_year_party_is_weighted_by_months():
    # Blend 50% equal + 50% population; A full year, B joins 1 Oct (6 months).
    # equal x months: A 12, B 6 -> 2/3, 1/3; population x months: A 100x12, B 300x6
    # -> 1200:1800 = 2/5, 3/5.  A = (2/3 + 2/5)/2 = 8/15; B = (1/3 + 3/5)/2 = 7/15.
    # 1,000p: A 533.33 -> 533, B 466.67 -> 467 (larger remainder).
    from finance.core.model import BlendComponent
    from finance.core.services import service_splits

    book = Book(
        Settings("P", "A"),
        (Party("A", "A", True), Party("B", "B", True)),
        (Population("A", Y, 100), Population("B", Y, 300)),
        (YearRow(Y, Decimal(30), 0, 0, None),),
        services=(Service("S", "S", Y, "A", 1000, 0, "blend"),),
        service_parties=(ServiceParty("S", Y, "A"),
                         ServiceParty("S", Y, "B", joined=date(2025, 10, 1))),
        service_blend=(BlendComponent("S", Y, "equal", Decimal("0.5")),
                       BlendComponent("S", Y, "population", Decimal("0.5"))),
    )
    (sp,) = service_splits(book, Y)
    assert sp.shares == {"A": 533, "B": 467}
    assert {x.party: x.weight for x in sp.lines} == {"A": Fraction(8, 15), "B": Fraction(7, 15)}


def _settlement_book() -> Book:
    return Book(
        Settings("P", "A"),
        (Party("A", "A", True), Party("B", "B", True), Party("C", "C", True)),
        (Population("A", Y, 100), Population("B", Y, 100), Population("C", Y, 100)),
        (YearRow(Y, Decimal(30), 0, 0, None),),
        services=(Service("S1", "One", Y, "A", 30000, 0, "equal"),
                  Service("S2", "Two", Y, "B", 9000, 0, "fixed")),
        service_parties=(ServiceParty("S2", Y, "A", Decimal("0.5")),
                         ServiceParty("S2", Y, "C", Decimal("0.5"))),
        projects=(Project("P", "Proj", "C"),),
        cashflows=(Cashflow("P", 0, "one_off_cost", 3000),),
    )


def test_settlement_nets_to_one_payment_per_pair_and_sums_to_zero():
    # S1 (host A, equal, no rows -> A,B,C): B owes A 100, C owes A 100.
    # S2 (host B, fixed A 50% C 50%, 90.00): A owes B 45, C owes B 45.
    # Project P (lead C, no service -> A,B,C equal, year-0 30.00): A, B owe C 10 each.
    # Pairs: A-B: B->A 100-45 = 55; A-C: C->A 100-10 = 90; B-C: C->B 45-10 = 35.
    j = result_json(run_year(_settlement_book()))
    pays = {(p["from"], p["to"]): p["amount"] for p in j["settlement"]["payments"]}
    assert pays == {("B", "A"): "55.00", ("C", "A"): "90.00", ("C", "B"): "35.00"}
    net = {n["party"]: n["amount"] for n in j["settlement"]["net_positions"]}
    assert net == {"A": "145.00", "B": "-20.00", "C": "-125.00"}


# --------------------------------------------------------------------------- §7


def test_plansys_appraisal_by_hand(book_copy: BookCopy):
    j = run_json(book_copy)
    p = next(x for x in j["investments"] if x["project"] == "PLANSYS")
    # Costs x 1.10: y0 66,000, y1..5 5,500; benefits 25,000 y1..5; r = 3.5%.
    a = sum(Fraction(1000, 1035) ** t for t in range(1, 6))
    pvc, pvb = 6600000 + 550000 * a, 2500000 * a  # pence, exact
    assert (p["pv_costs"], p["pv_benefits"], p["npv"]) == ("90832.79", "112876.31", "22043.52")
    assert p["bcr"] == round(float(pvb / pvc), 6) == 1.242682
    assert p["switching_value"] == round(float((pvb - pvc) / pvb), 6)
    # Simple payback: cum -66,000, -46,500, -27,000, -7,500, +12,000 -> 3 + 7,500/19,500.
    assert p["payback_years"] == round(3 + 7500 / 19500, 6)
    # Discounted: -66,000 + 19,500 x sum_{1..3} v^t < 0 < ... y4 -> 3 + deficit / v^4 flow.
    v = Fraction(1000, 1035)
    d3 = -6600000 + 1950000 * sum(v**t for t in range(1, 4))
    assert p["discounted_payback_years"] == round(float(3 + (-d3) / (1950000 * v**4)), 6)
    # IRR: -66,000 + 19,500 x annuity(r, 5) = 0; bisection on exact arithmetic.
    lo, hi = Fraction(0), Fraction(1)
    for _ in range(60):
        mid = (lo + hi) / 2
        npv = -66000 + 19500 * sum(1 / (1 + mid) ** t for t in range(1, 6))
        lo, hi = (mid, hi) if npv > 0 else (lo, mid)
    assert p["irr"] == pytest.approx(float(lo), abs=1e-6)
    # Financial 25 + (BCR - 1) x 50; non-financial mean(4,4,3,1,4,2,3,4,3,3) x 20 = 62.
    fin = 25 + (pvb / pvc - 1) * 50
    assert p["financial_score"] == round(float(fin), 6)
    assert p["non_financial_score"] == 62.0
    assert p["score"] == round(float(Fraction(6, 10) * fin + Fraction(4, 10) * 62), 6)


def test_project_with_no_benefits_has_null_irr_payback_switching(book_copy: BookCopy):
    j = run_json(book_copy)
    c = next(x for x in j["investments"] if x["project"] == "CYBER")
    assert c["irr"] is None and c["payback_years"] is None
    assert c["discounted_payback_years"] is None and c["switching_value"] is None
    assert c["bcr"] == 0.0 and c["financial_score"] == 0.0
    # 45,000 x 1.24 = 55,800 + 3,000 x 1.24 x a = 3,720 x 4.5150524 = 16,795.99 -> 72,595.99
    assert c["pv_costs"] == "72595.99"


@pytest.mark.parametrize(
    ("bcr", "score"),
    [("0", 0), ("0.5", 12.5), ("1", 25), ("1.25", 37.5), ("1.5", 50), ("1.75", 62.5),
     ("2", 75), ("3", 87.5), ("4", 100), ("9", 100)],
)
def test_vfm_bands_piecewise_linear(bcr, score):
    assert bcr_score(Fraction(bcr)) == score


def test_score_weighting_and_financial_only_flag():
    # Rate 0: cost 100.00 y0, saving 150.00 y1 -> BCR 1.5 -> financial 50.
    # Criteria a=5 (w 1), b=0 (w 3): (5 + 0)/4 x 20 = 25.  Score 0.7 x 50 + 0.3 x 25 = 42.5.
    from finance.core.model import Criterion

    pr = Project("P", "P", "A", discount_rate=Decimal(0))
    cf = [Cashflow("P", 0, "one_off_cost", 10000), Cashflow("P", 1, "saving", 15000)]
    cr = [Criterion("P", "a", Decimal(5), Decimal(1)), Criterion("P", "b", Decimal(0), Decimal(3))]
    a = appraise(pr, cf, cr, default_discount_rate=Decimal("0.035"),
                 financial_weight=Decimal("0.7"))
    assert (a.financial_score, a.non_financial_score, a.score) == (50.0, 25.0, 42.5)
    assert not a.financial_only
    b = appraise(pr, cf, [], default_discount_rate=Decimal("0.035"),
                 financial_weight=Decimal("0.7"))
    assert (b.score, b.financial_only) == (50.0, True)


def test_portfolio_score_is_weighted_by_pv_costs():
    # P1: cost 100.00, saving 150.00 -> BCR 1.5, score 50, PV costs 10,000p.
    # P2: cost 300.00, saving 1,200.00 -> BCR 4, score 100, PV costs 30,000p.
    # Weighted: (50 x 10,000 + 100 x 30,000) / 40,000 = 87.5 (an unweighted mean is 75).
    def one(code: str, cost: int, saving: int):  # type: ignore[no-untyped-def]
        return appraise(Project(code, code, "A", discount_rate=Decimal(0)),
                        [Cashflow(code, 0, "one_off_cost", cost),
                         Cashflow(code, 1, "saving", saving)], [],
                        default_discount_rate=Decimal(0), financial_weight=Decimal("0.6"))

    pf = portfolio([one("P1", 10000, 15000), one("P2", 30000, 120000)],
                   {"P1": {"A": 1, "B": 1}, "P2": {"A": 1, "B": 1}})
    assert pf.score == 87.5
    assert pf.bcr == 135000 / 40000
    assert pf.npv == 95000
    # Each party half of each: costs 5,000 + 15,000; benefits 7,500 + 60,000.
    assert [(x.party, x.pv_costs, x.pv_benefits, x.return_per_pound) for x in pf.parties] == [
        ("A", 20000, 67500, 3.375), ("B", 20000, 67500, 3.375)]


def test_irr_with_two_solving_rates_is_null_and_both_are_listed():
    """Chosen rule (docs/calculations.md): when several rates solve the flows there is no single
    IRR to report, so ``irr`` is null and ``irr_rates`` lists every solving rate."""
    # Net flows -100, +230, -132 at rate 0, no bias: 10% and 20% both solve it.
    pr = Project("X", "X", "A", discount_rate=Decimal(0))
    cf = [Cashflow("X", 0, "one_off_cost", 10000), Cashflow("X", 1, "saving", 23000),
          Cashflow("X", 2, "recurring_cost", 13200)]
    a = appraise(pr, cf, [], default_discount_rate=Decimal(0), financial_weight=Decimal("0.6"))
    assert a.irr is None
    assert [round(x, 6) for x in a.irr_rates] == [0.1, 0.2]


# --------------------------------------------------------------------------- §8


def test_savings_rag_thresholds():
    g, am = Decimal("0.95"), Decimal("0.75")
    rows = [SavingRow(s, Y, 10000, a) for s, a in
            (("A", 9500), ("B", 9499), ("C", 7500), ("D", 7499), ("E", 12000))]
    r = savings_monitor(rows, g, am)
    assert [x.rag for x in r.rows] == ["green", "amber", "amber", "red", "green"]
    # Totals: 50,000 predicted, 45,998 actual = 91.996% -> amber; variance -40.02.
    assert (r.total.predicted, r.total.actual, r.total.variance, r.total.rag) == (
        50000, 45998, -4002, "amber")


def test_three_missed_quarters_across_year_end_flag_and_half_is_not_a_majority():
    def ind(svc: str, y: str, q: int, name: str, actual: int) -> Indicator:
        return Indicator(svc, y, q, name, Decimal(90), Decimal(actual), True)

    rows = [
        # X: 2 of 3 missed in 2024-25 Q3, Q4 and 2025-26 Q1 -> flagged across the year end.
        *[ind("X", y, q, n, a) for y, q in (("2024-25", 3), ("2024-25", 4), (Y, 1))
          for n, a in (("i1", 80), ("i2", 80), ("i3", 95))],
        # Z: exactly half missed (1 of 2) each quarter -> never a missed quarter.
        *[ind("Z", y, q, n, a) for y, q in (("2024-25", 3), ("2024-25", 4), (Y, 1))
          for n, a in (("i1", 80), ("i2", 95))],
        # V: Q1, Q2 missed, Q3 missing, Q4 missed -> not three consecutive.
        *[ind("V", Y, q, "i1", 80) for q in (1, 2, 4)],
    ]
    rep = performance_monitor(rows)
    assert [(f.service, f.start, f.end, f.quarters) for f in rep.flags] == [
        ("X", ("2024-25", 3), (Y, 1), 3)]


def test_mkip_ict_flag_runs_over_the_year_end(book_copy: BookCopy):
    flags = run_json(book_copy)["monitoring"]["flags"]
    # ICT missed 2024-25 Q4 (3/3), 2025-26 Q1 (2/3), Q2 (2/3); Q3 met.
    assert flags == [{"service": "ICT", "from_year": "2024-25", "from_quarter": 4,
                      "to_year": Y, "to_quarter": 2, "quarters": 3}]


# --------------------------------------------------------------------------- §9


def test_rotation_vice_chair_is_next_chair_and_host_is_chair():
    s = Settings("MKIP", "MBC", rotation=("TWBC", "MBC", "SBC"), rotation_start="2008-09")
    got = [(officers(s, y).chair, officers(s, y).vice_chair, officers(s, y).host)
           for y in ("2008-09", "2009-10", "2010-11", "2011-12", "2025-26")]
    # 2025-26 is 17 years on: 17 mod 3 = 2 -> SBC.
    assert got == [("TWBC", "MBC", "TWBC"), ("MBC", "SBC", "MBC"), ("SBC", "TWBC", "SBC"),
                   ("TWBC", "MBC", "TWBC"), ("SBC", "TWBC", "SBC")]
    assert officers(s, Y).accountable_body == "MBC"


def test_quorum_five_and_one_from_each_party():
    three = ["MBC", "SBC", "TWBC"]
    ok = [("a", "MBC"), ("b", "MBC"), ("c", "SBC"), ("d", "SBC"), ("e", "TWBC")]
    assert quorum(ok, three).quorate
    assert not quorum(ok[:4] + [("k", "KCC")], three).quorate  # no TWBC
    assert not quorum(ok[:4], three).quorate


# --------------------------------------------------------------------------- §10

MONEY = re.compile(r"^-?\d+\.\d{2}$")
MONEY_KEYS = {"total", "amount", "opening_balance", "opening_commitments", "contributions",
              "external_funding", "income", "admin_recharge", "available", "spend",
              "commitments", "uncommitted", "refund", "carry_over", "supplementary",
              "contribution", "net_cost", "gross_cost", "share", "standalone_cost", "saving",
              "pv_costs", "pv_benefits", "npv", "predicted", "actual", "variance", "budget",
              "actual_to_date", "forecast_outturn", "balance_at_leaving",
              "commitments_before_notice", "commitment_liability"}
RATIO_KEYS = {"weight", "refund_share", "bcr", "irr", "payback_years",
              "discounted_payback_years", "switching_value", "financial_score",
              "non_financial_score", "score", "return_per_pound", "pct_delivered",
              "variance_pct", "spent_pct"}


def _walk(x: Any, key: str = "") -> list[tuple[str, Any]]:
    if isinstance(x, dict):
        return [kv for k, v in x.items() for kv in _walk(v, k)]
    if isinstance(x, list):
        return [kv for v in x for kv in _walk(v, key)]
    return [(key, x)]


def test_json_money_strings_ratio_numbers_parties_by_code(book_copy: BookCopy):
    j = run_json(book_copy)
    leaves = _walk(j)
    for k, v in leaves:
        if k in MONEY_KEYS:
            assert v is None or (isinstance(v, str) and MONEY.match(v)), (k, v)
        if k in RATIO_KEYS:
            assert v is None or (isinstance(v, int | float) and not isinstance(v, bool)), (k, v)
    assert {v for k, v in leaves if k in ("party", "from", "to", "host", "chair")} <= {
        "MBC", "SBC", "TWBC", "KCC"}
    assert j["contributions"]["rate_pence"] == "30"
    assert j["contributions"]["total"] == "112770.00"
    assert parties_line(j, "contributions", "MBC")["weight"] == round(42840 / 112770, 6)
    assert j["year_end"]["refund_share"] == 0.5


def test_json_rate_pence_keeps_every_digit(book_copy: BookCopy):
    # 30.12345p x 142,800 = 4,301,628.66p -> 4,301,629; the rate itself must not be rounded.
    book_copy.set("years", 0, "rate_pence", "30.12345")
    j = run_json(book_copy)
    assert parties_line(j, "contributions", "MBC")["amount"] == "43016.29"
    assert j["contributions"]["rate_pence"] == "30.12345"


# --------------------------------------------------------------------------- approval


def add_approved(bc: BookCopy, approved: dict[str, str]) -> None:
    """Give ``projects`` an ``approved`` column (blank for a project not named)."""
    rows = bc.rows("projects")
    cols = [c for c in rows[0] if c != "approved"] + ["approved"]
    for r in rows:
        r["approved"] = approved.get(r["project"], "")
    bc.write("projects", rows, cols)


def test_unapproved_project_is_scored_but_not_settled_18_1b(book_copy: BookCopy):
    """§18.1(b) indemnifies a party that leads on a business case; the board's approval
    (the ``approved`` column) decides which cases it has taken on.  CYBER (led by TWBC,
    £45,000.00 set-up, shared on Mid Kent ICT's blend: MBC 0.4/3 + 0.6 x 950/2,280 = 23/60,
    SBC 0.4/3 + 0.6 x 720/2,280 = 92/285, TWBC 67/228) normally makes MBC owe TWBC
    £17,250.00 (exactly 23/60) and SBC owe TWBC £14,526.32 (14,526.3158 rounded by largest
    remainder).  Marked "no", it is still appraised and scored, its JSON line says
    ``"approved": false``, and those two obligations are gone: MBC's net position rises by
    £17,250.00, SBC's by £14,526.32, TWBC's falls by the sum £31,776.32."""
    before = run_json(book_copy)
    add_approved(book_copy, {"CYBER": "no"})
    rows = book_copy.rows("projects")
    assert [r["approved"] for r in rows] == ["", "", "no"]  # blank means yes
    r = run_year(load(book_copy))
    assert {p.project: p.approved for p in r.book.projects} == {
        "PLANSYS": True, "DEBTREC": True, "CYBER": False}
    assert not [o for o in r.settlement.obligations if o.source == "CYBER"]
    j = result_json(r)
    cyber = next(a for a in j["investments"] if a["project"] == "CYBER")
    was = next(a for a in before["investments"] if a["project"] == "CYBER")
    assert cyber["approved"] is False and was["approved"] is True
    assert {k: v for k, v in cyber.items() if k != "approved"} == {
        k: v for k, v in was.items() if k != "approved"}  # appraised and scored the same
    assert j["portfolio"] == before["portfolio"]
    net = {n["party"]: n["amount"] for n in j["settlement"]["net_positions"]}
    net0 = {n["party"]: n["amount"] for n in before["settlement"]["net_positions"]}
    assert net == {"KCC": "0.00", "MBC": pounds(247110884 + 1725000),
                   "SBC": pounds(-32283043 + 1452632),
                   "TWBC": pounds(-214827841 - 1725000 - 1452632)}
    assert net0["MBC"] == pounds(247110884)
    assert all(ch["ok"] for ch in j["checks"])


def test_approved_column_absent_or_yes_settles_every_project(book_copy: BookCopy):
    before = run_json(book_copy)
    add_approved(book_copy, {"PLANSYS": "yes", "DEBTREC": "Y", "CYBER": "yes"})
    assert run_json(book_copy)["settlement"] == before["settlement"]
    add_approved(book_copy, {"PLANSYS": "perhaps"})
    assert any("approved" in e for e in errors(book_copy))
