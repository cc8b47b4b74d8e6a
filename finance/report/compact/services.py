"""The compact layout's Shared services sheet: the largest services by net cost (with
where the rest are), then, not printed, one row per participant with the
largest-remainder audit trail in columns (the engine's figures) and the share as a live
formula (§18.1, §13.4).  The listing can run to hundreds of thousands of cells, so it
goes straight to the worksheet's own cell writers
(:func:`~finance.report.compact.sheet.fast_writers`)."""

from __future__ import annotations

from finance.report import rules
from finance.report.compact.sheet import NONE, Report, Sheet, fast_writers, rest_of
from finance.xlsx import clean_text, pounds, write_text

__all__ = ["TOP_SERVICES", "write"]

#: how many of the largest services print
TOP_SERVICES = 20

_LISTING = ["Service", "Name", "Basis", "Host", "Net cost", "Party", "Months", "Weight",
            "Quota (pence)", "Floor (pence)", "Remainder", "Rank", "Extra penny", "Share",
            "Stand-alone cost (a year)", "Saving (months taken part)"]


def write(rep: Report) -> None:
    """The sheet, and a check per service that its shares add up to its net cost."""
    r = rep.result
    sh = Sheet(rep, "Shared services",
               [10, 26, 18, 8, 16, 8, 8, 14, 20, 16, 12, 8, 8, 16, 16, 16],
               f"Shared services {r.year}",
               "One row per participant. Quota = |net cost| x weight in pence; floor it; "
               "the pennies left go by remainder rank (ties: larger weight, then party "
               "code); share = sign x (floor + extra penny) / 100 (§18.1, §13.4). Floor, "
               "rank and extra penny are the engine's figures (see the Cover). The "
               "largest services by net cost print; every participant is listed below "
               "them.", header_row=True, note_cols=6, print_cols=6)
    _largest(rep, sh)
    sh.blank()
    sh.put(0, "Every participant", "section")
    sh.next()
    sh.header(_LISTING)
    first = sh.row + 1
    _listing(rep, sh)
    last = max(sh.row, first)
    for svc in r.services:
        rep.checks.append((
            f"{svc.service} shares add up to its net cost",
            f"ABS(SUMIF('Shared services'!$A${first}:$A${last},\"{svc.service}\","
            f"'Shared services'!$N${first}:$N${last})-{pounds(svc.net_cost)})<0.005"))


def _largest(rep: Report, sh: Sheet) -> None:
    """The largest services by net cost, then where every participant is; the print
    area ends there.  The services' net cost is a key figure."""
    r = rep.result
    lines = sum(len(svc.lines) for svc in r.services)
    top = sorted(r.services, key=lambda v: (-abs(v.net_cost), v.service))[:TOP_SERVICES]
    sh.header(["Service", "Basis", "Host", "Net cost", "Parties"], first=2)
    for svc in top:
        sh.label(2, rep.service(svc.service), "input")
        sh.put(2, svc.basis, "input")
        sh.put(3, svc.host, "input")
        sh.put(4, pounds(svc.net_cost), "money")
        sh.put(5, len(svc.lines), "int")
        sh.next()
    if not top:
        sh.put(0, NONE)
        sh.next()
    listing = sh.row + 4  # after this line, a blank row, the section and its header
    rest = len(r.services) - len(top)
    if lines:
        sh.more(rest_of(rest, ("service", "services"), "participant", "Shared services",
                        listing, listing + lines - 1), 6)
    else:
        sh.next()
    sh.ws.print_area(0, 0, sh.row - 1, 5)
    rep.keys.append(("Shared services net cost", None,
                     pounds(sum(svc.net_cost for svc in r.services))))


def _listing(rep: Report, sh: Sheet) -> None:
    """One row per participant of every service, from the current row: the cells go
    straight to the worksheet's row writer (text still only as text)."""
    ws = sh.ws
    f = {k: rep.fmt(k) for k in ("input", "input_money", "int", "ratio", "pence", "money")}
    row = sh.row
    put_s, put_n, _ = fast_writers(ws)
    put_f = getattr(ws, "_write_formula", ws.write_formula)
    for svc in rep.result.services:
        net = pounds(svc.net_cost)
        code = clean_text(svc.service)
        for k, x in enumerate(svc.lines):
            n = row + 1
            d = x.detail
            put_s(row, 0, code, f["input"])
            if k == 0:  # the service's name, basis and host on its first row
                write_text(ws, row, 1, svc.name, f["input"])
                write_text(ws, row, 2, svc.basis, f["input"])
                write_text(ws, row, 3, svc.host, f["input"])
            put_n(row, 4, net, f["money"])
            put_s(row, 5, clean_text(x.party), f["input"])
            put_n(row, 6, x.months, f["int"])
            put_n(row, 7, float(d.weight), f["ratio"])
            put_n(row, 8, float(d.quota), f["pence"])
            put_n(row, 9, d.floor, f["int"])
            put_n(row, 10, float(d.remainder), f["ratio"])
            put_n(row, 11, d.rank, f["int"])
            put_n(row, 12, int(d.extra_penny), f["int"])
            put_f(row, 13, rules.share(f"SIGN(E{n})", f"J{n}", f"M{n}"), f["money"],
                  pounds(x.share))
            if x.standalone_cost is not None:
                put_n(row, 14, pounds(x.standalone_cost), f["input_money"])
            saving = svc.saving(x)
            if saving is not None:  # a fixed share pays for the whole year
                months = "12" if svc.basis == "fixed" else f"G{n}"
                put_f(row, 15, rules.saving(f"O{n}", months, f"N{n}"), f["money"],
                      pounds(saving))
            row += 1
    sh.row = row
