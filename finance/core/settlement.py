"""Settlement and indemnity between parties (MKIP §18.1(b), §13.4).

§18.1(b): "where one of the Parties takes responsibility for leading on a particular
business case and undertakes actions or incurs liabilities in that respect then it shall be
entitled to be indemnified by the other Parties for the appropriate proportion of all of
its costs".

Obligations: the host pays a service's net cost, so each other participant owes the host
its share; an approved project's lead (a project whose ``approved`` is no creates no
obligation, though it is still appraised and scored) pays the project's year-0
``one_off_cost`` (actual cash, not
uplifted for optimism bias) in the project's ``start_year`` (default: the year run), so
each other participant owes the lead its share (shared on
:func:`~finance.core.services.participant_weights`, largest remainder).  A negative share
(a service whose income exceeds its cost) is money the host owes the party.

Netting: for each pair of parties one payment, the difference of what each owes the other.
A party's net position is what it receives less what it pays (positive: it is owed).
Positions sum to exactly zero.

>>> s = settle([Obligation("LEGAL", "SBC", "MBC", 500), Obligation("ICT", "MBC", "SBC", 200)])
>>> [(p.payer, p.payee, p.amount) for p in s.payments]
[('SBC', 'MBC', 300)]
>>> [(n.party, n.amount) for n in s.net_positions]
[('MBC', 300), ('SBC', -300)]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from finance.core.apportion import S_PARTY, S_SHARE, apportion
from finance.core.model import Book, value_record
from finance.core.money import int64_sums_fit
from finance.core.services import ServiceSplit, participant_weights


@value_record
class Obligation(NamedTuple):
    """What one party owes another for one service or project, before netting.

    A named tuple (a large book has tens of thousands; a tuple is built several times
    faster than a frozen dataclass) that compares as a dataclass does.

    Fields:
        source: the code of the service or project it is for.
        payer: the party code of the party that owes: a participant of a service, or of
            a project other than its lead.
        payee: the party code of the party owed: the service's host (§18.1(b)) or the
            project's lead.
        amount: the payer's share of the service's net cost, or of the project's year-0
            one-off cost, pence; negative (the payee owes the payer) when a service's
            income exceeds its cost.
    """

    source: str
    payer: str
    payee: str
    amount: int


@value_record
class Payment(NamedTuple):
    """One payment of the netted settlement (a named tuple, as :class:`Obligation`).

    Fields:
        payer: the party code of the party that pays.
        payee: the party code of the party paid.
        amount: pence, above 0: what the payer owes the payee less what the payee owes
            the payer, over all their obligations.
    """

    payer: str
    payee: str
    amount: int


@dataclass(frozen=True, slots=True)
class NetPosition:
    """One party's net position in the settlement.

    Fields:
        party: the party code.
        amount: pence: what it receives less what it pays (positive: it is owed;
            negative: it pays; every party's positions sum to 0).
    """

    party: str
    amount: int


@dataclass(frozen=True, slots=True)
class SetupCost:
    """A business case's year-0 set-up cost, paid by its lead and shared between its
    participants (§18.1(b)).

    Fields:
        project: the project's code.
        name: the project's name.
        lead: the party code of the lead, which pays the cost.
        cost: the year-0 ``one_off_cost``, pence (cash, not uplifted for optimism bias).
        shares: ``(party, pence)`` for every participant, in party-code order; they add up
            to ``cost`` (the lead's own share included, when it takes part).
    """

    project: str
    name: str
    lead: str
    cost: int
    shares: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class Settlement:
    """Who owes whom for the year's services and projects, netted (§18.1(b)).

    Fields:
        obligations: every obligation before netting: the services', in service order,
            then the projects', in project order.
        payments: one payment per pair of parties whose obligations to each other do
            not net to zero, ordered by the pair's party codes (the lower first).
        net_positions: one per party (every party of the book, and any other named in an
            obligation), in party-code order.
    """

    obligations: tuple[Obligation, ...]
    payments: tuple[Payment, ...]
    net_positions: tuple[NetPosition, ...]


def obligations(book: Book, year: str, splits: Sequence[ServiceSplit],
                project_weights: Mapping[str, Mapping[str, Fraction]] | None = None
                ) -> list[Obligation]:
    """Who owes whom, before netting.  ``project_weights`` (project -> party -> weight)
    saves working out each project's sharing again when the caller already has it."""
    out = list(map(Obligation._make, [
        (sp.service, line[S_PARTY], sp.host, line[S_SHARE]) for sp in splits
        for line in sp.lines if line[S_SHARE] != 0 and line[S_PARTY] != sp.host]))
    for sc in setup_costs(book, year, project_weights):
        for party, amount in sc.shares:
            if party != sc.lead and amount != 0:
                out.append(Obligation(sc.project, party, sc.lead, amount))
    return out


def setup_costs(book: Book, year: str,
                project_weights: Mapping[str, Mapping[str, Fraction]] | None = None
                ) -> tuple[SetupCost, ...]:
    """The business cases whose set-up cost is shared in ``year`` (§18.1(b)), in project
    order: each approved project starting in ``year`` with a year-0 ``one_off_cost``
    other than 0, its lead, that cost and every participant's share of it (largest
    remainder on :func:`~finance.core.services.participant_weights`)."""
    out = []
    for pr in sorted(book.projects, key=lambda p: p.project):
        if not pr.approved or (pr.start_year or year) != year:
            continue
        cost = sum(c.amount for c in book.cashflows
                   if c.project == pr.project and c.year_index == 0 and c.kind == "one_off_cost")
        if cost == 0:
            continue
        weights = (project_weights[pr.project] if project_weights is not None
                   else participant_weights(book, pr.service, year))
        shares = apportion(cost, weights)
        out.append(SetupCost(pr.project, pr.name, pr.lead, cost,
                             tuple(sorted(shares.items()))))
    return tuple(out)


def settle(obls: Iterable[Obligation], parties: Iterable[str] = ()) -> Settlement:
    """Net the obligations to one payment per pair and a position per party.

    Column by column: each party is numbered in code order, so a pair ``(a, b)`` with
    ``a < b`` is one integer ``a x n + b``; what ``a`` owes ``b`` is the sum, over the
    pair's obligations, of the amounts ``a`` owes ``b`` less those ``b`` owes ``a``
    (summed exactly: int64 when the amounts cannot overflow it, else Python integers).
    A party's obligation to itself (never produced by :func:`obligations`) nets to
    nothing.
    """
    ob = tuple(obls)
    payer, payee, amount = [o.payer for o in ob], [o.payee for o in ob], [o.amount for o in ob]
    codes = sorted(set(parties).union(payer, payee))
    number = {c: i for i, c in enumerate(codes)}
    n = len(codes)
    p = np.fromiter(map(number.__getitem__, payer), dtype=np.int64, count=len(ob))
    q = np.fromiter(map(number.__getitem__, payee), dtype=np.int64, count=len(ob))
    amounts = _summable(amount)
    moved = p != q  # owed to itself: no payment, and its position is unchanged
    p, q, amounts = p[moved], q[moved], amounts[moved]
    position = np.zeros(n, dtype=amounts.dtype)
    np.add.at(position, q, amounts)
    np.subtract.at(position, p, amounts)
    # each pair once, as (lower code, higher code): what the lower owes the higher
    pair, net = _sum_by_key(np.minimum(p, q) * n + np.maximum(p, q),
                            np.where(p < q, amounts, -amounts))
    due = net != 0
    pair, net = pair[due], net[due]
    low, high = pair // n, pair % n
    pays, gets = np.where(net > 0, low, high), np.where(net > 0, high, low)
    name = codes.__getitem__
    payments = map(Payment._make, zip(map(name, pays.tolist()), map(name, gets.tolist()),
                                      np.abs(net).tolist(), strict=True))
    nets = tuple(map(NetPosition, codes, position.tolist()))
    return Settlement(ob, tuple(payments), nets)


def _sum_by_key(keys: npt.NDArray[np.int64], values: npt.NDArray[Any]
                ) -> tuple[npt.NDArray[np.int64], npt.NDArray[Any]]:
    """The distinct keys, ascending, and the sum of the values of each."""
    if not len(keys):
        return keys, values
    order = np.argsort(keys, kind="stable")
    keys, values = keys[order], values[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    return keys[starts], np.add.reduceat(values, starts)


def _summable(amounts: list[int]) -> npt.NDArray[Any]:
    """Amounts as int64 when no sum of them can overflow it, else as Python integers."""
    if int64_sums_fit(min(amounts, default=0), max(amounts, default=0), len(amounts)):
        return np.asarray(amounts, dtype=np.int64)
    return np.asarray(amounts, dtype=object)


def settlement(book: Book, year: str, splits: Sequence[ServiceSplit],
               project_weights: Mapping[str, Mapping[str, Fraction]] | None = None
               ) -> Settlement:
    return settle(obligations(book, year, splits, project_weights),
                  (p.code for p in book.parties))
