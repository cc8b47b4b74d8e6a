"""The machine-readable result of SPEC §10, as plain JSON-ready data.

Parties by code; money a two-decimal string; ratios and scores numbers (rounded to six
decimal places, so the JSON is stable across platforms); a value that does not exist is
``None`` (JSON ``null``).
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any

from finance import __version__
from finance.core.money import fmt_pounds as m
from finance.core.run import Result


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


def result_json(r: Result) -> dict[str, Any]:
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
            "parties": [
                {"party": x.party, "contribution": m(x.contribution), "spend": m(x.spend),
                 "refund": m(x.refund), "carry_over": m(x.carry_over),
                 "supplementary": m(x.supplementary)}
                for x in ye.parties
            ],
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
        "services": [
            {"service": s.service, "name": s.name, "host": s.host, "basis": s.basis,
             "gross_cost": m(s.gross_cost), "income": m(s.income), "net_cost": m(s.net_cost),
             "components": [{"component": k, "weight": ratio(Fraction(w))}
                            for k, w in s.components],
             "parties": [x.as_json() for x in s.lines]}
            for s in r.services
        ],
        "settlement": {
            "payments": [{"from": p.payer, "to": p.payee, "amount": m(p.amount)}
                         for p in r.settlement.payments],
            "net_positions": [{"party": n.party, "amount": m(n.amount)}
                              for n in r.settlement.net_positions],
        },
        "investments": [a.as_json() for a in r.investments],
        "portfolio": r.portfolio.as_json(),
        "monitoring": r.monitoring.as_json(),
        "governance": r.governance.as_json(),
        "checks": [{"check": k.check, "ok": k.ok} for k in r.checks],
    }
