"""The partnership's record across years: closed years kept in a SQL database.

A year the board has approved is *closed*: the input book as given, its result, who
approved it, the board minute and the date of the board meeting are stored in one
transaction, and nothing stored can be changed or deleted afterwards, by the software or
by hand in SQL (triggers refuse it).
Reopening adds an event; closing again stores version 2.  See ``docs/history.md``.

- :mod:`finance.history.db` finds the database (``--db``, ``MKIP_DATABASE_URL``, or
  ``sqlite:///mkip.db``), connects, and words every failure as one sentence with any
  password hidden;
- :mod:`finance.history.tables` is the schema, :mod:`finance.history.migrate` brings a
  database to it with Alembic;
- :mod:`finance.history.store` closes, reopens and lists years, and adds, changes and
  removes members (:mod:`finance.history.roles`: the roles and the replay of members'
  events);
- :mod:`finance.history.locks` is the trigger SQL that locks every table,
  :mod:`finance.history.digest` the digests and the chain of events,
  :mod:`finance.history.verify` checks them (``mkip db verify``), and
  :mod:`finance.history.backup` backs up and restores (``mkip db backup``/``restore``).
"""
