"""Partnership finance: the finance officers' web app.

Start it with ``scripts/app`` (http://127.0.0.1:8501).  This file describes the screen:
widgets, calls into :mod:`finance`, and what is shown.  Every figure comes from the core
(:func:`finance.pipeline.compute`); tables, charts and wording come from
:mod:`finance.appdata`, each tab's from its own module there (``contributions_tab``
from :mod:`finance.appdata.contributions`, and so on).

Session state (documented for tests):

* ``topic``: the open topic tab (only it is drawn); ``data_group``: the open group of
  tables on the Data tab (only its editors are drawn), ``data_group_last`` the same kept
  while the Data tab is closed, so it opens again where it was left.
* ``workspace``: the input tables as edited (:class:`finance.appdata.workspace.Workspace`),
  kept while their editors are not drawn.
* ``editor.<table>.<version>.<drawing>.<source>``: each drawn input table's
  ``st.data_editor`` (its edit state), keyed by ``Workspace.key``; ``data_version`` (0 at
  start) goes up on "Reset to source".
* ``offered_downloads``: what is behind each download button: ``json`` and ``template``
  as bytes, ``report`` as the no-argument callable the button runs when clicked;
  ``offered_edited_book``: the Data tab's "Edited book" button's callable (every table
  as on screen, a cell the book cannot read kept as typed).
* ``last_good``: the last result that computed, kept on screen while the book has
  problems.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date
from functools import partial
from typing import Any, NamedTuple

import streamlit as st

from finance import appcache as cache
from finance import appdata as ad
from finance.appdata import budget as abud
from finance.appdata import (
    contributions,
    investments,
    marks,
    monitoring,
    services,
    settlement,
    year_end,
)
from finance.appdata import history as ah
from finance.appdata import scenarios as asc
from finance.appdata.workspace import Workspace
from finance.core.chain import Prior
from finance.core.model import Book
from finance.core.parse import RawTable
from finance.core.problems import Problem
from finance.core.run import Result

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The charts on each topic tab (built only when the tab is open).
TAB_CHARTS: dict[str, tuple[str, ...]] = {
    "Contributions": ("contributions",), "Year end": ("refund",),
    "Shared services": ("services",), "Settlement": ("net_positions",),
    "Investments": ("npv", "scores"), "Monitoring": ("savings", "performance")}
#: How long a run that closes the Data tab, or a group of its tables, waits before it
#: draws their editors out of sight: Streamlit's grid sends a typed value 150 ms after
#: the Enter, and a value still held when its editor leaves the page is lost.
LINGER_S = 0.25
TOPICS = ("Contributions", "Year end", "Shared services", "Settlement", "Investments",
          "Monitoring", "Budget", "Scenarios", "History", "Data")
STYLE = """<style>
[data-testid="stMainBlockContainer"] {padding: 2.2rem 1.75rem 3rem; max-width: 1500px;}
[data-testid="stMetricValue"] {font-size: 1.55rem; font-variant-numeric: tabular-nums;}
[data-testid="stMetricLabel"] p {font-size: 0.85rem; color: #4a5568;}
h1 {font-size: 2.1rem !important; padding-bottom: 0.1rem !important;}
[data-testid="stTable"] th, [data-testid="stTable"] td {padding: 0.3rem 0.5rem !important;}
[class*="st-key-stale"] {opacity: 0.42; filter: grayscale(1); pointer-events: none;}
@media print {
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stDownloadButton"], [data-testid="stBaseButton-secondary"] {display: none;}
  [data-testid="stMainBlockContainer"] {max-width: 100%; padding: 0;}
  [data-testid="stDataFrame"], [data-testid="stTable"], [data-testid="stVegaLiteChart"]
    {break-inside: avoid;}
}
</style>"""
#: Said on a tab the person's role does not reach.
ROLE_LIMIT = ("Your role ({role}) lets you see the figures, the history and the statements; "
              "a preparer {what}. Ask the partnership's administrator if you need more.")
#: Shown above figures that are not those of the current inputs.
STALE = ("Not the current inputs: these are the last good figures ({label}, {year}), greyed "
         "out. Put the book's problems right (listed above) to see the figures of what is "
         "on screen; downloads are off until then.")


# --------------------------------------------------------------------------- display helpers


def column(t: ad.Table, name: str) -> Any:
    return st.column_config.TextColumn(name, help=t.help.get(name),
                                       alignment=ad.ALIGN.get(t.kind(name), "left"))


def show_table(t: ad.Table, title: str | None = None) -> None:
    if title:
        st.markdown(f"**{ad.md_escape(title)}**")
    if not t.rows:
        st.caption("Nothing to show for this year.")
        return
    if ad.on_page(t):  # whole, as printed: headings over their figures
        shown = ad.page_table(t, title or "")
        with st.container(key=shown.key):
            st.html(f"<style>{shown.css}</style>")
            st.table(shown.frame, border="horizontal", hide_index=True)
        if t.help:
            st.caption(ad.column_notes(t))
    else:
        st.dataframe(ad.styled(t), hide_index=True, width="stretch", height=t.height,
                     column_config={c: column(t, c) for c in t.columns})


def show_metrics(metrics: list[ad.Metric]) -> None:
    for col, m in zip(st.columns(len(metrics)), metrics, strict=True):
        col.metric(m.label, m.value, help=m.help or None, border=True)


def show_chart(specs: dict[str, Any], name: str, title: str) -> None:
    if name in specs:
        st.markdown(f"**{title}**")
        st.vega_lite_chart(specs[name], width="stretch")


def heading(title: str, clause: str) -> None:
    st.subheader(title)
    st.caption(clause)


def warnings_beside(r: Result, tab: str) -> None:
    """The warnings about the inputs behind this tab's figures, beside them."""
    for w in ad.warnings_beside(r, tab):
        st.warning(ad.md_escape(w), icon=":material/warning:")


# --------------------------------------------------------------------------- topic tabs


def contributions_tab(r: Result, specs: dict[str, Any]) -> None:
    heading(f"Per-head contributions {r.year}",
            "§13.2: each party pays a per-head-of-population contribution on 1 April, using "
            "the most up-to-date population estimates. Each party's contribution is its "
            "weight for the year-end refund and carry-over.")
    show_metrics(contributions.contribution_metrics(r))
    warnings_beside(r, "Contributions")
    show_table(contributions.contributions_table(r), "Contribution per party")
    left, right = st.columns([3, 2], gap="large")
    with left:
        show_chart(specs, "contributions", "Contribution by party")
    with right:
        st.markdown("**How each contribution is worked out**")
        st.markdown("\n".join(f"- {ad.md_escape(line)}"
                               for line in contributions.contribution_workings(r)))
        st.caption("Rate x population (x months of membership / 12), rounded once to the "
                   "penny, half away from zero (§13.2).")


def year_end_tab(r: Result, specs: dict[str, Any]) -> None:
    heading(f"Year end {r.year}: refund or carry over",
            "§13.2: funds not spent or committed at the year end are returned in proportion "
            "to contributions or carried over, as the Board agrees. §13.3: the accountable "
            "body holds the budget.")
    show_metrics(year_end.year_end_metrics(r))
    warnings_beside(r, "Year end")
    left, right = st.columns([2, 3], gap="large")
    with left:
        show_table(year_end.fund_account_table(r), "Fund account")
    with right:
        show_chart(specs, "refund", "Refund against carry-over, by party")
    show_table(year_end.year_end_parties_table(r), "Statement per party")
    if r.year_end.exits:
        show_table(year_end.exits_table(r), "Exit settlements (§16.2-16.3)")
    with st.expander("Arithmetic checks on these figures"):
        show_table(ad.checks_table(r))


def services_tab(r: Result, specs: dict[str, Any]) -> None:
    heading(f"Shared-service cost splits {r.year}",
            "§18.1(a): the costs of a shared service are apportioned between the parties "
            "engaged in it, in the proportions they agree, and otherwise in equal shares. "
            "Shares are rounded by the largest remainder, so they add up to the net cost "
            "exactly.")
    if not r.services:
        st.info("No shared services in this year.")
        return
    show_metrics(services.services_metrics(r))
    show_table(services.services_table(r), "Net cost of each service and each party's share")
    show_chart(specs, "services", "Each service's split between the parties")
    tolerance = services.tolerance_table(r)
    if tolerance.rows:
        show_table(tolerance, "Shares in force and the tolerance rule (§18.1a): a split "
                   "is kept while every computed share is within the tolerance")
    with st.expander("How each service was split: weights, exact shares, savings"):
        for s in r.services:
            show_table(services.service_detail_table(r, s.service),
                       f"{s.service} — {s.name} · "
                       f"{services.basis_text(s.basis, s.components)} · "
                       f"host {ad.party_name(r.book, s.host)}")


def settlement_tab(r: Result, specs: dict[str, Any]) -> None:
    heading(f"Settlement between the parties {r.year}",
            "§18.1(b): a party that leads a business case or hosts a service is indemnified "
            "by the others for their proportion of its costs. §13.4: implementation costs "
            "are dealt with between the parties taking the initiative forward. One net "
            "payment settles each pair of parties.")
    show_metrics(settlement.settlement_metrics(r))
    left, right = st.columns([2, 3], gap="medium")  # both tables whole at 1280 px
    with left:
        show_table(settlement.payments_table(r), "Payments to make")
    with right:
        show_table(settlement.net_positions_table(r), "Net position per party")
    show_chart(specs, "net_positions", "Net position by party")
    with st.expander("Amounts owed before netting (audit trail)"):
        show_table(settlement.obligations_table(r))


def investments_tab(r: Result, specs: dict[str, Any]) -> None:
    heading("Five-year investment cases",
            "Annex A §5.2: every project has an investment profile and a score over five "
            "years, giving an overall investment score for the partnership. Costs carry "
            "optimism bias and are discounted (HM Treasury Green Book).")
    if not r.investments:
        st.info("No projects in this book.")
        return
    show_metrics(investments.investment_metrics(r))
    show_table(investments.investments_table(r), "Appraisal")
    left, right = st.columns(2, gap="large")
    with left:
        show_chart(specs, "npv", "Net present value by project")
    with right:
        show_chart(specs, "scores", "Investment score by project")
    show_table(investments.scores_table(r), "Scores")
    show_table(investments.party_returns_table(r), "Return to each party")
    with st.expander("Cash flows and sensitivity"):
        show_table(investments.cashflow_table(r), "Cash flows, years 0 to 5")
        show_table(investments.sensitivity_table(r), "NPV under other discount rates and "
                   "optimism bias")
        show_table(investments.switching_table(r), "How far benefits can fall before NPV is "
                   "zero")


def monitoring_tab(r: Result, specs: dict[str, Any]) -> None:
    heading(f"Monitoring {r.year}",
            "Annex A §5.1: savings delivered against predicted, and the MKIP budget "
            "quarterly. Annex A §4.1: continuous poor performance (a majority of indicators "
            "missed over three quarters) is reported to the Board.")
    show_metrics(monitoring.monitoring_metrics(r))
    for flag in monitoring.flag_sentences(r):
        st.error(ad.md_escape(flag), icon=":material/flag:")
    left, right = st.columns([7, 4], gap="large")
    with left:
        show_table(monitoring.savings_table(r), "Savings: predicted against actual")
    with right:
        show_chart(specs, "savings", "Savings predicted and delivered")
    show_table(monitoring.budget_table(r), "Quarterly budget monitoring")
    show_chart(specs, "performance", "Performance: indicators missed each quarter")
    with st.expander("Performance by service and quarter"):
        show_table(monitoring.performance_table(r))


# --------------------------------------------------------------------------- scenarios tab


def what_if_controls(kind: str, r: Result) -> asc.WhatIf:
    """The controls of one kind of what-if."""
    book, year = r.book, r.year
    names = {p.code: p.name for p in book.parties}
    voting = [p.code for p in book.parties if p.voting]
    service_codes = [x.service for x in r.services]
    leaving, joining = asc.usual_dates(year)
    if kind == "leave":
        who = st.selectbox("Council", voting, format_func=lambda c: f"{c} · {names[c]}")
        when = st.date_input("Leaves on", value=leaving, format="DD/MM/YYYY")
        return asc.WhatIf(kind, f"{names[who]} leaves on {when:%d %B %Y}", (who, when))
    if kind == "join":
        code = st.text_input("Code", value="NEW", max_chars=10).strip()
        name = st.text_input("Council", value="New Borough Council").strip()
        population = st.number_input("Population", min_value=1, value=100_000, step=1000)
        when = st.date_input("Joins on", value=joining, format="DD/MM/YYYY")
        return asc.WhatIf(kind, f"{name} joins on {when:%d %B %Y}",
                          (code, name, int(population), when))
    if kind == "rate":
        now = next(y for y in book.years if y.year == year).rate_pence
        pence = st.number_input("Rate per head (pence)", min_value=0.0, max_value=100000.0,
                                value=float(now), step=0.5, format=ad.number_format(now))
        text = ad.pence_text(ad.decimal_input(pence))
        return asc.WhatIf(kind, f"{text} per head", (text.removesuffix("p"),))
    if kind == "refund":
        share = ad.decimal_input(st.number_input("Refund share (%)", min_value=0.0,
                                                 max_value=100.0, value=100.0, step=5.0,
                                                 format="%.1f"))
        return asc.WhatIf(kind, f"Refund {share}%", (f"{share}%",))
    if kind == "basis":
        svc = st.selectbox("Service", service_codes)
        drivers = sorted({f"driver:{d.driver}" for d in book.drivers if d.year == year})
        new = st.selectbox("New basis", ["equal", "population", *drivers])
        return asc.WhatIf(kind, f"{svc} on {new}", (svc, new))
    svc = st.selectbox("Service", service_codes)
    who = st.selectbox("Council", sorted({x.party for s in r.services if s.service == svc
                                          for x in s.lines}))
    return asc.WhatIf(kind, f"{svc} without {who}", (svc, who))


def scenarios_tab(r: Result, tables: dict[str, RawTable] | None, key: str,
                  prior: Prior | None) -> None:
    heading("Scenarios side by side",
            "Before the board decides: what would each council pay if a council left or "
            "joined, the rate or refund share changed, or a service changed? Each scenario "
            "is worked out in full, exactly as the book itself is.")
    scs: list[Any] = st.session_state.setdefault("scenarios", [])
    left, right = st.columns([2, 5], gap="large")
    with left:
        add_scenario(r, scs)
        load_scenarios(r, scs)
        list_scenarios(r, scs)
    with right:
        if not scs:
            st.info("Add a scenario on the left (or load a scenario file) to see each "
                    "council's figures against the book's.", icon=":material/compare_arrows:")
        elif tables is None:
            st.warning("The book has problems: put them right to compare scenarios.")
        else:
            compare_scenarios(r, scs, tables, key, prior)


def add_scenario(r: Result, scs: list[Any]) -> None:
    """The what-if chosen, its controls, and the button that adds it as a scenario."""
    kinds: list[str] = list(asc.WHAT_IFS)
    kind = st.selectbox("What if …", kinds, format_func=lambda k: asc.WHAT_IFS[k],
                        key="what_if") or kinds[0]
    with st.form("what_if_form"):
        choice = what_if_controls(kind, r)
        name = st.text_input("Scenario name", placeholder="(a name is made for you)")
        if st.form_submit_button("Add scenario", icon=":material/add:"):
            label = name.strip() or choice.label
            if any(s.name == label for s in scs):
                st.error(f"A scenario is already called “{label}”.")
            else:
                scs.append(asc.Scenario(label, asc.changes(choice, r.year)))


def load_scenarios(r: Result, scs: list[Any]) -> None:
    """Scenarios loaded from a file, or from those saved for this year."""
    upload = st.file_uploader("Or load a scenario file (.toml)", type=["toml"],
                              key="scenario_file")
    if upload is not None and st.session_state.get("scenario_loaded") != upload.file_id:
        loaded, problems = asc.from_toml(upload.getvalue().decode("utf-8", "replace"))
        if problems:
            st.error(ad.problem_lines(problems))
        else:
            scs[:] = loaded
            st.session_state["scenario_loaded"] = upload.file_id
    stored, problem = asc.saved(history_url(), r.book.settings.name, r.year)
    if problem:
        st.caption(problem)
    elif stored:
        pick = st.selectbox("Or load saved scenarios", [None, *range(len(stored))],
                            format_func=lambda i: "—" if i is None else
                            f"{stored[i].name} (saved by {stored[i].saved_by}, "
                            f"{stored[i].saved_at:%d %b %Y})", key="saved_pick")
        if pick is not None and st.button("Load", key="load_saved"):
            loaded, _ = asc.from_toml(stored[pick].toml)
            scs[:] = loaded


def list_scenarios(r: Result, scs: list[Any]) -> None:
    """Each scenario, its changes in words, and a button that removes it."""
    names = {p.code: p.name for p in r.book.parties}
    for i, sc in enumerate(list(scs)):
        c1, c2 = st.columns([5, 1], vertical_alignment="center")
        c1.markdown(f"**{ad.md_escape(sc.name)}**  \n" + "  \n".join(
            ad.md_escape(ch.words(names)) for ch in sc.changes))
        if c2.button("", key=f"drop_scenario.{i}.{sc.name}", icon=":material/delete:",
                     help=f"Remove “{sc.name}”"):
            scs.remove(sc)
            st.rerun()


def compare_scenarios(r: Result, scs: list[Any], tables: dict[str, RawTable], key: str,
                      prior: Prior | None) -> None:
    """Each council's figures under each scenario against the book's, and the
    scenarios saved or downloaded."""
    toml = asc.to_toml(scs)
    tables_shown, chart = cache.comparison(key, r.year, toml, prior, tables)
    ok = asc.compared(tables_shown)
    if not ok:
        st.error("A scenario cannot be worked out:\n\n" + ad.problem_lines(tables_shown),
                 icon=":material/error:")
    else:
        table, by_service = tables_shown
        st.markdown(asc.legend([sc.name for sc in scs]))
        show_table(table, "Each council against the book")
        if by_service.rows:
            show_table(by_service, "What each scenario changes, service by service")
            st.caption(asc.WEIGHING)
        if chart is not None:
            st.markdown("**Change in each council's net settlement position**")
            st.vega_lite_chart(chart, width="stretch")
    with st.popover("Save these scenarios", icon=":material/save:"):
        save_as = st.text_input("Save as", placeholder="e.g. Options for the March board")
        if st.button("Save", key="save_scenarios", disabled=not save_as.strip()):
            st.info(asc.save(history_url(), r.book.settings.name, r.year, save_as, scs,
                             who_may_close(r).actor))
    scenario_downloads(r, toml, partial(cache.comparison_bytes, key, r.year, toml, prior,
                                        tables), ok)


def scenario_downloads(r: Result, toml: str, workbook: Callable[[], bytes], ok: bool
                       ) -> None:
    d1, d2 = st.columns(2)
    stem = ad.file_stem(r.book, r.year)
    d1.download_button("Scenarios (.toml)", data=toml.encode("utf-8"),
                       file_name=f"{stem}-scenarios.toml", mime="application/toml",
                       icon=":material/download:", width="stretch", key="dl_toml",
                       help="Keep them: load the file here again to see them later")
    d2.download_button("Comparison workbook (Excel)", data=workbook,
                       file_name=f"{stem}-scenarios.xlsx", mime=XLSX,
                       icon=":material/table_view:", width="stretch", disabled=not ok,
                       key="dl_comparison")
    st.session_state["offered_scenarios"] = {"toml": toml, "workbook": workbook}


# --------------------------------------------------------------------------- budget tab


def budget_controls(book: Book, year: str) -> abud.BudgetWhatIf:
    """The forecast's length and each assumption from the budget year on."""
    given = abud.book_assumptions(book, year)
    cols = st.columns(4)
    years = cols[0].number_input("Years of forecast", min_value=1, max_value=10, value=5,
                                 step=1, key="budget_years",
                                 help="The budget year and the years after it (1 to 10)")
    typed: dict[str, Any] = {}
    for col, key in zip(cols[1:], abud.ASSUMPTION_LABELS, strict=True):
        value = col.number_input(f"{abud.ASSUMPTION_LABELS[key]} from {year} (%)",
                                 min_value=-50.0, max_value=50.0,
                                 value=ad.pct_value(given[key]), step=0.1, format="%.2f",
                                 key=f"budget_{key}", help="A what-if: every year from the "
                                 "budget year on, in place of the book's assumptions")
        changed = ad.pct_input(value)
        typed[key] = changed if changed != given[key] else None
    return abud.BudgetWhatIf(int(years), **typed)


def budget_tab(r: Result, prior: Prior | None, key: str) -> None:
    year = abud.budget_year(r.book)
    heading(f"Budget {year or ''}: the year ahead",
            "§13.1: MKIP's budget is overseen by the board; §13.2: contributions are due on "
            "1 April; Annex D (b): each service board's growth and savings go to each "
            "council's budget. Budget lines, service items and assumptions are edited on the "
            "Data tab (Year ahead).")
    if year is None:
        st.info("The book has no years to budget from.")
        return
    what_if = budget_controls(r.book, year)
    bg, problems = cache.budget(key, what_if, prior, r.year, r.book)
    if bg is None:
        st.error("The budget cannot be worked out:\n\n" + ad.problem_lines(problems),
                 icon=":material/error:")
        return
    show_metrics(abud.budget_metrics(bg))
    for w in bg.warnings:
        if w.table == "budget":
            st.warning(ad.md_escape(w.message), icon=":material/warning:")
    show_table(abud.council_table(bg), "What each council budgets for the partnership")
    show_table(abud.service_table(bg), f"Each shared service's net budget {year}")
    if bg.proposals:
        show_table(abud.proposal_table(bg), "Proposals not yet approved (in no total)")
    st.markdown("**Each council's budget over the forecast**")
    st.vega_lite_chart(cache.budget_chart(key, what_if, prior, r.year, bg,
                                          tuple(p.code for p in r.book.parties)),
                       width="stretch")
    show_table(abud.fund_table(bg), "Central fund")
    # built when a button is clicked, not on every change of a control
    files = partial(cache.budget_files, key, what_if, prior, r.year, bg, r.book.source_sha256)
    st.session_state["offered_budget"] = files
    names = abud.download_names(cache.budget_stem(bg))
    for col, (what, label, mime) in zip(st.columns(3), (
            ("workbook", "Budget workbook (Excel)", XLSX),
            ("json", "Budget (JSON)", "application/json"),
            ("pdfs", "Each council's notice (PDFs, zip)", "application/zip")), strict=True):
        col.download_button(label, data=partial(lambda w: files()[w][1], what),
                            file_name=names[what], mime=mime, width="stretch",
                            icon=":material/download:", key=f"dl_budget_{what}")


# --------------------------------------------------------------------------- history tab


def secrets() -> dict[str, Any]:
    try:
        return dict(st.secrets)
    except Exception:  # no secrets file: nothing configured
        return {}


def history_url() -> str:
    return ah.database_url(os.environ, secrets())


def who_may_close(r: Result) -> ah.Gate:
    user = getattr(st, "user", None)
    logged_in = bool(user is not None and user.get("is_logged_in"))
    email = user.get("email") if logged_in and user is not None else None
    acc = current_access()
    server = ah.approvers(os.environ, secrets())
    if acc.who and not acc.close and acc.who not in server:  # a member whose role stops
        return ah.Gate(False, reason=f"Your role ({acc.role}) does not include closing or "
                       "reopening a year: an approver or the administrator does that.")
    return ah.gate(st.get_option("server.address"), logged_in,
                   str(email) if email else None,
                   (*server, acc.who) if acc.close and acc.who else server)


def history_tab(r: Result, fresh: bool, changes: list[str], book: tuple[str, bytes] | None
                ) -> None:
    v = ah.view(history_url(), r.book.settings.name, r.year)
    heading("History of closed years",
            "§13.2-§13.3: what the board approved for each year is kept in the "
            "partnership's record and cannot be changed afterwards; the next year opens "
            "from it.")
    if v.problem:  # the details (which may name the server's database) go to its log
        print(f"history: {v.problem}", file=sys.stderr)
        st.error("The record of closed years cannot be read just now: ask whoever looks "
                 "after this server.", icon=":material/database:")
        return
    if v.this_year is not None and v.this_year.status == "closed":
        y = v.this_year
        st.success(ah.closed_line(y), icon=":material/lock:")
    else:
        st.info(ah.open_line(r.year, v.this_year, v.opening), icon=":material/lock_open:")
    if v.years:
        show_table(ah.years_table(v.years), "Stored years")
    else:
        st.caption("No year of this partnership is closed yet.")
    chart = ah.party_chart(v.years)
    if chart is not None:
        st.markdown("**Per council over the years**")
        st.vega_lite_chart(chart)
    close_panel(r, v, fresh, changes, book)


def close_panel(r: Result, v: ah.HistoryView, fresh: bool, changes: list[str],
                book: tuple[str, bytes] | None) -> None:
    g = who_may_close(r)
    if not g.allowed:
        st.warning(g.reason, icon=":material/person_off:")
        if g.sign_in and "auth" in secrets():
            st.button("Sign in", on_click=st.login, icon=":material/login:")
        return
    if v.this_year is not None and v.this_year.status == "closed":
        if ah.latest_closed(v.years) == r.year:
            reopen_form(r, g)
        return
    blocked = ah.close_blocked(fresh, changes, book)
    first = ah.earlier_open(r.book.year_labels, v.years, r.year)
    st.markdown(f"**Close {r.year}**")
    if blocked:
        st.warning(blocked, icon=":material/block:")
    elif first is not None:
        st.warning(f"Close {first} first: years are closed in order, each opening the next. "
                   f"Choose {first} as the financial year in the sidebar to close it.",
                   icon=":material/block:")
    else:
        assert book is not None
        close_form(r, g, book)


def reopen_form(r: Result, g: ah.Gate) -> None:
    with st.expander(f"Reopen {r.year}"), st.form("reopen"):
        reason = st.text_area("Reason (required)")
        by = st.text_input("Reopened by", value=g.actor, disabled=bool(g.actor))
        if st.form_submit_button("Reopen this year", icon=":material/lock_open:"):
            try:
                ah.reopen_shown(history_url(), r.book.settings.name, r.year, reason,
                                g.actor or by)
            except ah.HistoryError as exc:
                st.error(ah.shown(exc))
            else:
                st.rerun()


def close_form(r: Result, g: ah.Gate, book: tuple[str, bytes]) -> None:
    with st.form("close"):
        said = st.empty()  # what stops the close, at the top of the form, by its fields
        approver = st.text_input("Approved by", value=g.actor, disabled=bool(g.actor),
                                 help="Who approved the year end for the board")
        minute = st.text_input("Board minute reference (required)",
                               placeholder="e.g. MKIP/2026/14")
        met = st.date_input("Date of the board meeting (required)", value=None,
                            max_value=ah.closing_day(), format="DD/MM/YYYY",
                            help="The meeting that approved the year end: the approval's "
                                 "date on the report and the statements")
        sure = st.checkbox(f"The board approved these figures for {r.year}. Once closed they "
                           "cannot be changed, only reopened with a reason.")
        if not st.form_submit_button(f"Close {r.year}", type="primary",
                                     icon=":material/lock:"):
            return
        meeting = met if isinstance(met, date) else None
        problem = ah.close_problem(g.actor or approver, minute, meeting, ah.closing_day())
        if problem or not sure:
            said.error(problem or "Tick the box to confirm first.", icon=":material/error:")
            return
        try:
            ah.close_shown(history_url(), r, book, g.actor or approver, minute, meeting)
        except ah.HistoryError as exc:
            said.error(ah.shown(exc), icon=":material/error:")
        else:
            st.rerun()


# --------------------------------------------------------------------------- data tab


def editor_column(kind: str, label: str, hint: str, width: int) -> Any:
    """An editor column of one kind: yes/no as ticks; money, percentages, numbers and
    dates as text in the grid's forms, so that what is typed is kept as typed and read
    by the book's own validator (a cell it cannot read is a problem, never a blank);
    anything else as text."""
    if kind == "bool":  # a new row's box starts unticked: "no", as shown
        return st.column_config.CheckboxColumn(label, help=hint, default=False, width=width)
    return st.column_config.TextColumn(label, help=hint, width=width,
                                       alignment=ad.editor_alignment(kind))


def editor_config(table: str, frame: Any, widths: dict[str, int]) -> dict[str, Any]:
    config: dict[str, Any] = {
        "_index": st.column_config.NumberColumn(
            "Row", help="The row number in the sheet; problems are reported by it",
            disabled=True, width=widths["_index"]),
        marks.CHECK: st.column_config.TextColumn(  # pinned: seen on a wide table too
            "Check", help=marks.CHECK_HELP, disabled=True, width=widths[marks.CHECK],
            pinned=True)}
    kinds = frame.attrs.get("kinds", {})
    for c in ad.columns(table):
        options = None if c in kinds else ad.choices(table, c, frame)
        label, hint = ad.column_label(table, c), ad.column_hint(table, c)
        if options is None:
            config[c] = editor_column(kinds.get(c, "text"), label, hint, widths[c])
        else:
            config[c] = st.column_config.SelectboxColumn(label, options=options, help=hint,
                                                         width=widths[c])
    return config


def editor(ws: Workspace, table: str, rows: dict[int, marks.Mark] | None = None) -> Any:
    """The editor of an input table as mounted in the workspace (``rows``: its rows'
    marks), drawn the same way wherever it is drawn, so that its identity, and so its
    edits, hold: its columns' widths are chosen when it is drawn afresh, from what it
    shows then, and kept (a mark that comes later shows as much of itself as fits);
    blanks shown blank.  Returns the table as edited."""
    shown, key, rows = ws.mounted_shown[table], ws.key(table), rows or {}
    texts = [m.text for m in rows.values()]
    widths = ws.column_widths(table, partial(ad.editor_widths, table, shown, texts))
    return st.data_editor(marks.marked(shown, ad.fitted_marks(rows, widths[marks.CHECK])),
                          key=key, num_rows="dynamic", placeholder="",
                          column_config=editor_config(table, shown, widths), width="stretch")


def reset_data() -> None:
    st.session_state["data_version"] = ad.next_version(st.session_state.get("data_version"))


def data_heading(src: ad.Source) -> None:
    top, button = st.columns([5, 1], vertical_alignment="bottom")
    with top:
        heading("Input tables",
                f"Figures from {ad.md_escape(src.label)}. Edit any cell, add rows at the foot "
                "of a table, or tick rows and delete them: every figure recomputes at once, "
                "through the same checks as the command line. Money in pounds, percentages "
                "as 35%, dates day first (31/03/2026), years as 2025-26; what you type is "
                "kept as typed, and a cell that cannot be read is listed as a problem. "
                "Edits stay while you use this source; Reset, or another source, starts "
                "again.")
    with button:
        st.button("Reset to source", on_click=reset_data, icon=":material/restart_alt:",
                  help="Discard every edit and board decision, and reload the source")


def open_group(ws: Workspace) -> list[tuple[str, Any]]:
    """The Data tab's groups of tables, the open one's tables mounted with their pending
    edits applied (to be checked before they are drawn), the others' kept as last
    edited: the open group's tables, each with its tab."""
    if "data_group" not in st.session_state and "data_group_last" in st.session_state:
        st.session_state["data_group"] = st.session_state["data_group_last"]  # as left
    groups = st.tabs(list(ad.TABLE_GROUPS), key="data_group", on_change="rerun")
    st.session_state["data_group_last"] = st.session_state.get("data_group")
    opened: list[tuple[str, Any]] = []
    for group, tab in zip(ad.TABLE_GROUPS, groups, strict=True):
        if tab.open is False:  # not drawn: its tables as last edited
            with tab:
                closed_editors(ws, ad.TABLE_GROUPS[group])
            continue
        for table in ad.TABLE_GROUPS[group]:
            ws.open(table)
            ws.pending(table, st.session_state.get(ws.key(table)))  # edits, to check first
            opened.append((table, tab))
    return opened


def draw_editors(ws: Workspace, opened: list[tuple[str, Any]],
                 problems: tuple[Problem, ...]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The open group's editors, each under its title, with a box for its problems and
    one for its changes above it (returned, by table), its rows marked."""
    slots: dict[str, Any] = {}
    changed: dict[str, Any] = {}
    for table, tab in opened:
        with tab:
            st.markdown(f"**{ad.TABLE_LABELS[table]}**")
            st.caption(ad.TABLE_NOTES[table])
            slots[table] = st.container()
            changed[table] = st.container()  # this table's changes, above it
            rows = marks.row_marks(table, ws.mounted_shown[table].index, ws.base[table],
                                   ws.frames[table], problems)
            ws.edited(table, editor(ws, table, rows), st.session_state.get(ws.key(table)))
    return slots, changed


def show_changes(src: ad.Source, edited: dict[str, Any], changes: list[str],
                 boxes: dict[str, Any]) -> None:
    """The edits against the source: each drawn table's above it (``boxes``), and all of
    them in an expander with the edited book to download (where this is drawn)."""
    for table, box in boxes.items():
        mine = ad.changes_of(table, changes)
        if mine:
            box.caption(":material/edit: Changed here: "
                        + "; ".join(ad.md_escape(c) for c in mine))
    if not changes:
        return
    left, right = st.columns([3, 1], vertical_alignment="center")
    with left, st.expander(f"{ad.count_text(len(changes), 'change')} against {src.label}",
                           icon=":material/edit:"):
        st.markdown("\n".join(f"- {ad.md_escape(c)}" for c in changes))
    book = st.session_state["offered_edited_book"] = partial(ad.edited_book, edited)
    right.download_button("Edited book (.xlsx)", data=book,
                          width="stretch", file_name=f"{ad.slug(src.label)}-edited.xlsx",
                          mime=XLSX, icon=":material/download:", key="dl_edited",
                          help="Every table as on screen, to keep the edits or upload "
                               "again later; a cell the book cannot read is kept as "
                               "typed, and listed as a problem again when uploaded")


def data_tab(src: ad.Source, base: dict[str, Any], ws: Workspace,
             check: Callable[[dict[str, Any]], tuple[Problem, ...]]) -> tuple[
        dict[str, Any], dict[str, Any], list[str]]:
    """One editor per input table of the open group, each showing its table as it was
    when drawn afresh, and in its Check column what is changed or wrong in each row
    (``check``: the problems of the book as edited); returns every table as text (the
    closed groups' as last edited), a slot per drawn table for its problems (filled once
    the edited book has been validated) and the edits against the source, a sentence
    each."""
    data_heading(src)
    changes_box = st.container()
    opened = open_group(ws)
    slots, boxes = draw_editors(ws, opened, check(dict(ws.frames)))
    edited = dict(ws.frames)  # every table as last edited, drawn or not
    changes = ad.changes_against(base, edited)
    with changes_box:
        show_changes(src, edited, changes, boxes)
    return edited, slots, changes


def workspace_for(source: str, version: int, base: dict[str, Any]) -> Workspace:
    """The tables as edited for this source: each source keeps its own edits, so going
    to another source and back finds them again (what was typed in the one left is
    kept first)."""
    kept: dict[str, Workspace] = st.session_state.setdefault("workspaces", {})
    current = st.session_state.get("workspace")
    if isinstance(current, Workspace) and current.source != source:
        current.close(ad.TABLES, st.session_state.get)
        kept[current.source] = current
    ws = Workspace.for_source(kept.get(source, current), source, version, base)
    kept[source] = st.session_state["workspace"] = ws
    return ws


def closed_editors(ws: Workspace, tables: Sequence[str]) -> None:
    """The editors of tables whose tab or group has just closed, drawn out of sight for
    one run (a value typed just before the click arrives after it); the others closed,
    their last edits kept in the workspace."""
    late = ws.linger(tables)
    ws.close([t for t in tables if t not in late], st.session_state.get)
    if late:  # the grid holds a typed value 150 ms, and drops it if its editor goes first
        time.sleep(LINGER_S)
    for table in late:
        ws.edited(table, editor(ws, table), st.session_state.get(ws.key(table)))


Checked = tuple[dict[str, RawTable] | None, ad.Parsed]
Worked = tuple[str, ad.Decisions, Prior | None, Result | None, tuple[Problem, ...]]


def figures_of(parsed: ad.Parsed, version: int, source_key: str, run: dict[str, Any]
               ) -> Worked | None:
    """The year and the board's decisions (drawn in the sidebar, once a run, from the
    first book asked about), and the figures of ``parsed`` with them: year, decisions,
    prior year, result and the problems the run found (``None``: no book, or no years).
    ``run``: this run's answers (the Data tab asks first, for its rows' marks)."""
    book = parsed.book
    if book is None or not book.years:
        return None
    priors: dict[str, Prior | None] = run.setdefault("priors", {})

    def prior_of(y: str) -> Prior | None:
        if y not in priors:
            priors[y] = ah.prior_for(history_url(), book.settings.name, y)
        return priors[y]

    if "decided" not in run:
        with st.sidebar:
            run["decided"] = year_and_decisions(
                book, version, disabled=False, source=source_key,
                closed=lambda y: ah.is_final(prior_of(y), book.source_sha256))
    year, decisions = run["decided"]
    if run.get("figures", (None,))[0] is not parsed:
        prior = prior_of(year)
        result, problems = cache.figures(parsed.sha256, year, decisions, prior, book)
        run["figures"] = (parsed, (year, decisions, prior, result, problems))
    return run["figures"][1]


def validated(src: ad.Source, base: dict[str, Any], edited: dict[str, Any],
              memo: dict[tuple[int, ...], tuple[tuple[Any, ...], Checked]]) -> Checked:
    """The tables as edited (``None``: as the source gave them) and the book read from
    them through the command line's checks (cached by the tables' digest; ``memo``: this
    run's answers, by the frames themselves, so the same frames are read once)."""
    frames = tuple(id(f) for f in edited.values())
    if frames not in memo:  # (the memo keeps the frames, so no id is used again)
        tables = None if ad.frames_equal(edited, base) else ad.tables_from_frames(
            edited, src.present)
        key = src.sha256 if tables is None else "edit:" + ad.tables_digest(tables)
        memo[frames] = (tuple(edited.values()), (tables, cache.validated(key, src, tables)))
    return memo[frames][1]


