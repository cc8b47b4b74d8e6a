"""The Shared services sheet: each service's net cost split between the parties engaged
in it (§18.1, §13.4).  The board page is the summary and its chart; each service's
weights and largest-remainder split are on the Workings sheet.

The weights are the calculation core's, never worked out here again: each basis's exact
weights as the split carries them (``ServiceSplit.basis_weights``) and, on a blend, the
split's lines, written as formulas over the Inputs sheet where there is one."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from math import prod
from typing import Any

from finance.core.rebase import step_text
from finance.core.services import BasisWeights, ServiceSplit
from finance.report import rules
from finance.report.common import decimals, label_width, scaled
from finance.report.context import Context, Weight
from finance.report.grid import Chart, Sheet
from finance.report.split import EXACT_LIMIT, FRAC, integer_ratio, pool
from finance.xlsx import GREY, MONEY, WHOLE, col_name

__all__ = ["NAME", "write"]

NAME = "Shared services"


def write(ctx: Context) -> None:
    r = ctx.result
    parties = sorted({ln.party for sp in r.services for ln in sp.lines})
    width = label_width(ctx.service_label(sp.service) for sp in r.services)
    sh = Sheet(ctx.book_, NAME, [width, 14, 17] + [14] * max(len(parties), 4) + [16])
    sh.title(f"Shared services {r.year}",
             "Each service's net cost is split between the parties engaged in it, and only "
             "them, in one largest-remainder step (§18.1, §13.4). Workings in the appendix.")
    parties = sorted({ln.party for sp in r.services for ln in sp.lines})
    n_s = len(r.services)
    hdr = sh.section(4, "Each party's share of each service (£)")
    sum_first = hdr + 1
    sum_last = sum_first + n_s - 1
    _blocks(ctx)
    heads = ["Service", "Host", "Basis", *parties, "Net cost (£)"]
    sh.header(hdr, heads)
    for i, sp in enumerate(r.services):
        rr = sum_first + i
        sh.text(rr, 1, ctx.service_label(sp.service), bold=True, wrap=True)
        sh.text(rr, 2, sp.host)
        sh.text(rr, 3, sp.basis)
        pl = ctx.services.pools[sp.service]
        for j, p in enumerate(parties):
            if p in pl.share:
                sh.formula(rr, 4 + j, pl.share[p], MONEY)
            else:
                sh.value(rr, 4 + j, 0, MONEY, input_=False)
        sh.formula(rr, 4 + len(parties), ctx.services.net[sp.service], MONEY)
    tr = sum_last + 1
    sh.text(tr, 1, "Total", bold=True)
    if n_s:
        for c in range(4, 5 + len(parties)):
            L = col_name(c)
            sh.formula(tr, c, f"ROUND(SUM({L}{sum_first}:{L}{sum_last}),2)", MONEY)
        ctx.services.party_total = {p: sh.ref(tr, 4 + j) for j, p in enumerate(parties)}
        sh.grid(sum_first, 1, sum_last, 4 + len(parties))
        ctx.services.total = sh.ref(tr, 4 + len(parties))
    else:
        sh.note(sum_first, 1, "No shared services in the year.")
    sh.total_row(tr, 1, 4 + len(parties))
    row = tr + 2
    if n_s:
        sh.charts.append(Chart(
            options={"type": "bar", "subtype": "stacked"},
            series=[{"name": [NAME, hdr - 1, 3 + j],
                     "categories": [NAME, sum_first - 1, 0, sum_last - 1, 0],
                     "values": [NAME, sum_first - 1, 3 + j, sum_last - 1, 3 + j],
                     "gap": 40, "overlap": 100} for j in range(len(parties))],
            anchor=(row, 7), title="Each service's net cost split between the parties",
            size=(14, 9), x_axis={"num_format": "£#,##0"}, y_axis={"reverse": True}))
        row = _savings(ctx, sh, row)
        _tolerances(ctx, sh, row)


def _tolerances(ctx: Context, sh: Sheet, row: int) -> int:
    """Shares in force and the tolerance rule, per service that gives a tolerance:
    computed share, share in force, movement, and whether the split was re-based."""
    kept = [sp for sp in ctx.result.services if sp.rebase is not None]
    if not kept:
        return row
    row = sh.section(row, "Shares in force and the tolerance rule (§18.1a)",
                     "A service with a re-base tolerance keeps its shares in force while "
                     "every party's computed share is within the tolerance of it; otherwise, "
                     "or with other participants, it is re-based on the computed shares, "
                     "rounded to its re-base step when it gives one (largest remainder, "
                     "totalling 100%). The movement is measured on the computed shares.")
    row = sh.header(row, ["Service", "Basis", "Party", "Computed share", "Share in force",
                          "Movement", "Tolerance", "Re-based?", "Re-base step",
                          "Share applied"])
    top = row
    for sp in kept:
        rb = sp.rebase
        assert rb is not None
        first = row
        for p, computed in rb.computed:
            sh.text(row, 1, ctx.service_label(sp.service) if row == first else "", bold=True,
                    wrap=True)
            sh.text(row, 2, sp.basis if row == first else "")
            sh.text(row, 3, p)
            sh.value(row, 4, float(computed), "0.00##%", input_=False)
            held = rb.share_in_force(p)
            if held is None:
                sh.text(row, 5, "none")
            else:
                sh.value(row, 5, float(held), "0.00##%")
                sh.formula(row, 6, f"ABS(D{row}-E{row})", "0.00##%")
            sh.value(row, 7, float(rb.tolerance), "0.00##%")
            sh.text(row, 8, ("yes" if rb.rebased else "no") if row == first else "",
                    bold=True)
            if rb.step is None:
                sh.text(row, 9, "none")
            else:
                sh.value(row, 9, float(rb.step), "0.00##%")
            applied = dict(rb.applied).get(p, computed)
            sh.value(row, 10, float(applied), "0.00##%", input_=False)
            row += 1
    sh.grid(top, 1, row - 1, 10)
    return row + 1


def _savings(ctx: Context, sh: Sheet, row: int) -> int:
    """Stand-alone cost against share, per party and service, where the book gives one."""
    lines = [(sp, ln) for sp in ctx.result.services for ln in sp.lines
             if ln.standalone_cost is not None]
    if not lines:
        return row
    row = sh.section(row, "Savings against going it alone (£)",
                     "Saving = the party's stand-alone cost of the service for the months it "
                     "takes part (a year's cost x months / 12, to the penny) less its share "
                     "(§11.4).")
    row = sh.header(row, ["Service", "Party", "Stand-alone cost, months taken part (£)",
                          "Share (£)", "Saving (£)"])
    top = row
    for sp, ln in lines:
        pl = ctx.services.pools[sp.service]
        sh.text(row, 1, ctx.service_label(sp.service), bold=True, wrap=True)
        sh.text(row, 2, ln.party)
        sh.formula(row, 3, rules.standalone_for_months(
            ctx.inputs.standalone[(sp.service, ln.party)],
            _share_months(ctx, sp.service, sp.basis, ln.party)), MONEY)
        sh.formula(row, 4, pl.share[ln.party], MONEY)
        sh.formula(row, 5, f"ROUND(C{row}-D{row},2)", MONEY, bold=True)
        row += 1
    sh.grid(top, 1, row - 1, 5)
    sh.text(row, 1, "Total", bold=True)
    for c in (3, 4, 5):
        L = col_name(c)
        sh.formula(row, c, f"ROUND(SUM({L}{top}:{L}{row - 1}),2)", MONEY)
    sh.total_row(row, 1, 5)
    return row + 2


def _blocks(ctx: Context) -> None:
    """Each service's figures, weights and split, on the Workings sheet."""
    r, refs = ctx.result, ctx.inputs
    if not r.services:
        return
    wk = ctx.workings
    row = wk.section(ctx.workings_row, "Shared services: each net cost split by "
                     "largest remainder (§18.1, §13.4)")
    for sp in r.services:
        wk.starts.append(row)
        label = ctx.service_label(sp.service)
        wk.text(row, 1, label, bold=True, size=12)
        row += 1
        wk.text(row, 1, "Host")
        wk.text(row, 2, sp.host, bold=True)
        wk.text(row, 3, "Basis")
        wk.text(row, 4, sp.basis, bold=True)
        row += 1
        wk.text(row, 1, "Gross cost")
        wk.formula(row, 2, refs.gross[sp.service], MONEY)
        wk.text(row, 3, "Income")
        wk.formula(row, 4, refs.income[sp.service], MONEY)
        wk.text(row, 5, "Net cost", bold=True)
        wk.formula(row, 6, f"ROUND(B{row}-D{row},2)", MONEY, bold=True)
        net_ref = wk.ref(row, 6)
        ctx.services.net[sp.service] = net_ref
        ctx.key(wk, row, 6, ("service_net", sp.service), f"{label}: net cost", "money",
                sp.net_cost)
        row += 2
        weights, basis, row = _weights(ctx, sp, wk, row)
        ctx.services.weights[sp.service] = weights
        parts = [ln.party for ln in sp.lines]
        pre: list[tuple[str, str | None, Mapping[str, Any]]] = [
            ("Months", "0", {p: "=" + refs.months[(sp.service, p)] for p in parts}),
            (basis["label"], basis["fmt"], basis["values"]),
        ]
        sa = {ln.party: ln.standalone_cost for ln in sp.lines}

        def standalone(p: str, _share: str, svc: str = sp.service,
                       basis_: str = sp.basis) -> str | None:
            ref = refs.standalone.get((svc, p))
            return None if ref is None else rules.standalone_for_months(
                ref, _share_months(ctx, svc, basis_, p))

        def saving(p: str, share: str, svc: str = sp.service,
                   basis_: str = sp.basis) -> str | None:
            ref = refs.standalone.get((svc, p))
            return None if ref is None else rules.saving(
                ref, _share_months(ctx, svc, basis_, p), share)

        post = [("Stand-alone cost, months taken part (£)", MONEY, standalone),
                ("Saving (£)", MONEY, saving)]
        pl = pool(ctx, wk, row, f"{label}: split of the net cost", net_ref, parts,
                  weights, engine=sp.shares, pre=pre, post=post, own_page_block=False)
        ctx.services.pools[sp.service] = pl
        for ln in sp.lines:
            rr, cc = pl.rows[ln.party], pl.share_col
            ctx.key(wk, rr, cc, ("service_share", sp.service, ln.party),
                    f"{label}: share {ln.party}", "money", ln.share)
            if sa[ln.party] is not None:
                ctx.key(wk, rr, cc + 2, ("service_saving", sp.service, ln.party),
                        f"{label}: saving {ln.party}", "money", sp.saving(ln))
        row = pl.end
    ctx.workings_row = row


