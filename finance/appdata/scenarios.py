"""The app's Scenarios tab: what-ifs built from controls, run, and shown side by side.

Plain data in and out (no Streamlit): each control gives a
:class:`~finance.core.scenario.Change` list in the same form as a scenario file, so the
TOML the tab offers for download runs again from the command line (``mkip compare``) with
the same figures.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import tomli_w

from finance.appdata.charts import MONEY_AXIS
from finance.appdata.formats import gbp, md_escape
from finance.appdata.tables import MONEY, Table
from finance.core.chain import Prior
from finance.core.money import to_pence
from finance.core.parse import RawTable
from finance.core.problems import Problem
from finance.core.scenario import FIGURES, Change, Scenario, scenarios_from
from finance.scenarios import Comparison, compare_tables

#: The kinds of what-if the tab builds, with the label the officer reads.
WHAT_IFS = {
    "leave": "A council leaves",
    "join": "A council joins",
    "rate": "Rate per head",
    "refund": "Refund share",
    "basis": "A service's basis",
    "drop": "A council leaves a service",
}
#: The figures the side-by-side table shows, with their labels.
LABELS = {"contribution": "Contribution", "refund": "Refund",
          "supplementary": "Supplementary", "services": "Services",
          "net_position": "Net settlement"}


def _six_months_before(d: date) -> date:
    """The latest date notice could be given to leave on ``d`` (§16.2: six months).

    >>> _six_months_before(date(2025, 9, 30)), _six_months_before(date(2025, 8, 31))
    (datetime.date(2025, 3, 30), datetime.date(2025, 2, 28))
    """
    month, year = d.month - 6, d.year
    if month <= 0:
        month, year = month + 12, year - 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def leave(party: str, left: date) -> tuple[Change, ...]:
    """A council leaves on ``left``, having given the six months' notice §16.2 asks."""
    notice = _six_months_before(left)
    return (Change("parties", "set", (("code", party),),
                   (("notice_given", notice.isoformat()), ("left", left.isoformat()))),)


def join(code: str, name: str, population: int, joined: date, year: str
         ) -> tuple[Change, ...]:
    """A council joins on ``joined`` with its population for ``year``."""
    return (Change("parties", "add", (), (("code", code), ("name", name), ("voting", "yes"),
                                          ("joined", joined.isoformat()))),
            Change("populations", "add", (), (("party", code), ("year", year),
                                              ("population", str(population)))))


def rate(year: str, pence: str) -> tuple[Change, ...]:
    return (Change("years", "set", (("year", year),), (("rate_pence", pence),)),)


def refund(year: str, share: str) -> tuple[Change, ...]:
    return (Change("years", "set", (("year", year),), (("refund_share", share),)),)


def basis(service: str, year: str, new: str) -> tuple[Change, ...]:
    return (Change("services", "set", (("service", service), ("year", year)),
                   (("basis", new),)),)


def drop(service: str, year: str, party: str) -> tuple[Change, ...]:
    return (Change("service_parties", "remove", (),
                   (("service", service), ("year", year), ("party", party))),)


def to_toml(scenarios: Sequence[Scenario]) -> str:
    """The scenarios as a scenario file (``mkip compare --scenarios``)."""
    return tomli_w.dumps({"scenario": [
        {"name": s.name, "change": [c.as_json() for c in s.changes]} for s in scenarios]})


def from_toml(text: str) -> tuple[list[Scenario], list[Problem]]:
    """Scenarios from an uploaded scenario file."""
    import tomllib

    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return [], [Problem("scenarios", None, None,
                            f"the file is not a valid scenario file ({exc})")]
    return scenarios_from(doc)


def run(tables: Mapping[str, RawTable], sha: str, scenarios: Sequence[Scenario], year: str,
        prior: Prior | None) -> Comparison:
    """The baseline and every scenario of the book on screen."""
    return compare_tables(tables, sha, scenarios, year,
                          (lambda _p, _y: prior) if prior is not None else None)


