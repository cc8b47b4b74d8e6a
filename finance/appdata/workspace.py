"""The Data tab's edits, kept while the tab is closed.

The app draws only the open tab, so a change redraws one tab, not nine.  Streamlit forgets
an editor's edits when the editor is not drawn, so the edited tables live here: while the
Data tab is open its editors show the tables as they were when it opened ("mounted", each
mounting with new editor keys) and their edits update :attr:`Workspace.frames`; while it
is closed, the figures are worked out from :attr:`Workspace.frames` as last edited.  The
same holds for each group of tables within the Data tab: only the open group's editors
are drawn.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from finance.appdata.marks import CHECK, with_check
from finance.appdata.typed import apply_edits, shown_frame, text_frame, untouched

__all__ = ["Workspace"]


@dataclass
class Workspace:
    """The input tables as edited, for one source and one "Reset to source" version.

    Fields:
        source: the source's key (kind and digest); another source starts afresh.
        version: the data version (it goes up on "Reset to source").
        base: every input table as text, as the source gives it (a cell typed back to
            the source's value takes the source's text again: no change).
        base_shown: the same tables as their editors show them
            (:func:`~finance.appdata.typed.shown_frame`), made once.
        frames: every input table as text, as last edited (the source's at the start).
        mounts: how many times each table's editor has been drawn afresh; part of its
            key, so each drawing starts from :attr:`frames` with no pending edit.
        mounted: each drawn table as text when its editor was drawn afresh.
        mounted_shown: the same tables as their editors show them (with the Check
            column first, :mod:`finance.appdata.marks`).
        widths: each drawn table's editor columns' widths, chosen when it was drawn
            afresh and kept while it is drawn (a width is part of an editor's identity:
            a new one would start it again, its edits lost).
        lingering: tables whose editors are drawn, out of sight, for one run after their
            tab or group closed: a value typed just before the click reaches the server
            after it, and Streamlit keeps an editor's edit only while it is drawn.
        applied: each table's edit state as :meth:`pending` last applied it.
    """

    source: str
    version: int
    base: dict[str, pd.DataFrame] = field(repr=False)
    base_shown: dict[str, pd.DataFrame] = field(repr=False)
    frames: dict[str, pd.DataFrame] = field(repr=False)
    mounts: dict[str, int] = field(default_factory=dict)
    mounted: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    mounted_shown: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    widths: dict[str, dict[str, int]] = field(default_factory=dict)
    lingering: set[str] = field(default_factory=set)
    applied: dict[str, object] = field(default_factory=dict, repr=False)

    @classmethod
    def for_source(cls, previous: object, source: str, version: int,
                   base: Mapping[str, pd.DataFrame]) -> Workspace:
        """``previous`` if it is this source's at this version, else a new workspace
        holding the source's tables.

        >>> w = Workspace.for_source(None, "bundled:ab", 0, {})
        >>> Workspace.for_source(w, "bundled:ab", 0, {}) is w
        True
        >>> Workspace.for_source(w, "bundled:ab", 1, {}) is w  # reset to source
        False
        """
        if (isinstance(previous, Workspace) and previous.source == source
                and previous.version == version):
            return previous
        shown = {t: shown_frame(t, f) for t, f in base.items()}
        return cls(source, version, dict(base), shown, dict(base))

    def linger(self, tables: Iterable[str]) -> list[str]:
        """Of these tables, whose tab or group is closed, those to draw out of sight in
        this run: the ones drawn until the last run (for one run only)."""
        out = [t for t in tables if t in self.mounted and t not in self.lingering]
        self.lingering.update(out)
        return out

    def open(self, table: str) -> None:
        """``table``'s editor is drawn: mount the table as it is now (once per drawing
        that follows one where it was not drawn)."""
        self.lingering.discard(table)
        if table not in self.mounted:
            self.applied.pop(table, None)  # a new drawing: its editor starts with no edit
            self.mounts[table] = self.mounts.get(table, 0) + 1
            self.mounted[table] = self.frames[table]
            self.mounted_shown[table] = with_check(
                self.base_shown[table] if self.frames[table] is self.base[table]
                else shown_frame(table, self.frames[table]))
            self.widths.pop(table, None)

    def edited(self, table: str, shown: pd.DataFrame, state: object) -> pd.DataFrame:
        """``table`` as text after its editor's edits (``shown``: what the editor
        returned, its Check column dropped; ``state``: its edit state), and kept as the
        table's latest.  The state :meth:`pending` applied in this run is not worked out
        twice (a long table takes seconds)."""
        if untouched(state):
            out = self.mounted[table]
        elif self.applied.get(table) == state:
            out = self.frames[table]
        else:
            shown = shown.drop(columns=[CHECK], errors="ignore")
            out = text_frame(table, shown, (self.mounted[table], self.mounted_shown[table]),
                             self.base[table])
        self.frames[table] = out
        return out

    def pending(self, table: str, state: object) -> None:
        """Before ``table``'s editor is drawn: its edit state applied to the table as
        mounted, so the whole book as edited can be checked first and the editor drawn
        with each row's marks (:mod:`finance.appdata.marks`)."""
        self.applied.pop(table, None)
        if isinstance(state, dict):
            self.edited(table, apply_edits(self.mounted_shown[table], state), state)
            self.applied[table] = copy.deepcopy(state)

    def close(self, tables: Iterable[str], state_of: Callable[[str], object]) -> None:
        """These tables' editors are not drawn: an edit still pending in an editor's
        state (typed, then another tab clicked in the same moment) is applied first;
        their next drawing mounts them afresh.  ``state_of``: an editor's state by key."""
        for t in tables:
            self.lingering.discard(t)
            if t in self.mounted:
                self.pending(t, state_of(self.key(t)))  # its latest state, an undo too
            self.mounted.pop(t, None)
            self.mounted_shown.pop(t, None)
            self.applied.pop(t, None)
            self.widths.pop(t, None)

    def column_widths(self, table: str, choose: Callable[[], dict[str, int]]
                      ) -> dict[str, int]:
        """The widths of ``table``'s editor columns in this drawing: chosen (``choose``)
        the first time it is drawn, then kept while it is drawn.

        >>> w = Workspace.for_source(None, "bundled:ab12", 0, {})
        >>> w.column_widths("years", lambda: {"year": 71}), w.column_widths("years", dict)
        ({'year': 71}, {'year': 71})
        """
        if table not in self.widths:
            self.widths[table] = choose()
        return self.widths[table]

    def key(self, table: str) -> str:
        """The editor key of ``table`` for this source, version and drawing (another
        source's editors never share a key with this one's).

        >>> w = Workspace.for_source(None, "bundled:ab12", 2, {"years": pd.DataFrame()})
        >>> w.open("years"); w.key("years")
        'editor.years.2.1.ab12'
        """
        digest = self.source.rsplit(":", 1)[-1][:8]
        return f"editor.{table}.{self.version}.{self.mounts.get(table, 0)}.{digest}"
