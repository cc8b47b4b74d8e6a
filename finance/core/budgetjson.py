"""The budget as JSON-ready data (docs/budget.md): parties by code, money a two-decimal
string of pounds, rates in pence with every digit kept, a figure that does not exist
``None``."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from finance import __version__
from finance.core.budget import Budget, BudgetYear, ServiceBudget
from finance.core.jsonout import rate_text, ratio
from finance.core.money import fmt_pounds as m
from finance.core.money import pounds_texts


def budget_json(b: Budget, input_sha256: str = "") -> dict[str, Any]:
    """The budget and its forecast.

    Shape, keys in this order::

        partnership, year, software_version, input_sha256, rate_step_pence, rounding,
        warnings[]
        year_before  {year, source, rate_pence, carry_over, central_budget,
                      services[{service, name, net_cost}],
                      parties[{party, contribution, services, total}]}
        years[]      {year, central_budget, central_source, use_of_balances,
                      paying_population, rate_needed_pence, rate_set_pence, rate_pence,
                      contributions_total, surplus, services_total, total,
                      fund{opening, contributions, central_budget, closing},
                      assumptions{inflation, rate_uplift, population_growth},
                      services[{service, name, host, basis, base, base_source,
                                items[{item, kind, amount, description}], inflation,
                                net_budget, rebased, parties[{party, share}]}]
                      (parties in the budget year only: each later year's shares are
                      in its councils' services),
                      councils[{party, name, population, population_source, months,
                                contribution, services{CODE: amount}, total, previous,
                                change, change_ratio}]}
        proposals[]  {year, service, item, kind, amount, description,
                      effect[{party, amount}]}
    """
    yb = b.before
    return {
        "partnership": b.partnership,
        "year": b.year,
        "software_version": __version__,
        "input_sha256": input_sha256,
        "rate_step_pence": rate_text(b.rate_step),
        "rounding": b.rounding,
        "warnings": [str(w) for w in b.warnings],
        "year_before": {
            "year": yb.year, "source": yb.source, "rate_pence": rate_text(yb.rate_pence),
            "carry_over": m(yb.carry_over),
            "central_budget": None if yb.central is None else m(yb.central),
            "services": [{"service": c, "name": n, "net_cost": m(v)}
                         for c, n, v in yb.services],
            "parties": [{"party": c, "contribution": m(k), "services": m(s),
                         "total": m(k + s)} for c, k, s in yb.totals],
        },
        "years": [_year(y, i == 0) for i, y in enumerate(b.years)],
        "proposals": [
            {"year": p.item.year, "service": p.item.service, "item": p.item.item,
             "kind": p.item.kind, "amount": m(p.item.amount),
             "description": p.item.description,
             "effect": [{"party": c, "amount": m(v)} for c, v in p.effect]}
            for p in b.proposals],
    }


def _year(y: BudgetYear, first: bool) -> dict[str, Any]:
    # every council's share of every service, formatted in one go (a large book has
    # tens of thousands a year), then handed out in order
    shares = iter(pounds_texts([v for c in y.councils for _, v in c.services]))
    return {
        "year": y.year,
        "central_budget": m(y.central),
        "central_source": y.central_source,
        "use_of_balances": m(y.use_of_balances),
        "paying_population": ratio(y.paying_population),
        "rate_needed_pence": rate_text(y.rate_needed),
        "rate_set_pence": None if y.rate_set is None else rate_text(y.rate_set),
        "rate_pence": rate_text(y.rate),
        "contributions_total": m(y.contributions_total),
        "surplus": m(y.surplus),
        "services_total": m(y.services_total),
        "total": m(y.total),
        "fund": {"opening": m(y.fund_opening), "contributions": m(y.contributions_total),
                 "central_budget": m(y.central), "closing": m(y.fund_closing)},
        "assumptions": {k: ratio(Fraction(v)) for k, v in y.assumptions},
        "services": [_service(s, first) for s in y.services],
        "councils": [
            {"party": c.party, "name": c.name, "population": c.population,
             "population_source": c.population_source, "months": c.months,
             "contribution": m(c.contribution),
             "services": {code: next(shares) for code, _ in c.services},
             "total": m(c.total),
             "previous": None if c.previous is None else m(c.previous),
             "change": None if c.change is None else m(c.change),
             "change_ratio": ratio(c.change_ratio)}
            for c in y.councils],
    }


def _service(s: ServiceBudget, shares: bool) -> dict[str, Any]:
    out = {
        "service": s.service, "name": s.name, "host": s.host, "basis": s.basis,
        "base": m(s.base), "base_source": s.base_source,
        "items": [{"item": i.item, "kind": i.kind, "amount": m(i.amount),
                   "description": i.description} for i in s.items],
        "inflation": None if s.inflation is None else ratio(Fraction(s.inflation)),
        "net_budget": m(s.net), "rebased": s.rebased,
    }
    if shares:
        out["parties"] = [{"party": c, "share": m(v)} for c, v in s.shares]
    return out