def show_table_problems(slots: dict[str, Any], problems: tuple[Problem, ...]) -> None:
    for table, ps in ad.problems_by_table(problems).items():
        if table in slots:
            box = slots[table].error if any(p.is_error for p in ps) else slots[table].warning
            box(ad.problem_lines(ps))


# --------------------------------------------------------------------------- sidebar


def upload_bytes() -> bytes | None:
    """The uploaded workbook's bytes, if a workbook is uploaded."""
    file = st.session_state.get("upload")
    return None if file is None else file.getvalue()


def choose_source() -> ad.Source | None:
    st.header("Partnership book")
    kinds = list(ad.SOURCE_LABELS) if current_access().prepare else [ad.BUNDLED]
    kind = st.radio("Figures from", kinds, format_func=ad.SOURCE_LABELS.get, key="source")
    if kind == ad.UPLOAD:
        # any file: a wrong one (a CSV, an old .xls) is told what to upload instead
        file = st.file_uploader("Workbook (.xlsx, up to 50 MB)", key="upload",
                                help="One sheet per table, as in the blank template")
        return None if file is None else cache.uploaded(file.getvalue(), file.name)
    if kind == ad.TEMPLATE:
        _data, problem = cache.template_bytes()
        if problem:
            return ad.Source(ad.TEMPLATE, "Blank template", {}, "",
                             (Problem("template", None, None, problem),))
        return ad.template_source(cache.blank_bytes())
    return cache.bundled()