def _share_months(ctx: Context, service: str, basis: str, party: str) -> str:
    """The months a share pays for, as a formula term: the months taken part, or 12 on
    the fixed basis (agreed shares are for the whole year)."""
    return "12" if basis == "fixed" else ctx.inputs.months[(service, party)]


_LABELS = {"equal": "Months", "fixed": "Fixed share", "population": "Population"}


def _weights(ctx: Context, sp: ServiceSplit, sh: Sheet, row: int
             ) -> tuple[dict[str, Weight], dict[str, Any], int]:
    """Each participant's whole-number weight in the split, with the formula over the
    Inputs that gives it where there is one; returns (weights, basis column, row).

    The figures are the core's (``sp.basis_weights``, the shares in force, the split's
    lines), never worked out here from the book; only the formulas are made here."""
    parts = [ln.party for ln in sp.lines]
    rb = sp.rebase
    if rb is not None and not rb.rebased and rb.in_force is not None:
        # kept on its shares in force (§18.1(a) tolerance rule): a fixed split of them
        return (*_held(parts, rb.in_force, f"Share in force ({rb.source})"), row)
    if rb is not None and rb.rebased and rb.rounded is not None and rb.step is not None:
        # re-based and rounded to its step (§18.1(a) tolerance rule): a fixed split of them
        return (*_held(parts, rb.rounded, f"Re-based share, rounded to {step_text(rb.step)}"),
                row)
    if sp.basis == "blend":
        return _blend(ctx, sp, sh, row)
    (bw,) = sp.basis_weights
    f, iv, bv = _component(ctx, sp, bw)
    fmt = "0.00##%" if sp.basis == "fixed" else "#,##0.####"
    return ({p: (f[p], iv[p]) for p in parts},
            {"label": _LABELS.get(sp.basis, f"Driver: {sp.basis[7:]}"), "fmt": fmt,
             "values": bv}, row)


