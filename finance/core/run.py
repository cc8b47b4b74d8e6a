"""The whole year end for one book and one year: every figure, plus checks.

:func:`check_year` lists the problems that stop a run (beyond what the book validator
already found); :func:`run_year` computes a :class:`Result`, a tree of immutable records
that the JSON writer, the board report, the CLI summary and the app all read.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from operator import attrgetter

from finance.core.chain import Prior
from finance.core.contributions import Contributions, contributions, year_facts
from finance.core.governance import Governance, officers
from finance.core.investments import Appraisal, Portfolio, appraise, portfolio
from finance.core.model import Book
from finance.core.monitoring import Monitoring, budget_against_ledger, monitor
from finance.core.problems import BookError, Problem
from finance.core.rebase import apply_tolerances
from finance.core.services import ServiceSplit, check_services, project_weights, split_services
from finance.core.settlement import Settlement, settlement
from finance.core.yearend import YearEnd, check_year_end, year_end

_share = attrgetter("share")


@dataclass(frozen=True, slots=True)
class Check:
    """One arithmetic check of a run's figures (the result's ``checks``, docs/json.md).

    Fields:
        check: what is checked, as a sentence (``"refund + carry-over = uncommitted"``).
        ok: ``True`` when it holds.
        detail: more about it, for the reader (``""``: nothing more; :func:`run_year`
            leaves it empty).
    """

    check: str
    ok: bool
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Result:
    """Every figure of one book's year end, and the checks on them.

    Fields:
        book: the book the figures were worked out from.
        year: the financial year run, ``"2025-26"``.
        contributions: the year's per-head contributions (§13.2).
        year_end: the fund account, refund or carry-over, and each party's part
            (§13.2, §13.3, §16).
        services: each shared service's split for the year, by service code (§18.1(a)).
        settlement: who owes whom for the services and the projects starting this year,
            netted (§18.1(b)).
        investments: each project's appraisal, by project code (Annex A §5.2).
        portfolio: the partnership's overall investment score (Annex A §5.2).
        project_weights: for each project code, the weight of each party code that shares
            its costs, exact ``Fraction`` s (its service's basis in its start year, or 1
            each for every paying voting party).
        monitoring: savings, budget and performance monitoring (Annex A §4.1, §5.1).
        governance: the year's chair, vice-chair, host and accountable body.
        checks: the arithmetic checks of the figures; the run is ``ok`` when all hold.
        warnings: every warning of the year end, each once, in the order first found.
    """

    book: Book
    year: str
    contributions: Contributions
    year_end: YearEnd
    services: tuple[ServiceSplit, ...]
    settlement: Settlement
    investments: tuple[Appraisal, ...]
    portfolio: Portfolio
    project_weights: dict[str, dict[str, Fraction]]
    monitoring: Monitoring
    governance: Governance
    checks: tuple[Check, ...]
    warnings: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)


def default_year(book: Book) -> str:
    """The latest year in ``years`` (the year run when none is given)."""
    if not book.years:
        raise ValueError("the book has no years")
    return book.year_labels[-1]


def check_year(book: Book, year: str, prior: Prior | None = None) -> list[Problem]:
    """Problems that stop :func:`run_year` for this book and year."""
    facts = year_facts(book, year, with_contributions=False)
    problems = check_year_end(book, year, prior.opening if prior else None, facts)
    if not any(p.table == "years" for p in problems):
        problems += check_services(book, year, facts)
    return problems


def _checks(r_c: Contributions, ye: YearEnd, splits: tuple[ServiceSplit, ...],
            st: Settlement, pf: Portfolio) -> tuple[Check, ...]:
    out = [
        Check("contributions add up to the total",
              sum(x.amount for x in r_c.lines) == ye.contributions),
        Check("refund + carry-over = uncommitted", ye.refund + ye.carry_over == ye.uncommitted),
        Check("spend shares add up to spend", not ye.parties
              or sum(x.spend for x in ye.parties) == ye.spend),
        Check("refund shares add up to the refund", not ye.parties
              or sum(x.refund for x in ye.parties) == ye.refund),
        Check("carry-over shares add up to the carry-over", not ye.parties
              or sum(x.carry_over for x in ye.parties) == ye.carry_over),
        Check("supplementary contributions clear the deficit", not ye.parties
              or sum(x.supplementary for x in ye.parties) == max(-ye.uncommitted, 0)),
    ]
    for sp in splits:
        out.append(Check(f"{sp.service} shares add up to its net cost",
                         sum(map(_share, sp.lines)) == sp.net_cost))
    out.append(Check("settlement net positions sum to zero",
                     sum(n.amount for n in st.net_positions) == 0))
    paid: dict[str, int] = {n.party: 0 for n in st.net_positions}
    for payer, payee, amount in st.payments:
        paid[payee] += amount
        paid[payer] -= amount
    out.append(Check("settlement payments give each party its net position",
                     all(paid[n.party] == n.amount for n in st.net_positions)))
    if pf.parties:
        out.append(Check("portfolio party shares add up to portfolio PV",
                         sum(x.pv_costs for x in pf.parties) == pf.pv_costs
                         and sum(x.pv_benefits for x in pf.parties) == pf.pv_benefits))
    return tuple(out)


def run_year(book: Book, year: str | None = None, prior: Prior | None = None) -> Result:
    """Compute the year end; raises :class:`BookError` with every problem that stops it.

    ``prior``: what the history database holds before this year: the previous year as
    closed, which opens this one (:func:`finance.core.yearend.year_end`), and the shares
    the latest closed year applied, the shares in force for the tolerance rule
    (:mod:`finance.core.rebase`).
    """
    y = year or default_year(book)
    opening = prior.opening if prior else None
    # who pays, each party's months, the estimates used and the contributions: once
    facts = year_facts(book, y)
    problems = check_year_end(book, y, opening, facts)
    if problems:
        raise BookError(problems)
    splits, problems = split_services(book, y, facts)
    if problems:
        raise BookError(problems)
    splits = apply_tolerances(book, y, splits, prior.stored_shares() if prior else None)
    c = contributions(book, y, facts)
    ye = year_end(book, y, c, opening)
    # each project's sharing, on its service's basis in its start year (§18.1(b), Annex A §5.2)
    pw = project_weights(book, y, facts)
    st = settlement(book, y, splits, pw)
    s = book.settings
    apps = tuple(
        appraise(
            pr,
            [cf for cf in book.cashflows if cf.project == pr.project],
            [cr for cr in book.criteria if cr.project == pr.project],
            default_discount_rate=s.discount_rate,
            financial_weight=s.financial_weight,
            start_year=y,
        )
        for pr in sorted(book.projects, key=lambda p: p.project)
    )
    pf = portfolio(apps, pw)
    mon = monitor(book, y)
    gov = officers(s, y)
    budget = budget_against_ledger(book.budget_monitor, y, ye.spend)
    warnings = tuple(dict.fromkeys(ye.warnings + ((budget,) if budget else ())))
    return Result(book, y, c, ye, splits, st, apps, pf, pw, mon, gov,
                  _checks(c, ye, splits, st, pf), warnings)
