"""Five-year investment appraisal and the partnership's overall investment score (Annex A §5.2).

Governance basis, Annex A §5.2: *"Finances will also be considered in all projects
including an investment profile, including an investment score for an investment over
5 years. This will be used for existing services and for potential future services and
will produce an overall investment score for MKIP to show the value and return partners
receive from the MKIP partnership."*

Conventions used throughout this module
---------------------------------------

* **Units.** Cash flows come in as integer pence (``Cashflow.amount``, positive).
  Every intermediate figure is kept *exact* (``fractions.Fraction`` of pence), so the
  uplifted yearly costs, benefits, net flows and discount factors in an
  :class:`Appraisal` are ``Fraction`` objects.  The reported money figures
  (``pv_costs``, ``pv_benefits``) are integer pence, each rounded **once**, half away
  from zero, with :func:`finance.core.money.round_pence`; ``npv`` is their difference.
* **Sign convention.** Costs and benefits are both positive amounts; a yearly *net
  flow* is ``benefits - costs`` (negative in an investment year).  NPV is positive
  when the project is worth doing.
* **Years.** ``year_index`` 0..5; year 0 is today (undiscounted), year *t* is
  discounted by ``(1 + r)^t``.
* **Costs** are ``one_off_cost + recurring_cost``, uplifted by the Green Book optimism
  bias: ``cost_t x (1 + optimism_bias)`` (a blank bias is 0%).  **Benefits** are
  ``saving + income`` and are not adjusted.
* **NPV rounding choice.** ``npv = pv_benefits - pv_costs``: the difference of the two
  present values as shown, each rounded once, so the page's own subtraction gives the
  NPV shown (and the parties' NPVs add up to the portfolio's).  The NPV carries the
  penny: it can differ by one penny from the exact difference rounded once
  (docs/calculations.md).  The sensitivity NPVs, shown without their parts, are the
  exact differences rounded once.

Worked example: a £100,000 set-up cost in year 0, £10,000 a year running costs and
£40,000 a year savings in years 1..5, no optimism bias, Green Book 3.5%:

>>> from decimal import Decimal
>>> from finance.core.model import Cashflow, Project
>>> p = Project("HR", "Shared HR", lead="MBC")
>>> flows = [Cashflow("HR", 0, "one_off_cost", 10_000_000)]
>>> flows += [Cashflow("HR", t, "recurring_cost", 1_000_000) for t in range(1, 6)]
>>> flows += [Cashflow("HR", t, "saving", 4_000_000) for t in range(1, 6)]
>>> a = appraise(p, flows, [], default_discount_rate=Decimal("0.035"),
...              financial_weight=Decimal("0.6"))
>>> a.pv_costs, a.pv_benefits, a.npv
(14515052, 18060210, 3545158)

Here the exact PVs are 14,515,052.4p and 18,060,209.7p, rounded once each; the NPV is
18,060,210 - 14,515,052 = 3,545,158p, a penny more than the exact difference
(3,545,157.3p) rounded (see the NPV rounding choice above).

>>> round(a.bcr, 4), round(a.irr, 4), round(a.payback_years, 4)
(1.2442, 0.1524, 3.3333)
>>> a.financial_only, round(a.score, 2)  # no criteria: 25 + (1.2442 - 1) x 50
(True, 37.21)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise
from typing import Any

from finance.core.apportion import Weight, apportion
from finance.core.model import (
    BENEFIT_KINDS,
    COST_KINDS,
    CRITERIA,
    Cashflow,
    Criterion,
    Project,
)
from finance.core.money import fmt_pounds, round_pence

__all__ = [
    "HORIZON",
    "OPTIMISM_BIAS_CASES",
    "RATE_CASES",
    "VFM_BANDS",
    "Appraisal",
    "PartyReturn",
    "Portfolio",
    "ProjectShare",
    "appraise",
    "bcr_score",
    "discount_factors",
    "financial_score",
    "irr",
    "irr_rates",
    "non_financial_score",
    "payback",
    "portfolio",
    "present_value",
]

HORIZON = 6  # year indices 0..5: "an investment over 5 years" (Annex A §5.2)

#: Value-for-money bands for the financial score: (BCR, score) points joined by straight
#: lines; BCR at or above the last point scores 100 (Annex A §5.2).
VFM_BANDS: tuple[tuple[Fraction, Fraction], ...] = (
    (Fraction(0), Fraction(0)),
    (Fraction(1), Fraction(25)),
    (Fraction(3, 2), Fraction(50)),
    (Fraction(2), Fraction(75)),
    (Fraction(4), Fraction(100)),
)

#: Sensitivity cases: discount rates (the project's optimism bias kept) ...
RATE_CASES: tuple[Decimal, ...] = tuple(
    Decimal(x) for x in ("0", "0.015", "0.035", "0.05", "0.07")
)
#: ... and optimism-bias uplifts (the project's discount rate kept).
OPTIMISM_BIAS_CASES: tuple[Decimal, ...] = tuple(Decimal(x) for x in ("0", "0.24", "0.41"))

# Relative tolerance for "NPV at this rate is zero" when checking an IRR found by
# numpy-financial (floating point polynomial roots).
_IRR_TOLERANCE = 1e-9
# Two IRRs closer than this are the same root found twice (a repeated root).
_IRR_SAME_ROOT = 1e-6


# --------------------------------------------------------------------------- helpers


def _fraction(x: Decimal | Fraction | int) -> Fraction:
    return x if isinstance(x, Fraction) else Fraction(x)


def _round6(x: float | None) -> float | None:
    return None if x is None else round(float(x), 6)


def _pct_label(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


def discount_factors(rate: Decimal | Fraction, years: int = HORIZON) -> tuple[Fraction, ...]:
    """Exact discount factors ``1 / (1 + r)^t`` for ``t = 0 .. years-1``; year 0 is 1.

    HM Treasury Green Book 3.5% factors (to 4 d.p.: 1.0000, 0.9662, 0.9335, 0.9019,
    0.8714, 0.8420):

    >>> [round(float(f), 4) for f in discount_factors(Decimal("0.035"))]
    [1.0, 0.9662, 0.9335, 0.9019, 0.8714, 0.842]
    """
    r = _fraction(rate)
    if r <= -1:
        raise ValueError(f"a discount rate of {rate} would divide by zero or less")
    return tuple(1 / (1 + r) ** t for t in range(years))


def present_value(flows: Sequence[Fraction | int], rate: Decimal | Fraction) -> Fraction:
    """Exact present value ``PV(x) = sum_t x_t / (1 + r)^t`` (year 0 undiscounted).

    Units are those of ``flows`` (pence here); the result is an exact ``Fraction``,
    not rounded: round it once with ``round_pence`` where a money figure is reported.
    The numpy-financial ``npv`` example (8%, -40000, 5000, 8000, 12000, 30000 gives
    3065.22267):

    >>> round(float(present_value([-40_000, 5_000, 8_000, 12_000, 30_000], Decimal("0.08"))), 5)
    3065.22267
    """
    factors = discount_factors(rate, len(flows))
    return sum((Fraction(x) * f for x, f in zip(flows, factors, strict=True)), Fraction(0))


def irr_rates(flows: Sequence[Fraction | int | float]) -> tuple[float, ...]:
    """Every distinct rate ``r > -1`` at which ``sum_t flow_t / (1 + r)^t = 0``, ascending.

    Found as the positive real roots ``x = 1 / (1 + r)`` of the polynomial
    ``sum_t flow_t x^t`` (the method numpy-financial uses), each one checked by putting
    it back into the NPV (relative tolerance 1e-9), repeated roots counted once.
    Flows that are all zero, or never change sign, have no rate.

    The classic two-root case, -100 now, +230, -132 (10% and 20% both solve it):

    >>> [round(r, 6) for r in irr_rates([-100, 230, -132])]
    [0.1, 0.2]
    >>> irr_rates([100, 50]), irr_rates([0, 0, 0])
    ((), ())
    """
    import numpy as np

    values = [float(v) for v in flows]
    signs = [v > 0 for v in values if v != 0]
    if not signs or all(signs) or not any(signs):
        return ()
    roots = np.roots(values[::-1])
    found: list[float] = []
    for root in roots:
        x = complex(root)
        if x.real <= 0 or abs(x.imag) > 1e-9 * abs(x):
            continue
        rate = 1 / x.real - 1
        if _npv_is_zero(values, rate) and all(abs(rate - f) > _IRR_SAME_ROOT for f in found):
            found.append(rate)
    return tuple(sorted(found))


def _npv_is_zero(values: Sequence[float], rate: float) -> bool:
    if rate <= -1 or rate != rate:
        return False
    terms = [v / (1 + rate) ** t for t, v in enumerate(values)]
    scale = sum(abs(t) for t in terms)
    return scale > 0 and abs(sum(terms)) <= _IRR_TOLERANCE * scale


def irr(flows: Sequence[Fraction | int | float]) -> float | None:
    """Internal rate of return of yearly net flows, or ``None`` where no single rate solves it.

    Computed with ``numpy_financial.irr`` (the rate ``r`` with
    ``sum_t flow_t / (1 + r)^t = 0``), then guarded so that a wrong or arbitrary root is
    never reported silently:

    * all flows zero, or no change of sign -> ``None`` (no rate solves it);
    * numpy-financial finds no root (``nan``) -> ``None``;
    * the returned rate does not make the NPV zero (relative tolerance 1e-9) -> ``None``;
    * several different rates solve it (possible when the flows change sign more than
      once) -> ``None``: the IRR is ambiguous; :func:`irr_rates` lists them.

    The numpy-financial worked example (28.095%):

    >>> round(irr([-100, 39, 59, 55, 20]), 5)
    0.28095
    >>> irr([-100, 230, -132]) is None, irr([0, 0]) is None, irr([-5, -5]) is None
    (True, True, True)
    """
    import numpy_financial as npf

    values = [float(v) for v in flows]
    signs = [v > 0 for v in values if v != 0]
    if not signs or all(signs) or not any(signs):
        return None
    rate = float(npf.irr(values))
    if not _npv_is_zero(values, rate):
        return None
    changes = sum(1 for a, b in pairwise(signs) if a != b)
    if changes > 1:
        rates = irr_rates(values)
        if len(rates) != 1 or abs(rates[0] - rate) > _IRR_SAME_ROOT:
            return None
    return rate


def payback(flows: Sequence[Fraction | int]) -> Fraction | None:
    """Years until the cumulative net flow is paid back for good, interpolated within the year.

    ``flows`` are yearly net flows (benefits - costs) for years 0, 1, 2, ...; pass
    discounted flows for the discounted payback.  Let ``cum_t`` be the cumulative flow to
    the end of year *t*.  Payback happens in the first year *t* after which the cumulative
    never falls below zero again (a later re-investment that puts the project back into
    deficit moves payback later: the cautious reading).  Within that year the flow is
    taken to arrive evenly, so

        ``payback = (t - 1) + (-cum_{t-1}) / flow_t``      (years, exact)

    If the cumulative flow is never negative the project pays back at once: ``0``.
    ``None`` when the cumulative is still negative at the last year (never paid back)
    or when every flow is zero (nothing to pay back).

    >>> payback([-100, 60, 60])
    Fraction(5, 3)
    >>> payback([-100, 30, 30]) is None, payback([50, 10]), payback([0, 0]) is None
    (True, Fraction(0, 1), True)
    >>> payback([-100, 150, -100, 100])  # back in deficit in year 2, repaid in year 3
    Fraction(5, 2)
    """
    cum: list[Fraction] = []
    running = Fraction(0)
    for x in flows:
        running += Fraction(x)
        cum.append(running)
    if not cum or all(Fraction(x) == 0 for x in flows):
        return None
    if cum[-1] < 0:
        return None
    t = len(cum)
    while t > 0 and cum[t - 1] >= 0:
        t -= 1
    # cum[t] is the first of the non-negative tail; cum[t-1] < 0 when t > 0.
    if t == 0:
        return Fraction(0)
    return (t - 1) + (-cum[t - 1]) / Fraction(flows[t])


def bcr_score(bcr: Fraction | Decimal | int) -> Fraction:
    """Financial score 0..100 for a benefit-cost ratio, piecewise linear (Annex A §5.2).

    Through the value-for-money band points (BCR -> score): 0 -> 0, 1 -> 25,
    1.5 -> 50, 2 -> 75, 4 -> 100; 100 for BCR at or above 4, 0 at or below 0.
    Exact: ``score = s0 + (bcr - b0) x (s1 - s0) / (b1 - b0)`` on the band
    ``b0 <= bcr <= b1``.

    >>> [float(bcr_score(Fraction(b))) for b in ("1", "1.25", "3", "5")]
    [25.0, 37.5, 87.5, 100.0]
    """
    b = _fraction(bcr)
    if b <= VFM_BANDS[0][0]:
        return VFM_BANDS[0][1]
    for (b0, s0), (b1, s1) in pairwise(VFM_BANDS):
        if b <= b1:
            return s0 + (b - b0) * (s1 - s0) / (b1 - b0)
    return VFM_BANDS[-1][1]


def financial_score(pv_benefits: Fraction | int, pv_costs: Fraction | int) -> Fraction:
    """Financial score 0..100 from the present values: ``bcr_score(PV(b) / PV(c))``.

    Where there is no BCR (no costs): benefits with no cost at all are the best
    value there is and score 100; a project with neither costs nor benefits scores 0.

    >>> financial_score(150, 100), financial_score(5, 0), financial_score(0, 0)
    (Fraction(50, 1), Fraction(100, 1), Fraction(0, 1))
    """
    c, b = Fraction(pv_costs), Fraction(pv_benefits)
    if c == 0:
        return Fraction(100) if b > 0 else Fraction(0)
    return bcr_score(b / c)


def non_financial_score(criteria: Sequence[Criterion]) -> Fraction | None:
    """Non-financial score 0..100: weighted mean of the §13.5 criteria scores x 20.

    ``score = 20 x sum_i(w_i x s_i) / sum_i(w_i)``, scores ``s_i`` on 0..5, criteria
    (a)..(j) of §13.5 (*"To improve the quality of service to communities; ... To impact
    and improve on external assessments and measures"*).  Weights are relative (they
    need not add to 100%); when every weight is blank the criteria count equally.
    ``None`` when no criterion was scored.

    Bad input is reported, not guessed at: a score outside 0..5, a criterion
    other than a..j, the same criterion twice, a negative weight, weights all zero, or a
    mix of blank and given weights raises ``ValueError``.

    >>> from finance.core.model import Criterion
    >>> float(non_financial_score([Criterion("P", "a", Decimal(4)),
    ...                            Criterion("P", "b", Decimal(3))]))
    70.0
    >>> float(non_financial_score([Criterion("P", "a", Decimal(5), Decimal("0.25")),
    ...                            Criterion("P", "b", Decimal(1), Decimal("0.75"))]))
    40.0
    """
    if not criteria:
        return None
    seen: set[str] = set()
    for c in criteria:
        code = c.criterion.strip().lower()
        where = f"project {c.project}, criterion {c.criterion!r}"
        if code not in CRITERIA:
            raise ValueError(f"{where}: criteria are a to j of §13.5")
        if code in seen:
            raise ValueError(f"{where}: scored more than once")
        seen.add(code)
        if not 0 <= c.score <= 5:
            raise ValueError(f"{where}: score {c.score} is not between 0 and 5")
        if c.weight is not None and c.weight < 0:
            raise ValueError(f"{where}: weight {c.weight} is negative")
    blanks = [c.weight is None for c in criteria]
    if any(blanks) and not all(blanks):
        raise ValueError(
            f"project {criteria[0].project}: some criteria have a weight and some do not; "
            "give every criterion a weight or none"
        )
    weights = [Fraction(1) if c.weight is None else Fraction(c.weight) for c in criteria]
    total = sum(weights, Fraction(0))
    if total == 0:
        raise ValueError(f"project {criteria[0].project}: every criterion weight is zero")
    mean = sum((w * Fraction(c.score) for w, c in zip(weights, criteria, strict=True)),
               Fraction(0)) / total
    return mean * 20


# --------------------------------------------------------------------------- appraisal


@dataclass(frozen=True, slots=True)
class Appraisal:
    """One project's five-year investment case (Annex A §5.2).

    ``costs``, ``benefits``, ``net_flows`` and ``discount_factors`` are six exact
    ``Fraction`` values for years 0..5 (pence; costs already uplifted by optimism bias;
    ``net = benefits - costs``).  ``pv_costs``, ``pv_benefits`` and ``npv`` are integer
    pence, each rounded once (``npv`` from the exact PVs, see the module notes).
    Ratios (``bcr``, ``irr``, ``switching_value``), years and scores are floats, or
    ``None`` where the figure does not exist.  ``irr_rates`` lists every rate that solves
    the NPV (more than one means the IRR is ambiguous and ``irr`` is ``None``).
    ``sensitivity`` is ``(label, npv_pence)`` for each case.  ``approved`` is the
    project's approval: an unapproved business case is appraised and scored all the same,
    but creates no settlement obligation (§18.1(b)).

    Fields:
        project: the project code.
        name: the project's name.
        service: the code of the service whose participants share its costs (``None``:
            every paying voting party equally).
        lead: the party code of the lead council (§18.1(b)).
        start_year: the financial year of year 0, ``"2025-26"``: the project's own, else
            the year run (``None``: neither given).
        discount_rate: the rate used, a ``Decimal`` fraction (0.035 for 3.5%): the
            project's own, else the settings' ``discount_rate``.
        optimism_bias: the uplift applied to costs, a ``Decimal`` fraction (0.24 for 24%;
            0 when the project gives none).
        costs: the costs of years 0..5 (``one_off_cost + recurring_cost``), uplifted by
            ``optimism_bias``, exact ``Fraction`` s of pence.
        benefits: the benefits of years 0..5 (``saving + income``), not adjusted, exact
            ``Fraction`` s of pence.
        net_flows: ``benefits - costs`` for years 0..5, exact ``Fraction`` s of pence
            (negative in a year of investment).
        discount_factors: ``1 / (1 + discount_rate)^t`` for years 0..5, exact
            ``Fraction`` s (year 0 is 1).
        pv_costs: the present value of ``costs``, pence, rounded once, half away from zero.
        pv_benefits: the present value of ``benefits``, pence, rounded once.
        npv: the net present value, pence: ``pv_benefits - pv_costs`` (it carries the
            penny: it may differ by one from the exact difference rounded once).
        bcr: the benefit-cost ratio ``PV(benefits) / PV(costs)``, a float (1.25);
            ``None`` without costs.
        irr: the internal rate of return of ``net_flows``, a float fraction (0.15 for
            15%); ``None`` when no rate, or more than one, makes the NPV zero.
        irr_rates: every rate that makes the NPV zero, float fractions, ascending.
        payback_years: the years until the cumulative net flow is paid back for good, a
            float, interpolated within the year; ``None``: never paid back, or every
            flow is zero.
        discounted_payback_years: the same, on the discounted net flows.
        switching_value: ``NPV / PV(benefits)``, a float fraction (0.3 for 30%): how far
            benefits can fall before the NPV reaches zero (negative when the NPV is);
            ``None`` when ``PV(benefits)`` is 0.
        financial_score: the financial score, a float 0..100, from the benefit-cost ratio
            by :data:`VFM_BANDS` (100 with benefits and no costs; 0 with neither).
        non_financial_score: 20 x the weighted mean of the §13.5 criteria scores, a float
            0..100; ``None`` when no criterion was scored.
        score: the project's investment score, a float 0..100: ``financial_weight`` x
            the financial score + the rest x the non-financial score, or the financial
            score alone when ``financial_only``.
        financial_only: ``True`` when no criterion was scored, so ``score`` is the
            financial score alone.
        criteria_count: the number of criteria scored for the project.
        sensitivity: ``(case, NPV in pence)`` for each case: discount rates 0%, 1.5%,
            3.5%, 5% and 7% at the project's optimism bias (``"discount rate 3.5%"``),
            then optimism bias 0%, 24% and 41% at the project's rate
            (``"optimism bias 24%"``).
        approved: the project's approval (the ``approved`` column; yes when blank): only
            an approved project's set-up cost creates settlement obligations (§18.1(b)).
    """

    project: str
    name: str
    service: str | None
    lead: str
    start_year: str | None
    discount_rate: Decimal
    optimism_bias: Decimal
    costs: tuple[Fraction, ...]
    benefits: tuple[Fraction, ...]
    net_flows: tuple[Fraction, ...]
    discount_factors: tuple[Fraction, ...]
    pv_costs: int
    pv_benefits: int
    npv: int
    bcr: float | None
    irr: float | None
    irr_rates: tuple[float, ...]
    payback_years: float | None
    discounted_payback_years: float | None
    switching_value: float | None
    financial_score: float
    non_financial_score: float | None
    score: float
    financial_only: bool
    criteria_count: int
    sensitivity: tuple[tuple[str, int], ...]
    approved: bool = True

    def as_json(self) -> dict[str, Any]:
        """The result's ``investments`` item (docs/json.md), plus ``name``, ``approved``,
        ``financial_only`` and ``sensitivity``.

        Money is a two-decimal string of pounds; ratios, years and scores are floats
        rounded to 6 d.p.; a figure that does not exist is ``None`` (JSON ``null``).
        """
        return {
            "project": self.project,
            "name": self.name,
            "approved": self.approved,
            "pv_costs": fmt_pounds(self.pv_costs),
            "pv_benefits": fmt_pounds(self.pv_benefits),
            "npv": fmt_pounds(self.npv),
            "bcr": _round6(self.bcr),
            "irr": _round6(self.irr),
            "payback_years": _round6(self.payback_years),
            "discounted_payback_years": _round6(self.discounted_payback_years),
            "switching_value": _round6(self.switching_value),
            "financial_score": _round6(self.financial_score),
            "non_financial_score": _round6(self.non_financial_score),
            "score": _round6(self.score),
            "financial_only": self.financial_only,
            "sensitivity": [{"case": label, "npv": fmt_pounds(v)} for label, v in self.sensitivity],
        }


def _yearly(
    project: str, cashflows: Sequence[Cashflow]
) -> tuple[tuple[Fraction, ...], tuple[Fraction, ...]]:
    """Raw (not uplifted) yearly costs and benefits of one project, pence."""
    costs = [Fraction(0)] * HORIZON
    benefits = [Fraction(0)] * HORIZON
    for cf in cashflows:
        if cf.project != project:
            continue
        if not 0 <= cf.year_index < HORIZON:
            raise ValueError(
                f"project {project}: year_index {cf.year_index} is outside 0..{HORIZON - 1}"
            )
        if cf.kind in COST_KINDS:
            costs[cf.year_index] += cf.amount
        elif cf.kind in BENEFIT_KINDS:
            benefits[cf.year_index] += cf.amount
        else:
            raise ValueError(f"project {project}: cash flow kind {cf.kind!r} is not known")
    return tuple(costs), tuple(benefits)


def _uplift(costs: Sequence[Fraction], bias: Decimal) -> tuple[Fraction, ...]:
    k = 1 + Fraction(bias)
    return tuple(c * k for c in costs)


def _npv_exact(
    raw_costs: Sequence[Fraction], benefits: Sequence[Fraction], rate: Decimal, bias: Decimal
) -> Fraction:
    return present_value(benefits, rate) - present_value(_uplift(raw_costs, bias), rate)


def appraise(
    project: Project,
    cashflows: Sequence[Cashflow],
    criteria: Sequence[Criterion],
    *,
    default_discount_rate: Decimal,
    financial_weight: Decimal,
    start_year: str | None = None,
) -> Appraisal:
    """Appraise one project over years 0..5 (Annex A §5.2).

    Only the ``cashflows`` and ``criteria`` whose ``project`` matches are used, so the
    whole book's tables may be passed.  Formulas (exact ``Fraction`` arithmetic, pence):

    * ``cost_t = (one_off_cost_t + recurring_cost_t) x (1 + optimism_bias)``;
      ``benefit_t = saving_t + income_t``; ``net_t = benefit_t - cost_t``
    * ``r`` = the project's ``discount_rate``, else ``default_discount_rate``
    * ``PV(x) = sum_t x_t / (1 + r)^t``; ``pv_costs``, ``pv_benefits`` rounded once each;
      ``npv = pv_benefits - pv_costs`` (the NPV carries the penny)
    * ``bcr = PV(b) / PV(c)`` (``None`` without costs); ``irr`` of ``net_t`` (:func:`irr`)
    * ``payback_years`` / ``discounted_payback_years``: :func:`payback` of ``net_t`` /
      of ``net_t / (1 + r)^t``
    * ``switching_value = NPV / PV(b)``: the fraction by which benefits can fall before
      NPV reaches zero (negative when NPV is negative: benefits would have to *rise*);
      ``None`` when ``PV(b) = 0``
    * ``financial_score`` = :func:`financial_score`; ``non_financial_score`` =
      :func:`non_financial_score`; ``score = w x financial + (1 - w) x non_financial``
      with ``w = financial_weight``, or the financial score alone, flagged
      ``financial_only``, when no criterion was scored
    * ``sensitivity``: NPV (pence, rounded once) at discount rates 0%, 1.5%, 3.5%, 5%,
      7% with the project's optimism bias, and at optimism bias 0%, 24%, 41% at the
      project's rate

    ``start_year`` is used when the project gives none (default: the year being
    run).

    >>> from finance.core.model import Cashflow, Criterion, Project
    >>> p = Project("IT", "Shared IT", lead="SBC", optimism_bias=Decimal("0.1"),
    ...             discount_rate=Decimal("0"))
    >>> a = appraise(p, [Cashflow("IT", 0, "one_off_cost", 10_000),
    ...                  Cashflow("IT", 1, "saving", 8_000), Cashflow("IT", 2, "saving", 8_000)],
    ...              [Criterion("IT", "a", Decimal(4))], default_discount_rate=Decimal("0.035"),
    ...              financial_weight=Decimal("0.6"))
    >>> a.costs[0], a.pv_costs, a.pv_benefits, a.npv, a.payback_years
    (Fraction(11000, 1), 11000, 16000, 5000, 1.375)
    >>> round(a.switching_value, 4), round(a.financial_score, 4), a.non_financial_score
    (0.3125, 47.7273, 80.0)
    >>> round(a.score, 4)  # 0.6 x 47.7273 + 0.4 x 80
    60.6364
    """
    rate = project.discount_rate if project.discount_rate is not None else default_discount_rate
    bias = project.optimism_bias if project.optimism_bias is not None else Decimal(0)
    fw = Fraction(financial_weight)
    if not 0 <= fw <= 1:
        raise ValueError(f"financial_weight {financial_weight} is not between 0% and 100%")

    raw_costs, benefits = _yearly(project.project, cashflows)
    costs = _uplift(raw_costs, bias)
    net = tuple(b - c for b, c in zip(benefits, costs, strict=True))
    factors = discount_factors(rate)
    pvc = present_value(costs, rate)
    pvb = present_value(benefits, rate)
    npv_exact = pvb - pvc

    disc_net = tuple(x * f for x, f in zip(net, factors, strict=True))
    simple = payback(net)
    discounted = payback(disc_net)

    own = [c for c in criteria if c.project == project.project]
    fin = financial_score(pvb, pvc)
    nonfin = non_financial_score(own)
    score = fin if nonfin is None else fw * fin + (1 - fw) * nonfin

    sensitivity: list[tuple[str, int]] = []
    for r in RATE_CASES:
        label = f"discount rate {_pct_label(r)}"
        sensitivity.append((label, round_pence(_npv_exact(raw_costs, benefits, r, bias))))
    for ob in OPTIMISM_BIAS_CASES:
        label = f"optimism bias {_pct_label(ob)}"
        sensitivity.append((label, round_pence(_npv_exact(raw_costs, benefits, rate, ob))))

    return Appraisal(
        project=project.project,
        name=project.name,
        service=project.service,
        lead=project.lead,
        start_year=project.start_year or start_year,
        discount_rate=rate,
        optimism_bias=bias,
        costs=costs,
        benefits=benefits,
        net_flows=net,
        discount_factors=factors,
        pv_costs=round_pence(pvc),
        pv_benefits=round_pence(pvb),
        npv=round_pence(pvb) - round_pence(pvc),
        bcr=float(pvb / pvc) if pvc != 0 else None,
        irr=irr(net),
        irr_rates=irr_rates(net),
        payback_years=None if simple is None else float(simple),
        discounted_payback_years=None if discounted is None else float(discounted),
        switching_value=float(npv_exact / pvb) if pvb != 0 else None,
        financial_score=float(fin),
        non_financial_score=None if nonfin is None else float(nonfin),
        score=float(score),
        financial_only=nonfin is None,
        criteria_count=len(own),
        sensitivity=tuple(sensitivity),
        approved=project.approved,
    )


# --------------------------------------------------------------------------- portfolio


@dataclass(frozen=True, slots=True)
class ProjectShare:
    """One party's largest-remainder share of one project's PVs (pence), for the audit trail.

    Fields:
        project: the project code.
        party: the party code.
        pv_costs: its share of the project's ``pv_costs``, pence.
        pv_benefits: its share of the project's ``pv_benefits``, pence.
    """

    project: str
    party: str
    pv_costs: int
    pv_benefits: int


@dataclass(frozen=True, slots=True)
class PartyReturn:
    """One party's totals across the portfolio: PVs in pence, ``return_per_pound`` a float.

    ``return_per_pound = pv_benefits / pv_costs`` (``None`` when its PV costs are 0);
    ``npv = pv_benefits - pv_costs``.

    Fields:
        party: the party code.
        pv_costs: its shares of the projects' PV costs, summed, pence.
        pv_benefits: its shares of the projects' PV benefits, summed, pence.
        npv: ``pv_benefits - pv_costs``, pence.
        return_per_pound: ``pv_benefits / pv_costs``, a float: pounds of benefit for each
            pound of cost (1.5); ``None`` when its PV costs are 0.
    """

    party: str
    pv_costs: int
    pv_benefits: int
    npv: int
    return_per_pound: float | None

    def as_json(self) -> dict[str, Any]:
        return {
            "party": self.party,
            "pv_costs": fmt_pounds(self.pv_costs),
            "pv_benefits": fmt_pounds(self.pv_benefits),
            "return_per_pound": _round6(self.return_per_pound),
        }


@dataclass(frozen=True, slots=True)
class Portfolio:
    """The partnership's overall investment score (Annex A §5.2).

    Money in integer pence: ``npv``, ``pv_costs`` and ``pv_benefits`` are the sums of
    the projects' rounded figures (so the report's columns add up).  ``bcr`` and
    ``score`` are floats or ``None``.  ``parties`` is sorted by party code and its PVs
    add up exactly to the portfolio's; ``shares`` holds every project x party line.

    Fields:
        npv: the sum of the projects' ``npv``, pence.
        pv_costs: the sum of the projects' ``pv_costs``, pence.
        pv_benefits: the sum of the projects' ``pv_benefits``, pence.
        bcr: ``pv_benefits / pv_costs``, a float; ``None`` when ``pv_costs`` is 0.
        score: the overall investment score, a float 0..100: the projects' scores
            weighted by their ``pv_costs``; ``None`` when no project has costs.
        parties: each party's return, sorted by party code.
        shares: each project's PVs split between its parties (by the settlement rule of
            §18.1(b)), project by project, parties in code order.
    """

    npv: int
    pv_costs: int
    pv_benefits: int
    bcr: float | None
    score: float | None
    parties: tuple[PartyReturn, ...]
    shares: tuple[ProjectShare, ...]

    def as_json(self) -> dict[str, Any]:
        """The result's ``portfolio`` object (docs/json.md)."""
        return {
            "npv": fmt_pounds(self.npv),
            "bcr": _round6(self.bcr),
            "score": _round6(self.score),
            "parties": [p.as_json() for p in self.parties],
        }


