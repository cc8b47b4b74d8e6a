"""The app's History tab: which database, who may close a year, and what is shown.

Plain data in and out, no Streamlit, so that the gate and the tables are unit-tested:
``app.py`` asks :func:`gate` whether the person at the screen may close or reopen a year,
shows :func:`years_table` and :func:`party_chart`, and calls :func:`close_shown` when the
officer confirms.

Who may close or reopen (§13.3: the accountable body holds the budget, so its record must
say who approved each year):

* the app serves only this computer (``127.0.0.1``): whoever is at it, as on the command
  line;
* the app serves a network: only a person signed in through the council's identity
  provider (Streamlit's ``st.login``, OpenID Connect) whose e-mail is in the book's
  ``approvers`` setting; the e-mail is recorded with the event.  Otherwise the action is
  not offered, and the tab says why.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from finance.appdata.charts import MONEY_AXIS, party_scale
from finance.appdata.decisions import json_bytes
from finance.appdata.formats import gbp
from finance.appdata.sources import BUNDLED, TEMPLATE, Parsed, Source
from finance.appdata.tables import INT, Table
from finance.core.chain import ClosedOpening, Prior, approval_problem, long_date
from finance.core.money import to_pence
from finance.core.run import Result
from finance.history import store
from finance.history.db import ENV, Database, HistoryError, is_sqlite, redact, resolve
from finance.history.store import StoredYear
from finance.history.summary import FIGURES, party_figures

#: The addresses at which the app serves only the computer it runs on.
LOCAL_ADDRESSES = frozenset({"127.0.0.1", "localhost", "::1"})
#: The key of the app's Streamlit secrets that may name the database.
SECRET = "database_url"


def database_url(environ: Mapping[str, str], secrets: Mapping[str, Any]) -> str:
    """The history database: ``MKIP_DATABASE_URL``, else the ``database_url`` secret,
    else the default SQLite file."""
    return resolve(environ.get(ENV) or str(secrets.get(SECRET) or "") or None, {})


#: The environment variable (or Streamlit secret ``approvers``) naming who may close or
#: reopen from a networked app, comma separated; set by whoever runs the server.
APPROVERS_ENV = "MKIP_APPROVERS"


def approvers(environ: Mapping[str, str], secrets: Mapping[str, Any],
              book: Sequence[str] = ()) -> tuple[str, ...]:
    """Who may close or reopen from a networked app: the server's list only (the
    ``MKIP_APPROVERS`` variable or the ``approvers`` secret), which no user of the app
    can change.  A book's own ``approvers`` setting grants nothing: anyone may upload a
    book naming themselves.

    >>> approvers({"MKIP_APPROVERS": "CFO@x.gov.uk, s151@y.gov.uk"}, {}, ["me@z.org"])
    ('cfo@x.gov.uk', 's151@y.gov.uk')
    >>> approvers({}, {}, ["me@z.org"])
    ()
    """
    raw = environ.get(APPROVERS_ENV) or secrets.get("approvers") or ""
    listed = raw if isinstance(raw, list | tuple) else str(raw).replace(";", ",").split(",")
    return tuple(a.strip().lower() for a in listed if str(a).strip())


@dataclass(frozen=True)
class Gate:
    """Whether the person at the screen may close or reopen a year.

    Fields:
        allowed: the action is offered.
        actor: who the event records: the signed-in e-mail, or "" on a local app (the
            officer types the approver's name).
        reason: why not, in a sentence ("" when allowed).
        sign_in: a sign-in button would help (network app, nobody signed in).
    """

    allowed: bool
    actor: str = ""
    reason: str = ""
    sign_in: bool = False


def gate(address: str | None, logged_in: bool, email: str | None,
         approvers: Sequence[str]) -> Gate:
    """Who may close or reopen, by where the app serves and who is signed in.

    >>> gate("127.0.0.1", False, None, ())
    Gate(allowed=True, actor='', reason='', sign_in=False)
    >>> gate("0.0.0.0", True, "Chief.Finance@swale.gov.uk", ["chief.finance@swale.gov.uk"])
    Gate(allowed=True, actor='chief.finance@swale.gov.uk', reason='', sign_in=False)
    >>> gate("0.0.0.0", False, None, ["a@x.gov.uk"]).sign_in
    True
    """
    if (address or "") in LOCAL_ADDRESSES:
        return Gate(True)
    if not logged_in or not email:
        return Gate(False, reason="This app serves a network: sign in with your council "
                    "account to close or reopen a year.", sign_in=True)
    who = email.strip().lower()
    allowed = {a.strip().lower() for a in approvers if a.strip()}
    if not allowed:
        return Gate(False, reason="No approvers are named for this server, so no one may "
                    "close a year here: ask whoever looks after it to name them.")
    if who not in allowed:
        return Gate(False, reason=f"{who} is not one of the approvers named for this "
                    "server, who alone may close or reopen a year.")
    return Gate(True, who)


def sign_in_needed(address: str | None, auth_configured: bool, logged_in: bool) -> str:
    """What stops a person seeing anything of the partnership ("" when nothing does): an
    app served beyond this machine shows nothing before sign-in, and nothing at all
    when no sign-in is configured.

    >>> sign_in_needed("127.0.0.1", False, False)
    ''
    >>> sign_in_needed("0.0.0.0", True, True)
    ''
    >>> print(sign_in_needed("0.0.0.0", True, False))
    Sign in with your council account to see the partnership's figures.
    """
    if (address or "") in LOCAL_ADDRESSES or logged_in:
        return ""
    if not auth_configured:
        return ("This app serves a network but no sign-in is configured, so nothing is "
                "shown: ask whoever looks after this server.")
    return "Sign in with your council account to see the partnership's figures."


def meeting_text(y: StoredYear) -> str:
    """The date of the board meeting that approved a stored year, ``12 March 2026``;
    ``not recorded`` for a year closed before it was asked for."""
    return "not recorded" if y.meeting_date is None else long_date(y.meeting_date)


def years_table(years: Sequence[StoredYear]) -> Table:
    """Each stored year: status, version, who approved it, the minute, the board
    meeting's date (the approval's date) and when it was closed."""
    rows = [{"Year": y.year, "Status": "Closed" if y.status == "closed" else "Reopened",
             "Version": y.version, "Approved by": y.approved_by, "Minute": y.minute,
             "Board meeting": meeting_text(y),
             "Closed (UTC)": f"{y.closed_at:%Y-%m-%d %H:%M}",
             "Reopened by": y.reopened_by, "Reason": y.reason} for y in years]
    cols = ["Year", "Status", "Version", "Approved by", "Minute", "Board meeting",
            "Closed (UTC)"]
    if any(y.status == "reopened" for y in years):
        cols += ["Reopened by", "Reason"]
    return Table(rows, cols, {"Version": INT})


def party_rows(years: Sequence[StoredYear]) -> list[dict[str, Any]]:
    """One row per stored year, party and figure, in pounds (for the chart): the
    contribution, refund, carry-over and net settlement position."""
    out = []
    labels = {**{key: label for label, key in FIGURES}, "net_position": "Net settlement"}
    wanted = ("contribution", "refund", "carry_over", "net_position")
    for y in years:
        for party, figs in sorted(party_figures(y.result).items()):
            for key in wanted:
                v = figs.get(key)
                if v is not None:
                    out.append({"Year": y.year, "Party": party,
                                "Figure": labels.get(key, key.replace("_", " ").title()),
                                "Amount": float(v), "Label": gbp(to_pence(v))})
    return out


def party_chart(years: Sequence[StoredYear]) -> dict[str, Any] | None:
    """A Vega-Lite chart: each council's figures over the years, a panel per figure."""
    rows = party_rows(years)
    if not rows:
        return None
    import altair as alt
    import pandas as pd
    from altair.utils.schemapi import debug_mode

    df = pd.DataFrame(rows)
    with debug_mode(False):
        chart = alt.Chart(df).mark_line(point=True).encode(
            x=alt.X("Year:O", title=None),
            y=alt.Y("Amount:Q", title=None, axis=alt.Axis(labelExpr=MONEY_AXIS)),
            color=alt.Color("Party:N", scale=party_scale(df["Party"]),
                            legend=alt.Legend(orient="bottom", title=None)),
            tooltip=["Year:O", "Party:N", "Figure:N", alt.Tooltip("Label:N", title="Amount")],
        ).properties(width=290, height=150).facet(
            facet=alt.Facet("Figure:N", title=None, sort=[
                "Contribution", "Refund", "Carried over", "Net settlement"]), columns=2
        ).resolve_scale(y="independent")  # pounds of very different sizes
        return chart.to_dict(validate=False)


