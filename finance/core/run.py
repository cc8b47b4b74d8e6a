"""The whole year end for one book and one year: every figure of SPEC §4-§9, plus checks.

:func:`check_year` lists the problems that stop a run (beyond what the book validator
already found); :func:`run_year` computes a :class:`Result`, a tree of immutable records
that the JSON writer, the board report, the CLI summary and the app all read.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from operator import itemgetter

from finance.core.apportion import S_SHARE
from finance.core.contributions import Contributions, contributions
from finance.core.governance import Governance, officers
from finance.core.investments import Appraisal, Portfolio, appraise, portfolio
from finance.core.model import Book
from finance.core.monitoring import Monitoring, budget_against_ledger, monitor
from finance.core.problems import BookError, Problem
from finance.core.services import ServiceSplit, check_services, participant_weights, split_services
from finance.core.settlement import Settlement, settlement
from finance.core.yearend import YearEnd, check_year_end, year_end

_share = itemgetter(S_SHARE)


@dataclass(frozen=True, slots=True)
class Check:
    check: str
    ok: bool
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Result:
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
    """The latest year in ``years`` (SPEC §10)."""
    if not book.years:
        raise ValueError("the book has no years")
    return book.year_labels[-1]


def check_year(book: Book, year: str) -> list[Problem]:
    """Problems that stop :func:`run_year` for this book and year."""
    problems = check_year_end(book, year)
    if not any(p.table == "years" for p in problems):
        problems += check_services(book, year)
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
    for p in st.payments:
        paid[p.payee] += p.amount
        paid[p.payer] -= p.amount
    out.append(Check("settlement payments give each party its net position",
                     all(paid[n.party] == n.amount for n in st.net_positions)))
    if pf.parties:
        out.append(Check("portfolio party shares add up to portfolio PV",
                         sum(x.pv_costs for x in pf.parties) == pf.pv_costs
                         and sum(x.pv_benefits for x in pf.parties) == pf.pv_benefits))
    return tuple(out)


def run_year(book: Book, year: str | None = None) -> Result:
    """Compute the year end; raises :class:`BookError` with every problem that stops it."""
    y = year or default_year(book)
    problems = check_year_end(book, y)
    if problems:
        raise BookError(problems)
    splits, problems = split_services(book, y)
    if problems:
        raise BookError(problems)
    c = contributions(book, y)
    ye = year_end(book, y, c)
    # each project's sharing, on its service's basis in its start year (SPEC §6, §7)
    pw = {pr.project: participant_weights(book, pr.service, pr.start_year or y)
          for pr in book.projects}
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