def year_and_decisions(book: Book, version: int, disabled: bool, source: str = "",
                       closed: Callable[[str], bool] | None = None
                       ) -> tuple[str, ad.Decisions]:
    """The year to run and the board's decisions for it.  ``disabled`` (while the book
    has problems) shows the last good book's values and keeps what was typed; a new
    ``source`` starts again from its latest year.  A year ``closed`` in the record
    (FINAL) shows the decisions it was approved with, locked."""
    st.divider()
    year = st.selectbox("Financial year", list(reversed(book.year_labels)),
                        key=f"year.{version}.{source}", disabled=disabled)
    now = ad.book_decisions(book, year)
    final = closed is not None and closed(year)
    restored = st.session_state.get("decisions_restored", 0)
    tag = f"{year}.{version}.{restored}" + (".final" if final else "")
    disabled = disabled or final
    st.subheader("Board decisions")
    st.caption(f"{year} is closed (FINAL): these are the decisions the board approved; "
               "reopen the year on the History tab to change them." if final else
               f"For {year}. A change here overrides the book for this run.")
    rate = st.number_input("Rate per head (pence)", min_value=0.0, max_value=100000.0,
                           value=float(now.rate_pence), step=0.5,
                           format=ad.number_format(now.rate_pence),
                           key=f"rate.{tag}.{now.rate_pence}", disabled=disabled,
                           help="§13.2: the per-head contribution (initially 30p)")
    refund = st.number_input("Refund share (%)", min_value=0.0, max_value=100.0,
                             value=ad.pct_value(now.refund_share), step=5.0, format="%.1f",
                             key=f"refund.{tag}.{now.refund_share}", disabled=disabled,
                             help="§13.2: share of uncommitted funds returned; the rest is "
                                  "carried over")
    st.subheader("Key rates")
    discount = st.number_input("Discount rate (%)", min_value=0.0, max_value=100.0,
                               value=ad.pct_value(now.discount_rate), step=0.5, format="%.2f",
                               key=f"discount.{tag}.{now.discount_rate}", disabled=disabled,
                               help="HM Treasury Green Book: 3.5%")
    weight = st.number_input("Financial weight (%)", min_value=0.0, max_value=100.0,
                             value=ad.pct_value(now.financial_weight), step=5.0,
                             format="%.0f", key=f"weight.{tag}.{now.financial_weight}",
                             disabled=disabled,
                             help="Share of the investment score from the financial score")
    decided = ad.decisions_from_widgets(now, rate, refund, discount, weight)
    st.button("Restore the book's values", key=f"restore.{tag}", disabled=decided == now,
              on_click=restore_decisions, icon=":material/undo:",
              help="Put every board decision above back to what the book says")
    return year, decided