def side_by_side(cmp: Comparison) -> Table:
    """Per council and figure: the baseline, then each scenario's figure and change.
    Scenarios are headed S1, S2 ... (their names are listed beside the table, and in
    each column's help), so the table fits the page."""
    doc = cmp.as_json()
    scs = doc["scenarios"]
    cols = ["Party", "Figure", "Baseline"]
    help_: dict[str, str] = {"Baseline": "The book's own figures"}
    for i, s in enumerate(scs, start=1):
        cols += [f"S{i}", f"S{i} change"]
        help_[f"S{i}"] = s["name"]
        help_[f"S{i} change"] = f"{s['name']}, less the baseline"
    parties = sorted({p["party"] for s in scs for p in s["parties"]})
    rows: list[dict[str, Any]] = []
    zero = {"baseline": "0.00", "scenario": "0.00", "change": "0.00"}
    for party in parties:
        for k, fig in enumerate(FIGURES):
            row: dict[str, Any] = {"Party": party if k == 0 else "", "Figure": LABELS[fig]}
            for i, s in enumerate(scs, start=1):
                line = next((p for p in s["parties"] if p["party"] == party), None)
                vals = line[fig] if line else zero
                row["Baseline"] = to_pence(vals["baseline"])
                row[f"S{i}"] = to_pence(vals["scenario"])
                row[f"S{i} change"] = to_pence(vals["change"])
            rows.append(row)
    return Table(rows, cols, {c: MONEY for c in cols[2:]}, help_)


#: How a council leaving or joining part-way through the year is weighed, in a sentence.
WEIGHING = ("A council that takes part for part of the year is weighed by the months it "
            "takes part (§11.4): on the equal, population and driver bases its weight is "
            "its months × its measure, so its share falls by more than its months alone "
            "when the others take part all year. Fixed shares are agreed for the whole "
            "year and are not pro-rated.")


def service_changes(cmp: Comparison) -> Table:
    """Per scenario, service and council whose months or share the scenario changes:
    the months taken part and the share, in the book and in the scenario."""
    assert cmp.baseline is not None
    names = {p.code: p.name for p in cmp.baseline.book.parties}

    def lines(r: Any) -> dict[tuple[str, str], tuple[str, int, int]]:
        return {(sp.service, x.party): (sp.name, sp.share_months(x), x.share)
                for sp in r.services for x in sp.lines}

    base = lines(cmp.baseline)
    rows: list[dict[str, Any]] = []
    for i, (_sc, result) in enumerate(cmp.scenarios, start=1):
        other = lines(result)
        for key in sorted(set(base) | set(other)):
            b, o = base.get(key), other.get(key)
            if b is not None and o is not None and b[1:] == o[1:]:
                continue
            name = (b or o)[0]  # type: ignore[index]
            rows.append({"Scenario": f"S{i}", "Service": f"{name} ({key[0]})",
                         "Council": names.get(key[1], key[1]),
                         "Months": f"{b[1] if b else 0} → {o[1] if o else 0}",
                         "Share in the book": b[2] if b else 0,
                         "Share in the scenario": o[2] if o else 0,
                         "Change": (o[2] if o else 0) - (b[2] if b else 0)})
    return Table(rows, ["Scenario", "Service", "Council", "Months", "Share in the book",
                        "Share in the scenario", "Change"],
                 dict.fromkeys(("Share in the book", "Share in the scenario", "Change"),
                               MONEY),
                 {"Months": "Months taken part in the year: in the book → in the scenario "
                            "(12 on the fixed basis, whose shares are for the whole year)"})


def compared(answer: object) -> bool:
    """Whether a comparison's answer (:func:`finance.appcache.comparison`) is its two
    tables (else it is the problems that stopped it).

    >>> compared((Table([], []), Table([], []))), compared([])
    (True, False)
    """
    return (isinstance(answer, tuple) and len(answer) == 2
            and all(isinstance(t, Table) for t in answer))


def legend(cmp_names: Sequence[str]) -> str:
    """``S1`` ... with each scenario's name, for beside the table (markdown)."""
    return "  \n".join(f"**S{i}** {md_escape(n)}" for i, n in enumerate(cmp_names, 1))


