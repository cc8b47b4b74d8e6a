"""The compact layout's Year end sheet: the fund account as formulas (§13.2-§13.3; the
ledger totals are ``SUMIF`` over the Ledger sheet), the refund with ``RefundShare``, and
the statement per party as the engine's figures with formula totals."""

from __future__ import annotations

from finance.report import rules
from finance.report.compact.sheet import Report, Sheet
from finance.xlsx import pounds

__all__ = ["write"]


def write(rep: Report, contrib_total: str, ledger_last: int) -> None:
    """The sheet: ``contrib_total`` is where the total contribution is, ``ledger_last``
    the Ledger sheet's last row."""
    r = rep.result
    sh = Sheet(rep, "Year end", [34, 18, 18, 18, 18, 18],
               f"Year end {r.year}: refund or carry over",
               "Fund account (§13.2-§13.3): ledger totals are SUMIF formulas over the "
               "Ledger sheet.")
    sh.blank()
    b = _sources(rep, sh, contrib_total, ledger_last)
    rows = _outcome(rep, sh, b, ledger_last)
    _agreement(rep, sh, rows)
    _statement(rep, sh, rows)


def _sumif(kind: str, last: int) -> str:
    """The year's ledger lines of ``kind`` added up (rows 4 to ``last`` of Ledger)."""
    return f'SUMIF(Ledger!$B$4:$B${last},"{kind}",Ledger!$C$4:$C${last})'


def _sources(rep: Report, sh: Sheet, contrib_total: str, last: int) -> int:
    """Opening balance to admin recharge, one row each; returns the first's row."""
    ye = rep.result.year_end
    b = sh.row + 1  # rows: b opening .. b+5 admin recharge
    lines: list[tuple[str, str | None, int, str]] = [
        ("Opening balance", None, ye.opening_balance, "input_money"),
        ("Opening commitments", None, ye.opening_commitments, "input_money"),
        ("Contributions", contrib_total, ye.contributions, "money"),
        ("External funding", _sumif("external_funding", last), ye.external_funding, "money"),
        ("Income", _sumif("income", last), ye.income, "money"),
        ("Admin recharge", _sumif("admin_recharge", last), ye.admin_recharge, "money"),
    ]
    for label, f, v, st in lines:
        sh.put(0, label, "label")
        if f is None:
            sh.put(1, pounds(v), st)
        else:
            sh.formula(1, f"ROUND({f},2)", pounds(v), st)
        sh.next()
    return b


def _outcome(rep: Report, sh: Sheet, b: int, last: int) -> dict[str, int]:
    """Available, spend, commitments, uncommitted, the refund share, the refund and what
    is carried over; returns their rows."""
    ye = rep.result.year_end
    sh.put(0, "Available", "total_label")
    sh.formula(1, f"ROUND(B{b}+B{b + 1}+B{b + 2}+B{b + 3}+B{b + 4}-B{b + 5},2)",
               pounds(ye.available), "total_money")
    avail = sh.next()
    sh.put(0, "Spend", "label")
    sh.formula(1, f"ROUND({_sumif('spend', last)},2)", pounds(ye.spend))
    spend = sh.next()
    sh.put(0, "Commitments at 31 March", "label")
    sh.formula(1, f"ROUND({_sumif('commitment', last)},2)", pounds(ye.commitments))
    com = sh.next()
    sh.put(0, "Uncommitted", "total_label")
    sh.formula(1, f"ROUND(B{avail}-B{spend}-B{com},2)", pounds(ye.uncommitted),
               "total_money")
    unc = sh.next()
    sh.put(0, "Refund share (board decision)", "label")
    sh.put(1, float(ye.refund_share), "input_pct")
    share = sh.next()
    rep.mb.define_name("RefundShare", sh.ref(share, "B"))
    sh.put(0, "Refund", "label")
    sh.formula(1, rules.refund(f"B{unc}", f"B{share}"), pounds(ye.refund))
    refund = sh.next()
    sh.put(0, "Carried over", "total_label")
    sh.formula(1, f"ROUND(B{unc}-B{refund},2)", pounds(ye.carry_over), "total_money")
    carry = sh.next()
    return {"avail": avail, "spend": spend, "unc": unc, "refund": refund, "carry": carry}


def _agreement(rep: Report, sh: Sheet, rows: dict[str, int]) -> None:
    """The cover's key figures from the fund account, and its checks."""
    ye = rep.result.year_end
    unc, refund, carry = rows["unc"], rows["refund"], rows["carry"]
    for label, row, v in (("Available funds", rows["avail"], ye.available),
                          ("Uncommitted balance", unc, ye.uncommitted),
                          ("Refund to the parties", refund, ye.refund),
                          ("Carried over to next year", carry, ye.carry_over)):
        rep.keys.append((label, sh.ref(row, "B"), pounds(v)))
    rep.checks.append(("Uncommitted agrees with the engine",
                       f"ABS('Year end'!B{unc}-{pounds(ye.uncommitted)})<0.005"))
    rep.checks.append(("Refund + carry-over = uncommitted",
                       f"ABS('Year end'!B{refund}+'Year end'!B{carry}"
                       f"-'Year end'!B{unc})<0.005"))
    rep.checks.append(("Refund agrees with the engine",
                       f"ABS('Year end'!B{refund}-{pounds(ye.refund)})<0.005"))


def _statement(rep: Report, sh: Sheet, rows: dict[str, int]) -> None:
    """The statement per party (the engine's figures) with formula totals, its heading
    repeated on every page; checks that its columns add up to the fund account's."""
    ye = rep.result.year_end
    sh.blank()
    sh.put(0, "Statement per party (largest remainder on contribution weights)", "section")
    sh.next()
    head = sh.header(["Party", "Contribution", "Share of spend", "Refund", "Carried over",
                      "Supplementary"])
    sh.ws.repeat_rows(head - 1)  # the statement runs over several pages
    first = sh.row + 1
    keys = ("contribution", "spend", "refund", "carry_over", "supplementary")
    for p in ye.parties:
        sh.put(0, p.party)
        for i, k in enumerate(keys, start=1):
            sh.put(i, pounds(getattr(p, k)), "money")
        sh.next()
    last_p = sh.row
    sh.put(0, "Total", "total_label")
    for i, (col, k) in enumerate(zip("BCDEF", keys, strict=True), start=1):
        sh.formula(i, f"ROUND(SUM({col}{first}:{col}{last_p}),2)",
                   pounds(sum(getattr(p, k) for p in ye.parties)), "total_money")
    sh.next()
    if ye.parties:
        for label, col, row in (("Refund shares add up to the refund", "D", rows["refund"]),
                                ("Carry-over shares add up", "E", rows["carry"]),
                                ("Spend shares add up to spend", "C", rows["spend"])):
            rep.checks.append((label, f"ABS(SUM('Year end'!{col}{first}:{col}{last_p})"
                                      f"-'Year end'!B{row})<0.005"))
