"""One council's budget notice for the year ahead as a one-page A4 PDF (fpdf2).

What the council's finance team needs for its own budget (§13.2, Annex D b): the
contribution due on 1 April with the population it is worked out on and its source, the
rate per head, the months, and a payment reference; the council's share of each shared
service's net budget, with the approved growth and savings named; its total and the
change on the year before; the forecast of its total; and the proposals not yet approved
with their cost to it (in no total).  Laid out as the year-end statements are
(:mod:`finance.statement_pdf`): amounts right-aligned, negatives in brackets, real text,
declared PDF/A-2b.
"""

from __future__ import annotations

from datetime import UTC, datetime

from finance import __version__
from finance.core.budget import Budget, CouncilBudget, ServiceBudget
from finance.core.years import year_start
from finance.statement_pdf import (
    _BAND,
    _GREY,
    FONT,
    _fit,
    _latin1,
    _Page,
    _rate,
    _Writer,
    archival_bytes,
    fmt_amount,
)

__all__ = ["budget_pdf", "budget_pdfs", "payment_reference"]

#: Services and items shown before the rest are summed on one line (a page holds them).
MAX_SERVICES = 10
MAX_ITEMS = 12


def payment_reference(bg: Budget, party: str) -> str:
    """The reference a council quotes when it pays its contribution: the partnership's
    initials, the year and the council's code (``MKIP-2026-27-MBC``)."""
    initials = "".join(w[0] for w in bg.partnership.split() if w[:1].isupper())[:6] or "P"
    return f"{initials}-{bg.year}-{party}"


def budget_pdfs(bg: Budget) -> dict[str, bytes]:
    """Each paying council's budget notice, by party code (all built before any is
    written)."""
    return {c.party: budget_pdf(bg, c) for c in bg.first.councils if c.contribution
            or any(v for _, v in c.services)}


