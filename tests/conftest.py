"""Shared fixtures: the bundled MKIP book, and a copy of it to break one table at a time."""

from __future__ import annotations

import csv
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
MKIP = ROOT / "data" / "mkip"
IN_CI = os.environ.get("CI") == "true"


#: The app's topic tabs, in order.
APP_TOPICS = ["Contributions", "Year end", "Shared services", "Settlement", "Investments",
              "Monitoring", "Budget", "Scenarios", "History", "Data"]


def open_tab(at: Any, label: str) -> Any:
    """The app's topic tab ``label``, opened as a click would (the app draws only the
    open tab, so its content is there after a run)."""
    current = at.session_state["topic"] if "topic" in at.session_state else APP_TOPICS[0]
    if current != label:
        at.session_state["topic"] = label
        at.run()
    return next(t for t in at.tabs if t.label == label)


def find_in_tabs(at: Any, found: Callable[[Any], Any]) -> Any:
    """``found(at)`` on the open tab, else on each topic tab in turn (opening it): the
    first answer that is not empty."""
    got = found(at)
    for label in APP_TOPICS:
        if got:
            break
        open_tab(at, label)
        got = found(at)
    return got


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def write_rows(path: Path, rows: list[dict[str, str]], columns: list[str] | None = None) -> None:
    cols = columns or (list(rows[0]) if rows else [])
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=cols, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)


class BookCopy:
    """A copy of the bundled book in a temporary folder, edited table by table."""

    def __init__(self, folder: Path) -> None:
        self.path = folder
        shutil.copytree(MKIP, folder)

    def rows(self, table: str) -> list[dict[str, str]]:
        return read_rows(self.path / f"{table}.csv")

    def write(self, table: str, rows: list[dict[str, str]],
              columns: list[str] | None = None) -> None:
        write_rows(self.path / f"{table}.csv", rows, columns)

    def edit(self, table: str, fn: Callable[[list[dict[str, str]]], None]) -> BookCopy:
        rows = self.rows(table)
        with (self.path / f"{table}.csv").open(newline="", encoding="utf-8") as f:
            columns = next(csv.reader(f))
        fn(rows)
        self.write(table, rows, columns)
        return self

    def set(self, table: str, index: int, column: str, value: str) -> BookCopy:
        def fn(rows: list[dict[str, str]]) -> None:
            rows[index][column] = value

        return self.edit(table, fn)

    def remove(self, table: str) -> BookCopy:
        (self.path / f"{table}.csv").unlink()
        return self


@pytest.fixture(autouse=True)
def _own_history_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test's history database is its own (a file that does not exist until a test
    closes a year), never an ``mkip.db`` that happens to lie in the working folder."""
    monkeypatch.setenv("MKIP_DATABASE_URL", f"sqlite:///{tmp_path / 'mkip-history.db'}")


@pytest.fixture
def book_copy(tmp_path: Path) -> BookCopy:
    return BookCopy(tmp_path / "book")


@pytest.fixture(scope="session")
def mkip_book():  # type: ignore[no-untyped-def]
    from finance.book import require_book

    return require_book(MKIP)


@pytest.fixture(scope="session")
def mkip_result(mkip_book):  # type: ignore[no-untyped-def]
    from finance.core.run import run_year

    return run_year(mkip_book)


# Property tests run on a loaded two-core CI machine: time limits per example would only
# make them flaky, so there are none (the number of examples stays hypothesis's default).
from hypothesis import HealthCheck, Phase  # noqa: E402
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("mkip", deadline=None)
_hypothesis_settings.load_profile("mkip")

# Under mutation testing (mutmut sets MUTANT_UNDER_TEST while it runs tests: scripts/mutation)
# each property test runs a few fixed examples, the same for every mutant, instead of
# hundreds of random ones, and a failure is not shrunk to its simplest example (only
# "killed or not" counts there, and shrinking took minutes for some mutants): thousands of
# mutants each re-run these tests, and the hand-worked tests are the ones meant to pin the
# edge cases.  The normal suite is unchanged.
MUTATION_RUN = "MUTANT_UNDER_TEST" in os.environ
MUTATION_MAX_EXAMPLES = 20
_MUTATION_SETTINGS: dict[str, Any] = dict(
    deadline=None, derandomize=True, database=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow])

if MUTATION_RUN:
    _hypothesis_settings.register_profile(
        "mkip-mutation", max_examples=MUTATION_MAX_EXAMPLES, **_MUTATION_SETTINGS)
    _hypothesis_settings.load_profile("mkip-mutation")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under mutation testing, cap the property tests that ask for more examples with their
    own ``@settings(max_examples=...)`` too (a decorator's value beats the profile's)."""
    if not MUTATION_RUN:
        return
    for item in items:
        fn = getattr(getattr(item, "obj", None), "__func__", getattr(item, "obj", None))
        own = getattr(fn, "_hypothesis_internal_use_settings", None)
        if own is not None:
            fn._hypothesis_internal_use_settings = _hypothesis_settings(  # type: ignore[union-attr]
                own, max_examples=min(own.max_examples, MUTATION_MAX_EXAMPLES),
                **_MUTATION_SETTINGS)


@contextmanager
def scratch_postgres(admin_url: str, prefix: str) -> Iterator[str]:
    """A new, empty database on the PostgreSQL server of ``admin_url`` (a database
    named ``prefix`` and a random suffix), its URL given, dropped afterwards.

    ``WITH (FORCE)`` ends the sessions left on it, but not an autovacuum worker that
    happens to be working on the new database, which only a superuser may end: then the
    drop waits for the worker to finish (bounded) and tries again."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ProgrammingError

    admin = make_url(admin_url)
    name = f"{prefix}{uuid.uuid4().hex[:12]}"
    engine = create_engine(admin.set(drivername="postgresql+psycopg"),
                           isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield admin.set(drivername="postgresql", database=name).render_as_string(
                hide_password=False)
        finally:
            for attempt in range(50):
                try:
                    with engine.connect() as conn:
                        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                    break
                except ProgrammingError:
                    if attempt == 49:
                        raise
                    time.sleep(0.2)
    finally:
        engine.dispose()
