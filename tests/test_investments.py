"""Five-year investment appraisal and portfolio score (Annex A §5.2), with hand-worked values."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy_financial as npf
import pytest
from hypothesis import given
from hypothesis import strategies as st

from finance.core import investments
from finance.core.investments import (
    Appraisal,
    appraise,
    bcr_score,
    discount_factors,
    financial_score,
    irr,
    irr_rates,
    non_financial_score,
    payback,
    portfolio,
    present_value,
)
from finance.core.model import Cashflow, Criterion, Project

GB = Decimal("0.035")
FW = Decimal("0.6")


def cf(kind: str, year: int, amount: int, project: str = "P") -> Cashflow:
    return Cashflow(project, year, kind, amount)


def run(project: Project, flows: list[Cashflow], criteria: tuple[Criterion, ...] = (),
        rate: Decimal = GB, weight: Decimal = FW) -> Appraisal:
    return appraise(project, flows, criteria, default_discount_rate=rate,
                    financial_weight=weight)


# ----------------------------------------------------------------- published references


def test_green_book_discount_factors_at_3_5_percent():
    factors = discount_factors(GB)
    assert factors[0] == 1
    assert [round(float(f), 4) for f in factors[1:]] == [0.9662, 0.9335, 0.9019, 0.8714, 0.8420]
    # exact, not float: 1 / 1.035 is 200/207
    assert factors[1] == Fraction(200, 207)


def test_numpy_financial_irr_worked_example():
    assert round(irr([-100, 39, 59, 55, 20]), 5) == 0.28095
    assert irr([-100, 39, 59, 55, 20]) == pytest.approx(0.28094842115996066, abs=1e-12)
    # and the same flows in pence through appraise (no bias, year 0 cost)
    a = run(Project("P", "P", lead="MBC"),
            [cf("one_off_cost", 0, 10_000), cf("saving", 1, 3_900), cf("saving", 2, 5_900),
             cf("saving", 3, 5_500), cf("saving", 4, 2_000)])
    assert round(a.irr, 5) == 0.28095


def test_numpy_financial_single_root_examples():
    assert round(irr([-100, 0, 0, 74]), 5) == -0.0955
    assert round(irr([-100, 100, 0, 7]), 5) == 0.06206


def test_numpy_financial_npv_worked_examples():
    # npf.npv docs: 8%, [-40000, 5000, 8000, 12000, 30000] -> 3065.22267
    pv = present_value([-40_000, 5_000, 8_000, 12_000, 30_000], Decimal("0.08"))
    assert round(float(pv), 5) == 3065.22267
    # numpy docs: 5%, [-15000, 1500, 2500, 3500, 4500, 6000] -> 122.894854950942692
    pv = present_value([-15_000, 1_500, 2_500, 3_500, 4_500, 6_000], Decimal("0.05"))
    assert round(float(pv), 8) == 122.89485495
    assert float(pv) == pytest.approx(npf.npv(0.05, [-15_000, 1_500, 2_500, 3_500, 4_500, 6_000]))


# ----------------------------------------------------------------- a hand-worked project

# 10%: £1,000 now; savings £550 in year 1 and £605 in year 2 are each worth £500 today.
TEN = Project("TEN", "Ten per cent", lead="SBC", discount_rate=Decimal("0.10"))
TEN_FLOWS = [cf("one_off_cost", 0, 100_000, "TEN"), cf("saving", 1, 55_000, "TEN"),
             cf("saving", 2, 60_500, "TEN")]


def test_hand_worked_break_even_project():
    a = run(TEN, TEN_FLOWS)
    assert a.discount_rate == Decimal("0.10")  # the project's own rate, not the default
    assert a.pv_costs == 100_000
    assert a.pv_benefits == 100_000
    assert a.npv == 0
    assert a.bcr == 1.0
    assert a.irr == pytest.approx(0.10, abs=1e-12)
    # cumulative -100000, -45000, +15500: 1 + 45000/60500
    assert a.payback_years == pytest.approx(1 + 45_000 / 60_500)
    # discounted net -100000, +50000, +50000: cumulative reaches 0 exactly at the end of year 2
    assert a.discounted_payback_years == 2.0
    assert a.switching_value == 0.0
    assert a.financial_score == 25.0
    assert a.financial_only and a.non_financial_score is None and a.score == 25.0
    assert a.costs == (100_000, 0, 0, 0, 0, 0)
    assert a.net_flows == (-100_000, 55_000, 60_500, 0, 0, 0)


def test_optimism_bias_uplifts_costs_not_benefits():
    p = Project("OB", "OB", lead="MBC", optimism_bias=Decimal("0.24"), discount_rate=Decimal(0))
    a = run(p, [cf("one_off_cost", 0, 100_000, "OB"), cf("recurring_cost", 1, 10_000, "OB"),
                cf("saving", 1, 200_000, "OB")])
    assert a.costs[:2] == (124_000, 12_400)
    assert a.benefits[1] == 200_000
    assert a.pv_costs == 136_400
    assert a.npv == 63_600
    # switching value: 63600 / 200000
    assert a.switching_value == pytest.approx(0.318)
    assert a.optimism_bias == Decimal("0.24")


def test_blank_optimism_bias_is_zero_and_blank_rate_is_the_default():
    a = run(Project("P", "P", lead="MBC"), [cf("one_off_cost", 0, 1_000)])
    assert a.optimism_bias == 0 and a.discount_rate == GB


def test_fractional_uplift_is_rounded_once():
    # 41% of 1p per year for years 0..5: 1.41p each, 8.46p undiscounted -> 8p, not 6 x 1p
    p = Project("P", "P", lead="MBC", optimism_bias=Decimal("0.41"), discount_rate=Decimal(0))
    a = run(p, [cf("recurring_cost", t, 1) for t in range(6)])
    assert a.pv_costs == 8
    assert a.costs[0] == Fraction(141, 100)


def test_npv_is_the_difference_of_the_present_values_as_shown():
    flows = [cf("one_off_cost", 0, 10_000_000)]
    flows += [cf("recurring_cost", t, 1_000_000) for t in range(1, 6)]
    flows += [cf("saving", t, 4_000_000) for t in range(1, 6)]
    a = run(Project("P", "P", lead="MBC"), flows)
    # annuity factor at 3.5% over 5 years: 4.5150524...
    assert a.pv_costs == 14_515_052  # 14,515,052.4
    assert a.pv_benefits == 18_060_210  # 18,060,209.7
    # the NPV carries the penny: the exact difference, 3,545,157.3, would round to 157
    assert a.npv == a.pv_benefits - a.pv_costs == 3_545_158
    assert round(a.irr, 4) == 0.1524
    # -10m + 3m/year: cumulative -7m, -4m, -1m after year 3, paid back a third into year 4
    assert a.payback_years == pytest.approx(10 / 3)


def test_other_projects_flows_are_ignored_and_bad_year_index_raises():
    a = run(Project("P", "P", lead="MBC"),
            [cf("one_off_cost", 0, 100), cf("one_off_cost", 0, 999, "Q")])
    assert a.pv_costs == 100
    with pytest.raises(ValueError, match="year_index 6"):
        run(Project("P", "P", lead="MBC"), [cf("saving", 6, 100)])
    with pytest.raises(ValueError, match="kind"):
        run(Project("P", "P", lead="MBC"), [cf("grant", 1, 100)])


def test_no_costs_and_nothing_at_all():
    benefits_only = run(Project("P", "P", lead="MBC"), [cf("saving", 1, 1_000)])
    assert benefits_only.bcr is None
    assert benefits_only.financial_score == 100.0
    assert benefits_only.irr is None  # never changes sign
    assert benefits_only.payback_years == 0.0
    assert benefits_only.switching_value == 1.0

    nothing = run(Project("P", "P", lead="MBC"), [])
    assert (nothing.pv_costs, nothing.pv_benefits, nothing.npv) == (0, 0, 0)
    assert nothing.bcr is None and nothing.irr is None and nothing.switching_value is None
    assert nothing.payback_years is None and nothing.discounted_payback_years is None
    assert nothing.financial_score == 0.0


def test_never_pays_back():
    a = run(Project("P", "P", lead="MBC"), [cf("one_off_cost", 0, 1_000), cf("saving", 5, 999)])
    assert a.payback_years is None and a.discounted_payback_years is None
    assert a.npv < 0 and a.switching_value is not None and a.switching_value < 0


# ----------------------------------------------------------------- payback


def test_payback_interpolates_within_the_year():
    assert payback([-100, 60, 60]) == Fraction(5, 3)
    assert payback([-100, 100]) == 1
    assert payback([-100, 50, 50, 50]) == 2


def test_payback_zero_when_never_out_of_pocket():
    assert payback([10, 0, 5]) == 0
    assert payback([0, 5]) == 0


def test_payback_none_when_never_or_nothing():
    assert payback([-100, 99]) is None
    assert payback([0, 0, 0]) is None
    assert payback([]) is None


def test_payback_after_a_later_deficit_is_the_final_recovery():
    # cumulative 50, -50, 50: the year-0 surplus is used up by year 1's cost
    assert payback([50, -100, 100]) == Fraction(3, 2)


# ----------------------------------------------------------------- IRR edge cases


def test_irr_no_sign_change_is_none():
    assert irr([100, 50, 20]) is None
    assert irr([-100, -50]) is None
    assert irr([0, -5, 0]) is None


def test_irr_all_zero_is_none():
    assert irr([0, 0, 0, 0, 0, 0]) is None
    assert irr_rates([0, 0]) == ()


def test_irr_two_roots_is_ambiguous_and_none():
    # -100, +230, -132: NPV zero at both 10% and 20%
    assert irr([-100, 230, -132]) is None
    assert [round(r, 9) for r in irr_rates([-100, 230, -132])] == [0.1, 0.2]
    # numpy-financial's own example with several sign changes also has two roots
    assert irr([-100, 100, 0, -7]) is None
    assert [round(r, 4) for r in irr_rates([-100, 100, 0, -7])] == [-0.6789, -0.0833]


def test_irr_several_sign_changes_but_one_root_is_kept():
    rate = irr([-100, 50, -10, 80])
    assert rate is not None
    npv = sum(v / (1 + rate) ** t for t, v in enumerate([-100, 50, -10, 80]))
    assert abs(npv) < 1e-9


def test_irr_leading_and_trailing_zero_years():
    assert irr([0, -100, 110]) == pytest.approx(0.10)
    assert irr([-100, 110, 0, 0]) == pytest.approx(0.10)


def test_irr_never_returns_a_root_that_does_not_solve(monkeypatch):
    monkeypatch.setattr(npf, "irr", lambda values: 0.5)
    assert irr([-100, 110]) is None
    monkeypatch.setattr(npf, "irr", lambda values: float("nan"))
    assert irr([-100, 110]) is None


def test_appraisal_keeps_every_root_when_irr_is_ambiguous():
    p = Project("P", "P", lead="MBC", discount_rate=Decimal(0))
    a = run(p, [cf("one_off_cost", 0, 100), cf("saving", 1, 230), cf("one_off_cost", 2, 132)])
    assert a.irr is None
    assert len(a.irr_rates) == 2


# ----------------------------------------------------------------- scores


@pytest.mark.parametrize(
    ("bcr", "score"),
    [("0", 0), ("0.5", "12.5"), ("1", 25), ("1.5", 50), ("2", 75), ("3", "87.5"), ("4", 100),
     ("5", 100), ("-1", 0)],
)
def test_value_for_money_band_points(bcr, score):
    assert bcr_score(Fraction(bcr)) == Fraction(score)


@given(st.fractions(min_value=-1, max_value=10), st.fractions(min_value=-1, max_value=10))
def test_financial_score_is_monotone_in_bcr(x, y):
    lo, hi = sorted((x, y))
    assert 0 <= bcr_score(lo) <= bcr_score(hi) <= 100


@given(st.fractions(min_value=0, max_value=6))
def test_financial_score_is_continuous_across_band_edges(x):
    eps = Fraction(1, 10**9)
    assert abs(bcr_score(x + eps) - bcr_score(x)) <= 50 * eps


def test_financial_score_from_present_values():
    assert financial_score(300, 100) == Fraction(175, 2)
    assert financial_score(1, 0) == 100
    assert financial_score(0, 0) == 0
    assert financial_score(0, 100) == 0


def test_non_financial_score_equal_and_given_weights():
    equal = [Criterion("P", c, Decimal(s)) for c, s in zip("abc", (5, 4, 0), strict=True)]
    assert non_financial_score(equal) == 60  # mean 3 x 20
    weighted = [Criterion("P", "a", Decimal(5), Decimal("0.25")),
                Criterion("P", "b", Decimal(1), Decimal("0.75"))]
    assert non_financial_score(weighted) == 40  # (1.25 + 0.75) x 20
    assert non_financial_score([]) is None
    # relative weights need not sum to 100%
    assert non_financial_score([Criterion("P", "a", Decimal(5), Decimal(3)),
                                Criterion("P", "b", Decimal(1), Decimal(1))]) == 80


@pytest.mark.parametrize(
    ("criteria", "message"),
    [
        ([Criterion("P", "a", Decimal(6))], "between 0 and 5"),
        ([Criterion("P", "k", Decimal(3))], "a to j"),
        ([Criterion("P", "a", Decimal(3)), Criterion("P", "a", Decimal(4))], "more than once"),
        ([Criterion("P", "a", Decimal(3), Decimal(1)), Criterion("P", "b", Decimal(4))],
         "some criteria have a weight"),
        ([Criterion("P", "a", Decimal(3), Decimal(0))], "zero"),
        ([Criterion("P", "a", Decimal(3), Decimal(-1))], "negative"),
    ],
)
def test_non_financial_bad_input_is_reported(criteria, message):
    with pytest.raises(ValueError, match=message):
        non_financial_score(criteria)


def test_investment_score_blends_financial_and_non_financial():
    criteria = (Criterion("TEN", "a", Decimal(4)), Criterion("TEN", "b", Decimal(5)),
                Criterion("OTHER", "a", Decimal(0)))
    a = run(TEN, TEN_FLOWS, criteria)
    assert a.criteria_count == 2
    assert a.non_financial_score == 90.0
    assert not a.financial_only
    assert a.score == pytest.approx(0.6 * 25 + 0.4 * 90)  # 51
    assert run(TEN, TEN_FLOWS, criteria, weight=Decimal(1)).score == 25.0
    assert run(TEN, TEN_FLOWS, criteria, weight=Decimal(0)).score == 90.0
    with pytest.raises(ValueError, match="financial_weight"):
        run(TEN, TEN_FLOWS, criteria, weight=Decimal("1.5"))


# ----------------------------------------------------------------- sensitivity and JSON


def test_sensitivity_cases():
    p = Project("S", "S", lead="MBC", optimism_bias=Decimal("0.1"))
    flows = [cf("one_off_cost", 0, 100_000, "S"), cf("saving", 1, 60_000, "S"),
             cf("saving", 2, 60_000, "S")]
    a = run(p, flows)
    cases = dict(a.sensitivity)
    assert list(cases) == [
        "discount rate 0%", "discount rate 1.5%", "discount rate 3.5%", "discount rate 5%",
        "discount rate 7%", "optimism bias 0%", "optimism bias 24%", "optimism bias 41%",
    ]
    assert cases["discount rate 0%"] == 120_000 - 110_000
    assert cases["discount rate 3.5%"] == a.npv
    assert cases["optimism bias 0%"] == a.npv + 10_000
    assert cases["optimism bias 41%"] == a.npv - 31_000
    # 5%: 60000/1.05 + 60000/1.05^2 = 111564.625... less 110000
    assert cases["discount rate 5%"] == 1_565
    # NPV falls as the rate rises
    rates = [v for k, v in a.sensitivity if k.startswith("discount")]
    assert rates == sorted(rates, reverse=True)


def test_appraisal_json_shape():
    a = run(TEN, TEN_FLOWS, (Criterion("TEN", "a", Decimal(3)),))
    j = a.as_json()
    assert list(j) == [
        "project", "name", "approved", "pv_costs", "pv_benefits", "npv", "bcr", "irr",
        "payback_years", "discounted_payback_years", "switching_value", "financial_score",
        "non_financial_score", "score", "financial_only", "sensitivity",
    ]
    assert j["pv_costs"] == "1000.00" and j["npv"] == "0.00"
    assert j["bcr"] == 1.0 and j["irr"] == 0.1 and j["payback_years"] == 1.743802
    assert j["score"] == 39.0 and j["financial_only"] is False and j["approved"] is True
    assert run(Project("TEN", "TEN", lead="MBC", discount_rate=Decimal("0.1"),
                       approved=False), TEN_FLOWS, ()).as_json()["approved"] is False
    assert j["sensitivity"][0] == {"case": "discount rate 0%", "npv": "155.00"}
    nothing = run(Project("P", "P", lead="MBC"), []).as_json()
    assert nothing["irr"] is None and nothing["bcr"] is None and nothing["npv"] == "0.00"


# ----------------------------------------------------------------- portfolio


def test_portfolio_hand_worked():
    zero = Decimal(0)
    a = run(Project("A", "A", lead="MBC", discount_rate=zero),
            [cf("one_off_cost", 0, 100_00, "A"), cf("saving", 1, 200_00, "A")])
    b = run(Project("B", "B", lead="SBC", discount_rate=zero),
            [cf("one_off_cost", 0, 300_00, "B"), cf("saving", 1, 300_00, "B")])
    assert (a.score, b.score) == (75.0, 25.0)
    pf = portfolio([a, b], {"A": {"MBC": 1, "SBC": 1, "TWBC": 1},
                            "B": {"SBC": Fraction(1, 4), "TWBC": Fraction(3, 4)}})
    assert pf.npv == 100_00
    assert (pf.pv_costs, pf.pv_benefits) == (400_00, 500_00)
    assert pf.bcr == 1.25
    assert pf.score == pytest.approx((75 * 100 + 25 * 300) / 400)  # 37.5
    parties = {p.party: p for p in pf.parties}
    assert list(parties) == ["MBC", "SBC", "TWBC"]
    # A's 10000p costs split 3334/3333/3333 and its 20000p benefits 6667/6667/6666 (equal
    # remainders: the left-over pennies go by party code); B's are split 1:3
    assert parties["MBC"].pv_costs == 3_334 and parties["MBC"].pv_benefits == 6_667
    assert parties["SBC"].pv_costs == 3_333 + 7_500
    assert parties["TWBC"].pv_costs == 3_333 + 22_500
    assert parties["MBC"].return_per_pound == pytest.approx(6_667 / 3_334)
    assert parties["TWBC"].npv == parties["TWBC"].pv_benefits - parties["TWBC"].pv_costs
    assert len(pf.shares) == 5
    assert pf.as_json() == {
        "npv": "100.00", "bcr": 1.25, "score": 37.5,
        "parties": [
            {"party": "MBC", "pv_costs": "33.34", "pv_benefits": "66.67",
             "return_per_pound": round(6_667 / 3_334, 6)},
            {"party": "SBC", "pv_costs": "108.33", "pv_benefits": "141.67",
             "return_per_pound": round(14_167 / 10_833, 6)},
            {"party": "TWBC", "pv_costs": "258.33", "pv_benefits": "291.66",
             "return_per_pound": round(29_166 / 25_833, 6)},
        ],
    }


def test_portfolio_without_costs_and_missing_weights():
    benefits_only = run(Project("A", "A", lead="MBC"), [cf("saving", 1, 100, "A")])
    pf = portfolio([benefits_only], {"A": {"MBC": 1}})
    assert pf.bcr is None and pf.score is None
    assert pf.parties[0].return_per_pound is None
    empty = portfolio([], {})
    assert (empty.npv, empty.bcr, empty.score, empty.parties) == (0, None, None, ())
    with pytest.raises(KeyError, match="A"):
        portfolio([benefits_only], {})


project_case = st.tuples(
    st.lists(st.integers(0, 10**9), min_size=6, max_size=6),
    st.lists(st.integers(0, 10**9), min_size=6, max_size=6),
    st.dictionaries(st.sampled_from(["MBC", "SBC", "TWBC", "KCC"]),
                    st.integers(1, 10**6), min_size=1),
    st.sampled_from([Decimal(0), Decimal("0.035"), Decimal("0.07")]),
    st.sampled_from([None, Decimal("0.24"), Decimal("0.41")]),
)


@given(st.lists(project_case, max_size=5))
def test_portfolio_party_shares_sum_exactly_to_totals(cases):
    appraisals = []
    weights = {}
    for i, (costs, benefits, w, rate, bias) in enumerate(cases):
        code = f"P{i}"
        flows = [cf("one_off_cost", t, c, code) for t, c in enumerate(costs)]
        flows += [cf("saving", t, b, code) for t, b in enumerate(benefits)]
        appraisals.append(run(Project(code, code, lead="MBC", discount_rate=rate,
                                      optimism_bias=bias), flows))
        weights[code] = w
    pf = portfolio(appraisals, weights)
    assert sum(p.pv_costs for p in pf.parties) == pf.pv_costs
    assert sum(p.pv_benefits for p in pf.parties) == pf.pv_benefits
    assert pf.pv_costs == sum(a.pv_costs for a in appraisals)
    assert pf.npv == sum(a.npv for a in appraisals)
    for a in appraisals:
        # rounded once: within a penny of the rounded difference
        assert abs(a.npv - (a.pv_benefits - a.pv_costs)) <= 1
        assert 0 <= a.financial_score <= 100


def test_module_constants():
    assert investments.HORIZON == 6
    assert [str(r) for r in investments.RATE_CASES] == ["0", "0.015", "0.035", "0.05", "0.07"]
