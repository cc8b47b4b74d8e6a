"""Shares in force and the tolerance rule (§18.1(a): costs are shared "in such proportions
as they shall agree").

Some partnerships keep a service's agreed split until the activity measure moves past a
tolerance, rather than re-basing it every year.  A service that gives a
``rebase_tolerance`` (``t``, in points of share: 3% is 0.03) is split like this:

* the **shares in force** are the book's ``shares_in_force`` rows for the service, else
  the shares the latest closed year applied to it (from the history), else there are none;
* with shares in force for exactly the same participants, and every participant's
  computed share within the tolerance of its share in force
  (``|computed - in force| <= t``, compared exactly), the split is **kept**: the net cost
  is split on the shares in force, as a fixed split, largest remainder;
* otherwise (no shares in force, a change of participants, or any movement past ``t``)
  the split is **re-based** on the computed shares, as without a tolerance.

A closed year stores the shares it applied (the shares in force when kept, the computed
ones when re-based), so a split holds until the measure drifts past the tolerance from
the split in force.

Worked example: in force A 50%, B 50%; computed A 52%, B 48%; tolerance 3 points: the
largest movement is 2 points, so £1,000.00 is split 500.00 / 500.00 on the shares in force.
With a tolerance of 1.5 points it would be re-based: 520.00 / 480.00.

>>> from finance.core.apportion import apportion_detail
>>> from finance.core.services import ServiceLine, ServiceSplit
>>> lines = tuple(ServiceLine((*s, 12, s.weight.numerator, s.weight.denominator, None))
...               for s in apportion_detail(100_000, {"A": 52, "B": 48}))
>>> sp = ServiceSplit("S", "S", "2025-26", "A", "population", 100_000, 0, (), lines)
>>> kept = apply_rule(sp, Fraction(3, 100), {"A": Fraction(1, 2), "B": Fraction(1, 2)}, "book")
>>> kept.shares, kept.rebase.rebased, kept.rebase.max_movement
({'A': 50000, 'B': 50000}, False, Fraction(1, 50))
>>> again = apply_rule(sp, Fraction(3, 200), {"A": Fraction(1, 2), "B": Fraction(1, 2)}, "book")
>>> again.shares, again.rebase.rebased
({'A': 52000, 'B': 48000}, True)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from fractions import Fraction

from finance.core.apportion import apportion_detail
from finance.core.model import Book
from finance.core.services import (
    L_MONTHS,
    L_STANDALONE,
    Rebase,
    ServiceLine,
    ServiceSplit,
)

#: Shares as a mapping of party code to exact fraction (summing to 1).
Shares = Mapping[str, Fraction]


def apply_rule(sp: ServiceSplit, tolerance: Fraction, in_force: Shares | None,
               source: str) -> ServiceSplit:
    """The service's split under the tolerance rule, with its :class:`Rebase` record."""
    computed = {x.party: x.weight for x in sp.lines}
    same = in_force is not None and set(in_force) == set(computed)
    movement = (max(abs(computed[p] - in_force[p]) for p in computed)
                if same and in_force is not None and computed else None)
    keep = movement is not None and movement <= tolerance
    record = Rebase(tolerance, tuple(sorted(computed.items())),
                    None if in_force is None else tuple(sorted(in_force.items())),
                    source if in_force is not None else "", not keep, movement)
    if not keep:
        return replace(sp, rebase=record)
    assert in_force is not None
    lines = tuple(
        ServiceLine((*share, old[L_MONTHS], share.weight.numerator, share.weight.denominator,
                     old[L_STANDALONE]))
        for share, old in zip(apportion_detail(sp.net_cost, in_force), sp.lines, strict=True))
    return replace(sp, lines=lines, rebase=record)


def shares_in_force(book: Book, stored: Mapping[str, Shares] | None
                    ) -> dict[str, tuple[dict[str, Fraction], str]]:
    """Each service's shares in force and their source: the book's ``shares_in_force``
    rows for it, else the shares ``stored`` with the latest closed year."""
    out: dict[str, tuple[dict[str, Fraction], str]] = {
        svc: (dict(shares), "history") for svc, shares in (stored or {}).items()}
    given: dict[str, dict[str, Fraction]] = {}
    for x in book.shares_in_force:
        given.setdefault(x.service, {})[x.party] = Fraction(x.share)
    out.update({svc: (shares, "book") for svc, shares in given.items()})
    return out


def apply_tolerances(book: Book, year: str, splits: tuple[ServiceSplit, ...],
                     stored: Mapping[str, Shares] | None = None) -> tuple[ServiceSplit, ...]:
    """Every service of ``year`` with a ``rebase_tolerance`` under the rule; the others
    as they are."""
    tolerances = {s.service: Fraction(s.rebase_tolerance) for s in book.services
                  if s.year == year and s.rebase_tolerance is not None}
    if not tolerances:
        return splits
    in_force = shares_in_force(book, stored)
    out = []
    for sp in splits:
        if sp.service in tolerances:
            shares, source = in_force.get(sp.service, (None, ""))
            sp = apply_rule(sp, tolerances[sp.service], shares, source)
        out.append(sp)
    return tuple(out)