def restore_decisions() -> None:
    """The sidebar's decisions drawn afresh, from the book's values."""
    st.session_state["decisions_restored"] = ad.next_version(
        st.session_state.get("decisions_restored"))


# --------------------------------------------------------------------------- header


def download_buttons(shown: dict[str, Any] | None, template: bytes, fresh: bool) -> None:
    offered: dict[str, Any] = {"template": template}
    if shown is not None:
        js, problem = shown["json"]
        changed = shown.get("changes", [])
        report = partial(ad.report_bytes, shown["result"], shown.get("prior"), changed,
                         shown.get("source_sha256"))
        note = ad.download_note(fresh, len(changed))
        st.download_button("Board report (Excel)", data=report,
                           file_name=f"{shown['stem']}.xlsx", mime=XLSX, type="primary",
                           icon=":material/description:", width="stretch", key="dl_report",
                           disabled=not fresh or not current_access().prepare,
                           help="The board paper for the figures on screen: the same workbook "
                                "the command line writes. " + note)
        st.download_button("Result (JSON)", data=js, file_name=f"{shown['stem']}.json",
                           mime="application/json", icon=":material/data_object:",
                           disabled=not js or not fresh, width="stretch", key="dl_json",
                           help=note or None)
        if problem:
            st.warning(problem)
        if fresh:
            offered.update(report=report, json=js)
    st.download_button("Blank template (Excel)", data=template,
                       file_name="partnership-finance-template.xlsx", mime=XLSX,
                       icon=":material/grid_on:", disabled=not template, width="stretch",
                       key="dl_template", help="Input workbook with instructions and "
                                               "drop-down lists, to fill in and upload")
    st.session_state["offered_downloads"] = offered


