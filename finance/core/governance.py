"""Governance facts shown in reports: officers for a year and board quorum (§10, §12, §13.3).

Governance basis:

* §10.1: *"The Chairman and Vice Chairman of the MKIP Board will be the Leaders of the
  Parties appointed on the basis of the position being rotated annually"*, in the order
  Tunbridge Wells / Maidstone, Maidstone / Swale, Swale / Tunbridge Wells: each year's
  vice-chair is the next year's chair.
* §12.1: the Host Authority *"is, for the time being, the Authority providing the
  Chairman pursuant to clause 10.1"* (and §10.4: *"The Chairman will also act as the
  'Host' authority"*).
* §13.3: *"Maidstone Borough Council will be the accountable body for MKIP and will
  manage the financial arrangements and will hold the budget."*
* §10.3: *"The quorum for the MKIP Board will be five with at least one person present
  from each of the Parties."*

Parties are named by code.  MKIP, rotation starting 2008-09:

>>> from finance.core.model import Settings
>>> s = Settings("MKIP", "MBC", rotation=("TWBC", "MBC", "SBC"), rotation_start="2008-09")
>>> officers(s, "2025-26").as_json()
{'chair': 'SBC', 'vice_chair': 'TWBC', 'host': 'SBC', 'accountable_body': 'MBC'}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from finance.core.model import Settings
from finance.core.years import parse_year

__all__ = ["QUORUM", "Governance", "QuorumResult", "officers", "quorum"]

QUORUM = 5  # §10.3


@dataclass(frozen=True, slots=True)
class Governance:
    """Officers for one financial year (party codes; ``None`` where no rotation is set).

    Fields:
        year: the financial year, ``"2025-26"``.
        chair: the party code of the party whose leader chairs the board that year
            (§10.1); ``None``: no rotation, or no ``rotation_start``, is set.
        vice_chair: the party code of the vice-chair's party: next year's chair (§10.1);
            ``None`` as for ``chair``.
        host: the party code of the host authority: the chair's party (§10.4, §12.1);
            ``None`` as for ``chair``.
        accountable_body: the party code of the accountable body, which holds the budget
            (§13.3), from the settings.
    """

    year: str
    chair: str | None
    vice_chair: str | None
    host: str | None
    accountable_body: str

    def as_json(self) -> dict[str, Any]:
        """The result's ``governance`` object (docs/json.md)."""
        return {
            "chair": self.chair,
            "vice_chair": self.vice_chair,
            "host": self.host,
            "accountable_body": self.accountable_body,
        }


def officers(settings: Settings, year: str) -> Governance:
    """Chair, vice-chair, host authority and accountable body for financial ``year``.

    With ``n`` parties in ``settings.rotation`` and ``rotation_start`` the year of its
    first entry::

        i          = (start_year(year) - start_year(rotation_start)) mod n
        chair      = rotation[i]
        vice_chair = rotation[(i + 1) mod n]      (next year's chair, §10.1)
        host       = chair                        (§12.1)

    Years before ``rotation_start`` work too (the rotation runs backwards; Python's
    ``mod`` is never negative).  With one party in the rotation it is both chair and
    vice-chair.  With no rotation, or no ``rotation_start`` to say whose turn it is, the
    chair, vice-chair and host are ``None`` (not guessed).  The accountable body is
    ``settings.accountable_body`` (§13.3).

    >>> from finance.core.model import Settings
    >>> s = Settings("MKIP", "MBC", rotation=("TWBC", "MBC", "SBC"), rotation_start="2008-09")
    >>> [(officers(s, y).chair, officers(s, y).vice_chair) for y in ("2008-09", "2009-10")]
    [('TWBC', 'MBC'), ('MBC', 'SBC')]
    >>> officers(s, "2007-08").chair
    'SBC'
    """
    parse_year(year)
    if not settings.rotation or settings.rotation_start is None:
        return Governance(year, None, None, None, settings.accountable_body)
    n = len(settings.rotation)
    i = (parse_year(year) - parse_year(settings.rotation_start)) % n
    chair = settings.rotation[i]
    return Governance(
        year=year,
        chair=chair,
        vice_chair=settings.rotation[(i + 1) % n],
        host=chair,
        accountable_body=settings.accountable_body,
    )