def _held(parts: list[str], shares: tuple[tuple[str, Fraction], ...], label: str
          ) -> tuple[dict[str, Weight], dict[str, Any]]:
    """A split on shares the core gives (in force, or re-based and rounded): whole
    numbers in their ratio, and the shares as the basis column."""
    by_party = dict(shares)
    ints = integer_ratio(by_party)
    return ({p: (None, ints[p]) for p in parts},
            {"label": label, "fmt": "0.00##%",
             "values": {p: float(by_party[p]) for p in parts}})


def _scale(sp: ServiceSplit, bw: BasisWeights) -> int:
    """The power of ten the weight formulas scale the basis values by to whole numbers:
    the decimal places of the core's values (a fixed share, or a driver value, which is
    the weight over the months taken part); 0 for months and populations."""
    if bw.basis == "fixed":
        return decimals([w for _, w in bw.weights])
    if bw.basis.startswith("driver:"):
        months = {ln.party: ln.months for ln in sp.lines}
        return decimals([w / months[p] for p, w in bw.weights if months[p]])
    return 0


def _component(ctx: Context, sp: ServiceSplit, bw: BasisWeights
               ) -> tuple[dict[str, str | None], dict[str, int], dict[str, str]]:
    """(weight formula, whole-number weight, basis-value formula) of each participant on
    one basis.  The whole numbers are the core's weights ``bw`` scaled by the formulas'
    power of ten (:func:`_scale`); a formula is ``None`` where the Inputs lack its value
    (the weight is then written as the figure)."""
    refs, basis = ctx.inputs, bw.basis
    k = _scale(sp, bw)
    times = f"*{10**k}" if k else ""
    f: dict[str, str | None] = {}
    bv: dict[str, str] = {}
    for p in bw.parties:
        mref = refs.months[(sp.service, p)]
        if basis == "equal":
            f[p], bv[p] = mref, "=" + mref
            continue
        if basis == "fixed":
            ref = refs.fixed.get((sp.service, p))
            form = f"ROUND({ref}{times},0)"
        elif basis == "population":
            ref = refs.population.get(p)
            form = f"{ref}*{mref}"
        elif basis.startswith("driver:"):
            ref = refs.driver.get((basis[7:], p))
            form = f"ROUND({ref}{times},0)*{mref}"
        else:
            raise ValueError(f"unknown basis {basis}")
        f[p] = None if ref is None else form
        if ref is not None:
            bv[p] = "=" + ref
    return f, {p: scaled(w, k) for p, w in bw.weights}, bv