def show_header(shown: dict[str, Any] | None, fresh: bool, template: bytes) -> None:
    title, buttons = st.columns([3, 1], vertical_alignment="center")
    with title:
        if shown is None:
            st.title("Partnership finance", anchor=False)
        else:
            r: Result = shown["result"]
            st.caption("PARTNERSHIP FINANCE · YEAR-END CALCULATOR")
            st.title(ad.md_escape(r.book.settings.name), anchor=False)
            final = ah.is_final(shown.get("prior"), r.book.source_sha256)
            st.markdown(f"Year end **{r.year}** ({'**FINAL**' if final else 'DRAFT'}) · "
                        "figures from "
                        f"**{ad.md_escape(shown['label'])}**"
                        + ("" if fresh else " · *last good figures*") + "  \n"
                        + " · ".join(f"{k}: **{ad.md_escape(v)}**"
                                     for k, v in ad.governance_line(r)))
    with buttons:
        download_buttons(shown, template, fresh)


def show_status(src: ad.Source | None, parsed: ad.Parsed | None,
                run_problems: tuple[Problem, ...], shown: dict[str, Any] | None,
                fresh: bool, changes: list[str]) -> None:
    if src is None:
        st.info("**Start here:** choose a workbook (.xlsx) in the sidebar, one sheet per "
                "table as in the blank template (download it above). Its figures appear as "
                "soon as it is read.", icon=":material/upload_file:")
    elif src.kind == ad.TEMPLATE and not (parsed and parsed.edited):
        st.info("**Start here:** this is the blank template, with nothing in it yet. Fill "
                "in the tables on the Data tab (settings, parties, populations and years at "
                "least; each column's heading has a note on what it takes), or download the "
                "template above, fill it in in Excel and upload it.",
                icon=":material/edit_note:")
        return
    errors = ad.errors_of(parsed, run_problems)
    kind_of_file = ad.what_file(src) if src is not None and src.kind == ad.UPLOAD else ""
    unreadable = ad.file_problem(src) if src is not None else ""
    if unreadable:
        st.error(unreadable, icon=":material/block:")
    elif kind_of_file:
        st.error(kind_of_file, icon=":material/block:")
    elif errors:
        box = st.info if src is not None and src.kind == ad.TEMPLATE else st.error
        last = None if shown is None else (shown["label"], shown["result"].year)
        box(ad.errors_message(errors, last), icon=":material/error:")
        rest = ad.more_problems(errors)
        if rest:
            with st.expander(f"The other {ad.count_text(len(rest), 'problem')}"):
                st.markdown(ad.grouped(rest))
        st.download_button("Every problem (CSV)", data=ad.problems_csv(errors),
                           file_name="problems.csv", mime="text/csv", key="dl_problems",
                           icon=":material/table_view:")
    if changes and fresh:
        st.info(ad.decisions_message(changes), icon=":material/gavel:")
    warnings = ad.warnings_of(parsed, shown["result"] if shown is not None and fresh else None)
    notes, checks = st.columns([3, 2], vertical_alignment="center")
    if warnings:
        with notes, st.expander(ad.notes_label(warnings), icon=":material/warning:"):
            st.markdown(ad.problem_lines(warnings))
    if shown is not None and fresh:
        ok, text = ad.checks_summary(shown["result"])
        with checks:
            (st.success if ok else st.error)(text, icon=":material/task_alt:" if ok
                                             else ":material/report:")