@dataclass(frozen=True, slots=True)
class QuorumResult:
    """Whether a board meeting is quorate (§10.3), and why.

    Fields:
        quorate: ``True`` when at least ``minimum`` members are present and every voting
            party has one.
        present: the number of distinct members present from voting parties (a name
            listed twice counts once).
        minimum: the number of members needed, 5 unless given (§10.3).
        parties_present: the party codes of the voting parties with a member present,
            sorted.
        missing_parties: the party codes of the voting parties with no one present,
            sorted.
        not_counted: the names, as given, of attendees who do not count towards the
            quorum (from a party that does not vote, such as KCC, §6.2), in the order
            listed.
        reason: why, as a sentence for the minutes.
    """

    quorate: bool
    present: int
    minimum: int
    parties_present: tuple[str, ...]
    missing_parties: tuple[str, ...]
    not_counted: tuple[str, ...]
    reason: str

    def as_json(self) -> dict[str, Any]:
        return {
            "quorate": self.quorate,
            "present": self.present,
            "minimum": self.minimum,
            "parties_present": list(self.parties_present),
            "missing_parties": list(self.missing_parties),
            "not_counted": list(self.not_counted),
            "reason": self.reason,
        }


def _join(codes: Sequence[str]) -> str:
    if len(codes) <= 1:
        return "".join(codes)
    return ", ".join(codes[:-1]) + " and " + codes[-1]


def quorum(
    attendees: Sequence[tuple[str, str]], voting_parties: Sequence[str], minimum: int = QUORUM
) -> QuorumResult:
    """Is a board meeting quorate?  At least ``minimum`` members and one from each party (§10.3).

    ``attendees`` are ``(name, party code)`` pairs.  A member counts once however often
    listed (names compared ignoring case and spacing).  Only members from the voting
    parties count towards the ``minimum``: the Board is the parties' leaders and chief
    executives (§6.1); a non-voting representative (KCC, §6.2) may attend but is not
    counted.  Quorate when ``present >= minimum`` and no voting party is missing.

    >>> r = quorum([("Ann", "MBC"), ("Bob", "MBC"), ("Cy", "SBC"), ("Di", "SBC"),
    ...             ("Ed", "TWBC")], ["MBC", "SBC", "TWBC"])
    >>> r.quorate
    True
    >>> print(r.reason)  # doctest: +NORMALIZE_WHITESPACE
    Quorate: 5 members present (at least 5 needed), including at least one from each of
    MBC, SBC and TWBC.
    >>> quorum([("Ann", "MBC"), ("Bob", "MBC"), ("Cy", "SBC"), ("Di", "SBC"), ("Kay", "KCC"),
    ...         ("Ed", "SBC")], ["MBC", "SBC", "TWBC"]).reason
    'Not quorate: no one present from TWBC (§10.3 needs at least one from each party).'
    """
    voting = sorted(set(voting_parties))
    members: set[tuple[str, str]] = set()
    not_counted: list[str] = []
    for name, party in attendees:
        key = (" ".join(name.split()).casefold(), party)
        if party in voting:
            members.add(key)
        elif name not in not_counted:
            not_counted.append(name)
    present_parties = tuple(sorted({p for _, p in members}))
    missing = tuple(p for p in voting if p not in present_parties)
    present = len(members)
    too_few = present < minimum
    problems = []
    if too_few:
        word = "member" if present == 1 else "members"
        problems.append(f"only {present} {word} present (at least {minimum} needed)")
    if missing:
        problems.append(f"no one present from {_join(missing)}")
    if problems:
        reason = f"Not quorate: {' and '.join(problems)}"
        if missing:
            reason += " (§10.3 needs at least one from each party)"
        reason += "."
    else:
        reason = (
            f"Quorate: {present} members present (at least {minimum} needed), including at "
            f"least one from each of {_join(voting)}."
        )
    return QuorumResult(
        quorate=not problems,
        present=present,
        minimum=minimum,
        parties_present=present_parties,
        missing_parties=missing,
        not_counted=tuple(not_counted),
        reason=reason,
    )
