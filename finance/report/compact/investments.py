"""The compact layout's Investments sheet: the largest projects by NPV and the parties
with the largest present value of costs, each with where the rest are, and the portfolio
(Annex A §5.2), as the engine's figures; not printed, every project and every party."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from finance.core.investments import Appraisal, PartyReturn
from finance.report.compact.sheet import NONE, Report, Sheet, rest_of
from finance.xlsx import pounds

__all__ = ["TOP_INVESTMENTS", "write"]

#: how many of the largest projects, and of the parties with the largest costs, print
TOP_INVESTMENTS = 15

_HEADS = ["Project", "PV costs", "PV benefits", "NPV", "BCR", "IRR", "Payback (y)", "Score",
          "Basis"]
_PARTY_HEADS = ["Party", "Name", "PV costs", "PV benefits", "NPV", "Return per £1"]


def write(rep: Report) -> None:
    """The largest projects and the parties with the largest present value of costs,
    each with where the rest are; every project and party listed below the page."""
    r = rep.result
    sh = Sheet(rep, "Investments", [12, 34, 16, 16, 16, 10, 10, 10, 10, 14],
               f"Investments {r.year}",
               "Five-year cases (Annex A §5.2): present values at the Green Book rate, "
               "optimism bias on costs; scores 0-100. The largest print; every project "
               "and party is listed below the printed page.")
    apps = sorted(r.investments, key=lambda a: (-abs(a.npv), a.project))
    parties = sorted(r.portfolio.parties, key=lambda p: (-p.pv_costs, p.party))
    names_ = {p.code: p.name for p in r.book.parties}
    # where the listings below the printed page start: after the projects (at most
    # TOP_INVESTMENTS and a "more" line), a blank row, the portfolio, a blank row, the
    # parties' header, rows and "more" line, then a blank row, a heading and a header
    top_a, top_p = apps[:TOP_INVESTMENTS], parties[:TOP_INVESTMENTS]
    every_a = sh.row + 1 + 1 + max(len(top_a), 1) + 1 + 4 + max(len(top_p), 1) + 1 + 3
    every_p = every_a + max(len(apps), 1) + 3
    sh.header(_HEADS, first=2)
    for a in top_a:
        _project(rep, sh, a)
    if not apps:
        sh.put(0, NONE)
        sh.next()
        return
    sh.more(rest_of(len(apps) - len(top_a), ("project", "projects"), "project",
                    "Investments", every_a, every_a + len(apps) - 1), 6)
    _portfolio(rep, sh)
    _largest_parties(sh, names_, parties, top_p, every_p)
    sh.ws.print_area(0, 0, sh.row - 1, 9)
    sh.blank()
    sh.heading("Every project", 2)
    sh.header(_HEADS, first=2)
    assert sh.row + 1 == every_a, (sh.row, every_a)
    for a in sorted(r.investments, key=lambda a: a.project):
        _project(rep, sh, a)
    sh.blank()
    sh.heading("Every party", 2)
    sh.header(_PARTY_HEADS)
    assert sh.row + 1 == every_p, (sh.row, every_p)
    for p in r.portfolio.parties:
        _party(sh, names_, p)


def _project(rep: Report, sh: Sheet, a: Appraisal) -> None:
    """A project's row: its name, PVs, NPV, BCR, IRR, payback, score and basis."""
    j = a.as_json()
    sh.label(2, rep.project(a.project))
    for col, v in ((2, a.pv_costs), (3, a.pv_benefits), (4, a.npv)):
        sh.put(col, pounds(v), "money")
    sh.put(5, j["bcr"], "num")
    sh.put(6, j["irr"], "share")
    sh.put(7, j["payback_years"], "num")
    sh.put(8, j["score"], "num")
    sh.put(9, "financial only" if a.financial_only else "weighted")
    sh.next()


def _party(sh: Sheet, names_: Mapping[str, str], p: PartyReturn) -> None:
    """A party's row: its code, name, PVs, NPV and return per pound."""
    sh.put(0, p.party)
    sh.put(1, names_.get(p.party, ""))
    sh.put(2, pounds(p.pv_costs), "money")
    sh.put(3, pounds(p.pv_benefits), "money")
    sh.put(4, pounds(p.pv_benefits - p.pv_costs), "money")
    sh.put(5, p.return_per_pound, "num")
    sh.next()


def _portfolio(rep: Report, sh: Sheet) -> None:
    """A blank row, then the portfolio's NPV, BCR and score (its NPV a key figure)."""
    r = rep.result
    pj = r.portfolio.as_json()
    rep.keys.append(("Investment portfolio NPV", None, pounds(r.portfolio.npv)))
    sh.blank()
    sh.put(0, "Portfolio", "total_label")
    sh.put(1, "", "total_label")
    sh.put(4, pounds(r.portfolio.npv), "total_money")
    sh.put(5, pj["bcr"], "num")
    sh.put(8, pj["score"], "num")
    sh.next()


def _largest_parties(sh: Sheet, names_: Mapping[str, str], parties: Sequence[PartyReturn],
                     top: Sequence[PartyReturn], every_p: int) -> None:
    """A blank row, then the parties with the largest PV of costs and where every party
    is (from row ``every_p``)."""
    sh.blank()
    sh.header(_PARTY_HEADS)
    for p in top:
        _party(sh, names_, p)
    if not parties:
        sh.put(0, NONE)
        sh.next()
    else:
        sh.more(rest_of(len(parties) - len(top), ("party", "parties"), "party",
                        "Investments", every_p, every_p + len(parties) - 1), 6)
