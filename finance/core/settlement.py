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

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import NamedTuple

from finance.core.apportion import apportion
from finance.core.contributions import YearFacts
from finance.core.model import Book, record_maker, value_record
from finance.core.services import ServiceSplit
from finance.core.services import project_weights as projects_sharing


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


_new_obligation = record_maker(Obligation)
_new_payment = record_maker(Payment)


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
                project_weights: Mapping[str, Mapping[str, Fraction]] | None = None,
                facts: YearFacts | None = None) -> list[Obligation]:
    """Who owes whom, before netting.  ``project_weights`` (project -> party -> weight)
    saves working out each project's sharing again when the caller already has it;
    else it is worked out from ``facts``, the year's, when given."""
    out = list(map(_new_obligation, [
        (sp.service, line.party, sp.host, line.share) for sp in splits
        for line in sp.lines if line.share != 0 and line.party != sp.host]))
    for sc in setup_costs(book, year, project_weights, facts):
        for party, amount in sc.shares:
            if party != sc.lead and amount != 0:
                out.append(Obligation(sc.project, party, sc.lead, amount))
    return out


def setup_costs(book: Book, year: str,
                project_weights: Mapping[str, Mapping[str, Fraction]] | None = None,
                facts: YearFacts | None = None) -> tuple[SetupCost, ...]:
    """The business cases whose set-up cost is shared in ``year`` (§18.1(b)), in project
    order: each approved project starting in ``year`` with a year-0 ``one_off_cost``
    other than 0, its lead, that cost and every participant's share of it (largest
    remainder on :func:`~finance.core.services.participant_weights`).
    ``project_weights``: each project's sharing, when worked out already (else worked out
    here, from ``facts``, the year's, when given)."""
    out = []
    for pr in sorted(book.projects, key=lambda p: p.project):
        if not pr.approved or (pr.start_year or year) != year:
            continue
        cost = sum(c.amount for c in book.cashflows
                   if c.project == pr.project and c.year_index == 0 and c.kind == "one_off_cost")
        if cost == 0:
            continue
        if project_weights is None:
            project_weights = projects_sharing(book, year, facts)
        weights = project_weights[pr.project]
        shares = apportion(cost, weights)
        out.append(SetupCost(pr.project, pr.name, pr.lead, cost,
                             tuple(sorted(shares.items()))))
    return tuple(out)


def settle(obls: Iterable[Obligation], parties: Iterable[str] = ()) -> Settlement:
    """Net the obligations to one payment per pair and a position per party.

    For each pair of parties ``(a, b)``, ``a`` before ``b`` in code order:
    ``owed[a, b] = sum(what a owes b) - sum(what b owes a)`` over their obligations; a
    positive ``owed`` is a payment from ``a`` to ``b``, a negative one from ``b`` to ``a``,
    and 0 is no payment.  Each party's position is ``sum(what it is owed) - sum(what it
    owes)``.  Exact integer pence throughout.  A party's obligation to itself (never
    produced by :func:`obligations`) nets to nothing.

    >>> s = settle([Obligation("S1", "B", "A", 500), Obligation("S2", "A", "B", 200),
    ...             Obligation("S3", "C", "A", -50)])
    >>> [(p.payer, p.payee, p.amount) for p in s.payments]
    [('B', 'A', 300), ('A', 'C', 50)]
    >>> [(n.party, n.amount) for n in s.net_positions]
    [('A', 250), ('B', -300), ('C', 50)]
    """
    ob = tuple(obls)
    position: defaultdict[str, int] = defaultdict(int, dict.fromkeys(parties, 0))
    # owed[a][b], a before b in code order: what a owes b less what b owes a
    owed: defaultdict[str, defaultdict[str, int]] = defaultdict(lambda: defaultdict(int))
    for _source, payer, payee, amount in ob:
        position[payee] += amount
        position[payer] -= amount  # (nothing moves when a party owes itself)
        if payer < payee:
            owed[payer][payee] += amount
        elif payee < payer:
            owed[payee][payer] -= amount
    payments = []  # (payer, payee, amount)
    for a in sorted(owed):
        row = owed[a]
        for b in sorted(row):
            net = row[b]  # what a owes b
            if net > 0:
                payments.append((a, b, net))
            elif net < 0:
                payments.append((b, a, -net))
    nets = tuple(NetPosition(p, position[p]) for p in sorted(position))
    return Settlement(ob, tuple(map(_new_payment, payments)), nets)


def settlement(book: Book, year: str, splits: Sequence[ServiceSplit],
               project_weights: Mapping[str, Mapping[str, Fraction]] | None = None,
               facts: YearFacts | None = None) -> Settlement:
    """The year's settlement: :func:`obligations`, netted by :func:`settle` between every
    party of the book.  ``project_weights``: each project's sharing, when worked out
    already; else worked out from ``facts``, the year's, when given."""
    return settle(obligations(book, year, splits, project_weights, facts),
                  (p.code for p in book.parties))