_Component = tuple[BasisWeights, dict[str, str | None], dict[str, int], dict[str, str]]


def _blend(ctx: Context, sp: ServiceSplit, sh: Sheet, row: int
           ) -> tuple[dict[str, Weight], dict[str, Any], int]:
    """A blend: a table of each component's raw weights and shares (the core's, as
    formulas over the Inputs), the component weights, the blended weight and an exact
    whole-number weight, then the split's whole-number weights: the core's blended
    weights (the split's raw weights) in whole numbers."""
    data = [(bw, *_component(ctx, sp, bw)) for bw in sp.basis_weights if sum(bw.nums) > 0]
    kw = decimals([bw.component_weight or Decimal(0) for bw, *_ in data])
    # a party's exact whole-number weight is its blended weight x 10^kw x the product of
    # the component totals: a formula only while that stays exact in a double
    scale = 10**kw * prod(sum(iv.values()) for _, _, iv, _ in data)
    raw = {ln.party: ln.raw_weight for ln in sp.lines}
    formula_ok = scale * max(raw.values(), default=Fraction(0)) < EXACT_LIMIT
    ints = integer_ratio(raw)
    sh.text(row, 1, "Blend components: each component's weights are normalised to sum to 1, "
            "then mixed with the component weights; the money is rounded once.",
            italic=True, color=GREY)
    row += 1
    heads = ["Party"]
    for bw, *_ in data:
        heads += [f"{bw.basis} (raw)", f"{bw.basis} (share)"]
    heads += ["Blended weight", "Exact integer weight"]
    first = sh.header(row, heads)
    last = first + len(sp.lines) - 1
    _blend_rows(sh, data, first, last, formula_ok, ints)
    weights, blended = _blend_totals(ctx, sp, sh, data, kw, first, last, formula_ok, ints)
    note = ("Exact integer weight: the blend with every component's share written over a "
            "common denominator; divided by its greatest common divisor in the split.")
    if not formula_ok:
        note = ("Exact integer weights are the calculation engine's exact ratios (too large "
                "to form by formula exactly).")
    sh.note(last + 4, 1, note)
    return weights, {"label": "Blended weight", "fmt": FRAC, "values": blended}, last + 6