def budget_pdf(bg: Budget, c: CouncilBudget) -> bytes:
    """One council's notice as PDF bytes (see the module notes)."""
    y = bg.first
    start = year_start(bg.year)
    footer = f"mkip-finance {__version__} - {c.party} budget {bg.year}"
    pdf = _Page(footer)
    pdf.set_title(_latin1(f"{bg.partnership}: budget {bg.year}, {c.name}"))
    pdf.set_author(_latin1(bg.partnership))
    pdf.set_creator(f"mkip-finance {__version__}")
    pdf.set_producer(f"mkip-finance {__version__}")
    pdf.set_creation_date(datetime(start.year, start.month, start.day, tzinfo=UTC))
    pdf.add_page()
    w = _Writer(pdf)
    pdf.set_fill_color(*_BAND)
    pdf.rect(0, 0, 210, 9, style="F")
    pdf.set_xy(18, 14)
    w.text(0, 6, bg.partnership, size=14, style="B", colour=_BAND, new_line=True)
    w.text(0, 6, f"Budget {bg.year}: contribution due and shared services", size=12,
           style="B", new_line=True)
    w.text(0, 6, f"{c.name} ({c.party})", size=12, new_line=True)
    w.text(0, 5, f"For the council's budget for 1 April {start.year} to 31 March "
           f"{start.year + 1} and its medium-term financial strategy.", size=8.5,
           colour=_GREY, new_line=True)

    cols = (120.0, 54.0)
    w.heading(f"1. Contribution due on 1 April {start.year}", "§13.2")
    rows = [("Population", f"{c.population:,}"),
            ("Population estimate", c.population_source or "-"),
            ("Rate per head", f"{_rate(y.rate)}p"),
            ("Months", f"{c.months} of 12")]
    for label, value in rows:
        pdf.set_font(FONT, "", 9)
        w.row([(label, 40, "L"), (_fit(pdf, value, "", cols[0] + cols[1] - 42), 134, "R")])
    w.row([("Contribution due", cols[0], "L"), (fmt_amount(c.contribution), cols[1], "R")],
          style="B", rule_above=True)
    w.text(0, 4.5, f"Payment reference {payment_reference(bg, c.party)}.  Rate needed for "
           f"the central budget: {_rate(y.rate_needed)}p.", size=8, colour=_GREY,
           new_line=True)

    w.heading("2. Its share of each shared service's net budget", "§18.1(a), Annex D b")
    scols = (86.0, 30.0, 28.0, 30.0)
    w.header_row([("Service", scols[0], "L"), ("Basis", scols[1], "L"),
                  ("Net budget £", scols[2], "R"), (f"{c.party} share £", scols[3], "R")])
    mine = [s for s in y.services if c.party in dict(s.shares)]
    items_shown = 0
    for s in mine[:MAX_SERVICES]:
        pdf.set_font(FONT, "", 9)
        w.row([(_fit(pdf, f"{s.name} ({s.service})", "", scols[0] - 2), scols[0], "L"),
               (s.basis, scols[1], "L"), (fmt_amount(s.net), scols[2], "R"),
               (fmt_amount(s.share(c.party)), scols[3], "R")])
        for line in _item_lines(s)[: max(0, MAX_ITEMS - items_shown)]:
            items_shown += 1
            w.text(0, 4, line, size=7.5, colour=_GREY, new_line=True)
    rest = mine[MAX_SERVICES:]
    if rest:
        w.row([(f"and {len(rest)} more services", sum(scols[:3]), "L"),
               (fmt_amount(sum(s.share(c.party) for s in rest)), scols[3], "R")], style="I")
    services = sum(v for _, v in c.services)
    w.row([("Shared services", sum(scols[:3]), "L"), (fmt_amount(services), scols[3], "R")],
          style="B", rule_above=True)

    w.heading("3. What the council budgets for the partnership", bg.year)
    w.row([("Contribution due", cols[0], "L"), (fmt_amount(c.contribution), cols[1], "R")])
    w.row([("Shared services", cols[0], "L"), (fmt_amount(services), cols[1], "R")])
    w.row([(f"Total {bg.year}", cols[0], "L"), (fmt_amount(c.total), cols[1], "R")],
          style="B", rule_above=True)
    if c.previous is not None and c.change is not None:
        pct = "" if c.change_ratio is None else f" ({float(c.change_ratio) * 100:+.1f}%)"
        w.row([(f"Total {bg.before.year} ({bg.before.source})", cols[0], "L"),
               (fmt_amount(c.previous), cols[1], "R")])
        w.row([(f"Change{pct}", cols[0], "L"), (fmt_amount(c.change), cols[1], "R")])

    if len(bg.years) > 1:
        w.heading("4. Forecast of its total", "Annex A §5.1")
        fcols = [174 / len(bg.years)] * len(bg.years)
        w.header_row([(x.year, fc, "R") for x, fc in zip(bg.years, fcols, strict=True)])
        totals = [next((k.total for k in x.councils if k.party == c.party), 0)
                  for x in bg.years]
        w.row([(fmt_amount(t), fc, "R") for t, fc in zip(totals, fcols, strict=True)])
        w.text(0, 4, "Later years grow by the assumptions of the budget workbook's "
               "Assumptions sheet.", size=7, colour=_GREY, new_line=True)

    mine_p = [(p, dict(p.effect)[c.party]) for p in bg.proposals
              if c.party in dict(p.effect)]
    if mine_p:
        w.heading("5. Proposals not yet approved (in no total)", "Annex D b")
        names = {s.service: s.name for x in bg.years for s in x.services}
        for p, v in mine_p[:4]:
            svc = p.item.service
            named = f"{names[svc]} ({svc})" if names.get(svc, svc) != svc else svc
            pdf.set_font(FONT, "", 9)
            w.row([(_fit(pdf, f"{p.item.year} {named}: {p.item.item}", "",
                         cols[0] - 2), cols[0], "L"), (fmt_amount(v), cols[1], "R")])
    return archival_bytes(pdf)


def _item_lines(s: ServiceBudget) -> list[str]:
    """The approved changes that make a service's budget, in words."""
    out = [f"    {it.kind.replace('_', ' ')}: {it.item} {fmt_amount(it.amount)}"
           for it in s.items]
    if s.inflation is not None:
        out.append(f"    inflation {float(s.inflation) * 100:g}% on {fmt_amount(s.base)}")
    return out
