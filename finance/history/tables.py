"""The history's schema, readable by a council's analyst in plain SQL.

=====================  ==================================================================
``partnerships``       one row per partnership, by name
``closed_years``       one row per closed version of a (partnership, year): the input book
                       as given, its SHA-256, the result JSON, the software version, who
                       approved it, the board minute, the date of the board meeting that
                       approved it (null for a year closed before it was asked for),
                       when it was closed (UTC), and the SHA-256 of the stored book and
                       of the result JSON
``party_figures``      per closed version and party: contribution, refund, carry-over,
                       supplementary, services and net settlement position, in pence
``service_shares``     per closed version, service and party: the share of the net cost
                       applied (pence) and the split's share as an exact fraction
``events``             the append-only log: every close and reopen, and every change of a
                       member (with the member's e-mail and role), by whom, when, why,
                       and the SHA-256 of the event before it (a chain)
``saved_scenarios``    what-ifs saved by name for a year (a scenario file's text); saving
                       a name again adds a row, the latest one counts
``members``            who may use a partnership's figures, by e-mail (lower case), and
                       their role (``viewer``, ``preparer``, ``approver``, ``admin``)
=====================  ==================================================================

Money is whole pence in ``BIGINT`` columns (``contribution_pence``).  A year's status is
not stored: it is the kind of its latest event (``closed`` or ``reopened``).  Triggers
(:mod:`finance.history.migrations`) refuse ``UPDATE`` and ``DELETE`` on every table of
:data:`LOCKED`, so what was stored stays as it was.  ``members`` is the one table that
changes (members come and go); each change is an event, and ``mkip db verify`` checks
the table against the replay of those events.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

partnerships = Table(
    "partnerships", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

closed_years = Table(
    "closed_years", metadata,
    Column("id", Integer, primary_key=True),
    Column("partnership_id", Integer, ForeignKey("partnerships.id"), nullable=False),
    Column("year", String(7), nullable=False),
    Column("version", Integer, nullable=False),
    Column("input_sha256", String(64), nullable=False),
    Column("input_kind", String(10), nullable=False),  # xlsx | csv-zip
    Column("input_book", LargeBinary, nullable=False),
    Column("result_json", Text, nullable=False),
    Column("software_version", String(40), nullable=False),
    Column("approved_by", String(200), nullable=False),
    Column("minute", String(200), nullable=False),
    Column("closed_at", DateTime(timezone=True), nullable=False),
    Column("carry_over_pence", BigInteger, nullable=False),
    Column("closing_commitments_pence", BigInteger, nullable=False),
    Column("meeting_date", Date, nullable=True),  # the approval's date; null: not recorded
    Column("book_sha256", String(64), nullable=True),  # of input_book's bytes
    Column("result_sha256", String(64), nullable=True),  # of result_json, UTF-8
    UniqueConstraint("partnership_id", "year", "version", name="uq_closed_year_version"),
)

party_figures = Table(
    "party_figures", metadata,
    Column("closed_year_id", Integer, ForeignKey("closed_years.id"), primary_key=True),
    Column("party", String(40), primary_key=True),
    Column("contribution_pence", BigInteger, nullable=False),
    Column("refund_pence", BigInteger, nullable=False),
    Column("carry_over_pence", BigInteger, nullable=False),
    Column("supplementary_pence", BigInteger, nullable=False),
    Column("services_pence", BigInteger, nullable=False),
    Column("net_position_pence", BigInteger, nullable=False),
)

service_shares = Table(
    "service_shares", metadata,
    Column("closed_year_id", Integer, ForeignKey("closed_years.id"), primary_key=True),
    Column("service", String(40), primary_key=True),
    Column("party", String(40), primary_key=True),
    Column("share_pence", BigInteger, nullable=False),
    Column("share_exact", String(200), nullable=False),  # a fraction, "7/20"
    Column("share", Numeric(12, 10), nullable=False),  # the same, to 10 places, for SQL
)

events = Table(
    "events", metadata,
    Column("id", Integer, primary_key=True),
    Column("partnership_id", Integer, ForeignKey("partnerships.id"), nullable=False),
    Column("year", String(7), nullable=False),
    Column("kind", String(30), nullable=False),  # closed | reopened | member_...
    Column("version", Integer, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("minute", String(200), nullable=False, server_default=""),
    Column("reason", Text, nullable=False, server_default=""),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("prev_sha256", String(64), nullable=True),  # the event before it (digest.py)
    Column("member", String(320), nullable=True),  # a member's event: the e-mail
    Column("role", String(20), nullable=True),  # a member's event: the role
    UniqueConstraint("partnership_id", "year", "version", "kind", name="uq_event"),
    Index("uq_event_prev_sha256", "prev_sha256", unique=True),
)

saved_scenarios = Table(
    "saved_scenarios", metadata,
    Column("id", Integer, primary_key=True),
    Column("partnership_id", Integer, ForeignKey("partnerships.id"), nullable=False),
    Column("year", String(7), nullable=False),
    Column("name", String(200), nullable=False),
    Column("scenarios_toml", Text, nullable=False),
    Column("saved_by", String(200), nullable=False),
    Column("saved_at", DateTime(timezone=True), nullable=False),
)

members = Table(
    "members", metadata,
    Column("id", Integer, primary_key=True),
    Column("partnership_id", Integer, ForeignKey("partnerships.id"), nullable=False),
    Column("email", String(320), nullable=False),  # lower case
    Column("role", String(20), nullable=False),  # viewer | preparer | approver | admin
    UniqueConstraint("partnership_id", "email", name="uq_member"),
    CheckConstraint("role IN ('viewer', 'preparer', 'approver', 'admin')",
                    name="ck_member_role"),
    CheckConstraint("email = lower(email)", name="ck_member_email_lower"),
)

#: The tables no row of which may ever change or go: every table of the history but
#: ``members`` (whose changes are events).
LOCKED = ("partnerships", "closed_years", "party_figures", "service_shares", "events",
          "saved_scenarios")