# --------------------------------------------------------------------------- the page


def who_is_here() -> ah.Access | None:
    """What the person at the screen may do; ``None`` (with the page saying why) when
    they may see nothing: on a network nothing of the partnership shows before sign-in,
    nor to a signed-in person who is no member of it."""
    address = st.get_option("server.address")
    user = getattr(st, "user", None)
    logged_in = bool(user is not None and user.get("is_logged_in"))
    stop = ah.sign_in_needed(address, "auth" in secrets(), logged_in)
    if stop:
        st.title("Partnership finance", anchor=False)
        st.info(stop, icon=":material/login:")
        if "auth" in secrets():
            st.button("Sign in", on_click=st.login, icon=":material/login:", type="primary")
        return None
    email = str(user.get("email") or "") if logged_in and user is not None else None
    partnership = ah.served_partnership(os.environ)
    role = (ah.role_of(history_url(), partnership, email)
            if address not in ah.LOCAL_ADDRESSES else None)
    acc = ah.access(address, email, role)
    if not acc.view:
        st.title("Partnership finance", anchor=False)
        st.info(f"You are signed in as {email}, but you are not a member of {partnership}: "
                "ask its administrator to add you.", icon=":material/person_off:")
        st.button("Sign out", on_click=st.logout, icon=":material/logout:")
        return None
    st.session_state["access"] = acc
    return acc


