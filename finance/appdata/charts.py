"""The house style of the app's charts, shared by every tab's charts.

Altair is imported only when a chart is built (:func:`altair_module`), so that the rest
of the app's data shaping does not load it.  Each tab's charts are in its own module;
:mod:`finance.appdata.allcharts` lists them all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import altair as alt


NAVY, TEAL, AMBER, RED, GREEN, SLATE = (
    "#1d3f72", "#00797b", "#e0a100", "#b3261e", "#2e7d32", "#8a94a6")

PALETTE = ("#1d3f72", "#00797b", "#7b5ea7", "#c2571a", "#4f7cac", "#8a94a6", "#a3336b",
           "#5b8c3a")

#: Money on a chart axis, negatives in brackets: (£1,500), £1,500.
MONEY_AXIS = ("datum.value < 0 ? '(£' + format(abs(datum.value), ',.0f') + ')' : "
               "'£' + format(datum.value, ',.0f')")


def tips(*fields: str | tuple[str, ...]) -> list[Any]:
    """Tooltip channels: ``"Field:N"``, or ``(field, title)`` / ``(field, title, format)``;
    a bare name is nominal.  Typed channel objects keep altair from re-parsing them."""
    alt = altair_module()
    out = []
    for f in fields:
        name, *rest = (f,) if isinstance(f, str) else f
        shorthand = name if ":" in name else name + ":N"
        kw = dict(zip(("title", "format"), rest, strict=False))
        out.append(alt.Tooltip(shorthand, **kw))
    return out


def altair_module() -> Any:
    """The altair module, imported when the first chart is built, not with the app's
    data shaping."""
    import altair as alt

    return alt


def party_scale(parties: Iterable[str], order: Sequence[str] = ()) -> Any:
    """One colour per council, the same on every chart: by its place in ``order`` (the
    book's parties, in the book's order), whichever councils a chart shows; codes not in
    ``order`` follow, in code order.

    >>> party_scale(["SBC"], ["MBC", "SBC", "TWBC"]).range == [PALETTE[1]]
    True
    """
    alt = altair_module()
    dom = sorted(set(parties))
    places = list(order) + sorted(set(dom) - set(order))
    return alt.Scale(domain=dom, range=[PALETTE[places.index(c) % len(PALETTE)] for c in dom])


def money_x(field_: str, title: str, stack: bool | None = None) -> Any:
    alt = altair_module()
    kw: dict[str, Any] = {"title": title, "axis": alt.Axis(labelExpr=MONEY_AXIS)}
    if stack is not None:
        kw["stack"] = stack
    return alt.X(f"{field_}:Q", **kw)


def finish(chart: Any, step: int) -> alt.Chart:
    """House style; ``step`` is the height of each category band in pixels."""
    return chart.properties(height={"step": step, "for": "position"}).configure_axis(
        labelFontSize=12, titleFontSize=12, labelLimit=280, grid=True, gridColor="#e6e9ef",
        domainColor="#b8c0cc").configure_view(strokeWidth=0).configure_legend(
        orient="bottom", title=None, labelFontSize=12)
