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
  the split is **re-based** on the computed shares, as without a tolerance;
* a service that also gives a ``rebase_step`` (``s``, a percentage such as 1%) has a
  re-based split **rounded** to multiples of ``s``: the computed shares are apportioned
  in whole steps by largest remainder (:func:`rounded_shares`), so that they total
  exactly 100% (71% / 29%, not 71.26% / 28.74%), and the net cost is split on the rounded
  shares, as a fixed split, largest remainder.  The movement is still measured on the
  computed shares, exactly; a kept split is not rounded again.

A closed year stores the shares it applied (the shares in force when kept, the computed
ones when re-based, the rounded ones when re-based with a step), so a split holds until
the measure drifts past the tolerance from the split in force.

Worked example: in force A 50%, B 50%; computed A 52%, B 48%; tolerance 3 points: the
largest movement is 2 points, so £1,000.00 is split 500.00 / 500.00 on the shares in force.
With a tolerance of 1.5 points it would be re-based: 520.00 / 480.00.  With a tolerance of
1.5 points and a step of 5%, the re-based shares 52% / 48% become 50% / 50% (10.4 and 9.6
steps: floors 10 + 9, the step left over to the larger remainder, B's 0.6), so the
£1,000.00 is split 500.00 / 500.00 and the split stored is 50% / 50%.

>>> from finance.core.apportion import apportion_detail
>>> from finance.core.services import ServiceLine, ServiceSplit
>>> lines = tuple(ServiceLine.of(s, 12, s.weight, None)
...               for s in apportion_detail(100_000, {"A": 52, "B": 48}))
>>> sp = ServiceSplit("S", "S", "2025-26", "A", "population", 100_000, 0, (), lines)
>>> kept = apply_rule(sp, Fraction(3, 100), {"A": Fraction(1, 2), "B": Fraction(1, 2)}, "book")
>>> kept.shares, kept.rebase.rebased, kept.rebase.max_movement
({'A': 50000, 'B': 50000}, False, Fraction(1, 50))
>>> again = apply_rule(sp, Fraction(3, 200), {"A": Fraction(1, 2), "B": Fraction(1, 2)}, "book")
>>> again.shares, again.rebase.rebased
({'A': 52000, 'B': 48000}, True)
>>> stepped = apply_rule(sp, Fraction(3, 200), {"A": Fraction(1, 2), "B": Fraction(1, 2)},
...                      "book", step=Fraction(5, 100))
>>> stepped.shares, stepped.rebase.rebased, stepped.rebase.max_movement
({'A': 50000, 'B': 50000}, True, Fraction(1, 50))
>>> [str(x.weight) for x in stepped.lines]  # the shares applied, and stored when closed
['1/2', '1/2']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

from finance.core.apportion import apportion, apportion_detail
from finance.core.model import Book
from finance.core.services import Rebase, ServiceLine, ServiceSplit

#: Shares as a mapping of party code to exact fraction (summing to 1).
Shares = Mapping[str, Fraction]


def rounded_shares(computed: Shares, step: Fraction) -> dict[str, Fraction]:
    """The computed shares rounded to whole multiples of ``step``, totalling exactly 1.

    ``1 / step`` whole steps (100 for a step of 1%) are apportioned between the parties by
    largest remainder on their computed shares (:func:`finance.core.apportion.apportion`):
    each party's quota is ``computed x steps``; each gets its quota rounded down, and the
    steps left over go one each to the largest remainders; a tie goes to the larger
    computed share, then to the party code in alphabetical order.  ``step`` must divide 1
    into whole steps (the ``rebase_step`` column's reader refuses any other).

    Worked example: 71.26% / 28.74% with a step of 1%: quotas 71.26 and 28.74 steps, floors
    71 + 28 = 99, the step left over goes to the larger remainder (B's 0.74): 71% / 29%.

    >>> r = rounded_shares({"A": Fraction(7126, 10_000), "B": Fraction(2874, 10_000)},
    ...                    Fraction(1, 100))
    >>> {p: str(s) for p, s in r.items()}, sum(r.values())
    ({'A': '71/100', 'B': '29/100'}, Fraction(1, 1))

    A tie: a third each, step 1%: 33.33 steps each, floors 99, the step left over goes by
    party code (equal remainders, equal shares):

    >>> [str(s) for s in rounded_shares(dict.fromkeys("ABC", Fraction(1, 3)),
    ...                                   Fraction(1, 100)).values()]
    ['17/50', '33/100', '33/100']
    """
    if step <= 0 or (1 / step).denominator != 1:
        raise ValueError(f"a step of {step} does not divide 100% into whole steps")
    units = apportion((1 / step).numerator, computed)
    return {p: units[p] * step for p in sorted(computed)}


def step_text(step: Fraction) -> str:
    """A step as the percentage it was typed as, every digit kept.

    >>> step_text(Fraction(1, 100)), step_text(Fraction(1, 40)), step_text(Fraction(1, 2))
    ('1%', '2.5%', '50%')
    """
    d = Decimal(step.numerator) * 100 / Decimal(step.denominator)
    return f"{d.normalize():f}%"


def _fixed_lines(sp: ServiceSplit, shares: Shares) -> tuple[ServiceLine, ...]:
    """The service's lines split on ``shares`` as a fixed split (largest remainder on the
    pence), each line's weight the share applied; months and stand-alone costs kept."""
    return tuple(
        ServiceLine.of(share, old.months, share.weight, old.standalone_cost)
        for share, old in zip(apportion_detail(sp.net_cost, shares), sp.lines, strict=True))


def apply_rule(sp: ServiceSplit, tolerance: Fraction, in_force: Shares | None,
               source: str, step: Fraction | None = None) -> ServiceSplit:
    """The service's split under the tolerance rule, with its :class:`Rebase` record;
    a re-based split is rounded to multiples of ``step`` when one is given."""
    computed = {x.party: x.weight for x in sp.lines}
    same = in_force is not None and set(in_force) == set(computed)
    movement = (max(abs(computed[p] - in_force[p]) for p in computed)
                if same and in_force is not None and computed else None)
    keep = movement is not None and movement <= tolerance
    rounded = (rounded_shares(computed, step)
               if step is not None and not keep and sum(computed.values()) == 1 else None)
    record = Rebase(tolerance, tuple(sorted(computed.items())),
                    None if in_force is None else tuple(sorted(in_force.items())),
                    source if in_force is not None else "", not keep, movement, step,
                    None if rounded is None else tuple(sorted(rounded.items())))
    if keep:
        assert in_force is not None
        return replace(sp, lines=_fixed_lines(sp, in_force), rebase=record)
    if rounded is not None:
        return replace(sp, lines=_fixed_lines(sp, rounded), rebase=record)
    return replace(sp, rebase=record)


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
    """Every service of ``year`` with a ``rebase_tolerance`` under the rule (re-based
    splits rounded to its ``rebase_step``, when it gives one); the others as they are."""
    rules = {s.service: (Fraction(s.rebase_tolerance),
                         None if s.rebase_step is None else Fraction(s.rebase_step))
             for s in book.services if s.year == year and s.rebase_tolerance is not None}
    if not rules:
        return splits
    in_force = shares_in_force(book, stored)
    out = []
    for sp in splits:
        if sp.service in rules:
            tolerance, step = rules[sp.service]
            shares, source = in_force.get(sp.service, (None, ""))
            sp = apply_rule(sp, tolerance, shares, source, step)
        out.append(sp)
    return tuple(out)
