"""The history's digests: each closed year's book and result, and the chain of events.

Importable without SQLAlchemy.  Every event (a close, a reopen) records the SHA-256 of
the event before it (``prev_sha256``; the first event records :data:`GENESIS`), so the
events form one chain, in the order of their ``id``, across every partnership of the
database.  An event's SHA-256 is that of its *canonical form*: the UTF-8 bytes of the
JSON object :func:`event_document` makes, keys sorted, no spaces
(``separators=(",", ":")``), non-ASCII characters as themselves.  An event that changes a
member (:data:`finance.history.roles.MEMBER_KINDS`) holds the member's e-mail and role
too.

>>> doc = event_document({"id": 1, "year": "2025-26", "kind": "reopened", "version": 1,
...     "actor": "S151", "minute": "", "reason": "Late invoice",
...     "at": "2026-03-14 10:02:11.000000", "prev_sha256": GENESIS},
...     "Mid Kent Improvement Partnership", None)
>>> canonical(doc)[:60]
b'{"actor":"S151","at":"2026-03-14T10:02:11.000000Z","id":1,"k'
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from finance.history.roles import MEMBER_KINDS

#: What the first event of a database records as the event before it.
GENESIS = "0" * 64

#: The stored fields of an event that its canonical form holds (with ``partnership``,
#: the partnership's name, in place of ``partnership_id``).
EVENT_FIELDS = ("id", "year", "kind", "version", "actor", "minute", "reason", "at",
                "prev_sha256")

#: The further stored fields the canonical form of a member's event holds (no other
#: event's form has them, so the events stored before members were kept hash as before).
MEMBER_FIELDS = ("member", "role")


def sha256(data: bytes | str) -> str:
    """The SHA-256 of bytes, or of text as UTF-8, in hex."""
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data
                          ).hexdigest()


def at_text(value: datetime | str) -> str:
    """A stored time as the canonical form writes it: UTC, to the microsecond,
    ``2026-03-14T10:02:11.000000Z`` (a naive time, as SQLite gives back, is UTC).

    >>> at_text(datetime(2026, 3, 14, 10, 2, 11, tzinfo=UTC))
    '2026-03-14T10:02:11.000000Z'
    """
    t = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    t = t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)
    return t.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def event_document(event: Mapping[Any, Any], partnership: str,
                   closed: tuple[str | None, str | None] | None) -> dict[str, Any]:
    """An event's canonical form, as a dict: its stored fields (:data:`EVENT_FIELDS`),
    ``at`` written by :func:`at_text`, ``partnership``: the partnership's name, and for
    a close (kind ``closed``) the ``book_sha256`` and ``result_sha256`` of the version it
    closed (``closed``; ``null`` each when that version is missing), so the chain holds
    what each close stored.  ``closed`` is not used for any other kind.  A member's event
    holds :data:`MEMBER_FIELDS` as well: the member's e-mail and the role.

    >>> doc = event_document({"id": 5, "year": "", "kind": "member_added", "version": 1,
    ...     "actor": "S151", "minute": "", "reason": "", "at": "2026-03-14 10:02:11",
    ...     "prev_sha256": GENESIS, "member": "ann@x.gov.uk", "role": "viewer"}, "P", None)
    >>> doc["member"], doc["role"]
    ('ann@x.gov.uk', 'viewer')
    """
    doc: dict[str, Any] = {f: event[f] for f in EVENT_FIELDS}
    doc["id"], doc["version"] = int(doc["id"]), int(doc["version"])
    doc["at"] = at_text(event["at"])
    doc["partnership"] = partnership
    if doc["kind"] == "closed":
        doc["book_sha256"], doc["result_sha256"] = closed or (None, None)
    elif doc["kind"] in MEMBER_KINDS:
        for f in MEMBER_FIELDS:
            doc[f] = event[f]
    return doc


def canonical(doc: Mapping[str, Any]) -> bytes:
    """The canonical bytes of a document: JSON, keys sorted, no spaces, UTF-8."""
    return json.dumps(doc, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def event_sha256(event: Mapping[Any, Any], partnership: str,
                 closed: tuple[str | None, str | None] | None) -> str:
    """The SHA-256 of an event's canonical form (what the next event records)."""
    return sha256(canonical(event_document(event, partnership, closed)))
