"""Statement per council: each paying party's own fund account for the year (MKIP §13.2,
§13.3, §18.1).

§13.2: each party pays its per-head contribution, and "any funds that are not spent or
committed at the year end will be returned based on the proportions outlined above or
carried over".  §13.3: the accountable body holds the fund for the partnership.  The
year end (:mod:`finance.core.yearend`) works the fund account for the partnership; this
module gives each party its part of it, so each council can post its figures.

A party's fund account, every figure in integer pence::

    opening_balance_p + opening_commitments_p + contribution_p + external_funding_p
      + income_p - admin_recharge_p - spend_p - commitments_p + rounding_p
      = uncommitted_p = refund_p + carry_over_p          (= -supplementary_p in a deficit)

* ``contribution_p`` is the party's own contribution (nothing is split);
* each other line ``x_p`` is the party's share of the partnership's line ``x``, split on
  that year's contribution weights by largest remainder (one
  :func:`~finance.core.apportion.apportion` per line, the same helper the year end uses;
  ``spend_p`` is the year end's own spend share);
* ``refund_p`` and ``carry_over_p`` (and ``supplementary_p``) are exactly the year end's
  figures, unchanged;
* ``rounding_p`` is what is left: each split share is within a penny of its exact quota,
  and the exact quotas add up, so ``|rounding_p|`` is less than the number of lines split
  (seven fund lines, plus the refund and the carry-over: at most 8 pence, usually 0), and
  the parties' rounding lines add up to exactly 0.

In a deficit the refund is 0 and the carry-over is split as the year end splits it
(negative), so ``uncommitted_p = carry_over_p = -supplementary_p``.

Then every service (§18.1(a)) and business case set-up cost (§18.1(b)) that makes up
its settlement: for each, what the party paid for the partnership (a service's whole net
cost when it hosts it, a set-up cost when it leads the business case; else 0) and its
own share, so that what the settlement gives it for that line is ``paid - share``, and::

    settlement_net_p = sum over its services and business cases of (paid_p - share_p)

Then the settlement payments it makes or receives and with whom (§18.1(b)), and its net
cash for the year, the same for every council, host or not::

    net_cash_p = refund_p - contribution_p - supplementary_p - paid_p + settlement_net_p
               = refund_p - contribution_p - supplementary_p - (its shares, summed)

(positive: the partnership leaves the council better off in cash by that much;
``settlement_net_p`` is the settlement's net position, positive when the party is
owed).  A host pays its services' costs and is repaid the others' shares through the
settlement, so both are in its net cash: what is left is its own share, as for a council
that only pays its share to the host.

A paying party, for a statement, is one with a contribution, a refund, a supplementary
contribution, a service share or a settlement amount in the year (any of them non-zero).

Worked example: three councils contribute £1.00 each and the fund spends 1p; the board
refunds half of the 299p uncommitted: 149.5p, rounded once to 150p, so 149p is carried
over.  Split three ways (every weight the same), the spend's penny goes to A (all tie:
code order), the refund is 50p each, and of the carry-over 149p (49.67p each) the two
left-over pennies go to A and B:

>>> from decimal import Decimal
>>> from finance.core.model import Book, LedgerEntry, Party, Population, Settings, YearRow
>>> from finance.core.yearend import year_end
>>> b = Book(Settings("P", "A"), tuple(Party(c, c, True) for c in "ABC"),
...          tuple(Population(c, "2025-26", 1) for c in "ABC"),
...          (YearRow("2025-26", Decimal(100), 0, 0, Decimal("0.5")),),
...          ledger=(LedgerEntry("2025-26", "spend", 1),))
>>> [(a.party, a.contribution, a.spend, a.rounding, a.uncommitted, a.refund, a.carry_over)
...  for a in fund_accounts(year_end(b, "2025-26"))]
[('A', 100, 1, 1, 100, 50, 50), ('B', 100, 0, 0, 100, 50, 50), ('C', 100, 0, -1, 99, 50, 49)]

A's lines come to 100 - 1 = 99p against its 100p uncommitted (+1p rounding); C's to 100p
against 99p (-1p); the rounding lines add up to 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from finance.core.apportion import apportion
from finance.core.settlement import setup_costs

if TYPE_CHECKING:
    from finance.core.run import Result
    from finance.core.yearend import YearEnd

__all__ = ["FUND_LINES", "NET_CASH", "ROUNDING", "SPLIT_LINES", "FundAccount",
           "ServiceCharge", "SettlementItem", "SetupShare", "Statement", "fund_accounts",
           "net_cash", "paid_for_partnership", "statements"]

#: The rounding line's name, on every statement (workbook and PDF).
ROUNDING = "Rounding (largest remainder)"
#: What net cash is, in words, on every statement (workbook and PDF) and in the docs.
NET_CASH = ("Net cash = refund - contribution - supplementary - paid for the partnership "
            "(as host or lead) + settlement net position; the same as refund - contribution "
            "- supplementary - the council's own shares of the services and business cases. "
            "Positive: cash into the council.")

#: The partnership's fund lines each party gets a share of, with the sign each carries in
#: the account (+1 adds, -1 is shown "less").  Seven lines split, plus the refund and the
#: carry-over (the year end's split): ``|rounding|`` is under :data:`SPLIT_LINES` pence.
FUND_LINES: tuple[tuple[str, int], ...] = (
    ("opening_balance", 1),
    ("opening_commitments", 1),
    ("external_funding", 1),
    ("income", 1),
    ("admin_recharge", -1),
    ("spend", -1),
    ("commitments", -1),
)
#: Lines split between parties for one statement (fund lines, refund, carry-over).
SPLIT_LINES = len(FUND_LINES) + 2


@dataclass(frozen=True, slots=True)
class FundAccount:
    """One party's share of the partnership's fund account for one year (§13.2-§13.3).

    Every amount is integer pence.  Lines shown "less" in the account (``admin_recharge``,
    ``spend``, ``commitments``) are held as positive amounts, as the ledger holds them.

    ``uncommitted`` (a property) is ``refund + carry_over``, pence.

    Fields:
        party: the party's code.
        weight: the party's contribution for the year, pence: the weight every line
            below is split on (largest remainder over all paying parties' contributions).
        opening_balance: its share of the opening balance, pence.
        opening_commitments: its share of the opening commitments, pence.
        contribution: its own contribution for the year (§13.2), pence; not split.
        external_funding: its share of the external funding received, pence.
        income: its share of the fund's income, pence.
        admin_recharge: its share of the administration recharge, pence (shown less).
        spend: its share of the spend, pence (shown less); the year end's own figure.
        commitments: its share of the commitments open at 31 March, pence (shown less).
        rounding: the pence that bring the lines above to its uncommitted share; under
            9p, usually 0, and the parties' rounding lines add up to 0.
        refund: its refund, pence (the year end's figure).
        carry_over: its share of the balance carried over, pence (negative in a deficit).
        supplementary: its supplementary contribution to clear a deficit, pence (0
            otherwise).
    """

    party: str
    weight: int
    opening_balance: int
    opening_commitments: int
    contribution: int
    external_funding: int
    income: int
    admin_recharge: int
    spend: int
    commitments: int
    rounding: int
    refund: int
    carry_over: int
    supplementary: int

    @property
    def uncommitted(self) -> int:
        """Its uncommitted share, pence: ``refund + carry_over`` (``-supplementary`` in a
        deficit)."""
        return self.refund + self.carry_over

    @property
    def before_rounding(self) -> int:
        """The account's lines before the rounding line, summed (pence)."""
        return (self.opening_balance + self.opening_commitments + self.contribution
                + self.external_funding + self.income - self.admin_recharge - self.spend
                - self.commitments)

    @property
    def adds_up(self) -> bool:
        """Whether the lines, with the rounding line, come to ``uncommitted`` exactly."""
        return self.before_rounding + self.rounding == self.uncommitted

    def rows(self) -> tuple[tuple[str, int], ...]:
        """The account as ``(line, signed pence)`` rows, in the order shown; the rows down
        to ``rounding`` add up to ``uncommitted``, which is ``refund + carry_over``."""
        return (
            ("opening_balance", self.opening_balance),
            ("opening_commitments", self.opening_commitments),
            ("contribution", self.contribution),
            ("external_funding", self.external_funding),
            ("income", self.income),
            ("admin_recharge", -self.admin_recharge),
            ("spend", -self.spend),
            ("commitments", -self.commitments),
            ("rounding", self.rounding),
            ("uncommitted", self.uncommitted),
            ("refund", self.refund),
            ("carry_over", self.carry_over),
        )


@dataclass(frozen=True, slots=True)
class ServiceCharge:
    """One party's charge for one shared service (§18.1(a)).

    Fields:
        service: the service's code.
        name: the service's name.
        host: the code of the party that hosts it (and pays its cost).
        basis: the basis its net cost is split on (equal, fixed, population,
            driver:NAME or blend).
        months: the months of the year the party takes part, 1 to 12 (0: a host that
            does not take part in the service it hosts).
        net_cost: the service's whole net cost, pence.
        share: the party's share of it, pence (negative when income exceeds cost).
        paid: what the party paid for the service, pence: its whole net cost when it
            hosts it, else 0.
    """

    service: str
    name: str
    host: str
    basis: str
    months: int
    net_cost: int
    share: int
    paid: int = 0

    @property
    def settlement(self) -> int:
        """What the settlement gives the party for this service, pence: ``paid -
        share`` (the others' shares repaid to a host; minus its share for the others)."""
        return self.paid - self.share


@dataclass(frozen=True, slots=True)
class SetupShare:
    """One party's share of a business case's set-up cost (§18.1(b)).

    Fields:
        project: the project's code.
        name: the project's name.
        lead: the code of the party that leads it (and pays the cost).
        cost: the year-0 set-up cost, pence.
        share: the party's share of it, pence (0: a lead that does not take part).
        paid: what the party paid, pence: the whole cost when it leads, else 0.
    """

    project: str
    name: str
    lead: str
    cost: int
    share: int
    paid: int = 0

    @property
    def settlement(self) -> int:
        """What the settlement gives the party for this business case, pence: ``paid -
        share``."""
        return self.paid - self.share


@dataclass(frozen=True, slots=True)
class SettlementItem:
    """One settlement payment the party makes or receives (§18.1(b)).

    Fields:
        counterparty: the code of the other party.
        amount: pence, positive when the party receives it, negative when it pays.
    """

    counterparty: str
    amount: int


@dataclass(frozen=True, slots=True)
class Statement:
    """One party's statement for one year: its fund account, service charges and
    business case set-up shares, settlement and net cash.

    ``net_cash`` (a property) is ``refund - contribution - supplementary - paid +
    settlement_net``, pence, where ``paid`` is what it paid for the partnership as host
    or lead; ``service_total`` its service charges summed, pence.

    Fields:
        party: the party's code.
        name: the party's name.
        year: the financial year, ``"2025-26"``.
        account: its :class:`FundAccount` (all zero for a party that pays no
            contribution but has a service share or a settlement amount).
        services: its :class:`ServiceCharge` for each service it takes part in, by
            service code.
        settlement: the payments it makes or receives (:class:`SettlementItem`), by
            counterparty code.
        settlement_net: its settlement net position, pence (positive: it is owed).
        setups: its :class:`SetupShare` of each business case whose set-up cost is
            shared this year and in which it takes part or which it leads, by project.
    """

    party: str
    name: str
    year: str
    account: FundAccount
    services: tuple[ServiceCharge, ...]
    settlement: tuple[SettlementItem, ...]
    settlement_net: int
    setups: tuple[SetupShare, ...] = ()

    @property
    def service_total(self) -> int:
        """Its service charges summed, pence."""
        return sum(s.share for s in self.services)

    @property
    def setup_total(self) -> int:
        """Its shares of the business cases' set-up costs summed, pence."""
        return sum(s.share for s in self.setups)

    @property
    def paid(self) -> int:
        """What it paid for the partnership as host or lead, pence."""
        return sum(s.paid for s in self.services) + sum(s.paid for s in self.setups)

    @property
    def settlement_adds_up(self) -> bool:
        """Whether ``paid - share`` over its services and business cases comes to its
        settlement net position (it always does: the check the statement shows)."""
        return (sum(s.settlement for s in self.services)
                + sum(s.settlement for s in self.setups)) == self.settlement_net

    @property
    def net_cash(self) -> int:
        """:func:`net_cash` of its account, settlement net position and what it paid."""
        return net_cash(self.account, self.settlement_net, self.paid)


def net_cash(account: FundAccount, settlement_net: int, paid: int = 0) -> int:
    """A party's net cash for the year, pence: ``refund - contribution - supplementary -
    paid + settlement_net``, where ``paid`` is what it paid for the partnership as host
    of a service or lead of a business case (positive: it comes out ahead in cash).

    >>> net_cash(FundAccount("A", 100, 0, 0, 100, 0, 0, 0, 1, 0, 1, 50, 50, 0), -30)
    -80
    >>> net_cash(FundAccount("A", 100, 0, 0, 100, 0, 0, 0, 1, 0, 1, 50, 50, 0), 70, 100)
    -80
    """
    return (account.refund - account.contribution - account.supplementary - paid
            + settlement_net)


def paid_for_partnership(r: Result) -> dict[str, int]:
    """What each party paid for the partnership in the year as host or lead, pence: the
    net cost of each service it hosts and the set-up cost of each business case it leads
    whose cost is shared this year (parties that paid nothing are left out)."""
    out: dict[str, int] = {}
    for sp in r.services:
        out[sp.host] = out.get(sp.host, 0) + sp.net_cost
    for sc in setup_costs(r.book, r.year, r.project_weights):
        out[sc.lead] = out.get(sc.lead, 0) + sc.cost
    return out


def fund_accounts(ye: YearEnd) -> tuple[FundAccount, ...]:
    """Each paying party's fund account for the year end ``ye``, by party code.

    The weights are the parties' contributions (``ye.parties``); each of the
    :data:`FUND_LINES` is split on them with :func:`~finance.core.apportion.apportion`
    (the spend share, refund, carry-over and supplementary are the year end's own), and
    the rounding line is ``uncommitted - (the other lines)``.  With no weight at all
    (nothing contributed) every share is 0, as in the year end.
    """
    weights = {x.party: x.contribution for x in ye.parties}
    shares: dict[str, dict[str, int]] = {}
    for line, _ in FUND_LINES:
        total: int = getattr(ye, line)
        if line == "spend":
            shares[line] = {x.party: x.spend for x in ye.parties}
        elif sum(weights.values()) > 0:
            shares[line] = apportion(total, weights)
        else:
            shares[line] = dict.fromkeys(weights, 0)
    out = []
    for x in ye.parties:
        s = {line: shares[line][x.party] for line, _ in FUND_LINES}
        before = x.contribution + sum(sign * s[line] for line, sign in FUND_LINES)
        out.append(FundAccount(
            party=x.party, weight=x.contribution, contribution=x.contribution,
            rounding=x.refund + x.carry_over - before, refund=x.refund,
            carry_over=x.carry_over, supplementary=x.supplementary, **s))
    return tuple(out)


def _empty_account(party: str) -> FundAccount:
    return FundAccount(party, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)


def statements(r: Result) -> tuple[Statement, ...]:
    """The statement of every paying party of a run (see the module docstring), by code."""
    accounts = {a.party: a for a in fund_accounts(r.year_end)}
    charges: dict[str, list[ServiceCharge]] = {}
    for sp in r.services:
        hosted = False
        for ln in sp.lines:
            hosts = ln.party == sp.host
            hosted = hosted or hosts
            charges.setdefault(ln.party, []).append(ServiceCharge(
                sp.service, sp.name, sp.host, sp.basis, ln.months, sp.net_cost, ln.share,
                sp.net_cost if hosts else 0))
        if not hosted:  # a host that does not take part still pays the cost
            charges.setdefault(sp.host, []).append(ServiceCharge(
                sp.service, sp.name, sp.host, sp.basis, 0, sp.net_cost, 0, sp.net_cost))
    setups: dict[str, list[SetupShare]] = {}
    for sc in setup_costs(r.book, r.year, r.project_weights):
        share = dict(sc.shares)
        for party in sorted(set(share) | {sc.lead}):
            setups.setdefault(party, []).append(SetupShare(
                sc.project, sc.name, sc.lead, sc.cost, share.get(party, 0),
                sc.cost if party == sc.lead else 0))
    items: dict[str, list[SettlementItem]] = {}
    for p in r.settlement.payments:
        items.setdefault(p.payer, []).append(SettlementItem(p.payee, -p.amount))
        items.setdefault(p.payee, []).append(SettlementItem(p.payer, p.amount))
    nets = {n.party: n.amount for n in r.settlement.net_positions}
    names = {p.code: p.name for p in r.book.parties}
    out = []
    for code in sorted(set(accounts) | set(charges) | set(items) | set(nets) | set(setups)):
        a = accounts.get(code) or _empty_account(code)
        svcs = tuple(sorted(charges.get(code, ()), key=lambda c: c.service))
        paid = tuple(sorted(items.get(code, ()), key=lambda i: i.counterparty))
        own = tuple(setups.get(code, ()))
        net = nets.get(code, 0)
        if not (a.contribution or a.refund or a.supplementary or net or paid
                or any(c.share or c.paid for c in svcs)
                or any(c.share or c.paid for c in own)):
            continue
        out.append(Statement(code, names.get(code, code), r.year, a, svcs, paid, net, own))
    return tuple(out)
