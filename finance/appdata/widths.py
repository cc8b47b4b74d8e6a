"""The Data tab's editor columns, each as wide as what it holds.

Each column of an editor is given the width of its longest value and its heading, in the
grid's own font (:func:`text_px`), so that at 1280 px, beside the sidebar, nothing is cut:
the columns' widths are worked out against :data:`ROOM`, what an editor has there.  When
a table's columns want more than that, long free text (a description, not a name) is
cut first, to :data:`TEXT_COMFORT`; then headings (down to their values and their first
few characters; a heading is read whole on its help); then free text further, evenly,
down to :data:`TEXT_FLOOR` (read whole in the cell's editor); figures, dates and codes
never are.  A table that still does not fit scrolls sideways, its Row and Check
columns pinned in view; it is then fitted to what an editor has at 1440 px, where it
fits.

The Check column (:mod:`finance.appdata.marks`) is as wide as the marks it shows when
the editor is drawn, and narrow when it shows none; room the table's own columns leave
at 1280 px is given to it, up to a change mark's width, so that a mark an edit brings
is read.  Its width cannot follow the marks as they change: a column's width is part of
an editor's identity in Streamlit, and an editor whose identity changes starts again,
dropping a value being typed in the next cell; so it is chosen once each time the editor
is drawn afresh (the workspace keeps it, :class:`~finance.appdata.workspace.Workspace`),
and a mark that comes later shows as much of itself as fits whole (:func:`fit_mark`:
the column without the reason, or the symbol alone), the lists above the table saying
it in full.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from finance.appdata.editing import choices, column_label, columns
from finance.appdata.marks import CHECK, Mark
from finance.core.schema import column as schema_column

__all__ = ["CHECK_MAX", "ROOM", "TEXT_FLOOR", "Content", "check_content", "editor_widths",
           "fit_mark", "fit_widths", "fitted_marks", "longest", "text_px", "with_check"]

#: The width of each character in the grid's font (Source Sans, 14 px), to the half
#: pixel, as Chromium measures it; any other character counts as :data:`OTHER`.
_CHAR_PX: dict[str, float] = {
    ch: px for px, chars in (
        (3.0, " "), (3.5, "',.:;Iijl|"), (4.0, "!()[]f{}"), (4.5, "-t"), (5.0, "/\\r"),
        (6.0, '"*?sxz'), (6.5, "JYcvy"), (7.0, "0123456789#$+<=>FLVX^_aegk~£§"),
        (7.5, "AESTZ`bhnou"), (8.0, "BCKPRdpq"), (8.5, "&DG"), (9.0, "HNU"), (9.5, "OQ"),
        (10.0, "Mw"), (11.0, "W"), (11.5, "%m✖✎"), (12.0, "@"), (12.5, "⚠"),
        (13.5, "…"))
    for ch in chars}
OTHER = 8.0

#: A cell's padding, left and right (the grid's, 8 px a side); a heading's type icon
#: (an editable column's); a drop-down cell's arrow.
PAD = 16
ICON = 28
ARROW = 18
#: The grid's narrowest column.
MIN_WIDTH = 50
#: An editor's width at 1280 px beside the sidebar, and what it gives its row-selection
#: column; a vertical scroll bar's width is kept spare.
EDITOR = 922
MARKER = 33
SCROLL_BAR = 16
#: What an editor has for its columns at 1280 px, its Row column of two digits aside.
ROOM = EDITOR - MARKER - SCROLL_BAR - MIN_WIDTH
#: What more it has at 1440 px: a table that cannot fit at 1280 px (it scrolls sideways
#: there) is fitted to this wider room, cutting less, and fits at 1440 px.
WIDER = 160
#: Free text is cut to this first (a description, not a name), when room is short;
#: never narrower than :data:`TEXT_FLOOR`; a heading never to fewer than its first
#: six characters.
TEXT_COMFORT = 240
TEXT_FLOOR = 140
HEADING_CHARS = 6
#: The Check column at its widest (a longer mark is cut; the list above says it whole).
CHECK_MAX = 260


def text_px(text: str) -> float:
    """The width of ``text`` in the grid's font, in pixels.

    >>> text_px("142,800"), text_px("Tunbridge Wells Borough Council")
    (45.5, 194.5)
    """
    return sum(_CHAR_PX.get(ch, OTHER) for ch in text)


@dataclass(frozen=True)
class Content:
    """What one editor column shows: its heading and its longest value.

    Fields:
        heading: the column's heading.
        longest: its longest value, as shown ("" for none).
        icon: whether the heading carries a type icon (an editable column's does).
        cut: whether its values may be cut when room is short (free text); figures,
            dates and codes are not.
        extra: pixels a cell takes beside its text (a drop-down's arrow, a checkbox).
    """

    heading: str
    longest: str = ""
    icon: bool = True
    cut: bool = False
    extra: int = 0

    @property
    def value_px(self) -> int:
        """What the values need: the longest, padded."""
        return max(MIN_WIDTH, math.ceil(text_px(self.longest) + PAD + self.extra))

    def heading_px(self, chars: int | None = None) -> int:
        """What the heading (or its first ``chars`` characters) takes, with its icon."""
        shown = self.heading[:chars]
        return math.ceil(text_px(shown) * 1.03 + PAD + (ICON if self.icon else 0))

    @property
    def want_px(self) -> int:
        """What the column wants: its values and its whole heading."""
        return max(self.value_px, self.heading_px())

    @property
    def need_px(self) -> int:
        """What it needs when room is short: its values, and its heading's first
        :data:`HEADING_CHARS` characters."""
        return max(self.value_px, self.heading_px(HEADING_CHARS))


def longest(values: Iterable[object]) -> str:
    """The widest of some values as text (blanks left out; of a long column, the widest
    of its fifty longest).

    >>> longest(["MBC", None, "Tunbridge Wells", "", pd.NA, "iiiiiiiiiiiiiiiii"])
    'Tunbridge Wells'
    """
    texts = {str(v) for v in values if v is not None and v is not pd.NA and str(v).strip()}
    return max(heapq.nlargest(50, texts, key=len), key=text_px, default="")


def check_content(marks: Iterable[str], labels: Iterable[str]) -> tuple[Content, int]:
    """The Check column's content (its heading and the marks it shows now) and the
    width it may grow to when the table leaves room: a change mark naming the table's
    column of the longest label, a warning after it (:data:`CHECK_MAX` at most).

    >>> c, most = check_content([], ["Party", "Population"])
    >>> c.want_px, most  # narrow; room for "✎ Population ⚠"
    (54, 111)
    >>> check_content(["✖ Joined: not a real date"], ["Joined"])[0].want_px
    162
    """
    content = Content("Check", longest(marks), icon=False, cut=True)
    widest = longest(f"✎ {label} ⚠" for label in labels)
    return content, min(CHECK_MAX, max(content.want_px, math.ceil(text_px(widest) + PAD)))


def fit_mark(text: str, width: int) -> str:
    """A Check mark as much of it as a column ``width`` wide shows whole: the mark; else
    its column without the reason, or without the warning sign; else its symbol (the
    lists above the table say it whole).

    >>> [fit_mark("✖ Joined: not a real date", w) for w in (200, 100, 60)]
    ['✖ Joined: not a real date', '✖ Joined', '✖']
    >>> fit_mark("✎ Population ⚠", 110), fit_mark("✎ 2 cells", 60)
    ('✎ Population', '✎')
    """
    shorter = [text, text.split(":")[0], text.removesuffix(" ⚠"), text.split(" ")[0]]
    return next((t for t in shorter if text_px(t) + PAD <= width), shorter[-1])


def fitted_marks(marks: Mapping[int, Mark], width: int) -> dict[int, Mark]:
    """Each row's mark as much of it as the Check column ``width`` wide shows whole."""
    return {row: Mark(m.kind, fit_mark(m.text, width)) for row, m in marks.items()}


def _cap(contents: Sequence[Content], widths: list[int], room: int, floor: int
         ) -> list[int]:
    """Free text wider than ``floor`` cut evenly, the widest first, until the columns fit
    ``room`` (never below ``floor``).

    >>> _cap([Content("A", cut=True), Content("B", cut=True), Content("C")],
    ...      [300, 200, 100], 450, 140)
    [175, 175, 100]
    """
    cuttable = sorted((i for i, c in enumerate(contents) if c.cut and widths[i] > floor),
                      key=lambda i: widths[i])
    left = room - sum(w for i, w in enumerate(widths) if i not in cuttable)
    for n, i in enumerate(cuttable):
        share = left // (len(cuttable) - n)
        if widths[i] > share:
            cap = max(floor, share)
            return [min(w, cap) if i in cuttable else w for i, w in enumerate(widths)]
        left -= widths[i]
    return widths


def fit_widths(contents: Sequence[Content], room: int = ROOM) -> list[int]:
    """Each column's width in pixels: what it wants (values and whole heading) when all
    fit ``room``; else long free text cut first, to :data:`TEXT_COMFORT`; then headings
    cut, towards their values, each in proportion to what it would lose; then free text
    cut further, to :data:`TEXT_FLOOR` (:func:`_cap`).

    >>> cols = [Content("Party", "MBC"), Content("Source", "x" * 60, cut=True)]
    >>> fit_widths(cols, 1000)
    [76, 376]
    >>> fit_widths(cols, 300)  # the Source cut; the party whole
    [76, 224]
    >>> fit_widths([Content("Section 151 officer"), Content("Left")], 150)  # "Sectio…"
    [82, 68]
    >>> names = Content("Party", "Tunbridge Wells Borough Council", cut=True)
    >>> fit_widths([names, Content("Notice given")], 300)  # names whole, the heading cut
    [211, 89]
    """
    widths = [c.want_px for c in contents]
    if sum(widths) <= room:
        return widths
    widths = _cap(contents, widths, room, TEXT_COMFORT)
    if sum(widths) <= room:
        return widths
    need = [min(w, c.need_px) for w, c in zip(widths, contents, strict=True)]
    spare, cut = room - sum(need), sum(widths) - sum(need)
    if spare >= 0:
        return [n + (w - n) * spare // cut for w, n in zip(widths, need, strict=True)]
    return _cap(contents, need, room, TEXT_FLOOR)


def with_check(contents: Sequence[Content], check: Content, most: int,
               room: int = ROOM) -> tuple[int, list[int]]:
    """The Check column's width and the table's columns' (:func:`fit_widths`): the
    columns are fitted in the room its marks leave; any room they leave after that goes
    to the Check column, up to ``most``.

    >>> with_check([Content("Party", "MBC")], *check_content([], ["Party"]), room=400)
    (77, [76])
    >>> with_check([Content("Party", "x" * 80, cut=True)], *check_content([], ["Party"]),
    ...            room=400)
    (54, [346])
    """
    first = min(check.want_px, CHECK_MAX)
    widths = fit_widths(contents, room - first)
    spare = room - first - sum(widths)
    return max(first, min(most, first + spare)), widths


def editor_widths(table: str, shown: pd.DataFrame, marks: Iterable[str]) -> dict[str, int]:
    """The width of each column of ``table``'s editor, by its name in the editor's frame
    (the Row column ``_index``, the Check column :data:`~finance.appdata.marks.CHECK`):
    ``shown`` is the table as its editor shows it (with its kinds in ``attrs``),
    ``marks`` the texts its Check column shows now.

    >>> f = pd.DataFrame({"party": ["MBC"], "year": ["2008-09"], "population": ["142,800"],
    ...                   "source": ["x" * 200]}, index=pd.Index([2, 3000]))
    >>> w = editor_widths("populations", f, [])
    >>> w  # the Source cut to what the others leave of the room
    {'_index': 50, '_check': 54, 'party': 76, 'year': 71, 'population': 111, 'source': 511}
    >>> sum(w.values()) == ROOM + MIN_WIDTH
    True
    """
    kinds = shown.attrs.get("kinds", {})
    names = list(columns(table))
    contents = [Content(column_label(table, c),
                        "" if kinds.get(c) == "bool" else longest(
                            shown[c].dropna().unique().tolist()),
                        cut=schema_column(table, c).kind == "text",
                        extra=ARROW if c not in kinds and choices(table, c, shown) else 0)
                for c in names]
    row = Content("Row", longest(map(str, shown.index.tolist())), icon=False).want_px
    check, most = check_content(marks, [c.heading for c in contents])
    room = ROOM + MIN_WIDTH - row
    first, widths = with_check(contents, check, most, room)
    if first + sum(widths) > room:  # it scrolls at 1280 px: cut no more than for 1440
        first, widths = with_check(contents, check, most, room + WIDER)
    return {"_index": row, CHECK: first, **dict(zip(names, widths, strict=True))}