def change_chart(cmp: Comparison) -> dict[str, Any] | None:
    """A Vega-Lite chart: the change in each council's net settlement position, per
    scenario (S1, S2 ...)."""
    doc = cmp.as_json()
    rows = [{"Party": p["party"], "Scenario": f"S{i}", "Name": s["name"],
             "Change": float(p["net_position"]["change"]),
             "Label": gbp(to_pence(p["net_position"]["change"]))}
            for i, s in enumerate(doc["scenarios"], start=1) for p in s["parties"]]
    if not rows:
        return None
    import altair as alt
    import pandas as pd
    from altair.utils.schemapi import debug_mode

    df = pd.DataFrame(rows)
    with debug_mode(False):
        chart = alt.Chart(df).mark_bar().encode(
            y=alt.Y("Party:N", title=None),
            x=alt.X("Change:Q", title="Change in net settlement position (£)",
                    axis=alt.Axis(labelExpr=MONEY_AXIS)),
            color=alt.Color("Scenario:N", legend=alt.Legend(orient="bottom", title=None)),
            yOffset="Scenario:N",
            tooltip=["Name:N", "Party:N", alt.Tooltip("Label:N", title="Change")],
        ).properties(height=alt.Step(16))
        return chart.to_dict(validate=False)


@dataclass(frozen=True)
class WhatIf:
    """One what-if as the tab's controls give it.

    Fields:
        kind: one of :data:`WHAT_IFS`.
        label: the name it gets unless the officer gives one.
        args: the controls' values, in the order of the builder for ``kind``
            (:func:`leave`, :func:`join`, :func:`rate`, :func:`refund`, :func:`basis`,
            :func:`drop`), the year left out.
    """

    kind: str
    label: str
    args: tuple[Any, ...]


def changes(w: WhatIf, year: str) -> tuple[Change, ...]:
    """The changes of a what-if for ``year``."""
    a = w.args
    if w.kind == "leave":
        return leave(a[0], a[1])
    if w.kind == "join":
        return join(a[0], a[1], a[2], a[3], year)
    if w.kind == "rate":
        return rate(year, a[0])
    if w.kind == "refund":
        return refund(year, a[0])
    if w.kind == "basis":
        return basis(a[0], year, a[1])
    return drop(a[0], year, a[1])


def usual_dates(year: str) -> tuple[date, date]:
    """The dates the controls start at: leaving on 30 September, joining on 1 October.

    >>> usual_dates("2025-26")
    (datetime.date(2025, 9, 30), datetime.date(2025, 10, 1))
    """
    start = int(year[:4])
    return date(start, 9, 30), date(start, 10, 1)


def saved(url: str, partnership: str, year: str) -> tuple[list[Any], str]:
    """The scenarios saved for ``year`` in the history (latest of each name), or why
    they could not be read."""
    from finance.history import store
    from finance.history.db import HistoryError

    try:
        db = store.open_db(url, create=False)
        if db is None:
            return [], ""
        try:
            return store.list_scenarios(db, partnership, year), ""
        finally:
            db.dispose()
    except HistoryError as exc:
        from finance.appdata.history import shown

        return [], shown(exc)


def save(url: str, partnership: str, year: str, name: str, scenarios: Sequence[Scenario],
         by: str) -> str:
    """Save the scenarios by name in the history; the sentence to show."""
    from finance.history import store
    from finance.history.db import HistoryError

    try:
        db = store.open_db(url, create=True)
        assert db is not None
        try:
            s = store.save_scenarios(db, partnership, year, name,
                                     to_toml(scenarios), by)
        finally:
            db.dispose()
    except HistoryError as exc:
        from finance.appdata.history import shown

        return shown(exc)
    return f"Saved as “{s.name}” for {s.year}."


__all__ = [
    "WHAT_IFS",
    "Scenario",
    "WhatIf",
    "basis",
    "change_chart",
    "changes",
    "drop",
    "from_toml",
    "join",
    "leave",
    "rate",
    "refund",
    "run",
    "side_by_side",
    "to_toml",
    "usual_dates",
]
