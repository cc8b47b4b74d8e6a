"""The compact layout's Settlement sheet: the largest net payments (with where the rest
are), each party's net position as a formula over every payment (§18.1), and, not
printed, every payment."""

from __future__ import annotations

from collections.abc import Sequence

from finance.core.settlement import NetPosition, Payment
from finance.report.compact.sheet import NONE, Report, Sheet, rest_of
from finance.xlsx import pounds

__all__ = ["TOP_PAYMENTS", "write"]

#: how many of the largest settlement payments print
TOP_PAYMENTS = 20


def write(rep: Report) -> None:
    """The largest payments (with where the rest are), then each party's net position
    as a formula over every payment, listed below the printed page."""
    st = rep.result.settlement
    pays = list(st.payments)
    nets = list(st.net_positions)
    top = sorted(pays, key=lambda p: (-p.amount, p.payer, p.payee))[:TOP_PAYMENTS]
    sh = Sheet(rep, "Settlement", [14, 30, 18, 4, 14, 14, 18],
               f"Settlement {rep.result.year}",
               "One net payment per pair of parties across every service and business "
               "case (§18.1): the largest print, then each party's net position = "
               "received - paid. Every payment is listed below the printed page.",
               note_cols=3, print_cols=3)
    sh.blank()
    shown = f"The {len(top):,} largest payments" if len(top) < len(pays) else "Payments"
    sh.heading(shown, 3)
    sh.header(["From", "To", "Payment"])
    _payments(sh, top)
    if not pays:
        sh.put(0, NONE)
        sh.next()
    # after the "more" line, a blank row, the net positions' heading, header, rows and
    # total, a blank row, the listing's heading and header
    first = sh.row + 5
    nlast = first + len(nets) - 1
    p_first = max(nlast, first) + 5
    p_last = p_first + max(len(pays), 1) - 1
    rest = len(pays) - len(top)
    if pays:
        sh.more(rest_of(rest, ("payment", "payments"), "payment", "Settlement", p_first,
                        p_last), 3)
    else:
        sh.next()
    sh.blank()
    _net_positions(rep, sh, nets, first, p_first, p_last)
    sh.blank()
    sh.heading("Every payment", 3)
    sh.header(["From", "To", "Payment"])
    assert sh.row + 1 == p_first
    _payments(sh, pays)
    rep.checks.append(("Settlement net positions sum to zero",
                       f"ABS(SUM(Settlement!C{first}:C{max(nlast, first)}))<0.005"))
    for i, pos in enumerate(nets):
        rep.checks.append((f"{pos.party} net position agrees with the engine",
                           f"ABS(Settlement!C{first + i}-{pounds(pos.amount)})<0.005"))


def _payments(sh: Sheet, pays: Sequence[Payment]) -> None:
    """A row per payment: from, to and amount."""
    for p in pays:
        sh.put(0, p.payer)
        sh.put(1, p.payee)
        sh.put(2, pounds(p.amount), "money")
        sh.next()


def _net_positions(rep: Report, sh: Sheet, nets: Sequence[NetPosition], first: int,
                   p_first: int, p_last: int) -> None:
    """Each party's net position (from row ``first``) as received - paid over every
    payment (rows ``p_first`` to ``p_last``), its heading repeated on every page, and
    their total; the print area ends there."""
    names_ = {p.code: p.name for p in rep.result.book.parties}
    nlast = first + len(nets) - 1
    sh.heading("Net positions", 3)
    head = sh.header(["Party", "Name", "Net position"])
    sh.ws.repeat_rows(head - 1)  # the net positions run over several pages
    assert sh.row + 1 == first
    rng = f"${{}}${p_first}:${{}}${p_last}"
    paid_to, paid_by, amount = (rng.format(c, c) for c in "BAC")
    for pos in nets:
        n = sh.row + 1
        sh.put(0, pos.party)
        sh.put(1, names_.get(pos.party, ""))
        sh.formula(2, f"ROUND(SUMIF({paid_to},A{n},{amount})"
                      f"-SUMIF({paid_by},A{n},{amount}),2)", pounds(pos.amount))
        sh.next()
    if not nets:
        sh.put(0, NONE)
        sh.next()
    sh.put(0, "Total", "total_label")
    sh.put(1, "", "total_label")
    sh.formula(2, f"ROUND(SUM(C{first}:C{max(nlast, first)}),2)",
               pounds(sum(x.amount for x in nets)), "total_money")
    total = sh.next()
    sh.ws.print_area(0, 0, total - 1, 2)