def current_access() -> ah.Access:
    acc = st.session_state.get("access")
    return acc if isinstance(acc, ah.Access) else ah.Access(True, True, True)


class Data(NamedTuple):
    """What the Data tab gives the rest of the page.

    Fields:
        parsed: the book read from the tables as edited (``None``: no source).
        tables: the tables as edited (``None``: as the source gave them).
        slots: a box above each drawn editor for its table's problems.
        edits: the edits against the source, a sentence each.
    """

    parsed: ad.Parsed | None
    tables: dict[str, RawTable] | None
    slots: dict[str, Any]
    edits: list[str]


def data_panel(src: ad.Source | None, drawn: bool, acc: ah.Access, version: int,
               source_key: str, run: dict[str, Any]) -> Data:
    """The Data tab (``drawn``: open): its editors, for a person who may prepare, else
    the tables as last edited; and the book read from them."""
    if src is None:
        kept = st.session_state.get("workspace")
        if isinstance(kept, Workspace):  # no editor is drawn: keep what was typed
            kept.close(ad.TABLES, st.session_state.get)
        st.info("Upload a workbook in the sidebar to see and edit its tables.")
        return Data(None, None, {}, [])
    base = cache.frames(f"{src.kind}:{src.sha256}", src)
    memo: dict[tuple[int, ...], tuple[tuple[Any, ...], Checked]] = {}
    ws = workspace_for(f"{src.kind}:{src.sha256}", version, base)
    slots: dict[str, Any] = {}
    if not drawn or not acc.prepare:  # not drawn: as last edited
        closed_editors(ws, ad.TABLES)
        edited, edits = ws.frames, ad.changes_against(base, ws.frames)
        if not acc.prepare:
            st.info(ROLE_LIMIT.format(role=acc.role, what="edits the tables"),
                    icon=":material/lock:")
    else:
        check = partial(book_problems, src, base, memo, (version, source_key, run))
        edited, slots, edits = data_tab(src, base, ws, check)
    tables, parsed = validated(src, base, edited, memo)
    if not (src.kind == ad.TEMPLATE and not parsed.edited):  # blank: nothing yet
        show_table_problems(slots, parsed.problems)
    return Data(parsed, tables, slots, edits)


