"""The machine-readable result (docs/json.md), as plain JSON-ready data.

Parties by code; money a two-decimal string; ratios and scores numbers (rounded to six
decimal places, so the JSON is stable across platforms); a value that does not exist is
``None`` (JSON ``null``).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, localcontext
from fractions import Fraction
from itertools import accumulate
from typing import Any

from finance import __version__
from finance.core.money import fmt_pounds as m
from finance.core.money import pounds_texts
from finance.core.run import Result
from finance.core.services import ServiceSplit, pro_rata
from finance.core.statements import fund_accounts, net_cash, paid_for_partnership


def ratio(x: Fraction | float | None) -> float | None:
    return None if x is None else round(float(x), 6)


def _rate(r: Fraction) -> str:
    """The rate per head in pence, every digit kept: ``"30"``, ``"30.5"``, ``"30.12345"``.

    >>> _rate(Fraction(30)), _rate(Fraction(61, 2)), _rate(Fraction(3012345, 100000))
    ('30', '30.5', '30.12345')
    """
    with localcontext() as ctx:
        ctx.prec = 60
        d = Decimal(r.numerator) / Decimal(r.denominator)
    return format(d.normalize(), "f")


#: The rate per head as the JSON writes it (the budget's JSON too).
rate_text = _rate


def _money_or_none(pence: list[int | None]) -> list[str | None]:
    texts = iter(pounds_texts([p for p in pence if p is not None]))
    return [None if p is None else next(texts) for p in pence]


def _service_lines(splits: Sequence[ServiceSplit]) -> list[list[dict[str, Any]]]:
    """Each service's lines as the result writes them (money formatted a column at a time):
    party, months, the normalised weight (``float(weight)`` is ``numerator /
    denominator``, so this is the same number, without a ``Fraction``), share, stand-alone
    cost (as given, for a whole year), saving (against the stand-alone cost for the
    months taken part) and the share in force (``None`` without a tolerance rule).

    >>> from finance.core.apportion import apportion_detail
    >>> from finance.core.services import ServiceLine
    >>> split = apportion_detail(100, {"A": 1, "B": 2})[0]
    >>> sp = ServiceSplit("S", "Service", "2025-26", "A", "equal", 100, 0, (),
    ...                   (ServiceLine.of(split, 12, Fraction(1), 40),))
    >>> _service_lines([sp])
    [[{'party': 'A', 'months': 12, 'weight': 0.333333, 'share': '0.33', \
'standalone_cost': '0.40', 'saving': '0.07', 'share_in_force': None}]]
    """
    lines = [x for sp in splits for x in sp.lines]
    costs: list[int | None] = [x.standalone_cost for x in lines]
    shares = [x.share for x in lines]
    months = [12 if sp.basis == "fixed" else x.months  # fixed shares are a year's
              for sp in splits for x in sp.lines]
    savings = [None if c is None else pro_rata(c, m) - s
               for c, s, m in zip(costs, shares, months, strict=True)]
    in_force = [sp.rebase.share_in_force(x.party) if sp.rebase else None
                for sp in splits for x in sp.lines]
    out = [{"party": x.party, "months": x.months,
            "weight": round(x.weight_num / x.weight_den, 6), "share": share,
            "standalone_cost": cost, "saving": saving, "share_in_force": ratio(kept)}
           for x, share, cost, saving, kept in zip(lines, pounds_texts(shares),
                                                    _money_or_none(costs),
                                                    _money_or_none(savings), in_force,
                                                    strict=True)]
    ends = list(accumulate(len(sp.lines) for sp in splits))
    return [out[a:b] for a, b in zip([0, *ends], ends, strict=False)]


def _services(splits: Sequence[ServiceSplit]) -> list[dict[str, Any]]:
    """Each service: its figures, blend components (weights as numbers: ``float`` of a
    ``Decimal`` is the nearest double, as ``float(Fraction(d))`` is) and its lines."""
    gross = [s.gross_cost for s in splits]
    income = [s.income for s in splits]
    net = [g - i for g, i in zip(gross, income, strict=True)]
    return [{"service": s.service, "name": s.name, "host": s.host, "basis": s.basis,
             "gross_cost": g, "income": i, "net_cost": n,
             "components": [{"component": k, "weight": round(float(w), 6)}
                            for k, w in s.components],
             "rebased": None if s.rebase is None else s.rebase.rebased,
             "max_movement": None if s.rebase is None else ratio(s.rebase.max_movement),
             "rebase_step": None if s.rebase is None else ratio(s.rebase.step),
             "parties": lines}
            for s, g, i, n, lines in zip(splits, pounds_texts(gross), pounds_texts(income),
                                         pounds_texts(net), _service_lines(splits), strict=True)]


def _year_end_parties(r: Result) -> list[dict[str, Any]]:
    """Each paying party's year-end line: its contribution, spend share, refund,
    carry-over and supplementary, then its statement (:mod:`finance.core.statements`):
    its shares of the other fund lines, the rounding line, its uncommitted share and its
    net cash.  ``opening_balance + opening_commitments + contribution + external_funding
    + income - admin_recharge - spend - commitments + rounding = uncommitted = refund +
    carry_over``."""
    nets = {n.party: n.amount for n in r.settlement.net_positions}
    paid = paid_for_partnership(r)
    return [
        {"party": x.party, "contribution": m(x.contribution), "spend": m(x.spend),
         "refund": m(x.refund), "carry_over": m(x.carry_over),
         "supplementary": m(x.supplementary),
         "opening_balance": m(a.opening_balance),
         "opening_commitments": m(a.opening_commitments),
         "external_funding": m(a.external_funding), "income": m(a.income),
         "admin_recharge": m(a.admin_recharge), "commitments": m(a.commitments),
         "rounding": m(a.rounding), "uncommitted": m(a.uncommitted),
         "net_cash": m(net_cash(a, nets.get(x.party, 0), paid.get(x.party, 0)))}
        for x, a in zip(r.year_end.parties, fund_accounts(r.year_end), strict=True)
    ]


def result_json(r: Result) -> dict[str, Any]:
    """The result as JSON-ready data (every key, its type and unit: docs/json.md).

    Shape, keys in this order::

        partnership, year, software_version, input_sha256, warnings[]
        contributions  {rate_pence, total, parties[{party, population, population_year,
                        months, weight, amount}]}
        year_end       {opening_balance, opening_commitments, contributions,
                        external_funding, income, admin_recharge, available, spend,
                        commitments, uncommitted, deficit, refund_share, refund, carry_over,
                        parties[{party, contribution, spend, refund, carry_over,
                        supplementary, opening_balance, opening_commitments,
                        external_funding, income, admin_recharge, commitments, rounding,
                        uncommitted, net_cash}], exits[...]}
        services[]     {service, name, host, basis, gross_cost, income, net_cost,
                        components[], rebased, max_movement, rebase_step,
                        parties[{party, months, weight, share, standalone_cost, saving,
                        share_in_force}]}
        settlement     {payments[{from, to, amount}], net_positions[{party, amount}]}
        investments[], portfolio{}, monitoring{}, governance{}, checks[{check, ok}]

    Money is a two-decimal string of pounds ("42840.00"), ratios and scores numbers
    rounded to six places, a figure that does not exist ``None``.
    """
    c, ye = r.contributions, r.year_end
    return {
        "partnership": r.book.settings.name,
        "year": r.year,
        "software_version": __version__,
        "input_sha256": r.book.source_sha256,
        "warnings": [str(w) for w in r.warnings],
        "contributions": {
            "rate_pence": _rate(c.rate_pence),
            "total": m(c.total),
            "parties": [
                {"party": x.party, "population": x.population,
                 "population_year": x.population_year, "months": x.months,
                 "weight": ratio(x.weight), "amount": m(x.amount)}
                for x in c.lines
            ],
        },
        "year_end": {
            "opening_balance": m(ye.opening_balance),
            "opening_commitments": m(ye.opening_commitments),
            "contributions": m(ye.contributions),
            "external_funding": m(ye.external_funding),
            "income": m(ye.income),
            "admin_recharge": m(ye.admin_recharge),
            "available": m(ye.available),
            "spend": m(ye.spend),
            "commitments": m(ye.commitments),
            "uncommitted": m(ye.uncommitted),
            "deficit": ye.deficit,
            "refund_share": ratio(Fraction(ye.refund_share)),
            "refund": m(ye.refund),
            "carry_over": m(ye.carry_over),
            "parties": _year_end_parties(r),
            "exits": [
                {"party": e.party,
                 "notice_given": e.notice_given.isoformat() if e.notice_given else None,
                 "left": e.left.isoformat(), "balance_at_leaving": m(e.balance_at_leaving),
                 "share": m(e.share), "commitments_before_notice":
                 m(e.commitments_before_notice), "commitment_liability":
                 m(e.commitment_liability)}
                for e in ye.exits
            ],
        },
        "services": _services(r.services),
        "settlement": {
            "payments": [{"from": p.payer, "to": p.payee, "amount": amount}
                         for p, amount in zip(r.settlement.payments, pounds_texts(
                             [p.amount for p in r.settlement.payments]), strict=True)],
            "net_positions": [{"party": n.party, "amount": m(n.amount)}
                              for n in r.settlement.net_positions],
        },
        "investments": [a.as_json() for a in r.investments],
        "portfolio": r.portfolio.as_json(),
        "monitoring": r.monitoring.as_json(),
        "governance": r.governance.as_json(),
        "checks": [{"check": k.check, "ok": k.ok} for k in r.checks],
    }
