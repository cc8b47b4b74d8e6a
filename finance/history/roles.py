"""Members and their roles: the words, the checks, and the replay of member events.

Importable without SQLAlchemy.  A partnership's members are held by the server's
database (the ``members`` table), never by a book: a book names no one who may do
anything.  Each member has one role; each role may do what the roles below it may:

===========  ============================================================================
``viewer``   see the figures, the reports and the history
``preparer`` and prepare: upload and edit a book, weigh scenarios, set the budget,
             download the packs
``approver`` and close (or reopen) a year the board has approved
``admin``    and add, change and remove members
===========  ============================================================================

Every change of a member is an event of the history's chain (:data:`MEMBER_KINDS`),
carrying who made it, the member's e-mail and the role; the ``members`` table is what
those events give when replayed (:func:`replay`), and ``mkip db verify`` names a row
that is not.

>>> email_problem("Ann@Council.gov.uk"), normal_email("  Ann@Council.gov.uk ")
('', 'ann@council.gov.uk')
>>> role_problem("owner")
"'owner' is not a role: give one of viewer, preparer, approver, admin."
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

#: The roles, each allowed what those before it are.
ROLES = ("viewer", "preparer", "approver", "admin")

#: The kinds of event that change a member.
MEMBER_ADDED, MEMBER_ROLE_CHANGED, MEMBER_REMOVED = (
    "member_added", "member_role_changed", "member_removed")
MEMBER_KINDS = (MEMBER_ADDED, MEMBER_ROLE_CHANGED, MEMBER_REMOVED)

#: The longest e-mail address stored (RFC 5321's limit).
EMAIL_LENGTH = 320

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def normal_email(email: str) -> str:
    """An e-mail as stored and compared: trimmed, lower-case."""
    return email.strip().lower()


def email_problem(email: str) -> str:
    """Why ``email`` is not an e-mail address to store ("" when it is).

    >>> email_problem("ann")
    "'ann' is not an e-mail address (name@example.gov.uk)."
    """
    e = normal_email(email)
    if not e:
        return "Give the member's e-mail address."
    if len(e) > EMAIL_LENGTH or not _EMAIL.fullmatch(e):
        return f"{email.strip()!r} is not an e-mail address (name@example.gov.uk)."
    return ""


def role_problem(role: str) -> str:
    """Why ``role`` is not a role ("" when it is one, in any case)."""
    if role.strip().lower() in ROLES:
        return ""
    if not role.strip():
        return f"Give the member's role: --role one of {', '.join(ROLES)}."
    return f"{role.strip()!r} is not a role: give one of {', '.join(ROLES)}."


def rank(role: str | None) -> int:
    """A role's place: 1 for ``viewer`` up to 4 for ``admin``; 0 for none or an unknown
    word (allowed nothing).

    >>> [rank(r) for r in (None, "viewer", "admin", "owner")]
    [0, 1, 4, 0]
    """
    return ROLES.index(role) + 1 if role in ROLES else 0


def replay(events: Iterable[Mapping[str, Any]]
           ) -> dict[tuple[Any, str], tuple[str, Mapping[str, Any]]]:
    """What member events give, in the order given (that of their ``id``): each member
    still there, ``{(partnership_id, email): (role, the latest event of that member)}``.
    Events of other kinds are passed over.

    >>> got = replay([{"partnership_id": 1, "kind": MEMBER_ADDED, "member": "a@x.org",
    ...                "role": "viewer"},
    ...               {"partnership_id": 1, "kind": MEMBER_ROLE_CHANGED, "member": "a@x.org",
    ...                "role": "admin"},
    ...               {"partnership_id": 1, "kind": "closed", "member": None, "role": None}])
    >>> {k: v[0] for k, v in got.items()}
    {(1, 'a@x.org'): 'admin'}
    """
    state: dict[tuple[Any, str], tuple[str, Mapping[str, Any]]] = {}
    for ev in events:
        if ev["kind"] not in MEMBER_KINDS:
            continue
        key = (ev["partnership_id"], str(ev["member"]))
        if ev["kind"] == MEMBER_REMOVED:
            state.pop(key, None)
        else:
            state[key] = (str(ev["role"]), ev)
    return state