def book_problems(src: ad.Source, base: dict[str, Any],
                  memo: dict[tuple[int, ...], tuple[tuple[Any, ...], Checked]],
                  at: tuple[int, str, dict[str, Any]], frames: dict[str, Any]
                  ) -> tuple[Problem, ...]:
    """The problems of the book as edited (``frames``) and of its year, as the page
    lists them (``at``: the data version, the source's key and this run's answers)."""
    checked = validated(src, base, frames, memo)[1]
    worked = figures_of(checked, *at)
    result, found = (worked[3], worked[4]) if worked else (None, ())
    return ad.errors_of(checked, found) + ad.warnings_of(checked, result)


def figures(src: ad.Source | None, data: Data, version: int, source_key: str,
            run: dict[str, Any]) -> tuple[Result | None, tuple[Problem, ...], list[str]]:
    """The figures of the book as edited (kept as the last good ones), the problems the
    year's run found, and the board decisions changed against the book."""
    parsed = data.parsed
    book = parsed.book if parsed else None
    if parsed is None or book is None:
        last_good: dict[str, Any] | None = st.session_state.get("last_good")
        if last_good is not None and last_good.get("source") == source_key and (
                "decided" not in run):  # another source's are never shown for this one
            with st.sidebar:
                year_and_decisions(last_good["book"], version, disabled=True,
                                   source=source_key)
        return None, (), []
    if not book.years:
        return None, (Problem("years", None, None, "no years are listed"),), []
    worked = figures_of(parsed, version, source_key, run)
    assert worked is not None
    year, decisions, _prior, result, run_problems = worked
    show_table_problems(data.slots, tuple(p for p in run_problems if p.table in data.slots))
    changes = ad.changed_decisions(book, year, decisions)
    if result is not None:
        keep_last_good(src, data, worked, changes, source_key)
    return result, run_problems, changes


def keep_last_good(src: ad.Source | None, data: Data, worked: Worked, changes: list[str],
                   source_key: str) -> None:
    """The figures just worked out, kept to show while the book has problems, with what
    the header, the downloads and the other tabs need."""
    year, decisions, prior, result, _ = worked
    parsed = data.parsed
    assert parsed is not None and result is not None
    label = src.label + (", edited" if parsed.edited else "") if src else ""
    st.session_state["last_good"] = {
        "result": result, "book": parsed.book, "label": label, "source": source_key,
        # the book to store if this year is closed: built when History opens
        "input": partial(ah.input_book, src, parsed, data.tables, upload_bytes()),
        "tables": data.tables if data.tables is not None else (src.tables if src else None),
        "key": parsed.sha256, "prior": prior,
        "changes": ad.cover_changes(changes, data.edits),
        "source_sha256": src.sha256 if src else None,
        "stem": ad.download_stem(ad.file_stem(result.book, year), changes + data.edits),
        "json": cache.result_json(parsed.sha256, year, decisions, prior, result),
        "chart_key": (parsed.sha256, year, decisions, prior)}


def figure_tabs(tabs: dict[str, Any], shown: dict[str, Any], fresh: bool) -> None:
    """The open tab of figures (only it is drawn: a change redraws one tab, not nine),
    greyed out under a warning when they are the last good ones."""
    r: Result = shown["result"]
    for name, draw in (("Contributions", contributions_tab), ("Year end", year_end_tab),
                       ("Shared services", services_tab), ("Settlement", settlement_tab),
                       ("Investments", investments_tab), ("Monitoring", monitoring_tab)):
        if tabs[name].open is False:
            continue
        with tabs[name]:
            if not fresh:
                st.warning(STALE.format(label=shown["label"], year=r.year),
                           icon=":material/history:")
            with st.container(key=f"{'fresh' if fresh else 'stale'}-{name}"):
                key, year, decisions, prior = shown["chart_key"]
                draw(r, cache.charts(key, year, decisions, prior, TAB_CHARTS[name], r))


def working_tabs(tabs: dict[str, Any], shown: dict[str, Any], fresh: bool,
                 changes: list[str], acc: ah.Access) -> None:
    """The Budget and Scenarios tabs (for a person who may prepare) and the History
    tab, when open."""
    r: Result = shown["result"]
    for name, what in (("Budget", "works out budgets"), ("Scenarios", "runs scenarios")):
        if tabs[name].open is not False and not acc.prepare:
            with tabs[name]:
                st.info(ROLE_LIMIT.format(role=acc.role, what=what), icon=":material/lock:")
    if tabs["Budget"].open is not False and acc.prepare:
        with tabs["Budget"]:
            budget_tab(r, shown.get("prior"), shown.get("key", ""))
    if tabs["Scenarios"].open is not False and acc.prepare:
        with tabs["Scenarios"]:
            scenarios_tab(r, shown.get("tables"), shown.get("key", ""), shown.get("prior"))
    if tabs["History"].open is not False:
        with tabs["History"]:
            history_tab(r, fresh, changes,
                        cache.kept_book(f"{shown['source']}:{shown['key']}", shown["input"]))


def page() -> None:
    st.html(STYLE)
    acc = who_is_here()
    if acc is None:
        return
    version: int = st.session_state.setdefault("data_version", 0)
    with st.sidebar:
        src = choose_source()
    header = st.container()
    tabs = dict(zip(TOPICS, st.tabs(list(TOPICS), key="topic", on_change="rerun"),
                    strict=True))
    source_key = ad.source_key(src)
    run: dict[str, Any] = {}  # this run's year and decisions, and figures (figures_of)
    with tabs["Data"]:
        data = data_panel(src, tabs["Data"].open is not False, acc, version, source_key,
                          run)
    result, run_problems, changes = figures(src, data, version, source_key, run)
    # figures are shown only for this source (an upload chosen with no file has none)
    shown: dict[str, Any] | None = st.session_state.get("last_good") if src else None
    if shown is not None and shown.get("source") != source_key:
        shown = None
    fresh = result is not None
    template, template_problem = cache.template_bytes()
    with header:
        show_header(shown, fresh, template)
        show_status(src, data.parsed, run_problems, shown, fresh, changes)
        if template_problem:
            st.warning(template_problem)
    if shown is None:
        for name in TOPICS[:-1]:
            with tabs[name]:
                st.info("No figures yet: choose a book in the sidebar." if src is None else
                        "No figures yet: the book has problems (see above).")
        return
    figure_tabs(tabs, shown, fresh)
    working_tabs(tabs, shown, fresh, changes, acc)


st.set_page_config(page_title="Partnership finance", page_icon=ad.ICON, layout="wide",
                   initial_sidebar_state="expanded")
try:
    page()
except Exception as exc:  # never a traceback on screen: say what failed, keep the app up
    print(f"app: {type(exc).__name__}: {exc}", file=sys.stderr)  # the details, for the log
    st.error("The app hit an internal error and could not finish this page. Your edits are "
             "kept; try Reset to source.")