def _blend_rows(sh: Sheet, data: list[_Component], first: int, last: int, formula_ok: bool,
                ints: dict[str, int]) -> None:
    """One row per party of the blend's component table, from ``first`` to ``last``."""
    L = col_name
    cw_row = last + 2
    cb = 2 + 2 * len(data)
    for r, p in enumerate(ints, start=first):
        sh.text(r, 1, p, bold=True)
        blend_terms = []
        int_terms = []
        for j, (_bw, f, _iv, _bv) in enumerate(data):
            rc, sc = 2 + 2 * j, 3 + 2 * j
            sh.formula(r, rc, f[p] or "0", WHOLE)
            sh.formula(r, sc, f"IF({L(rc)}${last + 1}=0,0,{L(rc)}{r}/{L(rc)}${last + 1})", FRAC)
            blend_terms.append(f"{L(sc)}${cw_row}*{L(sc)}{r}")
            others = "".join(f"*{L(2 + 2 * k)}${last + 1}" for k in range(len(data)) if k != j)
            int_terms.append(f"{L(rc)}${cw_row + 1}*{L(rc)}{r}{others}")
        sh.formula(r, cb, "+".join(blend_terms) or "0", FRAC)
        if formula_ok:
            sh.formula(r, cb + 1, "+".join(int_terms) or "0", WHOLE)
        else:
            sh.value(r, cb + 1, ints[p], WHOLE, input_=False)


def _blend_totals(ctx: Context, sp: ServiceSplit, sh: Sheet, data: list[_Component], kw: int,
                  first: int, last: int, formula_ok: bool, ints: dict[str, int]
                  ) -> tuple[dict[str, Weight], dict[str, str]]:
    """The blend table's total and component-weight rows and its checks; returns each
    party's weight in the split and its blended-weight formula."""
    L = col_name
    tr, cw_row = last + 1, last + 2
    cb = 2 + 2 * len(data)
    sh.text(tr, 1, "Total", bold=True)
    for cc in range(2, cb + 2):
        sh.formula(tr, cc, f"SUM({L(cc)}{first}:{L(cc)}{last})",
                   WHOLE if (cc % 2 == 0 and cc < cb) or cc == cb + 1 else FRAC)
    sh.total_row(tr, 1, cb + 1)
    sh.text(cw_row, 1, "Component weight")
    sh.text(cw_row + 1, 1, f"Component weight x {10**kw}")
    for j, (bw, *_rest) in enumerate(data):
        sc = 3 + 2 * j
        sh.formula(cw_row, sc, ctx.inputs.blend[(sp.service, bw.basis)], "0.00##%")
        sh.formula(cw_row + 1, 2 + 2 * j, f"ROUND({L(sc)}{cw_row}*{10**kw},0)", WHOLE)
    sh.grid(first, 1, last, cb + 1)
    sh.grid(cw_row, 1, cw_row + 1, cb - 1)
    gcd_rng = f"${L(cb + 1)}${first}:${L(cb + 1)}${last}"
    label = ctx.service_label(sp.service)
    ctx.check(f"{label}: blended weights add up to 1", f"ROUND({sh.ref(tr, cb)},9)=1")
    weights: dict[str, Weight] = {}
    blended: dict[str, str] = {}
    for r, p in enumerate(ints, start=first):
        weights[p] = ((f"{L(cb + 1)}{r}/GCD({gcd_rng})", ints[p]) if formula_ok
                      else (None, ints[p]))
        blended[p] = f"={L(cb)}{r}"
        ctx.check(f"{label}, {p}: exact integer weight matches the blended weight",
                  f"ROUND({sh.ref(r, cb + 1)}/{sh.ref(tr, cb + 1)}-{sh.ref(r, cb)},9)=0")
    return weights, blended