@dataclass(frozen=True)
class HistoryView:
    """What the History tab shows for the figures on screen.

    Fields:
        url: the database URL, password hidden.
        years: the partnership's stored years, oldest first.
        this_year: the stored record of the year on screen (``None``: never closed).
        opening: the previous year as closed, which opened the year on screen.
        problem: why the database could not be read ("" when it could).
    """

    url: str
    years: tuple[StoredYear, ...] = ()
    this_year: StoredYear | None = None
    opening: ClosedOpening | None = None
    problem: str = ""


#: Server databases reached, one per URL, for every session of this process.
_SERVERS: dict[str, Database] = {}
_SERVERS_LOCK = threading.Lock()


@contextmanager
def reading(url: str) -> Iterator[Database | None]:
    """The history database at ``url`` to read, or ``None`` when there is none.

    A server database (PostgreSQL) is reached once a process and kept: its engine is a
    pool that every session shares safely, so a page run neither connects afresh nor
    checks the schema again (the sidebar and the signed-in person's role read it on
    every run).  A SQLite file is opened for each read: that is cheap, and a file put in
    its place (a restore) is read anew."""
    if is_sqlite(url):
        db = store.open_db(url, create=False)
        try:
            yield db
        finally:
            if db is not None:
                db.dispose()
        return
    with _SERVERS_LOCK:
        kept = _SERVERS.get(url)
        if kept is None:
            kept = store.open_db(url, create=False)
            if kept is not None:
                _SERVERS[url] = kept
    yield kept


