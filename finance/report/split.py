"""The largest-remainder split written as live formulas (§13.4, §18.1).

Weights are whole numbers (pence, months, population x months, driver values and fixed
shares scaled by a power of ten, blends as exact integer ratios).  With ``P`` pence to
split and ``S`` the sum of the weights, ``Q = QUOTIENT(P, S)`` and ``R = MOD(P, S)``; a
party with weight ``w`` gets ``floor = Q*w + (R*w - MOD(R*w, S))/S`` and its remainder
numerator is ``MOD(R*w, S)``.  Every product stays below 2^53, so doubles hold them
exactly and no remainder is compared as a rounded float.  The remainder rank is a
``SUMPRODUCT`` count with the engine's tie-break (remainder, then weight, then party
code, through the party's alphabetical "code order" on Inputs).  A negative total is
split as its absolute value and negated (``SIGN``).  Where a pool is too large for exact
doubles the split is written as the engine's figures and marked so (never silently
wrong).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from math import gcd, lcm
from typing import Any

from finance.report import rules
from finance.report.context import Context, Pool, Weight
from finance.report.grid import Sheet
from finance.xlsx import MONEY, NAVY, PENCE, WHOLE, col_name, pounds

__all__ = ["EXACT_LIMIT", "integer_ratio", "pool", "proportional"]

EXACT_LIMIT = 2**53  # integers below this are exact in an IEEE double
QUOTA = "#,##0.000000"
FRAC = "0.000000"

Pre = Sequence[tuple[str, str | None, Mapping[str, Any]]]
Post = Sequence[tuple[str, str | None, Callable[[str, str], str | None]]]


def _safe(total_pence: int, ints: Sequence[int]) -> bool:
    s = sum(ints)
    return abs(total_pence) < EXACT_LIMIT and s * max(ints, default=0) < EXACT_LIMIT


def pool(ctx: Context, sh: Sheet, row: int, title: str, total: str, parties: Sequence[str],
         weights: Mapping[str, Weight], *, engine: Mapping[str, int], pre: Pre = (),
         post: Post = (), weight_label: str = "Weight", own_page_block: bool = True) -> Pool:
    """Write a largest-remainder split of ``total`` (a formula in pounds) at ``row``.

    Layout: a title line, a line of pool figures (total, sign, pence to split, sum of
    weights, QUOTIENT, MOD, pennies left over), then one row per party: ``pre`` columns,
    weight, weight %, code order, quota, floor, remainder, rank, extra penny, share, then
    ``post`` columns (given the party and its share cell).  ``engine`` is the engine's
    shares in pence, used only when the pool is too large for exact spreadsheet
    arithmetic (then written as values and marked).
    """
    heads0 = ["Total to split (£)", "Sign", "Pence to split", "Sum of weights",
              "QUOTIENT(pence, sum)", "MOD(pence, sum)", "Pennies left over"]
    if own_page_block:
        sh.starts.append(row)
    sh.text(row, 1, title, bold=True, color=NAVY, size=11)
    row += 1
    sh.header(row, heads0)
    pr = row + 1
    npre = len(pre)
    c_w = 2 + npre
    c_pct, c_ord, c_quota, c_floor, c_rem, c_rank, c_extra, c_share = range(c_w + 1, c_w + 9)
    first = pr + 2
    n = len(parties)
    last = first + n - 1
    ints = [weights[p][1] for p in parties]
    g = 0
    for v in ints:
        g = gcd(g, v)
    mode = "formula"
    pence_hint = abs(sum(engine.values()))
    if not _safe(pence_hint, ints):
        mode = "reduced" if g > 1 and _safe(pence_hint, [v // g for v in ints]) else "values"
    L = col_name
    tot, sign, pen, ssum, q, rr, left = (sh.ref(pr, c, sheet=False) for c in range(1, 8))
    wr = f"${L(c_w)}${first}:${L(c_w)}${last}"
    remr = f"${L(c_rem)}${first}:${L(c_rem)}${last}"
    ordr = f"${L(c_ord)}${first}:${L(c_ord)}${last}"
    floorr = f"${L(c_floor)}${first}:${L(c_floor)}${last}"
    for col_, wd in ((c_w, 14), (c_pct, 11), (c_ord, 10), (c_quota, 21), (c_floor, 15),
                     (c_rem, 12), (c_rank, 10), (c_extra, 10), (c_share, 16), (1, 15),
                     (3, 15), (4, 14), (5, 14), (6, 14)):
        sh.min_width(col_, wd)
    for j in range(len(post)):
        sh.min_width(c_share + 1 + j, 16)
    sh.formula(pr, 1, total, MONEY)
    sh.formula(pr, 2, f"SIGN(ROUND({tot}*100,0))", "0")
    sh.formula(pr, 3, f"ABS(ROUND({tot}*100,0))", PENCE)
    sh.formula(pr, 4, f"SUM({wr})", WHOLE)
    sh.formula(pr, 5, f"IF({ssum}=0,0,QUOTIENT({pen},{ssum}))", WHOLE)
    sh.formula(pr, 6, f"IF({ssum}=0,0,MOD({pen},{ssum}))", WHOLE)
    sh.formula(pr, 7, f"{pen}-SUM({floorr})", WHOLE)
    sh.grid(pr, 1, pr, 7)
    heads = (["Party"] + [h for h, _, _ in pre]
             + [weight_label, "Weight %", "Code order", "Quota (pence)",
                "Floor (pence)", "Remainder (pence)", "Remainder rank",
                "Extra penny", "Share (£)"]
             + [h for h, _, _ in post])
    sh.header(first - 1, heads)
    out = Pool(total=sh.ref(pr, 1), sheet=sh.name)
    for i, p in enumerate(parties):
        r = first + i
        sh.text(r, 1, p, bold=True)
        for j, (_, fmt, vals) in enumerate(pre):
            val = vals.get(p)
            if isinstance(val, str) and val.startswith("="):
                sh.formula(r, 2 + j, val, fmt)
            elif isinstance(val, str):
                sh.text(r, 2 + j, val)
            elif val is not None:
                sh.value(r, 2 + j, val, fmt)
        f, iv = weights[p]
        if mode == "formula" and f is not None:
            sh.formula(r, c_w, f, WHOLE)
        else:
            sh.value(r, c_w, iv // g if mode == "reduced" and g > 1 else iv, WHOLE,
                     input_=False)
        w = f"{L(c_w)}{r}"
        sh.formula(r, c_pct, f"IF({ssum}=0,0,{w}/{ssum})", "0.0000%")
        sh.formula(r, c_ord, ctx.inputs.order[p], "0")
        sh.formula(r, c_quota, f"IF({ssum}=0,0,{pen}*{w}/{ssum})", QUOTA)
        sh.formula(r, c_floor, rules.floor_pence(q, rr, w, ssum), PENCE)
        sh.formula(r, c_rem, rules.remainder(rr, w, ssum), FRAC)
        sh.formula(r, c_rank, rules.rank(remr, f"{L(c_rem)}{r}", wr, w, ordr,
                                         f"{L(c_ord)}{r}"), "0")
        sh.formula(r, c_extra, f"IF(AND({L(c_rank)}{r}<={left},{w}>0),1,0)", "0")
        if mode == "values":
            sh.value(r, c_share, pounds(engine[p]), MONEY, bold=True, input_=False)
        else:
            sh.formula(r, c_share, rules.share(sign, f"{L(c_floor)}{r}", f"{L(c_extra)}{r}"),
                       MONEY, bold=True)
        share_local = f"{L(c_share)}{r}"
        out.share[p] = sh.ref(r, c_share)
        out.share_cells[p] = share_local
        out.rows[p] = r
        out.share_col = c_share
        out.weight[p] = sh.ref(r, c_w)
        for j, (_, fmt, fn) in enumerate(post):
            pf = fn(p, share_local)
            if pf is not None:
                sh.formula(r, c_share + 1 + j, pf, fmt)
    tr = last + 1
    sh.text(tr, 1, "Total", bold=True)
    for c in (c_w, c_quota, c_floor):
        sh.formula(tr, c, f"SUM({L(c)}{first}:{L(c)}{last})", QUOTA if c == c_quota else WHOLE)
    sh.formula(tr, c_pct, f"SUM({L(c_pct)}{first}:{L(c_pct)}{last})", "0.0000%")
    sh.formula(tr, c_extra, f"SUM({L(c_extra)}{first}:{L(c_extra)}{last})", "0")
    sh.formula(tr, c_share, f"ROUND(SUM({L(c_share)}{first}:{L(c_share)}{last}),2)", MONEY)
    for j, (_, fmt, _fn) in enumerate(post):
        c = c_share + 1 + j
        if any(sh.is_set(r, c) for r in range(first, last + 1)):
            sh.formula(tr, c, f"ROUND(SUM({L(c)}{first}:{L(c)}{last}),2)", fmt)
    sh.grid(first, 1, last, c_share + len(post))
    sh.total_row(tr, 1, c_share + len(post))
    out.shares_range = sh.rng(first, c_share, last, c_share)
    if mode == "values":
        sh.note(tr + 1, 1, "This pool is too large for exact spreadsheet arithmetic: the "
                "shares are the calculation engine's figures, not formulas.")
        tr += 1
    elif mode == "reduced":
        sh.note(tr + 1, 1, f"Weights divided by their common factor {g} so that the "
                "arithmetic stays exact.")
        tr += 1
    ctx.check(f"{title}: shares add up to the total",
              f"ROUND(SUM({out.shares_range}),2)=ROUND({out.total},2)")
    out.end = tr + 2
    return out


def proportional(ints: Mapping[str, int], exact: Mapping[str, Fraction]) -> bool:
    """Whether whole-number weights are in the same ratio as exact ones."""
    if set(ints) != set(exact):
        return False
    if not exact:
        return True
    si = sum(ints.values())
    se = sum(exact.values(), Fraction(0))
    if si == 0 or se == 0:
        return si == 0 and se == 0
    return all(Fraction(ints[p], si) == exact[p] / se for p in exact)


def integer_ratio(weights: Mapping[str, Fraction | int]) -> dict[str, int]:
    """Whole numbers in the same ratio as exact weights (common denominator, then gcd)."""
    fr = {p: Fraction(w) for p, w in weights.items()}
    den = 1
    for v in fr.values():
        den = lcm(den, v.denominator)
    ints = {p: int(v * den) for p, v in fr.items()}
    g = 0
    for n in ints.values():
        g = gcd(g, n)
    return {p: n // g for p, n in ints.items()} if g > 1 else ints
