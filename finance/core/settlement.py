"""Settlement and indemnity between parties (SPEC §6; MKIP §18.1(b), §13.4).

§18.1(b): "where one of the Parties takes responsibility for leading on a particular
business case and undertakes actions or incurs liabilities in that respect then it shall be
entitled to be indemnified by the other Parties for the appropriate proportion of all of
its costs".

Obligations: the host pays a service's net cost, so each other participant owes the host
its share; a project's lead pays the project's year-0 ``one_off_cost`` (actual cash, not
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

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from finance.core.apportion import apportion
from finance.core.model import Book
from finance.core.services import ServiceSplit, participant_weights


@dataclass(frozen=True, slots=True)
class Obligation:
    source: str  # service or project code
    payer: str  # owes
    payee: str  # is owed
    amount: int  # pence, may be negative (reverses direction)


@dataclass(frozen=True, slots=True)
class Payment:
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
    out = []
    for sp in splits:
        for line in sp.lines:
            if line.party != sp.host and line.share != 0:
                out.append(Obligation(sp.service, line.party, sp.host, line.share))
    for pr in sorted(book.projects, key=lambda p: p.project):
        if (pr.start_year or year) != year:
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

    A party's obligation to itself (never produced by :func:`obligations`) nets to nothing.
    """
    ob = tuple(obls)
    owed: dict[tuple[str, str], int] = defaultdict(int)
    position: dict[str, int] = dict.fromkeys(parties, 0)
    for o in ob:
        payer, payee, amount = o.payer, o.payee, o.amount
        if payer == payee:  # owed to itself: no payment, and its position is unchanged
            position.setdefault(payer, 0)
            continue
        if payer < payee:  # each pair kept once, in code order: owed[(a, b)] is what a owes b
            owed[(payer, payee)] += amount
        else:
            owed[(payee, payer)] -= amount
        position[payee] = position.get(payee, 0) + amount
        position[payer] = position.get(payer, 0) - amount
    payments = []
    for (a, b), x in sorted(owed.items()):
        if x > 0:
            payments.append(Payment(a, b, x))
        elif x < 0:
            payments.append(Payment(b, a, -x))
    nets = tuple(NetPosition(p, position[p]) for p in sorted(position))
    return Settlement(ob, tuple(payments), nets)


def settlement(book: Book, year: str, splits: Sequence[ServiceSplit],
               project_weights: Mapping[str, Mapping[str, Fraction]] | None = None
               ) -> Settlement:
    return settle(obligations(book, year, splits, project_weights),
                  (p.code for p in book.parties))