def view(url: str, partnership: str, year: str) -> HistoryView:
    """The history of ``partnership`` around ``year``; never raises for the database."""
    try:
        with reading(url) as db:
            if db is None:
                return HistoryView(redact(url))
            years = tuple(store.history(db, partnership).get(partnership, ()))
            opening = store.closed_opening(db, partnership, year)
    except HistoryError as exc:
        return HistoryView(redact(url), problem=str(exc))
    this = next((y for y in years if y.year == year), None)
    return HistoryView(redact(url), years, this, opening)


def prior_for(url: str, partnership: str, year: str) -> Prior | None:
    """What the history holds before ``year`` (``None`` when there is no history or it
    cannot be read: the History tab says why)."""
    try:
        with reading(url) as db:
            return None if db is None else store.prior(db, partnership, year)
    except HistoryError:
        return None


def latest_closed(years: Sequence[StoredYear]) -> str | None:
    """The latest year closed in the record (the only one that may be reopened)."""
    return max((y.year for y in years if y.status == "closed"), default=None)


def closed_line(y: StoredYear) -> str:
    """The closed year on screen, in a sentence."""
    return (f"{y.year} is closed (FINAL): version {y.version}, approved by {y.approved_by}"
            f" {y.approval}. Its figures cannot be changed; it can only be reopened, with a "
            "reason, by an approver.")


def open_line(year: str, stored: StoredYear | None, opening: ClosedOpening | None) -> str:
    """The open year on screen, in a sentence: DRAFT, and where its opening comes from."""
    text = f"{year} is open (DRAFT)."
    if stored is not None:
        text = (f"{year} was reopened by {stored.reopened_by} ({stored.reason}); version "
                f"{stored.version} stays stored. It is open (DRAFT) until closed again.")
    if opening is not None:
        text += (f" It opens from {opening.year} as closed: balance "
                 f"{gbp(opening.balance)}, commitments {gbp(opening.commitments)}.")
    return text


def close_blocked(fresh: bool, changes: Sequence[str], book: tuple[str, bytes] | None
                  ) -> str:
    """Why the figures on screen cannot be closed now ("" when they can)."""
    if not fresh:
        return ("The figures on screen are not those of the current inputs (the book has "
                "problems): put them right before closing.")
    if changes:
        return ("Board decisions were changed in the sidebar. Put them in the book (Data "
                "tab: years and settings) before closing, so that the stored book gives "
                "the stored figures.")
    if book is None:
        return "The input book could not be kept for the record, so the year cannot be closed."
    return ""


#: What a person is told when the record cannot be used (the details go to the server's
#: log: they may name its database).
UNAVAILABLE = ("The record of closed years cannot be used just now: ask whoever looks after "
               "this server.")


