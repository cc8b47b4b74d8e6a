"""The Budget tab: the year ahead (§13.1, §13.2, Annex D b) — the rate, each council's
contribution due on 1 April and share of each service, its total and change, the
proposals, the forecast and the central fund, and the downloads.

The tab's own controls (the forecast's length, and the assumptions as what-ifs from the
budget year on) change a copy of the book; the book's budget lines and items are edited
on the Data tab, in the Year ahead group.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pandas as pd

from finance.appdata.charts import altair_module, party_scale, tips
from finance.appdata.formats import gbp, pct_text, pence_text, pounds
from finance.appdata.tables import BOLD, MONEY, PCT, TOTAL, Metric, Table
from finance.budget_run import default_budget_year, make_budget
from finance.core.budget import Budget, assumption
from finance.core.chain import Prior
from finance.core.model import ASSUMPTION_KEYS, Assumption, Book
from finance.core.problems import Problem

if TYPE_CHECKING:
    import altair as alt

#: What each assumption is called on screen.
ASSUMPTION_LABELS = {"inflation": "Inflation", "rate_uplift": "Rate uplift",
                     "population_growth": "Population growth"}


@dataclass(frozen=True)
class BudgetWhatIf:
    """The tab's controls: the forecast's years and each assumption from the budget year
    on (``None``: the book's own rows).

    Fields:
        years: the years of the forecast, 1 to 10, the budget year first.
        inflation: a ``Decimal`` fraction, or ``None``.
        rate_uplift: a ``Decimal`` fraction, or ``None``.
        population_growth: a ``Decimal`` fraction, or ``None``.
    """

    years: int = 5
    inflation: Decimal | None = None
    rate_uplift: Decimal | None = None
    population_growth: Decimal | None = None

    def changes(self) -> dict[str, Decimal]:
        return {k: v for k in ASSUMPTION_KEYS if (v := getattr(self, k)) is not None}


def budget_year(book: Book) -> str | None:
    return default_budget_year(book)


def book_assumptions(book: Book, year: str) -> dict[str, Decimal]:
    """Each assumption in force in ``year`` as the book gives it (0 where none)."""
    return {k: assumption(book, k, year) for k in ASSUMPTION_KEYS}


def with_what_if(book: Book, year: str, what_if: BudgetWhatIf) -> Book:
    """The book with each assumption the controls set holding from ``year`` on, in place
    of the book's rows for it."""
    changes = what_if.changes()
    if not changes:
        return book
    kept = tuple(a for a in book.assumptions if a.key not in changes)
    return replace(book, assumptions=kept + tuple(
        Assumption(year, k, v) for k, v in changes.items()))


def budget_of(book: Book, what_if: BudgetWhatIf, prior: Prior | None, run_year: str
              ) -> tuple[Budget | None, tuple[Problem, ...]]:
    """The budget of the book (as edited) under the tab's controls; ``prior`` is the
    history's word on ``run_year``, the year the other tabs show (the budget's year
    before, when it is that year)."""
    year = budget_year(book)
    if year is None:
        return None, (Problem("years", None, None, "the book has no years"),)
    changed = with_what_if(book, year, what_if)

    def prior_of(y: str) -> Prior | None:
        return prior if y == run_year else None

    bg, problems = make_budget(changed, year, what_if.years, prior_of)
    return bg, tuple(problems)


def budget_metrics(bg: Budget) -> list[Metric]:
    y = bg.first
    word = "Surplus" if y.surplus >= 0 else "Gap"
    return [
        Metric("Central budget", gbp(y.central), f"The partnership's own budget for {y.year} "
               "(§13.1)" + ("" if not y.use_of_balances else
                            f", {gbp(y.use_of_balances)} of it from balances")),
        Metric("Rate needed", pence_text(y.rate_needed),
               "Central budget less the use of balances, over the paying population, "
               f"rounded up to {pence_text(bg.rate_step)}"),
        Metric("Rate per head", pence_text(y.rate),
               "The rate the board set for the year" if y.rate_set is not None
               else "The rate in force (no rate set for the year)"),
        Metric(f"Due on 1 April {y.year[:4]}", gbp(y.contributions_total),
               "Every council's contribution (§13.2)"),
        Metric(f"{word} at the rate", gbp(abs(y.surplus)),
               "Contributions less the central budget net of the use of balances"),
    ]


def council_table(bg: Budget) -> Table:
    y = bg.first
    rows: list[dict[str, Any]] = [
        {"Council": c.name, "Code": c.party, "Contribution": c.contribution,
         "Shared services": sum(v for _, v in c.services), "Total": c.total,
         f"Total {bg.before.year}": c.previous, "Change": c.change,
         "Change %": c.change_ratio}
        for c in y.councils]
    rows.append({"Council": TOTAL, "Contribution": y.contributions_total,
                 "Shared services": y.services_total, "Total": y.total, BOLD: True,
                 f"Total {bg.before.year}": sum(c.previous or 0 for c in y.councils)})
    cols = ["Council", "Code", "Contribution", "Shared services", "Total",
            f"Total {bg.before.year}", "Change", "Change %"]
    return Table(rows, cols, {c: MONEY for c in cols[2:7]} | {"Change %": PCT},
                 {"Contribution": "Due on 1 April: population x rate x months / 12 (§13.2)",
                  "Shared services": "Its share of each service's net budget (§18.1(a))",
                  f"Total {bg.before.year}": f"What it paid in {bg.before.year} "
                                             f"({bg.before.source})"})


def service_table(bg: Budget) -> Table:
    y = bg.first
    codes = [c.party for c in y.councils]
    rows: list[dict[str, Any]] = []
    for s in y.services:
        change = "; ".join(f"{i.item} {gbp(i.amount)}" for i in s.items) or (
            f"inflation {pct_text(s.inflation, 2)}" if s.inflation is not None else "")
        rows.append({"Service": f"{s.name} ({s.service})", "Base": s.base,
                     "Changes": change, "Net budget": s.net,
                     **{c: s.share(c) if c in dict(s.shares) else None for c in codes}})
    rows.append({"Service": TOTAL, "Net budget": y.services_total, BOLD: True,
                 **{c: sum(s.share(c) for s in y.services) for c in codes}})
    return Table(rows, ["Service", "Base", "Changes", "Net budget", *codes],
                 {"Base": MONEY, "Net budget": MONEY} | dict.fromkeys(codes, MONEY),
                 {"Base": f"Its net cost in {bg.before.year}",
                  "Changes": "The approved items (Annex D b), or inflation where the year "
                             "has none"})


def proposal_table(bg: Budget) -> Table:
    codes = [c.party for c in bg.first.councils]
    names = {s.service: f"{s.name} ({s.service})" for y in bg.years for s in y.services}
    rows = [{"Year": p.item.year, "Service": names.get(p.item.service, p.item.service),
             "Item": p.item.item,
             "Kind": p.item.kind.replace("_", " "), "Amount": p.item.amount,
             **{c: dict(p.effect).get(c) for c in codes}} for p in bg.proposals]
    return Table(rows, ["Year", "Service", "Item", "Kind", "Amount", *codes],
                 {"Amount": MONEY} | dict.fromkeys(codes, MONEY))


def fund_table(bg: Budget) -> Table:
    rows = [{"Year": y.year, "Rate": pence_text(y.rate), "Central budget": y.central,
             "Contributions": y.contributions_total, "Opening": y.fund_opening,
             "Closing": y.fund_closing} for y in bg.years]
    return Table(rows, ["Year", "Rate", "Opening", "Contributions", "Central budget",
                        "Closing"],
                 dict.fromkeys(("Opening", "Contributions", "Central budget", "Closing"),
                               MONEY),
                 {"Closing": "Opening + contributions - central budget"})


def forecast_chart(bg: Budget, order: Sequence[str] = ()) -> alt.Chart:
    """Each council's total over the forecast, one colour per council as on every
    chart (``order``: the book's party codes)."""
    alt = altair_module()
    df = pd.DataFrame([{"Year": y.year, "Party": c.party, "Council": c.name,
                        "Total": pounds(c.total), "Label": gbp(c.total)}
                       for y in bg.years for c in y.councils])
    return alt.Chart(df).mark_line(point=True).encode(
        x=alt.X("Year:O", title=None),
        y=alt.Y("Total:Q", title="Budget for the partnership",
                axis=alt.Axis(format="~s", labelExpr="'£' + datum.label")),
        color=alt.Color("Party:N", scale=party_scale(df["Party"], order), title=None),
        tooltip=tips("Council:N", "Year:O", ("Label:N", "Total"))).properties(
        height=300).configure_legend(orient="bottom")


def download_names(stem: str) -> dict[str, str]:
    """The file name of each download: the workbook, the JSON and the PDFs' zip."""
    return {"workbook": f"{stem}.xlsx", "json": f"{stem}.json",
            "pdfs": f"{stem}-councils.zip"}


def downloads(bg: Budget, input_sha256: str, stem: str,
              json_bytes: Callable[[Any], bytes]) -> dict[str, tuple[str, bytes]]:
    """The tab's downloads, by label: ``(file name, bytes)``: the workbook, the JSON and
    the councils' PDFs as one zip (:func:`download_names`)."""
    from finance.budget_book import budget_workbook
    from finance.budget_pdf import budget_pdfs
    from finance.core.budgetjson import budget_json

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for code, pdf in budget_pdfs(bg).items():
            z.writestr(f"{stem}-{code}.pdf", pdf)
    names = download_names(stem)
    return {"workbook": (names["workbook"], budget_workbook(bg)),
            "json": (names["json"], json_bytes(budget_json(bg, input_sha256))),
            "pdfs": (names["pdfs"], buf.getvalue())}
