"""The app's cached calls: Streamlit's caches around :mod:`finance.appdata`.

Defined here, once per server process, rather than in ``app.py``: Streamlit runs the
page's script afresh on every interaction, and each cache decorator there was made again
on every run (its function's source read and hashed: about a fifth of a Data-tab edit's
time on the server).

Sources, tables, parsed books and results are immutable: cached as resources, they are
the same objects on every run (not copies), so an unchanged table is seen as unchanged at
no cost.  Charts and the scenario table are cached as data (Streamlit may change the
dictionaries it is given).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from finance import appdata as ad
from finance.appdata import scenarios as asc
from finance.core.chain import Prior
from finance.core.model import Book
from finance.core.parse import RawTable
from finance.core.problems import Problem
from finance.core.run import Result


@st.cache_resource(show_spinner=False, max_entries=2)
def bundled() -> ad.Source:
    return ad.bundled_source()


@st.cache_resource(show_spinner=False, max_entries=8)
def uploaded(data: bytes, name: str) -> ad.Source:
    return ad.workbook_source(data, name)


@st.cache_data(show_spinner=False, max_entries=1)
def template_bytes() -> tuple[bytes, str]:
    """The blank template workbook, or why it could not be built."""
    try:
        from finance.template import build_template

        return build_template(), ""
    except Exception as exc:  # shown as a warning; the rest of the app carries on
        return b"", f"The blank template could not be built ({type(exc).__name__}: {exc})."


@st.cache_data(show_spinner=False, max_entries=1)
def blank_bytes() -> bytes:
    """The template with its tables empty: the "Blank template" source starts blank."""
    from finance.template import build_template

    return build_template(examples=False)


@st.cache_resource(show_spinner=False, max_entries=8)
def frames(key: str, _src: ad.Source) -> dict[str, Any]:
    return ad.frames_from_tables(_src.tables)


@st.cache_resource(show_spinner=False, max_entries=64)
def validated(key: str, _src: ad.Source, _tables: dict[str, RawTable] | None) -> ad.Parsed:
    return ad.parse_source(_src) if _tables is None else ad.parse_edited(_src, _tables)


@st.cache_resource(show_spinner=False, max_entries=64)
def figures(key: str, year: str, decisions: ad.Decisions, prior: Prior | None,
            _book: Book) -> tuple[Result | None, tuple[Problem, ...]]:
    return ad.run_safely(_book, year, decisions, prior)


@st.cache_data(show_spinner=False, max_entries=64)
def charts(key: str, year: str, decisions: ad.Decisions, prior: Prior | None,
           names: tuple[str, ...], _result: Result) -> dict[str, Any]:
    return ad.chart_specs(_result, names)


@st.cache_resource(show_spinner=False, max_entries=8)
def kept_book(key: str, _make: Callable[[], tuple[str, bytes] | None]
              ) -> tuple[str, bytes] | None:
    """The book to store if this year is closed (built once per book, when History is
    open)."""
    return _make()


@st.cache_resource(show_spinner=False, max_entries=16)
def result_json(key: str, year: str, decisions: ad.Decisions, prior: Prior | None,
                _result: Result) -> tuple[bytes, str]:
    return ad.json_bytes(_result)


@st.cache_data(show_spinner=False, max_entries=16)
def comparison(key: str, year: str, toml: str, prior: Prior | None,
               _tables: dict[str, RawTable]) -> tuple[Any, dict[str, Any] | None]:
    """The side-by-side table and its chart, or the problems that stop a scenario
    (cached by the book, the year and the scenarios)."""
    cmp = scenario_run(key, year, toml, prior, _tables)
    if not cmp.ok:
        return tuple(p for p in cmp.problems if p.is_error), None
    return (asc.side_by_side(cmp), asc.service_changes(cmp)), asc.change_chart(cmp)


@st.cache_resource(show_spinner=False, max_entries=16)
def scenario_run(key: str, year: str, toml: str, prior: Prior | None,
                 _tables: dict[str, RawTable]) -> Any:
    scs, problems = asc.from_toml(toml)
    cmp = asc.run(_tables, key, scs, year, prior)
    cmp.problems = problems + cmp.problems
    return cmp


def comparison_bytes(key: str, year: str, toml: str, prior: Prior | None,
                     tables: dict[str, RawTable]) -> bytes:
    """The comparison workbook, built when its download button is clicked."""
    from finance.comparison import comparison_workbook

    return comparison_workbook(scenario_run(key, year, toml, prior, tables))


@st.cache_resource(show_spinner=False, max_entries=32)
def budget(key: str, what_if: Any, prior: Prior | None, run_year: str, _book: Book
           ) -> tuple[Any, tuple[Problem, ...]]:
    """The Budget tab's budget (immutable: cached as a resource)."""
    from finance.appdata import budget as abud

    return abud.budget_of(_book, what_if, prior, run_year)


@st.cache_data(show_spinner=False, max_entries=32)
def budget_chart(key: str, what_if: Any, prior: Prior | None, run_year: str,
                 _budget: Any, order: tuple[str, ...] = ()) -> dict[str, Any]:
    from finance.appdata import budget as abud

    return dict(abud.forecast_chart(_budget, order).to_dict())


@st.cache_resource(show_spinner=False, max_entries=8)
def budget_files(key: str, what_if: Any, prior: Prior | None, run_year: str, _budget: Any,
                 input_sha256: str) -> dict[str, tuple[str, bytes]]:
    """The Budget tab's downloads, built once per budget."""
    from finance.appdata import budget as abud
    from finance.output import json_bytes

    return abud.downloads(_budget, input_sha256, budget_stem(_budget), json_bytes)


def budget_stem(budget: Any) -> str:
    """``<partnership>-<year>-budget``, as ``mkip budget`` names its files."""
    from finance.output import slug

    return f"{slug(budget.partnership)}-{budget.year}-budget"