def shown(exc: HistoryError) -> str:
    """A history error as the app says it: a refusal of the request itself in its own
    words; a database that cannot be used in one sentence, its details (which may name
    the server's database) written to the server's log instead.

    >>> shown(HistoryError("2025-26 is already closed.", 2))
    '2025-26 is already closed.'
    >>> shown(HistoryError("postgresql://u@db.example/x is unreachable", 1)) == UNAVAILABLE
    True
    """
    if exc.exit_code == 2:
        return str(exc)
    import sys

    print(f"history: {exc}", file=sys.stderr)
    return UNAVAILABLE


def is_final(prior: Prior | None, input_sha256: str) -> bool:
    """Whether the year a prior is for is closed in the record from this very book (its
    figures are FINAL); a year closed from another book, or open, is a draft."""
    return prior is not None and prior.approved(input_sha256) is not None


def earlier_open(book_years: Sequence[str], stored: Sequence[StoredYear], year: str
                 ) -> str | None:
    """The earliest year of the book before ``year`` that is still open and must be
    closed first (years close in order, as ``mkip close`` requires); ``None`` when
    ``year`` may be closed now.  A year before the latest closed one is history already.

    >>> earlier_open(["2024-25", "2025-26"], [], "2025-26")
    '2024-25'
    >>> earlier_open(["2024-25", "2025-26"], [], "2024-25") is None
    True
    """
    closed = {y.year for y in stored if y.status == "closed"}
    latest = max(closed, default="")
    for y in sorted(book_years):
        if y >= year:
            return None
        if y not in closed and y > latest:
            return y
    return None


def input_book(src: Source | None, parsed: Parsed | None,
               edited: Mapping[str, Any] | None, upload: bytes | None
               ) -> tuple[str, bytes] | None:
    """The book as given, to store with a closed year: the bundled folder's CSV files,
    the uploaded workbook's bytes, or (after edits on the Data tab) the edited tables as
    a workbook in the template's layout."""
    if src is None or parsed is None:
        return None
    if parsed.edited and edited is not None:
        from finance.template import book_to_xlsx

        return "xlsx", book_to_xlsx({name: [dict(zip(t.columns, cells, strict=False))
                                            for _row, cells in t.rows]
                                     for name, t in edited.items()})
    if src.kind == BUNDLED:
        from finance.book import bundled_book_path

        return store.book_bytes(bundled_book_path())
    if upload is not None:
        return "xlsx", upload
    if src.kind == TEMPLATE:
        from finance.template import build_template

        return "xlsx", build_template()
    return None


def closing_day() -> date:
    """Today in UTC, the day a close now is stored under (the latest meeting date the
    close form accepts)."""
    return datetime.now(UTC).date()


def close_problem(approved_by: str, minute: str, meeting_date: date | None,
                  today: date) -> str:
    """Why the close form cannot be sent as filled in ("" when it can): the approver,
    the board minute and the date of the board meeting are required, and the meeting
    cannot be after ``today``.

    >>> close_problem("Cllr J Smith", "MKIP/2026/14", date(2026, 3, 12), date(2026, 3, 14))
    ''
    >>> close_problem("Cllr J Smith", " ", None, date(2026, 3, 14))
    'Give the board minute and the date of the board meeting that approved the year end.'
    """
    missing = [what for what, given in (
        ("who approved the year end", approved_by.strip()),
        ("the board minute", minute.strip()),
        ("the date of the board meeting", meeting_date)) if not given]
    if missing:
        what = (missing[0] if len(missing) == 1
                else ", ".join(missing[:-1]) + " and " + missing[-1])
        if missing[0] != "who approved the year end":
            what += " that approved the year end"
        return f"Give {what}."
    return approval_problem(approved_by, minute, meeting_date,
                            datetime.combine(today, time(), UTC)) or ""


def close_shown(url: str, result: Result, book: tuple[str, bytes], approved_by: str,
                minute: str, meeting_date: date | None) -> StoredYear:
    """Close the year on screen, approved by ``approved_by`` at the board meeting of
    ``meeting_date`` (minute ``minute``); raises :class:`HistoryError` with the sentence
    to show (nothing is stored without the approver, the minute and the meeting's date)."""
    problem = close_problem(approved_by, minute, meeting_date, closing_day())
    if problem:
        raise HistoryError(problem, 2)
    js, problem = json_bytes(result)
    if problem:
        raise HistoryError(problem, 1)
    db = store.open_db(url, create=True)
    assert db is not None
    try:
        return store.close_year(db, result, js, book, approved_by.strip(),
                                minute.strip(), meeting_date)
    finally:
        db.dispose()