def portfolio(
    appraisals: Sequence[Appraisal], project_weights: Mapping[str, Mapping[str, Weight]]
) -> Portfolio:
    """Overall investment score, portfolio NPV and BCR, and each party's return (Annex A §5.2).

    * ``npv = sum(npv_i)``, ``pv_costs = sum(pv_costs_i)``, ``pv_benefits = sum(pv_benefits_i)``
      (pence)
    * ``bcr = sum(pv_benefits_i) / sum(pv_costs_i)``, ``None`` without costs
    * ``score = sum(score_i x pv_costs_i) / sum(pv_costs_i)``: the mean of project scores
      weighted by PV of costs, ``None`` when no project has costs
    * per party: each project's ``pv_costs`` and ``pv_benefits`` split by
      ``apportion(total, project_weights[project])`` (largest remainder), then
      summed; ``return_per_pound = pv_benefits / pv_costs``

    ``project_weights[project]`` maps party code -> weight; the caller builds it by
    the settlement rule of §18.1(b) (the project's service participants on the
    service's basis, else all voting parties equally).  A project missing from it raises
    ``KeyError``.

    >>> a = appraise(Project("P", "P", lead="MBC"),
    ...              [Cashflow("P", 0, "one_off_cost", 100), Cashflow("P", 1, "saving", 301)], [],
    ...              default_discount_rate=Decimal(0), financial_weight=Decimal("0.6"))
    >>> pf = portfolio([a], {"P": {"MBC": 1, "SBC": 1, "TWBC": 1}})
    >>> pf.npv, pf.bcr, pf.score  # score: 75 + (3.01 - 2) x 12.5
    (201, 3.01, 87.625)
    >>> [(p.party, p.pv_costs, p.pv_benefits) for p in pf.parties]
    [('MBC', 34, 101), ('SBC', 33, 100), ('TWBC', 33, 100)]
    """
    shares: list[ProjectShare] = []
    totals: dict[str, list[int]] = {}
    for a in appraisals:
        if a.project not in project_weights:
            raise KeyError(f"no party weights given for project {a.project}")
        weights = project_weights[a.project]
        c_split = apportion(a.pv_costs, weights)
        b_split = apportion(a.pv_benefits, weights)
        for party in c_split:
            shares.append(ProjectShare(a.project, party, c_split[party], b_split[party]))
            t = totals.setdefault(party, [0, 0])
            t[0] += c_split[party]
            t[1] += b_split[party]

    pvc = sum(a.pv_costs for a in appraisals)
    pvb = sum(a.pv_benefits for a in appraisals)
    score: float | None = None
    if pvc != 0:
        weighted = sum((Fraction(a.score) * a.pv_costs for a in appraisals), Fraction(0))
        score = float(weighted / pvc)
    parties = tuple(
        PartyReturn(
            party=p,
            pv_costs=c,
            pv_benefits=b,
            npv=b - c,
            return_per_pound=float(Fraction(b, c)) if c != 0 else None,
        )
        for p, (c, b) in sorted(totals.items())
    )
    return Portfolio(
        npv=sum(a.npv for a in appraisals),
        pv_costs=pvc,
        pv_benefits=pvb,
        bcr=float(Fraction(pvb, pvc)) if pvc != 0 else None,
        score=score,
        parties=parties,
        shares=tuple(shares),
    )
