"""Settlement and indemnity between parties (SPEC §6; MKIP §18.1(b), §13.4).

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
    faster than a frozen dataclass) that compares as a dataclass does."""

    source: str  # service or project code
    payer: str  # owes
    payee: str  # is owed
    amount: int  # pence, may be negative (reverses direction)


@value_record
class Payment(NamedTuple):
    """One payment of the netted settlement (a named tuple, as :class:`Obligation`)."""

    payer: str
    payee: str
    amount: int  # pence, > 0


@dataclass(frozen=True, slots=True)
class NetPosition:
    party: str
    amount: int  # pence: positive receives, negative pays


@dataclass(frozen=True, slots=True)
class Settlement:
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
        for party, amount in shares.items():
            if party != pr.lead and amount != 0:
                out.append(Obligation(pr.project, party, pr.lead, amount))
    return out


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