def reopen_shown(url: str, partnership: str, year: str, reason: str, by: str) -> StoredYear:
    db = store.open_db(url, create=False)
    if db is None:
        raise HistoryError("There is no history database to reopen a year in.", 2)
    try:
        return store.reopen_year(db, year, reason, by, partnership)
    finally:
        db.dispose()


#: What each action of the app needs: the least role allowed it.  ``view``: see the
#: figures, reports and history; ``prepare``: upload and edit a book, weigh scenarios,
#: set the budget, download the packs; ``close``: close or reopen a year; ``admin``:
#: manage the members.
ACTIONS = {"view": "viewer", "prepare": "preparer", "close": "approver", "admin": "admin"}


def role_of(url: str, partnership: str, email: str | None) -> str | None:
    """The role of the signed-in ``email`` in ``partnership``, from the server's database
    (never from a book); ``None`` when there is no e-mail, no database, or no such
    member.  Never raises for the database: one that cannot be used gives ``None``, and
    the reason goes to stderr (password hidden)."""
    import sys

    if email is None or not email.strip():
        return None
    try:
        with reading(url) as db:
            return None if db is None else store.member_role(db, partnership, email)
    except HistoryError as exc:
        print(f"mkip: no role for the signed-in user: {exc}", file=sys.stderr)
        return None


def allowed(role: str | None, action: str) -> bool:
    """Whether a member with ``role`` (``None``: not a member) may do ``action``
    (:data:`ACTIONS`); each role may do what the roles below it may.  An unknown role is
    allowed nothing; an unknown action is a mistake in the caller (``ValueError``).

    >>> rows = [None, "viewer", "preparer", "approver", "admin"]
    >>> for r in rows:
    ...     print(f"{r!s:9}", *(int(allowed(r, a)) for a in ACTIONS))
    None      0 0 0 0
    viewer    1 0 0 0
    preparer  1 1 0 0
    approver  1 1 1 0
    admin     1 1 1 1
    """
    from finance.history.roles import rank

    if action not in ACTIONS:
        raise ValueError(f"{action!r} is not an action: one of {', '.join(ACTIONS)}")
    return rank(role) >= rank(ACTIONS[action])


#: The partnership a served app is for (its members are looked up in it).
PARTNERSHIP_ENV = "MKIP_PARTNERSHIP"
DEFAULT_PARTNERSHIP = "Mid Kent Improvement Partnership"


@dataclass(frozen=True)
class Access:
    """What the person at the screen may do.

    Fields:
        view: see the figures, the history and the statements.
        prepare: also upload and edit books, run scenarios and budgets, download packs.
        close: also close and reopen years.
        who: the signed-in e-mail ("" on this machine).
        role: the member's role ("" on this machine, where the officer at it may do
            everything; None: signed in but no member).
    """

    view: bool
    prepare: bool
    close: bool
    who: str = ""
    role: str | None = ""


def access(address: str | None, email: str | None, role: str | None) -> Access:
    """What a person may do: everything on this machine; on a network what their role
    allows (a book never grants anything).

    >>> access("127.0.0.1", None, None).prepare
    True
    >>> a = access("0.0.0.0", "Viewer@x.gov.uk", "viewer")
    >>> (a.view, a.prepare, a.close, a.who)
    (True, False, False, 'viewer@x.gov.uk')
    >>> access("0.0.0.0", "stranger@x.org", None).view
    False
    """
    if (address or "") in LOCAL_ADDRESSES:
        return Access(True, True, True)
    who = (email or "").strip().lower()
    return Access(allowed(role, "view"), allowed(role, "prepare"), allowed(role, "close"),
                  who, role)


def served_partnership(environ: Mapping[str, str]) -> str:
    """The partnership a served app is for: ``MKIP_PARTNERSHIP``, else the bundled
    example's."""
    return environ.get(PARTNERSHIP_ENV, "").strip() or DEFAULT_PARTNERSHIP
